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
    """shared_formulations from `find`'s rows; `places`: the _Places of each document (units, masks)."""
    if found.empty:
        return pd.DataFrame(columns=COLUMNS)
    n_docs = len(docs)
    dates = direction.doc_dates(documents)
    rows = []
    number = 0
    for _, g in found.groupby("formulation", sort=False):
        g = g.sort_values(["doc", "start"])
        first = g.iloc[0]
        phrase = readings[first["doc"]].text[first["start"]:first["start"] + first["length"]]
        doc_idx = list(dict.fromkeys(g["doc"].tolist()))
        doc_ids = [docs[d][0] for d in doc_idx]
        firsts, role = direction.roles(doc_ids, dates)
        bp = ag = 0.0
        occ = []
        for o in g.itertuples(index=False):
            p = places[o.doc]
            bp = max(bp, p.share(p.boilerplate, o.raw_start, o.raw_end))
            ag = max(ag, p.share(p.agencies, o.raw_start, o.raw_end))
            unit, _, kind = p.units(o.raw_start, o.raw_end)
            occ.append((o, unit, kind))
        category = ("boilerplate" if bp >= boilerplate_share else "agencies" if ag >= 0.5
                    else "frame" if all(k in FRAME_KINDS for _, _, k in occ) else "substantive")
        number += 1
        for o, unit, kind in occ:
            doc_id, region, text = docs[o.doc]
            rows.append({
                "formulation_id": f"f{number}", "phrase": phrase, "length": int(o.length), "n_docs": len(doc_idx),
                "n_occurrences": len(g), "regions": ";".join(docs[d][1] for d in doc_idx),
                "distinctiveness": distinctiveness(len(doc_idx), n_docs), "category": category,
                "first_doc": ";".join(firsts), "first_date": dates.get(firsts[0], "") if firsts else "",
                "doc_id": doc_id, "region": region, "unit_id": unit, "kind": kind,
                "char_start": int(o.raw_start), "char_end": int(o.raw_end), "text": text[o.raw_start:o.raw_end],
                "date": dates.get(doc_id, ""), "role": role[doc_id], "in_passage": bool(o.in_passage)})
    return pd.DataFrame(rows, columns=COLUMNS)


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
