"""workbook.xlsx is what a researcher reads: the sheets, bilingual frozen headers, filters, dates, tasks by role."""

from __future__ import annotations

import datetime as dt
import re
import zipfile

import duckdb
import numpy as np
import openpyxl
import pytest

from analysis import PROJECT_ROOT
from analysis.tables import schema, workbook


@pytest.fixture(scope="module")
def book(written):
    return openpyxl.load_workbook(written / "workbook.xlsx")


def test_the_sheets_a_reader_needs_in_order(book):
    assert book.sheetnames == ["documents", "tasks", "task_topics", "topics", "targets", "deadlines",
                               "data_dictionary"]   # nothing cut, so no not_in_full_here


def test_every_sheet_has_a_frozen_bilingual_header_and_a_filter(book, t):
    for ws in book:
        assert ws.freeze_panes == "A2", ws.title
        assert ws.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(ws.max_column)}{ws.max_row}"
        for cell in ws[1]:
            name, zh = cell.value.split("\n")
            assert re.search("[\u4e00-\u9fff]", zh), (ws.title, cell.value)
            assert schema.load().column(ws.title, name).title_zh == zh
    assert book["deadlines"]["G1"].value == "date\n日期"
    assert book["targets"].max_row == len(t["targets"]) + 1


def test_date_columns_are_excel_dates(book, t):
    ws = book["deadlines"]
    header = [c.value.split("\n")[0] for c in ws[1]]
    dates = [r[header.index("date")] for r in ws.iter_rows(min_row=2)]
    assert all(c.is_date and c.number_format == "yyyy-mm-dd" for c in dates)
    assert [c.value.date().isoformat() for c in dates] == t["deadlines"].date.tolist()
    alt = [r[header.index("date_alt")].value for r in ws.iter_rows(min_row=2)]
    assert sum(v is None for v in alt) == 61 and dt.datetime(2021, 12, 31) in alt   # empty stays empty
    docs = book["documents"]
    issued = [c.value for c in docs["N"][1:]]
    assert docs["N1"].value.startswith("issued_on") and dt.datetime(2022, 9, 14) in issued


def test_columns_are_as_wide_as_their_text(book):
    ws = book["tasks"]
    assert workbook.MAX_WIDTH <= ws.column_dimensions["E"].width < workbook.MAX_WIDTH + 1   # text_clean: long text
    assert ws.column_dimensions["B"].width < 20                     # region slug


def _task_row(book, unit_id):
    ws = book["tasks"]
    header = [c.value.split("\n")[0] for c in ws[1]]
    for row in ws.iter_rows(min_row=2, values_only=True):
        if row[0] == unit_id:
            return dict(zip(header, row))
    raise AssertionError(unit_id)


def test_tasks_sheet_has_one_row_per_task_with_its_agencies_by_role(book, t):
    assert book["tasks"].max_row - 1 == (t["units"].kind == "task").sum() == 279
    # (自治区卫生健康委负责,自治区应对新冠肺炎疫情领导小组各成员单位,各市地人民政府配合)
    tibet = _task_row(book, "tibet:3")
    assert tibet["lead"] == "自治区卫生健康委" and tibet["lead_en"] == "Autonomous Region Health Commission"
    assert tibet["support"] == "自治区应对新冠肺炎疫情领导小组成员单位、各市地人民政府" and tibet["joint"] is None
    # (省财政厅、省卫生健康委、省发展改革委，各市州政府按职责分工负责)
    qinghai = _task_row(book, "qinghai:(三)")
    assert qinghai["joint"] == "省财政厅、省卫生健康委、省发改委、各市州政府" and qinghai["lead"] is None
    assert qinghai["text_clean"].startswith("(三)落实政府投入责任。")
    # 年内 (Yancheng 2022) in task 6: its deadline, an Excel date
    assert _task_row(book, "yancheng:6")["deadline"] == dt.datetime(2022, 12, 31)


def test_the_data_dictionary_sheet_lists_every_column(book):
    described = schema.load()
    n = sum(len(x.columns) for group in (described.tables, described.sheets) for x in group.values())
    ws = book["data_dictionary"]
    assert ws.max_row == 1 + 1 + n        # header, the offsets convention, one row per column
    rows = {(r[0], r[1]): r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert rows[("deadlines", "date")][5:] == ("the date, last day of the period", "日期（该期间最后一天）")
    assert "char_end exclusive" in rows[("(all)", "char_start, char_end, a_start, a_end, b_start, b_end")][5]


def test_the_readme_sql_example_runs_on_the_database(written, t):
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    query = re.search(r"```sql\n(.*?)```", readme, re.S).group(1)
    con = duckdb.connect(str(written / "analysis.duckdb"), read_only=True)
    got = con.sql(query).fetchall()
    con.close()
    ta, docs = t["task_agencies"], t["documents"].set_index("doc_id")
    lead = ta[(ta.role == "lead") & ta.function.isin(["health", "healthcare_security"])]
    expected = sorted((docs.region_en[d], int(docs.year[d]), f, g.unit_id.nunique())
                      for (d, f), g in lead.groupby(["doc_id", "function"]))
    assert got == expected and ("Yancheng", 2022, "healthcare_security", 16) in got


def test_a_task_lists_each_agency_once_in_the_order_of_its_text():
    import pandas as pd

    units = pd.DataFrame({"unit_id": ["x:1", "x:2", "x:h"], "region": "x", "doc_id": "x-2024", "no": ["1", "2", ""],
                          "text_clean": ["甲", "乙", "标题"], "char_start": [10, 20, 0], "char_end": [19, 29, 9],
                          "kind": ["task", "task", "heading"]})
    # x:1 names 市医保局 twice as lead (kept once), 市卫健委 first in the text though listed second
    agencies = pd.DataFrame({"unit_id": ["x:1", "x:1", "x:1", "x:1"], "char_start": [15, 11, 17, 13],
                             "role": ["lead", "lead", "lead", "support"],
                             "agency_id": ["x:市医保局", "x:市卫健委", "x:市医保局", "x:市财政局"],
                             "name_zh": ["市医保局", "市卫健委", "市医保局", "市财政局"],
                             "name_en": ["Healthcare Security", "Health Commission", "Healthcare Security", "Finance"]})
    topics = pd.DataFrame({"unit_id": ["x:1", "x:1"], "is_primary": [False, True], "topic": ["a", "b"],
                           "topic_zh": ["甲", "乙"], "topic_en": ["A", "B"]})
    deadlines = pd.DataFrame({"unit_id": ["x:1", "x:1", "x:2"], "date": ["2024-12-31", "2024-06-30", ""]})
    targets = pd.DataFrame({"unit_id": ["x:1", "x:1", "x:2"]})
    view = workbook.tasks({"units": units, "task_agencies": agencies, "task_topics": topics, "deadlines": deadlines,
                           "targets": targets}, schema.load())
    rows = view.set_index("unit_id").to_dict("index")
    assert list(view["unit_id"]) == ["x:1", "x:2"]                         # tasks only, in order
    assert rows["x:1"]["lead"] == "市卫健委、市医保局" and rows["x:1"]["lead_en"] == "Health Commission; Healthcare Security"
    assert rows["x:1"]["support"] == "市财政局" and rows["x:1"]["joint"] == ""
    assert (rows["x:1"]["topic"], rows["x:1"]["deadline"], rows["x:1"]["n_targets"]) == ("b", "2024-06-30", 2)
    assert (rows["x:2"]["lead"], rows["x:2"]["topic"], rows["x:2"]["deadline"], rows["x:2"]["n_targets"]) == ("", "", "", 1)


def _cells(path):
    wb = openpyxl.load_workbook(path)
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb}


def test_sheets_written_as_their_tables_come_are_the_workbook_written_at_once(t, tmp_path):
    # a few documents' build writes the sheets that need no topic codes first, the rest when they come
    expected = list(t)
    coded = {"task_topics", "task_similarity", "template_alignment"}
    later = workbook.Book(tmp_path / "later.xlsx", schema.load(), expected)
    later.write({n: df for n, df in t.items() if n not in coded})
    later.write(t)
    later.close()
    workbook.write(tmp_path / "once.xlsx", t, schema.load())
    once, twice = _cells(tmp_path / "once.xlsx"), _cells(tmp_path / "later.xlsx")
    assert list(twice) == list(once) == ["documents", "tasks", "task_topics", "topics", "targets", "deadlines",
                                         "data_dictionary"]
    assert twice == once
    assert twice["tasks"][1][11] == t["task_topics"].query("is_primary").set_index("unit_id").topic[
        twice["tasks"][1][0]]       # the tasks sheet has its topics, though written after the topics sheet


def test_a_sheet_that_waited_for_a_table_too_long_for_it_holds_the_note(t, tmp_path, monkeypatch):
    monkeypatch.setattr(workbook, "EXCEL_ROWS", 300)      # task_topics (422 rows) too long, made small
    later = workbook.Book(tmp_path / "later.xlsx", schema.load(), list(t))
    later.write({n: df for n, df in t.items() if n != "task_topics"})    # topics, targets… written first
    later.write(t)
    later.close()
    cells = _cells(tmp_path / "later.xlsx")
    assert list(cells)[:4] == ["documents", "tasks", "task_topics", "topics"]     # its place kept
    note = "422 rows: more than a sheet holds; in task_topics.parquet and task_topics.csv"
    assert cells["task_topics"][1] == ["task_topics", note]
    assert ["task_topics", note] in cells["not_in_full_here"]
    workbook.write(tmp_path / "once.xlsx", t, schema.load())     # all at once: left out, as before
    assert "task_topics" not in _cells(tmp_path / "once.xlsx")


def _layout(path):
    wb = openpyxl.load_workbook(path)
    return {ws.title: (ws.freeze_panes, ws.auto_filter.ref,
                       {k: d.width for k, d in ws.column_dimensions.items()}) for ws in wb}


def test_a_workbook_held_in_memory_and_one_written_row_by_row_are_the_same(t, tmp_path, monkeypatch):
    workbook.write(tmp_path / "held.xlsx", t, schema.load())          # a few documents: held until closed
    monkeypatch.setattr(workbook, "IN_MEMORY_UP_TO", 10)               # as a corpus's: row by row
    workbook.write(tmp_path / "rows.xlsx", t, schema.load())
    with zipfile.ZipFile(tmp_path / "held.xlsx") as held, zipfile.ZipFile(tmp_path / "rows.xlsx") as rows:
        assert "xl/sharedStrings.xml" in held.namelist()               # the two ways were taken
        assert "xl/sharedStrings.xml" not in rows.namelist()
    assert _cells(tmp_path / "held.xlsx") == _cells(tmp_path / "rows.xlsx")
    assert _layout(tmp_path / "held.xlsx") == _layout(tmp_path / "rows.xlsx")


def test_a_column_is_as_wide_as_nine_tenths_of_its_text():
    rng = np.random.default_rng(7)
    for n in [1, 2, 3, 7, 10, 11, 499, 500] + rng.integers(1, 501, 3000).tolist():   # rounding shows in a few
        values = rng.integers(0, 80, n).tolist()
        assert workbook._ninetieth(values) == float(np.quantile(values, 0.9)), values
    assert workbook._display_len("abc") == 3
    assert workbook._display_len("卫生健康委(2)") == 13        # a Chinese character shows two columns wide
    assert workbook._display_len("（一）") == 6
    assert workbook._display_len("\U0001F600a") == 3          # outside the BMP: wide too
