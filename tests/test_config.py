"""Data files a researcher edits: every fault is one line naming the file (and line where there is one)."""

from __future__ import annotations

import pytest

from analysis.config import read_yaml
from analysis.errors import SourceError
from analysis.extraction import metrics
from analysis.reading.agencies import load_dictionary
from analysis.reading.manifest import load_manifest
from analysis.reading.repairs import load_curated

CASES = [
    ("utf16", "documents: []\n".encode("utf-16"), "saved as UTF-16: save it as UTF-8"),
    ("gb18030", "# 注释\ndocuments: []\n".encode("gb18030"), "not UTF-8 (byte 0xca; saved as GB18030/GBK?)"),
    ("alias", b"a: &x [1, 2]\nb: *x\n", "YAML anchors and aliases (&name, *name) are not accepted"),
    ("malformed", b"a: [1, 2\nb: 3\n", "not valid YAML"),
]


@pytest.mark.parametrize("name, data, message", CASES)
def test_a_bad_data_file_is_one_line_naming_it(tmp_path, name, data, message):
    path = tmp_path / f"{name}.yml"
    path.write_bytes(data)
    with pytest.raises(SourceError) as err:
        read_yaml(path)
    assert message in str(err.value) and str(err.value).startswith(str(path)) and "\n" not in str(err.value)


def test_a_folder_is_not_a_data_file(tmp_path):
    with pytest.raises(SourceError, match="is a folder, not a YAML file"):
        read_yaml(tmp_path)


@pytest.mark.parametrize("loader, text, message", [
    (lambda p: load_dictionary(p), "", "expected a mapping with 'prefixes:' at the top, found nothing"),
    (lambda p: load_dictionary(p), "prefixes: []\ncores: {}\nfull_names: []\nleading_group: {}\n",
     "'cores' must be a list"),
    (lambda p: load_dictionary(p), "prefixes: []\ncores: [{zh: 卫健委}]\nfull_names: []\nleading_group: {}\n",
     "an entry lacks or misshapes"),
    (lambda p: metrics.load(p), "metrics: 3\n", "'metrics' must be a list"),
    (lambda p: metrics.load(p), "metrics: [{all: [x]}]\n", "metric rule 1 needs an id"),
    (lambda p: load_curated("x", "text", p, source=p), "repairs: [{region: x}]\n", "repair 1 needs region, context and raw"),
    (lambda p: load_manifest(p), "documents: {a: 1}\n", "'documents' must be a list"),
])
def test_an_empty_or_misshapen_dictionary_is_named(tmp_path, loader, text, message):
    path = tmp_path / "data.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourceError, match=message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")):
        loader(path)


@pytest.mark.parametrize("value, message", [
    ("true", "year must be a whole number from 1949 to 2100, not True"),
    ("2021.9", "not 2021.9"), ("-5", "not -5"), ("1000000000000000000000000000000", "year must be a whole number"),
])
def test_a_year_out_of_type_or_range_is_refused(tmp_path, value, message):
    path = tmp_path / "documents.yml"
    path.write_text(f"documents:\n  - {{file: a.txt, region: a, year: {value}, level: county}}\n", encoding="utf-8")
    with pytest.raises(SourceError, match=message):
        load_manifest(path)


def test_text_fields_must_be_text_and_levels_known(tmp_path):
    path = tmp_path / "documents.yml"
    path.write_text("documents:\n  - {file: a.txt, region: a, year: 2020, level: county, title: {zh: x}}\n",
                    encoding="utf-8")
    with pytest.raises(SourceError, match="title must be text, not dict"):
        load_manifest(path)
    path.write_text("documents:\n  - {file: a.txt, region: a, year: 2020, level: township}\n", encoding="utf-8")
    with pytest.raises(SourceError, match="level must be one of national, provincial, prefecture, county"):
        load_manifest(path)
    path.write_text("documents:\n  - {file: a.txt, year: 2020, level: county}\n", encoding="utf-8")
    with pytest.raises(SourceError, match=r"lacks region \(required: file, region, year, level\)"):
        load_manifest(path)


@pytest.mark.parametrize("text, message", [
    ("settings: {k: 0}\n", "setting k: 0 is out of range"),
    ("settings: {min_similarity: 1.5}\n", "setting min_similarity: 1.5 is out of range"),
    ("task_similarity: {per_region: 0}\n", "per_region must be a whole number ≥ 1, not 0"),
])
def test_shared_wording_settings_out_of_range_are_named(tmp_path, text, message):
    from analysis.wording.shared_passages import load_config

    path = tmp_path / "shared_wording.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourceError, match=message):
        load_config(path)


def test_a_string_where_a_list_belongs_is_named_not_split_into_characters(tmp_path):
    path = tmp_path / "agencies.yml"
    path.write_text("prefixes: []\ncores: [{zh: 卫健委, en: x, function: health, aliases: 卫生健康委}]\nfull_names: []\n"
                    "leading_group: {pattern: x, function: y, en: z}\n", encoding="utf-8")
    with pytest.raises(SourceError, match=r"'aliases' of 卫健委 \(write a list: aliases: \[a, b\]\)"):
        load_dictionary(path)
