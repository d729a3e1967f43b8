"""Build time and memory against document size: one synthetic task list of 0.3 MB and of 3 MB.

    python benchmarks/bench_size.py [--small 0.3] [--large 3.0]

Each document is parts of numbered tasks in the forms of tests/fixtures/forms/ (parenthesis with
lead and support, a deadline, a target), read through layout detection as a new document would
be, then assembled into every table. Prints seconds and peak memory (tracemalloc) per size and
the growth ratio; the bar is a 3 MB document in no more than 15x the time of a 0.3 MB one. Each
size runs in a process of its own, so the peak resident memory is that size's.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import resource
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis import build  # noqa: E402
from analysis.tables.assembly import assemble  # noqa: E402

PARTS = "一二三四五六七八九十"
TASK = ("{n}.推进第{n}项医疗卫生服务体系建设任务，到2025年底，县域内就诊率达到{p}%以上，"
        "家庭医生签约服务覆盖率不低于{q}%。（市卫生健康委牵头，市医保局、市财政局配合，2025年6月底前完成）\n")


def document(megabytes: float) -> str:
    lines, n, part = ["某市深化医药卫生体制改革重点工作任务\n"], 0, 0
    size = 0
    while size < megabytes * 1_000_000:
        if n % 40 == 0:
            heading = f"{PARTS[part % 10]}、第{part + 1}部分重点任务\n"
            lines.append(heading)
            part += 1
            size += len(heading.encode("utf-8"))
        n += 1
        line = TASK.format(n=n, p=60 + n % 30, q=30 + n % 50)
        lines.append(line)
        size += len(line.encode("utf-8"))
    return "".join(lines)


def measure(megabytes: float) -> tuple[float, float, int]:
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp)
        (raw / "big.txt").write_text(document(megabytes), encoding="utf-8")
        (raw / "documents.yml").write_text(yaml.safe_dump(
            {"documents": [{"file": "big.txt", "region": "big", "year": 2025, "level": "prefecture"}]}), "utf-8")
        t0 = time.perf_counter()
        results = build.build_all(raw / "documents.yml", raw)
        tables = assemble(results, overrides=None)
        seconds = time.perf_counter() - t0
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return seconds, peak, int((tables["units"].kind == "task").sum())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=float, default=0.3)
    parser.add_argument("--large", type=float, default=3.0)
    parser.add_argument("--one", type=float, help=argparse.SUPPRESS)   # a child process measuring one size
    args = parser.parse_args()
    if args.one:
        print(*measure(args.one))
        return

    def child(mb: float) -> tuple[float, float, int]:
        out = subprocess.run([sys.executable, __file__, "--one", str(mb)], capture_output=True, text=True, check=True)
        s, m, n = out.stdout.split()
        return float(s), float(m), int(n)

    small, large = child(args.small), child(args.large)
    for mb, (s, m, n) in ((args.small, small), (args.large, large)):
        print(f"{mb:>5.1f} MB: {n:>6} tasks  {s:7.1f} s  peak resident {m:7.0f} MB")
    print(f"growth {args.large / args.small:.0f}x in size: time {large[0] / small[0]:.1f}x, memory {large[1] / small[1]:.1f}x")


if __name__ == "__main__":
    main()
