"""Notebook 06's tables on the real documents (expected values read off data/raw), and bad input."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from analysis.comparison import compare, figures, wording
from analysis.errors import SourceError

# The two sentences Yancheng and Qinghai share beyond the political formulas. Yancheng prints each
# twice (body paragraph and annex row): body(一) and row 2, body(六) and row 22.
LEADS_YANCHENG = "主要负责同志担任医改领导小组双组长,由一位政府负责同志统一分管医疗、医保、医药工作"
LEADS_QINGHAI = "主要负责同志担任医改领导小组组长，由一位政府负责同志分管医疗、医保、医药工作"
DRUG_USE = "把合理用药、规范诊疗情况作为医疗机构信息公开重要内容"
PUBLICITY = "进一步加强对医改典型经验的挖掘、总结、提炼"          # Tibet and Qinghai, with the comma before it
PREAMBLE_YANCHENG = "以习近平新时代中国特色社会主义思想为指导,全面贯彻党的十九大和十九届历次全会精神,"
PREAMBLE_QINGHAI = "以习近平新时代中国特色社会主义思想为指导，全面贯彻落实党的十九大和十九届历次全会精神，"
REGIONS = ["yancheng", "tibet", "qinghai", "shaoxing", "wuhu"]


@pytest.fixture(scope="module")
def matrix(t, raw_text):
    return wording.reuse_matrix(t["shared_passages"], t["documents"], texts=raw_text).set_index(
        ["region", "other_region"])


def test_the_shared_sentences_are_in_the_raw_texts(raw_text):
    y, q, tb = raw_text["yancheng"], raw_text["qinghai"], raw_text["tibet"]
    assert y.count(LEADS_YANCHENG) == 2 and y.count(DRUG_USE) == 2
    assert q.count(LEADS_QINGHAI) == 1 and q.count(DRUG_USE) == 1
    assert "," + PUBLICITY in tb and "，" + PUBLICITY in q
    assert PREAMBLE_YANCHENG in y and PREAMBLE_QINGHAI in q


def test_yancheng_qinghai_cell(matrix, raw_text):
    yq, qy = matrix.loc[("yancheng", "qinghai")], matrix.loc[("qinghai", "yancheng")]
    assert yq.chars == 2 * (len(LEADS_YANCHENG) + len(DRUG_USE)) == 134
    # Qinghai's side of both Yancheng copies is the same span: counted once
    assert qy.chars == len(LEADS_QINGHAI) + len(DRUG_USE) == 64
    assert yq.passages == qy.passages == 4 and yq.passage_ids == qy.passage_ids == "p2, p3, p4, p5"
    assert yq.region_chars == len("".join(raw_text["yancheng"].split())) == 16866
    assert yq.share == pytest.approx(134 / 16866)


def test_only_qinghai_shares_wording_and_both_directions_are_filled(matrix):
    nonzero = set(matrix[matrix.chars > 0].index)
    assert nonzero == {("yancheng", "qinghai"), ("qinghai", "yancheng"), ("tibet", "qinghai"), ("qinghai", "tibet")}
    assert matrix.loc[("tibet", "qinghai")].chars == matrix.loc[("qinghai", "tibet")].chars == 1 + len(PUBLICITY)
    assert matrix.loc[("tibet", "qinghai")].passage_ids == "p6"
    assert len(matrix) == 20 and not any(a == b for a, b in matrix.index)


def test_boilerplate_is_left_out_unless_asked_for(t, raw_text):
    m = wording.reuse_matrix(t["shared_passages"], t["documents"], include_boilerplate=True,
                             texts=raw_text).set_index(["region", "other_region"])
    assert m.loc[("yancheng", "qinghai")].chars == 134 + len(PREAMBLE_YANCHENG) == 175
    assert m.loc[("qinghai", "yancheng")].chars == 64 + len(PREAMBLE_QINGHAI) == 107
    assert m.loc[("yancheng", "qinghai")].passage_ids == "p1, p2, p3, p4, p5"
    assert m.loc[("tibet", "qinghai")].chars == 22


def test_grid_is_region_by_region_in_document_order(t, raw_text):
    m = wording.reuse_matrix(t["shared_passages"], t["documents"], texts=raw_text)
    labels = compare.region_labels(t["documents"])
    g = wording.grid(m, "chars", labels)
    assert list(g.index) == list(g.columns) == [labels[r] for r in REGIONS]
    assert g.loc[labels["yancheng"], labels["qinghai"]] == 134 and g.loc[labels["wuhu"], labels["wuhu"]] == "—"
    assert wording.grid(m, "share").loc["qinghai", "yancheng"] == f"{64 / 5954:.2%}" == "1.07%"


def test_no_shared_passages_gives_an_empty_matrix_with_every_region(t, raw_text):
    m = wording.reuse_matrix(t["shared_passages"].iloc[0:0], t["documents"], texts=raw_text)
    assert len(m) == 20 and set(m.region) == set(m.other_region) == set(REGIONS)
    assert (m.chars == 0).all() and (m.passages == 0).all() and (m.passage_ids == "").all()
    assert wording.grid(m).shape == (5, 5)
    assert "No shared passages" in wording.side_by_side(t["shared_passages"].iloc[0:0], raw_text)


def test_side_by_side_shows_both_texts_with_the_edits_marked(t, raw_text):
    page = wording.side_by_side(t["shared_passages"], raw_text, n=10)
    blocks = page.split("<b>")[1:]
    assert [b.split("<", 1)[0] for b in blocks] == ["p1", "p2", "p4", "p3", "p5", "p6"]  # longest first
    p1, p2, p4 = blocks[0], blocks[1], blocks[2]
    assert "boilerplate" in p1 and "yancheng:preamble-1" in p1 and "qinghai:preamble-1" in p1
    assert re.search(r"全面贯彻<ins[^>]*>落实</ins>党的十九大", p1)          # Qinghai's inserted 落实
    assert "<del" not in p1
    assert re.search(r"领导小组<del[^>]*>双</del>组长", p2) and re.search(r"<del[^>]*>统一</del>分管", p2)
    assert "same wording as p2" in p4 and "yancheng:2" in p4 and "yancheng:body(一)" in p2
    plain = re.sub(r"<[^>]+>", "", page)
    for text in (LEADS_YANCHENG, LEADS_QINGHAI, DRUG_USE, PREAMBLE_YANCHENG, PREAMBLE_QINGHAI):
        assert text in plain
    assert "认真落实习近平总书记" in plain  # context after Yancheng's preamble passage
    assert not re.search(r"<(script|link|img)\b|src=|href=", page)


def test_side_by_side_without_boilerplate_and_n(t, raw_text):
    page = wording.side_by_side(t["shared_passages"], raw_text, n=2, include_boilerplate=False)
    assert [b.split("<", 1)[0] for b in page.split("<b>")[1:]] == ["p2", "p4"]


def test_side_by_side_escapes_text_and_refuses_a_stale_table():
    texts = {"x": "前言<b>甲乙丙丁</b>后记", "y": "开头<b>甲乙丙丁</b>结尾"}
    sp = pd.DataFrame([{"passage_id": "p1", "doc_a": "x-1", "region_a": "x", "a_start": 2, "a_end": 13,
                        "doc_b": "y-1", "region_b": "y", "b_start": 2, "b_end": 13, "length": 11, "similarity": 1.0,
                        "longest_exact": 11, "category": "substantive", "boilerplate": False, "units_a": "x:1",
                        "units_b": "y:1", "text_a": "<b>甲乙丙丁</b>", "text_b": "<b>甲乙丙丁</b>"}])
    page = wording.side_by_side(sp, texts)
    assert "&lt;b&gt;甲乙丙丁&lt;/b&gt;" in page and "<b>甲乙丙丁" not in page
    with pytest.raises(SourceError, match="p1 does not match the raw text"):
        wording.side_by_side(sp, {**texts, "y": "开头<b>戊己庚辛</b>结尾"})


def test_closest_tasks_for_payment_reform(t):
    c = wording.closest_tasks(t["task_similarity"], t["task_topics"], t["units"], "payment_reform",
                              documents=t["documents"])
    assert c.role.tolist() == ["anchor", "closest", "closest", "closest", "closest"]
    anchor = c.iloc[0]
    # (十六) 持续深化医保支付方式改革 … DRG/DIP付费医保基金支出 … 不低于30%
    assert (anchor.unit_id, anchor.region) == ("qinghai:(十六)", "qinghai") and "DRG/DIP" in anchor.text
    rows = c[c.role == "closest"]
    assert rows.region.tolist() == ["yancheng", "tibet", "shaoxing", "wuhu"]  # one per other region, in order
    units = t["units"].set_index("unit_id")
    for r in rows.itertuples():
        assert units.loc[r.unit_id, "region"] == r.region and units.loc[r.unit_id, "kind"] == "task"
        assert r.anchor == "qinghai:(十六)" and 0 < r.score <= 1
    got = rows.set_index("region")
    assert got.loc["yancheng", "unit_id"] == "yancheng:12" and got.loc["yancheng", "score"] == pytest.approx(0.289)
    assert got.loc["shaoxing", "unit_id"] == "shaoxing:(四)3.(2)" and got.loc["shaoxing", "same_topic"]
    # Tibet's nearest is its Tibetan-medicine task (探索符合藏医药特点的医保支付方式); Wuhu has no payment task
    assert got.loc["tibet", "unit_id"] == "tibet:15" and got.loc["tibet", "topic"] == "tcm"
    assert not got.loc["wuhu", "same_topic"]
    assert c.text.str.len().max() <= 90


def test_closest_tasks_with_a_chosen_anchor(t):
    c = wording.closest_tasks(t["task_similarity"], t["task_topics"], t["units"], "payment_reform",
                              anchor="tibet:18", documents=t["documents"])
    assert c.unit_id.iloc[0] == "tibet:18" and c.region.tolist() == ["tibet", "yancheng", "qinghai", "shaoxing", "wuhu"]
    with pytest.raises(ValueError, match="not a task with the primary topic"):
        wording.closest_tasks(t["task_similarity"], t["task_topics"], t["units"], "payment_reform", anchor="wuhu:1")


def test_topic_pairs_are_cross_region_within_the_topic(t):
    p = wording.topic_pairs(t["task_similarity"], t["task_topics"], t["units"], "payment_reform")
    tt = t["task_topics"]
    payment = set(tt[tt.is_primary & (tt.topic == "payment_reform")].unit_id)
    assert set(p.unit_id) | set(p.other_unit_id) <= payment
    assert (p.region != p.other_region).all() and p.score.is_monotonic_decreasing
    assert not p.duplicated(["unit_id", "other_unit_id"]).any()
    assert not (set(zip(p.unit_id, p.other_unit_id)) & set(zip(p.other_unit_id, p.unit_id)))
    assert (p.iloc[0].unit_id, p.iloc[0].other_unit_id) == ("yancheng:12", "qinghai:(十六)")


@pytest.mark.parametrize("topic", ["drg", "", "Payment_Reform"])
def test_unknown_topic_is_a_one_line_error(t, topic):
    with pytest.raises(ValueError, match=f"unknown topic code '{topic}'") as e:
        wording.closest_tasks(t["task_similarity"], t["task_topics"], t["units"], topic)
    assert "\n" not in str(e.value) and "payment_reform" in str(e.value)
    with pytest.raises(ValueError, match="unknown topic code"):
        wording.topic_pairs(t["task_similarity"], t["task_topics"], t["units"], topic)


def test_a_topic_without_tasks_is_a_clear_error(t):
    tt = t["task_topics"][t["task_topics"].topic != "elderly_care"]
    with pytest.raises(ValueError, match="no task has the primary topic 'elderly_care'"):
        wording.closest_tasks(t["task_similarity"], tt, t["units"], "elderly_care")


def test_raw_texts_checks_the_build_hash(t, tmp_path):
    docs = t["documents"].copy()
    texts = wording.raw_texts(docs)
    assert len(texts["yancheng"]) == docs.set_index("region").loc["yancheng", "n_chars"]
    changed = tmp_path / "data" / "raw"
    changed.mkdir(parents=True)
    for d in docs.itertuples():
        (tmp_path / d.raw_path).write_text(texts[d.region] + ("。" if d.region == "wuhu" else ""), encoding="utf-8")
    with pytest.raises(SourceError, match="wuhu-2021.txt: changed since the tables were built"):
        wording.raw_texts(docs, root=tmp_path)
    (tmp_path / docs.raw_path.iloc[0]).unlink()
    with pytest.raises(SourceError, match="cannot read the raw document"):
        wording.raw_texts(docs, root=tmp_path)


def test_reuse_heatmap_hover_names_the_passages(t, raw_text):
    m = wording.reuse_matrix(t["shared_passages"], t["documents"], texts=raw_text)
    labels = compare.region_labels(t["documents"])
    fig = figures.reuse_heatmap(m, labels)
    hm = fig.data[0]
    assert list(hm.x) == list(hm.y) == [labels[r] for r in REGIONS]
    assert hm.z[0][0] is None and hm.text[0][2] == "134"
    assert "4 shared passages" in hm.hovertext[0][2] and "p2, p3, p4, p5" in hm.hovertext[0][2]
    assert "Shared wording" in fig.layout.title.text and "共用措辞" in fig.layout.title.text
