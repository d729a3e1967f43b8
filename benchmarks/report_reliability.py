"""Run `python -m analysis report` N times in a row and print each run's outcome and time.

    python benchmarks/report_reliability.py [--runs 20] [--load 2]

`--load K` keeps K other builds running (`python -m analysis build` into a scratch folder, over and
over) for the whole time, so the report runs on a machine whose cores are busy, as in CI. Reports
and figures go to a scratch folder; the project's reports/ and figures/ are not touched. Each run
starts without the report's cache, so every notebook executes (`--warm` keeps the cache: then
the runs after the first test reuse). Exit status 1 if any run failed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _loader(scratch: Path, i: int) -> subprocess.Popen:
    out = scratch / f"load-{i}"
    loop = (f"while true; do {sys.executable} -m analysis build --out {out} >/dev/null 2>&1; done")
    return subprocess.Popen(["bash", "-c", loop], cwd=ROOT, start_new_session=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--load", type=int, default=2, help="builds running alongside (default 2, one per core)")
    parser.add_argument("--warm", action="store_true", help="keep the cache between runs")
    args = parser.parse_args()
    failures, times = 0, []
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        loaders = [_loader(scratch, i) for i in range(args.load)]
        try:
            for run in range(1, args.runs + 1):
                if not args.warm:
                    shutil.rmtree(scratch / "reports" / ".cache", ignore_errors=True)
                t0 = time.perf_counter()
                p = subprocess.run([sys.executable, "-m", "analysis", "report", "--out", str(scratch / "reports"),
                                    "--figures", str(scratch / "figures")], cwd=ROOT, capture_output=True, text=True)
                seconds = time.perf_counter() - t0
                times.append(seconds)
                ok = p.returncode == 0
                failures += not ok
                detail = "" if ok else " " + (p.stderr.strip().splitlines() or ["(no message)"])[-1][:300]
                print(f"run {run:>3}: {'ok  ' if ok else 'FAIL'} {seconds:6.1f} s{detail}", flush=True)
        finally:
            for proc in loaders:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait()
    print(f"{args.runs} runs with {args.load} builds alongside: {failures} failed; time per run median "
          f"{statistics.median(times):.1f} s, min {min(times):.1f} s, max {max(times):.1f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
