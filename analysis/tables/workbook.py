"""workbook.xlsx: what a researcher reads in Excel, written with xlsxwriter.

The sheets (listed in data/schema/tables.yml under `workbook`): documents, tasks (one row per task,
its agencies by role, primary topic, earliest deadline), task_topics, topics, targets, deadlines,
then data_dictionary (every column of every table and sheet) and, when needed, not_in_full_here.
Each sheet has a frozen header row (the column's name over its Chinese title), a filter, column
widths from the text, and real Excel dates in date columns.

Never fails on Excel's limits: a table longer than a sheet is left out and a cell longer than
32,767 characters is cut, visibly, both listed in not_in_full_here (the Parquet and CSV files are
whole). Text a spreadsheet would run as a formula (=, +, -, @, tab, CR) is a string cell: the
writer never turns text into formulas, numbers or links (xlsxwriter's `strings_to_*` off).

A workbook of up to IN_MEMORY_UP_TO units is held in memory until it is closed (its strings shared,
about an eighth faster for a few documents); a larger one is written row by row (xlsxwriter's
constant_memory), so a corpus's workbook costs no memory for its cells. The cells are the same.

Measured against openpyxl's write-only mode in benchmarks/bench_workbook.py.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.tables import schema as described

EXCEL_ROWS = 1_048_576
EXCEL_CELL = 32_767
CUT_MARK = "…[cut: full text in the Parquet and CSV files]"
MAX_WIDTH = 60
IN_MEMORY_UP_TO = 20_000    # units (every sheet grows with them): about 40 documents' workbook
_ROLES = ("lead", "support", "joint")


def sheets(tables: dict[str, pd.DataFrame], schema: described.Schema) -> dict[str, pd.DataFrame]:
    """The workbook's sheets (before the dictionary), in order, from the tables at hand."""
    out = {}
    for name in schema.workbook:
        if name in tables:
            out[name] = tables[name]
        elif name == "tasks" and {"units", "task_agencies"} <= tables.keys():
            out[name] = tasks(tables, schema)
    return out


def tasks(t: dict[str, pd.DataFrame], schema: described.Schema) -> pd.DataFrame:
    """One row per task: its agencies by role (Chinese 、-joined, English ;-joined, each agency once,
    in the order of the text), primary topic, earliest deadline and number of targets. Gathered
    in dictionaries over the rows: ten pandas merges of a few hundred rows took a fifth of the five
    documents' workbook."""
    u = t["units"]
    out = u.loc[u.kind == "task", ["unit_id", "region", "doc_id", "no", "text_clean", "char_start", "char_end"]]
    ids = out["unit_id"].tolist()
    named: dict[tuple, tuple[list, list]] = {}      # (role, unit_id) -> (Chinese names, English names)
    seen = set()
    ta = t["task_agencies"]
    rows = sorted(zip(ta["unit_id"], ta["char_start"], ta["role"], ta["agency_id"], ta["name_zh"], ta["name_en"]),
                  key=lambda r: (r[0], r[1]))       # stable: as sort_values by unit_id, char_start
    for unit_id, _, role, agency_id, zh, en in rows:
        key = (role, unit_id, agency_id)        # agency_id: region:canonical name, never missing
        if role in _ROLES and key not in seen:
            seen.add(key)
            names = named.setdefault((role, unit_id), ([], []))
            names[0].append(zh)
            names[1].append(en)
    columns = {}
    for role in _ROLES:
        columns[role] = ["、".join(named[role, i][0]) if (role, i) in named else "" for i in ids]
        columns[f"{role}_en"] = ["; ".join(named[role, i][1]) if (role, i) in named else "" for i in ids]
    tt = t.get("task_topics")
    if tt is not None and len(tt):
        primary = tt.loc[tt.is_primary]     # one primary topic per coded unit
        by_unit = dict(zip(primary["unit_id"], zip(primary["topic"], primary["topic_zh"], primary["topic_en"])))
        for k, name in enumerate(("topic", "topic_zh", "topic_en")):
            columns[name] = [by_unit[i][k] if i in by_unit else "" for i in ids]
    dl = t.get("deadlines")
    if dl is not None and len(dl):
        earliest: dict = {}
        for unit_id, date in zip(dl["unit_id"], dl["date"]):
            if not _missing(date) and date != "" and (unit_id not in earliest or date < earliest[unit_id]):
                earliest[unit_id] = date
        columns["deadline"] = [earliest.get(i, "") for i in ids]
    tg = t.get("targets")
    if tg is not None:
        counts: dict = {}
        for unit_id in tg["unit_id"]:
            counts[unit_id] = counts.get(unit_id, 0) + 1
        columns["n_targets"] = np.array([counts.get(i, 0) for i in ids], dtype="int64")
    out = out.reset_index(drop=True).assign(**{name: values for name, values in columns.items()})
    view = schema.sheets.get("tasks")
    names = [c for c in view.columns if c in out.columns] if view else list(out.columns)
    return out[names].fillna({c: "" for c in names if out[c].dtype != "int64"})


def dictionary(schema: described.Schema) -> pd.DataFrame:
    offsets = dict.fromkeys(c.name for t in schema.tables.values() for c in t.columns.values() if c.offsets)
    rows = [{"table": "(all)", "column": ", ".join(offsets), "type": "integer", "unit": "characters",
             "title_zh": "字符位置", "en": schema.offsets_en, "zh": schema.offsets_zh}]
    for group in (schema.tables, schema.sheets):
        for t in group.values():
            for c in t.columns.values():
                rows.append({"table": t.name, "column": c.name, "type": c.type, "unit": c.unit,
                             "title_zh": c.title_zh, "en": c.en, "zh": c.zh})
    return pd.DataFrame(rows)


def write(path: Path, tables: dict[str, pd.DataFrame], schema: described.Schema) -> None:
    book = Book(path, schema, tables, **({"units": len(tables["units"])} if "units" in tables else {}))
    book.write(tables)
    book.close()


class Book:
    """workbook.xlsx written sheet by sheet, each as soon as the tables it shows are at hand: a few
    documents' build writes the sheets that need no topic codes while its copy codes the topics,
    and the rest when the codes come. The sheets keep the workbook's order whichever is written
    first: a sheet still waiting for its tables is added, empty, before a later one is written, and
    filled when they come (if it then holds more rows than a sheet can, it holds the note instead
    of the rows, as not_in_full_here says). `expected`: the names of every table the finished
    build holds (which sheets there are). A sheet given as a table of its own name (tasks,
    data_dictionary) is written as given. `units`: the rows of the units table, which decide
    whether the cells are held until the file is closed (IN_MEMORY_UP_TO)."""

    def __init__(self, path: Path, schema: described.Schema, expected, units: int = IN_MEMORY_UP_TO + 1):
        import xlsxwriter   # only the build writes a workbook

        self._schema = schema
        expected = set(expected)
        self._order = [name for name in schema.workbook
                       if name in expected or (name == "tasks" and {"units", "task_agencies"} <= expected)]
        self._order.append("data_dictionary")
        self._needs = {name: {name} for name in self._order}        # the tables each sheet shows
        self._needs["data_dictionary"] = set()
        if "tasks" in self._order and "tasks" not in expected:
            self._needs["tasks"] = {"units", "task_agencies"} | (expected & {"task_topics", "deadlines", "targets"})
        self._book = xlsxwriter.Workbook(str(path), {"constant_memory": units > IN_MEMORY_UP_TO, "strings_to_formulas": False,
                                                     "strings_to_urls": False, "strings_to_numbers": False})
        self._formats = {"header": self._book.add_format({"bold": True, "text_wrap": True, "valign": "top",
                                                          "bg_color": "#DDEBF7", "bottom": 1}),
                         "date": self._book.add_format({"num_format": "yyyy-mm-dd"})}
        self._added: dict = {}          # sheet name -> its worksheet (None: left out), in the workbook's order
        self._waiting: set[str] = set()     # sheets added before their tables came
        self._notes: list[tuple[str, str]] = []

    def write(self, tables: dict[str, pd.DataFrame]) -> None:
        """Every sheet not written yet whose tables are all in `tables`."""
        for k, name in enumerate(self._order):
            done = name in self._added and name not in self._waiting
            if done or not self._needs[name] <= tables.keys():
                continue
            df = (tables[name] if name in tables else
                  dictionary(self._schema) if name == "data_dictionary" else tasks(tables, self._schema))
            if len(df) >= EXCEL_ROWS:        # a sheet holds 1,048,576 rows with its header
                self._notes.append((name, f"{len(df):,} rows: more than a sheet holds; in {name}.parquet and {name}.csv"))
                if name in self._waiting:    # its place is taken: the note in it
                    _sheet(self._added[name], name, pd.DataFrame(self._notes[-1:], columns=["table", "note"]),
                           self._schema, self._formats)
                    self._waiting.discard(name)
                else:
                    self._added[name] = None
                continue
            for before in self._order[:k]:     # sheets still waiting for their tables keep their place
                if before not in self._added:
                    self._added[before] = self._book.add_worksheet(before[:31])
                    self._waiting.add(before)
            if name not in self._added:
                self._added[name] = self._book.add_worksheet(name[:31])
            self._waiting.discard(name)
            cut = _sheet(self._added[name], name, df, self._schema, self._formats)
            if cut:
                self._notes.append((name, f"{cut} cell(s) longer than Excel's {EXCEL_CELL:,} characters end in "
                                          f"'{CUT_MARK}' here; the full text is in {name}.parquet and {name}.csv"))

    def close(self) -> None:
        """not_in_full_here when something did not fit, then the file."""
        if self._notes:
            ws = self._book.add_worksheet("not_in_full_here")
            _sheet(ws, "not_in_full_here", pd.DataFrame(self._notes, columns=["table", "note"]), self._schema,
                   self._formats)
        self._book.close()


def _sheet(ws, name: str, df: pd.DataFrame, schema: described.Schema, formats: dict) -> int:
    """Write one sheet row by row; the number of cells cut at Excel's limit."""
    columns = [schema.column(name, str(c)) for c in df.columns]
    headers = [c.header if c else str(col) for c, col in zip(columns, df.columns)]
    kinds = [c.type if c else _kind(df[col]) for c, col in zip(columns, df.columns)]
    for j, (header, col) in enumerate(zip(headers, df.columns)):
        ws.set_column(j, j, _width(header, df[col], kinds[j]))
    ws.set_row(0, 30 if any("\n" in h for h in headers) else None)
    for j, header in enumerate(headers):
        ws.write_string(0, j, header, formats["header"])
    writers = [_writer(ws, k, formats["date"]) for k in kinds]
    cut = 0
    for i, row in enumerate(df.itertuples(index=False, name=None), start=1):
        for j, value in enumerate(row):
            if _missing(value) or value == "":
                continue
            if isinstance(value, str) and len(value) > EXCEL_CELL:
                value = value[:EXCEL_CELL - len(CUT_MARK)] + CUT_MARK
                cut += 1
            writers[j](i, j, value)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, len(df), max(len(df.columns) - 1, 0))
    return cut


def _writer(ws, kind: str, date_format):
    if kind == "date":
        return lambda i, j, v: ws.write_datetime(i, j, dt.date.fromisoformat(v) if isinstance(v, str) else v,
                                                 date_format)
    if kind == "boolean":
        return lambda i, j, v: ws.write_boolean(i, j, bool(v))
    if kind in ("integer", "number"):
        return lambda i, j, v: ws.write_number(i, j, v) if not isinstance(v, str) else ws.write_string(i, j, v)
    return lambda i, j, v: ws.write_string(i, j, v if isinstance(v, str) else str(v))


def _kind(values: pd.Series) -> str:
    """The type of a column the schema does not describe (tables made outside the build)."""
    if pd.api.types.is_bool_dtype(values):
        return "boolean"
    if pd.api.types.is_numeric_dtype(values):
        return "number"
    return "string"


def _width(header: str, values: pd.Series, kind: str) -> float:
    """Characters wide enough for the header and most values; a Chinese character counts two."""
    head = max(_display_len(line) for line in header.split("\n"))
    longest = 10
    if kind != "date":
        # in Python over the sample: pandas' string methods cost milliseconds a column, a third
        # of the five documents' workbook
        sample = [str(v) for v in values.head(500).tolist() if not _missing(v)]
        longest = _ninetieth([_display_len(v) for v in sample]) if sample else 0
    return min(MAX_WIDTH, max(head, longest) + 2)


_WIDE = re.compile("[^\x00-\u2e7f]")        # characters a spreadsheet shows two columns wide


def _missing(value) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def _display_len(text: str) -> int:
    return len(text) if text.isascii() else 2 * len(text) - len(_WIDE.sub("", text))


def _ninetieth(values: list[int]) -> float:
    """numpy.quantile(values, 0.9) (its default, linear method, with its rounding): in Python, as
    numpy's call costs more than the few hundred numbers of a column's sample."""
    ordered = sorted(values)
    at = (len(ordered) - 1) * 0.9
    below = math.floor(at)
    weight = at - below
    a, b = float(ordered[below]), float(ordered[min(below + 1, len(ordered) - 1)])
    return b - (b - a) * (1 - weight) if weight >= 0.5 else a + (b - a) * weight
