"""One document through reading and extraction: raw file -> units -> repairs -> deadlines, targets.

Steps, in order: read the raw file; cut it into units with its format family; add repairs (rules
and researchers' list); check that the units tile the text; find deadlines and targets in the
units that carry them. The result (`DocResult`) is what the table layer assembles.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from analysis import RAW_DIR
from analysis.errors import SourceError, error_at
from analysis.extraction import deadlines as deadlines_mod
from analysis.extraction import targets as targets_mod
from analysis.reading import layouts, normalizers
from analysis.reading import repairs as repairs_mod
from analysis.reading.agencies import simplified
from analysis.reading.manifest import DocumentMeta
from analysis.reading.normalizers.base import Document, Normalized
from analysis.reading.source import read_raw
from analysis.reading.spans import overlaps, uncovered

# Units whose text states goals: targets and deadlines are read from these kinds only
# (Yancheng's body paragraphs repeat their annex rows word for word, so they are left out).
MEASURED_KINDS = ("task", "goal", "area", "phase")


@dataclass
class DocResult:
    meta: DocumentMeta
    path: Path
    text: str
    sha256: str
    norm: Normalized
    deadlines: dict[str, list] = field(default_factory=dict)
    targets: dict[str, list] = field(default_factory=dict)
    unaccounted: int = 0
    encoding: str = "utf-8"
    layout_note: str = ""       # which family and parameters read it, when the build chose them


def process(meta: DocumentMeta, raw_dir: Path = RAW_DIR, timings: dict | None = None, strict: bool = False) -> DocResult:
    timings = timings if timings is not None else {}
    t0 = time.perf_counter()
    path = meta.raw_path(raw_dir)
    raw = read_raw(path)
    t1 = time.perf_counter()
    _reject_pinyin_glosses(path, raw.text)
    note = ""
    if meta.family:
        doc = _read_family(meta, path, raw.text, strict)
    else:
        doc, note = layouts.read(meta, path, raw.text, strict)
    norm = doc.out
    norm.repairs.extend(repairs_mod.detect_generic(raw.text))
    norm.repairs.extend(repairs_mod.load_curated(meta.region, raw.text, path))
    norm.repairs.sort(key=lambda r: (r.char_start, r.char_end))
    t2 = time.perf_counter()
    result = DocResult(meta, path, raw.text, raw.sha256, norm, encoding=raw.encoding, layout_note=note)
    _check_tiling(result)
    measure(result)
    t3 = time.perf_counter()
    for stage, dt in (("read", t1 - t0), ("normalize", t2 - t1), ("extract", t3 - t2)):
        timings[stage] = timings.get(stage, 0.0) + dt
    return result


def _read_family(meta: DocumentMeta, path: Path, text: str, strict: bool) -> Document:
    """The document read by the family its entry names. The tuned table families tell a cell from
    prose by its naming known agencies; read so first, then, unless strict, once more taking
    names the dictionary lacks for agencies when they are shaped like them (flagged unresolved)."""
    doc = Document(meta, path, text, meta.agency_prefix or None, strict=True)
    try:
        normalizers.normalize(doc, meta.family, meta.params)
        return doc
    except SourceError as first:
        if strict:
            raise
        doc = Document(meta, path, text, meta.agency_prefix or None, strict=False, lenient_cells=True)
        try:
            normalizers.normalize(doc, meta.family, meta.params)
        except SourceError:
            raise first from None
        return doc


# Mirror sites insert a pinyin gloss after characters of words ("醫(yī)藥", "經(jīng)濟"): the words
# are broken, agency names and role words among them. Read so, the tables would be wrong.
_PINYIN_GLOSS = re.compile(r"(?<=[\u4e00-\u9fff])[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7}[)）]")


def _reject_pinyin_glosses(path: Path, text: str) -> None:
    glosses = list(_PINYIN_GLOSS.finditer(text))
    if len(glosses) >= 3:
        first = glosses[0]
        raise error_at(path, text, first.start(), f"pinyin glosses inside words ('{text[first.start() - 1:first.end()]}', "
                                                  f"{len(glosses)} of them): a mirror page; save the original page's text")


def _check_tiling(result: DocResult) -> None:
    text, units = result.text, result.norm.units
    for u in units:
        if not (0 <= u.char_start < u.char_end <= len(text)):
            raise SourceError(result.path, f"unit {u.unit_id} has an empty or out-of-range span")
    clash = overlaps(units)
    if clash:
        a, b = clash[0]
        raise error_at(result.path, text, b.char_start, f"units {a.unit_id} and {b.unit_id} overlap")
    gaps = uncovered(text, units)
    result.unaccounted = sum(e - s for s, e in gaps)
    if gaps:
        s, e = gaps[0]
        raise error_at(result.path, text, s, f"text not accounted for by any unit: '{text[s:e][:30]}'")


def measure(result: DocResult) -> None:
    """Deadlines and targets of the measured units, read on each unit's unbroken view: a line
    break inside a number or a date ("2025年\n底") must not change what is read."""
    text, year = result.text, result.meta.year
    for u in result.norm.units:
        if u.kind not in MEASURED_KINDS:
            continue
        view = UnbrokenView(text, u.char_start, u.char_end)
        reading = simplified(view.text)   # 達到 reads as 达到; spans come back from the raw text
        dls = deadlines_mod.find(reading, 0, len(reading), year)
        tgs = targets_mod.find(reading, 0, len(reading), dls, view.repairs(result.norm.repairs))
        result.deadlines[u.unit_id] = [view.deadline(d) for d in dls]
        result.targets[u.unit_id] = [view.target(t) for t in tgs]


class UnbrokenView:
    """text[start:end] without its line breaks (with the spaces around them), and the way back
    to raw offsets. Spaces within a line stay: table cells are separated by them."""

    _BREAK = re.compile(r"[^\S\n]*\r?\n\s*")

    def __init__(self, text: str, start: int, end: int):
        self.raw = text
        keep = [True] * (end - start)
        for m in self._BREAK.finditer(text, start, end):
            keep[m.start() - start:m.end() - start] = [False] * (m.end() - m.start())
        self.offsets = [start + i for i, k in enumerate(keep) if k]
        self.text = "".join(text[i] for i in self.offsets)

    def to_raw(self, start: int, end: int) -> tuple[int, int]:
        return self.offsets[start], self.offsets[end - 1] + 1

    def to_view(self, raw: int) -> int:
        return bisect.bisect_left(self.offsets, raw)

    def repairs(self, repairs: list) -> list:
        lo, hi = (self.offsets[0], self.offsets[-1] + 1) if self.offsets else (0, 0)
        return [dataclasses.replace(r, char_start=self.to_view(r.char_start), char_end=self.to_view(r.char_end))
                for r in repairs if lo <= r.char_start and r.char_end <= hi]

    def deadline(self, d):
        s, e = self.to_raw(d.start, d.end)
        return dataclasses.replace(d, start=s, end=e, raw=self.raw[s:e])

    def target(self, t):
        s, e = self.to_raw(t.start, t.end)
        return dataclasses.replace(t, start=s, end=e, span=self.raw[s:e],
                                   deadline=self.deadline(t.deadline) if t.deadline else None)
