"""The template_alignment table: how a document adapts the template it answers.

A manifest entry marked `template: true` is a template: a national or provincial task list that
local lists answer. For each other document, its tasks are aligned one to one with the template's
tasks. This is an assignment problem: the pairs with the highest total similarity, in any order
(a city may move a provincial task to another part). It is solved exactly by the Hungarian method
(scipy's linear_sum_assignment) on the task similarity of analysis.wording.similarity (TF-IDF over
jieba tokens and character 2-3-grams, cosine). A pair scoring below `templates: min_score` in
shared_wording.yml is no adaptation: its task is `added`, its template task `omitted`.

For each aligned pair the identical runs of `min_run` or more reading characters are given as raw
spans on both sides (from rapidfuzz's Indel alignment of the two tasks' reading forms).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from rapidfuzz.distance import Indel

from analysis.wording.passages import reading_form

COLUMNS = ["template_doc", "doc_id", "status", "template_unit", "unit_id", "template_order", "order", "moved",
           "score", "shared_chars", "template_spans", "spans", "template_text", "text"]
MIN_RUN = 4


def align(scores: np.ndarray, min_score: float) -> list[tuple[int, int]]:
    """(template task, task) index pairs: the one-to-one assignment of the highest total score,
    pairs below min_score dropped."""
    if scores.size == 0:
        return []
    from scipy.optimize import linear_sum_assignment   # 0.4 s to import; only a marked template needs it

    rows, cols = linear_sum_assignment(-scores)
    return [(int(i), int(j)) for i, j in zip(rows, cols) if scores[i, j] >= min_score]


def identical_spans(raw_a: str, start_a: int, raw_b: str, start_b: int, min_run: int = MIN_RUN):
    """(identical characters, spans in a, spans in b): the identical runs of min_run+ reading
    characters of the alignment, as raw (start, end) offsets (start_a, start_b: where the texts begin)."""
    ra, rb = reading_form(raw_a), reading_form(raw_b)
    shared, sa, sb = 0, [], []
    for tag, i1, i2, j1, j2 in Indel.opcodes(ra.text, rb.text).as_list():
        if tag != "equal":
            continue
        shared += i2 - i1
        if i2 - i1 >= min_run:
            a0, a1 = ra.raw_span(i1, i2)
            b0, b1 = rb.raw_span(j1, j2)
            sa.append((start_a + a0, start_a + a1))
            sb.append((start_b + b0, start_b + b1))
    return shared, sa, sb


def _spans(spans) -> str:
    return ";".join(f"{s}-{e}" for s, e in spans)


def compare(template: pd.DataFrame, tasks: pd.DataFrame, scores: np.ndarray, texts: dict[str, str],
            min_score: float) -> list[dict]:
    """Rows of the table for one document against one template.

    `template`, `tasks`: rows (doc_id, unit_id, char_start, char_end, text_clean) in document order;
    `scores`: template tasks x tasks; `texts`: doc_id -> raw text."""
    pairs = align(scores, min_score)
    t_doc = template["doc_id"].iloc[0] if len(template) else ""
    d_doc = tasks["doc_id"].iloc[0] if len(tasks) else ""
    rows = []
    matched_t, matched_d = {i for i, _ in pairs}, {j for _, j in pairs}
    in_order = kept_in_order([i for i, _ in sorted(pairs, key=lambda p: p[1])])
    for n, (i, j) in enumerate(sorted(pairs, key=lambda p: p[1])):
        t, d = template.iloc[i], tasks.iloc[j]
        shared, st, sd = identical_spans(texts[t_doc][t.char_start:t.char_end], int(t.char_start),
                                         texts[d_doc][d.char_start:d.char_end], int(d.char_start))
        rows.append(_row(t_doc, d_doc, "aligned", t, i, d, j, round(float(scores[i, j]), 4), shared, st, sd,
                         moved=n not in in_order))
    for j in range(len(tasks)):
        if j not in matched_d:
            rows.append(_row(t_doc, d_doc, "added", None, None, tasks.iloc[j], j, np.nan, 0, [], []))
    for i in range(len(template)):
        if i not in matched_t:
            rows.append(_row(t_doc, d_doc, "omitted", template.iloc[i], i, None, None, np.nan, 0, [], []))
    return rows


def kept_in_order(template_orders: list[int]) -> set[int]:
    """Positions of a longest increasing run-in-order (subsequence) of the template orders of the
    aligned tasks, taken in the document's order: those tasks keep the template's order, the others
    were moved. Patience sorting, O(n log n); of several longest, the one ending on the latest."""
    import bisect

    tails, tail_pos, back = [], [], [-1] * len(template_orders)
    for n, v in enumerate(template_orders):
        k = bisect.bisect_left(tails, v)
        if k == len(tails):
            tails.append(v)
            tail_pos.append(n)
        else:
            tails[k], tail_pos[k] = v, n
        back[n] = tail_pos[k - 1] if k else -1
    out, n = set(), tail_pos[-1] if tail_pos else -1
    while n >= 0:
        out.add(n)
        n = back[n]
    return out


def _row(t_doc, d_doc, status, t, i, d, j, score, shared, st, sd, moved=False) -> dict:
    return {"template_doc": t_doc, "doc_id": d_doc, "status": status,
            "template_unit": t.unit_id if t is not None else "", "unit_id": d.unit_id if d is not None else "",
            "template_order": i + 1 if i is not None else pd.NA, "order": j + 1 if j is not None else pd.NA,
            "moved": bool(moved),
            "score": score, "shared_chars": shared, "template_spans": _spans(st), "spans": _spans(sd),
            "template_text": t.text_clean if t is not None else "", "text": d.text_clean if d is not None else ""}


def table(units: pd.DataFrame, templates: list[str], texts: dict[str, str], vectors_of, min_score: float) -> pd.DataFrame:
    """template_alignment for every (template, other document); `vectors_of(unit_ids)` gives the
    tasks' L2-normalised TF-IDF rows (analysis.wording.similarity.vectors)."""
    tasks = units[units["kind"] == "task"]
    if not templates or tasks.empty:       # no template: an empty table with the types it has when full
        empty = pd.DataFrame({c: pd.Series(dtype="str") for c in COLUMNS})
        return empty.astype({"template_order": "int64", "order": "int64", "moved": "bool", "score": "float64",
                             "shared_chars": "int64"})
    by_doc = {d: g for d, g in tasks.groupby("doc_id", sort=False)}
    rows = []
    for t_doc in templates:
        template = by_doc.get(t_doc)
        if template is None:
            continue
        vt = vectors_of(template["unit_id"].tolist())
        for d_doc, g in by_doc.items():
            if d_doc == t_doc:
                continue
            scores = (vt @ vectors_of(g["unit_id"].tolist()).T).toarray()
            rows += compare(template, g, scores, texts, min_score)
    return _typed(pd.DataFrame(rows, columns=COLUMNS))


def _typed(df: pd.DataFrame) -> pd.DataFrame:
    for c in ("template_order", "order"):
        df[c] = df[c].astype("Int64")
    return df


def report(ta: pd.DataFrame, name: str, chars: int = 48) -> str:
    lines = []
    for t_doc, g in ta.groupby("template_doc", sort=False):
        counts = g["status"].value_counts()
        lines.append(f"{name} against the template {t_doc}: {counts.get('aligned', 0)} tasks adapt template tasks, "
                     f"{counts.get('added', 0)} added, {counts.get('omitted', 0)} template tasks left out")
        for r in g.itertuples():
            if r.status == "aligned":
                moved = " (moved)" if r.moved else ""
                lines.append(f"  aligned  {r.unit_id} (#{r.order}) <- {r.template_unit} (#{r.template_order}){moved} "
                             f"score {r.score:.2f}, {r.shared_chars} identical characters")
                lines.append(f"           {_short(r.text, chars)}")
                lines.append(f"           {_short(r.template_text, chars)}")
            elif r.status == "added":
                lines.append(f"  added    {r.unit_id} (#{r.order}) {_short(r.text, chars)}")
            else:
                lines.append(f"  omitted  {r.template_unit} (#{r.template_order}) {_short(r.template_text, chars)}")
    return "\n".join(lines) if lines else f"{name}: no tasks to align"


def _short(text: str, chars: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= chars else text[:chars - 1] + "…"
