"""Task similarity past a dozen regions: time and recall against the exact nearest tasks, per
size of the candidate index's postings (similarity.POSTINGS).

Builds a synthetic corpus (benchmarks/bench_corpus.py's copies of the shipped documents), then
for a sample of tasks computes their exact nearest tasks in other regions from the full product
of their rows with every task, and for each POSTINGS value the table's approximate ones. Recall:
of the exact top k, how many the table finds at or above the exact k-th score (ties count).

    python benchmarks/bench_similarity.py 1000 --postings 100 60 40 25
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv: list[str]) -> None:
    from analysis.build import build_all
    from analysis.tables.assembly import assemble
    from analysis.topics.coder import TopicCoder
    from analysis.wording import similarity
    from benchmarks.bench_corpus import make_corpus

    parser = argparse.ArgumentParser()
    parser.add_argument("docs", type=int, nargs="?", default=1000)
    parser.add_argument("--postings", type=int, nargs="+", default=[100, 60, 40, 25])
    parser.add_argument("--sample", type=int, default=400)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-similarity-") as tmp:
        manifest = make_corpus(args.docs, Path(tmp))
        tables = assemble(build_all(manifest, Path(tmp), jobs=2), code_topics=False)
    tasks = tables["units"][tables["units"]["kind"] == "task"].reset_index(drop=True)
    X = similarity.vectors(tasks["text_clean"].tolist(), TopicCoder().segmenter.tokens)
    ids, regions = tasks["unit_id"].to_numpy(), tasks["region"].to_numpy()
    no_topic = np.full(len(ids), "", dtype=object)
    k = 3 * similarity.NEAREST_FACTOR
    sample = np.random.default_rng(1).choice(len(ids), min(args.sample, len(ids)), replace=False)
    exact = (X[sample] @ X.T).toarray()
    exact[regions[sample][:, None] == regions[None, :]] = -1           # other regions only
    exact = -np.sort(-exact, axis=1)
    print(f"{args.docs:,} documents, {len(ids):,} tasks, {len(sample)} sampled; nearest kept per task: {k}")
    for postings in args.postings:
        similarity.POSTINGS = postings
        t0 = time.perf_counter()
        got = similarity._nearest_anywhere(X, ids, regions, no_topic, k)
        seconds = time.perf_counter() - t0
        scores = {u: g["score"].to_numpy() for u, g in got[got["unit_id"].isin(ids[sample])].groupby("unit_id")}
        recall = {n: np.mean([min(n, int(np.sum(scores.get(ids[i], np.zeros(0)) >= exact[r, n - 1] - 1e-4))) / n
                              for r, i in enumerate(sample)]) for n in (3, k)}
        print(f"  POSTINGS {postings:>4}: {seconds:6.1f} s, top-3 found {recall[3]:.3f}, top-{k} found {recall[k]:.3f}",
              flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
