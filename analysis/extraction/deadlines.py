"""Explicit time bounds in a unit's text: 到2025年, 2021年底前, 9月底前, 年内, "十四五"期末, 第三季度前, 上半年.

Each becomes an ISO date, the last day of the period it names. Recurring frequencies
(每年, 每月), years inside titles of other documents (《…(2021-2022年)》) and baselines
(较2015年) are not deadlines.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

from analysis.extraction.clauses import enclosed

_Y = r"(?:19|20)\d\d"
_PATTERNS = [
    # 2016年9月-2018年4月, 2016年1-8月: a period; its end is the bound.
    ("period", re.compile(rf"(?P<y1>{_Y})年(?P<m1>\d{{1,2}})月?\s*[-—–~至]\s*(?:(?P<y2>{_Y})年)?(?P<m2>\d{{1,2}})月")),
    # 2025年第三季度前, 三季度末, 上半年, 2022年下半年: the quarter's or half's last month
    ("quarter", re.compile(rf"(?<![每各])(?:(?P<y>{_Y})年)?第?(?P<q>[一二三四1-4])季度(?P<end>末|底)?(?P<before>前|以前|之前)?")),
    ("half", re.compile(rf"(?<![每各])(?:(?P<y>{_Y})年)?(?P<h>上|下)半年(?P<end>末|底)?(?P<before>前|以前|之前)?")),
    # 到2022年12月底, 2021年年底前, 2023年前, 到2025年, 2022年9月14日
    ("date", re.compile(rf"(?P<pre>到|至|截至|截止|于|在)?(?P<y>{_Y})年(?:(?P<m>\d{{1,2}})月(?:(?P<d>\d{{1,2}})日)?)?"
                        r"(?P<end>年底|年末|底|末)?(?P<before>前|以前|之前)?")),
    # "十四五"期末, 十三五期间
    ("plan", re.compile(r"(?P<pre>到|至)?[“\"]?(?P<plan>十[一二三四五六七八九])五[”\"]?(?P<end>期末|期间|末|时期)")),
    # 9月底前 in the document's own year
    ("month", re.compile(r"(?<![\d年每])(?P<m>\d{1,2})月(?P<end>底|末)?(?P<before>前|以前|之前)")),
    # 年底, 年内, 年末 in the document's own year
    ("this_year", re.compile(r"(?<![\d每全当上今明去一二两三四五六七八九十几])(?P<w>年底|年内|年末)")),
]
_PLAN_END = {"十三": 2020, "十四": 2025, "十五": 2030, "十二": 2015, "十一": 2010}


@dataclass(frozen=True)
class Deadline:
    start: int
    end: int
    raw: str
    date: str
    precision: str
    date_alt: str = ""


def _last_day(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"


def find(text: str, start: int, end: int, doc_year: int) -> list[Deadline]:
    """Deadlines in text[start:end]; offsets are into text."""
    span = text[start:end]
    taken = bytearray(len(span))
    out: list[Deadline] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(span):
            s, e = m.start(), m.end()
            if any(taken[s:e]) or enclosed(span, s, "《", "》") or _is_baseline(span, s):
                continue
            d = _read(kind, m, doc_year, span)
            if d is None:
                continue
            taken[s:e] = b"\x01" * (e - s)
            out.append(Deadline(start + s, start + e, m.group(0), *d))
    return sorted(out, key=lambda d: d.start)


def _is_baseline(span: str, s: int) -> bool:
    return span[max(0, s - 1):s] in ("较", "比") or span[max(0, s - 2):s] in ("相比", "对比")


def _read(kind, m, doc_year, span):
    if kind == "period":
        y2 = int(m["y2"] or m["y1"])
        month = int(m["m2"])
        return (_last_day(y2, month), "month") if 1 <= month <= 12 else None
    if kind == "date":
        y = int(m["y"])
        after = span[m.end():m.end() + 1]
        if not m["m"] and not m["end"] and not m["before"] and after == "是":
            return None     # "2022年是…之年": a statement, not a bound
        if m["d"]:
            return f"{y:04d}-{int(m['m']):02d}-{int(m['d']):02d}", "day"
        if m["m"]:
            month = int(m["m"])
            return (_last_day(y, month), "month") if 1 <= month <= 12 else None
        alt = f"{y - 1:04d}-12-31" if m["before"] and not m["end"] else ""
        return f"{y:04d}-12-31", "year", alt
    if kind in ("quarter", "half"):
        if kind == "quarter" and not (m["y"] or m["end"] or m["before"]):
            return None     # "一季度开展…" without a bound word or year: a time, not a deadline
        year = int(m["y"]) if m["y"] else doc_year
        month = 3 * "一二三四1234".index(m["q"]) % 12 + 3 if kind == "quarter" else (6 if m["h"] == "上" else 12)
        return _last_day(year, month), "month"
    if kind == "plan":
        year = _PLAN_END.get(m["plan"])
        return (f"{year}-12-31", "year") if year else None
    if kind == "month":
        month = int(m["m"])
        return (_last_day(doc_year, month), "month") if 1 <= month <= 12 else None
    if kind == "this_year":
        return f"{doc_year:04d}-12-31", "year"
    return None
