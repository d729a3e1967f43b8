"""Computed readings follow the tables; figures keep one colour per region and name no raw field."""

from __future__ import annotations

import json

import pandas as pd
import plotly.express as px
import pytest

from analysis.comparison import compare, figures, readings
from analysis.comparison.palette import REGION_COLOURS, palette, region_colours, value_label
from analysis.extraction import metrics


# `t`: the session's tables of the five shipped documents (tests/conftest.py), never a stale data/processed/


def test_the_documents_reading_counts_levels_tasks_and_years(t):
    text = readings.documents_reading(compare.overview(t))
    assert text.startswith("2 provincial-level documents (Tibet and Qinghai) and 3 city documents "
                           "(Yancheng, Shaoxing and Wuhu).")
    assert "Shaoxing 103, Yancheng 103, Tibet 31, Qinghai 24, Wuhu 18" in text
    assert "The oldest, Shaoxing (2016), is 5 to 6 years older than the others." in text


def test_a_sixth_document_changes_the_reading(t):
    ov = compare.overview(t)
    sixth = ov.iloc[[0]].assign(region="guangdong", region_en="Guangdong", level="provincial", year=2024,
                                tasks=40)
    text = readings.documents_reading(pd.concat([ov, sixth], ignore_index=True))
    assert text.startswith("3 provincial-level documents (Tibet, Qinghai and Guangdong)")
    assert "is 5 to 8 years older" in text
    note = readings.written_for(list(t["documents"].doc_id), pd.concat(
        [t["documents"], t["documents"].iloc[[0]].assign(doc_id="guangdong-2024")]))
    assert note.endswith("*It does not cover guangdong-2024, built since.*")


def test_the_targets_reading_lists_each_measure_and_what_is_not_compared(t):
    names = {m["id"]: m.get("en", m["id"]) for m in metrics.load()}
    text = readings.targets_reading(compare.comparable_targets(t), t["targets"], t["documents"], names)
    # Qinghai (十六): 不低于30%; Yancheng 12: DRG付费医保基金支出占住院医保基金支出的60%
    assert "- **DRG/DIP share of inpatient insurance fund spending:** Yancheng 60%; Qinghai ≥30%." in text
    assert "Family-doctor contract fulfilment rate (Tibet)" in text and "Beds per 1,000 residents (Shaoxing)" in text


def test_the_role_and_timeline_readings_state_the_counts(t):
    shares = compare.role_shares(t)
    text = readings.role_reading(shares, t["documents"], {"health": "卫健委 Health", "healthcare_security": "医保 HS"})
    assert "- **Yancheng:** the 医保 HS supports 49 (75%), leads 16 (25%) of its 65 assignments" in text
    assert "- **Wuhu:** the 医保 HS supports 5 (100%) of its 5 assignments" in text
    tl = readings.timeline_reading(compare.timeline(t), t["documents"])
    assert "- **Qinghai (2022):** 2 deadlines, 2 (100%) in the document's own year; the latest 2022-12-31." in tl
    q = readings.quality_reading(compare.data_quality(t), t["documents"])
    assert q.endswith("Every task names at least one agency.")


def test_leading_topics_groups_regions_by_their_top_topic(t):
    # primary public_health: Yancheng 14 of 103 tasks, Tibet 9 of 31, Wuhu 5 of 18 (the topic model's codes)
    text = readings.leading_topics(compare.topic_coverage(t), t["documents"])
    assert text.splitlines()[0] == "- **公共卫生 Public health** is the most-coded topic in Yancheng 14%, Tibet 29% and Wuhu 28%."


def test_palettes_are_sized_to_their_categories_and_regions_keep_their_colour():
    assert len(set(palette(17))) == 17 and len(set(palette(26))) == 26 and palette(3) == px.colors.qualitative.T10[:3]
    a, b = region_colours(["wuhu", "qinghai"]), region_colours(["qinghai", "guangdong", "wuhu", "hainan"])
    assert a["wuhu"] == b["wuhu"] == REGION_COLOURS["wuhu"] and a["qinghai"] == b["qinghai"]
    assert len(set(b.values())) == 4
    assert value_label("kind", "body_task") == "正文任务 body task" and value_label("kind", "new_kind") == "new_kind"


def _fig_json(fig) -> str:
    return json.dumps(fig.to_plotly_json(), ensure_ascii=False, default=str)


def test_targets_have_a_panel_per_measure_with_only_its_regions_and_labelled_points(t):
    labels = compare.region_labels(t["documents"])
    data = compare.comparable_targets(t)
    fig = figures.targets(data, labels)
    titles = [a.text for a in fig.layout.annotations]
    assert len(titles) == data.metric_id.nunique() and all("单位 unit:" in x for x in titles)
    drg = [tr for tr in fig.data if tr.xaxis in ("x", None)]
    assert sorted(tr.name for tr in drg) == sorted([labels["yancheng"], labels["qinghai"]])
    qinghai = next(tr for tr in drg if tr.name == labels["qinghai"])
    assert list(qinghai.text) == ["≥30% · no date"] and qinghai.marker.color == REGION_COLOURS["qinghai"]
    # a click on the mark opens the sentence on its source page (pages.CLICK_TO_SOURCE)
    assert [list(c) for c in qinghai.customdata] == [["unit", "qinghai:(十六)", "qinghai-2022"]]
    tl = compare.timeline(t)
    marks = {tuple(c) for tr in figures.timeline(tl, t["documents"], labels).data if tr.customdata is not None
             for c in tr.customdata}
    assert marks == {("unit", u, d) for u, d in zip(tl.unit_id, tl.doc_id)}
    shares = compare.role_shares(t)
    for fig in (figures.targets(data, labels), figures.units_by_kind(compare.units_by_kind(t), labels),
                figures.repairs(compare.data_quality(t), labels), figures.lead_matrix(compare.lead_by_topic(t)),
                figures.role_shares(shares, labels, {f: f for f in shares.function.unique()}),
                figures.timeline(compare.timeline(t), t["documents"], labels),
                figures.topic_heatmap(compare.topic_coverage(t), labels)):
        text = _fig_json(fig)
        assert "=%{" not in text and "region_label=" not in text and "function_label=" not in text


def test_the_units_figure_is_a_share_per_kind_and_region(t):
    labels = compare.region_labels(t["documents"])
    fig = figures.units_by_kind(compare.units_by_kind(t), labels)
    hm = fig.data[0]
    assert len(hm.y) == t["units"].kind.nunique()
    col = list(hm.x).index(labels["tibet"])
    shares = [row[col] for row in hm.z if row[col] is not None]
    assert abs(sum(shares) - 100) < 1e-6
