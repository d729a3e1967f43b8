"""The briefings' written readings that state a number or a ranking, computed from the tables.

Each function returns Markdown the notebook shows (`nb.say`), so a sixth document, a corrected
table or a new codebook changes the sentence with the figure under it. Readings that only a
reader can write (why Qinghai stresses governance) stay in the notebooks' markdown, marked with
`written_for`: the documents they were written for, and any document of the build they were not.
"""

from __future__ import annotations

import pandas as pd

from analysis.comparison.compare import regions as region_order
from analysis.comparison.palette import value_label

_VERBS = {"lead": "leads", "support": "supports", "joint": "shares"}
_LEVELS = {"national": "national", "provincial": "provincial-level", "prefecture": "city", "county": "county"}


def _name(documents: pd.DataFrame, region: str) -> str:
    return str(documents.set_index("region").loc[region, "region_en"])


def _names(items: list[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _pct(x: float) -> str:
    return f"{x:.0%}"


def written_for(doc_ids: list[str], documents: pd.DataFrame) -> str:
    """A note under a reader's reading: which documents it was written for, and which it was not."""
    have = list(documents.doc_id)
    new = [d for d in have if d not in doc_ids]
    gone = [d for d in doc_ids if d not in have]
    note = f"*Reading written by hand for {', '.join(doc_ids)}.*"
    if new:
        note += f" *It does not cover {', '.join(new)}, built since.*"
    if gone:
        note += f" *{', '.join(gone)} is no longer in the build.*"
    return note


# --- 01 -------------------------------------------------------------------------------------
def documents_reading(overview: pd.DataFrame) -> str:
    """Levels, the largest documents by tasks, and the oldest document's distance to the others."""
    parts = []
    for level in ("national", "provincial", "prefecture", "county"):
        g = overview[overview.level == level]
        if len(g):
            parts.append(f"{len(g)} {_LEVELS[level]} document{'s' if len(g) > 1 else ''} ({_names(g.region_en)})")
    text = _names(parts) + "."
    ranked = overview.sort_values(["tasks", "region"], ascending=[False, True])
    text += " By atomic tasks: " + ", ".join(f"{r.region_en} {int(r.tasks)}" for r in ranked.itertuples()) + "."
    if overview.year.nunique() > 1:
        oldest = overview.sort_values("year").iloc[0]
        others = overview[overview.region != oldest.region].year
        gap = f"{others.min() - oldest.year}" if others.min() == others.max() else \
            f"{others.min() - oldest.year} to {others.max() - oldest.year}"
        text += f" The oldest, {oldest.region_en} ({oldest.year}), is {gap} years older than the others."
    return text


def composition_reading(kinds: pd.DataFrame, documents: pd.DataFrame) -> str:
    """Which kind of unit holds the most characters in each document."""
    share = kinds.assign(share=kinds.chars / kinds.groupby("region").chars.transform("sum"))
    top = share.sort_values(["share", "kind"], ascending=[False, True]).groupby("region").head(1).set_index("region")
    order = [r for r in region_order(documents) if r in top.index]
    by_task = [r for r in order if top.loc[r, "kind"] == "task"]
    listed = ", ".join(f"{_name(documents, r)} {_pct(top.loc[r, 'share'])}" for r in by_task)
    text = f"Tasks hold the most characters in {len(by_task)} of {len(order)} documents ({listed})."
    for r in order:
        if r not in by_task:
            task = share[(share.region == r) & (share.kind == "task")].share
            text += (f" In {_name(documents, r)} it is {value_label('kind', top.loc[r, 'kind'])} "
                     f"({_pct(top.loc[r, 'share'])}; tasks {_pct(task.iloc[0]) if len(task) else '0%'}).")
    return text


def quality_reading(quality: pd.DataFrame, documents: pd.DataFrame) -> str:
    total = int(quality.repairs.sum())
    most = quality.sort_values(["repairs", "region"], ascending=[False, True]).iloc[0]
    conf = {c: int(quality[f"repairs_{c}"].sum()) for c in ("high", "medium", "low")}
    text = (f"{total} repairs in all: {conf['high']} high, {conf['medium']} medium and {conf['low']} low confidence; "
            f"{_name(documents, most.region)} has {int(most.repairs)} of them ({_pct(most.repairs / total) if total else '0%'}).")
    missing = int(quality.tasks_without_agency.sum())
    text += " Every task names at least one agency." if missing == 0 else \
        f" {missing} tasks name no agency: {'; '.join(i for i in quality.task_ids_without_agency if i)}."
    return text


# --- 02 -------------------------------------------------------------------------------------
def topics_intro(topics: pd.DataFrame, overview: pd.DataFrame) -> str:
    small = overview.sort_values("tasks").iloc[0]
    return (f"Every task is coded onto one shared codebook of {len(topics)} topics (`data/taxonomy/topics.yml`). "
            f"Shares are of each region's tasks, so a long annex and a short document "
            f"({small.region_en}, {int(small.tasks)} tasks) can be compared.")


def leading_topics(coverage: pd.DataFrame, documents: pd.DataFrame) -> str:
    """Per region, its most-coded topic (ties named together), grouped by topic."""
    rows = []
    for region in region_order(documents):
        g = coverage[(coverage.region == region) & (coverage.tasks > 0)]
        if g.empty:
            continue
        best = g[g.share == g.share.max()]
        rows.append((region, "; ".join(best.label), float(best.share.iloc[0])))
    by_topic: dict[str, list[str]] = {}
    for region, label, share in rows:
        by_topic.setdefault(label, []).append(f"{_name(documents, region)} {_pct(share)}")
    return "\n".join(f"- **{label}** is the most-coded topic in {_names(rs)}." for label, rs in by_topic.items())


# --- 03 -------------------------------------------------------------------------------------
def targets_reading(comparable: pd.DataFrame, all_targets: pd.DataFrame, documents: pd.DataFrame,
                    metric_names: dict[str, str]) -> str:
    """Each compared measure with every region's values; then the measures only one region sets."""
    lines = []
    for m, g in comparable.groupby("metric_id", sort=False):
        per = []
        for region in region_order(documents):
            r = g[g.region == region]
            if len(r):
                values = ", ".join(_target_text(t) for t in r.sort_values("value").itertuples())
                per.append(f"{_name(documents, region)} {values}")
        lines.append(f"- **{metric_names.get(m, m)}:** {'; '.join(per)}.")
    t = all_targets[all_targets.metric_id.fillna("") != ""]
    single = t.groupby("metric_id").region.nunique()
    single = single[single == 1].index
    if len(single):
        lines.append("- Set by one region only, so not compared: " + "; ".join(
            f"{metric_names.get(m, m)} ({_name(documents, t[t.metric_id == m].region.iloc[0])})"
            for m in sorted(single)) + ".")
    return "\n".join(lines)


def _target_text(t) -> str:
    sign = {"ge": "≥", "le": "≤", "approx": "≈"}.get(t.comparator, "")
    value = f"{t.value:g}–{t.value_max:g}" if t.comparator == "range" and pd.notna(t.value_max) else f"{t.value:g}"
    when = f" by {t.deadline}" if isinstance(t.deadline, str) and t.deadline else ""
    return f"{sign}{value}{t.unit or ''}{when}"


# --- 04 -------------------------------------------------------------------------------------
def lead_reading(leads: pd.DataFrame, documents: pd.DataFrame) -> str:
    lead = leads[leads.role == "lead"]
    topics = lead.groupby("function_label").topic.nunique().sort_values(ascending=False)
    n_topics = leads.topic.nunique()
    top = ", ".join(f"{f} in {n}" for f, n in topics.head(3).items())
    text = f"Topics in which each function leads at least one task (of {n_topics} topics with assignments): {top}."
    joint = leads.groupby("region").apply(lambda g: g[g.role == "joint"].assignments.sum() / g.assignments.sum(),
                                          include_groups=False)
    all_joint = [r for r in region_order(documents) if r in joint.index and joint[r] >= 0.9]
    if all_joint:
        one = len(all_joint) == 1
        text += " " + _names([f"{_name(documents, r)} ({_pct(joint[r])} of assignments joint)" for r in all_joint]) + \
            (" assigns its tasks jointly, so it contributes" if one else " assign their tasks jointly, so they contribute") + \
            " few lead assignments here."
    return text


def role_reading(shares: pd.DataFrame, documents: pd.DataFrame, function_labels: dict[str, str]) -> str:
    lines = []
    for region in region_order(documents):
        parts = []
        for f in ("healthcare_security", "health"):
            g = shares[(shares.region == region) & (shares.function == f)]
            if g.empty:
                continue
            total = int(g.assignments.sum())
            roles = ", ".join(f"{_VERBS.get(r.role, r.role)} {int(r.assignments)} ({_pct(r.share)})"
                              for r in g.sort_values(["assignments", "role"], ascending=[False, True]).itertuples())
            parts.append(f"the {function_labels.get(f, f)} {roles} of its {total} assignments")
        if parts:
            lines.append(f"- **{_name(documents, region)}:** " + "; ".join(parts) + ".")
    return "\n".join(lines)


# --- 05 -------------------------------------------------------------------------------------
def timeline_reading(timeline: pd.DataFrame, documents: pd.DataFrame) -> str:
    lines = []
    for region in region_order(documents):
        g = timeline[timeline.region == region]
        if g.empty:
            lines.append(f"- **{_name(documents, region)}:** no explicit deadline.")
            continue
        same = (g.date.dt.year == g.year).sum()
        lines.append(f"- **{_name(documents, region)} ({int(g.year.iloc[0])}):** {len(g)} deadlines, {int(same)} "
                     f"({_pct(same / len(g))}) in the document's own year; the latest {g.date.max():%Y-%m-%d}.")
    return "\n".join(lines)
