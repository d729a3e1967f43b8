"""edited_reuse: which loose-pass rows are new, checked by hand and against a plain reference."""

import random

import pandas as pd
import pytest

from analysis.wording.edited import edits, new_rows

COLS = ["a", "b", "a_start", "a_end", "b_start", "b_end", "similarity"]


def frame(rows):
    return pd.DataFrame(rows, columns=COLS)


def test_a_reuse_overlapped_on_both_sides_by_a_passage_of_its_pair_is_left_to_shared_passages():
    strict = frame([(0, 1, 100, 150, 200, 250, 1.0)])
    loose = frame([
        (0, 1, 140, 180, 240, 280, 0.8),     # overlaps on both sides: the strict passage has it
        (0, 1, 140, 180, 300, 340, 0.8),     # overlaps in a only: new
        (0, 2, 140, 180, 240, 280, 0.8),     # another pair: new
        (0, 1, 150, 180, 250, 280, 0.8),     # touches the passage's end, no overlap: new
        (0, 1, 10, 40, 10, 40, 1.0),         # no edit: a shared passage or formulation, never edited reuse
    ])
    got = new_rows(loose, strict)
    assert got[["a", "b", "a_start", "b_start"]].values.tolist() == [[0, 1, 140, 300], [0, 2, 140, 240], [0, 1, 150, 250]]


def test_new_rows_equal_a_row_by_row_reference_for_every_chunk_size():
    rng = random.Random(7)

    def spans(n, docs):
        rows = []
        for _ in range(n):
            a, b = sorted(rng.sample(range(docs), 2))
            s, t = rng.randrange(500), rng.randrange(500)
            rows.append((a, b, s, s + rng.randint(5, 60), t, t + rng.randint(5, 60), rng.choice([0.7, 0.9, 1.0])))
        return frame(rows)

    strict, loose = spans(400, 6), spans(600, 7)       # doc 6 appears in loose only
    want = []
    for r in loose.itertuples(index=False):
        if r.similarity >= 1:
            continue
        g = strict[(strict.a == r.a) & (strict.b == r.b)]
        if not ((g.a_start < r.a_end) & (g.a_end > r.a_start) & (g.b_start < r.b_end) & (g.b_end > r.b_start)).any():
            want.append(tuple(r))
    assert want and len(want) < len(loose[loose.similarity < 1])        # both outcomes occur
    for chunk in (1, 7, 1000, 200_000):
        assert [tuple(r) for r in new_rows(loose, strict, chunk=chunk).itertuples(index=False)] == want


@pytest.mark.parametrize("a, b, want", [
    ("科学确定服务价格", "合理确定服务价格", ["科学→合理"]),
    ("建立动态调整机制", "建立双动态调整机制", ["+双"]),
    ("统一规范管理", "规范管理", ["−统一"]),
])
def test_edits_name_substitutions_insertions_and_omissions(a, b, want):
    assert edits(a, b) == want


def test_the_loose_pass_skipping_known_passages_leaves_the_same_edited_reuse():
    from analysis.wording import shared_passages
    from analysis.wording.passages import Settings, find_in_readings, reading_form

    long = "推进紧密型县域医疗卫生共同体建设，提升基层医疗卫生机构服务能力和水平"   # a shared passage
    short = "完善医疗服务价格形成机制建立动态调整长效机制"                              # edited reuse only:
    edited = short.replace("服务", "诊疗").replace("调整", "更新")                      # its longest run is 10
    fill = ["甲市今年另有专门安排详见附件一", "乙县按照省里部署开展试点工作", "丙区结合本地实际制定实施细则",
            "各地区要加强组织领导压实责任", "财政部门保障所需经费及时拨付"]
    texts = [fill[0] + "。" + long + "。" + fill[1] + "。" + short + "。",
             fill[2] + "。" + long + "。" + fill[3] + "。" + edited + "。",
             fill[4] + "。" + long.replace("基层", "县级") + "。" + fill[0][::-1] + "。" + edited + "。"]
    readings = [reading_form(t) for t in texts]
    loose_settings = shared_passages.load_config().edited
    strict = find_in_readings(readings, Settings())
    everything = find_in_readings(readings, loose_settings)
    skipping = find_in_readings(readings, loose_settings, known=strict)
    assert len(skipping) < len(everything)                       # the known passages were not aligned again
    assert new_rows(skipping, strict).equals(new_rows(everything, strict))
    found = new_rows(skipping, strict)
    assert {(a, b) for a, b in zip(found["a"], found["b"])} == {(0, 1), (0, 2)}   # the edited sentence
