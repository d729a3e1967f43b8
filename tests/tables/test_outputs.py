"""`build --out` never deletes what the project did not write; the switch to new outputs is one step."""

from __future__ import annotations

import os
import subprocess
import sys

import pandas as pd
import pytest

from analysis import PROJECT_ROOT, RAW_DIR
from analysis.errors import SourceError
from analysis.tables import outputs

TABLES = {"documents": pd.DataFrame({"doc_id": ["a-2020"], "year": [2020]})}


def _cli(*args, cwd=PROJECT_ROOT):
    return subprocess.run([sys.executable, "-m", "analysis", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=300)


@pytest.mark.parametrize("out, reason", [
    (RAW_DIR, "a folder of raw documents"), (RAW_DIR / "sub", "inside a folder of raw documents"),
    (PROJECT_ROOT, "the repository"), (PROJECT_ROOT / "data", "a folder of raw documents or holds it"),
    (PROJECT_ROOT.parent, "the repository or holds it")])
def test_the_raw_folder_and_the_repository_are_never_an_output(out, reason):
    before = sorted(p.name for p in RAW_DIR.iterdir())
    p = _cli("build", "--out", str(out))
    assert p.returncode == 1 and p.stderr.count("\n") == 1, p.stderr
    assert "cannot be the output folder" in p.stderr and reason in p.stderr
    assert sorted(p.name for p in RAW_DIR.iterdir()) == before


def test_dot_at_the_repository_root_is_refused_in_one_line():
    p = _cli("build", "--out", ".")
    assert p.returncode == 1 and p.stderr.startswith("error: .: cannot be the output folder: it is the repository")


def test_a_folder_holding_other_files_is_refused_and_left_alone(tmp_path):
    thesis = tmp_path / "thesis"
    thesis.mkdir()
    (thesis / "chapter1.docx").write_bytes(b"years of work")
    with pytest.raises(SourceError, match="holds files no build wrote"):
        outputs.write(TABLES, thesis)
    assert [p.name for p in thesis.iterdir()] == ["chapter1.docx"]
    assert (thesis / "chapter1.docx").read_bytes() == b"years of work"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["thesis"]


def test_an_earlier_output_is_replaced_and_a_researchers_file_in_it_kept(tmp_path):
    out = tmp_path / "processed"
    outputs.write(TABLES, out)
    (out / "my_notes.txt").write_text("notes")
    outputs.write({"documents": pd.DataFrame({"doc_id": ["b-2021"], "year": [2021]})}, out)
    assert pd.read_parquet(out / "documents.parquet").doc_id.tolist() == ["b-2021"]
    assert (out / "my_notes.txt").read_text() == "notes"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["processed"]  # no staging or old folder left


def test_an_output_of_a_build_before_the_marker_is_still_recognised(tmp_path):
    out = tmp_path / "processed"
    out.mkdir()
    for name in ("documents.parquet", "documents.csv", "workbook.xlsx"):
        (out / name).write_bytes(b"old")
    outputs.write(TABLES, out)
    assert pd.read_parquet(out / "documents.parquet").doc_id.tolist() == ["a-2020"]


def test_a_file_or_a_symlink_is_not_an_output_folder(tmp_path):
    target = tmp_path / "f.txt"
    target.write_text("x")
    link = tmp_path / "link"
    link.symlink_to(tmp_path)
    for out in (target, link):
        with pytest.raises(SourceError, match="not a folder"):
            outputs.check_target(out)


def test_the_output_folder_follows_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        outputs.write(TABLES, tmp_path / "processed")
    finally:
        os.umask(old)
    assert oct((tmp_path / "processed").stat().st_mode & 0o777) == "0o755"


def test_staging_folders_of_killed_builds_are_removed(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()
    stale = tmp_path / f".analysis-staging-processed-{dead}-x1y2"
    stale.mkdir()
    outputs.write(TABLES, tmp_path / "processed")
    assert not stale.exists()


def test_text_a_spreadsheet_would_run_is_never_a_formula(tmp_path):
    import openpyxl

    evil = '=HYPERLINK("http://example.invalid","click")'
    table = pd.DataFrame({"title_en": [evil, "+1 field", "-2", "@SUM(A1)", "plain"], "n": [1, -2, 3, 4, 5]})
    outputs.write({"documents": table}, tmp_path / "out")
    assert pd.read_parquet(tmp_path / "out" / "documents.parquet").title_en.tolist()[0] == evil  # exact text
    csv = pd.read_csv(tmp_path / "out" / "documents.csv", encoding="utf-8-sig", keep_default_na=False)
    assert csv.title_en.tolist() == ["'" + evil, "'+1 field", "'-2", "'@SUM(A1)", "plain"]
    assert csv.n.tolist() == [1, -2, 3, 4, 5]                 # numbers are numbers, not text
    sheet = openpyxl.load_workbook(tmp_path / "out" / "workbook.xlsx")["documents"]
    cells = [c for row in sheet.iter_rows() for c in row]
    assert not [c for c in cells if c.data_type == "f"]
    assert sheet["A2"].value == evil and sheet["A2"].data_type == "s"


def test_the_workbook_never_fails_on_excel_limits_and_says_what_it_left_out(tmp_path, monkeypatch):
    import openpyxl

    from analysis.tables import workbook

    monkeypatch.setattr(workbook, "EXCEL_ROWS", 3)          # a table too long for a sheet, made small
    long_text = "卫" * 40_000
    outputs.write({"documents": pd.DataFrame({"doc_id": ["a-2020"], "title": [long_text]}),
                   "targets": pd.DataFrame({"target_id": [f"a:t{i}" for i in range(5)]})}, tmp_path / "out")
    book = openpyxl.load_workbook(tmp_path / "out" / "workbook.xlsx")
    assert "targets" not in book.sheetnames
    assert pd.read_parquet(tmp_path / "out" / "targets.parquet").target_id.tolist() == [f"a:t{i}" for i in range(5)]
    cell = book["documents"]["B2"].value
    assert len(cell) == workbook.EXCEL_CELL and cell.endswith("[cut: full text in the Parquet and CSV files]")
    assert pd.read_parquet(tmp_path / "out" / "documents.parquet").title[0] == long_text
    assert pd.read_csv(tmp_path / "out" / "documents.csv", encoding="utf-8-sig").title[0] == long_text
    notes = {r[0].value: r[1].value for r in book["not_in_full_here"].iter_rows(min_row=2)}
    assert "5 rows: more than a sheet holds" in notes["targets"] and "1 cell(s)" in notes["documents"]


def test_every_file_a_build_writes_is_listed_and_a_rebuild_replaces_it(tmp_path):
    out = tmp_path / "processed"
    outputs.write(TABLES, out)
    listed = (out / outputs.MARKER).read_text(encoding="utf-8").split()
    assert sorted(listed) == sorted(p.name for p in out.iterdir() if p.name != outputs.MARKER)
    assert {"datapackage.json", "analysis.duckdb", "workbook.xlsx"} <= set(listed)
    (out / "my_query.sql").write_text("SELECT 1")
    (out / "analysis.duckdb.wal").write_bytes(b"log of the old database")   # left by a crashed SQL session
    outputs.write({"documents": pd.DataFrame({"doc_id": ["b-2021"], "year": [2021]})}, out)
    import duckdb

    con = duckdb.connect(str(out / "analysis.duckdb"), read_only=True)
    assert con.sql("SELECT doc_id FROM documents").fetchall() == [("b-2021",)]
    con.close()
    assert (out / "my_query.sql").read_text() == "SELECT 1"
    assert not (out / "analysis.duckdb.wal").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["processed"]
