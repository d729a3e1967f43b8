"""Time of `python -m analysis report` (notebooks and briefings), after the build.

    python benchmarks/bench_report.py [--runs N]

Prints wall time per notebook and in total; the bar is 90 s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from analysis import PROCESSED_DIR
from analysis.report import runner as briefings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    if not (PROCESSED_DIR / "task_topics.parquet").exists():
        raise SystemExit("build first: python -m analysis build")
    totals, per_nb = [], {}
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            for nb, seconds in briefings.run(out_dir=Path(tmp) / "reports", figures_dir=Path(tmp) / "figures"):
                per_nb.setdefault(nb.name, []).append(seconds)
            totals.append(time.perf_counter() - t0)
    print(f"report: {len(per_nb)} notebooks, {args.runs} runs, 2 notebooks at a time (median, min)")
    for name, values in per_nb.items():
        print(f"  {name:<28} {statistics.median(values):6.1f} s  {min(values):6.1f} s")
    print(f"  {'total wall time':<28} {statistics.median(totals):6.1f} s  {min(totals):6.1f} s")


if __name__ == "__main__":
    main()
