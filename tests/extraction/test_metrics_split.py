"""A clause stating several measures gives each number the measure named just before it."""

from analysis.extraction import metrics

RULES = [{"id": "grouping", "all": ["入组结算率"]}, {"id": "spending", "all": ["付费", "基金支出"]},
         {"id": "drugs", "any": ["基本药物使用金额"]}]


def test_the_words_before_a_number_decide_its_measure():
    clause = "病种入组结算率达到70%DRG付费医保基金支出占住院医保基金支出的60%"
    assert metrics.metric_id(clause, "%", RULES, span="70%") == "grouping"
    assert metrics.metric_id(clause, "%", RULES, span="60%") == "spending"
    assert metrics.metric_id(clause, "%", RULES) == "grouping"  # no span: the whole clause, first rule


def test_a_list_of_numbers_falls_back_to_the_clause():
    clause = "三、二、一级及以下医疗机构基本药物使用金额占比不低于25%、47%、50%"
    assert [metrics.metric_id(clause, "%", RULES, span=s) for s in ("25%", "47%", "50%")] == ["drugs"] * 3
    assert metrics.metric_id("没有可比的指标30%", "%", RULES, span="30%") == ""
