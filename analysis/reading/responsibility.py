"""Who is responsible, as documents say it: one grammar (data/dictionaries/responsibility.yml).

A responsibility statement is a parenthesis ("(省卫生计生委负责,2017年6月底前完成)", "(X牵头, Y配合)",
"(责任单位: A、B)", "(牵头单位: X; 配合单位: Y)") or a label line after a task ("牵头单位: X"). It is
cut into clauses at commas and semicolons; each clause is one of:

    names + role word     "X、Y共同牵头" joint, "X牵头" lead, "Y配合" support, "X负责" lead
                          (several names sharing a lead word: joint; under a first-listed
                          convention the first leads and the rest support)
    label + names         "牵头单位: X" lead, "配合单位: Y" support, "责任单位: A、B" joint
                          (or first-listed), "完成时限: …" a time bound
    a convention          "排在第一位的为牵头部门" (first listed leads, from here on),
                          "只列牵头部门" (a single list is the lead)
    a time bound or note  "2017年6月底前完成", "下同": left to the deadline reader
    bare names            "(省卫健委、省财政厅)": read by the convention in force

`read` assigns the roles to a unit through the `Document` (whose agency reading never blocks an
unfamiliar name unless the build is strict) and returns how many agencies it assigned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from analysis import DATA_DIR

GRAMMAR_FILE = DATA_DIR / "dictionaries" / "responsibility.yml"
_CLAUSE_BREAK = "，,；;。"


@dataclass(frozen=True)
class Grammar:
    roles: tuple[tuple[str, str], ...]        # (phrase, role), longest first
    several_leads: str
    labels: tuple[tuple[str, str], ...]       # (label, kind), longest first
    label_separators: str
    first_listed: tuple[str, ...]
    lead_only: tuple[str, ...]
    time_words: tuple[str, ...]
    task_columns: tuple[str, ...] = ()
    skip_columns: tuple[str, ...] = ()
    empty_cell: tuple[str, ...] = ()
    section_scope: tuple[str, ...] = ()

    def role_at_end(self, clause: str) -> tuple[str, str] | None:
        return next(((p, r) for p, r in self.roles if clause.endswith(p) and len(clause) > len(p)), None)

    def label_at_start(self, clause: str) -> tuple[str, str, int] | None:
        """(label, kind, where its names start) when the clause opens with a label."""
        for label, kind in self.labels:
            after = clause[len(label):len(label) + 1]
            # "牵头单位: X"; "牵头单位为X" too, but a bare 牵头 only with its colon ("牵头是…" is prose)
            if clause.startswith(label) and (after and after in self.label_separators
                                             or (after in ("为", "是") and label != "牵头")):
                return label, kind, len(label) + 1
        return None

    def column(self, cell: str) -> str | None:
        """What a table header cell names: task, skip, or a label kind (lead, support, listed, deadline)."""
        if cell in self.task_columns:
            return "task"
        if cell in self.skip_columns:
            return "skip"
        return next((kind for label, kind in self.labels if cell == label and label != "牵头"), None)

    def scope_at(self, text: str) -> int:
        """Where a section-scope phrase ends in `text` ("本部分各项任务均由…"), or -1."""
        return max((text.find(w) + len(w) for w in self.section_scope if w in text), default=-1)

    def convention(self, text: str) -> str | None:
        if any(w in text for w in self.first_listed):
            return "first_listed"
        if any(w in text for w in self.lead_only):
            return "lead_only"
        return None

    def mentions_role(self, text: str) -> bool:
        return any(p in text for p, _ in self.roles) or any(label in text for label, _ in self.labels
                                                              if label != "牵头")


@lru_cache(maxsize=2)
def load_grammar(path: Path = GRAMMAR_FILE) -> Grammar:
    from analysis.config import read_yaml
    from analysis.errors import SourceError

    _, data = read_yaml(path)
    try:
        roles = [(p, role) for role, phrases in data["roles"].items() for p in phrases]
        labels = [(label, kind) for kind, names in data["labels"].items() for label in names]
        conventions = data["conventions"]
        return Grammar(tuple(sorted(roles, key=lambda x: -len(x[0]))), data.get("several_leads", "joint"),
                       tuple(sorted(labels, key=lambda x: -len(x[0]))), data.get("label_separators", ":："),
                       tuple(conventions.get("first_listed", ())), tuple(conventions.get("lead_only", ())),
                       tuple(data.get("time_words", ())), tuple(data.get("task_columns", ())),
                       tuple(data.get("skip_columns", ())), tuple(data.get("empty_cell", ())),
                       tuple(data.get("section_scope", ())))
    except (KeyError, TypeError, AttributeError) as exc:
        raise SourceError(path, f"responsibility grammar lacks or misshapes {exc}: expected roles, labels, "
                                "conventions mappings") from None


@dataclass
class Reading:
    """What a document has declared so far: a convention applies to every later statement."""

    convention: str = ""        # "" | first_listed | lead_only
    columns: tuple[str, ...] = ()   # a flattened task table's cell columns after the task text
    notes: list[str] = field(default_factory=list)


_NAMES_START = re.compile(r"^(均由|都由|统一由|由|请|各由)")
_LEAD_MARK = re.compile(r"[(（](牵头|牵头单位|牵头部门|主责)[)）]")


def clauses(compact: str) -> list[tuple[int, int]]:
    """Spans of the clauses of a statement (compact text), cut at commas and semicolons outside
    brackets."""
    out, depth, start = [], 0, 0
    for i, ch in enumerate(compact):
        if ch in "(（":
            depth += 1
        elif ch in ")）":
            depth = max(0, depth - 1)
        elif depth == 0 and ch in _CLAUSE_BREAK:
            out.append((start, i))
            start = i + 1
    out.append((start, len(compact)))
    return [(s, e) for s, e in out if e > s]


def is_statement(doc, start: int, end: int, last: bool) -> bool:
    """True when text[start:end] (a parenthesis's inside) states responsibility: it names a role,
    a label or a convention, or it is the unit's closing parenthesis and reads as agencies."""
    from analysis.reading.normalizers.base import compact

    g = load_grammar()
    text, _ = compact(doc.text, start, end)
    if not text or len(text) > 400:
        return False
    if g.convention(text) or g.mentions_role(text):
        return True
    return last and doc.is_agency_shaped(start, end)


def read(doc, unit, start: int, end: int, state: Reading, column: str = "") -> int:
    """Assign the roles text[start:end] states to `unit`; the number of agencies assigned.
    `column`: the label kind of the table column the text is a cell of (lead, support, listed)."""
    from analysis.reading.normalizers.base import compact, raw_span

    g = load_grammar()
    text, offsets = compact(doc.text, start, end)
    found: list[tuple[list, str]] = []      # (mentions, role; "" for bare names)
    pending: list = []                       # bare names waiting for a role word: "A，B按职责分工负责"
    marked_lead = False
    spans = clauses(text)
    for s, e in spans:                       # a convention applies to its own statement too:
        if kind := g.convention(text[s:e]):  # "(A、B负责，C参与。注：排在首位的为牵头部门，下同)"
            state.convention = kind
            state.notes.append(text[s:e])
    for s, e in spans:
        clause = text[s:e]
        if g.convention(clause):
            continue
        if m := _NAMES_START.match(clause):
            s += m.end()
            clause = text[s:e]
        label = g.label_at_start(clause) or ((column, column, 0) if column else None)
        if label and label[1] == "deadline":
            continue
        if label:
            _flush(found, pending)
            role = {"lead": "lead", "support": "support", "listed": ""}[label[1]]
            s += label[2]
            clause = text[s:e]
            if role == "" and (mark := _LEAD_MARK.search(clause)):   # 责任单位：X（牵头）、Y，Z
                found.append((_names(doc, offsets, s, s + mark.start()), "lead"))
                found.append((_names(doc, offsets, s + mark.end(), e), ""))
                marked_lead = True
                continue
            # several names under a lead label are each a designated lead (DATA_MODEL: joint is
            # shared responsibility with no designated lead)
            found.append((_names(doc, offsets, s, e), role))
            continue
        if role := g.role_at_end(clause):
            phrase, kind = role
            names = pending + _names(doc, offsets, s, e - len(phrase))
            pending = []
            found.append((names, {"lead": "lead*", "by_duty": "by_duty"}.get(kind, kind)))
            continue
        if any(w in clause for w in g.time_words) and not doc.is_agency_shaped(*raw_span(offsets, s, e)):
            continue                         # a time bound: the deadline reader takes it
        if (mark := _LEAD_MARK.search(clause)) and mark.end() == len(clause):
            _flush(found, pending)
            found.append((_names(doc, offsets, s, s + mark.start()), "lead"))
            marked_lead = True
            continue
        if doc.is_agency_shaped(*raw_span(offsets, s, e)):
            pending += _names(doc, offsets, s, e)
    _flush(found, pending)
    if marked_lead:       # once a lead is marked, the names listed with it support
        found = [(m, "support" if role == "" else role) for m, role in found]
    # "X牵头，Y、Z按职责分工负责": beside a named lead, those who act by their duties support;
    # alone, names acting by their duties share the responsibility
    led = any(role in ("lead", "lead*") for _, role in found)
    found = [(m, ("support" if led else "joint") if role == "by_duty" else role) for m, role in found]
    n = 0
    for mentions, role in found:
        if not mentions:
            continue
        if role in ("lead", "support") or role == "joint" and state.convention != "first_listed":
            doc.assign(unit, mentions, role)
        elif len(mentions) == 1:
            doc.assign(unit, mentions, "lead")
        elif state.convention == "first_listed":     # the declared rule outranks the list's own words
            doc.assign(unit, mentions[:1], "lead")
            doc.assign(unit, mentions[1:], "support")
        else:      # several names sharing a lead word, or a bare list (under lead_only: co-leads)
            doc.assign(unit, mentions, g.several_leads if role == "lead*" or state.convention == "lead_only"
                       else "joint")
        n += len(mentions)
    return n


def _flush(found: list, pending: list) -> None:
    if pending:
        found.append((list(pending), ""))
        pending.clear()


def _names(doc, offsets: list[int], a: int, b: int) -> list:
    from analysis.reading.normalizers.base import raw_span

    if b <= a:
        return []
    s, e = raw_span(offsets, a, b)
    return doc.mentions(s, e)
