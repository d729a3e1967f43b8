"""Family `annex_marked`: a plan, then an annex table whose merged responsibility cells mark leads with ▲.

Followed by Shaoxing 2016 (绍兴市人民政府, 绍政发[2016]36号, 深化医药卫生体制改革综合试点实施方案).
It takes no parameters.

Conventions of that document:
- A commercial database page wraps the text: its banner lines before the title are
  boilerplate, its field list (发布日期 … 正文内容) metadata, and everything from <END> on is
  boilerplate.
- The plan: 一、实施目标 (an opening sentence and five goals (一)…(五), kind goal), 二、实施内容
  (seven areas, kind area), 三、工作要求 (five safeguards), 四、进度安排 (three phases).
- The annex (重点任务及分工) is a flattened table: areas (一)…(七) hold sub-areas 1., 2.… which
  hold items (1), (2)…: the 103 items are the atomic tasks, id "(一)1.(1)". Cells on one row are
  separated by two or more spaces; a page break repeats the area cell before a sub-area.
- The responsible-units cell is merged over several rows: its text follows the first item it
  covers and applies to every later item of the same sub-area with no cell of its own
  (inherited = true). ▲ marks the lead(s) (the names up to the next comma); the names after it
  support. A cell without ▲ states no lead: its names are joint.

Re-wrapped text reads the same: plan paragraphs open indented (首行缩进), so an unindented line
carries the one before on even after a full stop. In the annex a gap of spaces separates the
cells of a row and a line break is only a wrap, so a fragment that starts no row carries on the
cell before it; an item's row whose gap a wrap removed ends in the lines that read as its
responsible-units cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from analysis.reading.normalizers.base import (
    CN_PAREN,
    FULL_STOP,
    PART_HEADING,
    SENTENCE_END,
    SPACE,
    TITLE_BREAKERS,
    Document,
    front_matter,
)

PART = PART_HEADING
CN_ITEM = CN_PAREN
SUB = re.compile(r"^(\d+)[.．]")
ITEM = re.compile(r"^[(（](\d+)[)）]")
GAP_SPACE = " \u3000\u00a0"
CELL_GAP = re.compile(f"[{GAP_SPACE}]{{2,}}")
TABLE_HEADER = "主要工作"
NOTES = ("▲为牵头部门", TABLE_HEADER)        # the table's note (what ▲ means) and its header row
PART_KINDS = {"实施目标": "goal", "实施内容": "area", "工作要求": "safeguard", "进度安排": "phase"}


class Fragment(NamedTuple):
    """A table cell, or the part of one a line holds."""
    start: int
    end: int
    after_gap: bool     # a gap of spaces (a cell boundary, maybe split by the line break) precedes it


@dataclass(frozen=True)
class Params:
    """None: the layout is this document's own."""


def normalize(doc: Document, p: Params) -> None:
    lines = doc.lines()
    body = _wrapper(doc, lines)
    annex = next((i for i, l in enumerate(body) if l.text.startswith("附件")), None)
    if annex is None:
        raise doc.error(body[0].start if body else 0, "no 附件 (annex) line found: not the annex_marked layout")
    first_part = next((i for i, l in enumerate(body) if PART.match(l.text)), annex)
    front_matter(doc, body[:first_part])
    _plan(doc, body[first_part:annex])
    table = next((i for i in range(annex + 1, len(body)) if _starts_table(body[i].text)), len(body))
    doc.repair_breaks(body[annex:table], "annex title broken across lines")
    doc.unit("attachment", body[annex].start, body[table - 1].end)
    _annex(doc, body[table:])


def _starts_table(t: str) -> bool:
    """The annex table's first line: its header row or its first area."""
    return t.startswith(TABLE_HEADER) or CN_ITEM.match(t) is not None


def _wrapper(doc: Document, lines):
    """Mark the database page around the text; return the document's own lines."""
    try:
        begin = next(i for i, l in enumerate(lines) if l.text == "正文内容")
        end = next(i for i, l in enumerate(lines) if l.text == "<END>")
    except StopIteration:
        raise doc.error(0, "database page markers (正文内容 … <END>) not found") from None
    title = next((i for i in range(begin) if "通知" in lines[i].text or "方案" in lines[i].text), begin)
    for line in lines[:title]:
        doc.unit("boilerplate", line.start, line.end)
    doc.unit("title", lines[title].start, lines[title].end)
    for line in lines[title + 1:begin + 1]:
        doc.unit("metadata", line.start, line.end)
    for line in lines[end:]:
        doc.unit("boilerplate", line.start, line.end)
    return lines[begin + 1:end]


def _plan(doc: Document, lines) -> None:
    part, kind = None, None
    for para in _paragraphs(doc, lines):
        line = para[0]
        start, end = para[0].start, para[-1].end
        t = line.text
        if m := PART.match(t):
            part = doc.unit("heading", start, end, no=f"{m.group(1)}、", key=f"{m.group(1)}、")
            title = "".join(l.text for l in para)
            kind = next((k for name, k in PART_KINDS.items() if name in title), None)
            if kind is None:
                raise doc.error(line.start, f"unknown part heading '{title}'")
        elif part is None:
            raise doc.error(line.start, "text before the first part heading")
        elif m := CN_ITEM.match(t):
            no = f"({m.group(1)})"
            doc.unit(kind, start, end, no=no, parent_id=part.unit_id, key=f"{kind}{no}")
        elif kind == "goal":
            doc.unit("goal", start, end, parent_id=part.unit_id, key="goal")
        else:
            doc.unit("note", start, end, parent_id=part.unit_id)


def _paragraphs(doc: Document, lines) -> list[list]:
    """Lines joined into paragraphs: a line that starts nothing new continues a paragraph wrapped
    over several lines. Where paragraphs open indented, an unindented line continues one even
    after a full stop; elsewhere a line continues one that has not ended its sentence."""
    out: list[list] = []
    for line in lines:
        para = out[-1] if out else None
        if (para is not None and not PART.match(line.text) and not CN_ITEM.match(line.text)
                and _runs_on(doc, para, line)):
            para.append(line)
        else:
            out.append([line])
    return out


def _indented(text: str, line) -> bool:
    """True when the line opens with spaces: the page indents a paragraph's first line (首行缩进),
    never the lines a wrap carries on."""
    return line.start > text.rfind("\n", 0, line.start) + 1


def _runs_on(doc: Document, para, line) -> bool:
    if PART.match(para[0].text):            # a title wrapped ("一、实" / "施目标"), not the paragraph under it
        return not _indented(doc.text, line) and not TITLE_BREAKERS.search(line.text)
    if _indented(doc.text, para[0]):
        return not _indented(doc.text, line)
    return not para[-1].text.endswith(SENTENCE_END)


def _annex(doc: Document, lines) -> None:
    area = sub = None          # current area number "(一)" and sub-area unit
    area_heads: dict[str, str] = {}
    cell = None                # (agency_line unit, mentions by role) that items inherit
    item = None
    expected_item = 1
    pending = None             # the last item, until we know whether a cell of its own follows

    def settle():
        if pending is not None and cell is not None:
            _inherit(doc, pending, cell)

    for s, e in _pieces(doc, lines):
        t = doc.text[s:e]
        if _starts_row(t):
            settle()
            pending = None
        if m := CN_ITEM.match(t):
            no = f"({m.group(1)})"
            if no in area_heads:
                doc.unit("heading_repeat", s, e, no=no, parent_id=area_heads[no])
            else:
                area_heads[no] = doc.unit("heading", s, e, no=no, key=f"annex{no}").unit_id
            area = no
        elif m := SUB.match(t):
            if area is None:
                raise doc.error(s, "sub-area before any area")
            sub = doc.unit("heading", s, e, no=f"{m.group(1)}.", parent_id=area_heads[area],
                           key=f"{area}{m.group(1)}.")
            cell, expected_item = None, 1
        elif m := ITEM.match(t):
            if sub is None:
                raise doc.error(s, "item before any sub-area")
            if int(m.group(1)) != expected_item:
                raise doc.error(s, f"item ({m.group(1)}) found where item ({expected_item}) was expected")
            expected_item += 1
            item = doc.unit("task", s, e, no=f"({m.group(1)})", parent_id=sub.unit_id,
                            key=f"{sub.unit_id.split(':', 1)[1]}({m.group(1)})")
            pending = item
        elif t.startswith(NOTES):
            doc.unit("note" if t.startswith("▲") else "table_header", s, e)
        else:
            cell = _agency_cell(doc, s, e, item)
            pending = None
    settle()


def _starts_row(t: str) -> bool:
    """An area, sub-area, item, the header row or the note: no cell carries on into one."""
    return bool(CN_ITEM.match(t) or SUB.match(t) or ITEM.match(t)) or t.startswith(NOTES)


def _pieces(doc: Document, lines) -> list[list[int]]:
    """The table's cells in order, as [start, end]: a cell a wrap broke (at a line end, or a
    page's row broken anywhere) is joined again. Cells on a row are separated by a gap of spaces;
    a line break is only a wrap, unless an item's row has no gap, when its responsible-units
    cell is the last lines that read as one."""
    pieces: list[list[int]] = []
    row: list[Fragment] = []
    for frag in _fragments(doc, lines):
        if _starts_row(doc.text[frag.start:frag.end]) and row:
            pieces += _row_cells(doc, row)
            row = []
        row.append(frag)
    return pieces + _row_cells(doc, row) if row else pieces


def _fragments(doc: Document, lines):
    """Each line's cells, in order, each marked with whether a gap separates it from the one before."""
    previous = None
    for line in lines:
        for s, e in _cells(doc, line):
            yield Fragment(s, e, previous is not None and _gap_width(doc.text, previous, s) >= 2)
            previous = e


def _gap_width(text: str, end: int, start: int) -> int:
    """Spaces between two fragments on their own lines (a blank line between them does not count)."""
    between = text[end:start].split("\n")
    return sum(ch in GAP_SPACE for ch in between[0] + (between[-1] if len(between) > 1 else ""))


def _row_cells(doc: Document, row) -> list[list[int]]:
    """One row's pieces: the cells its gaps separate, lines a wrap broke joined again. An item's
    row without a gap ends in the lines that read as its responsible-units cell, if any."""
    cuts = [i for i, f in enumerate(row) if i and f.after_gap]
    if not cuts and len(row) > 1 and ITEM.match(doc.text[row[0].start:row[0].end]):
        cuts = [1 + _cell_lines(doc, row[1:])]
    bounds = [0, *cuts, len(row)]
    return [_joined(doc, row[a:b]) for a, b in zip(bounds, bounds[1:]) if b > a]


def _cell_lines(doc: Document, rest) -> int:
    """Where an item's row with no gap (a wrap took it, or the layout has none) turns from text
    to the responsible-units cell: no later than its ▲, the first fragment from which the rest
    reads as a cell of known agencies, else of names shaped like agencies. With neither, the row
    is all text only if it ends a sentence: a cell of names that read as prose is not taken for
    text."""
    marked = next((k for k, f in enumerate(rest) if "▲" in doc.text[f.start:f.end]), None)
    end = rest[-1].end
    for reads in (doc.is_agency_list, doc.is_agency_shaped):
        for k in range(len(rest) if marked is None else marked + 1):
            if all(reads(gs, ge) for gs, ge, _ in _groups(doc.text, rest[k].start, end)):
                return k
    if marked is not None:
        return marked
    if doc.text[rest[-1].start:end].endswith(FULL_STOP):
        return len(rest)
    raise doc.error(rest[-1].start, "an item's row ends in neither a full stop nor a responsible-units cell")


def _joined(doc: Document, frags: list[Fragment]) -> list[int]:
    doc.repair_breaks(frags, "annex text broken across lines")
    return [frags[0].start, frags[-1].end]


def _cells(doc: Document, line):
    """Spans of the cells on one flattened table line."""
    pos = line.start
    for m in CELL_GAP.finditer(line.text):
        yield pos, line.start + m.start()
        pos = line.start + m.end()
    yield pos, line.end


def _groups(text: str, s: int, e: int):
    """The comma-separated groups of a responsible-units cell, without the ▲ that marks a lead
    group and the spaces around it: "▲A,B、C,D" -> A | B、C | D."""
    pos = s
    for group_end in [*(i for i in range(s, e) if text[i] in ",，"), e]:
        while pos < group_end and text[pos] in SPACE:
            pos += 1
        marked = pos < group_end and text[pos] == "▲"
        yield pos + marked, group_end, marked
        pos = group_end + 1


def _agency_cell(doc: Document, s: int, e: int, item):
    if item is None or doc.out.units[-1] is not item:
        raise doc.error(s, "responsible-units cell does not follow an item")
    line_unit = doc.unit("agency_line", s, e, parent_id=item.unit_id, key=f"{item.unit_id.split(':', 1)[1]}/agencies")
    led = "▲" in doc.text[s:e]
    roles = []
    for gs, ge, marked in _groups(doc.text, s, e):
        role = ("lead" if marked else "support") if led else "joint"
        roles.append((role, doc.mentions(gs, ge)))
    for role, mentions in roles:
        doc.assign(item, mentions, role, source_unit_id=line_unit.unit_id)
    return line_unit, roles


def _inherit(doc: Document, item, cell) -> None:
    line_unit, roles = cell
    for role, mentions in roles:
        doc.assign(item, mentions, role, inherited=True, source_unit_id=line_unit.unit_id)
