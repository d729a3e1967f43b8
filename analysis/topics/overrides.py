"""Researcher overrides of the automatic topic coding (data/taxonomy/overrides.csv), applied last.

Columns: unit_id, topic, is_primary (true/false), reason, coder, in any order; other columns (the
text and candidates of a `topics --review` file) are ignored, and so is a row whose topic,
is_primary, reason and coder are all empty (a unit the reviewer left undecided). A row with is_primary true
makes its topic the unit's primary (the automatic primary stays on as a secondary); false adds
a secondary. Every row is checked before any is applied: an unknown unit or code, a missing
reason or two primaries for one unit stops the build with one line naming the file and row.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.errors import SourceError
from analysis.topics.codebook import Codebook

HEADER = ["unit_id", "topic", "is_primary", "reason", "coder"]
_TRUE, _FALSE = {"true", "yes", "1", "y"}, {"false", "no", "0", "n"}


@dataclass(frozen=True)
class Override:
    line: int
    unit_id: str
    topic: str
    is_primary: bool
    reason: str
    coder: str


def load(path: Path, codebook: Codebook, coded_units: set[str]) -> list[Override]:
    path = Path(path)
    if not path.exists():
        return []
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            rows = list(csv.reader(f))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise SourceError(path, f"cannot read overrides ({exc})") from None
    if not rows:
        return []
    header = [c.strip() for c in rows[0]]
    if not set(HEADER) <= set(header) or len(set(header)) != len(header):
        raise SourceError(path, f"header must hold {','.join(HEADER)} (other columns are ignored)", 1)
    where = [header.index(c) for c in HEADER]
    out, primaries, seen = [], {}, set()
    documents = {u.split(":", 1)[0] for u in coded_units}
    for line, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(header):
            raise SourceError(path, f"expected {len(header)} fields, found {len(row)}", line)
        row = [row[i] for i in where]
        if not any(c.strip() for c in row[1:]):
            continue        # a review row left undecided
        if row[0].strip().split(":", 1)[0] not in documents:
            continue        # a document this build does not hold (a manifest of other documents): not a typo
        o = _parse(path, line, row, codebook, coded_units)
        if (o.unit_id, o.topic) in seen:
            raise SourceError(path, f"{o.unit_id} / {o.topic} overridden twice", line)
        seen.add((o.unit_id, o.topic))
        if o.is_primary:
            if o.unit_id in primaries:
                raise SourceError(path, f"two primary topics for {o.unit_id} (also line {primaries[o.unit_id]})", line)
            primaries[o.unit_id] = line
        out.append(o)
    return out


def _parse(path: Path, line: int, row: list[str], codebook: Codebook, coded_units: set[str]) -> Override:
    unit_id, topic, is_primary, reason, coder = (c.strip() for c in row)
    if unit_id not in coded_units:
        raise SourceError(path, f"unknown unit_id '{unit_id}' (not a coded task in the build)", line)
    if topic not in codebook:
        raise SourceError(path, f"unknown topic code '{topic}'", line)
    flag = is_primary.lower()
    if flag not in _TRUE | _FALSE:
        raise SourceError(path, f"is_primary must be true or false, not '{is_primary}'", line)
    if not reason or not coder:
        raise SourceError(path, "every override needs a reason and a coder", line)
    return Override(line, unit_id, topic, flag in _TRUE, reason, coder)


def apply(topics: pd.DataFrame, overrides: list[Override]) -> pd.DataFrame:
    """task_topics with the overrides applied and ranks renumbered."""
    if not overrides:
        return topics
    df = topics.copy()
    for o in overrides:
        mask = (df["unit_id"] == o.unit_id) & (df["topic"] == o.topic)
        evidence = f"override by {o.coder}: {o.reason}"
        if o.is_primary:
            df.loc[df["unit_id"] == o.unit_id, "is_primary"] = False
        if mask.any():
            df.loc[mask, ["is_primary", "method", "evidence"]] = [o.is_primary, "override", evidence]
        else:
            base = df[df["unit_id"] == o.unit_id].iloc[0]
            new = {**base.to_dict(), "topic": o.topic, "is_primary": o.is_primary, "score": 0.0, "share": 0.0,
                   "method": "override", "evidence": evidence}
            df = pd.concat([df, pd.DataFrame([new])], ignore_index=True)
    return _rerank(df)


def _rerank(df: pd.DataFrame) -> pd.DataFrame:
    order = {u: i for i, u in enumerate(dict.fromkeys(df["unit_id"]))}
    df = df.assign(_u=df["unit_id"].map(order), _p=~df["is_primary"])
    df = df.sort_values(["_u", "_p", "score"], ascending=[True, True, False], kind="stable")
    df["rank"] = df.groupby("unit_id").cumcount() + 1
    return df.drop(columns=["_u", "_p"]).reset_index(drop=True)
