"""Quantitative targets: numbers that state a level to reach, keep or exceed, or an amount to
build, recruit, fund or complete.

A number is a target when it is a share (%, 个百分点), when a comparator stands by it (不低于,
以上, 左右, 达到, 至少…), or when it counts things a verb of making or achieving governs (建成,
新增, 引进, 遴选…). Numbers in dates, document numbers, ordinals (第102次), names and quoted
slogans (5G, “1+7”, 十四五), ages (0-3岁), denominators (每50万人口) and scope counts (5个方面)
are not targets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analysis.extraction.clauses import CLAUSE_BREAK, SENTENCE_BREAK, bounds, in_name
from analysis.extraction.deadlines import Deadline
from analysis.reading.repairs import Repair

_CN = "一二两三四五六七八九十"
_COUNT_UNITS = "个百分点|个月|个|家|所|名|张|元|次|级|项|人次|人|支|台|床|种"
_NUMBER = re.compile(
    rf"(?P<a>\d+(?:\.\d+)?)(?:\s*(?P<sep>[-—–~])\s*(?P<b>\d+(?:\.\d+)?))?\s*(?P<unit>[%％﹪]|‰|{_COUNT_UNITS})?")
_CN_NUMBER = re.compile(rf"(?P<a>[{_CN}]{{1,3}})(?P<unit>个|家|所|名|次|级)")
_FRACTION = re.compile(r"(?P<den>[二三四五六七八九十])分之(?P<num>[一二三四五六七八九])")

GE_BEFORE = ("不低于", "不少于", "至少", "超过", "高于", "多于", "不小于")
LE_BEFORE = ("不超过", "不高于", "低于", "控制在", "少于", "最多")
INCREASE_BEFORE = ("提高", "提升", "增加", "增长", "上升", "扩大")
REACH_BEFORE = ("达到", "达", "稳定在", "保持在", "降至", "降到", "覆盖", "为",
                "提高到", "提升到", "增加到", "增长到", "降低到", "下降到", "提高至", "提升至", "增加至")
MAKE_VERBS = ("建成", "新建", "新创", "新增", "新设置", "新设", "建设", "设置", "引进", "遴选", "招收", "招录",
              "培养", "发展", "筛选", "拥有", "有", "确定", "开展", "调整", "研究", "优化提升", "完成", "创建",
              "达到", "达", "纳入")
SCOPE_AFTER = ("个方面", "方面", "专项行动", "项行动")
_LEVEL_AFTER = re.compile(r"((及?以上)?(要求|标准|水平)|(及?以上)(?![\u4e00-\u9fff])|[、,，。;；)）]|$)")
NOT_AFTER_LETTER = re.compile(r"[A-Za-z+＋]")


@dataclass(frozen=True)
class Target:
    start: int
    end: int
    span: str
    value: float
    value_max: float | None
    unit: str
    comparator: str
    metric: str
    deadline: Deadline | None
    baseline: str


def find(text: str, start: int, end: int, deadlines: list[Deadline], repairs: list[Repair]) -> list[Target]:
    """Targets in text[start:end]; offsets are into text."""
    seg = text[start:end]
    dl_spans = [(d.start - start, d.end - start) for d in deadlines]
    out: list[Target] = []
    for cand in _candidates(seg):
        s, e, a, b, unit = cand
        unit = "%" if unit in ("％", "﹪") else unit     # full-width and small forms of the percent sign
        if any(ds <= s < de for ds, de in dl_spans):
            continue
        repaired = _repaired_value(seg, s, e, start, repairs)
        if repaired == "garbled":
            continue
        if repaired:
            a, b = repaired
        target = _judge(seg, s, e, a, b, unit)
        if target is None:
            continue
        comparator, s, e = target
        if out and comparator == "eq" and _continues_list(seg, out[-1].end - start, s):
            comparator = out[-1].comparator   # 不低于25%、47%、50%: the comparator covers the list
        dl = _deadline_for(seg, s, start, deadlines)
        out.append(Target(start + s, start + e, seg[s:e], a, b, unit, comparator, _metric(seg, s, e, dl, start),
                          dl, _baseline(seg, s)))
    return sorted(out, key=lambda t: t.start)


def _candidates(seg: str):
    seen = set()
    for m in _FRACTION.finditer(seg):
        den, num = _cn_int(m["den"]), _cn_int(m["num"])
        seen.update(range(m.start(), m.end()))
        yield m.start(), m.end(), round(100 * num / den, 2), None, "%"
    for m in _NUMBER.finditer(seg):
        if m.start() in seen:
            continue
        b = float(m["b"]) if m["b"] else None
        yield m.start(), m.end(), float(m["a"]), b, (m["unit"] or "")
    for m in _CN_NUMBER.finditer(seg):
        if m.start() in seen:
            continue
        yield m.start(), m.end(), float(_cn_int(m["a"])), None, m["unit"]


def _cn_int(s: str) -> int:
    digits = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
    if s == "十":
        return 10
    if "十" in s:
        tens, _, ones = s.partition("十")
        return digits.get(tens, 1) * 10 + digits.get(ones, 0)
    return digits[s] if len(s) == 1 else -1


def _repaired_value(seg, s, e, offset, repairs):
    for r in repairs:
        rs, re_ = r.char_start - offset, r.char_end - offset
        if rs < e and re_ > s and re_ > rs:
            if r.reading is None:
                return "garbled"
            m = re.fullmatch(r"(\d+(?:\.\d+)?)(?:-(\d+(?:\.\d+)?))?", r.reading)
            if m:
                return float(m[1]), float(m[2]) if m[2] else None
    return None


def _judge(seg: str, s: int, e: int, a: float, b: float | None, unit: str):
    """Comparator and (possibly widened) span when the number is a target, else None."""
    before, after = seg[max(0, s - 6):s], seg[e:e + 6]
    if a < 0 or in_name(seg, s) or _is_date_or_code(seg, s, e, unit, after):
        return None
    if (not unit and NOT_AFTER_LETTER.match(seg[e:e + 1])) or NOT_AFTER_LETTER.match(seg[s - 1:s] if s else ""):
        return None
    if unit in ("岁",) or after.startswith(("岁", "周岁")) or before.endswith(("第", "每")):
        return None
    if any(seg[e - len(unit):].startswith(x) or after.startswith(x) for x in SCOPE_AFTER if unit in ("个", "项", "")):
        return None
    comparator = "range" if b is not None else None
    end = e
    for word, comp in (("及以上", "ge"), ("以上", "ge"), ("及以下", "le"), ("以下", "le"), ("左右", "approx")):
        if after.startswith(word):
            comparator = comparator or comp
            end = e + len(word)
            break
    lead = _lead_word(before)
    if lead is None:    # 提高到每人每年240元: the comparator stands before the per-head qualifier
        qualified = re.sub(r"(每人每年|每人|人均|每年|年人均)$", "", seg[max(0, s - 10):s])
        if qualified != seg[max(0, s - 10):s]:
            lead = _lead_word(qualified[-6:])
    if lead is None and "至少" in before[-5:]:
        lead = "ge"     # 至少调整一次, 至少有1家
    if comparator is None and lead:
        comparator = lead
    if unit == "级" and not before.endswith("通过") and not (
            _LEVEL_AFTER.match(seg[e:]) and (lead or before.endswith("、"))):
        return None     # 二级医院, 二级以上专科医院: hospital grades; 通过5级…测评 is a level to pass
    if unit == "个月" and comparator is None:
        return None
    if unit in ("%", "‰", "个百分点"):
        return comparator or "eq", s, end
    if comparator:
        return comparator, s, end
    if unit and _made(seg, s):
        return "eq", s, end
    return None


def _continues_list(seg: str, prev_end: int, s: int) -> bool:
    gap = seg[prev_end:s]
    return 0 <= prev_end <= s and re.fullmatch(r"[、和及]|[、和及]?[^，,；;。]{0,12}?和", gap) is not None


def _is_date_or_code(seg, s, e, unit, after) -> bool:
    if not unit and re.match(r"\s*[年月日号时]", after):
        return True
    if re.match(r"\s*[-—–~]?\s*\d*\s*(年|月|日)", after) and not unit:
        return True
    return seg[s - 1:s] in ("〔", "[", "第") or bool(re.match(r"[〕\]]", after))


_LEAD_WORDS = sorted(
    [(w, "le") for w in LE_BEFORE] + [(w, "ge") for w in GE_BEFORE] + [(w, "increase_by") for w in INCREASE_BEFORE]
    + [("基本覆盖", "approx")] + [(w, "eq") for w in REACH_BEFORE], key=lambda wc: -len(wc[0]))


def _lead_word(before: str) -> str | None:
    """Comparator of the word just before the number; the longest match wins (不少于 over 少于)."""
    return next((comp for word, comp in _LEAD_WORDS if before.endswith(word)), None)


def _made(seg: str, s: int) -> bool:
    """A verb of making or achieving governs the count (within its clause)."""
    cs, _ = bounds(seg, s, CLAUSE_BREAK)
    clause = seg[cs:s]
    return any(v in clause for v in MAKE_VERBS)


def _deadline_for(seg: str, s: int, offset: int, deadlines: list[Deadline]) -> Deadline | None:
    ss, _ = bounds(seg, s, SENTENCE_BREAK)
    best = None
    for d in deadlines:
        ds = d.start - offset
        if ss <= ds < s:
            best = d
    return best


def _baseline(seg: str, s: int) -> str:
    cs, _ = bounds(seg, s, CLAUSE_BREAK)
    m = re.search(r"(较|比)((?:19|20)\d\d年|上年度?|去年)", seg[cs:s])
    return m.group(2) if m else ""


def _metric(seg: str, s: int, e: int, dl: Deadline | None, offset: int) -> str:
    cs, ce = bounds(seg, s, CLAUSE_BREAK)
    clause = seg[cs:ce]
    if dl is not None:
        clause = clause.replace(dl.raw, "")
    return re.sub(r"\s+", "", clause).strip("、")
