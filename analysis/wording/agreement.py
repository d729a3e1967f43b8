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


def edited_evaluation(shared_passages: pd.DataFrame, edited_reuse: pd.DataFrame,
                      shared_formulations: pd.DataFrame | None = None) -> dict:
    """The edited reference against shared_passages + edited_reuse (+ the identical core of an edited
    sentence, when it is a shared formulation printed by both documents).

    A reference row is found when reported rows of its pair overlap it on both sides, and covered
    when they hold at least half of its characters on both sides; an edited_reuse row is confirmed
    when it overlaps a reference row (verbatim or edited) on both sides."""
    verbatim, edited = load_reference()
    both = pd.concat([shared_passages[_SPAN], edited_reuse[_SPAN], _formulation_pairs(shared_formulations)],
                     ignore_index=True)
    found, covered = [], []
    for r in edited.itertuples():
        p = _overlapping(both, r)
        found.append(len(p) > 0)
        covered.append(min(_cover(zip(p["a_start"], p["a_end"]), r.a_start, r.a_end),
                           _cover(zip(p["b_start"], p["b_end"]), r.b_start, r.b_end)) >= 0.5)
    refs = pd.concat([verbatim, edited], ignore_index=True)
    real = [is_real(p, refs) for p in edited_reuse.itertuples()]
    return {"edited": len(edited), "found": sum(found), "covered": sum(covered),
            "missed": edited[[not f for f in found]], "reported": len(edited_reuse), "real": sum(real),
            "unconfirmed": edited_reuse[[not r for r in real]]}


_SPAN = ["doc_a", "a_start", "a_end", "doc_b", "b_start", "b_end"]


def _formulation_pairs(shared_formulations: pd.DataFrame | None) -> pd.DataFrame:
    """Every pair of occurrences of one formulation in two documents, in both orders, as spans."""
    rows = []
    if shared_formulations is not None:
        for _, g in shared_formulations.groupby("formulation_id"):
            occ = list(zip(g["doc_id"], g["char_start"], g["char_end"]))
            rows += [(da, sa, ea, db, sb, eb) for da, sa, ea in occ for db, sb, eb in occ if da != db]
    return pd.DataFrame(rows, columns=_SPAN)


def formulation_pairs(shared_passages: pd.DataFrame, shared_formulations: pd.DataFrame, units: pd.DataFrame,
                      min_len: int = 12) -> dict:
    """Every maximal identical run of `min_len`+ reading characters two documents share, listed by the
    independent reference script (tests/fixtures/shared/make_verbatim_reference.py, run at min_len),
    against what the tables report: a run is reported when passages of its pair, or occurrences of
    formulations printed by both its documents, cover at least COVER of it on both sides. A missed
    run is marked when it runs across a unit boundary (where the finder always stops)."""
    unit_starts = {d: set(g["char_start"]) for d, g in units.groupby("doc_id")}
    script = _reference_script()
    docs = {d: script.load(d) for d in script.DOCS}
    spans = _pair_spans(shared_passages, shared_formulations)
    runs, reported, missed = 0, 0, []
    pairs_sharing, pairs_reported = set(), set()
    for ia, da in enumerate(script.DOCS):
        for db in script.DOCS[ia + 1:]:
            (_, a, off_a), (_, b, off_b) = docs[da], docs[db]
            for i, j, n in script.maximal_runs(a, b, min_len):
                runs += 1
                pairs_sharing.add((da, db))
                a0, a1, b0, b1 = off_a[i], off_a[i + n - 1] + 1, off_b[j], off_b[j + n - 1] + 1
                sa, sb = spans.get((da, db), ([], []))
                if _cover(sa, a0, a1) >= COVER and _cover(sb, b0, b1) >= COVER:
                    reported += 1
                    pairs_reported.add((da, db))
                else:
                    crosses = any(s in unit_starts.get(da, ()) for s in off_a[i + 1:i + n]) or \
                        any(s in unit_starts.get(db, ()) for s in off_b[j + 1:j + n])
                    missed.append((da, a0, db, b0, a[i:i + n], crosses))
    return {"runs": runs, "reported": reported, "missed": missed, "pairs": len(pairs_sharing),
            "pairs_reported": len(pairs_reported)}


def _reference_script():
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_verbatim_reference", FIXTURES / "make_verbatim_reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.RAW_DIR = str(PROJECT_ROOT / "data" / "raw")
    return module


def _pair_spans(shared_passages: pd.DataFrame, shared_formulations: pd.DataFrame) -> dict:
    """(doc_a, doc_b) -> (spans in a, spans in b) reported between them."""
    out: dict = {}
    for p in shared_passages.itertuples():
        sa, sb = out.setdefault((p.doc_a, p.doc_b), ([], []))
        sa.append((p.a_start, p.a_end))
        sb.append((p.b_start, p.b_end))
        ta, tb = out.setdefault((p.doc_b, p.doc_a), ([], []))
        ta.append((p.b_start, p.b_end))
        tb.append((p.a_start, p.a_end))
    for _, g in shared_formulations.groupby("formulation_id"):
        by_doc = {d: list(zip(x["char_start"], x["char_end"])) for d, x in g.groupby("doc_id")}
        for da in by_doc:
            for db in by_doc:
                if da != db:
                    sa, sb = out.setdefault((da, db), ([], []))
                    sa.extend(by_doc[da])
                    sb.extend(by_doc[db])
    return out


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
    if "edited_reuse" in tables:
        ed = edited_evaluation(tables["shared_passages"], tables["edited_reuse"], tables.get("shared_formulations"))
        lines += [
            "edited reuse (shared_passages, edited_reuse, and formulations for an identical core) against the "
            "edited reference found by reading",
            f"  reference rows found (overlapped on both sides): {ed['found']}/{ed['edited']} "
            f"(recall {ed['found'] / max(ed['edited'], 1):.2f}); half or more covered on both sides: "
            f"{ed['covered']}/{ed['edited']}",
            f"  edited_reuse rows overlapping a reference row: {ed['real']}/{ed['reported']} "
            f"(precision against the reference {ed['real'] / max(ed['reported'], 1):.2f}; the rest listed to read)"]
        for r in ed["missed"].itertuples():
            lines.append(f"  missed: {r.doc_a}:{r.a_start}-{r.a_end} ~ {r.doc_b}:{r.b_start}-{r.b_end} {r.note}")
        for p in ed["unconfirmed"].itertuples():
            lines.append(f"  not in the reference: {p.reuse_id} {p.doc_a}:{p.a_start} ~ {p.doc_b}:{p.b_start} "
                         f"{''.join(p.text_a.split())} | {''.join(p.text_b.split())}")
    if "shared_formulations" in tables:
        fp = formulation_pairs(tables["shared_passages"], tables["shared_formulations"], tables["units"])
        lines += [
            "shared formulations: maximal identical runs of 12+ characters between two documents "
            "(the reference script at min_len 12)",
            f"  runs reported by a passage or formulation of their pair: {fp['reported']}/{fp['runs']}; "
            f"document pairs sharing one: {fp['pairs']}, reported: {fp['pairs_reported']}; "
            f"missed runs crossing a unit boundary: {sum(m[5] for m in fp['missed'])}/{len(fp['missed'])}"]
        for da, a0, db, b0, text, crosses in fp["missed"]:
            lines.append(f"  missed: {da}:{a0} ~ {db}:{b0} {text}{' (crosses a unit boundary)' if crosses else ''}")
    for k in (1, 3):
        hits, n = similarity_recall(tables["task_similarity"], pairs, k)
        lines.append(f"task similarity: reused task pairs whose partner is among the {k} nearest of its region: {hits}/{n}")
    return "\n".join(lines)
