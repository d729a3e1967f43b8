"""What every normalizer shares: the document it reads, the units it cuts, the agencies it finds."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from analysis.errors import SourceError, error_at
from analysis.reading.agencies import (
    Mention,
    Scope,
    UnknownAgency,
    agency_shaped,
    fold,
    has_sentence_marks,
    load_dictionary,
    parse_list,
    reads_as_list,
    reads_as_prose,
)
from analysis.reading.manifest import DocumentMeta
from analysis.reading.repairs import Repair
from analysis.reading.spans import SPACE, Line, Unit, lines_of

ROLES = ("lead", "support", "joint")

# Headings as the documents print them: 一、 parts and (一) sections or tasks.
PART_HEADING = re.compile(r"^([一二三四五六七八九十]+)、")
CN_PAREN = re.compile(r"^[(（]([一二三四五六七八九十]+)[)）]")
# What may end a paragraph: a line ending otherwise was broken (by the scrape or a re-wrap).
FULL_STOP = tuple("。！？!?")
SENTENCE_END = FULL_STOP + tuple("；;：:")
# What a heading's title never holds: a line with none of it after a heading may be its title wrapped.
TITLE_BREAKERS = re.compile(r"[。，,、；;：:！？!?()（）]")


@dataclass
class AgencyRow:
    unit_id: str
    mention: Mention
    role: str
    inherited: bool = False
    source_unit_id: str = ""    # where the assignment is printed (an agency line, a parent)


@dataclass
class Normalized:
    units: list[Unit] = field(default_factory=list)
    agencies: list[AgencyRow] = field(default_factory=list)
    repairs: list[Repair] = field(default_factory=list)
    no_agency: list[str] = field(default_factory=list)     # tasks the document names no agency for


class Document:
    """One raw document being cut into units; collects what the normalizer finds."""

    def __init__(self, meta: DocumentMeta, path, text: str, agency_prefix: str | None, strict: bool = False,
                 lenient_cells: bool = False):
        self.meta = meta
        self.path = path
        self.text = text
        self.region = meta.region
        self.id_prefix = meta.id_prefix          # unit ids: region, or doc_id when a region has several documents
        self.agency_prefix = agency_prefix
        # strict: a name the dictionary lacks stops the build; otherwise it is read, flagged unresolved
        self.strict = strict
        # lenient_cells: a list shaped like agency names counts as one even if the dictionary lacks some
        self.lenient_cells = lenient_cells
        municipal = meta.level == "provincial" and meta.region_zh in load_dictionary().municipalities
        self.scope = Scope(meta.region, meta.level, municipal)
        from analysis.reading.responsibility import Reading

        self.responsibility = Reading()      # conventions the document declares, for every later statement
        self.out = Normalized()
        self._kind_counts: Counter[str] = Counter()
        self._ids: set[str] = set()
        self._lists: dict[tuple[int, int], bool] = {}

    # -- errors -------------------------------------------------------------------------
    def error(self, offset: int, message: str) -> SourceError:
        return error_at(self.path, self.text, offset, message)

    # -- lines --------------------------------------------------------------------------
    def lines(self, start: int = 0, end: int | None = None) -> list[Line]:
        return lines_of(self.text, start, end)

    # -- units --------------------------------------------------------------------------
    def unit(self, kind: str, start: int, end: int, no: str = "", parent_id: str = "",
             key: str | None = None, **attrs) -> Unit:
        """Add a unit. Its id is region:key, or region:kind-N for unnumbered spans."""
        if key is None:
            self._kind_counts[kind] += 1
            key = f"{kind}-{self._kind_counts[kind]}"
        unit_id = f"{self.id_prefix}:{key}"
        if unit_id in self._ids:
            raise self.error(start, f"two units would share the id {unit_id}: numbering repeats")
        self._ids.add(unit_id)
        u = Unit(unit_id, kind, no, parent_id, start, end, **attrs)
        self.out.units.append(u)
        return u

    def unit_for_lines(self, kind: str, lines: list[Line], **kw) -> Unit:
        return self.unit(kind, lines[0].start, lines[-1].end, **kw)

    # -- agencies -----------------------------------------------------------------------
    def mentions(self, start: int, end: int) -> list[Mention]:
        try:
            return parse_list(self.text, start, end, self.scope, self.agency_prefix, lenient=not self.strict)
        except UnknownAgency as exc:
            raise self.error(exc.offset, f"unknown agency '{exc.name}': add it to data/dictionaries/agencies.yml") from None

    def is_agency_list(self, start: int, end: int) -> bool:
        """True when text[start:end] reads as a complete list of known agencies (remembered: the
        table families ask again of the same lines while they look for a row's cells)."""
        if (start, end) not in self._lists:
            self._lists[start, end] = reads_as_list(self.text, start, end, self.scope, self.agency_prefix) or (
                self.lenient_cells and agency_shaped(self.text, start, end, self.scope, self.agency_prefix))
        return self._lists[start, end]

    def is_agency_shaped(self, start: int, end: int) -> bool:
        """True when text[start:end] reads as agencies, known or not yet in the dictionary."""
        return agency_shaped(self.text, start, end, self.scope, self.agency_prefix)

    def is_sentence(self, start: int, end: int) -> bool:
        """True when text[start:end] holds sentence punctuation, which no cell of names holds."""
        return has_sentence_marks(self.text, start, end)

    def is_prose(self, start: int, end: int) -> bool:
        """True when text[start:end] is part of a sentence, not of a list of agencies."""
        return reads_as_prose(self.text, start, end, self.scope, self.agency_prefix)

    def assign(self, unit: Unit, mentions: list[Mention], role: str, inherited: bool = False,
               source_unit_id: str = "") -> None:
        assert role in ROLES
        for m in mentions:
            self.out.agencies.append(AgencyRow(unit.unit_id, m, role, inherited, source_unit_id or unit.unit_id))

    def repair(self, start: int, end: int, reading: str | None, reason: str, confidence: str = "high") -> None:
        self.out.repairs.append(Repair(start, end, self.text[start:end], reading, reason, confidence))

    def repair_breaks(self, pieces, reason: str) -> None:
        """One repair for each break between consecutive pieces (lines or fragments, with .start
        and .end) that a wrap or the scrape split: they read as one."""
        for a, b in zip(pieces, pieces[1:]):
            self.repair(a.end, b.start, "", reason)


def cn_to_int(s: str) -> int:
    """Chinese numeral (一 … 九十九, with 十/百) to int."""
    digits = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
    if s.isdigit():
        return int(s)
    total, current = 0, 0
    for ch in s:
        if ch in digits:
            current = digits[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        else:
            raise ValueError(s)
    return total + current


def next_number(doc: Document, found: list[tuple[int, int]], value: int, offset: int, what: str) -> None:
    """Numbers must run 1, 2, 3 …: a gap or repeat means the structure was not recognised."""
    found.append((value, offset))
    if value != len(found):
        raise doc.error(offset, f"{what} {value} found where {what} {len(found)} was expected")



_METADATA = re.compile(
    r"^(当前位置|您当前的位置|您的位置|首页|发布时间|发布日期|来源|浏览次数|阅读次数|作者|无障碍阅读|>|[(（]此件公开发布[)）]|"
    r"\d{4}[-/]\d{1,2}[-/]\d{1,2}|\d{7,8}$|\d{4}年\d{1,2}月\d{1,2}日$|.{0,6}[〔\[]\d{4}[〕\]]\d+号$)")
_NOTICE = re.compile(r"([:：]$|印发给你们|请认真|现印发|现将)")


def front_matter(doc: Document, lines: list[Line]) -> None:
    """Page furniture, the transmitting notice and titles before a document's body."""
    for line in lines:
        t = line.text
        if _METADATA.search(t):
            kind = "metadata"
        elif _NOTICE.search(t) or t == doc.meta.issuer or t.replace(" ", "") == doc.meta.issuer:
            kind = "notice"
        elif "。" not in t and len(t) <= 80:
            kind = "title"
        else:
            kind = "preamble"
        doc.unit(kind, line.start, line.end)


def compact(text: str, start: int, end: int) -> tuple[str, list[int]]:
    """text[start:end] as rules read it, whitespace dropped and width folded (a line may break
    anywhere, （ may be printed for (), with the raw offset of each character kept."""
    # by runs of non-space characters, not character by character: the readers call this on
    # every line several times (a sixth of the time of reading a document)
    offsets, parts = [], []
    for run in _NON_SPACE_RUN.finditer(text, start, end):
        parts.append(run.group())
        offsets.extend(range(run.start(), run.end()))
    return fold("".join(parts)), offsets


_NON_SPACE_RUN = re.compile(f"[^{re.escape(SPACE)}]+")


def raw_span(offsets: list[int], start: int, end: int) -> tuple[int, int]:
    """Raw span of compact characters [start, end); empty spans sit where they would start."""
    if end <= start:
        at = offsets[start] if start < len(offsets) else (offsets[-1] + 1 if offsets else 0)
        return at, at
    return offsets[start], offsets[end - 1] + 1


def assign_parenthesis(doc: Document, unit, start: int, end: int) -> None:
    """Roles from a closing parenthesis's text[start:end] (without the brackets), read by the
    responsibility grammar (data/dictionaries/responsibility.yml):

    "A负责,B、C配合"      A lead, B and C support (several names before 负责 share it: joint)
    "A、B分别负责"         all joint; likewise 按职责分工负责 and 共同负责
    "A负责"                A lead (joint when several names share it)
    "A负责,2017年6月底前完成"   A lead; the time bound is the task's deadline
    """
    from analysis.reading import responsibility

    if not responsibility.read(doc, unit, start, end, doc.responsibility):
        raise doc.error(start, "responsibility parenthesis names no role (负责/配合)")


def closing_parenthesis(doc: Document, start: int, end: int) -> tuple[int, int] | None:
    """Inner span of the parenthesis that closes text[start:end], if the unit ends with one."""
    text = doc.text
    e = end
    while e > start and text[e - 1] in " \t\r\n\u3000。":
        e -= 1
    if e <= start or text[e - 1] not in ")）":
        return None
    depth, i = 0, e - 1
    while i >= start:
        ch = text[i]
        if ch in ")）":
            depth += 1
        elif ch in "(（":
            depth -= 1
            if depth == 0:
                return i + 1, e - 1
        i -= 1
    return None


def body_start(doc: Document, lines: list[Line], starts, layout: str) -> int:
    """Index of the first line of the body; the lines before it are front matter."""
    first = next((i for i, line in enumerate(lines) if starts(line.text)), None)
    if first is None:
        raise doc.error(0, f"no heading where the body should start: not the {layout} layout")
    front_matter(doc, lines[:first])
    return first
