"""The build agrees with the independent reading in tests/fixtures/reading (bars of issue 3)."""

from analysis.extraction.agreement import scores


def test_agreement_with_independent_reading(t):
    s = scores(t)
    assert s["agencies"][2] >= 0.95          # F1 on (task, function, role)
    assert s["targets"][0] >= 0.90 and s["targets"][1] >= 0.90
    assert s["deadlines"][2] >= 0.90
