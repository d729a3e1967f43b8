"""Shared formulations, edited reuse and direction: on the five documents (values checked by reading
data/raw/), against the independent reference script, on corpora with known reuse, and bad settings."""

import importlib.util

import pandas as pd
import pytest

from analysis import PROJECT_ROOT
from analysis.errors import SourceError
from analysis.wording import agreement, direction, edited, formulations, maximal
from analysis.wording import shared_passages as shared_wording
from analysis.wording.passages import find_in_readings, reading_form

THREE_HIGHS = "推进高血压、高血糖、高血脂“三高”共管"       # yancheng body (十八) and annex 70, qinghai (五)


def _script():
    spec = importlib.util.spec_from_file_location(
        "make_verbatim_reference", PROJECT_ROOT / "tests" / "fixtures" / "shared" / "make_verbatim_reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _phrases(readings, min_chars):
    sa, _, starts, nodes = maximal.shared_nodes(readings, min_chars)
    joined = "".join(r.text + "\0" for r in readings)
    return {joined[sa[lb]:sa[lb] + n] for lb, _, n in nodes}


# -- the finder against the independent script ---------------------------------------------------

@pytest.mark.parametrize("min_chars", [10, 12, 20])
def test_phrases_are_exactly_the_strings_of_the_reference_scripts_maximal_runs(raw_text, min_chars, loops):
    # the script (tests/fixtures/shared, standard library only) lists every maximal identical run of
    # min_len+ characters between two documents; grouped by string they must be the phrases found
    script = _script()
    order = ["yancheng", "tibet", "qinghai", "shaoxing", "wuhu"]
    texts = [script.reading_form(raw_text[r])[0] for r in order]
    theirs = {texts[i][a:a + n] for i in range(5) for j in range(i + 1, 5)
              for a, b, n in script.maximal_runs(texts[i], texts[j], min_chars)}
    mine = _phrases([reading_form(raw_text[r]) for r in order], min_chars)
    assert mine == theirs
    assert len(mine) == {10: 114, 12: 56, 20: 3}[min_chars]


def test_a_phrase_inside_a_longer_shared_one_is_reported_only_where_it_stands_alone():
    long = "建立健全医疗服务价格动态调整机制"
    docs = [f"甲地{long}，", f"乙方{long}!", "丙处医疗服务价格动态调整机制。"]
    found = _phrases([reading_form(t) for t in docs], 10)
    # A and B share the long phrase; C shares only its 12-character tail, with A and with B
    assert found == {long, "医疗服务价格动态调整机制"}
    # two documents alone: the tail never stands alone, so it is not reported
    assert _phrases([reading_form(t) for t in docs[:2]], 10) == {long}


def test_no_phrase_runs_across_a_unit_boundary_or_from_one_document_into_the_next():
    a = "第一条推进医疗服务价格改革第二条"
    b = "推进医疗服务价格改革第二条"
    ra = reading_form(a, [13], 0)                  # a unit starts at 第二条
    rb = reading_form(b, [10], 1)
    assert _phrases([ra, rb], 5) == {"推进医疗服务价格改革"}
    assert _phrases([reading_form("短"), reading_form("短")], 1) == {"短"}
    assert _phrases([reading_form("")], 1) == set()


# -- the table on the five documents --------------------------------------------------------------

def test_the_three_highs_formulation_qinghai_first(t, raw_text):
    f = t["shared_formulations"]
    rows = f[f.phrase == THREE_HIGHS].sort_values("char_start")
    assert len(rows) == 3 and rows.formulation_id.nunique() == 1
    assert list(zip(rows.doc_id, rows.unit_id, rows.char_start, rows.char_end)) == [
        ("qinghai-2022", "qinghai:(五)", 1361, 1380), ("yancheng-2022", "yancheng:body(十八)", 5465, 5484),
        ("yancheng-2022", "yancheng:70", 14386, 14405)]
    for r in rows.itertuples():
        assert raw_text[r.region][r.char_start:r.char_end] == r.text == THREE_HIGHS
    # Qinghai was issued on 2022-05-11, Yancheng on 2022-09-14
    assert set(rows.first_doc) == {"qinghai-2022"} and set(rows.first_date) == {"2022-05-11"}
    assert dict(zip(rows.doc_id, rows.role)) == {"qinghai-2022": "source", "yancheng-2022": "adopter"}
    r = rows.iloc[0]
    assert (r.length, r.n_docs, r.n_occurrences, r.regions, r.distinctiveness, r.category) == (
        19, 2, 3, "yancheng;qinghai", 1.0, "substantive")


def test_the_price_adjustment_mechanism_is_a_twelve_character_formulation(t):
    f = t["shared_formulations"]
    rows = f[f.phrase == "医疗服务价格动态调整机制"]
    assert sorted(zip(rows.doc_id, rows.char_start)) == [
        ("qinghai-2022", 4393), ("yancheng-2022", 882), ("yancheng-2022", 8791)]


def test_every_offset_slices_the_raw_text_and_lies_in_its_unit(t, raw_text):
    f = t["shared_formulations"]
    units = t["units"].set_index("unit_id")
    assert len(f) and (f.length >= 10).all() and (f.n_docs >= 2).all()
    for r in f.itertuples():
        assert "".join(r.text.split()).replace("，", ",") == r.phrase.replace("，", ",")
        assert raw_text[r.region][r.char_start:r.char_end] == r.text
        u = units.loc[r.unit_id]
        assert u.char_start <= r.char_start and r.char_end <= u.char_end


def test_phrases_a_shared_passage_of_the_pair_already_holds_are_left_out(t):
    f = t["shared_formulations"]
    # the information-disclosure sentence is a shared passage of yancheng and qinghai: none of its
    # substrings is a formulation of that pair
    sentence = "把合理用药、规范诊疗情况作为医疗机构信息公开重要内容"
    assert not f.phrase.map(lambda p: p in sentence).any()
    assert not f.in_passage.any()


def test_boilerplate_and_agency_names_are_set_apart_and_shared_by_all_is_not_distinctive(t):
    g = t["shared_formulations"].drop_duplicates("formulation_id").set_index("phrase")
    assert g.loc["坚持以人民健康为中心", "category"] == "boilerplate"
    assert g.loc["、市发改委、市财政局", "category"] == "agencies"
    # 深化医药卫生体制改革 is printed by three of the five documents as a phrase of its own
    assert g.loc["深化医药卫生体制改革", "n_docs"] == 3
    assert g.loc["深化医药卫生体制改革", "distinctiveness"] == pytest.approx(0.5575, abs=1e-4)
    assert formulations.distinctiveness(5, 5) == 0.0 and formulations.distinctiveness(2, 5) == 1.0
    assert formulations.distinctiveness(2, 2) == 1.0


def test_every_pair_sharing_twelve_characters_is_reported(t):
    fp = agreement.formulation_pairs(t["shared_passages"], t["shared_formulations"], t["units"])
    assert fp["runs"] == 95 and fp["pairs"] == fp["pairs_reported"] == 10
    # each run not reported whole runs across a unit boundary (a responsibility parenthesis into the
    # next task's number, page chrome into the title), where the finder always stops
    assert all(m[5] for m in fp["missed"]) and fp["reported"] == 78


# -- direction ------------------------------------------------------------------------------------

def test_passages_say_which_document_has_them_first(t):
    sp = t["shared_passages"]
    yq = sp[(sp.doc_a == "yancheng-2022") & (sp.doc_b == "qinghai-2022")]
    assert len(yq) == 5 and set(yq["first"]) == {"b"} and set(yq.source_doc) == {"qinghai-2022"}
    assert set(yq.adopter_doc) == {"yancheng-2022"}
    tq = sp[sp.doc_a == "tibet-2021"].iloc[0]
    # Tibet's manifest entry has no issue date: its publication date, 2021-09-30, is used
    assert (tq.date_a, tq.date_b, tq["first"], tq.source_doc) == ("2021-09-30", "2022-05-11", "a", "tibet-2021")


def test_dates_compare_only_as_far_as_they_are_known():
    assert direction.compare("2021-09-30", "2022-05-11") == -1
    assert direction.compare("2022", "2022-05-11") == 0           # the same year: cannot tell
    assert direction.compare("2021", "2022-05-11") == -1
    assert direction.compare("", "2022-05-11") == 0
    docs = pd.DataFrame({"doc_id": ["a", "b", "c"], "issued_on": ["", "2020-01-02", ""],
                         "published_on": ["2020-01-02", "", ""], "year": [2020, 2020, 2019]})
    dates = direction.doc_dates(docs)
    assert dates == {"a": "2020-01-02", "b": "2020-01-02", "c": "2019"}
    assert direction.roles(["a", "b"], dates) == (["a", "b"], {"a": "same date", "b": "same date"})
    assert direction.roles(["a", "b", "c"], dates) == (["c"], {"a": "adopter", "b": "adopter", "c": "source"})



def test_passage_direction_on_whole_columns_agrees_with_compare_on_every_pair():
    docs = pd.DataFrame({"doc_id": ["a", "b", "c", "d", "e"], "issued_on": ["2021-03-01", "", "", "2021-03-01", ""],
                         "published_on": ["", "2021-05-01", "", "", ""], "year": [2021, 2021, 2020, 2021, None]})
    dates = direction.doc_dates(docs)
    pairs = [(x, y) for x in "abcde" for y in "abcdez" if x != y]          # z: not in documents
    got = direction.add_to_passages(pd.DataFrame({"doc_a": [x for x, _ in pairs], "doc_b": [y for _, y in pairs]}), docs)
    for (x, y), row in zip(pairs, got.itertuples()):
        c = direction.compare(dates.get(x, ""), dates.get(y, ""))
        assert row.first == ("a" if c < 0 else "b" if c > 0 else direction.SAME), (x, y)
        assert (row.source_doc, row.adopter_doc) == ((x, y) if c < 0 else (y, x) if c > 0 else ("", "")), (x, y)
    assert set(got["first"]) == {"a", "b", direction.SAME}
    assert direction.add_to_passages(pd.DataFrame({"doc_a": [], "doc_b": []}), docs).empty

# -- edited reuse ---------------------------------------------------------------------------------

def test_the_two_allowances_clause_is_found_with_its_edits(t):
    e = t["edited_reuse"]
    # yancheng annex 落实“两个允许”要求,科学确定公立医院薪酬水平 ~ tibet 落实“两个允许”要求,合理确定、动态调整公立医院薪酬水平
    row = e[(e.doc_a == "yancheng-2022") & (e.a_start == 9635) & (e.doc_b == "tibet-2021")].iloc[0]
    assert row.b_start == 3186 and row.edits == "科学→合理; +、动态调整" and row.n_edits == 2
    assert (row.source_doc, row.adopter_doc) == ("tibet-2021", "yancheng-2022")
    assert (e.similarity < 1).all() and (e.similarity >= 0.55).all()


def test_every_edited_reuse_of_the_reference_is_reported(t):
    ev = agreement.edited_evaluation(t["shared_passages"], t["edited_reuse"], t["shared_formulations"])
    assert ev["edited"] == 31 and ev["found"] == 31, ev["missed"]
    assert ev["real"] >= 24


def test_edits_are_read_off_the_alignment():
    assert edited.edits("落实两个允许要求科学确定薪酬", "落实两个允许要求合理确定、动态调整薪酬") == ["科学→合理", "+、动态调整"]
    assert edited.edits("推进医疗联合体建设", "推进医联体建设") == ["−疗", "−合"]
    assert edited.edits("一样", "一样") == []


def test_the_threshold_is_the_researchers(tmp_path):
    cfg = tmp_path / "shared_wording.yml"
    cfg.write_text("edited_reuse:\n  min_similarity: 0.95\n", encoding="utf-8")
    strict = shared_wording.load_config(cfg)
    a = reading_form("各地要落实两个允许要求科学确定公立医院薪酬水平并建立动态调整机制。")
    b = reading_form("各地要落实两个允许要求合理确定公立医院薪酬水平并建立动态调整机制。")
    assert len(find_in_readings([a, b], shared_wording.load_config().edited)) == 1
    assert find_in_readings([a, b], strict.edited).empty


@pytest.mark.parametrize("text, message", [
    ("edited_reuse: {min_similarity: 1.5}\n", "shared_wording.yml:1: setting min_similarity: 1.5 is out of range"),
    ("edited_reuse:\n  kk: 3\n", "shared_wording.yml:2: unknown setting(s) in edited_reuse: kk"),
    ("formulations:\n  min_chars: 0\n", "shared_wording.yml:1: formulations min_chars must be a whole number ≥ 1"),
    ("formulations: [10]\n", "formulations must be a mapping"),
])
def test_bad_settings_name_the_file_and_line(tmp_path, text, message):
    cfg = tmp_path / "shared_wording.yml"
    cfg.write_text(text, encoding="utf-8")
    with pytest.raises(SourceError, match=message.replace("(", r"\(").replace(")", r"\)")):
        shared_wording.load_config(cfg)
