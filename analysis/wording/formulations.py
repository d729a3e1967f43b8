"""The shared_formulations table: short phrases (提法) two or more documents share, one row per occurrence.

Phrases are found by `analysis.wording.maximal` (a suffix array of the corpus: every phrase of at
least `min_chars` reading characters that two documents share maximally). A phrase whose every
pair of documents already shares it inside one shared passage is left to shared_passages. In a
corpus of more than `complete_up_to` documents passages tie each text to its first witnesses only,
so there a phrase is left out when every occurrence lies inside some passage.

Each phrase gets:
- `distinctiveness`, how rare it is across the corpus: log(N / docs) / log(N / 2) for a corpus of
  N documents, 1 when exactly two documents print it, 0 when every document does (1 when N = 2);
- `category`: boilerplate (a standard political formula of shared_wording.yml covers `share` of an
  occurrence), agencies (agency names cover half of one), frame (every occurrence is in a title,
  page metadata or covering notice: 深化医药卫生体制改革重点工作任务 as a title), else substantive;
- the first document by date (analysis.wording.direction) and each occurrence's role.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Sequence

import numpy as np
import pandas as pd

from analysis.wording import direction
from analysis.wording.maximal import shared_nodes
from analysis.wording.passages import Reading

COLUMNS = ["formulation_id", "phrase", "length", "n_docs", "n_occurrences", "regions", "distinctiveness",
           "category", "first_doc", "first_date", "doc_id", "region", "unit_id", "kind", "char_start", "char_end",
           "text", "date", "role", "in_passage"]
FRAME_KINDS = {"title", "metadata", "notice"}     # a document's title, page metadata and covering notice
FOUND = ["formulation", "doc", "start", "length", "raw_start", "raw_end", "in_passage"]


def find(readings: Sequence[Reading], passages: pd.DataFrame, min_chars: int = 10,
         complete_up_to: int = 12) -> pd.DataFrame:
    """Occurrences (FOUND columns; doc = index of the reading, start = reading offset) of every phrase
    of `min_chars` or more that two documents share and no shared passage already accounts for.

    `passages`: the finder's rows (a, b, a_start, a_end, b_start, b_end in raw offsets)."""
    sa, doc_of, starts, nodes = shared_nodes(readings, min_chars)
    if len(nodes) == 0:
        return pd.DataFrame(columns=FOUND)
    sizes = nodes[:, 1] - nodes[:, 0] + 1
    node_of = np.repeat(np.arange(len(nodes)), sizes)
    k = np.arange(sizes.sum()) - np.repeat(np.cumsum(sizes) - sizes, sizes) + np.repeat(nodes[:, 0], sizes)
    docs = doc_of[k]
    start = sa[k] - starts[docs]
    length = nodes[node_of, 2]
    raw = _raw_offsets(readings, starts)
    raw_start = raw[sa[k]]
    raw_end = raw[sa[k] + length - 1] + 1
    pairs = len(readings) <= complete_up_to
    inside, partners = _coverage(passages, docs, raw_start, raw_end, pairs)
    keep = _uncovered(node_of, docs, inside, partners, len(nodes), pairs)
    sel = keep[node_of]
    out = pd.DataFrame({"formulation": node_of[sel], "doc": docs[sel], "start": start[sel], "length": length[sel],
                        "raw_start": raw_start[sel], "raw_end": raw_end[sel], "in_passage": inside[sel]})
    return out.sort_values(["formulation", "doc", "start"], kind="stable").reset_index(drop=True)


def _raw_offsets(readings: Sequence[Reading], starts: np.ndarray) -> np.ndarray:
    """Raw offset of every code of the joined corpus (-1 at the sentinels)."""
    raw = np.full(int(starts[-1]), -1, dtype=np.int64)
    for d, r in enumerate(readings):
        raw[starts[d]:starts[d] + len(r.text)] = r.raw_offsets
    return raw


def _coverage(passages: pd.DataFrame, docs, raw_start, raw_end, pairs: bool):
    """(inside any passage of its document, {(row, partner doc)} when `pairs`): per occurrence."""
    inside = np.zeros(len(docs), dtype=bool)
    partners: dict[int, set] = defaultdict(set)
    if passages.empty:
        return inside, partners
    sides = pd.concat([
        pd.DataFrame({"doc": passages["a"], "partner": passages["b"], "s": passages["a_start"], "e": passages["a_end"]}),
        pd.DataFrame({"doc": passages["b"], "partner": passages["a"], "s": passages["b_start"], "e": passages["b_end"]}),
    ], ignore_index=True)
    groups = [("doc", sides.groupby("doc"))]
    if pairs:
        groups.append(("pair", sides.groupby(["doc", "partner"])))
    occ = pd.DataFrame({"doc": docs, "s": raw_start, "e": raw_end})
    by_doc = {d: g.index.to_numpy() for d, g in occ.groupby("doc")}
    for how, grouped in groups:
        for key, g in grouped:
            doc = key[0] if isinstance(key, tuple) else key
            rows = by_doc.get(doc)
            if rows is None:
                continue
            g = g.sort_values("s")
            reach = np.maximum.accumulate(g["e"].to_numpy())
            at = np.searchsorted(g["s"].to_numpy(), raw_start[rows], side="right") - 1
            covered = (at >= 0) & (reach[np.maximum(at, 0)] >= raw_end[rows])
            if how == "doc":
                inside[rows[covered]] = True
            else:
                for r in rows[covered]:
                    partners[int(r)].add(int(key[1]))
    return inside, partners


def _uncovered(node_of, docs, inside, partners, n_nodes: int, pairs: bool) -> np.ndarray:
    """Per phrase: does some pair of its documents share it outside their passages?"""
    keep = np.zeros(n_nodes, dtype=bool)
    # a phrase with an occurrence in no passage at all is kept at once
    keep[np.unique(node_of[~inside])] = True
    if not pairs:
        return keep
    for node in np.unique(node_of[inside]):
        if keep[node]:
            continue
        rows = np.flatnonzero(node_of == node)
        ds = sorted(set(docs[rows].tolist()))
        linked = set()
        for r in rows:
            for p in partners.get(int(r), ()):
                linked.add((min(int(docs[r]), p), max(int(docs[r]), p)))
        keep[node] = any((a, b) not in linked for i, a in enumerate(ds) for b in ds[i + 1:])
    return keep


def table(found: pd.DataFrame, readings: Sequence[Reading], docs: list[tuple[str, str, str]], places,
          documents: pd.DataFrame, boilerplate_share: float) -> pd.DataFrame:
    """shared_formulations from `find`'s rows; `places`: the _Places of each document (units, masks).
    Units and shares of every occurrence at once (shared_passages' `_side`); per phrase, one pass."""
    from analysis.wording.shared_passages import _side, raw_slices

    if found.empty:
        return pd.DataFrame(columns=COLUMNS)
    found = found.sort_values(["formulation", "doc", "start"], kind="stable").reset_index(drop=True)
    doc = found["doc"].to_numpy()
    raw_start, raw_end = found["raw_start"].to_numpy(), found["raw_end"].to_numpy()
    side = _side(doc, raw_start, raw_end, places)
    number, _ = pd.factorize(found["formulation"], sort=False)
    group_start = np.flatnonzero(np.r_[True, number[1:] != number[:-1]])
    group_size = np.diff(np.r_[group_start, len(found)])
    bp = np.maximum.reduceat(side["boilerplate"], group_start)
    ag = np.maximum.reduceat(side["agencies"], group_start)
    framed = np.logical_and.reduceat(np.isin(side["kind"], list(FRAME_KINDS)), group_start)
    category = np.where(bp >= boilerplate_share, "boilerplate",
                        np.where(ag >= 0.5, "agencies", np.where(framed, "frame", "substantive")))
    dates = direction.doc_dates(documents)
    doc_ids = [d for d, _, _ in docs]
    regions = [r for _, r, _ in docs]
    n_docs = len(docs)
    starts, lengths, docs_list = found["start"].tolist(), found["length"].tolist(), doc.tolist()
    roles_of: dict[tuple, tuple] = {}       # many phrases share one set of documents
    per_group = {"phrase": [], "n_docs": [], "regions": [], "distinctiveness": [], "first_doc": [],
                 "first_date": []}
    role = np.empty(len(found), dtype=object)
    for g, (lo, size) in enumerate(zip(group_start.tolist(), group_size.tolist())):
        d0 = docs_list[lo]
        per_group["phrase"].append(readings[d0].text[starts[lo]:starts[lo] + lengths[lo]])
        doc_idx = tuple(dict.fromkeys(docs_list[lo:lo + size]))
        if doc_idx not in roles_of:
            roles_of[doc_idx] = direction.roles([doc_ids[d] for d in doc_idx], dates)
        firsts, roles = roles_of[doc_idx]
        per_group["n_docs"].append(len(doc_idx))
        per_group["regions"].append(";".join(regions[d] for d in doc_idx))
        per_group["distinctiveness"].append(distinctiveness(len(doc_idx), n_docs))
        per_group["first_doc"].append(";".join(firsts))
        per_group["first_date"].append(dates.get(firsts[0], "") if firsts else "")
        role[lo:lo + size] = [roles[doc_ids[d]] for d in docs_list[lo:lo + size]]
    row_doc_ids = np.asarray(doc_ids, dtype=object)[doc]
    out = {"formulation_id": np.repeat([f"f{n}" for n in range(1, len(group_start) + 1)], group_size),
           "phrase": np.repeat(np.asarray(per_group["phrase"], dtype=object), group_size),
           "length": found["length"].to_numpy(np.int64),
           "n_docs": np.repeat(np.asarray(per_group["n_docs"], dtype=np.int64), group_size),
           "n_occurrences": np.repeat(group_size.astype(np.int64), group_size),
           "regions": _repeated(per_group["regions"], group_size),
           "distinctiveness": np.repeat(np.asarray(per_group["distinctiveness"], dtype=np.float64), group_size),
           "category": np.repeat(category, group_size),
           "first_doc": _repeated(per_group["first_doc"], group_size),
           "first_date": np.repeat(np.asarray(per_group["first_date"], dtype=object), group_size),
           "doc_id": row_doc_ids, "region": np.asarray(regions, dtype=object)[doc],
           "unit_id": side["unit"], "kind": side["kind"],
           "char_start": raw_start.astype(np.int64), "char_end": raw_end.astype(np.int64),
           "text": raw_slices(docs, doc, raw_start, raw_end),
           "date": [dates.get(d, "") for d in row_doc_ids],
           "role": role, "in_passage": found["in_passage"].to_numpy(bool)}
    return pd.DataFrame(out, columns=COLUMNS)


def _repeated(values: list[str], group_size: np.ndarray) -> pd.Categorical:
    """Each group's text on each of its rows, held once per distinct text: a phrase of 1,000
    documents lists 1,000 regions, and copied into its 1,000 rows that was 750 MB of the table."""
    codes, uniques = pd.factorize(np.asarray(values, dtype=object))
    return pd.Categorical.from_codes(np.repeat(codes, group_size), categories=pd.Index(uniques, dtype=str))


def distinctiveness(docs: int, corpus: int) -> float:
    """log(N / docs) / log(N / 2): 1 for a phrase of exactly two documents, 0 for one of every document."""
    if corpus <= 2:
        return 1.0
    return round(max(0.0, math.log(corpus / docs) / math.log(corpus / 2)), 4)


def order(found: pd.DataFrame) -> pd.DataFrame:
    """Phrases numbered in the order of their first occurrence (document order, then position)."""
    if found.empty:
        return found
    first = found.drop_duplicates("formulation").sort_values(["doc", "start", "formulation"], kind="stable")
    rank = pd.Series(np.arange(len(first)), index=first["formulation"].to_numpy())
    out = found.assign(formulation=found["formulation"].map(rank))
    return out.sort_values(["formulation", "doc", "start"], kind="stable").reset_index(drop=True)
