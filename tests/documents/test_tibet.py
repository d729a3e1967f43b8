"""Tibet 2021: "(X负责, Y配合)" parentheses; follow-on paragraphs are tasks of their own."""

from conftest import agencies_of, deadlines_of, targets_of


def test_lead_and_support_with_shared_prefix(t):
    # "(自治区卫生健康委负责,区党委组织部、编办,各市地人民政府配合)"
    assert agencies_of(t, "tibet:1") == {
        ("自治区卫生健康委", "lead"), ("自治区党委组织部", "support"), ("自治区编办", "support"),
        ("各市地人民政府", "support")}


def test_separately_responsible_is_joint(t):
    # "(自治区教育厅、人社厅、卫生健康委、各市地人民政府分别负责)"
    assert agencies_of(t, "tibet:16") == {
        ("自治区教育厅", "joint"), ("自治区人社厅", "joint"), ("自治区卫生健康委", "joint"),
        ("各市地人民政府", "joint")}


def test_follow_on_paragraph_is_its_own_task(t):
    # "推进儿童青少年近视防控和体质监测,防控超重肥胖。(自治区教育厅负责,自治区卫生健康委,各市地人民政府配合)"
    units = t["units"].set_index("unit_id")
    assert units.loc["tibet:4+2", "parent_id"] == "tibet:4"
    assert agencies_of(t, "tibet:4+2") == {
        ("自治区教育厅", "lead"), ("自治区卫生健康委", "support"), ("各市地人民政府", "support")}


def test_lhasa_government_leads_task_6(t):
    assert ("拉萨市人民政府", "lead") in agencies_of(t, "tibet:6")


def test_targets_essential_medicines(t):
    # "基本药物使用率50%以上 … 85%以上 … 90%以上"
    rows = targets_of(t, "tibet:20")
    assert [(r.value, r.comparator) for r in rows.itertuples()] == [(50.0, "ge"), (85.0, "ge"), (90.0, "ge")]


def test_target_carries_its_deadline(t):
    # "确保2021年年底前60%以上的县区至少有1家医疗机构开通门诊费用跨省直接结算业务"
    row = targets_of(t, "tibet:19").iloc[0]
    assert (row.span, row.deadline) == ("60%以上", "2021-12-31")


def test_deadlines(t):
    assert deadlines_of(t, "tibet:4+3") == {("到2022年12月底", "2022-12-31")}
    assert deadlines_of(t, "tibet:12") == {("2021年12月底前", "2021-12-31")}


def test_age_band_and_duration_are_not_targets_or_deadlines(t):
    # "对0-18岁(含18周岁)…" and "合格后一年内在医疗卫生机构就业"
    assert targets_of(t, "tibet:4+4").empty
    assert deadlines_of(t, "tibet:16") == set()


def test_missing_part_headings_recorded(t):
    rep = t["repairs"][t["repairs"].region == "tibet"]
    assert len(rep) == 1 and rep.iloc[0].char_start == rep.iloc[0].char_end and "missing" in rep.iloc[0].reason
