"""Family `annex_columns`: body paragraphs, then an annex table with lead and participating columns.

Followed by Yancheng 2022 (盐城市人民政府办公室, 盐政办发〔2022〕58号, 2022年全市深化医改重点工作任务及分工).
It takes no parameters.

Conventions of that document:
- The transmitting notice, the title and a preamble; then five parts 一、…五、 with 27 body
  paragraphs (一)…(二十七), each ending "(X、Y等部门按职责分工负责)". These are `body_task`
  units: the annex repeats their text row by row, so the atomic level is the annex.
- The annex 重点任务分解表 is a table flattened to lines: a category cell (the part title,
  itself broken over two lines and repeated after each page break), then rows: "N.text", the
  牵头组织 cell (lead) and the 参与部门 cell (support, sometimes empty). Cells are broken across
  lines ("各级卫生" / "健康部门"): fragments are joined until they read as a complete list of
  known agencies, and each break is recorded as a repair.
- A lead cell ending "分别负责" names joint leads. Each row links to the body paragraph whose
  text it repeats (`body_id`).
- Row 57 lost the period after its number.

Re-wrapped text reads the same: a body paragraph runs on until its (…负责) parenthesis, the
annex's titles until the table starts, and a row's text until the lines left read as its cells.
A cell that reads complete still carries on into a fragment that opens with a separator ("、…",
"及…", "等部门") or completes its last name ("部门") without reading as agencies on its own.
Cells end the row, so a line with a sentence after it (。, ：, quotes) is text. Once the text
has reached a full stop, a line that is not prose begins the cells, as does any line that reads
as agencies (known or not) and ends no clause: a cell naming an agency the dictionary lacks stops
the build with that name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NoReturn

from analysis.reading.agencies import loose_pattern, squeeze
from analysis.reading.normalizers.base import (
    CN_PAREN,
    FULL_STOP,
    PART_HEADING,
    SENTENCE_END,
    Document,
    closing_parenthesis,
    cn_to_int,
    compact,
    front_matter,
    next_number,
)

PART = PART_HEADING
BODY = CN_PAREN
ROW = re.compile(r"^(\d{1,3})([.．]?)(?=[\u4e00-\u9fff“])")
ATTACHMENT_REF = re.compile(r"^附件[:：]")
HEADER_CELLS = ("序号", "重点工作任务", "具体内容", "牵头组织", "参与部门")
# a lead cell's closing words, which a wrap may break too ("…部门分" / "别负责")
JOINT_LEAD = re.compile("(" + "|".join(loose_pattern(w).pattern for w in ("分别负责", "按职责分工负责")) + ")$")
LIST_GLUE = tuple("、,，;；及等")      # what no list of names starts with
CLAUSE_END = tuple(",，;；")
FOOTER = re.compile(r"^(打印|关闭|打印\s*关闭)$")


def _is_footer(text: str) -> bool:
    return FOOTER.match(text) is not None


@dataclass(frozen=True)
class Params:
    """None: the layout is this document's own."""


def normalize(doc: Document, p: Params) -> None:
    lines = doc.lines()
    first = next((i for i, l in enumerate(lines) if PART.match(l.text)), None)
    annex_ref = next((i for i, l in enumerate(lines) if ATTACHMENT_REF.match(l.text)), None)
    if first is None or annex_ref is None:
        raise doc.error(0, "parts (一、…) and an 附件 line not found: not the annex_columns layout")
    front_matter(doc, lines[:first])
    parts, bodies = _body(doc, lines[first:annex_ref], squeeze(doc.text[lines[annex_ref].start:]))
    if not bodies:
        raise doc.error(lines[first].start, "no body paragraphs (一) (二) … under the parts: not the annex_columns layout")
    annex = lines[annex_ref:]
    table = next((i for i, l in enumerate(annex) if _starts_table(annex, i, parts)), len(annex))
    _titles(doc, annex[:table])
    rows = _annex(doc, annex[table:], parts)
    _link_bodies(doc, rows, bodies)


def _body(doc: Document, lines, annex: str):
    parts: dict[str, str] = {}        # part title -> heading unit id
    bodies = []
    part = None
    numbers = []
    paragraphs = _paragraphs(doc, lines, annex)
    for para in paragraphs:
        line, start, end = para[0], para[0].start, para[-1].end
        t = line.text
        if m := PART.match(t):
            part = doc.unit("heading", start, end, no=f"{m.group(1)}、", key=f"{m.group(1)}、")
            parts["".join(l.text for l in para)[m.end():].strip()] = part.unit_id
        elif m := BODY.match(t):
            next_number(doc, numbers, cn_to_int(m.group(1)), start, "body paragraph")
            bodies.append(doc.unit("body_task", start, end, no=f"({m.group(1)})",
                                   parent_id=part.unit_id, key=f"body({m.group(1)})"))
        elif part is not None:
            doc.unit("preamble", start, end, parent_id=part.unit_id)
        else:
            raise doc.error(start, "text before the first part heading")
    return parts, bodies


def _paragraphs(doc: Document, lines, annex: str) -> list[list]:
    """Lines joined into paragraphs: a line that starts nothing new continues a paragraph that
    has not closed (a body paragraph closes with its (…负责) parenthesis, any other with a full
    stop), so a paragraph wrapped over several lines reads as one. A part heading carries on
    into the next line when the annex's category cells, which repeat the part titles, print the
    two as one title."""
    out: list[list] = []
    for line in lines:
        para = out[-1] if out else None
        if (para is None or PART.match(line.text) or BODY.match(line.text) or _closed(doc, para)
                or (PART.match(para[0].text) and not _title_in(annex, [*para, line]))):
            out.append([line])
            continue
        reason = "paragraph" if BODY.match(para[0].text) else "heading" if PART.match(para[0].text) else None
        if reason:
            doc.repair_breaks([para[-1], line], f"{reason} broken across lines")
        para.append(line)
    return out


def _title_in(annex: str, heading_lines) -> bool:
    title = PART.sub("", squeeze("".join(l.text for l in heading_lines)))
    return title in annex


def _closed(doc: Document, para) -> bool:
    if PART.match(para[0].text):
        return False            # _paragraphs decides with the annex
    if not BODY.match(para[0].text):
        return para[-1].text.endswith(SENTENCE_END)
    inner = closing_parenthesis(doc, para[0].start, para[-1].end)
    return inner is not None and compact(doc.text, *inner)[0].endswith("负责")


def _starts_table(lines, i: int, parts: dict[str, str]) -> bool:
    t = lines[i].text
    return t in HEADER_CELLS or _row_at(t, 1) is not None or _category_at(lines, i, parts) is not None


def _titles(doc: Document, lines) -> None:
    """The attachment reference ("附件:…分解表"), then the annex's own "附件" and title, each of
    which a wrap may break over lines."""
    bare = next((i for i, l in enumerate(lines) if l.text == "附件"), len(lines))
    for kind, span in (("attachment", lines[:bare]), ("title", lines[bare:bare + 1]), ("title", lines[bare + 1:])):
        if span:
            doc.unit(kind, span[0].start, span[-1].end)
            doc.repair_breaks(span, "annex title broken across lines")


def _annex(doc: Document, lines, parts: dict[str, str]):
    rows = []
    category = None
    seen_categories: set[str] = set()
    i = 0
    numbers = []
    while i < len(lines):
        line = lines[i]
        t = line.text
        if m := _row_at(t, len(numbers) + 1):
            j = i + 1
            while (j < len(lines) and not _row_at(lines[j].text, len(numbers) + 2) and not _is_footer(lines[j].text)
                   and _category_at(lines, j, parts) is None):
                j += 1
            if not m.group(2):
                doc.repair(line.start + m.end(1), line.start + m.end(1), ".", "period after the row number lost")
            next_number(doc, numbers, int(m.group(1)), line.start, "row")
            after = lines[i + 1:j]
            k, cells = _row_text_end(doc, line, after, m.group(1))
            rows.append(_row(doc, [line, *after[:k]], cells, m.group(1), category))
            i = j
        elif (found := _category_at(lines, i, parts)) is not None:
            name, n = found
            span = lines[i:i + n]
            kind = "heading_repeat" if name in seen_categories else "heading"
            key = None if kind == "heading_repeat" else f"annex:{name}"
            category = doc.unit(kind, span[0].start, span[-1].end, parent_id=parts[name], key=key).unit_id
            doc.repair_breaks(span, "category cell broken across lines")
            seen_categories.add(name)
            i += n
        elif t in HEADER_CELLS:
            doc.unit("table_header", line.start, line.end)
            i += 1
        elif _is_footer(t):
            doc.unit("boilerplate", line.start, line.end)
            i += 1
        else:
            raise doc.error(line.start, "annex line is neither a row, a category cell nor a table header")
    if not rows:
        raise doc.error(lines[0].start if lines else 0, "annex table has no rows")
    return rows


def _row_at(t: str, expected: int):
    """The row number a line starts with. Without its period ("57全市…", lost in the scrape) the
    number must be the one expected next: "10个县…" is a wrapped row's text, not row 10."""
    m = ROW.match(t)
    return m if m and (m.group(2) or int(m.group(1)) == expected) else None


def _category_at(lines, i: int, parts: dict[str, str]):
    """(part title, number of lines) when lines[i:] start with a category cell."""
    joined = ""
    for n in range(1, 4):
        if i + n > len(lines):
            return None
        joined += lines[i + n - 1].text
        if joined in parts:
            return joined, n
        if not any(p.startswith(joined) for p in parts):
            return None
    return None


def _row_text_end(doc: Document, line, after, number: str):
    """How many of the lines after a row's first line still hold its text (a wrapped row), and
    the agency cells the rest reads as. A row whose cell names an agency the dictionary lacks
    stops with that name instead of taking its cells for text."""
    k = 0
    while k <= len(after):
        cells = _cells(doc, after[k:])
        if cells is not None and (cells or k == 0 or after[-1].text.endswith(FULL_STOP)):
            return k, cells
        if k == len(after):
            break
        if (_starts_cells(doc, (after[k - 1] if k else line).text, after[k].start, after[k].end)
                and not any(doc.is_sentence(l.start, l.end) for l in after[k + 1:])):
            break           # cells end the row: a line with a sentence after it is still text
        k += 1
    _unreadable(doc, after[k:] or after[-1:], number)


def _starts_cells(doc: Document, previous: str, start: int, end: int) -> bool:
    """Whether text[start:end], on a line after `previous` text, begins a row's agency cells
    rather than carrying that text on: after a full stop, anything but prose does; anywhere, a
    line that reads as agencies (known or new) and does not end a clause ("做优市中医院," is a
    clause of the text)."""
    if previous.endswith(FULL_STOP) and not doc.is_prose(start, end):
        return True
    return not doc.text[start:end].rstrip().endswith(CLAUSE_END) and doc.is_agency_shaped(start, end)


def _row(doc: Document, text_lines, cells, number: str, category):
    row = doc.unit("task", text_lines[0].start, text_lines[-1].end, no=number, parent_id=category or "", key=number)
    doc.repair_breaks(text_lines, "row text broken across lines")
    for cell in cells:
        doc.repair_breaks(cell, "table cell broken across lines")
    if not cells:
        return row
    lead_lines = cells[0]
    s, e = lead_lines[0].start, lead_lines[-1].end
    lead_unit = doc.unit("agency_line", s, e, parent_id=row.unit_id, key=f"{number}/lead")
    names_end = s + len(_names(doc, s, e, lead=True))
    joint = JOINT_LEAD.search(doc.text[s:e]) is not None
    doc.assign(row, doc.mentions(s, names_end), "joint" if joint else "lead", source_unit_id=lead_unit.unit_id)
    if len(cells) > 1:
        s, e = cells[1][0].start, cells[1][-1].end
        sup = doc.unit("agency_line", s, e, parent_id=row.unit_id, key=f"{number}/support")
        doc.assign(row, doc.mentions(s, e), "support", source_unit_id=sup.unit_id)
    return row


def _cells(doc: Document, cell_lines):
    """A row's cell fragments grouped into its one or two cells; None when they do not read so."""
    cells, rest = _group(doc, cell_lines)
    return None if rest or len(cells) > 2 else cells


def _group(doc: Document, cell_lines):
    """Fragments joined into cells, each until it reads as a complete list of known agencies
    (the lead cell may end 分别负责) and the next fragment does not carry it on; the fragments
    left over when one never does."""
    cells, current = [], []
    for i, line in enumerate(cell_lines):
        current.append(line)
        lead = not cells
        nxt = cell_lines[i + 1] if i + 1 < len(cell_lines) else None
        if _complete(doc, current, lead) and not _carries_on(doc, current, nxt, lead):
            cells.append(current)
            current = []
    return cells, current


def _complete(doc: Document, lines, lead: bool) -> bool:
    s, e = lines[0].start, lines[-1].end
    return doc.is_agency_list(s, s + len(_names(doc, s, e, lead)))


def _carries_on(doc: Document, cell, nxt, lead: bool) -> bool:
    """Whether the next fragment is the rest of a complete-looking cell a wrap broke inside a
    name or list: it opens with a separator ("、发改、财政等部门", "及…", "等部门"), or it
    completes the cell's last name ("部门", "委") without reading as agencies on its own."""
    if nxt is None:
        return False
    if nxt.text.startswith(LIST_GLUE):
        return True
    return _complete(doc, [*cell, nxt], lead) and not _complete(doc, [nxt], lead=False)


def _names(doc: Document, s: int, e: int, lead: bool) -> str:
    """The cell's text without the 分别负责 a lead cell may close with."""
    return JOINT_LEAD.sub("", doc.text[s:e]).rstrip() if lead else doc.text[s:e]


def _unreadable(doc: Document, cell_lines, number: str) -> NoReturn:
    """The one-line error for cells that do not read as agencies, naming the agency the
    dictionary lacks when the first cell that fails reads as a name."""
    cells, failing = _group(doc, cell_lines)
    for n in range(1, len(failing) + 1):
        s = failing[0].start
        e = s + len(_names(doc, s, failing[n - 1].end, lead=not cells))
        if doc.is_agency_shaped(s, e):
            doc.mentions(s, e)      # raises naming the unknown agency
    if len(cells) > 2:
        raise doc.error(cells[2][0].start, f"row {number}: more than two agency cells")
    failing = failing or cell_lines       # callers pass at least one line
    text = "".join(l.text for l in failing)
    raise doc.error(failing[0].start, f"row {number}: cannot read '{text}' as agencies")


def _link_bodies(doc: Document, rows, bodies) -> None:
    """Each row repeats part of a body paragraph: link it to the best match, in document order."""
    grams = [_bigrams(doc.text[b.char_start:b.char_end]) for b in bodies]
    at = 0
    for row in rows:
        mine = _bigrams(doc.text[row.char_start:row.char_end])
        if not mine:
            continue
        scores = [len(mine & g) / len(mine) for g in grams]
        best = max(range(at, len(bodies)), key=lambda k: scores[k])
        if scores[best] >= 0.5:
            row.body_id = bodies[best].unit_id
            at = best


def _bigrams(text: str) -> set[str]:
    text = re.sub(r"[\s\d.,，。、;；:：()（）“”]", "", text)
    return {text[i:i + 2] for i in range(len(text) - 1)}
