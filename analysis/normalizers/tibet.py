"""Tibet 2021 (西藏自治区深化医药卫生体制改革领导小组, 2021年深化医药卫生体制改革重点工作任务).

Conventions of this document:
- The scrape starts at section (一): the part headings 一、 and 二、 that stood above the
  sections are missing. They are recorded as a repair (nothing is invented); the sections
  (一)…(六) have no parent.
- 25 numbered paragraphs 1.–25. Each ends in "(X负责, Y配合)": names before 负责 lead, names
  between 负责 and 配合 support; "分别负责", or several names sharing one 负责, is joint.
- Unnumbered follow-on paragraphs that end in their own parenthesis are atomic tasks of their
  own under the numbered paragraph before them: ids 4+1, 4+2 … (31 tasks in all).
- 三、工作要求 closes the document with a safeguards paragraph.
"""

from __future__ import annotations

import re

from .base import CN_PAREN, PART_HEADING, Document, body_start, next_number, assign_parenthesis, closing_parenthesis

PART = PART_HEADING
SECTION = CN_PAREN
TASK = re.compile(r"^(\d+)[.．、]")


def normalize(doc: Document) -> None:
    lines = doc.lines()
    first = body_start(doc, lines, lambda t: SECTION.match(t) or PART.match(t), "Tibet")
    if not PART.match(lines[first].text):
        doc.repair(lines[first].start, lines[first].start, None,
                   "part headings missing from the scrape: the text resumes at section (一)", "high")
    parent = ""            # the section or part a line sits under
    task = None            # the numbered task follow-on paragraphs belong to
    follow = 0
    numbers: list[tuple[int, int]] = []
    in_requirements = False
    for line in lines[first:]:
        t = line.text
        if m := PART.match(t):
            parent = doc.unit("heading", line.start, line.end, no=f"{m.group(1)}、", key=f"{m.group(1)}、").unit_id
            task, in_requirements = None, True
        elif (m := SECTION.match(t)) and not in_requirements:
            parent = doc.unit("heading", line.start, line.end, no=f"({m.group(1)})", key=f"({m.group(1)})").unit_id
            task = None
        elif m := TASK.match(t):
            next_number(doc, numbers, int(m.group(1)), line.start, "task")
            task, follow = _task(doc, line, m.group(1), m.group(1), parent), 0
        elif in_requirements:
            doc.unit("safeguard", line.start, line.end, parent_id=parent)
        elif task is not None and closing_parenthesis(doc, line.start, line.end):
            follow += 1
            _task(doc, line, "", f"{task.no}+{follow}", task.unit_id)
        else:
            raise doc.error(line.start, "paragraph is neither numbered nor ends in its own (…负责) parenthesis")
    if not numbers:
        raise doc.error(lines[first].start, "no numbered tasks found")


def _task(doc: Document, line, no: str, key: str, parent_id: str):
    unit = doc.unit("task", line.start, line.end, no=no, parent_id=parent_id, key=key)
    inner = closing_parenthesis(doc, line.start, line.end)
    if inner is None:
        raise doc.error(line.end - 1, f"task {key} does not end with its (…负责) parenthesis")
    assign_parenthesis(doc, unit, *inner)
    return unit
