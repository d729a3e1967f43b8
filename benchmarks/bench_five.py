"""The warm build of the five shipped documents beside the import floor, run alternately.

The floor is `python -c "import pandas, pyarrow"`: no build of these tables can start faster.
Each round runs the floor, then `python -m analysis build --strict --out DIR --timings`; the
first build (cold: jieba's token cache empty) is left out. Warm includes the bytecode: the
package is compiled first, as `make setup` leaves it (a module edited since, with
PYTHONDONTWRITEBYTECODE set, would be compiled from source in every run: 0.06 s for seven). Printed: the median wall and CPU
seconds of each, their ratio, the build's own seconds per stage, and the parts of `write`
(measured in this process: the workbook alone, the other files alone, then the whole write, where
a forked copy writes the files beside the workbook, as the build does on two cores).

    python benchmarks/bench_five.py [--runs 5]

The bar (issue 18): the warm build within 3x the floor.
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_corpus import parse_timings  # noqa: E402


def timed(cmd: list[str]) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds of the child, its stderr)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if out.returncode:
        raise SystemExit(out.stderr.strip())
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, out.stderr


def write_seconds(out: Path) -> tuple[float, float, float]:
    """(the workbook alone, the other files alone, the whole write: the two side by side, the
    files in a forked copy) for the tables of a build, in this process."""
    from analysis.tables import outputs, schema, workbook

    tables = outputs.read(out)      # the tables as the build holds them
    described = schema.load()
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        workbook.write(Path(tmp) / "workbook.xlsx", tables, described)
        book = time.perf_counter() - t0
        (Path(tmp) / "files").mkdir()
        t0 = time.perf_counter()
        outputs.table_files(Path(tmp) / "files", tables, described)
        files = time.perf_counter() - t0
        t0 = time.perf_counter()
        outputs.write(tables, Path(tmp) / "whole", jobs=2)
        whole = time.perf_counter() - t0
    return book, files, whole


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    compileall.compile_dir(ROOT / "analysis", quiet=1)
    with tempfile.TemporaryDirectory(prefix="bench-five-") as tmp:
        out = Path(tmp) / "out"
        build = [sys.executable, "-m", "analysis", "build", "--strict", "--out", str(out), "--timings"]
        floor = [sys.executable, "-c", "import pandas, pyarrow"]
        timed(build)                    # cold: fills jieba's token cache
        floors, builds, stages = [], [], []
        for _ in range(args.runs):
            floors.append(timed(floor)[:2])
            wall, cpu, err = timed(build)
            builds.append((wall, cpu))
            stages.append(parse_timings(err))
        book, files, whole = write_seconds(out)
    med = lambda xs: statistics.median(xs)   # noqa: E731
    fw, fc = med([w for w, _ in floors]), med([c for _, c in floors])
    bw, bc = med([w for w, _ in builds]), med([c for _, c in builds])
    load = os.getloadavg()
    print(f"{args.runs} rounds, load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (1, 5, 15 min), medians:")
    print(f"  floor  import pandas, pyarrow   {fw:6.2f} s wall {fc:6.2f} s CPU")
    print(f"  build  five documents, warm     {bw:6.2f} s wall {bc:6.2f} s CPU   x{bw / fw:.1f} wall, x{bc / fc:.1f} CPU")
    for stage in stages[0]:
        print(f"    {stage:<18} {med([s[stage] for s in stages]):6.3f} s")
    print(f"  the write measured here, one run: whole {whole:.2f} s; alone, the workbook {book:.2f} s and Parquet, "
          f"DuckDB, CSV and the data package {files:.2f} s")
    print(f"  build without the workbook: {bw - book:.2f} s wall, x{(bw - book) / fw:.1f} the floor")

if __name__ == "__main__":
    main()
