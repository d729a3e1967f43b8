"""The build's closing report: per region, what was found and what needs a reader's eye."""

from __future__ import annotations

import pandas as pd

from analysis.extraction.document import DocResult


def build_report(results: list[DocResult], tables: dict[str, pd.DataFrame]) -> str:
    units, ta = tables["units"], tables["task_agencies"]
    lines = []
    for r in results:
        region = r.meta.region
        u = units[units.region == region]
        kinds = u.kind.value_counts()
        tasks = u[u.kind == "task"].unit_id
        with_agency = set(ta[ta.region == region].unit_id)
        missing = [t for t in tasks if t not in with_agency]
        counts = {
            "tasks": len(tasks),
            "agency rows": int((ta.region == region).sum()),
            "agencies": int((tables["agencies"].region == region).sum()),
            "targets": int((tables["targets"].region == region).sum()),
            "deadlines": int((tables["deadlines"].region == region).sum()),
            "repairs": int((tables["repairs"].region == region).sum()),
            "unaccounted chars": r.unaccounted,
        }
        lines.append(f"{region} ({r.meta.region_zh}, {r.meta.year}): "
                     + ", ".join(f"{k} {v}" for k, v in counts.items()))
        lines.append("  units by kind: " + ", ".join(f"{k} {v}" for k, v in kinds.sort_index().items()))
        if missing:
            lines.append("  tasks naming no agency: " + ", ".join(missing))
        if not r.meta.sha256 or r.meta.sha256 != r.sha256:
            lines.append(f"  note: {r.path.name} sha256 differs from the manifest (file changed since it was listed)")
    lines.append(topic_summary(tables["task_topics"]))
    return "\n".join(lines)


def topic_summary(task_topics: pd.DataFrame) -> str:
    primary = task_topics[task_topics["is_primary"]]
    methods = ", ".join(f"{k} {v}" for k, v in primary["method"].value_counts().items())
    line = f"topics: {len(primary)} units coded ({methods}), {int((~task_topics.is_primary).sum())} secondary codes"
    overridden = task_topics[task_topics["method"] == "override"]
    if len(overridden):
        line += f"; overrides applied to {overridden.unit_id.nunique()} units: " + ", ".join(sorted(set(overridden.unit_id)))
    uncoded = primary[primary["topic"].isna()]
    if len(uncoded):
        line += f"\n  NOT CODED (add lexicon terms or an override): {', '.join(uncoded.unit_id)}"
    return line
