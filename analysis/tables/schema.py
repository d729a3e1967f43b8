"""The description of every table and column (data/schema/tables.yml) and what follows from it.

One file says what each column holds, in English and Chinese, with its type and unit; from it come
the Parquet types (`arrow_table`), the Frictionless `datapackage.json` (`datapackage`), the
workbook's bilingual headers and data_dictionary sheet, and README's data dictionary
(`python -m analysis.tables.schema --readme` rewrites that section).

In memory the package keeps a table as the assembly made it: dates as ISO text ("" for none),
codes as plain text. The Parquet files carry the types (date32, bool, dictionary-encoded codes);
`plain` turns a typed table read back into the in-memory form, so every reader of the package
sees the tables it was written against.
"""

from __future__ import annotations

import re
import sys
import textwrap
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis import DATA_DIR, PROJECT_ROOT
from analysis.config import read_yaml, section
from analysis.errors import SourceError

SCHEMA_FILE = DATA_DIR / "schema" / "tables.yml"
TYPES = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_(),
         "date": pa.date32()}
_REQUIRED = ("type", "title_zh", "en", "zh")


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    title_zh: str
    en: str
    zh: str
    unit: str = ""
    codes: bool = False
    values: tuple[str, ...] = ()
    offsets: bool = False

    @property
    def header(self) -> str:
        """The workbook's header cell: the column's name over its Chinese title."""
        return f"{self.name}\n{self.title_zh}"


@dataclass(frozen=True)
class Table:
    name: str
    title_zh: str
    en: str
    zh: str
    columns: dict[str, Column]
    primary_key: tuple[str, ...] = ()
    foreign_keys: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Schema:
    path: Path
    offsets_en: str
    offsets_zh: str
    tables: dict[str, Table]       # the tables the build writes
    sheets: dict[str, Table]       # the workbook's reading views
    workbook: tuple[str, ...]      # the sheets of workbook.xlsx, in order

    def column(self, table: str, name: str) -> Column | None:
        t = self.tables.get(table) or self.sheets.get(table)
        return t.columns.get(name) if t else None


@lru_cache(maxsize=4)
def load(path: Path = SCHEMA_FILE) -> Schema:
    path = Path(path)
    text, data = read_yaml(path)
    lines = text.splitlines()
    offsets = section(path, data, "offsets", dict)
    shared = data.get("shared_columns") or {}
    tables = {n: _table(path, lines, n, spec, shared, {}) for n, spec in section(path, data, "tables", dict).items()}
    sheets = {n: _table(path, lines, n, spec, shared, tables) for n, spec in (data.get("sheets") or {}).items()}
    workbook = tuple(str(n) for n in data.get("workbook") or ())
    for n in workbook:
        if n not in tables and n not in sheets:
            raise SourceError(path, f"workbook sheet '{n}' is neither a table nor a sheet described here",
                              _line(lines, "workbook"))
    return Schema(path, " ".join(str(offsets.get("en", "")).split()), " ".join(str(offsets.get("zh", "")).split()),
                  tables, sheets, workbook)


def _line(lines: list[str], *keys: str) -> int | None:
    """The line of the last of `keys` found in order (a nested key after its parents)."""
    at = 0
    for key in keys:
        pattern = re.compile(rf"^\s*['\"]?{re.escape(key)}['\"]?\s*:")
        for i in range(at, len(lines)):
            if pattern.match(lines[i]):
                at = i
                break
        else:
            return None
    return at + 1


def _table(path, lines, name, spec, shared, tables) -> Table:
    if not isinstance(spec, dict) or not isinstance(spec.get("columns"), dict):
        raise SourceError(path, f"table '{name}' needs 'columns:' (a mapping of column names)", _line(lines, name))
    columns = {}
    for col, c in spec["columns"].items():
        col = str(col)
        if c == "shared":
            if col not in shared:
                raise SourceError(path, f"{name}.{col} says 'shared' but shared_columns has no '{col}'",
                                  _line(lines, name, col))
            c = shared[col]
        elif isinstance(c, dict) and "from" in c:
            source = tables.get(c["from"])
            if source is None or col not in source.columns:
                raise SourceError(path, f"{name}.{col} comes from '{c['from']}', which has no column '{col}'",
                                  _line(lines, name, col))
            columns[col] = source.columns[col]
            continue
        if not isinstance(c, dict):
            raise SourceError(path, f"{name}.{col} must be a mapping (type, title_zh, en, zh) or 'shared'",
                              _line(lines, name, col))
        missing = [k for k in _REQUIRED if not c.get(k)]
        if missing:
            raise SourceError(path, f"{name}.{col} lacks {', '.join(missing)}", _line(lines, name, col))
        if c["type"] not in TYPES:
            raise SourceError(path, f"{name}.{col}: type '{c['type']}' is not one of {', '.join(TYPES)}",
                              _line(lines, name, col))
        columns[col] = Column(col, c["type"], str(c["title_zh"]), " ".join(str(c["en"]).split()),
                              " ".join(str(c["zh"]).split()), str(c.get("unit", "")), bool(c.get("codes")),
                              tuple(str(v) for v in c.get("values", ())), bool(c.get("offsets")))
    for key in spec.get("primary_key", ()):
        if key not in columns:
            raise SourceError(path, f"{name}: primary key column '{key}' is not one of its columns",
                              _line(lines, name, "primary_key"))
    return Table(name, str(spec.get("title_zh", "")), " ".join(str(spec.get("en", "")).split()),
                 " ".join(str(spec.get("zh", "")).split()), columns, tuple(spec.get("primary_key", ())),
                 dict(spec.get("foreign_keys") or {}))


# --- Parquet: the types -------------------------------------------------------------------------------

def arrow_table(name: str, df: pd.DataFrame, schema: Schema | None = None) -> pa.Table:
    """`df` with the types its description gives (columns it does not describe keep pandas' inference)."""
    table = (schema or load()).tables.get(name)
    arrays, fields = [], []
    for col in df.columns:
        c = table.columns.get(col) if table else None
        values = df[col]
        if c is None:
            arr = pa.array(values, from_pandas=True)
        elif c.type == "date":
            arr = pc.cast(pa.array(values.where(values.astype(str) != "", None), type=pa.string(), from_pandas=True),
                          pa.date32())
        elif isinstance(values.dtype, pd.CategoricalDtype):     # stored once per distinct value, kept so
            codes = values.cat.codes.to_numpy()
            arr = pa.DictionaryArray.from_arrays(pa.array(codes, type=pa.int32(), mask=codes < 0),
                                                 pa.array(values.cat.categories, type=TYPES[c.type]))
        else:
            arr = pa.array(values, type=TYPES[c.type], from_pandas=True)
            if c.codes:
                arr = arr.dictionary_encode()
        arrays.append(arr)
        fields.append(pa.field(str(col), arr.type, metadata=_field_metadata(c)))
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


def _field_metadata(c: Column | None) -> dict | None:
    if c is None:
        return None
    return {"description": c.en, "description_zh": c.zh, **({"unit": c.unit} if c.unit else {})}


def plain(table: pa.Table, name: str = "", schema: Schema | None = None) -> pd.DataFrame:
    """A typed table read back in the in-memory form: codes as text, dates as ISO text ("" for none);
    a text the build held once per distinct value (a pandas Categorical, not a code) stays so."""
    described = (schema or load()).tables.get(name)
    columns = []
    for arr, f in zip(table.columns, table.schema):
        column = described.columns.get(f.name) if described else None
        if pa.types.is_dictionary(f.type) and (column is None or column.codes):
            arr = pc.cast(arr, f.type.value_type)
        elif pa.types.is_date(f.type):
            arr = pc.fill_null(pc.strftime(arr, format="%Y-%m-%d"), "")
        columns.append(arr)
    df = pa.table(columns, names=table.column_names).to_pandas()
    for arr, f in zip(table.columns, table.schema):     # an integer column with blanks stays integer
        if pa.types.is_integer(f.type) and arr.null_count:
            df[f.name] = df[f.name].astype("Int64")
    return df


# --- README's data dictionary ----------------------------------------------------------------------------

README = PROJECT_ROOT / "README.md"
_BEGIN = "<!-- data dictionary: generated from data/schema/tables.yml by `python -m analysis.tables.schema --readme` -->"
_END = "<!-- end of data dictionary -->"


def readme_section(schema: Schema | None = None) -> str:
    """README's data dictionary, one paragraph per table."""
    schema = schema or load()
    parts = [_BEGIN, "", _wrap(schema.offsets_en), ""]
    for kind, tables in (("", schema.tables), ("Workbook sheet ", schema.sheets)):
        for t in tables.values():
            cols = "; ".join(_readme_column(c) for c in t.columns.values())
            key = f" Key: {', '.join(f'`{k}`' for k in t.primary_key)}." if t.primary_key else ""
            parts += [_wrap(f"{kind}**{t.name}** ({t.title_zh}) — {t.en}.{key} {cols}."), ""]
    return "\n".join(parts + [_END])


def _readme_column(c: Column) -> str:
    kind = c.type + (", code" if c.codes else "") + (f", {c.unit}" if c.unit else "")
    values = f" ({' | '.join(c.values)})" if c.values and not all(v in c.en for v in c.values) else ""
    return f"`{c.name}` ({kind}): {c.en}{values}"


def _wrap(text: str) -> str:
    return textwrap.fill(text, width=100, break_long_words=False, break_on_hyphens=False)


def readme_current(readme: Path = README) -> str | None:
    """The section as README holds it now (None when README has no generated section)."""
    text = readme.read_text(encoding="utf-8")
    if _BEGIN not in text or _END not in text:
        return None
    return text[text.index(_BEGIN):text.index(_END) + len(_END)]


def write_readme(readme: Path = README) -> None:
    text = readme.read_text(encoding="utf-8")
    current = readme_current(readme)
    if current is None:
        raise SourceError(readme, f"has no generated data dictionary (the line '{_BEGIN}' … '{_END}')")
    readme.write_text(text.replace(current, readme_section()), encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1:] == ["--readme"]:
        try:
            write_readme()
        except SourceError as exc:
            print(f"error: {exc}", file=sys.stderr)
            sys.exit(1)
        print(f"rewrote the data dictionary in {README}")
    else:
        print("usage: python -m analysis.tables.schema --readme", file=sys.stderr)
        sys.exit(2)
