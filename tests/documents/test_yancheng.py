"""Yancheng 2022: the 103-row annex table is the atomic level."""

from conftest import agencies_of, deadlines_of, targets_of


def test_row_5_lead_and_support_cells(t):
    # "5.贯彻落实医疗服务价格动态调整机制实施方案。 / 市医保局 / 市卫生健康委"
    assert agencies_of(t, "yancheng:5") == {("市医保局", "lead"), ("市卫生健康委", "support")}


def test_row_15_lead_cell_broken_across_lines_is_rejoined(t):
    # "各级机构" / "编制部门" is one cell: 各级机构编制部门; support "各级人社、卫生健康等部门"
    assert agencies_of(t, "yancheng:15") == {
        ("各级机构编制部门", "lead"), ("各级人社部门", "support"), ("各级卫生健康部门", "support")}


def test_row_17_separately_responsible_leads_are_joint(t):
    # "各级人社、" / "卫生健康部门分别负责" / "各级财政部门"
    assert agencies_of(t, "yancheng:17") == {
        ("各级人社部门", "joint"), ("各级卫生健康部门", "joint"), ("各级财政部门", "support")}


def test_row_26_has_an_empty_support_cell(t):
    assert agencies_of(t, "yancheng:26") == {("各级卫生健康部门", "lead")}


def test_row_30_support_list_with_ji(t):
    # "市发改委、财政局及各级卫生健康、发改、财政等部门"
    assert agencies_of(t, "yancheng:30") == {
        ("市卫生健康委", "lead"), ("市发改委", "support"), ("市财政局", "support"),
        ("各级卫生健康部门", "support"), ("各级发改部门", "support"), ("各级财政部门", "support")}


def test_row_12_drg_targets(t):
    # "DRG付费占医疗机构病种数达到75%;病种入组结算率达到70%DRG付费医保基金支出占…的60%"
    rows = targets_of(t, "yancheng:12")
    assert sorted(rows.value) == [60.0, 70.0, 75.0]
    # three measures in one clause, each number its own (the words just before it)
    assert dict(zip(rows.value, rows.metric_id)) == {75.0: "drg_dip_disease_group_share",
                                                     70.0: "drg_dip_grouping_rate", 60.0: "drg_dip_spending_share"}


def test_row_36_lost_hyphen_read_as_range(t):
    # "力争新建成34个省级临床重点专科": most likely 3-4 (seeds README)
    row = targets_of(t, "yancheng:36").iloc[0]
    assert (row.value, row.value_max, row.comparator) == (3.0, 4.0, "range")


def test_row_87_garbled_number_gives_no_target(t):
    # "新建75级中医馆" is garbled: no defensible reading
    assert targets_of(t, "yancheng:87").empty


def test_row_79_enrolment_rate_kept_above(t):
    rows = targets_of(t, "yancheng:79")
    assert {(r.value, r.comparator) for r in rows.itertuples()} == {(98.5, "ge"), (22.5, "eq")}


def test_deadlines_of_rows_29_and_78(t):
    assert deadlines_of(t, "yancheng:29") == {("9月底前", "2022-09-30")}
    assert deadlines_of(t, "yancheng:78") == {("到“十四五”期末", "2025-12-31")}


def test_rows_link_to_the_body_paragraph_they_repeat(t):
    units = t["units"].set_index("unit_id")
    assert units.loc["yancheng:1", "body_id"] == "yancheng:body(一)"
    assert units.loc["yancheng:103", "body_id"] == "yancheng:body(二十七)"
    rows = units[(units.kind == "task") & (units.region == "yancheng")]
    assert (rows.body_id != "").all()


def test_scrape_damage_recorded(t):
    rep = t["repairs"][t["repairs"].region == "yancheng"]
    assert "2022年9月14日" in set(rep.reading)
    assert (rep.reason == "period after the row number lost").sum() == 1   # "57新增甲级村卫生室"
