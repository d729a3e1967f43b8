"""The shared_passages table: passages two documents share, placed in their units and labelled.

The finding is passage_finder's; this module reads the researchers' settings
(data/dictionaries/shared_wording.yml), marks the standard political formulas as boilerplate so
that substantive reuse is not drowned by them, and ties every passage back to the units it lies in.
"""

from __future__ import annotations

import re
from contextlib import nullcontext
from dataclasses import dataclass, fields, replace
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from analysis import DATA_DIR, give_back_memory, in_parallel
from analysis.config import read_yaml
from analysis.errors import SourceError
from analysis.wording import direction, edited, formulations
from analysis.wording.passages import DocumentPool, Reading, Settings, find_in_readings, reading_form

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
    formulation_chars: int = 10      # reading characters a shared formulation needs
    edited: Settings = None          # the edited-reuse pass (EDITED_DEFAULTS unless the file says)
    template_score: float = 0.3      # the task similarity below which a task adapts no template task


# Edited reuse: identical runs of 4+ seed it (k + window - 1 = 7 always seeds), a run of 7 anchors it,
# and a sentence with a few words changed keeps more than half its characters.
EDITED_DEFAULTS = Settings(min_chars=14, min_similarity=0.55, min_exact=7, k=4, window=4, max_gap=12, pad=24,
                           edit_cost=1.0)


@lru_cache(maxsize=4)
def load_config(path: Path = CONFIG_FILE) -> Config:
    text, data = read_yaml(path)
    if not isinstance(data, dict):
        raise SourceError(path, "expected the sections settings, task_similarity and boilerplate")
    settings = _settings(path, text, data.get("settings") or {}, "settings", Settings())
    edited = _settings(path, text, data.get("edited_reuse") or {}, "edited_reuse", EDITED_DEFAULTS)
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
    formulation_chars = _whole_number(path, text, data.get("formulations") or {}, "min_chars", 10, "formulations")
    template_score = (data.get("templates") or {}).get("min_score", 0.3) if isinstance(data.get("templates") or {}, dict) else None
    if isinstance(template_score, bool) or not isinstance(template_score, (int, float)) or not 0 < template_score <= 1:
        raise SourceError(path, f"templates min_score must be a number with 0 < x ≤ 1, not {template_score!r}",
                          _line(text, "templates:"))
    return Config(settings, per_region, float(bp.get("share", 0.5)), tuple(patterns), formulation_chars, edited,
                  float(template_score))


def _settings(path, text: str, raw, section: str, defaults: Settings) -> Settings:
    """A Settings from one section of the file, each value checked (a zero size would find nothing, silently)."""
    if not isinstance(raw, dict):
        raise SourceError(path, f"{section} must be a mapping of settings", _line(text, f"{section}:"))
    known = {f.name for f in fields(Settings)}
    unknown = sorted(set(raw) - known)
    here = text.find(f"{section}:")
    if unknown:
        raise SourceError(path, f"unknown setting(s){'' if section == 'settings' else ' in ' + section}: {', '.join(unknown)}",
                          _line(text, unknown[0], here))
    try:
        settings = replace(defaults, **{k: (float(v) if k in ("min_similarity", "edit_cost") else int(v))
                                        for k, v in raw.items()})
    except (TypeError, ValueError) as exc:
        raise SourceError(path, f"{section} must be numbers ({exc})") from None
    for name in raw:
        value = getattr(settings, name)
        low = 0.0 if name in ("min_similarity", "edit_cost") else 1
        if value < low or (name == "min_similarity" and value > 1) or (name == "edit_cost" and value == 0):
            raise SourceError(path, f"setting {name}: {value} is out of range "
                                    f"({'0 < x ≤ 1' if name == 'min_similarity' else 'a positive number'})",
                              _line(text, name, here))
    return settings


def _whole_number(path, text: str, section: dict, name: str, default: int, where: str) -> int:
    if not isinstance(section, dict):
        raise SourceError(path, f"{where} must be a mapping of settings", _line(text, where))
    value = section.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise SourceError(path, f"{where} {name} must be a whole number ≥ 1, not {value!r}",
                          _line(text, f"{where}:"))
    return value


def _line(text: str, needle: str, after: int = 0) -> int | None:
    pos = text.find(needle, max(after, 0))
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
    readings = readings_of(docs, units)
    found = find_in_readings(readings, config.settings)
    if found.empty:
        return pd.DataFrame(columns=COLUMNS)
    return _passage_rows(found, docs, places_of(readings, docs, units, task_agencies, config), config)


def wording_tables(docs: list[tuple[str, str, str]], units: pd.DataFrame, task_agencies: pd.DataFrame,
                   documents: pd.DataFrame, config: Config | None = None, jobs: int = 1) -> dict[str, pd.DataFrame]:
    """shared_passages (with which document has each first), edited_reuse and shared_formulations,
    from one reading. With `jobs` > 1 (and a corpus past PARALLEL_FROM documents) the passage
    finder's per-document matching runs in that many processes."""
    config = config or load_config()
    readings = readings_of(docs, units)
    with (DocumentPool(readings, jobs) if in_parallel(jobs, len(docs)) else nullcontext()) as pool:
        found = find_in_readings(readings, config.settings, pool)
        # the looser pass skips what a shared passage already holds (edited.new_rows drops it anyway)
        loose = find_in_readings(readings, config.edited, pool, known=found)
    give_back_memory()          # the finder's candidates and alignments
    places = places_of(readings, docs, units, task_agencies, config)
    passages = _passage_rows(found, docs, places, config) if not found.empty else pd.DataFrame(columns=COLUMNS)
    phrases = formulations.order(formulations.find(readings, found, config.formulation_chars,
                                                   config.settings.complete_up_to))
    loose = edited.new_rows(loose, found)
    return {"shared_passages": direction.add_to_passages(passages, documents),
            "edited_reuse": direction.add_to_passages(edited.table(loose, readings, docs, places, config), documents),
            "shared_formulations": formulations.table(phrases, readings, docs, places, documents,
                                                      config.boilerplate_share)}


def readings_of(docs: list[tuple[str, str, str]], units: pd.DataFrame) -> list[Reading]:
    """Each document's reading form, a marker at every unit start."""
    starts = units.groupby("doc_id")["char_start"].apply(list).to_dict()
    return [reading_form(text, starts.get(d, []), n) for n, (d, _, text) in enumerate(docs)]


def places_of(readings, docs, units: pd.DataFrame, task_agencies: pd.DataFrame, config: Config) -> list["_Places"]:
    unit_groups = dict(tuple(units.groupby("doc_id")))
    agency_groups = dict(tuple(task_agencies.groupby("doc_id")))
    empty_u, empty_a = units.iloc[0:0], task_agencies.iloc[0:0]
    return [_Places(r, unit_groups.get(d, empty_u), agency_groups.get(d, empty_a), config)
            for r, (d, _, _) in zip(readings, docs)]


def _passage_rows(found: pd.DataFrame, docs, places, config: Config) -> pd.DataFrame:
    """The shared_passages rows, by array operations over all passages at once."""
    sides, category = pair_sides(found, places, config)
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
        out[f"text_{side}"] = raw_slices(docs, found[side], found[f"{side}_start"], found[f"{side}_end"])
    return pd.DataFrame({c: v.to_numpy() if isinstance(v, pd.Series) else v for c, v in out.items()},
                        columns=COLUMNS)


def raw_slices(docs: list[tuple[str, str, str]], doc, start, end) -> pd.api.extensions.ExtensionArray:
    """docs[doc[i]]'s raw text [start[i], end[i]) for every i, as a text column built in blocks:
    the Python strings of one block at a time, not of 750,000 passages at once."""
    doc, start, end = (np.asarray(x).tolist() for x in (doc, start, end))
    blocks = [pa.array([docs[d][2][s:e] for d, s, e in zip(doc[i:i + _BLOCK], start[i:i + _BLOCK], end[i:i + _BLOCK])],
                       type=pa.large_string()) for i in range(0, len(doc), _BLOCK)]
    return pd.array(pa.chunked_array(blocks, type=pa.large_string()), dtype=pd.StringDtype("pyarrow", na_value=np.nan))


_BLOCK = 50_000


def pair_sides(rows: pd.DataFrame, places: list, config: Config) -> tuple[dict, np.ndarray]:
    """For rows with spans in documents a and b (a, a_start, a_end, b, …): each side's units and
    shares (`_side`), and each row's category (boilerplate, agencies, substantive) from the larger
    share of its two sides."""
    sides = {side: _side(rows[side].to_numpy(), rows[f"{side}_start"].to_numpy(),
                         rows[f"{side}_end"].to_numpy(), places) for side in ("a", "b")}
    share_bp = np.maximum(sides["a"]["boilerplate"], sides["b"]["boilerplate"])
    share_ag = np.maximum(sides["a"]["agencies"], sides["b"]["agencies"])
    category = np.where(share_bp >= config.boilerplate_share, "boilerplate",
                        np.where(share_ag >= 0.5, "agencies", "substantive"))
    return sides, category


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

    def share(self, mask: np.ndarray, start: int, end: int) -> float:
        offsets = self.reading.raw_offsets
        i, j = np.searchsorted(offsets, start), np.searchsorted(offsets, end)
        return float(mask[i:j].mean()) if j > i else 0.0

    def units(self, start: int, end: int) -> tuple[str, list[str], str]:
        """(unit holding most of the span, every unit it touches, that unit's kind)."""
        first = max(int(np.searchsorted(self.starts, start, side="right")) - 1, 0)
        last = max(int(np.searchsorted(self.starts, end - 1, side="right")) - 1, first)
        idx = range(first, last + 1)
        overlap = [min(end, self.ends[i]) - max(start, self.starts[i]) for i in idx]
        main = idx[int(np.argmax(overlap))]
        return self.ids[main], [self.ids[i] for i in idx], self.kinds[main]

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
