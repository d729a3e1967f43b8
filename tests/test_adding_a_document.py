"""docs/adding-a-document.md, followed step by step with the fixture document: no new code."""

import datetime as dt
import re
import shutil
import subprocess
import sys

import pandas as pd
import pytest

from analysis import PROJECT_ROOT, RAW_DIR
from analysis.report import runner as briefings

DOC = PROJECT_ROOT / "docs" / "adding-a-document.md"
FIXTURE = PROJECT_ROOT / "tests" / "fixtures" / "new_document" / "demo-2023.txt"


def run(*args, timeout=300):
    return subprocess.run([sys.executable, "-m", "analysis", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=PROJECT_ROOT)


def manifest_entry() -> str:
    text = DOC.read_text(encoding="utf-8")
    m = re.search(r"<!-- manifest-entry -->\s*```yaml\n(.*?)```", text, re.S)
    assert m, "the walk-through lost its manifest entry block"
    return m.group(1)


@pytest.fixture(scope="module")
def six(tmp_path_factory):
    """data/raw plus the fixture, with the walk-through's manifest entry appended, built."""
    root = tmp_path_factory.mktemp("six")
    raw = root / "raw"
    shutil.copytree(RAW_DIR, raw)
    shutil.copy(FIXTURE, raw / "demo-2023.txt")
    with open(raw / "documents.yml", "a", encoding="utf-8") as f:
        f.write(manifest_entry())
    proc = run("build", "--manifest", str(raw / "documents.yml"), "--out", str(root / "out"))
    assert proc.returncode == 0, proc.stderr
    return root, proc.stdout


def test_inspect_finds_the_family_the_walk_through_names():
    proc = run("inspect", str(FIXTURE))
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert re.search(r"paragraphs +task_marker=arabic, roles=parenthesis, follow_on=True, closing_parts=工作要求.* 5 tasks", out)
    assert "read as paragraphs (task_marker=arabic, roles=parenthesis, follow_on=True" in out
    assert "targets 4, deadlines 3, agency rows 11" in out
    assert "unaccounted text: none" in out
    assert "demo-2023:4+1" in out and "市卫生健康委[lead]" in out
    # a manifest entry to paste, its metadata read from the text
    entry = out[out.index("proposed manifest entry"):]
    for line in ("- file: demo-2023.txt", "region: demo", "year: 2023", "level: prefecture", "region_zh: 示范市",
                 "title: 示范市2023年深化医药卫生体制改革重点工作任务", "issuer: 示范市人民政府办公室",
                 "issued_on: 2023-03-01"):
        assert line in entry, line


def test_inspect_with_a_family_that_does_not_fit_names_the_rule_and_line():
    proc = run("inspect", str(FIXTURE), "--family", "paragraphs", "--param", "roles=first_listed")
    assert proc.returncode == 0, proc.stderr
    assert "rule failed: task 1 does not end with its 责任单位 list" in proc.stdout
    assert re.search(r">> +9 \| 1\.推进按疾病诊断相关分组付费", proc.stdout)


def test_inspect_shows_unaccounted_text(tmp_path):
    # text after the safeguards that no rule reads: the closing part takes it as a safeguard,
    # so damage the body instead: a sentence between a section heading and its first task (a
    # line without punctuation there would read as the heading's title wrapped)
    text = FIXTURE.read_text(encoding="utf-8").replace("(二)完善医疗服务价格机制", "(二)完善医疗服务价格机制\n附注:说明")
    path = tmp_path / "demo-2023.txt"
    path.write_text(text, encoding="utf-8")
    proc = run("inspect", str(path), "--family", "paragraphs", "--param", "follow_on=true")
    assert "rule failed: paragraph is neither a heading nor a numbered task" in proc.stdout
    assert re.search(r">> +12 \| 附注:说明", proc.stdout)


def test_inspect_bad_arguments_are_one_line_errors():
    for args, message in ((["--family", "columns"], "unknown family"),
                          (["--family", "paragraphs", "--param", "roles"], "is not KEY=VALUE"),
                          (["--family", "paragraphs", "--param", "colour=red"], "unknown parameter(s) for family paragraphs: colour")):
        proc = run("inspect", str(FIXTURE), *args)
        assert proc.returncode == 1 and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
        assert message in proc.stderr


def test_the_new_document_builds_with_its_tasks_agencies_targets_and_deadlines(six):
    root, stdout = six
    assert "demo (示范市, 2023): tasks 5, agency rows 11, agencies 3, targets 4, deadlines 3" in stdout
    # the entry names no family: the build found the layout and says so
    assert "layout: detected paragraphs(task_marker=arabic, roles=parenthesis, follow_on=True" in stdout
    assert "no sha256 for demo-2023.txt in the manifest; to pin this copy add  sha256: " in stdout
    out = root / "out"
    ta = pd.read_parquet(out / "task_agencies.parquet")
    roles = {(r.unit_id, r.name_zh, r.role) for r in ta[ta.region == "demo"].itertuples()}
    assert {("demo:1", "市医保局", "lead"), ("demo:1", "市卫生健康委", "support"),
            ("demo:2", "市医保局", "joint"), ("demo:2", "市卫生健康委", "joint"),
            ("demo:4+1", "市卫生健康委", "lead")} <= roles
    tg = pd.read_parquet(out / "targets.parquet")
    drg = tg[(tg.unit_id == "demo:1")].iloc[0]
    assert (drg.value, drg.comparator, drg.deadline) == (70.0, "ge", dt.date(2023, 12, 31))  # Parquet dates are dates
    dl = pd.read_parquet(out / "deadlines.parquet")
    assert set(dl[dl.region == "demo"].date) == {dt.date(2023, 12, 31), dt.date(2024, 6, 30)}
    topics = pd.read_parquet(out / "task_topics.parquet")
    assert topics[(topics.unit_id == "demo:1") & topics.is_primary].topic.item() == "payment_reform"


def test_the_notebooks_and_briefings_take_the_sixth_document(six, tmp_path):
    root, _ = six
    briefings.run(out_dir=tmp_path / "reports", figures_dir=tmp_path / "figures", tables_dir=root / "out")
    overview = (tmp_path / "reports" / "01_overview.html").read_text(encoding="utf-8")
    assert "示范市" in overview
    coverage = pd.read_csv(next((tmp_path / "figures").glob("*topic*heatmap*.csv")))
    assert coverage.astype(str).apply(lambda c: c.str.contains("demo|示范|Demo")).any().any()
