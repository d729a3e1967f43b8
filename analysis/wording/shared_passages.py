"""The shared_passages table: passages two documents share, placed in their units and labelled.

The finding is passage_finder's; this module reads the researchers' settings
(data/dictionaries/shared_wording.yml), marks the standard political formulas as boilerplate so
that substantive reuse is not drowned by them, and ties every passage back to the units it lies in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import DATA_DIR
from analysis.config import read_yaml
from analysis.errors import SourceError
from analysis.wording.passages import Reading, Settings, find_in_readings, reading_form

CONFIG_FILE = DATA_DIR / "dictionaries" / "shared_wording.yml"
CATEGORIES = ("substantive", "boilerplate", "agencies")

COLUMNS = ["passage_id", "doc_a", "region_a", "a_start", "a_end", "doc_b", "region_b", "b_start", "b_end",
           "length", "similarity", "longest_exact", "category", "boilerplate", "unit_a", "units_a", "kind_a",
           "unit_b", "units_b", "kind_b", "text_a", "text_b"]


@dataclass(frozen=True)
class Config:
    settings: Settings
    per_region: int
    boilerplate_share: float
    boilerplate: tuple[re.Pattern, ...]


@lru_cache(maxsize=4)
def load_config(path: Path = CONFIG_FILE) -> Config:
    text, data = read_yaml(path)
    if not isinstance(data, dict):
        raise SourceError(path, "expected the sections settings, task_similarity and boilerplate")
    raw = data.get("settings") or {}
    known = {f.name: f.type for f in fields(Settings)}
    unknown = sorted(set(raw) - set(known))
    if unknown:
        raise SourceError(path, f"unknown setting(s): {', '.join(unknown)}", _line(text, unknown[0]))
    try:
        settings = Settings(**{k: (float(v) if k in ("min_similarity", "edit_cost") else int(v)) for k, v in raw.items()})
    except (TypeError, ValueError) as exc:
        raise SourceError(path, f"settings must be numbers ({exc})") from None
    for name in raw:     # a zero or negative size would find nothing, silently
        value = getattr(settings, name)
        low = 0.0 if name in ("min_similarity", "edit_cost") else 1
        if value < low or (name == "min_similarity" and value > 1) or (name == "edit_cost" and value == 0):
            raise SourceError(path, f"setting {name}: {value} is out of range "
                                    f"({'0 < x ≤ 1' if name == 'min_similarity' else 'a positive number'})",
                              _line(text, name))
    bp = data.get("boilerplate") or {}
    patterns = []
    for p in bp.get("patterns") or []:
        try:
            patterns.append(re.compile(str(p)))
        except re.error as exc:
            raise SourceError(path, f"boilerplate pattern '{p}' is not a regular expression ({exc})",
                              _line(text, str(p)[:10])) from None
    per_region = (data.get("task_similarity") or {}).get("per_region", 3)
    if isinstance(per_region, bool) or not isinstance(per_region, int) or per_region < 1:
        raise SourceError(path, f"task_similarity per_region must be a whole number ≥ 1, not {per_region!r}",
                          _line(text, "per_region"))
    return Config(settings, per_region, float(bp.get("share", 0.5)), tuple(patterns))


def _line(text: str, needle: str) -> int | None:
    pos = text.find(needle)
    return text.count("\n", 0, pos) + 1 if pos >= 0 else None


def boilerplate_mask(reading: Reading, patterns) -> np.ndarray:
    """True at each reading character that lies inside a standard political formula."""
    mask = np.zeros(len(reading.text), dtype=bool)
    for p in patterns:
        for m in p.finditer(reading.text):
            mask[m.start():m.end()] = True
    return mask


def passages_table(docs: list[tuple[str, str, str]], units: pd.DataFrame, task_agencies: pd.DataFrame,
                   config: Config | None = None) -> pd.DataFrame:
    """shared_passages for `docs` = [(doc_id, region, raw text)] in manifest order."""
    config = config or load_config()
    empty_units, empty_agencies = units.iloc[:0], task_agencies.iloc[:0]
    units_of = dict(tuple(units.groupby("doc_id", sort=False)))          # one grouping of each table
    agencies_of = dict(tuple(task_agencies.groupby("doc_id", sort=False)))
    doc_units = [units_of.get(d, empty_units) for d, _, _ in docs]
    readings = [reading_form(text, u["char_start"].tolist(), n) for n, ((_, _, text), u) in enumerate(zip(docs, doc_units))]
    found = find_in_readings(readings, config.settings)
    if found.empty:
        return pd.DataFrame(columns=COLUMNS)
    places = [_Places(r, u, agencies_of.get(d, empty_agencies), config)
              for r, u, (d, _, _) in zip(readings, doc_units, docs)]
    sides = {side: _side(found[side].to_numpy(), found[f"{side}_start"].to_numpy(),
                         found[f"{side}_end"].to_numpy(), places) for side in ("a", "b")}
    share_bp = np.maximum(sides["a"]["boilerplate"], sides["b"]["boilerplate"])
    share_ag = np.maximum(sides["a"]["agencies"], sides["b"]["agencies"])
    category = np.where(share_bp >= config.boilerplate_share, "boilerplate",
                        np.where(share_ag >= 0.5, "agencies", "substantive"))
    doc_ids = np.array([d for d, _, _ in docs], dtype=object)
    doc_regions = np.array([r for _, r, _ in docs], dtype=object)
    out = {"passage_id": [f"p{n}" for n in range(1, len(found) + 1)]}
    for side in ("a", "b"):
        n = found[side].to_numpy()
        out |= {f"doc_{side}": doc_ids[n], f"region_{side}": doc_regions[n],
                f"{side}_start": found[f"{side}_start"], f"{side}_end": found[f"{side}_end"]}
    out |= {"length": found["length"], "similarity": found["similarity"], "longest_exact": found["longest_exact"],
            "category": category, "boilerplate": category == "boilerplate"}
    for side in ("a", "b"):
        out |= {f"unit_{side}": sides[side]["unit"], f"units_{side}": sides[side]["units"],
                f"kind_{side}": sides[side]["kind"]}
    for side in ("a", "b"):
        out[f"text_{side}"] = [docs[d][2][s:e] for d, s, e in zip(found[side], found[f"{side}_start"], found[f"{side}_end"])]
    return pd.DataFrame({c: v.to_numpy() if isinstance(v, pd.Series) else v for c, v in out.items()},
                        columns=COLUMNS)


def _side(doc: np.ndarray, start: np.ndarray, end: np.ndarray, places: list) -> dict[str, np.ndarray]:
    """For each passage's span in document doc[i]: its units and its shares of boilerplate and agencies."""
    n = len(doc)
    out = {"unit": np.empty(n, dtype=object), "units": np.empty(n, dtype=object), "kind": np.empty(n, dtype=object),
           "boilerplate": np.zeros(n), "agencies": np.zeros(n)}
    order = np.argsort(doc, kind="stable")
    bounds = np.flatnonzero(np.diff(doc[order])) + 1
    for rows in np.split(order, bounds):      # the passages of one document at a time
        if len(rows):
            places[doc[rows[0]]].fill(start[rows], end[rows], rows, out)
    return out


class _Places:
    """One document's units, boilerplate and agency names, looked up by raw offsets."""

    def __init__(self, reading: Reading, units: pd.DataFrame, agencies: pd.DataFrame, config: Config):
        self.reading = reading
        u = units.sort_values("char_start")
        self.starts = u["char_start"].to_numpy()
        self.ends = u["char_end"].to_numpy()
        self.ids = u["unit_id"].tolist()
        self.kinds = u["kind"].tolist()
        self.boilerplate = boilerplate_mask(reading, config.boilerplate)
        self.agencies = self._raw_mask(zip(agencies["char_start"], agencies["char_end"]))
        self.agencies |= self._raw_mask((s, e) for s, e, k in zip(self.starts, self.ends, self.kinds)
                                        if k == "agency_line")

    def _raw_mask(self, spans) -> np.ndarray:
        """Reading characters inside raw spans."""
        mask = np.zeros(len(self.reading.text), dtype=bool)
        offsets = self.reading.raw_offsets
        for s, e in spans:
            mask[np.searchsorted(offsets, s):np.searchsorted(offsets, e)] = True
        return mask

    def fill(self, start: np.ndarray, end: np.ndarray, rows: np.ndarray, out: dict) -> None:
        """Write the units and shares of the spans [start, end) into out[...][rows]."""
        offsets = self.reading.raw_offsets
        i, j = np.searchsorted(offsets, start), np.searchsorted(offsets, end)
        width = np.maximum(j - i, 1)
        for name, mask in (("boilerplate", self.boilerplate), ("agencies", self.agencies)):
            inside = np.concatenate([[0], np.cumsum(mask)])      # characters inside, by prefix sums
            out[name][rows] = np.where(j > i, (inside[j] - inside[i]) / width, 0.0)
        first = np.maximum(np.searchsorted(self.starts, start, side="right") - 1, 0)
        last = np.maximum(np.searchsorted(self.starts, end - 1, side="right") - 1, first)
        # the unit holding most of the span: the first of the largest overlaps
        main, best = first.copy(), np.full(len(first), np.iinfo(np.int64).min)
        for step in range(int((last - first).max()) + 1 if len(first) else 0):
            k = first + step
            valid = k <= last
            kk = np.minimum(k, len(self.starts) - 1)
            overlap = np.minimum(end, self.ends[kk]) - np.maximum(start, self.starts[kk])
            better = valid & (overlap > best)
            main, best = np.where(better, k, main), np.where(better, overlap, best)
        ids, kinds = np.asarray(self.ids, dtype=object), np.asarray(self.kinds, dtype=object)
        out["unit"][rows] = ids[main]
        out["kind"][rows] = kinds[main]
        out["units"][rows] = [ids[f] if f == l else ";".join(ids[f:l + 1]) for f, l in zip(first, last)]
