"""Family `paragraphs`: numbered task paragraphs that each close with their responsible agencies.

The layout (Tibet 2021, Qinghai 2022 and Wuhu 2021 follow it):

    front matter (page furniture, notice, title, preamble)
    一、part heading
      [(一)section heading]                     when tasks are numbered 1. 2. …
        1.task text …(X负责, Y配合)              or (一)task text …(A、B按职责分工负责)
                                                 or 1.task text …(责任单位:A、B、C)
    三、工作要求                                 a closing part: its paragraphs are safeguards

Parameters (the manifest entry's `params`):

- `task_marker`: `arabic` (tasks 1. 2. …, sections (一)) or `cn_paren` (tasks (一)(二)…).
- `roles`: how the closing list is read. `parenthesis`: "(X负责, Y配合)", "(…按职责分工负责)",
  "(…分别负责)". `first_listed`: "(责任单位:A、B、C)", where the first leads and the rest support.
- `follow_on`: an unnumbered paragraph after a task that closes with its own list is a task of
  its own, with id N+1, N+2 … (Tibet).
- `closing_parts`: words of the part titles whose paragraphs are safeguards (e.g. 工作要求).
- `goal_words`: words of the part titles whose opening paragraphs are goals (e.g. 目标).
- `footer`: a regular expression for the first line of the web page's footer; it and
  everything after it is boilerplate.

Any text between numbered lines belongs to the open paragraph when that paragraph has not
closed yet, whether its agency list or its full stop is still to come: a line broken by the
scrape, or a document wrapped at another width, reads the same. A section heading is a title: a
line right after it that starts nothing and has no punctuation carries it on (a part heading,
only when that completes its safeguard or goal words). Each such break is
recorded as a repair.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analysis.reading.normalizers.base import (
    CN_PAREN,
    PART_HEADING,
    SENTENCE_END,
    TITLE_BREAKERS,
    Document,
    assign_parenthesis,
    body_start,
    closing_parenthesis,
    cn_to_int,
    compact,
    next_number,
    raw_span,
)

ARABIC = re.compile(r"^(\d+)[.．、](?!\d)")
ATTACHMENT = re.compile(r"^附件[:：]")
RESPONSIBLE = re.compile(r"(?P<open>[(（])?责任单位[:：](?P<list>[^()（）。]*?)(?P<note>[。.]排第1位为牵头单位[^()（）]*)?(?P<close>[)）])?\s*$")


@dataclass(frozen=True)
class Params:
    task_marker: str = "arabic"
    roles: str = "parenthesis"
    follow_on: bool = False
    closing_parts: tuple[str, ...] = ()
    goal_words: tuple[str, ...] = ("目标",)
    footer: str = ""

    CHOICES = {"task_marker": ("arabic", "cn_paren"), "roles": ("parenthesis", "first_listed")}

    def check(self) -> None:
        if not isinstance(self.footer, str):
            raise ValueError("parameter footer of family paragraphs must be a regular expression (text)")
        try:
            re.compile(self.footer)
        except re.error as exc:
            raise ValueError(f"parameter footer of family paragraphs is not a regular expression ({exc})") from None


class _Open:
    """The paragraph being read: its kind, lines and where it hangs."""

    def __init__(self, kind: str, lines: list, follow_on: bool = False, **unit):
        self.kind, self.lines, self.follow_on, self.unit = kind, lines, follow_on, unit


def normalize(doc: Document, p: Params) -> None:
    task_re = ARABIC if p.task_marker == "arabic" else CN_PAREN
    section_re = CN_PAREN if p.task_marker == "arabic" else None
    footer_re = re.compile(p.footer) if p.footer else None
    lines = doc.lines()
    first = body_start(doc, lines, lambda t: PART_HEADING.match(t) or (section_re and section_re.match(t)),
                       "paragraphs")
    if not PART_HEADING.match(lines[first].text):
        numeral = section_re.match(lines[first].text).group(1)
        doc.repair(lines[first].start, lines[first].start, None,
                   f"part headings missing from the scrape: the text resumes at section ({numeral})", "high")
    reader = _Reader(doc, p)
    for i, line in enumerate(lines[first:], first):
        t = line.text
        if footer_re and footer_re.match(t):
            reader.close()
            numbered = [rest for rest in lines[i:] if task_re.match(rest.text)]
            if len(numbered) >= 2:   # page furniture holds no tasks: a second document follows
                raise doc.error(numbered[0].start, f"{len(numbered)} numbered paragraphs after the page footer "
                                                   f"(line {line.no}): is a second document in the file?")
            for rest in lines[i:]:
                doc.unit("boilerplate", rest.start, rest.end)
            break
        if reader.continues(line) or reader.heading_carries_on(line):
            continue                  # heading_carries_on: "(一)加强公共卫生" / "体系建设"
        if m := PART_HEADING.match(t):
            reader.part(line, m.group(1))
        elif reader.in_closing:
            reader.open(_Open("safeguard", [line], parent_id=reader.part_id))
        elif section_re and (m := section_re.match(t)):
            reader.section(line, m.group(1))
        elif m := task_re.match(t):
            reader.task(line, m)
        elif ATTACHMENT.match(t):
            reader.open(_Open("attachment", [line]))
        elif p.follow_on and reader.tasks_in_section:
            reader.follow_on(line)
        elif reader.section_id == "" and reader.part_id and not reader.tasks_in_part:
            kind = "goal" if any(w in reader.part_title for w in p.goal_words) else "preamble"
            reader.open(_Open(kind, [line], parent_id=reader.part_id))
        elif reader.current is not None and reader.current.kind == "task":
            reader.extend(line)       # the list looked complete at a line break ("…、市医保" / "局、…")
        else:
            raise doc.error(line.start, "paragraph is neither a heading nor a numbered task, and no task is open")
    reader.close()
    if not reader.numbers:
        raise doc.error(lines[first].start, "no numbered tasks found")


class _Reader:
    def __init__(self, doc: Document, p: Params):
        self.doc, self.p = doc, p
        self.part_id = self.part_title = self.section_id = ""
        self.part_unit = self.section_unit = None
        self.in_closing = False
        self.current: _Open | None = None
        self.last_task = None          # the numbered task follow-on paragraphs belong to
        self.follow = 0
        self.tasks_in_section = self.tasks_in_part = 0
        self.numbers: list[tuple[int, int]] = []

    # -- structure ------------------------------------------------------------------------
    def part(self, line, numeral: str) -> None:
        self.close()
        self.part_unit = self.doc.unit("heading", line.start, line.end, no=f"{numeral}、", key=f"{numeral}、")
        self.part_id = self.part_unit.unit_id
        self.section_id, self.last_task, self.tasks_in_section, self.tasks_in_part = "", None, 0, 0
        self.section_unit = None
        self._titled(line.text)

    def _completes_keyword(self, more: str) -> bool:
        words = (*self.p.closing_parts, *self.p.goal_words)
        return (not any(w in self.part_title for w in words)
                and any(w in self.part_title + more for w in words))

    def _titled(self, title: str) -> None:
        self.part_title = title
        self.in_closing = any(w in title for w in self.p.closing_parts)

    def section(self, line, numeral: str) -> None:
        self.close()
        self.section_unit = self.doc.unit("heading", line.start, line.end, no=f"({numeral})", parent_id=self.part_id,
                                          key=f"({numeral})")
        self.section_id = self.section_unit.unit_id
        self.last_task, self.tasks_in_section = None, 0

    def heading_carries_on(self, line) -> bool:
        """A line right after a section heading that starts nothing and has no punctuation: the
        heading's own title wrapped (a heading is a title, never a sentence; only a task may
        follow it). After a part heading, where a goal or preamble may open, such a line may as
        well be that paragraph's first words, so it is joined only when it completes the words
        that make the part's paragraphs safeguards or goals ("三、工" / "作要求")."""
        units = self.doc.out.units
        heading = units[-1] if units and units[-1] in (self.part_unit, self.section_unit) else None
        if (heading is None or self.current is not None or self._starts_something(line.text)
                or TITLE_BREAKERS.search(line.text)):
            return False
        if heading is self.part_unit and not self._completes_keyword(line.text):
            return False
        self.doc.repair(heading.char_end, line.start, "", "heading broken across lines")
        heading.char_end = line.end
        if heading is self.part_unit:
            self._titled(self.part_title + line.text)
        return True

    def task(self, line, m) -> None:
        self.close()
        value = cn_to_int(m.group(1))
        next_number(self.doc, self.numbers, value, line.start, "task")
        no = m.group(1) if self.p.task_marker == "arabic" else m.group(0)
        key = m.group(1) if self.p.task_marker == "arabic" else f"({m.group(1)})"
        self.open(_Open("task", [line], no=no, key=key, parent_id=self.section_id or self.part_id))
        self.tasks_in_section += 1
        self.tasks_in_part += 1
        self.follow = 0

    def follow_on(self, line) -> None:
        self.close()
        self.follow += 1
        task = self.last_task
        self.open(_Open("task", [line], no="", key=f"{task.no}+{self.follow}", parent_id=task.unit_id,
                         follow_on=True))

    # -- paragraphs -----------------------------------------------------------------------
    def open(self, para: _Open) -> None:
        self.close()
        self.current = para

    def continues(self, line) -> bool:
        """A line that starts nothing new continues the open paragraph while it has not closed."""
        cur = self.current
        if cur is None or self._starts_something(line.text) or self._closed(cur):
            return False
        self.extend(line)
        return True

    def extend(self, line) -> None:
        cur = self.current
        if cur.kind == "task":
            self.doc.repair(cur.lines[-1].end, line.start, "", "task broken across lines in the scrape")
        cur.lines.append(line)

    def _starts_something(self, t: str) -> bool:
        return bool(PART_HEADING.match(t) or CN_PAREN.match(t) or ARABIC.match(t) or ATTACHMENT.match(t))

    def _closed(self, para: _Open) -> bool:
        start, end = para.lines[0].start, para.lines[-1].end
        if para.kind == "attachment" and compact(self.doc.text, start, end)[0] == "附件:":
            return False                    # broken after its colon: the title follows
        if para.kind != "task":
            return para.lines[-1].text.endswith(SENTENCE_END)
        if self.p.roles == "first_listed":
            text, offsets = compact(self.doc.text, start, end)
            m = RESPONSIBLE.search(text)
            return bool(m) and self.doc.is_agency_list(*raw_span(offsets, m.start("list"), m.end("list")))
        inner = closing_parenthesis(self.doc, start, end)
        return inner is not None and compact(self.doc.text, *inner)[0].endswith(("负责", "配合"))

    def close(self) -> None:
        para, self.current = self.current, None
        if para is None:
            return
        start, end = para.lines[0].start, para.lines[-1].end
        if para.kind != "task":
            self.doc.unit(para.kind, start, end, **para.unit)
            return
        unit = self.doc.unit("task", start, end, **para.unit)
        if not para.follow_on:
            self.last_task = unit
        if self.p.roles == "first_listed":
            _listed(self.doc, unit, start, end, unit.no)
        else:
            inner = closing_parenthesis(self.doc, start, end)
            if inner is None:
                raise self.doc.error(end - 1, f"task {unit.unit_id.split(':', 1)[1]} does not end with its (…负责) parenthesis")
            assign_parenthesis(self.doc, unit, *inner)


def _listed(doc: Document, unit, start: int, end: int, number: str) -> None:
    """(责任单位:A、B、C): the first listed leads, the others support."""
    text, offsets = compact(doc.text, start, end)
    m = RESPONSIBLE.search(text)
    if m is None:
        raise doc.error(start, f"task {number} does not end with its 责任单位 list")
    if not m.group("open"):
        at = raw_span(offsets, m.start(), m.start())[0]
        before = text[m.start() - 1] if m.start() else ""
        doc.repair(at, at, "(" if before in "。;；" else "。(", "opening parenthesis of the 责任单位 list lost in the scrape")
    if not m.group("close"):
        doc.repair(end, end, ")", "closing parenthesis of the 责任单位 list lost in the scrape")
    list_start, list_end = raw_span(offsets, m.start("list"), m.end("list"))
    mentions = doc.mentions(list_start, list_end) if list_end > list_start else []
    if not mentions:
        raise doc.error(list_start, f"task {number}: empty 责任单位 list")
    doc.assign(unit, mentions[:1], "lead")
    doc.assign(unit, mentions[1:], "support")
