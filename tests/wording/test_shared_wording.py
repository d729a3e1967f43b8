"""Shared passages and task similarity: on the real documents, on corpora with known reuse, and on bad settings."""

import random
import subprocess
import sys

import pytest

from analysis.errors import SourceError
from analysis.wording import agreement as wording_agreement
from analysis.wording import shared_passages as shared_wording
from analysis.wording.passages import Settings, find, find_in_readings, reading_form

SENTENCE = "把合理用药、规范诊疗情况作为医疗机构信息公开重要内容"          # Yancheng and Qinghai both print it


def passage(t, doc_a, a_start, doc_b, b_start):
    sp = t["shared_passages"]
    rows = sp[(sp.doc_a == doc_a) & (sp.a_start <= a_start) & (sp.a_end > a_start)
              & (sp.doc_b == doc_b) & (sp.b_start <= b_start) & (sp.b_end > b_start)]
    assert len(rows) == 1, rows
    return rows.iloc[0]


# -- the five documents ------------------------------------------------------------------------

def test_every_verbatim_passage_of_the_independent_list_is_found_and_all_reported_are_real(t):
    ev = wording_agreement.evaluate(t["shared_passages"])
    assert ev["verbatim"] == 4 and ev["recall"] == 1.0, ev["missed"]
    assert ev["precision"] >= 0.9, ev["unconfirmed"]


def test_offsets_slice_the_raw_texts_and_units_hold_them(t, raw_text):
    sp = t["shared_passages"]
    units = t["units"].set_index("unit_id")
    assert len(sp) == 6
    for p in sp.itertuples():
        assert raw_text[p.region_a][p.a_start:p.a_end] == p.text_a
        assert raw_text[p.region_b][p.b_start:p.b_end] == p.text_b
        for side, start, end in (("a", p.a_start, p.a_end), ("b", p.b_start, p.b_end)):
            unit = units.loc[getattr(p, f"unit_{side}")]
            assert unit.char_start <= start and end <= unit.char_end   # passages stay inside one unit


def test_the_information_disclosure_sentence_is_shared_word_for_word(t):
    # yancheng body (六) and its annex row 22 both print it; qinghai prints it in task (十)
    body = passage(t, "yancheng-2022", 1863, "qinghai-2022", 2680)
    annex = passage(t, "yancheng-2022", 10075, "qinghai-2022", 2680)
    for p, unit in ((body, "yancheng:body(六)"), (annex, "yancheng:22")):
        assert "".join(p.text_a.split()) == SENTENCE
        assert (p.length, p.similarity, p.unit_a, p.unit_b, p.category) == (26, 1.0, unit, "qinghai:(十)", "substantive")


def test_the_preamble_is_boilerplate_and_bridged_across_qinghais_inserted_luoshi(t):
    p = passage(t, "yancheng-2022", 367, "qinghai-2022", 233)
    assert p.category == "boilerplate" and p.boilerplate
    assert "落实党的十九大" in "".join(p.text_b.split()) and "贯彻党的十九大" in "".join(p.text_a.split())
    assert p.length == 41 and 0.95 < p.similarity < 1


def test_the_leadership_clause_is_found_despite_its_edits(t):
    # 主要负责同志担任医改领导小组[双]组长,由一位政府负责同志[统一]分管医疗、医保、医药工作:
    # the Sanming-model clause; Qinghai's inserted 或一位主要负责同志 ends it on the left
    p = passage(t, "yancheng-2022", 740, "qinghai-2022", 470)
    assert "".join(p.text_a.split()).startswith("主要负责同志担任") and p.text_b.startswith("主要负责同志担任")
    assert p.length == 38 and p.similarity == pytest.approx(0.962, abs=1e-3)
    assert p.unit_b == "qinghai:(一)"


def test_task_similarity_pairs_tasks_across_regions(t):
    ts = t["task_similarity"]
    assert (ts.region != ts.other_region).all()
    assert ts.groupby(["unit_id", "other_region"]).size().max() == 3
    tasks = set(t["units"].query("kind == 'task'").unit_id)
    assert set(ts.unit_id) == tasks and set(ts.other_unit_id) <= tasks
    # the leadership task of Yancheng (2.) and Qinghai's (一) share the Sanming-model clause
    best = ts[(ts.unit_id == "yancheng:2") & (ts.other_region == "qinghai") & (ts["rank"] == 1)].iloc[0]
    assert best.other_unit_id == "qinghai:(一)" and best.same_topic
    back = ts[(ts.unit_id == "qinghai:(一)") & (ts.other_unit_id == "yancheng:2")].iloc[0]
    assert back.score == best.score


def test_task_similarity_finds_most_reused_pairs_the_reading_found(t):
    pairs = wording_agreement.task_pairs(t["units"])
    hits, n = wording_agreement.similarity_recall(t["task_similarity"], pairs, 3)
    assert n == 25 and hits / n >= 0.75


def test_wording_agreement_command():
    proc = subprocess.run([sys.executable, "-m", "analysis", "wording", "--agreement"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "found: 4/4 (recall 1.00" in proc.stdout and "precision 1.00" in proc.stdout


# -- the finder on texts with known reuse ------------------------------------------------------

def test_reading_form_drops_whitespace_folds_width_and_keeps_raw_offsets():
    raw = "把合理\n用药，规范 诊疗"
    r = reading_form(raw)
    assert r.text == "把合理用药,规范诊疗"
    assert [raw[i] for i in r.raw_offsets] == list("把合理用药，规范诊疗")
    assert r.raw_span(3, 5) == (4, 6)


def test_line_wrapping_and_full_width_punctuation_do_not_hide_reuse():
    wrapped = "\n".join(SENTENCE[i:i + 7] for i in range(0, len(SENTENCE), 7)).replace("、", "，")
    a = "一、其他工作安排如下。" + wrapped + "。下一段落另有内容。"
    b = "（三）加强监管。" + SENTENCE.replace("、", ",") + "。"
    p = find([a, b])
    assert len(p) == 1
    row = next(p.itertuples())
    assert row.length == len(SENTENCE) + 2 and row.similarity == 1.0          # with the 。 either side
    assert "".join(a[row.a_start:row.a_end].split()).replace("，", "、") == f"。{SENTENCE}。"


def test_a_small_edit_is_bridged_into_one_passage():
    base = "推进紧密型县域医疗卫生共同体建设,提升基层医疗卫生机构服务能力和水平"
    edited = base.replace("基层", "县级")
    p = find(["前言不同。" + base + "。", "另一开头。" + edited + "。"])
    assert len(p) == 1                                   # one passage, 。 either side, the edit inside
    row = next(p.itertuples())
    assert row.length == len(base) - 2 + 2 and row.similarity == pytest.approx(2 * 34 / 72, abs=1e-4)


def test_passages_never_run_across_a_unit_boundary():
    x, y = "全面推行医保支付方式改革,按病种付费覆盖", "建立健全公立医院薪酬制度改革的激励约束机制"
    a = x + y
    b = "其他。" + x + y + "。"
    assert find([a, b]).iloc[0].length == len(x + y)               # one passage when a is one unit
    r = find_in_readings([reading_form(a, [0, len(x)], 0), reading_form(b, [], 1)], Settings())
    assert sorted(r.length) == [len(x), len(y)]                     # two when x and y are two units


def test_unrelated_texts_share_nothing():
    assert find(["深化医药卫生体制改革重点工作任务。加强基层医疗卫生服务体系建设。",
                 "推动中医药传承创新发展。完善药品供应保障制度和集中带量采购。"]).empty


def test_small_corpora_compare_every_pair_large_ones_the_first_witnesses():
    docs = [f"第{i}份文件的开头各不相同{'甲乙丙丁戊'[i]}。" + SENTENCE + "。" for i in range(5)]
    assert len(find(docs)) == 10                                   # all pairs of five
    few = set(zip(*find(docs, Settings(complete_up_to=2, max_witnesses=1))[["a", "b"]].T.values))
    # each document meets the first that holds a shingle; near the passage's ends, where the
    # shingles chosen depend on the differing context, another may be first
    assert {(0, 1), (0, 2), (0, 3), (0, 4)} <= few and len(few) < 10


def test_recombined_units_are_found_between_every_pair_that_shares_them(results):
    """Ten documents from the real units: every unit of 20+ reading characters two of them share is found."""
    units = [r.text[u.char_start:u.char_end] for r in results for u in r.norm.units]
    pool = [u for u in dict.fromkeys(units) if len(reading_form(u).text) >= 40]
    rng = random.Random(6)
    docs = []
    for _ in range(10):
        parts = rng.sample(pool, 60)
        starts, text = [], ""
        for part in parts:
            starts.append(len(text))
            text += part + "\n"
        docs.append((text, starts, parts))
    readings = [reading_form(text, starts, i) for i, (text, starts, _) in enumerate(docs)]
    found = find_in_readings(readings, shared_wording.load_config().settings)
    expected = missed = 0
    for i in range(10):
        for j in range(i + 1, 10):
            shared = set(docs[i][2]) & set(docs[j][2])
            rows = found[(found.a == i) & (found.b == j)]
            for part in shared:
                start = docs[i][0].index(part)
                expected += 1
                covered = rows[(rows.a_start <= start + 2) & (rows.a_end >= start + len(part.rstrip()) - 2)]
                missed += covered.empty
    assert expected > 100 and missed / expected <= 0.01, (missed, expected)


# -- settings ----------------------------------------------------------------------------------

def test_unknown_setting_is_a_one_line_error_naming_the_line(tmp_path):
    bad = tmp_path / "shared_wording.yml"
    bad.write_text("settings:\n  min_chars: 20\n  min_charz: 5\n", encoding="utf-8")
    with pytest.raises(SourceError, match=r"shared_wording.yml:3: unknown setting\(s\): min_charz"):
        shared_wording.load_config(bad)


def test_bad_boilerplate_pattern_is_a_one_line_error(tmp_path):
    bad = tmp_path / "shared_wording.yml"
    bad.write_text("boilerplate:\n  patterns:\n    - 以习近平(新时代\n", encoding="utf-8")
    with pytest.raises(SourceError, match=r"shared_wording.yml:3: boilerplate pattern .* is not a regular expression"):
        shared_wording.load_config(bad)


def test_past_a_dozen_regions_each_task_keeps_its_nearest_tasks_anywhere_so_rows_grow_linearly(t, monkeypatch):
    from analysis.topics.coder import TopicCoder
    from analysis.wording import similarity

    monkeypatch.setattr(similarity, "ALL_REGIONS_UP_TO", 2)     # the five regions stand for a large corpus
    tokens = TopicCoder().segmenter.tokens
    ts = similarity.table(t["units"], t["task_topics"], {}, tokens, per_region=3)
    per_task = ts.groupby("unit_id").size()
    assert per_task.max() == 3 * similarity.NEAREST_FACTOR and (ts.region != ts.other_region).all()
    assert len(ts) <= 3 * similarity.NEAREST_FACTOR * len(per_task)
    # ranks run over all other regions, nearest first
    one = ts[ts.unit_id == "yancheng:2"].sort_values("rank")
    assert one.score.is_monotonic_decreasing and one["rank"].tolist() == list(range(1, len(one) + 1))
    assert one.iloc[0].other_unit_id == "qinghai:(一)"


def test_the_finder_in_worker_processes_gives_the_rows_it_gives_in_one():
    from analysis.wording.passages import DocumentPool

    rng = random.Random(3)
    phrases = ["推进紧密型县域医疗卫生共同体建设", "全面推行医保支付方式改革按病种付费", SENTENCE,
               "建立健全公立医院薪酬制度改革的激励约束机制", "加强基层医疗卫生机构服务能力和水平"]
    texts = []
    for n in range(30):          # past PARALLEL_FROM, with BATCH-sized tasks and a short last one
        parts = rng.sample(phrases, 3)
        texts.append(f"第{n}号文件。" + "。".join(p.replace("医疗", "医疗" if rng.random() < 0.7 else "诊疗")
                                                 for p in parts) + "。")
    readings = [reading_form(t) for t in texts]
    for settings in (Settings(), shared_wording.load_config().edited):
        alone = find_in_readings(readings, settings)
        with DocumentPool(readings, 2) as pool:
            shared = find_in_readings(readings, settings, pool)
        assert len(alone) > 30
        assert alone.equals(shared)


def _seeds_one_document_at_a_time(readings, s):
    """The witness rule, as first written: an index filled document by document, each document
    queried before it is added; a hash keeps the occurrences of its first max_docs documents."""
    from analysis.wording.passages import capped_fingerprints

    max_docs = len(readings) if len(readings) <= s.complete_up_to else s.max_witnesses
    index, out = {}, []
    for b, r in enumerate(readings):
        hashes, positions = (x.tolist() for x in capped_fingerprints(r.text, s))
        out.append(sorted((d, q, p) for h, p in zip(hashes, positions) for d, q in index.get(h, [0, []])[1]))
        for h, p in zip(hashes, positions):
            entry = index.setdefault(h, [0, []])
            if entry[1] and entry[1][-1][0] == b:
                entry[1].append((b, p))
            elif entry[0] < max_docs:
                entry[0] += 1
                entry[1].append((b, p))
    return out


@pytest.mark.parametrize("complete_up_to, max_witnesses, max_repeats", [(12, 4, 4), (3, 2, 4), (3, 1, 1), (100, 4, 2)])
def test_witnesses_planned_for_the_whole_corpus_are_those_of_an_index_filled_in_document_order(
        complete_up_to, max_witnesses, max_repeats):
    from analysis.wording.passages import Witnesses

    rng = random.Random(11)
    words = ["医疗", "卫生", "服务", "改革", "基层", "医保", "药品", "公立医院", "能力", "建设", "。"]
    texts = ["".join(rng.choice(words) for _ in range(rng.randint(0, 80))) for _ in range(15)]
    s = Settings(k=4, window=3, complete_up_to=complete_up_to, max_witnesses=max_witnesses, max_repeats=max_repeats)
    readings = [reading_form(t) for t in texts]
    plan = Witnesses(readings, s)
    want = _seeds_one_document_at_a_time(readings, s)
    assert sum(map(len, want)) > 200
    for b in range(len(readings)):
        assert sorted(map(tuple, plan.seeds(b).tolist())) == want[b], b
