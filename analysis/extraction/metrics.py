"""Harmonised metric ids for targets (data/dictionaries/metrics.yml)."""

from __future__ import annotations

import re
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


# the end of a number with its unit (30%, 12名, 4级, 一次): where the words about the next number start
_PREVIOUS_NUMBER = re.compile(r"[0-9０-９一二三四五六七八九十百千万.．]+\s*(%|％|个百分点|[个家名张元次级床人所项])")


def metric_id(metric_text: str, unit: str = "", rules: list[dict] | None = None, span: str = "") -> str:
    """The first rule matching the words just before `span` (after the previous number), else the clause.

    A clause may state several measures (病种入组结算率达到70%，DRG付费医保基金支出占…60%): the words
    right before a number say what it measures; a list of numbers (25%、47%、50%) falls back to the
    whole clause.
    """
    rules = rules or load()
    pos = metric_text.find(span) if span else -1
    if pos > 0:
        before = metric_text[:pos]
        ends = [m.end() for m in _PREVIOUS_NUMBER.finditer(before)]
        found = _first(before[ends[-1] if ends else 0:], unit, rules)
        if found:
            return found
    return _first(metric_text, unit, rules)


def _first(text: str, unit: str, rules: list[dict]) -> str:
    for rule in rules:
        if rule.get("units") and unit not in rule["units"]:
            continue
        if all(w in text for w in rule.get("all", [])) and (not rule.get("any") or any(w in text for w in rule["any"])):
            return rule["id"]
    return ""
