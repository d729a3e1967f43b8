"""Qinghai 2022 (青海省人民政府办公厅, 青海省2022年综合医改重点工作任务).

Conventions of this document:
- The transmitting notice, then the task list's title and a preamble paragraph.
- Eight parts 一、…八、 hold 24 tasks (一)…(二十四), numbered continuously across parts:
  these are the atomic tasks.
- Each task ends with its agencies in a parenthesis. "…按职责分工负责" (almost all) is shared
  responsibility with no lead: every name is joint. "(各市州政府负责)" names a lead.
- Three tasks are broken across two lines mid-word ("建\\n立健全"): the line break is recorded as
  a repair and the task runs on.
- The closing 附件 line names a ledger the scrape does not include.
"""

from __future__ import annotations

import re

from .base import CN_PAREN, PART_HEADING, Document, body_start, next_number, assign_parenthesis, closing_parenthesis, cn_to_int

PART = PART_HEADING
TASK = CN_PAREN
ATTACHMENT = re.compile(r"^附件[:：]")


def normalize(doc: Document) -> None:
    lines = doc.lines()
    first = body_start(doc, lines, PART.match, "Qinghai")
    part = None
    task_lines: list = []
    numbers: list[tuple[int, int]] = []

    def close_task():
        if task_lines:
            _task(doc, task_lines, part)
            task_lines.clear()

    for line in lines[first:]:
        t = line.text
        if m := PART.match(t):
            close_task()
            part = doc.unit("heading", line.start, line.end, no=f"{m.group(1)}、", key=f"{m.group(1)}、")
        elif m := TASK.match(t):
            close_task()
            next_number(doc, numbers, cn_to_int(m.group(1)), line.start, "task")
            task_lines.append(line)
        elif ATTACHMENT.match(t):
            close_task()
            doc.unit("attachment", line.start, line.end)
        elif task_lines:
            doc.repair(task_lines[-1].end, line.start, "", "task broken across lines in the scrape")
            task_lines.append(line)
        else:
            raise doc.error(line.start, "text outside any task")
    close_task()
    if not numbers:
        raise doc.error(lines[first].start, "no tasks (一)… found")


def cn_key(no: str) -> str:
    return no.strip("()（）")


def _task(doc: Document, lines, part) -> None:
    no = TASK.match(lines[0].text).group(0)
    unit = doc.unit("task", lines[0].start, lines[-1].end, no=no, parent_id=part.unit_id if part else "", key=f"({cn_key(no)})")
    inner = closing_parenthesis(doc, unit.char_start, unit.char_end)
    if inner is None:
        raise doc.error(lines[-1].end - 1, f"task {no} does not end with its agencies in parentheses")
    assign_parenthesis(doc, unit, *inner)
