"""Family `task_list`: any numbered list of tasks, for documents in no tuned layout.

The layout is found, not configured. Markers at a line's start, by rank:

    一、  part            (一)  section          1. 1、 1．  item
    (1)  sub-item         ①    circled item

The task level is the marker kind whose paragraphs state responsibility (a parenthesis or label
lines read by `analysis.reading.responsibility`) most consistently: the kind with the highest
(paragraphs stating it)² / (paragraphs of the kind). With no responsibility stated anywhere, the
kind with the most paragraphs. Markers above the task level are headings; a paragraph of a lower
kind is part of the task before it. Numbering may restart in each part or run on; a task's id is
its number, or its part's number and its own when numbers repeat ("二、3").

Around the tasks: the lines before the first marker are front matter (page furniture, title,
文号, notice, preamble); unnumbered paragraphs under a heading are preamble, goals (a part whose
title names 目标) or safeguards (a part such as 保障措施 or 工作要求, whose paragraphs state no
responsibility); short lines after the last task's closing sentence (signatures, dates, page
furniture) are metadata or boilerplate. Notes that declare a convention ("以上任务只列牵头部门")
are read wherever they stand. Nothing is refused for being unfamiliar: a task stating no agency is
listed by the build report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analysis.reading import responsibility
from analysis.reading.agencies import agency_shaped
from analysis.reading.normalizers.base import Document, compact, front_matter

RANKS = ("part", "section", "item", "sub", "circled")
MARKERS = {
    "part": re.compile(r"^([一二三四五六七八九十百]+)[、.．]"),
    "section": re.compile(r"^[(（]([一二三四五六七八九十百]+)[)）]"),
    "item": re.compile(r"^(\d{1,5})(?:[.．、](?!\d)|\s)"),
    "sub": re.compile(r"^[(（](\d{1,3})[)）]"),
    "circled": re.compile(r"^([①-⑳])"),
}
# "（以上两项由X牵头，Y配合）", "以上各项任务均由X负责": a line assigning the tasks just before it
_COVERING = re.compile(r"^[(（]?(?:以上|上述)([一二两三四五六七八九十]|\d{1,2}|各)项(?:任务|工作)?(?:均|都)?(?:由)?")
_CN_NUMBERS = "零一二三四五六七八九十"
CLOSING_WORDS = ("保障措施", "工作要求", "组织实施", "组织保障", "工作保障", "有关要求", "保障机制")
OPENING_WORDS = ("总体要求", "指导思想", "基本原则", "工作原则", "总体思路")
GOAL_WORDS = ("目标",)
_FURNITURE = re.compile(r"(打印|关闭|字体|分享|扫一扫|相关链接|版权所有|主办|承办|网站|ICP|备案|联系我们|返回|"
                        r"上一篇|下一篇|【|】|浏览|访问量|责任编辑|来源[:：]|发布(时间|日期)|附件下载|\d{4}[-/]\d)")
_CLOSED = ("。", ")", "）", "！", "；", ";")


@dataclass(frozen=True)
class Params:
    """No parameters: the layout is read from the document."""


@dataclass(frozen=True)
class _Span:
    start: int
    end: int


@dataclass
class _Block:
    kind: str                 # a marker kind, or "" for lines before any marker
    number: str               # the marker's numeral as printed ("3", "三", "①")
    lines: list
    states_roles: bool = False
    as_heading: bool = False  # a task-level paragraph whose numbered sub-items state roles for themselves


def _marker(text: str) -> tuple[str, str] | None:
    for kind in RANKS:
        if m := MARKERS[kind].match(text):
            return kind, m.group(1)
    return None


def _table_columns(doc: Document, g, lines) -> tuple[str, ...]:
    """The cell columns after the task text when the document holds a flattened task table: a run
    of header lines, one cell each, naming the task column and at least one role column."""
    run: list[str] = []
    for line in lines:
        kind = g.column(compact(doc.text, line.start, line.end)[0])
        if kind:
            run.append(kind)
            continue
        if "task" in run and any(k in ("lead", "support", "listed") for k in run):
            return tuple(k for k in run[run.index("task") + 1:] if k != "skip")
        run = []
    return ()


def _cells(doc: Document, g, block: _Block) -> list[tuple[object, str]]:
    """(line, column) of a table row's trailing cells: the lines after the task text that read as
    a cell (names, a time bound, an empty mark), mapped to the header's columns in order."""
    columns = doc.responsibility.columns
    if not columns or len(block.lines) < 2:
        return []
    texts = [compact(doc.text, ln.start, ln.end)[0] for ln in block.lines]

    def names(i: int) -> bool:            # a cell of names; an alias in brackets: 市委组织部(市人才办)
        t = re.sub(r"\([^()]*\)", "", texts[i])
        return bool(t) and agency_shaped(t, 0, len(t), doc.scope, doc.agency_prefix)

    def timed(i: int) -> bool:
        t, ln = texts[i], block.lines[i]
        return len(t) <= 30 and any(w in t for w in g.time_words) and not doc.is_sentence(ln.start, ln.end)

    def cell_shaped(i: int) -> bool:
        return texts[i] in g.empty_cell or timed(i) or names(i)

    first = next((i for i in range(1, len(texts)) if cell_shaped(i)), None)
    if first is None:
        return []
    out, c = [], 0
    for i in range(first, len(texts)):
        if g.column(texts[i]):
            continue                          # a header cell repeated after a page break
        if not cell_shaped(i) or c >= len(columns):
            break                             # the row has ended: what follows is not its cells
        if timed(i) and not names(i) and "deadline" in columns[c:]:
            c = columns.index("deadline", c)
        out.append((block.lines[i], columns[c]))
        c += 1
    return out


_SENTENCE_ROLES = re.compile(r"由([^。；;由]{2,80}?(?:牵头|负责|配合|参与)[^。；;]{0,60})[。；;]?")


def _sentence_roles(doc: Document, g, start: int, end: int):
    """Spans of responsibility written as a sentence of the task: "由县卫健局牵头，县医保局配合。"."""
    for m in _SENTENCE_ROLES.finditer(doc.text, start, end):
        s, e = m.start(1), m.end(1)
        if g.role_at_end(compact(doc.text, s, e)[0].split("，")[0].split(",")[0]):
            yield s, e


def _states_roles(doc: Document, block: _Block, g) -> bool:
    start, end = block.lines[0].start, block.lines[-1].end
    if any(col in ("lead", "support", "listed") for _, col in _cells(doc, g, block)):
        return True
    if next(_sentence_roles(doc, g, start, end), None):
        return True
    if any(g.label_at_start(compact(doc.text, ln.start, ln.end)[0]) for ln in block.lines):
        return True
    spans = _parentheses(doc, start, end)
    return any(responsibility.is_statement(doc, s, e, last=(s, e) == spans[-1]) for s, e in spans) \
        or bool(g.convention(compact(doc.text, start, end)[0]))


def _parentheses(doc: Document, start: int, end: int) -> list[tuple[int, int]]:
    """Inner spans of the top-level parentheses in text[start:end]."""
    out, depth, open_at = [], 0, 0
    for i in range(start, end):
        ch = doc.text[i]
        if ch in "(（":
            if depth == 0:
                open_at = i + 1
            depth += 1
        elif ch in ")）" and depth:
            depth -= 1
            if depth == 0:
                out.append((open_at, i))
    return out


def normalize(doc: Document, p: Params) -> None:
    g = responsibility.load_grammar()
    lines = doc.lines()
    if not lines:
        raise doc.error(0, "the document has no text")
    blocks: list[_Block] = []
    for line in lines:
        mark = _marker(line.text)
        if mark and not (blocks and _is_reference(line.text)):
            blocks.append(_Block(mark[0], mark[1], [line]))
        elif blocks:
            blocks[-1].lines.append(line)
        else:
            blocks.append(_Block("", "", [line]))
    # a declared convention holds for the whole document: "（…负责，排在第一位的为牵头部门，下同）" in the
    # first task, or a note after the list ("以上任务只列牵头部门", "列有两个及以上单位的，排在第一位的为牵头单位")
    if kind := g.convention(compact(doc.text, 0, len(doc.text))[0]):
        doc.responsibility.convention = kind
    doc.responsibility.columns = _table_columns(doc, g, lines)
    for b in blocks:
        if b.kind:
            b.states_roles = _states_roles(doc, b, g)
    task_kind = _task_kind(blocks)
    if task_kind is None:
        raise doc.error(lines[0].start, "no numbered paragraphs (一、 (一) 1. (1) ①): not a task list")
    inherit = False
    if (children := _unstated_children(blocks, task_kind)) is not None:
        task_kind, inherit = children, True
    _Cutter(doc, g, task_kind, blocks, inherit).cut()


def _unstated_children(blocks: list[_Block], kind: str) -> str | None:
    """The kind below `kind` when `kind`'s paragraphs state responsibility for a section of
    numbered items that state none themselves ("一、… 牵头单位：X" then 1. 2. 3.): those items
    are the tasks, and each inherits its section's statement."""
    rank = RANKS.index(kind)
    own = [b for b in blocks if b.kind == kind]
    lower = [k for k in RANKS[rank + 1:] if any(b.kind == k for b in blocks)]
    if not lower or sum(b.states_roles for b in own) < 0.5 * len(own):
        return None
    most = max(lower, key=lambda k: sum(b.kind == k for b in blocks))     # the items, not a stray (一)
    items = [b for b in blocks if b.kind == most]
    if len(items) >= 1.5 * len(own) and sum(b.states_roles for b in items) < 0.2 * len(items):
        return most
    return None


def _is_reference(text: str) -> bool:
    """A wrapped line that starts with a number but continues a sentence ("10个县…", "2021年…")."""
    return bool(re.match(r"^\d+(年|月|日|个|家|所|人|名|万|亿|%|％|张|项|次|岁|天)", text))


def _task_kind(blocks: list[_Block]) -> str | None:
    kinds = [k for k in RANKS if any(b.kind == k for b in blocks)]
    if not kinds:
        return None
    scores = {}
    for k in kinds:
        of_kind = [b for b in blocks if b.kind == k]
        stating = sum(b.states_roles for b in of_kind)
        scores[k] = stating * stating / len(of_kind)
    if any(scores.values()):
        return max(kinds, key=lambda k: (scores[k], RANKS.index(k)))
    # nothing states responsibility: the kind with the most paragraphs, the higher on a tie
    return max(kinds, key=lambda k: (sum(b.kind == k for b in blocks), -RANKS.index(k)))


class _Cutter:
    def __init__(self, doc: Document, g, task_kind: str, blocks: list[_Block], inherit: bool = False):
        self.doc, self.g, self.task_kind, self.blocks = doc, g, task_kind, blocks
        self.inherit = inherit
        self.section_statements: dict[str, tuple[object, list]] = {}   # kind -> (heading unit, spans)
        self.recent: list = []                     # tasks since the last heading
        self.rank = RANKS.index(task_kind)
        self.state = doc.responsibility
        self.headings: dict[str, object] = {}      # kind -> open heading unit
        self.titles: dict[str, str] = {}           # kind -> its title
        self.part_title = ""
        # kinds whose numbers repeat (numbering restarts in each part): their ids take the parent's number
        self.repeats = set()
        for kind in RANKS:
            numbers = [b.number for b in blocks if b.kind == kind]
            if len(numbers) != len(set(numbers)):
                self.repeats.add(kind)

    def cut(self) -> None:
        merged = self._merge_lower()
        self.last_block = merged[-1]
        for i, b in enumerate(merged):
            if b.kind == "":
                self._front(b.lines)
            elif b.as_heading or RANKS.index(b.kind) < self.rank and not (
                    b.states_roles and not self.inherit and not self._children_state(merged, i)
                    and not self._declares_scope(b)):
                self._heading(b)
            else:
                tail = self._tail(b) if b is self.last_block else []
                body = b.lines[:len(b.lines) - len(tail)]
                # a note declaring a convention on its own line after the task ("列有两个及以上单位的，
                # 排在第一位的为牵头单位"; "以上任务只列牵头部门") is not part of the task
                notes = next((i for i in range(1, len(body)) if self.g.convention(
                    compact(self.doc.text, body[i].start, body[i].end)[0]) or self._covers(body[i])), len(body))
                self._task(_Block(b.kind, b.number, body[:notes], b.states_roles))
                for line in body[notes:]:
                    if n := self._covers(line):
                        self._cover(line, n)
                    else:
                        self._loose(line, self._parent(RANKS.index(b.kind)))
                self._trailer(tail)

    def _covers(self, line) -> int:
        """How many tasks before it a statement line covers: "（以上两项由X牵头，Y配合）" → 2; 0 if none."""
        text = compact(self.doc.text, line.start, line.end)[0]
        m = _COVERING.match(text)
        if not m or not self.g.mentions_role(text[m.end():]):
            return 0
        n = m.group(1).replace("两", "二")
        return len(self.recent) if n == "各" else _CN_NUMBERS.index(n) if n in _CN_NUMBERS else int(n)

    def _cover(self, line, n: int) -> None:
        """Assign a covering statement line to the last `n` tasks under the same heading."""
        parent = self._parent(self.rank + 1)
        holder = self.doc.unit("agency_line", line.start, line.end, parent_id=parent.unit_id if parent else "")
        text, offsets = compact(self.doc.text, line.start, line.end)
        m = _COVERING.match(text)
        s, e = offsets[m.end()], offsets[len(text) - 1] + (0 if text.endswith((")", "）")) else 1)
        for unit in self.recent[-n:]:
            before = len(self.doc.out.agencies)
            responsibility.read(self.doc, unit, s, e, self.state)
            for row in self.doc.out.agencies[before:]:
                row.inherited, row.source_unit_id = True, holder.unit_id
            _dedupe(self.doc, before)
            if len(self.doc.out.agencies) > before and unit.unit_id in self.doc.out.no_agency:
                self.doc.out.no_agency.remove(unit.unit_id)

    def _declares_scope(self, b: _Block) -> bool:
        """True when a heading's lines say its statement holds for every task under it."""
        return any(self.g.scope_at(compact(self.doc.text, ln.start, ln.end)[0]) >= 0 for ln in b.lines)

    def _front(self, lines) -> None:
        """Front matter; a flattened task table's header cells are table_header units."""
        for line in lines:
            if self.state.columns and self.g.column(compact(self.doc.text, line.start, line.end)[0]):
                self.doc.unit("table_header", line.start, line.end)
            else:
                front_matter(self.doc, [line])

    def _children_state(self, merged: list[_Block], i: int) -> bool:
        """True when a numbered paragraph below merged[i] (before the next of its rank or higher) states roles."""
        rank = RANKS.index(merged[i].kind)
        for b in merged[i + 1:]:
            if b.kind and RANKS.index(b.kind) <= rank:
                return False
            if b.kind and b.states_roles:
                return True
        return False

    def _merge_lower(self) -> list[_Block]:
        """Paragraphs of a lower kind than tasks join the block before them, unless the task-level
        paragraph states no responsibility and one of its sub-items does ("（二）…" then "1.…（X牵头）"
        "2.…（Y负责）"): then the paragraph is a heading and its sub-items are the tasks."""
        out: list[_Block] = []
        for i, b in enumerate(self.blocks):
            lower = b.kind and RANKS.index(b.kind) > self.rank
            if b.kind == self.task_kind and self._has_sub_items(i) and (
                    not b.states_roles and self._sub_items_state(i) or self._declares_scope(b)):
                b.as_heading = True
                out.append(b)
            elif lower and out and (out[-1].as_heading or out[-1].kind and RANKS.index(out[-1].kind) > self.rank):
                out.append(b)                     # a sub-item task under such a paragraph
            elif lower and out:
                out[-1].lines.extend(b.lines)
                out[-1].states_roles = out[-1].states_roles or b.states_roles
            else:
                out.append(b)
        return out

    def _has_sub_items(self, i: int) -> bool:
        nxt = self.blocks[i + 1] if i + 1 < len(self.blocks) else None
        return bool(nxt and nxt.kind and RANKS.index(nxt.kind) > self.rank)

    def _sub_items_state(self, i: int) -> bool:
        for b in self.blocks[i + 1:]:
            if not b.kind or RANKS.index(b.kind) <= self.rank:
                return False
            if b.states_roles:
                return True
        return False

    # -- headings and what hangs under them -----------------------------------------------
    def _heading(self, b: _Block) -> None:
        title = b.lines[0]
        rank = RANKS.index(b.kind)
        parent = self._parent(rank)
        key = self._key(b.kind, b.number, parent)
        kind = "heading"
        lead, _, rest_of_line = title.text.partition("。")
        declared = self._declares_scope(b)
        if b.as_heading and not declared:    # a task paragraph grouping its sub-item tasks: one heading
            title = _Span(title.start, b.lines[-1].end)
        elif rest_of_line.strip() and len(lead) <= 30:
            # a titled paragraph ("(二)工作目标。到2025年，…"): its sentences are read like a paragraph's
            kind = self._loose_kind(lead)
        unit = self.doc.unit(kind, title.start, title.end, no=_printed(b.kind, b.number),
                             parent_id=parent.unit_id if parent else "", key=key)
        self.headings = {k: u for k, u in self.headings.items() if RANKS.index(k) < rank}
        self.headings[b.kind] = unit
        self.recent = []                          # the tasks a covering line (以上两项…) may reach
        self.titles = {k: t for k, t in self.titles.items() if RANKS.index(k) < rank}
        self.titles[b.kind] = b.lines[0].text
        self.part_title = self.titles[min(self.titles, key=RANKS.index)]   # the highest open heading
        rest = [] if b.as_heading and not declared else b.lines[1:]
        tail = self._tail(b) if b is self.last_block else []
        rest = rest[:len(rest) - len(tail)]
        self.section_statements = {k: v for k, v in self.section_statements.items() if RANKS.index(k) < rank}
        spans = []
        for line in rest:
            text, offsets = compact(self.doc.text, line.start, line.end)
            at = self.g.scope_at(text) if declared else -1
            if (self.inherit or declared) and self.g.label_at_start(text):
                self.doc.unit("agency_line", line.start, line.end, parent_id=unit.unit_id)
                spans.append((line.start, line.end))
            elif at >= 0 and self.g.mentions_role(text[at:]):
                # "本部分各项任务均由X牵头，Y配合。": the statement after the scope words
                self.doc.unit("agency_line", line.start, line.end, parent_id=unit.unit_id)
                if at < len(offsets):
                    spans.append((offsets[at], line.end))
            elif at >= 0:                     # "本部分所列各项任务均按上述分工落实，完成时限：…"
                self.doc.unit("note", line.start, line.end, parent_id=unit.unit_id)
            else:
                self._loose(line, unit)
        if spans:
            self.section_statements[b.kind] = (unit, spans)
        self._trailer(tail)

    def _loose(self, line, parent) -> None:
        """An unnumbered paragraph under a heading: a note, a goal, a safeguard or a preamble."""
        text = compact(self.doc.text, line.start, line.end)[0]
        if kind := self.g.convention(text):
            self.state.convention = kind
            self.doc.unit("note", line.start, line.end, parent_id=parent.unit_id if parent else "")
            return
        self.doc.unit(self._loose_kind(), line.start, line.end, parent_id=parent.unit_id if parent else "")

    def _loose_kind(self, own_title: str = "") -> str:
        """What an unnumbered (or titled) paragraph is, by its own title and its part's."""
        titles = own_title + " " + self.part_title
        if any(w in titles for w in GOAL_WORDS):
            return "goal"
        if any(w in titles for w in CLOSING_WORDS):
            return "safeguard"
        return "preamble"

    # -- tasks -----------------------------------------------------------------------------
    def _task(self, b: _Block) -> None:
        rank = RANKS.index(b.kind)
        # a section statement holds for the tasks below its heading, not for a later task of its rank
        self.section_statements = {k: v for k, v in self.section_statements.items() if RANKS.index(k) < rank}
        parent = self._parent(rank)
        start, end = b.lines[0].start, b.lines[-1].end
        if not b.states_roles and any(w in self.part_title for w in (*CLOSING_WORDS, *OPENING_WORDS, *GOAL_WORDS)):
            # the opening and closing parts' numbered paragraphs: guiding ideas, goals, safeguards
            own = b.lines[0].text.partition("。")[0]
            self.doc.unit(self._loose_kind(own), start, end, no=_printed(b.kind, b.number),
                          parent_id=parent.unit_id if parent else "", key=self._key(b.kind, b.number, parent))
            return
        key = self._key(b.kind, b.number, parent)
        unit = self.doc.unit("task", start, end, no=_printed(b.kind, b.number),
                             parent_id=parent.unit_id if parent else "", key=key)
        self.recent.append(unit)
        before = len(self.doc.out.agencies)
        for line in b.lines:                                 # label lines: 牵头单位: X
            text = compact(self.doc.text, line.start, line.end)[0]
            if self.g.label_at_start(text):
                responsibility.read(self.doc, unit, line.start, line.end, self.state)
        cells = _cells(self.doc, self.g, b)
        for line, column in cells:                           # a flattened table row's cells
            if column in ("lead", "support", "listed") and \
                    compact(self.doc.text, line.start, line.end)[0] not in self.g.empty_cell:
                responsibility.read(self.doc, unit, line.start, line.end, self.state, column=column)
        in_cells = [(ln.start, ln.end) for ln, _ in cells]
        spans = [(s_, e_) for s_, e_ in _parentheses(self.doc, start, end)
                 if not any(a <= s_ < z for a, z in in_cells)]
        for s, e in spans:
            if responsibility.is_statement(self.doc, s, e, last=(s, e) == spans[-1]):
                responsibility.read(self.doc, unit, s, e, self.state)
        if len(self.doc.out.agencies) == before:
            self._sentence_roles(unit, start, end)
        if len(self.doc.out.agencies) == before and self.section_statements:
            heading, statement = self.section_statements[max(self.section_statements, key=RANKS.index)]
            for s_, e_ in statement:
                responsibility.read(self.doc, unit, s_, e_, self.state)
            for row in self.doc.out.agencies[before:]:
                row.inherited, row.source_unit_id = True, heading.unit_id
        # a scope note standing in the paragraph, outside any parenthesis
        outside, _ = compact(self.doc.text, start, end)
        if (kind := self.g.convention(outside)) and not self.state.convention:
            self.state.convention = kind
        _dedupe(self.doc, before)
        if len(self.doc.out.agencies) == before:
            self.doc.out.no_agency.append(unit.unit_id)

    def _sentence_roles(self, unit, start: int, end: int) -> None:
        """Responsibility written as a sentence of the task: "由县卫健局牵头，县医保局配合。"."""
        for s, e in _sentence_roles(self.doc, self.g, start, end):
            if responsibility.read(self.doc, unit, s, e, self.state):
                return

    def _parent(self, rank: int):
        above = [u for k, u in self.headings.items() if RANKS.index(k) < rank]
        return above[-1] if above else None

    def _key(self, kind: str, number: str, parent) -> str:
        printed = _printed(kind, number)
        key = number if kind == "item" else printed
        if (kind in self.repeats or RANKS.index(kind) > self.rank) and parent is not None:
            key = f"{parent.unit_id.split(':', 1)[1]}{key}"
        base, n = key, 1
        while f"{self.doc.id_prefix}:{key}" in self.doc._ids:
            n += 1
            key = f"{base}#{n}"
        return key

    # -- after the last task ---------------------------------------------------------------
    def _tail(self, b: _Block) -> list:
        """Short lines after the block's last closed sentence: signatures, dates, page furniture."""
        lines = b.lines
        if cells := _cells(self.doc, self.g, b):          # a table row: what follows its cells
            after = lines.index(cells[-1][0]) + 1
            rest = lines[after:]
            return rest if all(len(ln.text) <= 80 or _FURNITURE.search(ln.text) for ln in rest) else []
        cut = len(lines)
        for i in range(len(lines) - 1, 0, -1):
            t = lines[i].text
            if self.g.label_at_start(compact(self.doc.text, lines[i].start, lines[i].end)[0]):
                break                        # 牵头单位: … belongs to the task
            if len(t) <= 40 and not re.search(r"[。；;]", t) or _FURNITURE.search(t) and len(t) <= 80:
                cut = i
            else:
                break
        if cut == len(lines):
            return []
        before = lines[cut - 1]
        closed = before.text.endswith(_CLOSED) or self.g.label_at_start(
            compact(self.doc.text, before.start, before.end)[0])
        if not closed and not all(_FURNITURE.search(line.text) for line in lines[cut:]):
            return []                        # the paragraph had not closed: a wrapped line, not a tail
        return lines[cut:]

    def _trailer(self, lines) -> None:
        for line in lines:
            t = line.text
            if t.startswith("附件"):
                kind = "attachment"
            elif re.match(r"^(说明|注)\s*[:：]", t):
                kind = "note"
            elif _FURNITURE.search(t):
                kind = "boilerplate"
            else:
                kind = "metadata"
            self.doc.unit(kind, line.start, line.end)


def _printed(kind: str, number: str) -> str:
    return {"part": f"{number}、", "section": f"({number})", "item": f"{number}.", "sub": f"({number})"}.get(kind, number)


def _dedupe(doc: Document, since: int) -> None:
    """One row per (agency, role) in a task: a name repeated in a sub-item's parenthesis is one duty."""
    rows = doc.out.agencies
    seen, kept = set(), []
    for row in rows[since:]:
        key = (row.mention.agency.name_zh, row.role)
        if key not in seen:
            seen.add(key)
            kept.append(row)
    rows[since:] = kept

