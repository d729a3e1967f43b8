"""Scraping accidents applied to a document, for the robustness tests: each returns new bytes."""

from __future__ import annotations

import random
import re

# Full- and half-width forms of the punctuation the documents print (。 and 、 have none).
WIDTH_PAIRS = {"（": "(", "）": ")", "：": ":", "；": ";", "，": ",", "！": "!", "？": "?"}
# A line a wrap must not start: it would read as a new heading, task or row.
_STARTS = re.compile(r"^([一二三四五六七八九十]+、|[(（][一二三四五六七八九十\d]+[)）]|\d+[.．、]?|附件|▲|[:：;；,，。、)）])")
_TABLE_ROW = re.compile(r"\S[ \u3000\u00a0]{2,}\S")


def encode(text: str, encoding: str) -> bytes:
    return text.encode(encoding)


def crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def swap_width(text: str, to_half: bool) -> str:
    table = WIDTH_PAIRS if to_half else {h: f for f, h in WIDTH_PAIRS.items()}
    return text.translate(str.maketrans(table))


def blank_lines(text: str, rng: random.Random, share: float = 0.3) -> str:
    out = []
    for line in text.split("\n"):
        out.append(line)
        if rng.random() < share:
            out.append(rng.choice(["", " ", "\u3000", "  "]))
    return "\n".join(out)


def rewrap(text: str, width: int, tables: bool = False) -> str:
    """Break every line longer than `width`, as a text editor would, never so that a continuation
    line starts like a heading, a numbered task or a punctuation mark. Table rows (cells separated
    by runs of spaces) are left alone unless `tables`: then they break like any line, inside a
    cell or a name too."""
    out = []
    for line in text.split("\n"):
        if len(line) <= width or (_TABLE_ROW.search(line) and not tables):
            out.append(line)
            continue
        while len(line) > width:
            cut = width
            while cut < len(line) and (_STARTS.match(line[cut:]) or line[cut - 1].isdigit()):
                cut += 1
            out.append(line[:cut])
            line = line[cut:]
        out.append(line)
    return "\n".join(out)


def wrap_at_clauses(text: str) -> str:
    """A break after every comma and semicolon (never splitting a number or a date), unless the
    next line would start like a heading or a task ("三、二、一级医疗机构" stays on its line)."""
    out = []
    for i, ch in enumerate(text):
        out.append(ch)
        if ch in "，,；;" and not _STARTS.match(text[i + 1:i + 8]):
            out.append("\n")
    return "".join(out)


def break_before_numbers(text: str, longer_than: int = 40) -> str:
    """A break before every number that follows a Chinese character in a long line ("…至少开展" /
    "1次…"): a continuation line that starts like a row whose period was lost."""
    return "\n".join(re.sub(r"(?<=[\u4e00-\u9fff])(?=\d+[\u4e00-\u9fff])", "\n", line)
                     if len(line) > longer_than else line for line in text.split("\n"))


def break_inside(text: str, printed: str, cuts: list[int], occurrence: int = 0) -> str:
    """Line breaks inside one printed passage, after its first `cuts` characters: the same
    breaks wherever that passage sits ("市卫生计生" / "委")."""
    at, found = -1, -1
    while found < occurrence:
        at = text.index(printed, at + 1)
        found += 1
    for cut in sorted(cuts, reverse=True):
        text = text[:at + cut] + "\n" + text[at + cut:]
    return text


def cells_on_own_lines(text: str) -> str:
    """A flattened table whose cells (separated by runs of spaces) each stand on their own line,
    as another scraper would write them."""
    return re.sub(r"(?<=\S)[ \u3000\u00a0]{2,}(?=\S)", "\n", text)
