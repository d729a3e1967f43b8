"""Plotly figures for the notebooks and briefings, drawn from the DataFrames of analysis.comparison.compare.

Labels are bilingual (Chinese, then English); hover text names the unit ids behind each mark so a
reader can trace any number to its task and source sentence.
"""

from __future__ import annotations

import textwrap

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from analysis.comparison.palette import palette, region_colours, value_label
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
    """Kind × region heatmap: the share of each document's characters in each kind of unit (any
    number of kinds stays readable; a stacked bar of 17 kinds needs 17 colours nobody can tell apart)."""
    regions = [r for r in labels if r in set(data.region)]
    totals = data.groupby("region").chars.sum()
    order = data.groupby("kind").chars.sum().sort_values(ascending=False).index.tolist()
    cells = data.set_index(["kind", "region"])
    z, text, hover = [], [], []
    for k in order:
        zr, tr, hr = [], [], []
        for r in regions:
            if (k, r) in cells.index:
                c = cells.loc[(k, r)]
                share = c.chars / totals[r]
                zr.append(share * 100)
                tr.append(f"{share:.0%}" if share >= 0.005 else "<1%")
                hr.append(f"{labels[r]}<br>{value_label('kind', k)}: {int(c.units)} units, {int(c.chars):,} characters "
                          f"({share:.1%} of the document)")
            else:
                zr.append(None); tr.append(""); hr.append(f"{labels[r]}<br>{value_label('kind', k)}: none")
        z.append(zr); text.append(tr); hover.append(hr)
    fig = go.Figure(go.Heatmap(z=z, x=[labels[r] for r in regions], y=[value_label("kind", k) for k in order],
                               text=text, texttemplate="%{text}", hovertext=hover, hoverinfo="text",
                               colorscale="Greens", zmin=0, colorbar=dict(title="% of the<br>document's<br>characters")))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(side="top")
    return _style(fig, "文件构成 What each document is made of: share of its characters by unit kind",
                  140 + 30 * len(order))


def repairs(data: pd.DataFrame, labels: dict[str, str]) -> go.Figure:
    long = data.melt(id_vars="region", value_vars=["repairs_high", "repairs_medium", "repairs_low"],
                     var_name="confidence", value_name="n")
    long["confidence"] = long.confidence.str.replace("repairs_", "")
    long["region_label"] = long.region.map(labels)
    colours = {"high": "#2b8a3e", "medium": "#f08c00", "low": "#c92a2a"}
    fig = go.Figure([go.Bar(x=g.region_label, y=g.n, name=value_label("confidence", c), marker_color=colours[c],
                            hovertemplate=f"%{{x}}<br>{value_label('confidence', c)}: %{{y}} repairs<extra></extra>")
                     for c, g in long.groupby("confidence", sort=False)])
    fig.update_layout(barmode="stack", legend_title_text="可信度 confidence", yaxis_title="修复数 repairs")
    fig.update_xaxes(categoryorder="array", categoryarray=list(labels.values()))
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
    """One panel per shared metric, its unit in the title; only the regions that set it; each point
    labelled with its value and deadline, hover with its source sentence. Colour: the region's."""
    from plotly.subplots import make_subplots

    metrics = list(dict.fromkeys(data.metric_id))
    colours = region_colours(labels)
    titles = []
    for m in metrics:
        d = data[data.metric_id == m]
        units = "、".join(dict.fromkeys(u for u in d.unit if u)) or "—"
        titles.append(_wrap(f"{d.metric_zh.iloc[0]} {d.metric_en.iloc[0]} (单位 unit: {units})", 70))
    heights = [max(1, data[data.metric_id == m].region.nunique()) for m in metrics]
    fig = make_subplots(rows=len(metrics), cols=1, subplot_titles=titles, row_heights=heights,
                        vertical_spacing=min(0.5 / max(1, len(metrics)), 0.12))
    shown = set()
    for i, m in enumerate(metrics, 1):
        d = data[data.metric_id == m].copy()
        d["region_label"] = d.region.map(labels)
        for region, g in d.groupby("region", sort=False):
            g = g.sort_values("value")
            text = [f"{_value_text(r)} · {_deadline_short(r)}" for r in g.itertuples()]
            # neighbours alternate above and below, so close values keep readable labels
            where = ["top center" if n % 2 == 0 else "bottom center" for n in range(len(g))]
            hover = [f"{labels[region]} · {r.unit_id}<br>{r.span} ({_deadline_text(r)})<br>{_wrap(r.source_sentence, 50)}"
                     f"<br><i>click: the sentence in its document</i>" for r in g.itertuples()]
            fig.add_trace(go.Scatter(x=g.value, y=g.region_label, mode="markers+text", text=text,
                                     customdata=unit_links(g),
                                     textposition=where, textfont=dict(size=10), hovertext=hover,
                                     hovertemplate="%{hovertext}<extra></extra>", name=labels[region],
                                     legendgroup=region, showlegend=region not in shown,
                                     marker=dict(size=11, color=colours[region], opacity=0.85)), row=i, col=1)
            shown.add(region)
        order = [labels[r] for r in labels if r in set(d.region)]
        fig.update_yaxes(categoryorder="array", categoryarray=order, range=[-0.8, len(order) - 0.2], row=i, col=1)
        lo, hi = float(d.value.min()), float(d.value.max())
        pad = max((hi - lo) * 0.15, abs(hi) * 0.1, 1)
        fig.update_xaxes(range=[min(0, lo - pad), hi + pad], row=i, col=1)
    fig.update_annotations(font_size=12, xanchor="left", x=0)
    out = _style(fig, "可比目标 Comparable targets: one panel per measure, only the regions that set it",
                 150 + 80 * sum(heights) + 70 * len(metrics))
    out.update_layout(showlegend=False, margin_t=90)  # each panel names its regions on its axis
    return out


def unit_links(rows: pd.DataFrame) -> list[list[str]]:
    """customdata of marks that stand for one unit: ["unit", unit_id, doc_id]; a briefing's script
    opens the unit's place on its document's source page when the mark is clicked."""
    return [["unit", u, d] for u, d in zip(rows.unit_id, rows.doc_id)]


def _value_text(r) -> str:
    sign = value_label("comparator", r.comparator)
    value = f"{r.value:g}" + (f"–{r.value_max:g}" if r.comparator == "range" and pd.notna(r.value_max) else "")
    return f"{sign if r.comparator not in ('eq', 'range') else ''}{value}{r.unit or ''}"


def _deadline_short(r) -> str:
    if not (isinstance(r.deadline, str) and r.deadline):
        return "no date"
    return r.deadline[:4] if r.deadline.endswith("-12-31") else r.deadline[:7]


def _deadline_text(r) -> str:
    return f"by {r.deadline}" if isinstance(r.deadline, str) and r.deadline else "no deadline in the sentence"


def _region_name(region: str) -> str:
    return region.capitalize()


def lead_matrix(data: pd.DataFrame) -> go.Figure:
    """Lead assignments, agency function × primary topic, summed over regions (hover: per region)."""
    lead = data[data.role == "lead"]
    codes = [c for c in load_codebook().codes if c in set(lead.topic)]
    funcs = lead.groupby("function_label").assignments.sum().sort_values(ascending=False).index.tolist()
    total = lead.pivot_table(index="function_label", columns="topic", values="assignments", aggfunc="sum",
                             fill_value=0).reindex(index=funcs, columns=codes, fill_value=0)
    per_region = lead.groupby(["function_label", "topic"]).apply(
        lambda g: "<br>".join(f"{_region_name(r.region)}: {r.assignments} ({_wrap(r.unit_ids, 60)})"
                              for r in g.itertuples()),
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
    from plotly.subplots import make_subplots

    funcs = list(dict.fromkeys(data.function))
    fig = make_subplots(rows=1, cols=len(funcs), shared_yaxes=True,
                        subplot_titles=[function_labels.get(f, f) for f in funcs])
    colours = {"lead": "#1971c2", "joint": "#66a80f", "support": "#adb5bd"}
    for j, f in enumerate(funcs, 1):
        d = data[data.function == f]
        for role in ("lead", "joint", "support"):
            g = d[d.role == role].set_index("region").reindex([r for r in labels if r in set(d.region)])
            fig.add_trace(go.Bar(x=[labels[r] for r in g.index], y=g.share, text=g.assignments, name=value_label("role", role),
                                 marker_color=colours[role], legendgroup=role, showlegend=j == 1,
                                 hovertemplate=f"%{{x}}<br>{function_labels.get(f, f)}<br>{value_label('role', role)}: "
                                               f"%{{text}} assignments (%{{y:.0%}})<extra></extra>"), row=1, col=j)
    fig.update_layout(barmode="stack", legend_title_text="角色 role")
    fig.update_yaxes(tickformat=".0%", title_text="任务占比 share of assignments", col=1)
    return _style(fig, "牵头还是配合 Lead or support: health commission vs healthcare security bureau", 460)


def timeline(data: pd.DataFrame, documents: pd.DataFrame, labels: dict[str, str]) -> go.Figure:
    d = data.assign(region_label=data.region.map(labels))
    d["hover"] = [f"{r.unit_id}: {r.raw} → {r.date:%Y-%m-%d} ({r.precision})<br>{r.topic_label}"
                  f"<br><i>click: the deadline in its document</i>" for r in d.itertuples()]
    topics = list(dict.fromkeys(d.sort_values("topic").topic_label))
    fig = px.strip(d, x="date", y="region_label", color="topic_label", hover_name="hover",
                   hover_data={"date": False, "region_label": False, "topic_label": False},
                   color_discrete_sequence=palette(len(topics)),
                   category_orders={"topic_label": topics, "region_label": list(labels.values())},
                   labels={"date": "截止日期 deadline", "region_label": "", "topic_label": "主题 topic"})
    fig.update_traces(marker=dict(size=10, opacity=0.8), jitter=0.5, hovertemplate="%{hovertext}<extra></extra>")
    for trace in fig.data:  # px keeps each colour's rows in data order
        trace.customdata = unit_links(d[d.topic_label == trace.name])
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
