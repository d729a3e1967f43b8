"""Harmonised metric ids for targets (data/dictionaries/metrics.yml)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from analysis import DATA_DIR
from analysis.errors import SourceError

METRICS = DATA_DIR / "dictionaries" / "metrics.yml"


@lru_cache(maxsize=2)
def load(path: Path = METRICS) -> list[dict]:
    from analysis.config import read_yaml, section

    rules = section(path, read_yaml(path)[1], "metrics")
    for i, rule in enumerate(rules, 1):
        if not isinstance(rule, dict) or not isinstance(rule.get("id"), str):
            raise SourceError(path, f"metric rule {i} needs an id (text)")
    return rules


def metric_id(metric_text: str, unit: str = "", rules: list[dict] | None = None) -> str:
    for rule in rules or load():
        if rule.get("units") and unit not in rule["units"]:
            continue
        if all(w in metric_text for w in rule.get("all", [])) and (
                not rule.get("any") or any(w in metric_text for w in rule["any"])):
            return rule["id"]
    return ""
