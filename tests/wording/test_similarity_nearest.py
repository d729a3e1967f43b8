"""task_similarity's nearest tasks per other region (up to ALL_REGIONS_UP_TO regions), taken for
all rows of a region's columns at once, against the plain reading of the rule: each task, each
other region in order of appearance, that region's tasks by score (ties: the earlier task), at
most per_region of them, none scoring 0."""

import numpy as np
import pandas as pd
import pytest

from analysis.wording import similarity

TEXTS = [  # region, text: shared phrases across regions, a tie, and a task sharing nothing
    ("a", "推进紧密型县域医共体建设"),
    ("a", "推进紧密型县域医共体建设"),      # the same text twice: a tie for every other task
    ("a", "完善药品集中带量采购"),
    ("b", "推进县域医共体建设，完善药品采购"),
    ("c", "完善药品集中带量采购和使用"),
    ("c", "ＸＹＺ"),                        # nothing in common with any task
]


def _units():
    return pd.DataFrame({"unit_id": [f"{r}:{i}" for i, (r, _) in enumerate(TEXTS)],
                         "region": [r for r, _ in TEXTS], "kind": "task", "text_clean": [t for _, t in TEXTS]})


def _by_the_rule(units, topic, per_region):
    X = similarity.vectors(list(units["text_clean"]), list)
    scores = (X @ X.T).toarray()
    ids, regions = units["unit_id"].to_numpy(), units["region"].to_numpy()
    rows = []
    for i, row in enumerate(scores):
        for region in pd.unique(regions):
            if region == regions[i]:
                continue
            idx = np.flatnonzero(regions == region)
            for rank, j in enumerate(idx[np.argsort(-row[idx], kind="stable")[:per_region]], 1):
                if row[j] <= 0:
                    break
                rows.append((ids[i], regions[i], rank, ids[j], region, round(float(row[j]), 4), topic[i], topic[j],
                             bool(topic[i] and topic[i] == topic[j])))
    return pd.DataFrame(rows, columns=similarity.COLUMNS)


@pytest.mark.parametrize("per_region", [1, 2, 3])
def test_nearest_per_region_follow_the_rule(per_region):
    units = _units()
    topics = ["t1", "t1", "t2", "t1", "", "t2"]
    task_topics = pd.DataFrame({"unit_id": units["unit_id"], "topic": topics, "is_primary": True})
    got = similarity.table(units, task_topics, {}, list, per_region=per_region)
    expected = _by_the_rule(units, np.array(topics, dtype=object), per_region)
    pd.testing.assert_frame_equal(got.reset_index(drop=True), expected, check_dtype=False)
    # read from the texts: region b has one task, so no task gets a second from it
    assert got.loc[got.other_region == "b", "rank"].max() == 1
    # the task sharing nothing has no nearest task and is nobody's
    assert "c:5" not in set(got.unit_id) | set(got.other_unit_id)
    # the two equal texts tie; the earlier comes first
    first = got[(got.unit_id == "b:3") & (got.other_region == "a")]
    assert first.other_unit_id.iloc[0] == "a:0"
    if per_region >= 2:
        assert first.other_unit_id.iloc[1] == "a:1" and first.score.iloc[0] == first.score.iloc[1]
