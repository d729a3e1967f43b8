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
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .base import CN_PAREN, PART_HEADING, Document, next_number, cn_to_int, front_matter

PART = PART_HEADING
BODY = CN_PAREN
ROW = re.compile(r"^(\d{1,3})([.．]?)(?=[\u4e00-\u9fff“])")
ATTACHMENT_REF = re.compile(r"^附件[:：]")
HEADER_CELLS = ("序号", "重点工作任务", "具体内容", "牵头组织", "参与部门")
JOINT_LEAD = re.compile(r"(分别负责|按职责分工负责)$")
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
    parts, bodies = _body(doc, lines[first:annex_ref])
    doc.unit("attachment", lines[annex_ref].start, lines[annex_ref].end)
    rows = _annex(doc, lines[annex_ref + 1:], parts)
    _link_bodies(doc, rows, bodies)


def _body(doc: Document, lines):
    parts: dict[str, str] = {}        # part title -> heading unit id
    bodies = []
    part = None
    numbers = []
    for line in lines:
        t = line.text
        if m := PART.match(t):
            part = doc.unit("heading", line.start, line.end, no=f"{m.group(1)}、", key=f"{m.group(1)}、")
            parts[t[m.end():].strip()] = part.unit_id
        elif m := BODY.match(t):
            next_number(doc, numbers, cn_to_int(m.group(1)), line.start, "body paragraph")
            bodies.append(doc.unit("body_task", line.start, line.end, no=f"({m.group(1)})",
                                   parent_id=part.unit_id, key=f"body({m.group(1)})"))
        elif part is not None:
            doc.unit("preamble", line.start, line.end, parent_id=part.unit_id)
        else:
            raise doc.error(line.start, "text before the first part heading")
    return parts, bodies


def _annex(doc: Document, lines, parts: dict[str, str]):
    rows = []
    category = None
    seen_categories: set[str] = set()
    i = 0
    numbers = []
    while i < len(lines):
        line = lines[i]
        t = line.text
        if m := ROW.match(t):
            j = i + 1
            while (j < len(lines) and not ROW.match(lines[j].text) and not _is_footer(lines[j].text)
                   and _category_at(lines, j, parts) is None):
                j += 1
            if not m.group(2):
                doc.repair(line.start + m.end(1), line.start + m.end(1), ".", "period after the row number lost")
            next_number(doc, numbers, int(m.group(1)), line.start, "row")
            rows.append(_row(doc, line, lines[i + 1:j], m.group(1), category))
            i = j
        elif (found := _category_at(lines, i, parts)) is not None:
            name, n = found
            span = lines[i:i + n]
            kind = "heading_repeat" if name in seen_categories else "heading"
            key = None if kind == "heading_repeat" else f"annex:{name}"
            category = doc.unit(kind, span[0].start, span[-1].end, parent_id=parts[name], key=key).unit_id
            _cell_breaks(doc, span, "category cell broken across lines")
            seen_categories.add(name)
            i += n
        elif t in HEADER_CELLS:
            doc.unit("table_header", line.start, line.end)
            i += 1
        elif t == "附件" or "分解表" in t:
            doc.unit("title", line.start, line.end)
            i += 1
        elif _is_footer(t):
            doc.unit("boilerplate", line.start, line.end)
            i += 1
        else:
            raise doc.error(line.start, "annex line is neither a row, a category cell nor a table header")
    if not rows:
        raise doc.error(lines[0].start if lines else 0, "annex table has no rows")
    return rows


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


def _row(doc: Document, line, cell_lines, number: str, category):
    row = doc.unit("task", line.start, line.end, no=number, parent_id=category or "", key=number)
    cells = _cells(doc, cell_lines, number)
    if not cells:
        return row
    lead_lines = cells[0]
    s, e = lead_lines[0].start, lead_lines[-1].end
    lead_unit = doc.unit("agency_line", s, e, parent_id=row.unit_id, key=f"{number}/lead")
    m = JOINT_LEAD.search(doc.text[s:e])
    mentions = doc.mentions(s, e - len(m.group(0)) if m else e)
    doc.assign(row, mentions, "joint" if m else "lead", source_unit_id=lead_unit.unit_id)
    if len(cells) > 1:
        s, e = cells[1][0].start, cells[1][-1].end
        sup = doc.unit("agency_line", s, e, parent_id=row.unit_id, key=f"{number}/support")
        doc.assign(row, doc.mentions(s, e), "support", source_unit_id=sup.unit_id)
    return row


def _cells(doc: Document, cell_lines, number: str):
    """Group a row's cell fragments into cells: join until the text reads as a complete list."""
    cells, current = [], []
    for line in cell_lines:
        current.append(line)
        s, e = current[0].start, current[-1].end
        inner = JOINT_LEAD.sub("", doc.text[s:e]) if len(cells) == 0 else doc.text[s:e]
        if doc.is_agency_list(s, s + len(inner.rstrip())):
            _cell_breaks(doc, current, "table cell broken across lines")
            cells.append(current)
            current = []
    if current:
        raise doc.error(current[0].start, f"row {number}: cannot read '{''.join(l.text for l in current)}' as agencies")
    if len(cells) > 2:
        raise doc.error(cells[2][0].start, f"row {number}: more than two agency cells")
    return cells


def _cell_breaks(doc: Document, lines, reason: str) -> None:
    for a, b in zip(lines, lines[1:]):
        doc.repair(a.end, b.start, "", reason)


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
