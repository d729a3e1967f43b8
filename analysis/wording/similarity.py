"""The task_similarity table: for each task, its nearest tasks in every other region.

Up to `ALL_REGIONS_UP_TO` regions, each task keeps its `per_region` nearest tasks in every other
region (what notebook 06 compares). Beyond that the table would grow with the square of the
corpus (3 tasks in each of 999 other regions for every task at 1,000 documents), so each task
keeps its `per_region` × `NEAREST_FACTOR` nearest tasks in other regions, whichever they are:
rows grow linearly with the tasks.

TF-IDF (scikit-learn) over two views of a task's own text (its numbering and the closing
parenthesis of responsible agencies removed): jieba tokens, which see words, and character
2-3-grams, which see reuse that a segmentation error would split. Each view is L2-normalised
and the score is the mean of the two cosines, between 0 and 1.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

COLUMNS = ["unit_id", "region", "rank", "other_unit_id", "other_region", "score", "topic", "other_topic",
           "same_topic"]
_CHUNK = 512    # rows of the similarity matrix held at once: memory stays linear in the tasks
ALL_REGIONS_UP_TO = 12
NEAREST_FACTOR = 10


def reading_text(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def vectors(texts: list[str], tokenize: Callable[[str], list[str]]) -> sparse.csr_matrix:
    chars = TfidfVectorizer(analyzer="char", ngram_range=(2, 3), sublinear_tf=True)
    words = TfidfVectorizer(analyzer=tokenize, sublinear_tf=True)
    docs = [reading_text(t) for t in texts]
    return sparse.hstack([chars.fit_transform(docs), words.fit_transform(docs)]).tocsr() / np.sqrt(2)


def task_vectors(units: pd.DataFrame, own_text: Mapping[str, str], tokenize: Callable[[str], list[str]]):
    """(unit_id -> row, the tasks' TF-IDF rows), fitted on every task of the corpus."""
    tasks = units[units["kind"] == "task"].reset_index(drop=True)
    if tasks.empty:
        return {}, sparse.csr_matrix((0, 0))
    texts = [own_text.get(u) or t for u, t in zip(tasks["unit_id"], tasks["text_clean"])]
    return {u: i for i, u in enumerate(tasks["unit_id"])}, vectors(texts, tokenize)


def table(units: pd.DataFrame, task_topics: pd.DataFrame, own_text: Mapping[str, str],
          tokenize: Callable[[str], list[str]], per_region: int = 3) -> pd.DataFrame:
    """`own_text`: unit_id -> the task's own text (units not in it use their text_clean)."""
    tasks = units[units["kind"] == "task"].reset_index(drop=True)
    if len(tasks) < 2:
        return pd.DataFrame(columns=COLUMNS)
    texts = [own_text.get(u) or t for u, t in zip(tasks["unit_id"], tasks["text_clean"])]
    X = vectors(texts, tokenize)
    primary = task_topics[task_topics["is_primary"]].set_index("unit_id")["topic"]
    topic = tasks["unit_id"].map(primary).fillna("").to_numpy()
    ids, regions = tasks["unit_id"].to_numpy(), tasks["region"].to_numpy()
    region_rows = {r: np.flatnonzero(regions == r) for r in pd.unique(regions)}
    rows = []
    every_region = len(region_rows) <= ALL_REGIONS_UP_TO
    for lo in range(0, len(tasks), _CHUNK):
        scores = (X[lo:lo + _CHUNK] @ X.T).toarray()
        if not every_region:
            _nearest_anywhere(scores, lo, ids, regions, topic, per_region * NEAREST_FACTOR, rows)
            continue
        for i, row in enumerate(scores, lo):
            for region, idx in region_rows.items():
                if region == regions[i]:
                    continue
                best = idx[np.argsort(-row[idx], kind="stable")[:per_region]]
                for rank, j in enumerate(best, 1):
                    if row[j] <= 0:
                        break
                    rows.append((ids[i], regions[i], rank, ids[j], region, round(float(row[j]), 4),
                                 topic[i], topic[j], bool(topic[i] and topic[i] == topic[j])))
    return pd.DataFrame(rows, columns=COLUMNS)


def _nearest_anywhere(scores: np.ndarray, lo: int, ids, regions, topic, k: int, rows: list) -> None:
    """Each task's k nearest tasks in any other region (ranked 1..k over all of them)."""
    for i, row in enumerate(scores, lo):
        row = np.where(regions == regions[i], -1.0, row)
        top = np.argpartition(-row, min(k, len(row) - 1))[:k]
        top = top[np.argsort(-row[top], kind="stable")]
        for rank, j in enumerate(top, 1):
            if row[j] <= 0:
                break
            rows.append((ids[i], regions[i], rank, ids[j], regions[j], round(float(row[j]), 4),
                         topic[i], topic[j], bool(topic[i] and topic[i] == topic[j])))
