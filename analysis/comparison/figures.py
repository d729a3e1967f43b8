"""Plotly figures for the notebooks and briefings, drawn from the DataFrames of analysis.comparison.compare.

Labels are bilingual (Chinese, then English); hover text names the unit ids behind each mark so a
reader can trace any number to its task and source sentence.
"""

from __future__ import annotations

import textwrap

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from analysis.topics.codebook import load_codebook

FONT = "Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
TEMPLATE = "plotly_white"


def _style(fig: go.Figure, title: str, height: int = 500) -> go.Figure:
    fig.update_layout(title=title, template=TEMPLATE, font_family=FONT, height=height,
                      margin=dict(l=10, r=10, t=70, b=10), hoverlabel=dict(font_family=FONT))
    return fig


def _wrap(text: str, width: int = 40) -> str:
    return "<br>".join(textwrap.wrap(str(text), width)) if text else ""


def units_by_kind(data: pd.DataFrame, labels: dict[str, str]) -> go.Figure:
    d = data.assign(region_label=data.region.map(labels))
    fig = px.bar(d, y="region_label", x="chars", color="kind", orientation="h",
                 hover_data={"units": True, "chars": True, "region_label": False},
                 labels={"chars": "字符数 characters", "region_label": "", "kind": "单元类型 unit kind"})
    return _style(fig, "文件构成 What each document is made of (characters by unit kind)", 420)


def repairs(data: pd.DataFrame, labels: dict[str, str]) -> go.Figure:
    long = data.melt(id_vars="region", value_vars=["repairs_high", "repairs_medium", "repairs_low"],
                     var_name="confidence", value_name="n")
    long["confidence"] = long.confidence.str.replace("repairs_", "")
    long["region_label"] = long.region.map(labels)
    fig = px.bar(long, x="region_label", y="n", color="confidence", barmode="stack",
                 category_orders={"region_label": list(labels.values())},
                 labels={"n": "修复数 repairs", "region_label": "", "confidence": "可信度 confidence"})
    return _style(fig, "抓取损坏修复 Scrape repairs by confidence", 400)


def topic_heatmap(coverage: pd.DataFrame, labels: dict[str, str]) -> go.Figure:
    codes = load_codebook().codes
    regions = list(dict.fromkeys(coverage.region))
    share = coverage.pivot(index="topic", columns="region", values="share").reindex(index=codes, columns=regions)
    count = coverage.pivot(index="topic", columns="region", values="tasks").reindex(index=codes, columns=regions)
    ids = coverage.pivot(index="topic", columns="region", values="unit_ids").reindex(index=codes, columns=regions)
    names = coverage.drop_duplicates("topic").set_index("topic")["label"].reindex(codes)
    hover = [[f"{names[t]}<br>{labels[r]}<br>{count.loc[t, r]} tasks ({share.loc[t, r]:.0%})<br>{_wrap(ids.loc[t, r], 60)}"
              for r in regions] for t in codes]
    fig = go.Figure(go.Heatmap(z=share.values * 100, x=[labels[r] for r in regions], y=list(names),
                               text=count.values, texttemplate="%{text}", hovertext=hover, hoverinfo="text",
                               colorscale="Blues", colorbar=dict(title="% of tasks")))
    fig.update_yaxes(autorange="reversed")
    return _style(fig, "主题覆盖 Topic coverage: tasks per primary topic (colour: share of the region's tasks)", 760)


def targets(data: pd.DataFrame, labels: dict[str, str]) -> go.Figure:
    """One panel per shared metric; each dot a target, hover with its source sentence."""
    d = data.copy()
    d["metric_label"] = d.metric_zh + " " + d.metric_en.str.slice(0, 40)
    d["region_label"] = d.region.map(labels)
    d["hover"] = [f"{r.unit_id}: {r.span} ({r.comparator}{', by ' + r.deadline if r.deadline else ''})<br>"
                  f"{_wrap(r.source_sentence, 50)}" for r in d.itertuples()]
    fig = px.scatter(d, x="value", y="region_label", color="region_label", facet_row="metric_label",
                     hover_name="hover", hover_data={"value": False, "region_label": False, "metric_label": False},
                     labels={"value": "目标值 target value (unit as printed)", "region_label": ""})
    fig.update_xaxes(matches=None, showticklabels=True)
    fig.update_yaxes(matches=None)
    fig.for_each_annotation(lambda a: a.update(text=a.text.split("=", 1)[-1], textangle=0, x=0.01, xanchor="left",
                                               yanchor="bottom"))
    fig.update_traces(marker=dict(size=11, opacity=0.8), hovertemplate="%{hovertext}<extra></extra>")
    fig.update_layout(showlegend=False)
    return _style(fig, "可比目标 Comparable targets side by side", 170 * d.metric_id.nunique() + 120)


def lead_matrix(data: pd.DataFrame) -> go.Figure:
    """Lead assignments, agency function × primary topic, summed over regions (hover: per region)."""
    lead = data[data.role == "lead"]
    codes = [c for c in load_codebook().codes if c in set(lead.topic)]
    funcs = lead.groupby("function_label").assignments.sum().sort_values(ascending=False).index.tolist()
    total = lead.pivot_table(index="function_label", columns="topic", values="assignments", aggfunc="sum",
                             fill_value=0).reindex(index=funcs, columns=codes, fill_value=0)
    per_region = lead.groupby(["function_label", "topic"]).apply(
        lambda g: "<br>".join(f"{r.region}: {r.assignments} ({_wrap(r.unit_ids, 60)})" for r in g.itertuples()),
        include_groups=False)
    topic_labels = [load_codebook()[c].label for c in codes]
    hover = [[f"{f} leads {topic_labels[j]}<br>{per_region.get((f, c), '')}" for j, c in enumerate(codes)] for f in funcs]
    fig = go.Figure(go.Heatmap(z=total.values, x=topic_labels, y=funcs, text=total.values, texttemplate="%{text}",
                               hovertext=hover, hoverinfo="text", colorscale="Oranges",
                               colorbar=dict(title="lead tasks")))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(tickangle=45)
    return _style(fig, "谁牵头什么 Who leads what: lead agency function × primary topic (five regions)", 640)


def role_shares(data: pd.DataFrame, labels: dict[str, str], function_labels: dict[str, str]) -> go.Figure:
    d = data.assign(region_label=data.region.map(labels), function_label=data.function.map(function_labels))
    fig = px.bar(d, x="region_label", y="share", color="role", facet_col="function_label", barmode="stack",
                 text=d.assignments,
                 category_orders={"role": ["lead", "joint", "support"], "region_label": list(labels.values())},
                 labels={"share": "任务占比 share of assignments", "region_label": "", "role": "角色 role"})
    fig.for_each_annotation(lambda a: a.update(text=a.text.split("=", 1)[-1]))
    fig.update_yaxes(tickformat=".0%")
    return _style(fig, "牵头还是配合 Lead or support: health commission vs healthcare security bureau", 460)


def timeline(data: pd.DataFrame, documents: pd.DataFrame, labels: dict[str, str]) -> go.Figure:
    d = data.assign(region_label=data.region.map(labels))
    d["hover"] = [f"{r.unit_id}: {r.raw} → {r.date:%Y-%m-%d} ({r.precision})<br>{r.topic_label}"
                  for r in d.itertuples()]
    fig = px.strip(d, x="date", y="region_label", color="topic_label", hover_name="hover",
                   hover_data={"date": False, "region_label": False, "topic_label": False},
                   labels={"date": "截止日期 deadline", "region_label": "", "topic_label": "主题 topic"})
    fig.update_traces(marker=dict(size=10, opacity=0.8), jitter=0.5)
    issued = documents.assign(region_label=documents.region.map(labels),
                              date=pd.to_datetime(documents.year.astype(str) + "-01-01"))
    fig.add_trace(go.Scatter(x=issued.date, y=issued.region_label, mode="markers", name="发文年份 document year",
                             marker=dict(symbol="line-ns-open", size=26, color="black", line=dict(width=3)),
                             hovertemplate="%{y}: issued %{x|%Y}<extra></extra>"))
    return _style(fig, "时间线 Deadlines by region and topic (bar: year the document was issued)", 520)


def reuse_heatmap(matrix: pd.DataFrame, labels: dict[str, str]) -> go.Figure:
    """Shared wording, region × region (analysis.comparison.wording.reuse_matrix); hover: passages and their ids."""
    order = list(dict.fromkeys([*matrix.region, *matrix.other_region]))
    m = matrix.set_index(["region", "other_region"])
    z, text, hover = [], [], []
    for a in order:
        zr, tr, hr = [], [], []
        for b in order:
            if (a, b) not in m.index:
                zr.append(None); tr.append(""); hr.append(f"{labels[a]}<br>(the same document)")
                continue
            r = m.loc[(a, b)]
            zr.append(r.share * 100); tr.append(str(r.chars))
            hr.append(f"{labels[a]} ↔ {labels[b]}<br>{r.chars} characters of {labels[a]} ({r.share:.2%}) "
                      f"in {r.passages} shared passages<br>{_wrap(r.passage_ids, 60) or 'none'}")
        z.append(zr); text.append(tr); hover.append(hr)
    names = [labels[r] for r in order]
    fig = go.Figure(go.Heatmap(z=z, x=names, y=names, text=text, texttemplate="%{text}", hovertext=hover,
                               hoverinfo="text", colorscale="Purples", zmin=0,
                               colorbar=dict(title="% of the row's<br>characters")))
    fig.update_yaxes(autorange="reversed")
    return _style(fig, "共用措辞 Shared wording: characters of the row's text shared with the column's", 520)
