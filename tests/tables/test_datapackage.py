"""datapackage.json describes every table and column, and frictionless validates it offline."""

from __future__ import annotations

import json
import re
import shutil
import socket

import frictionless
import pandas as pd
import pytest

from analysis import PROJECT_ROOT
from analysis.tables import schema


@pytest.fixture
def offline(monkeypatch):
    """No connection can be opened: validation must not fetch a profile or anything else."""
    def refuse(*args, **kwargs):
        raise OSError("network use in an offline test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def _package(folder):
    return json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))


def test_the_built_package_validates(written, offline):
    report = frictionless.validate(written / "datapackage.json")
    assert report.valid, report.flatten(["resourcePath", "rowNumber", "fieldName", "type", "note"])[:10]
    rows = {task.name: task.stats.get("rows", 0) for task in report.tasks}
    assert len(rows) == 14 and {n for n, r in rows.items() if r == 0} == {"template_alignment"}, rows


def test_every_table_and_column_is_in_the_package(t, written):
    package = _package(written)
    resources = {r["name"]: r for r in package["resources"]}
    assert sorted(resources) == sorted(t)
    for name, df in t.items():
        fields = resources[name]["schema"]["fields"]
        assert [f["name"] for f in fields] == list(df.columns), name
        for f in fields:
            assert f["description"] and f["description_zh"] and f["title"], (name, f["name"])
    assert "char_end exclusive" in package["offsets"]["en"] and "不含" in package["offsets"]["zh"]
    fields = {f["name"]: f for f in resources["deadlines"]["schema"]["fields"]}
    assert fields["date"]["type"] == "date" and fields["char_start"]["unit"] == "characters"
    assert "offsets" in fields["char_start"]["description"]
    assert fields["precision"]["constraints"] == {"enum": ["year", "month", "day"]}
    assert resources["task_topics"]["schema"]["primaryKey"] == ["unit_id", "topic"]
    assert resources["units"]["parquet"] == "units.parquet"
    # the header of each CSV is the field list, in order
    for name in ("units", "targets"):
        header = (written / f"{name}.csv").read_text(encoding="utf-8-sig").split("\n", 1)[0].strip()
        assert header.split(",") == [f["name"] for f in resources[name]["schema"]["fields"]]


@pytest.mark.parametrize("table, change, error", [
    ("task_agencies", lambda df: df.assign(role=["boss"] + list(df.role[1:])), "constraint-error"),
    ("deadlines", lambda df: df.assign(date=["2022-13-45"] + list(df.date[1:])), "type-error"),
    ("topics", lambda df: pd.concat([df, df.head(1)]), "primary-key"),
    ("targets", lambda df: df.assign(unit_id=["nowhere:1"] + list(df.unit_id[1:])), "foreign-key"),
])
def test_validation_catches_a_broken_table(t, written, tmp_path, offline, table, change, error):
    """The check is real: one bad row in one CSV makes the package invalid, and says which rule."""
    copy = tmp_path / "copy"
    shutil.copytree(written, copy)
    change(t[table]).to_csv(copy / f"{table}.csv", index=False, encoding="utf-8-sig")
    report = frictionless.validate(copy / "datapackage.json")
    assert not report.valid
    types = {e.type for task in report.tasks for e in task.errors}
    assert error in types, types


def test_a_column_the_schema_file_lacks_is_still_written_and_named(tmp_path):
    from analysis.tables import datapackage, outputs

    tables = {"documents": pd.DataFrame({"doc_id": ["a-2020"], "mood": ["calm"]})}
    assert datapackage.undescribed(tables, schema.load()) == ["documents.mood"]
    outputs.write(tables, tmp_path / "out")
    field = _package(tmp_path / "out")["resources"][0]["schema"]["fields"][1]
    assert field == {"name": "mood", "type": "string", "description": "(not described in tables.yml)"}


def test_citation_file_is_valid_cff_1_2_0():
    import jsonschema
    import yaml

    cff = yaml.safe_load((PROJECT_ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    cff_schema = json.loads((PROJECT_ROOT / "tests" / "fixtures" / "cff" / "schema-1.2.0.json").read_text())
    jsonschema.validate(cff, cff_schema)            # raises, naming the property, when invalid
    assert cff["cff-version"] == "1.2.0"
    with pytest.raises(jsonschema.ValidationError):  # the schema is a real check: an author is required
        jsonschema.validate({**cff, "authors": []}, cff_schema)
