"""Briefing tables (whole, bilingual, links) and the source pages (every unit an anchored span of the raw text)."""

from __future__ import annotations

import html
import json
import re
from urllib.parse import unquote

import numpy as np
import pandas as pd
import pytest

from analysis import PROJECT_ROOT
from analysis.errors import SourceError
from analysis.report import datatable, source_pages
from analysis.tables import outputs

TABLES = PROJECT_ROOT / "data" / "processed"


@pytest.fixture(scope="module")
def tables():
    return outputs.read(TABLES)


def test_a_table_is_shown_whole_with_bilingual_headers_percentages_and_blanks():
    df = pd.DataFrame({"region": ["qinghai", "tibet"], "share": [0.058252, 0.5], "value_max": [np.nan, 3.0],
                       "deadline": [None, "2022-12-31"], "same_topic": [True, False]}, index=[7, 3])
    shown = datatable.prepare(df, regions={"qinghai": "青海省 Qinghai 2022"})
    assert list(shown.columns) == ["地区 region", "占比 share", "上限 upper bound", "时限 deadline", "同主题 same topic"]
    assert shown.values.tolist() == [["青海省 Qinghai 2022", "5.8%", "", "", "是 yes"],
                                     ["tibet", "50.0%", "3", "2022-12-31", "否 no"]]  # no index, no NaN


def test_a_named_index_becomes_a_column_and_row_numbers_are_dropped():
    pivot = pd.DataFrame({"region": ["wuhu", "wuhu", "tibet"], "year": [2022, 2023, 2022], "n": [1, 2, 3]}) \
        .pivot_table(index="region", columns="year", values="n", aggfunc="sum", fill_value=0)
    shown = datatable.prepare(pivot)
    assert list(shown.columns) == ["地区 region", "2022", "2023"]
    assert shown.values.tolist() == [["tibet", "3", "0"], ["wuhu", "1", "2"]]


def test_unit_ids_link_to_their_source_page_and_unknown_ids_stay_text():
    units = {"qinghai:(十六)": "qinghai-2022", "x:\"<1>": "doc-1"}
    cell = datatable.unit_links("qinghai:(十六), nowhere:1, x:\"<1>", units)
    assert cell == ('<a class="unit-link" href="source/qinghai-2022.html#qinghai:(%E5%8D%81%E5%85%AD)">qinghai:(十六)</a>, '
                    'nowhere:1, <a class="unit-link" href="source/doc-1.html#x:%22%3C1%3E">x:&quot;&lt;1&gt;</a>')
    assert datatable.unit_links("a:1;a:2", {"a:1": "d", "a:2": "d"}).count("<a ") == 2  # ;-joined (units_a)


def test_text_cells_are_escaped_not_run_as_html():
    shown = datatable.prepare(pd.DataFrame({"text": ["<script>alert(1)</script> & 30%"]}))
    assert shown.iloc[0, 0] == "&lt;script&gt;alert(1)&lt;/script&gt; &amp; 30%"


def test_the_table_html_carries_every_row_and_no_paging(tables):
    units = tables["units"]
    html_text = datatable.to_html(units[["unit_id", "kind", "text"]], dict(zip(units.unit_id, units.doc_id)))
    data = json.loads(json.loads(re.search(r'"data_json": ("(?:[^"\\]|\\.)*")', html_text)[1]))
    assert len(data) == len(units) and data[0][2] == html.escape(units.text.iloc[0])
    assert html.escape(units.text.iloc[0]).replace('"', '\\"') in html_text  # plain UTF-8, no \\u escapes
    assert '"paging": false' in html_text and "index" not in re.search(r'"table_html": "(.*?)"', html_text)[1]
    assert "https://" not in html_text.replace("https://itables.org", "")  # nothing loaded from the network


def test_a_bad_columns_file_is_one_line(tmp_path):
    bad = tmp_path / "columns.yml"
    bad.write_text("labels: [a, b]\n", encoding="utf-8")
    with pytest.raises(SourceError, match=r"columns.yml: 'labels' must be a mapping"):
        datatable.column_config(bad)


def _strip_tags(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def test_a_source_page_is_the_raw_text_with_every_unit_anchored(tables, tmp_path):
    n = source_pages.write_all(TABLES, tmp_path)
    assert n == len(tables["documents"]) == 5
    for doc in tables["documents"].itertuples():
        page = (tmp_path / f"{doc.doc_id}.html").read_text(encoding="utf-8")
        raw = (PROJECT_ROOT / doc.raw_path).read_bytes().decode("utf-8")
        body = re.search(r'<div class="raw">(.*?)</div><div id="panel"', page, re.S)[1]
        assert _strip_tags(body) == raw.replace("\r\n", "\n").replace("\r", "\n") or _strip_tags(body) == raw
        ids = [html.unescape(i) for i in re.findall(r'<span class="unit k-[a-z_]+" id="([^"]+)"', body)]
        units = tables["units"][tables["units"].doc_id == doc.doc_id]
        assert sorted(ids) == sorted(units.unit_id)
    qinghai = (tmp_path / "qinghai-2022.html").read_text(encoding="utf-8")
    span = re.search(r'<span class="unit k-task" id="qinghai:\(十六\)"[^>]*title="([^"]*)"', qinghai)
    # the task's tooltip says what the build read there: its 30% floor with the deadline
    assert "目标 target: 30%" in html.unescape(span[1])
    assert '<mark class="m-target"' in qinghai


def test_a_source_page_refuses_a_raw_file_changed_since_the_build(tables, tmp_path):
    root = tmp_path / "root"
    for doc in tables["documents"].itertuples():
        (root / doc.raw_path).parent.mkdir(parents=True, exist_ok=True)
        (root / doc.raw_path).write_bytes((PROJECT_ROOT / doc.raw_path).read_bytes())
    first = tables["documents"].raw_path.iloc[0]
    (root / first).write_bytes((root / first).read_bytes() + "追加".encode())
    with pytest.raises(SourceError, match="changed since the tables were built"):
        source_pages.write_all(TABLES, tmp_path / "out", root=root)


def test_source_href_fragments_decode_to_the_unit_id():
    for uid in ("shaoxing:(一)2.(3)", "tibet:4+1", "wuhu:preamble-1", "guangdong:二、3"):
        assert unquote(datatable.source_href(uid, "d").split("#", 1)[1]) == uid
