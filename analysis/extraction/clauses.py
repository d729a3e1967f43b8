"""Small questions about positions in Chinese text: inside quotes or a title, which clause."""

from __future__ import annotations

CLAUSE_BREAK = "，,；;。：:！？!?"
SENTENCE_BREAK = "；;。！？!?"


def enclosed(text: str, pos: int, open_mark: str, close_mark: str, reach: int = 40) -> bool:
    """True when pos sits between an open mark and its close mark no further than `reach` away."""
    left = text.rfind(open_mark, max(0, pos - reach), pos)
    if left < 0 or text.rfind(close_mark, left, pos) >= 0:
        return False
    right = text.find(close_mark, pos, pos + reach)
    return right >= 0 and text.find(open_mark, pos, right) < 0


def in_name(text: str, pos: int) -> bool:
    """Inside 《title》 or a short “quoted name”."""
    return enclosed(text, pos, "《", "》", 60) or enclosed(text, pos, "“", "”", 25)


def bounds(text: str, pos: int, breaks: str) -> tuple[int, int]:
    """Start and end of the clause or sentence around pos."""
    start = max(text.rfind(b, 0, pos) for b in breaks) + 1
    ends = [i for i in (text.find(b, pos) for b in breaks) if i >= 0]
    return start, (min(ends) if ends else len(text))

