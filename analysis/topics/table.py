"""The task_topics table: automatic coding (coder and model) then researcher overrides."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.topics import overrides as topic_overrides
from analysis.topics.codebook import OVERRIDES_FILE, load_codebook
from analysis.topics.coder import COLUMNS, TopicCoder, UnitScore, code_units, coded_units

TOPIC_COLUMNS = COLUMNS + ["topic_zh", "topic_en", "cap_major", "cap_subtopic"]


def code(tables: dict[str, pd.DataFrame], overrides: Path | None = OVERRIDES_FILE,
         coder: TopicCoder | None = None) -> tuple[pd.DataFrame, dict[str, UnitScore]]:
    codebook = load_codebook()
    units, targets, agencies = tables["units"], tables["targets"], tables["task_agencies"]
    topics, scores = code_units(units, targets, agencies, coder)
    if overrides is not None:
        rows = topic_overrides.load(overrides, codebook, set(coded_units(units, targets)["unit_id"]))
        topics = topic_overrides.apply(topics, rows)
        # a topic an override adds carries the model's probability for it, like every other row
        topics["probability"] = [round(scores[u].probabilities.get(t, 0.0), 3)
                                 for u, t in zip(topics["unit_id"], topics["topic"])]
    names = {t.code: t for t in codebook.topics}
    for column, attr in (("topic_zh", "name_zh"), ("topic_en", "name_en"), ("cap_major", "cap_major"),
                         ("cap_subtopic", "cap_subtopic")):
        topics[column] = topics["topic"].map(lambda c: getattr(names[c], attr))
    return topics[TOPIC_COLUMNS].reset_index(drop=True), scores


def primary(task_topics: pd.DataFrame) -> pd.DataFrame:
    """One row per coded unit: its primary topic."""
    return task_topics[task_topics["is_primary"]].reset_index(drop=True)
