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


def new_rows(loose: pd.DataFrame, strict: pd.DataFrame, chunk: int = 200_000) -> pd.DataFrame:
    """The loose pass's rows with an edit (identical ones are shared passages or formulations) that
    no strict passage of the same pair overlaps on both sides."""
    loose = loose[loose["similarity"] < 1].reset_index(drop=True)
    if loose.empty or strict.empty:
        return loose
    # every loose row is compared with the strict rows of its pair only: strict sorted by pair, each
    # loose row's block found by binary search and expanded (in chunks of about `chunk` comparisons)
    n_docs = int(max(loose["a"].max(), loose["b"].max(), strict["a"].max(), strict["b"].max())) + 1
    strict = strict.assign(_pair=strict["a"].to_numpy(np.int64) * n_docs + strict["b"].to_numpy(np.int64))
    strict = strict.sort_values("_pair", kind="stable")
    pair = strict["_pair"].to_numpy()
    sa, se = strict["a_start"].to_numpy(), strict["a_end"].to_numpy()
    sb, sf = strict["b_start"].to_numpy(), strict["b_end"].to_numpy()
    key = loose["a"].to_numpy(np.int64) * n_docs + loose["b"].to_numpy(np.int64)
    lo, hi = np.searchsorted(pair, key, side="left"), np.searchsorted(pair, key, side="right")
    la, le = loose["a_start"].to_numpy(), loose["a_end"].to_numpy()
    lb, lf = loose["b_start"].to_numpy(), loose["b_end"].to_numpy()
    covered = np.zeros(len(loose), dtype=bool)
    sizes = hi - lo
    ends = np.cumsum(sizes)
    first = 0
    while first < len(loose):
        last = max(int(np.searchsorted(ends, (ends[first - 1] if first else 0) + chunk, side="right")), first + 1)
        rows = np.repeat(np.arange(first, last), sizes[first:last])
        if len(rows):
            # strict row of each comparison: the row's block start plus its place in the block
            starts = np.repeat(lo[first:last], sizes[first:last])
            within = np.arange(len(rows)) - np.repeat(np.cumsum(sizes[first:last]) - sizes[first:last], sizes[first:last])
            s = starts + within
            hit = (sa[s] < le[rows]) & (se[s] > la[rows]) & (sb[s] < lf[rows]) & (sf[s] > lb[rows])
            covered[rows[hit]] = True
        first = last
    return loose[~covered].reset_index(drop=True)


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
    """edited_reuse from `new_rows`; units, shares and category by array operations over all rows
    at once (shared_passages' `pair_sides`), the edits by one alignment per row."""
    from analysis.wording.shared_passages import pair_sides, raw_slices

    if loose.empty:
        return pd.DataFrame(columns=COLUMNS)
    sides, category = pair_sides(loose, places, config)
    spans = {side: list(zip(loose[side].tolist(), loose[f"{side}_start"].tolist(), loose[f"{side}_end"].tolist()))
             for side in ("a", "b")}
    found = [edits(_reading(readings[a], s, e), _reading(readings[b], t, u))
             for (a, s, e), (b, t, u) in zip(spans["a"], spans["b"])]
    out = {"reuse_id": [f"e{n}" for n in range(1, len(loose) + 1)]}
    for side in ("a", "b"):
        out |= {f"doc_{side}": [docs[d][0] for d, _, _ in spans[side]],
                f"region_{side}": [docs[d][1] for d, _, _ in spans[side]],
                f"{side}_start": loose[f"{side}_start"].to_numpy(), f"{side}_end": loose[f"{side}_end"].to_numpy()}
    out |= {"length": loose["length"].to_numpy(), "similarity": loose["similarity"].to_numpy(),
            "longest_exact": loose["longest_exact"].to_numpy(), "n_edits": [len(e) for e in found],
            "edits": ["; ".join(e) for e in found], "category": category}
    for side in ("a", "b"):
        out |= {f"unit_{side}": sides[side]["unit"], f"kind_{side}": sides[side]["kind"]}
    for side in ("a", "b"):
        out[f"text_{side}"] = raw_slices(docs, loose[side], loose[f"{side}_start"], loose[f"{side}_end"])
    return pd.DataFrame(out, columns=COLUMNS)


def _reading(r, raw_start: int, raw_end: int) -> str:
    """The reading characters of a raw span. A unit's marker shares the raw offset of the unit's first
    character, so a span starting a unit would begin with it: markers are dropped."""
    i, j = np.searchsorted(r.raw_offsets, raw_start), np.searchsorted(r.raw_offsets, raw_end)
    text = r.text[i:j]
    return text.replace(r.marker, "") if r.marker else text
