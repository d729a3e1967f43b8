"""workbook.xlsx writers side by side: xlsxwriter (the build's) against openpyxl's write-only mode.

    python benchmarks/bench_workbook.py [--repeat 3] [--scale 1 20]

Both write the same sheets of the shipped documents' tables (analysis.tables.workbook.sheets plus the
data dictionary) with the same formatting: bold bilingual header, frozen first row, filter, column
widths, dates as Excel dates, every string a string cell. For reference, the writer before the
workbook became a reader's workbook: pandas `to_excel` through openpyxl, one sheet per table, all
eleven tables. `--scale N` repeats every sheet's and table's rows N times (a corpus N times the five documents;
the sheets are made once from the shipped tables, then repeated, so only the writing is timed).
Prints the best of `--repeat` runs in seconds, and for each writer the growth from the smallest to
the largest scale.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis import build  # noqa: E402
from analysis.tables import schema, workbook  # noqa: E402


def with_xlsxwriter(path: Path, sheets: dict[str, pd.DataFrame], tables: dict, described) -> None:
    workbook.write(path, sheets, described)    # the sheets given as tables of their names


def with_openpyxl_write_only(path: Path, sheets: dict[str, pd.DataFrame], tables: dict, described) -> None:
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = openpyxl.Workbook(write_only=True)
    bold, wrap, fill = Font(bold=True), Alignment(wrap_text=True, vertical="top"), PatternFill("solid", "DDEBF7")
    for name, df in sheets.items():
        ws = book.create_sheet(name)
        columns = [described.column(name, str(c)) for c in df.columns]
        headers = [c.header if c else str(col) for c, col in zip(columns, df.columns)]
        kinds = [c.type if c else "string" for c in columns]
        for j, (header, col) in enumerate(zip(headers, df.columns), start=1):
            ws.column_dimensions[get_column_letter(j)].width = workbook._width(header, df[col], kinds[j - 1])
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = f"A1:{get_column_letter(max(len(df.columns), 1))}{len(df) + 1}"
        head = []
        for h in headers:
            cell = WriteOnlyCell(ws, value=h)
            cell.font, cell.alignment, cell.fill = bold, wrap, fill
            head.append(cell)
        ws.append(head)
        for row in df.itertuples(index=False, name=None):
            out = []
            for kind, v in zip(kinds, row):
                if v is None or v == "" or (isinstance(v, float) and v != v):
                    out.append(None)
                elif kind == "date":
                    cell = WriteOnlyCell(ws, value=dt.date.fromisoformat(v))
                    cell.number_format = "yyyy-mm-dd"
                    out.append(cell)
                elif isinstance(v, str):
                    cell = WriteOnlyCell(ws, value=v)
                    cell.data_type = "s"         # never a formula
                    out.append(cell)
                else:
                    out.append(v)
            ws.append(out)
    book.save(path)


def pandas_openpyxl_before(path: Path, sheets: dict, tables: dict, described) -> None:
    with pd.ExcelWriter(path, engine="openpyxl") as xl:
        for name, df in tables.items():
            df.to_excel(xl, sheet_name=name, index=False)


WRITERS = {"xlsxwriter (constant memory)": with_xlsxwriter, "openpyxl write-only": with_openpyxl_write_only,
           "before: pandas to_excel + openpyxl, all tables": pandas_openpyxl_before}


def scaled(tables: dict[str, pd.DataFrame], n: int) -> dict[str, pd.DataFrame]:
    """Every table's rows n times (the data dictionary once)."""
    return tables if n == 1 else {k: df if k == "data_dictionary" else pd.concat([df] * n, ignore_index=True)
                                  for k, df in tables.items()}


def best(writer, path, sheets, tables, described, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        writer(path, sheets, tables, described)
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--scale", type=int, nargs="+", default=[1, 20])
    args = ap.parse_args()
    described = schema.load()
    base = build.build_tables(strict=True)
    results: dict[str, dict[int, float]] = {w: {} for w in WRITERS}
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.scale:
            tables = scaled(base, n)
            sheets = scaled({**workbook.sheets(base, described), "data_dictionary": workbook.dictionary(described)}, n)
            cells = sum(df.size for df in sheets.values())
            print(f"scale {n}: {sum(len(df) for df in sheets.values()):,} rows, {cells:,} cells in the reader's sheets")
            for label, writer in WRITERS.items():
                path = Path(tmp) / f"{n}.xlsx"
                seconds = best(writer, path, sheets, tables, described, args.repeat)
                results[label][n] = seconds
                print(f"  {label:48s} {seconds:7.3f} s  {path.stat().st_size / 1e6:6.2f} MB")
    lo, hi = min(args.scale), max(args.scale)
    if hi > lo:
        for label, by_scale in results.items():
            print(f"growth {lo}->{hi} ({hi // lo}x rows), {label}: {by_scale[hi] / by_scale[lo]:.1f}x")


if __name__ == "__main__":
    main()
