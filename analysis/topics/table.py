"""The task_topics table: automatic coding (topic_coder, topic_model) then researcher overrides."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.topics import overrides as topic_overrides
from analysis.topics.codebook import OVERRIDES_FILE, load_codebook
from analysis.topics.coder import COLUMNS, TopicCoder, UnitScore, code_units, coded_units

TOPIC_COLUMNS = COLUMNS + ["topic_zh", "topic_en"]


def code(tables: dict[str, pd.DataFrame], overrides: Path | None = OVERRIDES_FILE,
         coder: TopicCoder | None = None) -> tuple[pd.DataFrame, dict[str, UnitScore]]:
    codebook = load_codebook()
    units, targets, agencies = tables["units"], tables["targets"], tables["task_agencies"]
    topics, scores = code_units(units, targets, agencies, coder)
    if overrides is not None:
        rows = topic_overrides.load(overrides, codebook, set(coded_units(units, targets)["unit_id"]))
        topics = topic_overrides.apply(topics, rows)
    names = {t.code: t for t in codebook.topics}
    topics["topic_zh"] = topics["topic"].map(lambda c: names[c].name_zh if c in names else "")
    topics["topic_en"] = topics["topic"].map(lambda c: names[c].name_en if c in names else "")
    return topics[TOPIC_COLUMNS].reset_index(drop=True), scores


def primary(task_topics: pd.DataFrame) -> pd.DataFrame:
    """One row per coded unit: its primary topic."""
    return task_topics[task_topics["is_primary"]].reset_index(drop=True)
