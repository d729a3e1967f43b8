"""Scrape damage, recorded as repairs: raw characters, the reading we use, why, how sure.

Raw files are never changed. Repairs feed `text_clean`, dates and numbers. Some damage is
found by rule (a date that lost 年月日, a 文号 that lost its bracket); the rest is listed by
researchers in data/dictionaries/repairs.yml, keyed by the text around it (every occurrence of that text is repaired).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


from analysis import DATA_DIR
from analysis.errors import SourceError
from analysis.reading.agencies import fold, loose_pattern, squeeze
from analysis.reading.spans import SPACE

CURATED = DATA_DIR / "dictionaries" / "repairs.yml"


@dataclass(frozen=True)
class Repair:
    char_start: int
    char_end: int
    raw: str
    reading: str | None      # None: garbled beyond a defensible reading
    reason: str
    confidence: str          # high | medium | low


def detect_generic(text: str) -> list[Repair]:
    return [*_compact_dates(text), *_doc_number_brackets(text), *_unopened_titles(text)]


def _compact_dates(text: str) -> list[Repair]:
    """A date line that lost 年, 月 and 日: "2022914" is 2022年9月14日."""
    out = []
    for m in re.finditer(r"(?m)^[ \t\u3000]*(\d{7,8})[ \t\u3000]*\r?$", text):   # \r: CRLF files
        digits = m.group(1)
        readings = []
        for i in (5, 6):
            y, mo, d = digits[:4], digits[4:i], digits[i:]
            if not d or len(d) > 2 or mo.startswith("0") and len(mo) == 1:
                continue
            try:
                dt.date(int(y), int(mo), int(d))
            except ValueError:
                continue
            readings.append(f"{int(y)}年{int(mo)}月{int(d)}日")
        if readings:
            conf = "high" if len(readings) == 1 else "low"
            out.append(Repair(m.start(1), m.end(1), digits, readings[0],
                              "date lost 年/月/日 in the scrape", conf))
    return out


def _doc_number_brackets(text: str) -> list[Repair]:
    """A document number that lost its closing bracket: 〔202120号 is 〔2021〕20号."""
    return [Repair(m.start(), m.end(), m.group(0), f"〔{m.group(1)}〕{m.group(2)}号",
                   "document number lost its closing bracket", "high")
            for m in re.finditer(r"〔((?:19|20)\d\d)(\d{1,4})号", text)]


def _unopened_titles(text: str) -> list[Repair]:
    """A line with 》 and no 《 before it lost its opening title mark at the line start."""
    out = []
    for m in re.finditer(r"(?m)^[ \t\u3000]*([^\n《》]+)》", text):
        out.append(Repair(m.start(1), m.start(1), "", "《", "title mark 《 lost in the scrape", "medium"))
    return out


def load_curated(region: str, text: str, path: Path, source: Path = CURATED) -> list[Repair]:
    """Researcher-listed repairs for one document. Each names the text around the damage."""
    entries = _curated_entries(source)
    out = []
    for i, e in enumerate(entries, 1):
        if not isinstance(e, dict) or not all(isinstance(e.get(k), str) for k in ("region", "context", "raw")):
            raise SourceError(source, f"repair {i} needs region, context and raw (text)")
        if e["region"] != region:
            continue
        context, damaged = e["context"], e["raw"]
        inner = context.find(damaged)
        if inner < 0:
            raise SourceError(source, f"repair for {region}: raw '{damaged}' is not inside its context '{context}'")
        # whitespace-free and width-folded, as rules read text: a re-wrapped copy still matches
        places = _find_loose(context, text)
        if not places:
            raise SourceError(source, f"repair for {region}: context '{context}' not found in {path}")
        sq_context, sq_damaged = squeeze(context), squeeze(damaged)
        first = sq_context.find(sq_damaged)
        for chars in places:     # Yancheng's annex repeats its body text: the damage repeats too
            start, end = chars[first], chars[first + len(sq_damaged) - 1] + 1
            out.append(Repair(start, end, text[start:end], e.get("reading"), e["reason"], e["confidence"]))
    return out


def _curated_entries(source: Path) -> list:
    """The file's repairs, read once per process while the file is unchanged (not once per document)."""
    try:
        stat = Path(source).stat()
        key = (str(source), stat.st_mtime_ns, stat.st_size)
    except OSError:
        key = (str(source), None, None)
    return _curated_cached(*key)


@lru_cache(maxsize=4)
def _curated_cached(source: str, mtime_ns, size) -> list:
    from analysis.config import read_yaml, section

    return section(Path(source), read_yaml(Path(source))[1], "repairs")


def _find_loose(context: str, text: str) -> list[list[int]]:
    """Each place `context` occurs in text allowing whitespace between characters and either
    width of punctuation: the raw offset of every context character. What loose_pattern's
    regular expression finds in the folded text (leftmost, not overlapping), found by str.find in
    the text without its whitespace: a sentence-long pattern took milliseconds to compile, once
    per repair and document."""
    needle = squeeze(context)
    if not needle or any(ch in SPACE for ch in needle):     # a context squeeze leaves spaces in
        return [[i for i in range(m.start(), m.end()) if text[i] not in SPACE]
                for m in loose_pattern(context).finditer(fold(text))]
    squeezed, at = _squeezed(text)
    places, k = [], squeezed.find(needle)
    while k >= 0:
        places.append([i for i in range(at[k], at[k + len(needle) - 1] + 1) if text[i] not in SPACE])
        k = squeezed.find(needle, k + len(needle))
    return places


@lru_cache(maxsize=2)
def _squeezed(text: str) -> tuple[str, list[int]]:
    """The folded text without whitespace, and the raw offset of each of its characters."""
    folded = fold(text)
    at = [i for i, ch in enumerate(folded) if ch not in SPACE]
    return "".join(folded[i] for i in at), at


def apply(text: str, start: int, end: int, repairs: list[Repair]) -> str:
    """text[start:end] with the repairs inside it applied (garbled spans kept as printed)."""
    parts, pos = [], start
    for r in sorted(repairs, key=lambda r: (r.char_start, r.char_end)):
        if r.char_start < start or r.char_end > end or r.char_start < pos:
            continue
        parts.append(text[pos:r.char_start])
        parts.append(r.raw if r.reading is None else r.reading)
        pos = r.char_end
    parts.append(text[pos:end])
    return "".join(parts)
