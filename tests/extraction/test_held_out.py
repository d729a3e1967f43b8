"""The genre corpus (tests/fixtures/genre): documents in no shipped layout, built from metadata only.

The bars of the real-documents issue, on documents reproducing real conventions: at least 90% of
the keyed tasks reach the tables, agencies (name and role) and deadlines F1 at least 0.90,
targets F1 at least 0.85. The keys were written by a reader from the texts, not from the build."""

from analysis.extraction.held_out import GENRE, scores


def test_documents_nobody_tuned_for_reach_the_bars():
    rows, summary = scores(GENRE)
    assert len(rows) >= 12 and not [r["name"] for r in rows if "error" in r]
    assert summary["tasks_found"] >= 0.90
    assert summary["agencies"][2] >= 0.90 and summary["deadlines"][2] >= 0.90
    assert summary["targets"][2] >= 0.85
    # every layout was found without a family in the manifest
    assert all(r["layout"].startswith("detected ") for r in rows)


def test_the_second_set_written_without_sight_of_the_code_reaches_the_bars_it_reached_when_measured():
    """tests/fixtures/genre2: first measured at 78.5% of tasks, agencies F1 0.78 (held out); after
    section-level label lines and 责任单位：X（牵头）,Y were read, 92.5% and 0.94. Guard those figures."""
    from analysis import PROJECT_ROOT

    rows, summary = scores(PROJECT_ROOT / "tests" / "fixtures" / "genre2")
    assert len(rows) == 10 and summary["tasks_found"] >= 0.90
    assert summary["agencies"][2] >= 0.90 and summary["deadlines"][2] >= 0.90 and summary["targets"][2] >= 0.85


def test_the_third_blind_set_reaches_the_bars():
    """tests/fixtures/genre3 (217 tasks, written without sight of the code): first measured, before
    any change, at 93.1% of tasks, agencies F1 0.806, deadlines 0.907, targets 0.917. The flattened
    task table, sub-item tasks, 按职责分工负责 beside a lead and the trailing first-listed note lifted it;
    the figures asserted are the bars, with a little room under what is measured now."""
    from analysis import PROJECT_ROOT

    rows, summary = scores(PROJECT_ROOT / "tests" / "fixtures" / "genre3")
    assert len(rows) == 10 and not [r["name"] for r in rows if "error" in r]
    assert summary["tasks_found"] >= 0.95
    assert summary["agencies"][2] >= 0.93 and summary["deadlines"][2] >= 0.93 and summary["targets"][2] >= 0.90


def test_quarters_and_halves_are_deadlines():
    from analysis.extraction.deadlines import find

    def dates(text):
        return [(d.raw, d.date) for d in find(text, 0, len(text), 2025)]

    assert dates("2025年第三季度前实现全覆盖") == [("2025年第三季度前", "2025-09-30")]
    assert dates("上半年实现采集全覆盖") == [("上半年", "2025-06-30")]
    assert dates("2022年下半年启动") == [("2022年下半年", "2022-12-31")]
    assert dates("三季度末完成") == [("三季度末", "2025-09-30")]
    assert dates("每季度通报一次") == [] and dates("一季度开展督查") == []
