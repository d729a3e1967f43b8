"""Harmonised metric ids for targets (data/dictionaries/metrics.yml)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from analysis import DATA_DIR

METRICS = DATA_DIR / "dictionaries" / "metrics.yml"


@lru_cache(maxsize=2)
def load(path: Path = METRICS) -> list[dict]:
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))["metrics"]


def metric_id(metric_text: str, unit: str = "", rules: list[dict] | None = None) -> str:
    for rule in rules or load():
        if rule.get("units") and unit not in rule["units"]:
            continue
        if all(w in metric_text for w in rule.get("all", [])) and (
                not rule.get("any") or any(w in metric_text for w in rule["any"])):
            return rule["id"]
    return ""
