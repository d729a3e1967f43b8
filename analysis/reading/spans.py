"""Lines, units and the tiling invariant: every non-space character in exactly one unit."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Whitespace as scraped pages have it: ASCII, ideographic space, no-break space.
SPACE = " \t\r\n\u3000\u00a0\ufeff\u200b\u2002\u2003\u2009\u202f"
_NON_SPACE = re.compile(f"[^{re.escape(SPACE)}]")
_NON_SPACE_RUN = re.compile(f"[^{re.escape(SPACE)}]+")


@dataclass(frozen=True)
class Line:
    """One non-blank line: 1-based number and the offsets of its content without outer spaces."""

    no: int
    start: int
    end: int
    text: str


def lines_of(text: str, start: int = 0, end: int | None = None) -> list[Line]:
    end = len(text) if end is None else end
    out: list[Line] = []
    pos = start
    line_no = text.count("\n", 0, start) + 1
    while pos < end:
        nl = text.find("\n", pos, end)
        stop = end if nl < 0 else nl
        s, e = trim(text, pos, stop)
        if s < e:
            out.append(Line(line_no, s, e, text[s:e]))
        pos = stop + 1
        line_no += 1
    return out


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in SPACE:
        start += 1
    while end > start and text[end - 1] in SPACE:
        end -= 1
    return start, end


@dataclass
class Unit:
    unit_id: str
    kind: str
    no: str
    parent_id: str
    char_start: int
    char_end: int
    body_id: str = ""          # Yancheng: the body paragraph an annex row repeats


def uncovered(text: str, units: list[Unit]) -> list[tuple[int, int]]:
    """Runs of non-space characters that no unit covers."""
    n = len(text)
    covered = bytearray(n)
    for u in units:     # a span outside the text (a normalizer's bug) covers only what is inside
        start, end = min(max(u.char_start, 0), n), min(max(u.char_end, 0), n)
        if start < end:
            covered[start:end] = b"\x01" * (end - start)
    runs: list[tuple[int, int]] = []
    start = covered.find(0)
    while start >= 0:                     # each stretch no unit covers, its runs of non-space
        end = covered.find(1, start)
        end = n if end < 0 else end
        runs.extend(m.span() for m in _NON_SPACE_RUN.finditer(text, start, end))
        start = covered.find(0, end)
    return runs


def overlaps(units: list[Unit]) -> list[tuple[Unit, Unit]]:
    ordered = sorted(units, key=lambda u: (u.char_start, u.char_end))
    return [(a, b) for a, b in zip(ordered, ordered[1:]) if b.char_start < a.char_end]


def count_non_space(text: str) -> int:
    return len(_NON_SPACE.findall(text))
