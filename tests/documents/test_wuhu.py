"""Wuhu 2021: the first listed unit leads; some 责任单位 parentheses are unbalanced."""

from conftest import agencies_of, deadlines_of, targets_of


def test_first_listed_leads(t):
    # "(责任单位:市卫健委、市残联,各县市区政府)"
    assert agencies_of(t, "wuhu:3") == {("市卫生健康委", "lead"), ("市残联", "support"), ("各县市区政府", "support")}


def test_civil_affairs_leads_task_7(t):
    # "(责任单位:市民政局、市卫健委、市医保局、市财政局,各县市区政府)"
    ag = agencies_of(t, "wuhu:7")
    assert ("市民政局", "lead") in ag and ("市卫生健康委", "support") in ag


def test_unbalanced_parentheses_still_read(t):
    # task 17: "…后备库责任单位:市卫健委、市人才办)"; task 18 has no parentheses at all
    assert agencies_of(t, "wuhu:17") == {("市卫生健康委", "lead"), ("市人才办", "support")}
    assert ("市大数据中心", "support") in agencies_of(t, "wuhu:18")
    rep = t["repairs"][t["repairs"].region == "wuhu"]
    assert (rep.reason.str.contains("parenthesis")).sum() == 5


def test_screening_targets_by_2025(t):
    rows = targets_of(t, "wuhu:13")
    assert [(r.value, r.comparator, r.deadline) for r in rows.itertuples()] == [
        (80.0, "ge", "2025-12-31"), (70.0, "ge", "2025-12-31"), (98.0, "ge", "2025-12-31")]


def test_ranges_and_at_least(t):
    # "到2021年每个县(市)区1-2所基层医疗卫生机构开展家庭病床服务,到2025年不少于60%的基层医疗卫生机构…"
    rows = targets_of(t, "wuhu:11")
    first, second = rows.iloc[0], rows.iloc[1]
    assert (first.value, first.value_max, first.comparator, first.deadline) == (1.0, 2.0, "range", "2021-12-31")
    assert (second.value, second.comparator, second.deadline) == (60.0, "ge", "2025-12-31")


def test_year_before_has_alternative_reading(t):
    dl = t["deadlines"]
    row = dl[(dl.unit_id == "wuhu:16") & (dl.raw == "2022年前")].iloc[0]
    assert (row.date, row.date_alt) == ("2022-12-31", "2021-12-31")


def test_age_band_and_5g_are_not_targets(t):
    # "建立0-3岁婴幼儿照护体系"; "推进“5G +医疗健康"
    assert "0-3岁" not in set(targets_of(t, "wuhu:16").span)
    assert targets_of(t, "wuhu:18").empty
    assert deadlines_of(t, "wuhu:4") == {("2021年底前", "2021-12-31")}
