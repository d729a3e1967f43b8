"""Time of `python -m analysis report` (notebooks and briefings), after the build: cold, then unchanged.

    python benchmarks/bench_report.py [--runs N] [--jobs J]

Each run starts from an empty briefings folder (cold: every notebook executes), then runs the report
again on the same folder with nothing changed (warm: every notebook from the cache), then once with
one table changed (only the notebooks that read it execute). Prints wall time per notebook and in
total, and the warm/cold ratio. The bars: cold under 30 s on 2 cores, warm under 20% of cold.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import pandas as pd

from analysis import PROCESSED_DIR
from analysis.report import runner as briefings


def _timed(**kw) -> tuple[float, list]:
    t0 = time.perf_counter()
    ran = briefings.run(**kw)
    return time.perf_counter() - t0, ran


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    if not (PROCESSED_DIR / "task_topics.parquet").exists():
        raise SystemExit("build first: python -m analysis build")
    cold, warm, partial, per_nb, reran = [], [], [], {}, []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            tables = Path(tmp) / "tables"
            shutil.copytree(PROCESSED_DIR, tables)
            kw = dict(out_dir=Path(tmp) / "reports", figures_dir=Path(tmp) / "figures", tables_dir=tables,
                      workers=args.jobs)
            seconds, ran = _timed(**kw)
            cold.append(seconds)
            for r in ran:
                per_nb.setdefault(r.notebook.name, []).append(r.seconds)
            seconds, ran = _timed(**kw)
            assert all(r.cached for r in ran), "a notebook ran again with nothing changed"
            warm.append(seconds)
            sp = pd.read_parquet(tables / "shared_passages.parquet")
            sp.iloc[:-1].to_parquet(tables / "shared_passages.parquet")  # a table only notebook 06 reads
            seconds, ran = _timed(**kw)
            partial.append(seconds)
            reran = [r.notebook.stem for r in ran if not r.cached]
    print(f"report: {len(per_nb)} notebooks, {args.runs} runs, {args.jobs} notebooks at a time, "
          f"{os.cpu_count()} cores (median, min)")
    for name, values in per_nb.items():
        print(f"  {name:<28} {statistics.median(values):6.1f} s  {min(values):6.1f} s  (cold)")
    print(f"  {'cold total':<28} {statistics.median(cold):6.1f} s  {min(cold):6.1f} s")
    print(f"  {'unchanged inputs':<28} {statistics.median(warm):6.1f} s  {min(warm):6.1f} s  "
          f"({statistics.median(warm) / statistics.median(cold):.0%} of cold)")
    print(f"  {'shared_passages changed':<28} {statistics.median(partial):6.1f} s  {min(partial):6.1f} s  "
          f"(ran again: {', '.join(reran) or 'none'})")


if __name__ == "__main__":
    main()
