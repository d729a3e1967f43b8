"""The task_similarity table: for each task, its nearest tasks in every other region.

Up to `ALL_REGIONS_UP_TO` regions, each task keeps its `per_region` nearest tasks in every other
region (what notebook 06 compares), from every pair of tasks. Beyond that the table would grow
with the square of the corpus (3 tasks in each of 999 other regions for every task at 1,000
documents), so each task keeps its `per_region` × `NEAREST_FACTOR` nearest tasks in other
regions, whichever they are: rows grow linearly with the tasks. Nor are all pairs scored then
(55,000 tasks make 3 billion): candidates come from an inverted index whose postings are cut to
the `POSTINGS` tasks that weigh each word or n-gram most (impact-ordered postings), so the work
is at most POSTINGS per feature of a task, linear in the text; the `CANDIDATES_FACTOR` × k
candidates that share most through those postings are scored exactly (`pair_scores`, one merge of
two sorted rows per pair) and the k best kept.

TF-IDF over two views of a task's own text (its numbering and the closing
parenthesis of responsible agencies removed): jieba tokens, which see words, and character
2-3-grams, which see reuse that a segmentation error would split. Each view is L2-normalised
and the score is the mean of the two cosines, between 0 and 1. The TF-IDF is scikit-learn's
(TfidfVectorizer(sublinear_tf=True): smoothed idf, L2 norm), computed here in the same order of
operations, so bit for bit the same (tests/wording/test_similarity_scale.py compares the two):
importing scikit-learn would cost every build half a second, more than the five documents' similarity.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd
from scipy import sparse

COLUMNS = ["unit_id", "region", "rank", "other_unit_id", "other_region", "score", "topic", "other_topic",
           "same_topic"]
_CHUNK = 512    # rows of the similarity matrix held at once: memory stays linear in the tasks
_BLOCK = 2_000  # tasks whose features are counted at once (tfidf)
ALL_REGIONS_UP_TO = 12
NEAREST_FACTOR = 10
# Tasks kept per feature in the candidate index (past ALL_REGIONS_UP_TO). Measured by
# benchmarks/bench_similarity.py (400 tasks sampled, against their exact nearest tasks; top 3 / top 30
# found): 1,000 synthetic documents, 100 postings 0.958 / 0.995 in 99 s, 60 0.971 / 0.994 in 69 s,
# 40 0.970 / 0.994 in 53 s, 25 0.970 / 0.826; 100 documents, 100 postings 1.000 / 0.972, 60
# 1.000 / 0.949, 40 1.000 / 0.917, unbounded 1.000 / 1.000. Kept well above the 30 nearest kept.
POSTINGS = 60
CANDIDATES_FACTOR = 3   # candidates scored exactly per nearest task kept


def reading_text(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def vectors(texts: list[str], tokenize: Callable[[str], list[str]]) -> sparse.csr_matrix:
    docs = [reading_text(t) for t in texts]
    return sparse.hstack([tfidf(docs, char_ngrams), tfidf(docs, tokenize)]).tocsr() / np.sqrt(2)


def char_ngrams(text: str) -> list[str]:
    """Character 2- and 3-grams of the lowercased text (TfidfVectorizer's analyzer="char", ngram_range=(2, 3))."""
    text = text.lower()
    return [text[i:i + n] for n in (2, 3) for i in range(len(text) - n + 1)]


def tfidf(docs: list[str], analyze: Callable[[str], list[str]]) -> sparse.csr_matrix:
    """TfidfVectorizer(analyzer=analyze, sublinear_tf=True).fit_transform(docs), step by step as it
    does them: counts in first-seen feature order, columns renumbered alphabetically, 1 + log tf,
    idf = 1 + log((1 + n) / (1 + df)), each row divided by its L2 norm summed left to right."""
    vocabulary: dict[str, int] = {}
    rows, indices, counts = [], [], []
    # a block of documents at a time: one feature number per feature occurrence (first-seen order),
    # then each (row, feature) counted by one sort, rows ascending and features ascending within a
    # row (the order sort_indices would give); the features' strings live one block at a time
    for start in range(0, len(docs), _BLOCK):
        features = [analyze(doc) for doc in docs[start:start + _BLOCK]]
        ids = np.fromiter((vocabulary.setdefault(f, len(vocabulary)) for fs in features for f in fs), dtype=np.int64)
        row = np.repeat(np.arange(start, start + len(features), dtype=np.int64), [len(fs) for fs in features])
        keys, n = np.unique((row << 32) | ids, return_counts=True)
        rows.append((keys >> 32).astype(np.int32))
        indices.append((keys & 0xFFFFFFFF).astype(np.int32))
        counts.append(n.astype(np.float64))
    rows, indices = np.concatenate(rows or [np.zeros(0, np.int32)]), np.concatenate(indices or [np.zeros(0, np.int32)])
    counts = np.concatenate(counts or [np.zeros(0)])
    indptr = np.r_[0, np.cumsum(np.bincount(rows, minlength=len(docs)))].astype(np.int32)
    X = sparse.csr_matrix((counts, indices, indptr), shape=(len(docs), len(vocabulary)))
    X.has_sorted_indices = True
    names = list(vocabulary)
    alphabetical = np.empty(len(names), dtype=X.indices.dtype)
    alphabetical[sorted(range(len(names)), key=names.__getitem__)] = np.arange(len(names), dtype=X.indices.dtype)
    X.indices = alphabetical.take(X.indices)          # renumbered, not re-sorted, as scikit-learn leaves them
    df = np.bincount(X.indices, minlength=X.shape[1]).astype(np.float64) + 1.0
    idf = np.full_like(df, len(docs) + 1)
    idf /= df
    np.log(idf, out=idf)
    idf += 1.0
    np.log(X.data, out=X.data)
    X.data += 1.0
    X.data *= idf[X.indices]
    squares, lengths = X.data * X.data, np.diff(X.indptr)
    sums = np.zeros(X.shape[0])
    for k in range(int(lengths.max()) if len(lengths) else 0):   # left to right within each row, all rows at once
        rows = np.flatnonzero(lengths > k)
        sums[rows] += squares[X.indptr[rows] + k]
    norms = np.sqrt(sums)
    norms[sums == 0] = 1.0
    X.data /= np.repeat(norms, lengths)
    return X


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
    if len(region_rows) > ALL_REGIONS_UP_TO:
        return _nearest_anywhere(X, ids, regions, topic, per_region * NEAREST_FACTOR)
    region_code = pd.factorize(regions)[0]        # codes in the order of region_rows
    parts = []
    for lo in range(0, len(tasks), _CHUNK):
        scores = (X[lo:lo + _CHUNK] @ X.T).toarray()
        own = region_code[lo:lo + len(scores)]
        # each row's per_region best in every region, all rows of a region's columns sorted at once
        # (a stable sort of each row, as one row at a time gave); rows, then regions, then ranks
        best, value = [], []
        for code, idx in enumerate(region_rows.values()):
            order = np.argsort(-scores[:, idx], axis=1, kind="stable")[:, :per_region]
            got = np.take_along_axis(scores[:, idx], order, axis=1)
            got[own == code] = 0.0          # not against its own region
            pad = per_region - order.shape[1]   # a region with fewer tasks than per_region
            best.append(np.pad(idx[order], ((0, 0), (0, pad))))
            value.append(np.pad(got, ((0, 0), (0, pad))))
        best, value = np.stack(best, axis=1), np.stack(value, axis=1)    # rows x regions x ranks
        keep = value > 0        # sorted descending: the first score <= 0 ends a region's ranks
        i = np.broadcast_to(np.arange(lo, lo + len(scores))[:, None, None], keep.shape)[keep]
        rank = np.broadcast_to(np.arange(1, per_region + 1), keep.shape)[keep]
        parts.append((i, rank, best[keep], value[keep]))
    i, rank, j, value = (np.concatenate(a) for a in zip(*parts))     # len(tasks) >= 2: one part at least
    out = pd.DataFrame({"unit_id": ids[i], "region": regions[i], "rank": rank, "other_unit_id": ids[j],
                        "other_region": regions[j], "score": [round(v, 4) for v in value.tolist()],
                        "topic": topic[i], "other_topic": topic[j]}, columns=COLUMNS)
    out["same_topic"] = (out["topic"] != "") & (out["topic"] == out["other_topic"])
    return out


def _nearest_anywhere(X: sparse.csr_matrix, ids, regions, topic, k: int) -> pd.DataFrame:
    """Each task's k nearest tasks in any other region (ranked 1..k over all of them), from the
    candidates of the impact-ordered index, scored exactly."""
    from analysis.wording.pair_scores import row_dots   # numba: only a corpus past ALL_REGIONS_UP_TO needs it

    index = _top_postings(X, POSTINGS).T.tocsr()
    sorted_X = X.sorted_indices()
    region_codes = pd.factorize(regions)[0]
    parts = []
    for lo in range(0, X.shape[0], _CHUNK):
        shared = (X[lo:lo + _CHUNK] @ index).tocoo()          # what each candidate shares through the index
        i, j = shared.row + lo, shared.col
        other = (region_codes[i] != region_codes[j]) & (shared.data > 0)
        i, j = _top_per_row(i[other], j[other], shared.data[other], CANDIDATES_FACTOR * k)
        score = row_dots(sorted_X, i, j)
        keep = score > 0
        i, j, score = _top_per_row(i[keep], j[keep], score[keep], k, with_values=True)
        parts.append((i, j, score))
    i, j, score = (np.concatenate(a) for a in zip(*parts))
    rank = np.arange(len(i)) - np.searchsorted(i, i) + 1
    out = pd.DataFrame({"unit_id": ids[i], "region": regions[i], "rank": rank, "other_unit_id": ids[j],
                        "other_region": regions[j], "score": np.round(score, 4), "topic": topic[i],
                        "other_topic": topic[j]}, columns=COLUMNS)
    out["same_topic"] = (out["topic"] != "") & (out["topic"] == out["other_topic"])
    return out


def _top_postings(X: sparse.csr_matrix, cap: int) -> sparse.csr_matrix:
    """X with each column cut to its `cap` largest entries (ties: earlier tasks first)."""
    coo = X.tocoo()
    order = np.lexsort((coo.row, -coo.data, coo.col))
    col = coo.col[order]
    starts = np.searchsorted(col, col)
    keep = order[np.arange(len(order)) - starts < cap]
    return sparse.csr_matrix((coo.data[keep], (coo.row[keep], coo.col[keep])), shape=X.shape)


def _top_per_row(i, j, values, k: int, with_values: bool = False):
    """The k pairs of largest value for each i, sorted by i, then value descending, then j."""
    # one float key (i, then 1 - value/top within i) sorted stably after j: cheaper than a lexsort on three
    order = np.argsort(j, kind="stable")
    key = (i - i.min() if len(i) else i)[order] + (1 - values[order] / (values.max() * (1 + 1e-9) if len(values) else 1))
    order = order[np.argsort(key, kind="stable")]
    i, j, values = i[order], j[order], values[order]
    first = np.arange(len(i)) - np.searchsorted(i, i) < k
    return (i[first], j[first], values[first]) if with_values else (i[first], j[first])
