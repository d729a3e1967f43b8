"""The comparison tables behind the notebooks, on the real documents (values checked against the text)."""

from __future__ import annotations

from analysis.comparison import compare


def test_overview_counts(t):
    o = compare.overview(t).set_index("region")
    assert list(o.index) == ["yancheng", "tibet", "qinghai", "shaoxing", "wuhu"]
    assert o.tasks.to_dict() == {"yancheng": 103, "tibet": 31, "qinghai": 24, "shaoxing": 103, "wuhu": 18}
    assert o.loc["shaoxing", "year"] == 2016 and o.loc["tibet", "level"] == "provincial"


def test_every_task_names_an_agency(t):
    q = compare.data_quality(t)
    assert q.tasks_without_agency.sum() == 0
    assert q.set_index("region").loc["yancheng", "repairs"] == len(t["repairs"].query("region == 'yancheng'"))


def test_topic_coverage_adds_up_and_keeps_ids(t):
    c = compare.topic_coverage(t)
    assert c.groupby("region").tasks.sum().to_dict() == {"yancheng": 103, "tibet": 31, "qinghai": 24,
                                                         "shaoxing": 103, "wuhu": 18}
    assert abs(c.groupby("region").share.sum() - 1).max() < 1e-9
    drg = c[(c.region == "qinghai") & (c.topic == "payment_reform")].iloc[0]
    assert drg.tasks == 1 and drg.unit_ids == "qinghai:(十六)" and drg.label == "医保支付方式改革 DRG/DIP payment"


def test_emphasis_names_what_a_region_leaves_out(t):
    e = compare.emphasis(compare.topic_coverage(t)).set_index("region")
    # Wuhu's ten actions say nothing about DRG/DIP payment or procurement
    assert "DRG/DIP payment" in e.loc["wuhu", "leaves_out"] and "Procurement" in e.loc["wuhu", "leaves_out"]
    assert e.loc["shaoxing", "stresses"].startswith("分级诊疗与医联体 Tiered care")


def test_comparable_targets_carry_source_sentence(t):
    ct = compare.comparable_targets(t)
    assert (ct.groupby("metric_id").region.nunique() >= 2).all()
    q = ct[(ct.metric_id == "drg_dip_spending_share") & (ct.region == "qinghai")].iloc[0]
    # (十六) … DRG/DIP付费医保基金支出占统筹区内住院医保基金支出不低于30%。
    assert (q.value, q.comparator, q.unit_id) == (30.0, "ge", "qinghai:(十六)")
    assert q.source_sentence.endswith("不低于30%。")
    # measures that only sound alike are not compared: Shaoxing's contract coverage (签约服务覆盖率)
    # and Tibet's fulfilment rate (履约率); Qinghai's amount share and Tibet's use rate of essential drugs
    assert set(ct.metric_id) == {"drg_dip_spending_share", "emr_level", "talent_recruitment", "talent_training"}
    drg = ct[ct.metric_id == "drg_dip_spending_share"]
    assert sorted(zip(drg.region, drg.value)) == [("qinghai", 30.0), ("yancheng", 60.0)]


def test_role_shares_health_vs_insurance(t):
    r = compare.role_shares(t).set_index(["region", "function", "role"]).assignments
    # Yancheng's annex: the healthcare security bureau leads 16 rows and supports 49
    assert r.loc[("yancheng", "healthcare_security", "lead")] == 16
    assert r.loc[("yancheng", "healthcare_security", "support")] == 49
    assert r.loc[("wuhu", "healthcare_security", "support")] == 5 and ("wuhu", "healthcare_security", "lead") not in r


def test_lead_matrix_counts_only_coded_tasks(t):
    lead = compare.lead_by_topic(t)
    assert lead.assignments.sum() == len(t["task_agencies"])
    finance = lead[(lead.function == "finance") & (lead.role == "lead") & (lead.region == "tibet")]
    assert finance.topic.tolist() == ["government_financing"]  # tibet 11: 落实财政补助政策 (自治区财政厅负责)


def test_timeline_has_every_deadline_with_document_year(t):
    tl = compare.timeline(t)
    assert len(tl) == len(t["deadlines"]) == 65
    first = tl[tl.unit_id == "yancheng:29"].iloc[0]  # 在9月底前实现所有医保项目按国家编码进行结算
    assert str(first.date.date()) == "2022-09-30" and first.years_after_issue == 0
