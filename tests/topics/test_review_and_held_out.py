"""The review round trip (topics --review -> coder -> build --overrides) and the held-out topic measurement."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys

import pandas as pd
import pytest
import yaml

from analysis import PROJECT_ROOT, RAW_DIR
from analysis.errors import SourceError

FORMS = PROJECT_ROOT / "tests" / "fixtures" / "forms"
GENRE3 = PROJECT_ROOT / "tests" / "fixtures" / "genre3"


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "analysis", *args], capture_output=True, text=True,
                          cwd=PROJECT_ROOT, timeout=300)


@pytest.fixture
def vague_document(tmp_path):
    """A short county task list with two tasks no lexicon term codes: the model is unsure of both."""
    raw = tmp_path / "raw"
    raw.mkdir()
    entry = {"file": "label-lines-2019.txt", "region": "jia", "year": 2019, "level": "county"}
    text = (FORMS / entry["file"]).read_text(encoding="utf-8").replace(
        "三、保障措施", "三、其他工作\n4.做好有关工作。（县卫健局负责）\n5.抓好相关事项落实。（县卫健局负责）\n四、保障措施")
    (raw / entry["file"]).write_text(text, encoding="utf-8")
    (raw / "documents.yml").write_text(yaml.safe_dump({"documents": [entry]}, allow_unicode=True), "utf-8")
    return raw / "documents.yml"


def test_review_file_round_trips_through_build_overrides(tmp_path, vague_document):
    review = tmp_path / "review.csv"
    p = _cli("topics", "--review", "--manifest", str(vague_document), "--out", str(review))
    assert p.returncode == 0, p.stderr
    with open(review, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["unit_id", "text", "candidates", "probabilities", "topic", "is_primary", "reason", "coder"]
    listed = {r[0]: r for r in rows[1:]}
    assert {"jia:4", "jia:5"} <= set(listed)
    assert listed["jia:4"][1].startswith("4.做好有关工作")
    candidates, probs = listed["jia:4"][2].split(";"), [float(x) for x in listed["jia:4"][3].split(";")]
    assert len(candidates) == 3 and probs == sorted(probs, reverse=True) and probs[0] < 0.5
    assert listed["jia:4"][4:] == ["", "", "", ""]
    # the coder decides jia:4 and leaves every other row blank (ignored)
    for r in rows[1:]:
        if r[0] == "jia:4":
            r[4:] = ["reform_governance", "true", "a catch-all task of the reform office", "tester"]
    with open(review, "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows)
    out = tmp_path / "out"
    p = _cli("build", "--manifest", str(vague_document), "--out", str(out), "--overrides", str(review))
    assert p.returncode == 0, p.stderr
    assert "overrides applied to 1 units: jia:4" in p.stdout and "low-confidence primaries" in p.stdout
    tt = pd.read_parquet(out / "task_topics.parquet")
    mine = tt[(tt.unit_id == "jia:4") & tt.is_primary].iloc[0]
    assert mine.topic == "reform_governance" and mine.method == "override" and "tester" in mine.evidence
    assert tt[(tt.unit_id == "jia:5") & tt.is_primary].iloc[0].method == "model"   # left blank: untouched
    # once decided, a unit is no longer listed for review
    p = _cli("topics", "--review", "--manifest", str(vague_document), "--overrides", str(review))
    assert p.returncode == 0, p.stderr
    assert "jia:4," not in p.stdout and "jia:5," in p.stdout


def test_a_half_filled_review_row_is_named(tmp_path, t):
    from analysis.topics.codebook import load_codebook
    from analysis.topics.overrides import load

    path = tmp_path / "review.csv"
    path.write_text("unit_id,text,candidates,probabilities,topic,is_primary,reason,coder\n"
                    "wuhu:1,某任务,tcm;tiered_care;primary_care,0.4;0.3;0.1,,,,\n"
                    "wuhu:2,某任务,tcm;tiered_care;primary_care,0.4;0.3;0.1,tcm,true,,\n", encoding="utf-8")
    with pytest.raises(SourceError, match=r"review.csv:3: every override needs a reason and a coder"):
        load(path, load_codebook(), set(t["task_topics"].unit_id))


def test_held_out_keys_line_up_with_the_answer_keys():
    from analysis.topics.agreement import HELD_OUT, held_out_keys

    codes = set(__import__("analysis.topics.codebook", fromlist=["x"]).load_codebook().codes)
    for folder in HELD_OUT:
        keys = held_out_keys(folder)
        for key_path in sorted(folder.glob("*.yml")):
            key = yaml.safe_load(key_path.read_text(encoding="utf-8"))
            assert len(keys[key["file"]]) == len(key["tasks"]), key_path
            assert all(k and set(k) <= codes for k in keys[key["file"]]), key_path


def test_held_out_measurement_counts_defensible_primaries(tmp_path):
    from analysis.topics.agreement import held_out_agreement
    from analysis.topics.coder import TopicCoder

    folder = tmp_path / "genre3"
    folder.mkdir()
    for name in ("01-national-2014-guobanfa",):
        for ext in (".txt", ".yml"):
            shutil.copy(GENRE3 / (name + ext), folder / (name + ext))
    key = yaml.safe_load((folder / "01-national-2014-guobanfa.yml").read_text(encoding="utf-8"))
    h = held_out_agreement(folder, TopicCoder())
    assert h["n"] == len(key["tasks"]) and 0 < h["matched"] <= h["n"]
    assert h["strict"] <= h["defensible"] <= h["matched"]
    assert len(h["misses"]) == h["matched"] - h["defensible"]
    # a topic key that does not line up with the answer key is named, not silently skipped
    (folder / "topics.csv").write_text("file,marker,starts_with,primary,alternatives\n", encoding="utf-8")
    with pytest.raises(SourceError, match="topic rows for"):
        held_out_agreement(folder, TopicCoder())
