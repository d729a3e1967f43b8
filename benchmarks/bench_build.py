"""Build time per stage and throughput (characters per second) over repeated runs.

    python benchmarks/bench_build.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from analysis import MANIFEST, RAW_DIR, build
from analysis.tables import assembly as tables
from analysis.tables import outputs
from analysis.topics import table as topics
from analysis.topics.coder import TopicCoder
from analysis.wording import shared_passages as shared_wording
from analysis.wording import similarity as task_similarity


def one_run() -> dict[str, float]:
    timings: dict[str, float] = {}
    results = build.build_all(MANIFEST, RAW_DIR, timings)
    t0 = time.perf_counter()
    assembled = tables.assemble(results, code_topics=False)
    timings["assemble"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    coder = TopicCoder()  # jieba's dictionary is loaded here, as in every build
    timings["topic setup"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    assembled["task_topics"], scores = topics.code(assembled, coder=coder)
    timings["topics"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    docs = [(r.meta.doc_id, r.meta.region, r.text) for r in results]
    assembled["shared_passages"] = shared_wording.passages_table(docs, assembled["units"], assembled["task_agencies"])
    timings["shared passages"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    own = {uid: sc.own_text for uid, sc in scores.items()}
    assembled["task_similarity"] = task_similarity.table(assembled["units"], assembled["task_topics"], own,
                                                         coder.segmenter.tokens)
    timings["task similarity"] = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        outputs.write(assembled, Path(tmp) / "out")
        timings["write"] = time.perf_counter() - t0
    timings["chars"] = sum(len(r.text) for r in results)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    one_run()   # warm-up: imports, dictionary loading
    runs = [one_run() for _ in range(args.runs)]
    stages = ["read", "normalize", "extract", "assemble", "topic setup", "topics", "shared passages",
              "task similarity", "write"]
    chars = runs[0]["chars"]
    print(f"build of {len(build.load_manifest(MANIFEST))} documents, {chars} characters, {args.runs} runs (median, min)")
    for stage in stages:
        values = [r[stage] for r in runs]
        print(f"  {stage:<15} {statistics.median(values) * 1000:8.1f} ms  {min(values) * 1000:8.1f} ms")
    totals = [sum(r[s] for s in stages) for r in runs]
    parse = [r["read"] + r["normalize"] + r["extract"] for r in runs]
    print(f"  {'total':<12} {statistics.median(totals) * 1000:8.1f} ms  {min(totals) * 1000:8.1f} ms")
    print(f"throughput: {chars / statistics.median(parse):,.0f} chars/s (read+normalize+extract), "
          f"{chars / statistics.median(totals):,.0f} chars/s end to end")


if __name__ == "__main__":
    main()
