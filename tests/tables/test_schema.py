"""data/schema/tables.yml describes every built column, and nothing that is no longer built."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from analysis.errors import SourceError
from analysis.tables import datapackage, outputs, schema, workbook


def test_every_built_column_is_described(t):
    missing = datapackage.undescribed(t, schema.load())
    assert missing == [], f"describe these in data/schema/tables.yml: {', '.join(missing)}"


def test_every_described_column_is_built(t):
    described = schema.load()
    gone = [f"{name}.{col}" for name, table in described.tables.items() for col in table.columns
            if name not in t or col not in t[name].columns]
    assert gone == [], f"data/schema/tables.yml describes columns no build makes: {', '.join(gone)}"


def test_the_tasks_sheet_is_described_column_by_column(t):
    described = schema.load()
    view = workbook.tasks(t, described)
    assert list(view.columns) == list(described.sheets["tasks"].columns)


def test_readme_data_dictionary_is_the_one_generated_from_the_schema_file():
    current = schema.readme_current()
    assert current is not None, "README has lost its generated data dictionary"
    assert current == schema.readme_section(), \
        "README's data dictionary differs from data/schema/tables.yml: run python -m analysis.tables.schema --readme"


def test_parquet_files_carry_the_types(written):
    types = {name: pq.read_schema(written / f"{name}.parquet") for name in
             ("documents", "deadlines", "task_agencies", "targets", "units")}
    assert types["documents"].field("issued_on").type == pa.date32()
    assert types["deadlines"].field("date").type == pa.date32()
    assert types["targets"].field("deadline").type == pa.date32()
    assert types["task_agencies"].field("inherited").type == pa.bool_()
    assert pa.types.is_dictionary(types["task_agencies"].field("role").type)
    assert types["units"].field("char_start").type == pa.int64()
    assert types["units"].field("text").type == pa.string()
    assert types["deadlines"].field("date").metadata[b"description_zh"].decode() == "日期（该期间最后一天）"
    deadlines = pq.read_table(written / "deadlines.parquet").to_pandas()
    empty = (deadlines.date_alt.isna()).sum()
    assert empty == 61                     # the 61 deadlines with no other reading: null, not ""


def test_reading_an_output_gives_back_the_tables_the_build_made(t, written):
    back = outputs.read(written)
    assert sorted(back) == sorted(t)
    for name, df in t.items():
        pd.testing.assert_frame_equal(back[name], df.reset_index(drop=True), check_dtype=False, obj=name)
        assert [str(d) for d in back[name].dtypes] == [str(d) for d in df.dtypes], name


def test_csvs_keep_their_text(t, written):
    """The CSVs are the tables as text: every cell as the table holds it (a blank for a missing value,
    true/false for a boolean, an apostrophe before text a spreadsheet would run as a formula), with
    a BOM so Excel reads UTF-8; typing the Parquet files changes nothing."""
    for name in t:        # every table, in its order (task_similarity spans many of DuckDB's 2,048-row vectors)
        raw = (written / f"{name}.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), name
        csv = pd.read_csv(written / f"{name}.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
        want = pd.DataFrame({c: pd.Series([_as_text(v) for v in t[name][c]], dtype=str) for c in t[name].columns})
        pd.testing.assert_frame_equal(csv, want, obj=name)


def _as_text(value) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(outputs._FORMULA_START):
        return "'" + value
    return str(value)


GOOD_COLUMN = "        type: string\n        title_zh: 编号\n        en: the id\n        zh: 编号\n"


@pytest.mark.parametrize("column, message, line", [
    ("      doc_id:\n        type: string\n        en: the id\n        zh: 编号\n", "documents.doc_id lacks title_zh", 6),
    ("      doc_id:\n        type: text\n        title_zh: 编号\n        en: the id\n        zh: 编号\n",
     "type 'text' is not one of string, integer", 6),
    ("      region: shared\n", "documents.region says 'shared' but shared_columns has no 'region'", 6),
    ("      doc_id: the id\n", "documents.doc_id must be a mapping", 6),
])
def test_a_badly_described_column_is_named_with_its_line(tmp_path, column, message, line):
    path = tmp_path / "tables.yml"
    path.write_text("offsets: {en: x, zh: y}\ntables:\n  documents:\n    primary_key: [doc_id]\n    columns:\n"
                    + column, encoding="utf-8")
    with pytest.raises(SourceError) as err:
        schema.load(path)
    assert message in str(err.value) and f"tables.yml:{line}:" in str(err.value)


def test_a_primary_key_or_workbook_sheet_that_does_not_exist_is_refused(tmp_path):
    path = tmp_path / "tables.yml"
    body = "offsets: {en: x, zh: y}\ntables:\n  documents:\n    primary_key: [doc]\n    columns:\n      doc_id:\n"
    path.write_text(body + GOOD_COLUMN, encoding="utf-8")
    with pytest.raises(SourceError, match="primary key column 'doc' is not one of its columns"):
        schema.load(path)
    path.write_text(body.replace("[doc]", "[doc_id]") + GOOD_COLUMN + "workbook: [documents, people]\n",
                    encoding="utf-8")
    with pytest.raises(SourceError, match="workbook sheet 'people' is neither a table nor a sheet"):
        schema.load(path)
