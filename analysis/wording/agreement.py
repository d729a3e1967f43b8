"""How the shared-wording tables do against an independent reading (tests/fixtures/shared).

- verbatim_reference.csv: every maximal identical run of 20+ reading characters between two
  documents, found exhaustively by a separate script and each judged by reading.
- edited_reference.csv: reuse with small edits, found by reading.

Recall: a reference passage is found when reported passages of the same two documents cover at
least `COVER` of its characters on both sides. Precision: a reported passage is real reuse when
it overlaps a reference passage (verbatim or edited) on both sides; the rest are listed to read.
Task similarity: for each reference passage whose two sides lie in tasks, is the other side's
task among the nearest tasks of its region?
"""

from __future__ import annotations

import pandas as pd

from analysis import PROJECT_ROOT

FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "shared"
COVER = 0.95


def load_reference() -> tuple[pd.DataFrame, pd.DataFrame]:
    return (pd.read_csv(FIXTURES / "verbatim_reference.csv"), pd.read_csv(FIXTURES / "edited_reference.csv"))


def _same_pair(passages: pd.DataFrame, ref) -> pd.DataFrame:
    return passages[(passages["doc_a"] == ref.doc_a) & (passages["doc_b"] == ref.doc_b)]


def _cover(spans, start: int, end: int) -> float:
    hit = set()
    for s, e in spans:
        hit.update(range(max(s, start), min(e, end)))
    return len(hit) / (end - start)


def is_found(passages: pd.DataFrame, ref) -> bool:
    p = _overlapping(passages, ref)
    return (_cover(zip(p["a_start"], p["a_end"]), ref.a_start, ref.a_end) >= COVER
            and _cover(zip(p["b_start"], p["b_end"]), ref.b_start, ref.b_end) >= COVER)


def is_real(passage, references: pd.DataFrame) -> bool:
    return not _overlapping(references, passage).empty


def evaluate(passages: pd.DataFrame) -> dict:
    verbatim, edited = load_reference()
    found = [is_found(passages, r) for r in verbatim.itertuples()]
    refs = pd.concat([verbatim, edited], ignore_index=True)
    real = [is_real(p, refs) for p in passages.itertuples()]
    edited_hit = [bool(len(_overlapping(passages, r))) for r in edited.itertuples()]
    return {
        "verbatim": len(verbatim), "verbatim_found": sum(found),
        "recall": sum(found) / len(verbatim) if len(verbatim) else 1.0,
        "missed": verbatim[[not f for f in found]],
        "reported": len(passages), "real": sum(real),
        "precision": sum(real) / len(passages) if len(passages) else 1.0,
        "unconfirmed": passages[[not r for r in real]],
        "edited": len(edited), "edited_touched": sum(edited_hit),
    }


def _overlapping(passages: pd.DataFrame, ref) -> pd.DataFrame:
    """Rows of `passages` on ref's document pair that overlap it on both sides."""
    p = _same_pair(passages, ref)
    return p[(p["a_start"] < ref.a_end) & (p["a_end"] > ref.a_start) & (p["b_start"] < ref.b_end) & (p["b_end"] > ref.b_start)]


def task_pairs(units: pd.DataFrame) -> pd.DataFrame:
    """Reference passages whose two sides lie in tasks (a Yancheng body paragraph counts as the
    annex task that repeats it), one row per distinct pair of tasks."""
    verbatim, edited = load_reference()
    refs = pd.concat([verbatim, edited], ignore_index=True)
    tasks = _task_of_offsets(units)
    rows = set()
    for r in refs.itertuples():
        ta, tb = tasks(r.doc_a, r.a_start), tasks(r.doc_b, r.b_start)
        if ta and tb:
            rows.add((ta, tb))
    return pd.DataFrame(sorted(rows), columns=["unit_a", "unit_b"])


def _task_of_offsets(units: pd.DataFrame):
    body_to_task = {b: u for u, b in zip(units["unit_id"], units["body_id"]) if isinstance(b, str) and b}
    by_doc = {d: g.sort_values("char_start") for d, g in units.groupby("doc_id")}

    def task(doc: str, offset: int) -> str:
        g = by_doc[doc]
        hit = g[(g["char_start"] <= offset) & (g["char_end"] > offset)]
        if hit.empty:
            return ""
        uid, kind = hit["unit_id"].iloc[0], hit["kind"].iloc[0]
        if kind == "body_task":
            return body_to_task.get(uid, "")
        return uid if kind == "task" else ""
    return task


def similarity_recall(task_similarity: pd.DataFrame, pairs: pd.DataFrame, k: int) -> tuple[int, int]:
    """(pairs whose other task is within the k nearest of its region, in either direction; pairs)."""
    top = task_similarity[task_similarity["rank"] <= k]
    linked = set(zip(top["unit_id"], top["other_unit_id"]))
    hits = sum((a, b) in linked or (b, a) in linked for a, b in zip(pairs["unit_a"], pairs["unit_b"]))
    return hits, len(pairs)


def report(tables: dict[str, pd.DataFrame]) -> str:
    ev = evaluate(tables["shared_passages"])
    pairs = task_pairs(tables["units"])
    lines = [
        "shared passages against the independent reading (tests/fixtures/shared)",
        f"  verbatim passages of 20+ characters found: {ev['verbatim_found']}/{ev['verbatim']} "
        f"(recall {ev['recall']:.2f}; found = covered >= {COVER:.0%} on both sides)",
        f"  reported passages that are real reuse: {ev['real']}/{ev['reported']} (precision {ev['precision']:.2f})",
        f"  edited reuse found by reading, touched by a reported passage: {ev['edited_touched']}/{ev['edited']}",
    ]
    for r in ev["missed"].itertuples():
        lines.append(f"  missed: {r.doc_a}:{r.a_start}-{r.a_end} ~ {r.doc_b}:{r.b_start}-{r.b_end} {r.text}")
    for p in ev["unconfirmed"].itertuples():
        lines.append(f"  not in the reference: {p.passage_id} {p.doc_a}:{p.a_start} ~ {p.doc_b}:{p.b_start} "
                     f"{''.join(p.text_a.split())}")
    for k in (1, 3):
        hits, n = similarity_recall(tables["task_similarity"], pairs, k)
        lines.append(f"task similarity: reused task pairs whose partner is among the {k} nearest of its region: {hits}/{n}")
    return "\n".join(lines)
