"""The build's closing report: per region, what was found and what needs a reader's eye."""

from __future__ import annotations

import pandas as pd

from analysis.extraction.document import DocResult


def build_report(results: list[DocResult], tables: dict[str, pd.DataFrame]) -> str:
    units, ta = tables["units"], tables["task_agencies"]
    # one grouping of each table, not a filter per document (which grows with the square of the corpus)
    units_of, agency_rows_of = dict(tuple(units.groupby("doc_id", sort=False))), dict(tuple(ta.groupby("doc_id", sort=False)))
    n_rows = {name: tables[name]["doc_id"].value_counts() for name in ("targets", "deadlines", "repairs")}
    lines = []
    for r in results:
        doc = r.meta.doc_id
        u = units_of.get(doc, units.iloc[:0])
        kinds = u.kind.value_counts()
        tasks = u[u.kind == "task"].unit_id
        rows = agency_rows_of.get(doc, ta.iloc[:0])
        with_agency = set(rows.unit_id)
        missing = [t for t in tasks if t not in with_agency]
        counts = {
            "tasks": len(tasks),
            "agency rows": len(rows),
            "agencies": rows.agency_id.nunique(),
            "targets": int(n_rows["targets"].get(doc, 0)),
            "deadlines": int(n_rows["deadlines"].get(doc, 0)),
            "repairs": int(n_rows["repairs"].get(doc, 0)),
            "unaccounted chars": r.unaccounted,
        }
        lines.append(f"{r.meta.region} ({r.meta.region_zh or r.meta.region}, {r.meta.year}): "
                     + ", ".join(f"{k} {v}" for k, v in counts.items()))
        if r.layout_note:
            lines.append(f"  layout: {r.layout_note}")
        lines.append("  units by kind: " + ", ".join(f"{k} {v}" for k, v in kinds.sort_index().items()))
        if missing:
            lines.append("  tasks naming no agency: " + ", ".join(missing))
        lines += _unresolved(rows)
        if not r.meta.sha256:
            lines.append(f"  note: no sha256 for {r.path.name} in the manifest; to pin this copy add  sha256: {r.sha256}")
        elif r.meta.sha256 != r.sha256:
            lines.append(f"  note: {r.path.name} sha256 differs from the manifest (file changed since it was listed)")
    lines.append(topic_summary(tables["task_topics"]))
    return "\n".join(lines)


def _unresolved(rows: pd.DataFrame) -> list[str]:
    """Names the agency dictionary lacks, once each, with the line that would resolve them."""
    if "resolved" not in rows or rows.resolved.all():
        return []
    out = ["  agencies not in the dictionary (read, function and level guessed; to resolve, paste under "
           "full_names: in data/dictionaries/agencies.yml and check each guess):"]
    for name, g in rows[~rows.resolved].groupby("name_zh", sort=True):
        first = g.iloc[0]
        out.append(f"    - {{zh: {name}, en: \"\", function: {first.function}, level: {first.level}}}"
                   f"   # {len(g)} row(s), first {first.unit_id}")
    return out


def topic_summary(task_topics: pd.DataFrame) -> str:
    primary = task_topics[task_topics["is_primary"]]
    methods = ", ".join(f"{k} {v}" for k, v in primary["method"].value_counts().items())
    line = f"topics: {len(primary)} units coded ({methods}), {int((~task_topics.is_primary).sum())} secondary codes"
    low = primary[(primary["confidence"] == "low") & (primary["method"] != "override")]
    line += (f"; {len(low)} low-confidence primaries (probability below the threshold in data/taxonomy/topics.yml; "
             f"python -m analysis topics --review writes them for a coder)")
    overridden = task_topics[task_topics["method"] == "override"]
    if len(overridden):
        line += f"; overrides applied to {overridden.unit_id.nunique()} units: " + ", ".join(sorted(set(overridden.unit_id)))
    return line
