"""The edited_reuse table: a policy sentence two documents share with small edits.

The passage finder (analysis.wording.passages) is run a second time with the looser settings of
`edited_reuse` in shared_wording.yml: identical runs of `k` characters seed it, a run of
`min_exact` anchors it, and an alignment keeping `min_similarity` of the characters is enough.
A reuse that a shared passage of the same two documents already overlaps on both sides is left
to shared_passages, and one without an edit is a shared passage or formulation. Each row's edits are listed from the alignment (rapidfuzz Indel opcodes over
the reading forms): `科学确定→合理确定、动态调整` for a substitution, `+双` for an insertion in b,
`−统一` for a word that b leaves out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from rapidfuzz.distance import Indel

COLUMNS = ["reuse_id", "doc_a", "region_a", "a_start", "a_end", "doc_b", "region_b", "b_start", "b_end", "length",
           "similarity", "longest_exact", "n_edits", "edits", "category", "unit_a", "kind_a", "unit_b", "kind_b",
           "text_a", "text_b"]


def new_rows(loose: pd.DataFrame, strict: pd.DataFrame) -> pd.DataFrame:
    """The loose pass's rows with an edit (identical ones are shared passages or formulations) that
    no strict passage of the same pair overlaps on both sides."""
    loose = loose[loose["similarity"] < 1].reset_index(drop=True)
    if loose.empty or strict.empty:
        return loose
    keep = []
    by_pair = {k: g for k, g in strict.groupby(["a", "b"])}
    for r in loose.itertuples(index=False):
        g = by_pair.get((r.a, r.b))
        keep.append(g is None or not ((g["a_start"] < r.a_end) & (g["a_end"] > r.a_start)
                                      & (g["b_start"] < r.b_end) & (g["b_end"] > r.b_start)).any())
    return loose[keep].reset_index(drop=True)


def edits(a: str, b: str) -> list[str]:
    """The edits turning reading text a into b, in order."""
    out = []
    for tag, i1, i2, j1, j2 in _merged(Indel.opcodes(a, b).as_list()):
        if tag == "equal":
            continue
        x, y = a[i1:i2], b[j1:j2]
        out.append(f"{x}→{y}" if x and y else f"+{y}" if y else f"−{x}")
    return out


def _merged(ops):
    """Indel has no substitutions: a deletion next to an insertion is one substitution."""
    out = []
    for tag, i1, i2, j1, j2 in ops:
        if out and tag != "equal" and out[-1][0] != "equal":
            t0, a1, _, b1, _ = out[-1]
            out[-1] = ("replace", a1, i2, b1, j2)
        else:
            out.append((tag, i1, i2, j1, j2))
    return out


def table(loose: pd.DataFrame, readings, docs, places, config) -> pd.DataFrame:
    rows = []
    for n, p in enumerate(loose.itertuples(index=False), 1):
        pa, pb = places[p.a], places[p.b]
        ua, ub = pa.units(p.a_start, p.a_end), pb.units(p.b_start, p.b_end)
        share_bp = max(pa.share(pa.boilerplate, p.a_start, p.a_end), pb.share(pb.boilerplate, p.b_start, p.b_end))
        share_ag = max(pa.share(pa.agencies, p.a_start, p.a_end), pb.share(pb.agencies, p.b_start, p.b_end))
        category = ("boilerplate" if share_bp >= config.boilerplate_share
                    else "agencies" if share_ag >= 0.5 else "substantive")
        ta, tb = _reading(readings[p.a], p.a_start, p.a_end), _reading(readings[p.b], p.b_start, p.b_end)
        e = edits(ta, tb)
        rows.append({
            "reuse_id": f"e{n}", "doc_a": docs[p.a][0], "region_a": docs[p.a][1], "a_start": p.a_start,
            "a_end": p.a_end, "doc_b": docs[p.b][0], "region_b": docs[p.b][1], "b_start": p.b_start,
            "b_end": p.b_end, "length": p.length, "similarity": p.similarity, "longest_exact": p.longest_exact,
            "n_edits": len(e), "edits": "; ".join(e), "category": category,
            "unit_a": ua[0], "kind_a": ua[2], "unit_b": ub[0], "kind_b": ub[2],
            "text_a": docs[p.a][2][p.a_start:p.a_end], "text_b": docs[p.b][2][p.b_start:p.b_end]})
    return pd.DataFrame(rows, columns=COLUMNS)


def _reading(r, raw_start: int, raw_end: int) -> str:
    """The reading characters of a raw span. A unit's marker shares the raw offset of the unit's first
    character, so a span starting a unit would begin with it: markers are dropped."""
    i, j = np.searchsorted(r.raw_offsets, raw_start), np.searchsorted(r.raw_offsets, raw_end)
    text = r.text[i:j]
    return text.replace(r.marker, "") if r.marker else text
