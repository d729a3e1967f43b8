"""Documents in no tuned layout: a manifest entry with metadata only (no family, no params), the
layout found by the build, responsibility read by one grammar, unknown agencies never blocking.

Each fixture in tests/fixtures/forms/ reproduces one convention of real task lists; the expected
values below were checked by reading the fixture."""

from __future__ import annotations

import shutil

import pytest
import yaml

from analysis import PROJECT_ROOT, build
from analysis.errors import SourceError

FORMS = PROJECT_ROOT / "tests" / "fixtures" / "forms"


def _build(tmp_path, file, region, year, level, strict=False, source=FORMS, **extra):
    raw = tmp_path / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    shutil.copy(source / file, raw / file)
    entry = {"file": file, "region": region, "year": year, "level": level, **extra}
    (raw / "documents.yml").write_text(yaml.safe_dump({"documents": [entry]}, allow_unicode=True), encoding="utf-8")
    results = build.build_all(raw / "documents.yml", raw, strict=strict)
    from analysis.tables.assembly import assemble

    return results[0], assemble(results, overrides=None, code_topics=False)


def _build_text(tmp_path, text, region, year, level):
    """The tables of a short document written inline, built from metadata only."""
    (tmp_path / "x.txt").write_text(text, encoding="utf-8")
    return _build(tmp_path, "x.txt", region, year, level, source=tmp_path)[1]


def _roles(t, unit_id):
    ta = t["task_agencies"]
    return {(r.raw, r.role) for r in ta[ta.unit_id == unit_id].itertuples()}


def _deadlines(t, unit_id):
    dl = t["deadlines"]
    return sorted(dl[dl.unit_id == unit_id].date)


def test_label_lines_after_each_task(tmp_path):
    r, t = _build(tmp_path, "label-lines-2019.txt", "jia", 2019, "county")
    tasks = t["units"][t["units"].kind == "task"]
    assert tasks.unit_id.tolist() == ["jia:1", "jia:2", "jia:3"]
    assert _roles(t, "jia:1") == {("县医保局", "support"), ("县卫健局", "lead"), ("县财政局", "support")}
    assert _roles(t, "jia:2") == {("县卫健局", "lead"), ("各乡镇人民政府", "support")}
    assert _roles(t, "jia:3") == {("县医保局", "joint"), ("县卫健局", "joint")}
    assert _deadlines(t, "jia:1") == ["2019-12-31"] and _deadlines(t, "jia:2") == ["2019-09-30"]
    tg = t["targets"]
    assert tg[tg.unit_id == "jia:1"][["value", "comparator", "unit"]].values.tolist() == [[90.0, "ge", "%"]]
    def kind(start):
        return t["units"][t["units"].text.str.startswith(start)].kind.tolist()

    assert kind("首页") == ["metadata"] and kind("各单位要加强") == ["safeguard"]
    assert kind("打印本页") == ["boilerplate"] and kind("2019年3月20日") == ["metadata"]
    assert "detected task_list" in r.layout_note
    levels = set(t["task_agencies"].level)
    assert levels == {"county"}  # 县 prefix, and 各乡镇 by how it starts


def test_a_first_listed_convention_declared_once_applies_to_later_tasks(tmp_path):
    _, t = _build(tmp_path, "first-listed-2017.txt", "yi", 2017, "provincial")
    assert _roles(t, "yi:(一)") == {("省物价局", "support"), ("省财政厅", "support"), ("省卫生计生委", "lead")}
    assert _roles(t, "yi:(二)") == {("省人力社保厅", "support"), ("省卫生计生委", "lead")}
    assert _roles(t, "yi:(三)") == {("省卫生计生委", "support"), ("省商务厅", "support"), ("省食品药品监管局", "lead")}
    assert _roles(t, "yi:(四)") == {("省人力社保厅", "lead"), ("省财政厅", "support")}
    # the deadline inside the parenthesis belongs to the task
    assert _deadlines(t, "yi:(二)") == ["2017-06-30"]
    functions = dict(zip(t["task_agencies"].raw, t["task_agencies"].function))
    assert functions["省卫生计生委"] == "health" and functions["省食品药品监管局"] == "drug_administration"
    assert functions["省人力社保厅"] == "hrss"


def test_joint_leads_labels_inside_a_parenthesis_and_a_lead_only_note(tmp_path):
    _, t = _build(tmp_path, "joint-and-note-2021.txt", "bing", 2021, "prefecture")
    assert _roles(t, "bing:1") == {("市医保局", "joint"), ("市卫健委", "joint")}
    assert _roles(t, "bing:2") == {("市卫健委", "lead"), ("市发改委", "support"), ("市财政局", "support")}
    assert _roles(t, "bing:3") == {("市公安局", "support"), ("市医保局", "lead"), ("市卫健委", "support")}
    assert _roles(t, "bing:4") == {("市医保局", "lead")}
    tg = t["targets"]
    assert tg[tg.unit_id == "bing:2"][["value", "comparator", "unit"]].values.tolist() == [[95.0, "ge", "%"]]
    # 市公安局 is not in the dictionary: read, flagged, its level from its prefix
    ta = t["task_agencies"].set_index("raw")
    assert not ta.loc["市公安局", "resolved"] and ta.loc["市公安局", "level"] == "prefecture"
    assert ta.loc["市医保局", "resolved"].all()


def test_traditional_script_reads_as_simplified_and_keeps_its_characters(tmp_path):
    _, t = _build(tmp_path, "traditional-2020.txt", "ding", 2020, "prefecture")
    assert _roles(t, "ding:(一)") == {("市衛生健康委", "lead"), ("市醫保局", "support")}
    assert _roles(t, "ding:(二)") == {("市衛生健康委", "joint"), ("市財政局", "joint")}
    names = set(t["task_agencies"].name_zh)
    assert names == {"市卫生健康委", "市医保局", "市财政局"}
    assert _deadlines(t, "ding:(一)") == ["2020-12-31"]


def test_a_national_document_names_national_agencies(tmp_path):
    _, t = _build(tmp_path, "national-2018.txt", "national", 2018, "national")
    assert _roles(t, "national:1") == {("国家卫生健康委", "lead")}
    assert _roles(t, "national:2") == {("国家发展改革委", "joint"), ("国家卫生健康委", "joint"), ("财政部", "joint")}
    assert _roles(t, "national:3") == {("国家医保局", "lead"), ("国家卫生健康委", "support"), ("国家药监局", "support")}
    ta = t["task_agencies"]
    assert set(ta.level) == {"national"} and ta.resolved.all()
    assert _deadlines(t, "national:1") == ["2018-12-31"]


def test_municipal_agencies_of_a_municipality_are_provincial(tmp_path):
    _, t = _build(tmp_path / "a", "tianjin-2019.txt", "tianjin", 2019, "provincial", region_zh="天津市")
    assert set(t["task_agencies"].level) == {"provincial"}
    _, t = _build(tmp_path / "b", "tianjin-2019.txt", "wu", 2019, "prefecture")   # the same text from a city
    assert set(t["task_agencies"].level) == {"prefecture"}


def test_strict_names_the_first_unknown_agency(tmp_path):
    with pytest.raises(SourceError, match=r"joint-and-note-2021.txt:4:\d+: unknown agency '市公安局'"):
        _build(tmp_path, "joint-and-note-2021.txt", "bing", 2021, "prefecture", strict=True)


def test_the_build_report_lists_unresolved_names_once_with_a_line_to_paste(tmp_path):
    from analysis.tables.build_report import build_report

    r, t = _build(tmp_path, "joint-and-note-2021.txt", "bing", 2021, "prefecture")
    import pandas as pd

    t["task_topics"] = pd.DataFrame({"unit_id": pd.Series(dtype=str), "is_primary": pd.Series(dtype=bool),
                                     "method": pd.Series(dtype=str), "topic": pd.Series(dtype=str),
                                     "confidence": pd.Series(dtype=str)})
    report = build_report([r], t)
    assert report.count("市公安局") == 1
    assert "- {zh: 市公安局, en: \"\", function: unclassified, level: prefecture}" in report


def test_two_documents_of_one_region_get_ids_on_their_doc_id(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in ("first-listed-2017.txt", "joint-and-note-2021.txt"):
        shutil.copy(FORMS / name, raw / name)
    entries = [{"file": "first-listed-2017.txt", "region": "yi", "year": 2017, "level": "provincial"},
               {"file": "joint-and-note-2021.txt", "region": "yi", "year": 2021, "level": "provincial"}]
    (raw / "documents.yml").write_text(yaml.safe_dump({"documents": entries}), encoding="utf-8")
    results = build.build_all(raw / "documents.yml", raw)
    ids = [u.unit_id for r in results for u in r.norm.units if u.kind == "task"]
    assert ids[:2] == ["yi-2017:(一)", "yi-2017:(二)"] and ids[4:6] == ["yi-2021:1", "yi-2021:2"]


def test_a_mirror_page_with_pinyin_glosses_inside_words_is_refused_by_name(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "mirror.txt").write_text("關於深化醫(yī)藥衛(wèi)生體制改革\n1.加強公共衛(wèi)生體系建設(shè)。（省衛生健康委負責）\n",
                                    encoding="utf-8")
    (raw / "documents.yml").write_text("documents:\n  - {file: mirror.txt, region: m, year: 2020, level: provincial}\n",
                                       encoding="utf-8")
    with pytest.raises(SourceError, match=r"mirror.txt:1:6: pinyin glosses inside words \('醫\(yī\)', 4 of them\)"):
        build.build_all(raw / "documents.yml", raw)


def test_a_document_past_the_size_limit_is_refused_in_one_line(tmp_path, monkeypatch):
    from analysis.reading import source

    monkeypatch.setattr(source, "MAX_BYTES", 100)
    path = tmp_path / "big.txt"
    path.write_text("1.推进。" * 40, encoding="utf-8")
    with pytest.raises(SourceError, match=r"big.txt: 440 bytes: larger than the 100 a document may have"):
        source.read_raw(path)


def test_task_numbers_run_past_a_thousand(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    lines = "".join(f"{n}.推进第{n}项工作。（市卫生健康委负责）\n" for n in range(1, 1203))
    (raw / "long.txt").write_text("某市重点工作任务\n" + lines, encoding="utf-8")
    (raw / "documents.yml").write_text("documents:\n  - {file: long.txt, region: l, year: 2020, level: prefecture}\n",
                                       encoding="utf-8")
    tasks = [u.unit_id for u in build.build_all(raw / "documents.yml", raw)[0].norm.units if u.kind == "task"]
    assert len(tasks) == 1202 and tasks[-1] == "l:1202"


def test_responsibility_written_as_a_sentence_of_the_task(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "s.txt").write_text("某县2018年医改工作要点\n1.推进县域医共体建设，实现乡镇全覆盖。由县卫计局牵头，县财政局、县人社局配合。\n"
                               "2.加强基层卫生人才队伍建设。由县卫计局负责。\n3.加强宣传引导，营造良好氛围。\n", encoding="utf-8")
    (raw / "documents.yml").write_text("documents:\n  - {file: s.txt, region: s, year: 2018, level: county}\n",
                                       encoding="utf-8")
    result = build.build_all(raw / "documents.yml", raw)[0]
    rows = {(a.unit_id, a.mention.raw, a.role) for a in result.norm.agencies}
    assert rows == {("s:1", "县卫计局", "lead"), ("s:1", "县财政局", "support"), ("s:1", "县人社局", "support"),
                    ("s:2", "县卫计局", "lead")}
    assert result.norm.no_agency == ["s:3"]


def test_a_flattened_task_table_reads_each_cell_by_its_column(tmp_path):
    """A task table saved one cell per line under a header 重点任务/牵头单位/配合单位/完成时限."""
    r, t = _build(tmp_path, "table-cells-2021.txt", "mou", 2021, "prefecture")
    units = t["units"]
    assert units[units.kind == "task"].unit_id.tolist() == ["mou:1", "mou:2", "mou:3"]
    assert _roles(t, "mou:1") == {("市卫生健康局", "lead"), ("市医疗保障局", "support"), ("各区人民政府", "support")}
    assert _roles(t, "mou:2") == {("市卫生健康局", "lead")}          # "/": an empty cell names no one
    assert _roles(t, "mou:3") == {("市医疗保障局", "lead"), ("市卫生健康局", "support"),
                                  ("市委组织部(市人才办)", "support")}
    assert _deadlines(t, "mou:1") == ["2021-10-31"] and _deadlines(t, "mou:2") == []   # 长期坚持: no date
    assert units[units.kind == "table_header"].text.tolist() == ["重点任务", "牵头单位", "配合单位", "完成时限"]
    assert units[units.text.str.startswith("说明")].kind.tolist() == ["note"]


def test_sub_items_with_their_own_statements_are_the_tasks(tmp_path):
    """一、2 states nothing and its (1) (2) each state roles: 2 is a heading, (1) and (2) are tasks.
    X牵头，Y、Z按职责分工负责: Y, Z support; 责任单位：X（牵头）、Y、Z: Y, Z support; the note after
    the list (排在第一位的为牵头单位) holds for every list, before it too."""
    r, t = _build(tmp_path, "sub-items-by-duty-2016.txt", "sheng", 2016, "provincial")
    units = t["units"]
    assert units[units.kind == "task"].unit_id.tolist() == ["sheng:一、1", "sheng:一、2(1)", "sheng:一、2(2)",
                                                            "sheng:二、1", "sheng:二、2"]
    assert units.set_index("unit_id").loc["sheng:一、2", "kind"] == "heading"
    assert _roles(t, "sheng:一、1") == {("省卫生计生委", "lead"), ("省财政厅", "support"), ("省物价局", "support")}
    assert _roles(t, "sheng:一、2(1)") == {("省卫生计生委", "lead")}
    # 按职责分工负责 alone would be joint; the declared convention makes the first listed lead
    assert _roles(t, "sheng:一、2(2)") == {("省财政厅", "lead"), ("省卫生计生委", "support")}
    assert _roles(t, "sheng:二、1") == {("省人力资源社会保障厅", "lead"), ("省财政厅", "support"), ("省民政厅", "support")}
    assert _roles(t, "sheng:二、2") == {("省人力资源社会保障厅", "lead"), ("省保监局", "support"), ("省财政厅", "support")}
    assert units[units.text.str.startswith("列有两个")].kind.tolist() == ["note"]
    tg = t["targets"]
    assert tg[tg.unit_id == "sheng:二、2"][["value", "comparator"]].values.tolist() == [[50.0, "ge"]]
    assert _deadlines(t, "sheng:一、2(1)") == ["2016-12-31"]


def test_by_duty_alone_is_joint(tmp_path):
    text = "某县2020年医改重点任务\n1.推进医共体建设。（县卫健局、县医保局按职责分工负责）\n2.推进药品集采。（县医保局牵头，县卫健局配合）\n"
    t = _build_text(tmp_path, text, "xian", 2020, "county")
    assert _roles(t, "xian:1") == {("县卫健局", "joint"), ("县医保局", "joint")}
    assert _roles(t, "xian:2") == {("县医保局", "lead"), ("县卫健局", "support")}


def test_a_section_statement_for_every_task_below_is_inherited(tmp_path):
    """本部分各项任务均由X牵头，Y配合: the section's items inherit it; a section whose label line has no
    such words, over items stating nothing, is itself the task."""
    text = ("某县2021年医改工作要点\n一、重点任务\n（一）做实医共体\n本部分各项任务均由县卫健局牵头，县医保局、县财政局配合。\n"
            "1.完善医共体章程。\n2.统一药品采购目录。\n（二）推进支付改革\n牵头单位：县医保局；配合单位：县卫健局\n"
            "1.实行按人头总额付费。\n2.病种数量不少于80个。\n（三）加强监管\n1.开展基金专项治理。由县医保局负责，县公安局配合。\n")
    t = _build_text(tmp_path, text, "xian", 2021, "county")
    tasks = t["units"][t["units"].kind == "task"].unit_id.tolist()
    assert tasks == ["xian:(一)1", "xian:(一)2", "xian:(二)", "xian:(三)1"], tasks
    ta = t["task_agencies"]
    first = ta[ta.unit_id == tasks[0]]
    assert {(r.raw, r.role) for r in first.itertuples()} == {("县卫健局", "lead"), ("县医保局", "support"),
                                                            ("县财政局", "support")}
    assert first.inherited.all()
    assert _roles(t, tasks[2]) == {("县医保局", "lead"), ("县卫健局", "support")}
    assert _roles(t, tasks[3]) == {("县医保局", "lead"), ("县公安局", "support")}


def test_a_line_covering_the_tasks_before_it(tmp_path):
    """（以上两项由X牵头，Y配合）on its own line assigns both items above it (inherited, from that line)."""
    text = ("国家2023年医改重点任务\n一、发展基层服务\n（一）加强基层建设。\n1.推进社区医院建设。\n2.推进村卫生室标准化。\n"
            "（以上两项由国家卫生健康委牵头，财政部配合）\n（二）加强人才培养。（教育部负责）\n")
    t = _build_text(tmp_path, text, "china", 2023, "national")
    units = t["units"]
    assert units[units.kind == "task"].unit_id.tolist() == ["china:1", "china:2", "china:(二)"]
    for uid in ("china:1", "china:2"):
        assert _roles(t, uid) == {("国家卫生健康委", "lead"), ("财政部", "support")}
    ta = t["task_agencies"]
    holder = units[units.text.str.startswith("（以上两项")]
    assert holder.kind.tolist() == ["agency_line"]
    assert set(ta[ta.unit_id == "china:1"].source_unit_id) == set(holder.unit_id)
    assert _roles(t, "china:(二)") == {("教育部", "lead")}
