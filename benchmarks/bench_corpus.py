"""The whole build on synthetic corpora of 10, 100 and 1,000 documents: time, peak memory, rows.

Each synthetic document is a shipped one under a new region slug (`<region>c<n>`), with small
edits: a few quantities of its targets changed (百分之 figures, counts), so no two copies are
identical and the shared-wording stages see near-copies, the hard case. A copy's manifest entry
holds only `file`, `region`, `year` and `level`, as a researcher's new entry would
(docs/adding-a-document.md): the layout is detected, no dictionary is edited.

The real command line runs end to end (`python -m analysis build --out … --manifest … --jobs N
--timings`, every table and the workbook), once per size, in a fresh process. Printed: wall time,
the peak memory of the build's processes together (sampled from /proc: resident memory summed,
which counts the pages they share once per process, and proportional set size, which counts them
once) and of the largest one (getrusage), seconds per stage, rows per table, and the growth ratios. Each build
starts with an empty token cache (`analysis/topics/token_cache.py`), as a first build would.

    python benchmarks/bench_corpus.py                    # 10, 100, 1000 documents, --jobs 2
    python benchmarks/bench_corpus.py 10 100 --jobs 1    # chosen sizes

The bar (issue 18): 1,000 documents in under 5 minutes and 4 GB on 2 cores; from 100 to 1,000
documents the time grows within 12x.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_shared import SEED, SIZES  # noqa: E402  (the same sizes and seed as the finder's benchmark)

# a quantity of a target: 90%, 100万, 3个, 20家, 500张 (never a task number, a date or a year)
_QUANTITY = re.compile(r"(?<![\d.])(\d{1,3})(?=\s*(?:%|％|万|个|家|张|所|名|项))")


def shipped() -> list[dict]:
    from analysis import MANIFEST

    return yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))["documents"]


def edited(text: str, rng: random.Random) -> str:
    """`text` with about a third of its target quantities changed by one to five."""
    def change(m: re.Match) -> str:
        return str(int(m.group(1)) + rng.randint(1, 5)) if rng.random() < 0.34 else m.group(1)
    return _QUANTITY.sub(change, text)


def make_corpus(n_docs: int, folder: Path, seed: int = SEED) -> Path:
    """n_docs copies of the shipped documents (round robin) in `folder`; returns the manifest."""
    from analysis import RAW_DIR

    rng = random.Random(seed)
    entries, texts = [], {}
    docs = shipped()
    for n in range(n_docs):
        d = docs[n % len(docs)]
        if d["file"] not in texts:
            texts[d["file"]] = (RAW_DIR / d["file"]).read_text(encoding="utf-8")
        region = f"{d['region']}c{n}"
        name = f"{region}-{d['year']}.txt"
        (folder / name).write_text(edited(texts[d["file"]], rng), encoding="utf-8")
        entries.append({"file": name, "region": region, "year": d["year"], "level": d["level"]})
    manifest = folder / "documents.yml"
    manifest.write_text(yaml.safe_dump({"documents": entries}, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return manifest


def _tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants, from /proc (pages the processes share,
    such as the libraries forkserver children inherit, counted once per process)."""
    return _tree(pid, _rss)


def _tree_pss(pid: int) -> int:
    """Proportional set size of a process and its descendants: each shared page split among the
    processes sharing it, so the sum is what they hold together."""
    return _tree(pid, _pss)


def _rss(p: int) -> int:
    with open(f"/proc/{p}/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _pss(p: int) -> int:
    with open(f"/proc/{p}/smaps_rollup") as f:
        return next((int(line.split()[1]) * 1024 for line in f if line.startswith("Pss:")), 0)   # 0: exited


def _tree(pid: int, size) -> int:
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            total += size(p)
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo += [int(c) for c in f.read().split()]
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
    return total


def parse_timings(stderr: str) -> dict[str, float]:
    """The build's `--timings` lines: "timing: <stage> <seconds>"."""
    stages = {}
    for line in stderr.splitlines():
        if line.startswith("timing: "):
            stage, value = line[len("timing: "):].rsplit(" ", 1)
            stages[stage] = float(value)
    return stages


def run_build(manifest: Path, out: Path, jobs: int, cache: Path, max_gb: float) -> dict:
    cmd = [sys.executable, "-m", "analysis", "build", "--manifest", str(manifest), "--out", str(out),
           "--jobs", str(jobs), "--timings"]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ANALYSIS_CACHE": str(cache)}   # cold: no text cut before
    peak, peak_pss = [0], [0]
    t0 = time.perf_counter()
    # a session of its own, so stopping it stops its worker processes too (they hold its pipes)
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT,
                            start_new_session=True)

    stopped = []

    def sample():
        # resident memory every 0.1 s (/proc/PID/statm: cheap); the proportional set size every
        # 0.5 s, since reading smaps_rollup walks the page tables of every process: at 10 a second
        # it took a third of a core from the build it measured
        n = 0
        while proc.poll() is None:
            peak[0] = max(peak[0], _tree_rss(proc.pid))
            if n % 5 == 0:
                peak_pss[0] = max(peak_pss[0], _tree_pss(proc.pid))
            n += 1
            if peak[0] > max_gb * 2**30 and not stopped:    # a shared machine: never run it out of memory
                stopped.append(time.perf_counter() - t0)
                os.killpg(proc.pid, signal.SIGKILL)
            time.sleep(0.1)
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = proc.communicate()
    seconds = time.perf_counter() - t0
    sampler.join()
    if proc.returncode and not stopped:
        raise SystemExit(f"build of {manifest} failed ({proc.returncode}): {stderr.strip()[-2000:]}")
    stages = parse_timings(stderr)
    memory = {line.split()[1]: float(line.split()[2]) for line in stderr.splitlines() if line.startswith("memory: ")}
    counted = {line.split()[1]: int(line.split()[2]) for line in stderr.splitlines() if line.startswith("rows: ")}
    if stopped:     # the stage it was in: the first one after those it printed
        order = ["documents", "tables", "task_topics", "shared_passages", "task_similarity", "write", "report"]
        stages[f"{next(s for s in order if s not in stages)} (stopped)"] = stopped[0] - sum(
            stages.get(s, 0) for s in order)
    return {"seconds": seconds, "peak_mb": peak[0] / 2**20, "peak_pss_mb": peak_pss[0] / 2**20, "stages": stages, "memory": memory,
            "counted": counted, "stopped": f"stopped past {max_gb:g} GB after {stopped[0]:.0f} s" if stopped else "",
            "largest_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}


def rows(out: Path) -> dict[str, int]:
    import pyarrow.parquet as pq

    return {p.stem: pq.ParquetFile(p).metadata.num_rows for p in sorted(out.glob("*.parquet"))}


def one(n_docs: int, jobs: int, max_gb: float) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-corpus-") as tmp:
        raw = Path(tmp) / "raw"
        raw.mkdir()
        manifest = make_corpus(n_docs, raw)
        chars = sum(len(p.read_text(encoding="utf-8")) for p in raw.glob("*.txt"))
        result = run_build(manifest, Path(tmp) / "out", jobs, Path(tmp) / "cache", max_gb)
        done = not result["stopped"]
        result.update(docs=n_docs, chars=chars, rows=rows(Path(tmp) / "out") if done else result["counted"],
                      workbook_mb=(Path(tmp) / "out" / "workbook.xlsx").stat().st_size / 2**20 if done else 0)
    return result


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("sizes", nargs="*", type=int, default=list(SIZES))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--max-gb", type=float, default=8.0,
                        help="stop a build whose processes hold more than this (default 8; the bar is 4)")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:     # one size in this fresh process, so getrusage's children are its build alone
        import json
        print(json.dumps(one(args.sizes[0], args.jobs, args.max_gb)))
        return
    import json

    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} (1, 5, 15 min); "
          f"--jobs {args.jobs}", flush=True)
    results = []
    for n in args.sizes:
        out = subprocess.run([sys.executable, __file__, "--one", "--jobs", str(args.jobs), "--max-gb",
                              str(args.max_gb), str(n)],
                             capture_output=True, text=True)
        if out.returncode:
            raise SystemExit(out.stderr.strip()[-2000:])
        r = json.loads(out.stdout.strip().splitlines()[-1])
        results.append(r)
        print(f"\n{r['docs']:,} documents, {r['chars']:,} characters: {r['seconds']:.1f} s, peak "
              f"{r['peak_mb']:,.0f} MB all processes' resident memory summed ({r['peak_pss_mb']:,.0f} MB "
              f"proportional, shared pages counted once; {r['largest_mb']:,.0f} MB the largest process), "
              + (f"workbook {r['workbook_mb']:.1f} MB" if not r["stopped"] else f"BUILD {r['stopped'].upper()}"),
              flush=True)
        for stage, s in r["stages"].items():
            mb = r.get("memory", {}).get(stage)
            print(f"  {stage:<22} {s:8.2f} s" + (f"   main process peak {mb:7,.0f} MB by its end" if mb else ""))
        if r["rows"]:
            print("  rows: " + ", ".join(f"{t} {v:,}" for t, v in r["rows"].items()), flush=True)
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    for a, b in zip(results, results[1:]):
        ratio = {s: b["stages"][s] / a["stages"][s] for s in b["stages"] if a["stages"].get(s, 0) > 0.01}
        print(f"\n{a['docs']:,} -> {b['docs']:,} documents: text x{b['chars'] / a['chars']:.1f}, "
              f"time x{b['seconds'] / a['seconds']:.1f}, peak memory x{b['peak_mb'] / a['peak_mb']:.1f}")
        print("  stages: " + ", ".join(f"{s} x{v:.1f}" for s, v in ratio.items()))
        if b["rows"]:
            print("  rows: " + ", ".join(f"{t} x{b['rows'][t] / a['rows'][t]:.1f}" for t in b["rows"] if a["rows"].get(t)))


if __name__ == "__main__":
    main(sys.argv[1:])
