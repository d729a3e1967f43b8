"""Notebook 06's formulation and template views (analysis.comparison.wording), on the five documents
and the template fixture; expected values read in data/raw/ and tests/fixtures/templates/."""

import re

import pytest

from analysis import PROJECT_ROOT, build
from analysis.comparison import compare, wording
from analysis.errors import SourceError

THREE_HIGHS = "推进高血压、高血糖、高血脂“三高”共管"


@pytest.fixture(scope="module")
def texts(t):
    return wording.raw_texts(t["documents"])


def test_formulations_most_distinctive_first_with_first_user(t):
    labels = compare.region_labels(t["documents"])
    v = wording.formulations(t["shared_formulations"], t["documents"], labels=labels)
    assert set(v.category) == {"substantive"}
    assert v.distinctiveness.is_monotonic_decreasing
    top = v.iloc[0]
    # the longest phrase exactly two documents print: Qinghai (2022-05-11) before Yancheng (2022-09-14)
    assert (top.phrase, top.length, top.first_date) == (THREE_HIGHS, 19, "2022-05-11")
    assert top.first_region == labels["qinghai"] and top.adopters == labels["yancheng"]
    assert top.unit_ids == "yancheng:body(十八), yancheng:70, qinghai:(五)"
    # titles are set apart as frame, not counted among the substantive phrases
    frame = wording.formulations(t["shared_formulations"], t["documents"], ("frame",))
    assert "深化医药卫生体制改革重点工作任务" in set(frame.phrase)
    assert "深化医药卫生体制改革重点工作任务" not in set(v.phrase)


def test_the_sentences_side_by_side_mark_the_phrase(t, texts):
    html = wording.formulations_side_by_side(t["shared_formulations"], texts, t["documents"], n=1)
    marked = re.findall(r"<mark[^>]*>(.*?)</mark>", html)
    assert marked == [THREE_HIGHS, THREE_HIGHS]
    # Qinghai's sentence (task (五)) and Yancheng's (body (十八)) around it, as printed
    assert "，推动基层慢病医防融合。" in html and "试点,完善慢性病健康管理适宜技术和服务模式" in html
    assert "adopter · <code>yancheng:body(十八)</code> (+1 more)" in html and "source · <code>qinghai:(五)</code>" in html


def test_a_changed_raw_text_is_an_error_not_a_wrong_view(t, texts):
    bad = dict(texts, qinghai=texts["qinghai"].replace("三高", "两高"))
    with pytest.raises(SourceError, match="does not match the raw text"):
        wording.formulations_side_by_side(t["shared_formulations"], bad, t["documents"], n=1)


def test_sentence_around_stops_at_sentence_ends():
    raw = "第一句。推进医疗服务价格改革，完善机制；第三句"
    s, e = raw.index("医疗"), raw.index("医疗") + 2
    assert raw[slice(*wording.sentence_around(raw, s, e))] == "推进医疗服务价格改革，完善机制；"
    assert wording.sentence_around("abc", 0, 3) == (0, 3)


def test_counts_per_category(t):
    counts = wording.formulation_counts(t["shared_formulations"])
    assert counts["all"] == sum(v for k, v in counts.items() if k != "all")
    assert counts["all"] == t["shared_formulations"].formulation_id.nunique()


def test_template_views():
    fixtures = PROJECT_ROOT / "tests" / "fixtures" / "templates"
    ta = build.build_tables(fixtures / "documents.yml", fixtures)["template_alignment"]
    s = wording.template_summary(ta)
    assert s.to_dict("records") == [{"template_doc": "shifansheng-2023", "doc_id": "yangli-2023", "aligned": 4,
                                     "moved": 2, "added": 2, "omitted": 2}]
    v = wording.template_view(ta, chars=20)
    assert list(v.status) == ["aligned"] * 4 + ["added"] * 2 + ["omitted"] * 2
    assert list(v.unit_id[:4]) == ["yangli:1", "yangli:2", "yangli:3", "yangli:4"]
    assert v.text.iloc[0].endswith("…") and len(v.text.iloc[0]) == 20


def test_no_template_no_rows(t):
    assert t["template_alignment"].empty
    assert wording.template_summary(t["template_alignment"]).empty and wording.template_view(t["template_alignment"]).empty
