"""Wuhu 2021 (芜湖市卫生健康委员会, 提升卫生健康服务能力促进人民城市建设工作方案).

Conventions of this document:
- Two parts 一、工作目标 (one goal paragraph) and 二、工作举措; the second holds ten actions
  (一)…(十), each with numbered tasks 1.–18. (the atomic tasks).
- Each task ends with its responsible units: "(责任单位:A、B、C,各县市区政府)". The first listed
  unit leads, the others support ("排第1位为牵头单位,下同", said once under task 1).
- The scrape left some of these parentheses unbalanced: "责任单位:…)" without "(", and task 18
  with neither; both are recorded as repairs and read the same way.
- After the last task the page has a download and feedback block from 文件下载 to the end:
  boilerplate.
"""

from __future__ import annotations

import re

from .base import CN_PAREN, PART_HEADING, Document, body_start, next_number

PART = PART_HEADING
ACTION = CN_PAREN
TASK = re.compile(r"^(\d+)[.．、]")
RESPONSIBLE = re.compile(r"(?P<open>[(（])?责任单位[:：](?P<list>[^()（）。]*?)(?P<note>。排第1位为牵头单位[^()（）]*)?(?P<close>[)）])?\s*$")
BOILERPLATE = re.compile(r"^(文件下载|政策咨询|我要问|打印|关闭|分享)")


def normalize(doc: Document) -> None:
    lines = doc.lines()
    first_part = body_start(doc, lines, PART.match, "Wuhu")
    part = action = None
    footer = False
    tasks: list[tuple[int, int]] = []
    for line in lines[first_part:]:
        t = line.text
        if m := PART.match(t):
            part = doc.unit("heading", line.start, line.end, no=f"{m.group(1)}、", key=f"{m.group(1)}、")
        elif m := ACTION.match(t):
            action = doc.unit("heading", line.start, line.end, no=f"({m.group(1)})", parent_id=part.unit_id,
                              key=f"({m.group(1)})")
        elif m := TASK.match(t):
            next_number(doc, tasks, int(m.group(1)), line.start, "task")
            _task(doc, line, m.group(1), action.unit_id if action else part.unit_id)
        elif BOILERPLATE.match(t) or footer:
            footer = True   # the page's download and feedback block runs to the end
            doc.unit("boilerplate", line.start, line.end)
        elif action is None and part is not None:
            kind = "goal" if "目标" in doc.text[part.char_start:part.char_end] else "preamble"
            doc.unit(kind, line.start, line.end, parent_id=part.unit_id)
        else:
            raise doc.error(line.start, "line is neither a heading nor a numbered task")
    if not tasks:
        raise doc.error(lines[first_part].start, "no numbered tasks found")


def _task(doc: Document, line, number: str, parent_id: str) -> None:
    unit = doc.unit("task", line.start, line.end, no=number, parent_id=parent_id, key=number)
    m = RESPONSIBLE.search(line.text)
    if m is None:
        raise doc.error(line.start, f"task {number} does not end with its 责任单位 list")
    base = line.start
    if not m.group("open"):
        before = doc.text[base + m.start() - 1] if m.start() else ""
        doc.repair(base + m.start(), base + m.start(), "(" if before in "。;；" else "。(",
                   "opening parenthesis of the 责任单位 list lost in the scrape")
    if not m.group("close"):
        doc.repair(line.end, line.end, ")", "closing parenthesis of the 责任单位 list lost in the scrape")
    mentions = doc.mentions(base + m.start("list"), base + m.end("list"))
    if not mentions:
        raise doc.error(base + m.start("list"), f"task {number}: empty 责任单位 list")
    doc.assign(unit, mentions[:1], "lead")
    doc.assign(unit, mentions[1:], "support")
