"""Where the wording loops should start being compiled (analysis.wording.kernels.COMPILE_FROM_CHARS).

For synthetic corpora of growing size (bench_corpus.make_corpus), the shared-wording stage
(`wording_tables`, one process) runs in a fresh process twice: with the loops as plain Python,
and compiled by numba, whose import and cache loading are counted (they happen inside the stage,
at the first compiled call; the cache is warmed first). Printed: characters, seconds of each,
and which is faster.

    python benchmarks/bench_kernels.py [5 10 20 40]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_corpus import make_corpus  # noqa: E402


def child(manifest: Path, mode: str) -> None:
    """In a fresh process: the corpus's tables, then the wording stage alone, timed."""
    import time

    from analysis.build import build_all
    from analysis.tables.assembly import assemble
    from analysis.wording import kernels
    from analysis.wording.shared_passages import load_config, wording_tables

    kernels.COMPILE_FROM_CHARS = 0 if mode == "compiled" else 10**12
    results = build_all(manifest, manifest.parent)
    t = assemble(results, code_topics=False)
    docs = [(r.meta.doc_id, r.meta.region, r.text) for r in results]
    config = load_config()
    t0 = time.perf_counter()
    wording_tables(docs, t["units"], t["task_agencies"], t["documents"], config)
    print(f"{sum(len(r.text) for r in results)} {time.perf_counter() - t0:.3f}")


def run(manifest: Path, mode: str) -> tuple[int, float]:
    out = subprocess.run([sys.executable, __file__, "--child", str(manifest), mode], capture_output=True,
                         text=True, cwd=ROOT, check=True)
    chars, seconds = out.stdout.split()
    return int(chars), float(seconds)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("sizes", nargs="*", type=int, default=[5, 10, 20, 40])
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(Path(args.child[0]), args.child[1])
    with tempfile.TemporaryDirectory(prefix="bench-kernels-") as tmp:
        print(f"{'documents':>9} {'characters':>11} {'plain s':>8} {'compiled s':>11}  faster")
        for n in args.sizes:
            folder = Path(tmp) / str(n)
            folder.mkdir()
            manifest = make_corpus(n, folder)
            run(manifest, "compiled")                      # numba's cache filled
            chars, plain = run(manifest, "plain")
            _, compiled = run(manifest, "compiled")
            print(f"{n:>9} {chars:>11,} {plain:>8.2f} {compiled:>11.2f}  {'plain' if plain < compiled else 'compiled'}")


if __name__ == "__main__":
    main()
