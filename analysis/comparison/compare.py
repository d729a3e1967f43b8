"""The cross-region comparisons the notebooks show, as plain DataFrames (tested; figures draw them).

Every row that carries a number keeps the unit ids it was counted from, so a briefing can trace
each figure back to its tasks and source sentences.
"""

from __future__ import annotations

import pandas as pd

from analysis.extraction import metrics
from analysis.topics.codebook import load_codebook, load_functions

REGION_ORDER = ["yancheng", "tibet", "qinghai", "shaoxing", "wuhu"]


def region_labels(documents: pd.DataFrame) -> dict[str, str]:
    """region slug -> '盐城 Yancheng 2022' (documents order)."""
    return {r.region: f"{r.region_zh} {r.region_en} {r.year}" for r in documents.itertuples()}


def regions(documents: pd.DataFrame) -> list[str]:
    known = [r for r in REGION_ORDER if r in set(documents.region)]
    return known + [r for r in documents.region if r not in known]


# --- overview -----------------------------------------------------------------------------
def overview(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per document: who issued it, level, year, size, tasks, agencies, targets, deadlines."""
    d, u = tables["documents"], tables["units"]
    count = lambda name: tables[name].groupby("region").size()  # noqa: E731
    out = d[["region", "region_zh", "region_en", "level", "year", "issuer", "issuer_en", "doc_number", "n_chars"]]
    out = out.set_index("region")
    out["tasks"] = u[u.kind == "task"].groupby("region").size()
    for name in ("agencies", "targets", "deadlines", "repairs"):
        out[name] = count(name)
    return out.fillna(0).reindex(regions(d)).reset_index()


def units_by_kind(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Characters of each region's text per unit kind (long form), the document's anatomy."""
    u = tables["units"].assign(chars=lambda x: x.char_end - x.char_start)
    return u.groupby(["region", "kind"], as_index=False).agg(units=("unit_id", "size"), chars=("chars", "sum"))


def data_quality(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Per region: repairs by confidence, and tasks naming no agency (with their ids)."""
    r, u, ta = tables["repairs"], tables["units"], tables["task_agencies"]
    rows = []
    for region in regions(tables["documents"]):
        reps = r[r.region == region]
        tasks = u[(u.region == region) & (u.kind == "task")].unit_id
        no_agency = sorted(set(tasks) - set(ta.unit_id))
        rows.append({"region": region, "repairs": len(reps),
                     **{f"repairs_{c}": int((reps.confidence == c).sum()) for c in ("high", "medium", "low")},
                     "tasks_without_agency": len(no_agency), "task_ids_without_agency": ", ".join(no_agency)})
    return pd.DataFrame(rows)


# --- topics -------------------------------------------------------------------------------
def topic_coverage(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Tasks per primary topic per region, with shares of the region's tasks and the task ids."""
    tt, u = tables["task_topics"], tables["units"]
    tasks = set(u.loc[u.kind == "task", "unit_id"])
    p = tt[tt.is_primary & tt.unit_id.isin(tasks)]
    cb = load_codebook()
    grid = pd.MultiIndex.from_product([regions(tables["documents"]), cb.codes], names=["region", "topic"])
    agg = p.groupby(["region", "topic"]).agg(tasks=("unit_id", "size"), unit_ids=("unit_id", ", ".join))
    out = agg.reindex(grid).reset_index()
    out["tasks"] = out["tasks"].fillna(0).astype(int)
    out["unit_ids"] = out["unit_ids"].fillna("")
    out["share"] = out["tasks"] / out.groupby("region")["tasks"].transform("sum")
    out["label"] = out["topic"].map(lambda c: cb[c].label)
    return out


def emphasis(coverage: pd.DataFrame, top: int = 3) -> pd.DataFrame:
    """Per region: its most-coded topics, and the topics it leaves out that others cover."""
    covered_elsewhere = set(coverage.loc[coverage.tasks > 0, "topic"])
    rows = []
    for region, g in coverage.groupby("region", sort=False):
        best = g[g.tasks > 0].sort_values(["share", "topic"], ascending=[False, True]).head(top)
        absent = g[(g.tasks == 0) & g.topic.isin(covered_elsewhere)]
        rows.append({"region": region,
                     "stresses": "; ".join(f"{r.label} {r.share:.0%}" for r in best.itertuples()),
                     "leaves_out": "; ".join(absent.label)})
    return pd.DataFrame(rows)


# --- targets ------------------------------------------------------------------------------
def comparable_targets(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Targets whose harmonised metric appears in two or more regions, with their source sentence."""
    t, u = tables["targets"], tables["units"].set_index("unit_id")
    t = t[t.metric_id.fillna("") != ""]
    shared = t.groupby("metric_id").region.nunique()
    t = t[t.metric_id.isin(shared[shared >= 2].index)].copy()
    names = {m["id"]: m for m in metrics.load()}
    t["metric_zh"] = t.metric_id.map(lambda m: names[m].get("zh", m))
    t["metric_en"] = t.metric_id.map(lambda m: names[m].get("en", m))
    t["source_sentence"] = [_sentence(u.loc[uid, "text_clean"], span) for uid, span in zip(t.unit_id, t.span)]
    cols = ["metric_id", "metric_zh", "metric_en", "region", "doc_id", "unit_id", "span", "value", "value_max", "unit",
            "comparator", "deadline", "baseline", "metric", "source_sentence", "char_start", "char_end"]
    return t[cols].sort_values(["metric_id", "region", "value"]).reset_index(drop=True)


def _sentence(text: str, span: str) -> str:
    """The sentence of `text` that holds `span` (the whole text if it cannot be found)."""
    pos = text.find(span)
    if pos < 0:
        return text
    start = max(text.rfind(c, 0, pos) for c in "。;;") + 1
    ends = [e for e in (text.find(c, pos) for c in "。;;") if e >= 0]
    return text[start:(min(ends) + 1 if ends else len(text))].strip()


# --- who leads what -----------------------------------------------------------------------
def lead_by_topic(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Agency assignments per region × function × primary topic × role, with the task ids."""
    ta, tt = tables["task_agencies"], tables["task_topics"]
    p = tt[tt.is_primary][["unit_id", "topic"]]
    m = ta.merge(p, on="unit_id", how="inner")
    functions = load_functions()["functions"]
    agg = m.groupby(["region", "function", "topic", "role"]).agg(
        assignments=("unit_id", "size"), unit_ids=("unit_id", lambda s: ", ".join(dict.fromkeys(s)))).reset_index()
    agg["function_label"] = agg.function.map(lambda f: f"{functions.get(f, {}).get('name_zh', f)} "
                                                       f"{functions.get(f, {}).get('name_en', '')}".strip())
    agg["topic_label"] = agg.topic.map(lambda c: load_codebook()[c].label)
    return agg


def role_shares(tables: dict[str, pd.DataFrame], functions: tuple[str, ...] = ("health", "healthcare_security")):
    """For chosen functions: share of each region's task assignments where they lead, support or share."""
    ta = tables["task_agencies"]
    ta = ta[ta.function.isin(functions)]
    g = ta.groupby(["region", "function", "role"]).size().rename("assignments").reset_index()
    g["share"] = g.assignments / g.groupby(["region", "function"]).assignments.transform("sum")
    return g


# --- timelines ----------------------------------------------------------------------------
def timeline(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Deadlines with the primary topic of their unit and the document's year."""
    d, tt, docs = tables["deadlines"], tables["task_topics"], tables["documents"]
    p = tt[tt.is_primary][["unit_id", "topic"]]
    m = d.merge(p, on="unit_id", how="left").merge(docs[["region", "year"]], on="region")
    m["date"] = pd.to_datetime(m["date"])
    m["topic"] = m["topic"].fillna("")
    cb = load_codebook()
    m["topic_label"] = m.topic.map(lambda c: cb[c].label if c in cb else "(phase or goal) 阶段/目标")
    m["years_after_issue"] = m["date"].dt.year - m["year"]
    return m.sort_values(["region", "date"]).reset_index(drop=True)
