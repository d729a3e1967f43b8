"""Shaoxing 2016: ▲-marked leads in merged cells of the annex; goals carry many targets."""

from conftest import agencies_of, deadlines_of, targets_of

CELL_1_1 = {("市卫生计生委", "lead"), ("市编委办", "support"), ("市财政局", "support"), ("市人社局", "support"),
            ("市国资委", "support"), ("其他相关部门", "support"), ("各区、县(市)政府", "support")}


def test_item_with_its_own_cell(t):
    # "(1)健全政府办医体制…  ▲市卫生计生委,市编委办、市财政局、市人力社保局、市国资委、其他相关部门,各区、县(市)政府"
    assert agencies_of(t, "shaoxing:(一)1.(1)") == CELL_1_1


def test_shaoxing_merged_cell_inherits_lead(t):
    # "(2)建立健全公立医院法人治理结构…" has no cell: it inherits (1)'s
    assert agencies_of(t, "shaoxing:(一)1.(2)") == CELL_1_1
    ta = t["task_agencies"]
    assert ta[ta.unit_id == "shaoxing:(一)1.(2)"].inherited.all()
    assert not ta[ta.unit_id == "shaoxing:(一)1.(1)"].inherited.any()


def test_cell_without_triangle_is_joint(t):
    # "(4)积极研究探索高校附属医院管理体制改革。  绍兴文理学院,市教育局、市卫生计生委"
    assert agencies_of(t, "shaoxing:(一)1.(4)") == {
        ("绍兴文理学院", "joint"), ("市教育局", "joint"), ("市卫生计生委", "joint")}


def test_two_leads_before_the_comma(t):
    # "▲市卫生计生委、市人力社保局,各区、县(市)政府"
    assert agencies_of(t, "shaoxing:(一)4.(3)") == {
        ("市卫生计生委", "lead"), ("市人社局", "lead"), ("各区、县(市)政府", "support")}


def test_county_government_leads(t):
    assert ("新昌县政府", "lead") in agencies_of(t, "shaoxing:(五)1.(1)")


def test_goal_targets_with_deadlines_and_baseline(t):
    # "到2017年,县域内就诊率较2015年提升5个百分点;到2020年,县域内就诊率达到90%以上。"
    rows = targets_of(t, "shaoxing:goal(二)")
    got = [(r.value, r.comparator, r.deadline, r.baseline) for r in rows.itertuples()]
    assert got == [(5.0, "increase_by", "2017-12-31", "2015年"), (90.0, "ge", "2020-12-31", "")]


def test_annex_targets(t):
    # "每千名儿童床位数不少于2.2张,每千名儿童儿科执业(助理)医师数不少于0.69 名"
    rows = targets_of(t, "shaoxing:(二)1.(4)")
    assert [(r.value, r.comparator) for r in rows.itertuples()] == [(2.2, "ge"), (0.69, "ge")]


def test_phase_periods_end_dates(t):
    assert deadlines_of(t, "shaoxing:phase(二)") == {("2016年9月-2018年4月", "2018-04-30")}
    assert deadlines_of(t, "shaoxing:goal(三)") == {("“十三五”期间", "2020-12-31")}


def test_database_wrapper_is_boilerplate(t):
    u = t["units"]
    wrapper = u[(u.region == "shaoxing") & (u.kind == "boilerplate")]
    assert "免费客服电话" in set(wrapper.text) and "<END>" in set(wrapper.text)
