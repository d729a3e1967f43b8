"""Qinghai 2022: tasks (一)–(二十四), agencies inline, 按职责分工负责 is joint."""

from conftest import agencies_of, deadlines_of, targets_of


def test_single_government_lead(t):
    # "(各市州政府负责)"
    assert agencies_of(t, "qinghai:(一)") == {("各市州政府", "lead")}


def test_division_of_duties_is_joint(t):
    # "(省医保局、青海银保监局，各市州政府按职责分工负责)"
    assert agencies_of(t, "qinghai:(十五)") == {
        ("省医保局", "joint"), ("青海银保监局", "joint"), ("各市州政府", "joint")}


def test_full_names_canonicalised(t):
    ag = agencies_of(t, "qinghai:(四)")
    assert ("省人社厅", "joint") in ag and ("省发改委", "joint") in ag and ("省委编办", "joint") in ag


def test_three_shares_in_one_list(t):
    # "三、二、一级及以下医疗机构基本药物使用金额占比不低于25%、47%、50%"
    rows = targets_of(t, "qinghai:(二十)")
    assert [(r.value, r.comparator) for r in rows.itertuples()] == [(25.0, "ge"), (47.0, "ge"), (50.0, "ge")]


def test_drg_dip_share_target(t):
    row = targets_of(t, "qinghai:(十六)").iloc[0]
    assert (row.value, row.comparator, row.metric_id) == (30.0, "ge", "drg_dip_spending_share")


def test_pilot_hospital_counts_are_scope_not_targets(t):
    # "在5所省级医院 (…)、5所市(州)级医院(…)和3所县级医院(…)开展…试点"
    assert targets_of(t, "qinghai:(七)").empty


def test_this_year_deadlines(t):
    assert deadlines_of(t, "qinghai:(二)") == {("年底", "2022-12-31")}
    assert deadlines_of(t, "qinghai:(十七)") == {("年内", "2022-12-31")}


def test_task_broken_across_lines(t):
    units = t["units"].set_index("unit_id")
    assert units.loc["qinghai:(九)", "line_end"] == units.loc["qinghai:(九)", "line_start"] + 1
    assert "\n" not in units.loc["qinghai:(九)", "text_clean"]
