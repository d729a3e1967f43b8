"""Templates: a city's task list aligned one to one with the provincial template it answers
(tests/fixtures/templates: written for these tests; what each task adapts is stated in its manifest)."""

import subprocess
import sys

import numpy as np
import pytest

from analysis import PROJECT_ROOT, build
from analysis.errors import SourceError
from analysis.reading.manifest import load_manifest
from analysis.wording import templates

FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "templates"
MANIFEST = FIXTURES / "documents.yml"


@pytest.fixture(scope="module")
def alignment():
    return build.build_tables(MANIFEST, FIXTURES)["template_alignment"]


def test_each_city_task_adapts_its_provincial_task_in_any_order(alignment):
    a = alignment[alignment.status == "aligned"]
    # city 1 (county medical communities) answers province 4, city 2 (family doctors) 5, city 3 (DRG) 1,
    # city 4 (price adjustment) 3: the city put the primary-care part first
    assert list(zip(a.unit_id, a.template_unit)) == [
        ("yangli:1", "shifansheng:4"), ("yangli:2", "shifansheng:5"), ("yangli:3", "shifansheng:1"),
        ("yangli:4", "shifansheng:3")]
    assert list(a.moved) == [True, True, False, False]
    assert set(alignment.template_doc) == {"shifansheng-2023"} and set(alignment.doc_id) == {"yangli-2023"}
    assert (a.score >= 0.3).all()


def test_added_tasks_and_template_tasks_left_out(alignment):
    assert list(alignment[alignment.status == "added"].unit_id) == ["yangli:5", "yangli:6"]
    assert list(alignment[alignment.status == "omitted"].template_unit) == ["shifansheng:2", "shifansheng:6"]


def test_aligned_spans_slice_identical_text_on_both_sides(alignment):
    city = (FIXTURES / "city-2023.txt").read_text(encoding="utf-8")
    province = (FIXTURES / "province-2023.txt").read_text(encoding="utf-8")
    row = alignment[alignment.unit_id == "yangli:4"].iloc[0]
    pairs = list(zip(row.template_spans.split(";"), row.spans.split(";")))
    assert pairs
    for ts, cs in pairs:
        (t0, t1), (c0, c1) = (map(int, ts.split("-")), map(int, cs.split("-")))
        assert province[t0:t1] == city[c0:c1]
    assert province[int(pairs[0][0].split("-")[0]):].startswith(".建立医疗服务价格动态调整机制,")  # after 3 | 4


def test_the_assignment_is_one_to_one_and_drops_weak_pairs():
    scores = np.array([[0.9, 0.8], [0.85, 0.1], [0.2, 0.25]])
    # greedy would pair 0-0 and leave 1 with 0.1; the assignment maximises the total
    assert templates.align(scores, 0.3) == [(0, 1), (1, 0)]
    assert templates.align(scores, 0.95) == []
    assert templates.align(np.zeros((0, 3)), 0.3) == []


def test_against_a_file_prints_the_alignment():
    proc = subprocess.run([sys.executable, "-m", "analysis", "wording", "--against", str(FIXTURES / "city-2023.txt"),
                           "--manifest", str(MANIFEST)], capture_output=True, text=True, timeout=300, cwd=PROJECT_ROOT)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "against the template shifansheng-2023: 4 tasks adapt template tasks, 2 added, 2 template tasks left out" in out
    assert "aligned  city-2023:1 (#1) <- shifansheng:4 (#4) (moved)" in out
    assert "omitted  shifansheng:6 (#6) 6.推进高血压、糖尿病等慢性病医防融合" in out


def test_against_without_a_template_or_a_file_is_one_line():
    for args, message in ((["--against", str(FIXTURES / "city-2023.txt")], "no document is marked 'template: true'"),
                          (["--against", str(FIXTURES / "nothing.txt")], "file not found (--against)"),
                          (["--against", str(FIXTURES / "city-2023.txt"), "--template", "nowhere"],
                           "no document 'nowhere' in the manifest")):
        proc = subprocess.run([sys.executable, "-m", "analysis", "wording", *args], capture_output=True, text=True,
                              timeout=300, cwd=PROJECT_ROOT)
        assert proc.returncode == 1 and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
        assert message in proc.stderr


def test_a_template_flag_must_be_true_or_false(tmp_path):
    text = MANIFEST.read_text(encoding="utf-8").replace("template: true", "template: yes please")
    (tmp_path / "documents.yml").write_text(text, encoding="utf-8")
    with pytest.raises(SourceError, match="template must be true or false, not 'yes please'"):
        load_manifest(tmp_path / "documents.yml")
    assert [d.template for d in load_manifest(MANIFEST)] == [True, False]
