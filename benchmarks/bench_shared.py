"""Scale of the shared-passage finder and the shared formulations (passages, then phrases): synthetic corpora of 10, 100 and 1,000 documents.

Each synthetic document recombines units of the real ones: it takes as many units as a real
document has (one of the five sizes, at random) and draws each from all units of all five, so
every passage recurs in many documents, a worst case for reuse. Each size runs in a fresh
process, so the peak memory printed (the process's maximum resident set) is its own.

    python benchmarks/bench_shared.py              # 10, 100, 1000 documents
    python benchmarks/bench_shared.py 10 100       # chosen sizes

The bar (issue 6): 1,000 documents in under 5 minutes on 2 cores, and the time for 1,000 within
15x the time for 100.
"""

from __future__ import annotations

import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIZES = (10, 100, 1000)
SEED = 2026


def corpus(n_docs: int, seed: int = SEED) -> list[tuple[str, list[int]]]:
    """(text, unit start offsets) of n synthetic documents built from the real units."""
    from analysis.build import build_all

    results = build_all()
    sizes = [len(r.norm.units) for r in results]
    pool = [r.text[u.char_start:u.char_end] for r in results for u in r.norm.units]
    rng = random.Random(seed)
    docs = []
    for _ in range(n_docs):
        parts = [rng.choice(pool) for _ in range(rng.choice(sizes))]
        starts, offset = [], 0
        for p in parts:
            starts.append(offset)
            offset += len(p) + 1
        docs.append(("\n".join(parts), starts))
    return docs


def run_one(n_docs: int) -> dict:
    from analysis.wording import formulations
    from analysis.wording.maximal import shared_nodes
    from analysis.wording.passages import find_in_readings, reading_form
    from analysis.wording.shared_passages import load_config

    shared_nodes([reading_form("预热一下编译器的缓存。"), reading_form("预热一下编译器的缓存。")], 4)  # numba compiles once
    docs = corpus(n_docs)
    config = load_config()
    t0 = time.perf_counter()
    readings = [reading_form(text, starts, i) for i, (text, starts) in enumerate(docs)]
    passages = find_in_readings(readings, config.settings)
    t1 = time.perf_counter()
    found = formulations.find(readings, passages, config.formulation_chars, config.settings.complete_up_to)
    t2 = time.perf_counter()
    return {"docs": n_docs, "chars": sum(len(t) for t, _ in docs), "seconds": round(t2 - t0, 2),
            "passage_s": round(t1 - t0, 2), "formulation_s": round(t2 - t1, 2),
            "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024), "passages": len(passages),
            "formulations": int(found["formulation"].nunique()) if len(found) else 0, "occurrences": len(found)}


def main(argv: list[str]) -> None:
    if argv[:1] == ["--one"]:
        print(json.dumps(run_one(int(argv[1]))))
        return
    sizes = [int(a) for a in argv] or list(SIZES)
    print(f"{'documents':>9} {'characters':>11} {'seconds':>8} {'passages s':>10} {'phrases s':>9} {'peak MB':>8} "
          f"{'passages':>9} {'phrases':>8} {'occurrences':>11}")
    results = []
    for n in sizes:
        out = subprocess.run([sys.executable, __file__, "--one", str(n)], capture_output=True, text=True, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        results.append(r)
        print(f"{r['docs']:>9} {r['chars']:>11,} {r['seconds']:>8.1f} {r['passage_s']:>10.1f} {r['formulation_s']:>9.1f} "
              f"{r['peak_mb']:>8} {r['passages']:>9,} {r['formulations']:>8,} {r['occurrences']:>11,}", flush=True)
    by = {r["docs"]: r for r in results}
    if 100 in by and 1000 in by:
        t, c = by[1000]["seconds"] / by[100]["seconds"], by[1000]["chars"] / by[100]["chars"]
        print(f"100 -> 1000 documents: text x{c:.1f}, time x{t:.1f} (bar: within 15x), "
              f"passages x{by[1000]['passages'] / by[100]['passages']:.1f}, "
              f"formulations alone: time x{by[1000]['formulation_s'] / max(by[100]['formulation_s'], 0.01):.1f}")


if __name__ == "__main__":
    main(sys.argv[1:])
