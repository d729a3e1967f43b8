"""datapackage.json: the output folder described as a Frictionless (Tabular) Data Package.

One resource per table, pointing at its CSV (the text form every tool reads; the same table, typed,
is `<name>.parquet` and a table of analysis.duckdb). Every field carries its type, English and
Chinese description and unit from data/schema/tables.yml; offsets follow the package's `offsets`
convention; primary and foreign keys are those the build guarantees. Text a spreadsheet would run
as a formula starts with an apostrophe in the CSVs (see README), never in the Parquet files.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from analysis.tables import schema as described

NAME = "datapackage.json"
_PANDAS_TYPES = (("bool", "boolean"), ("int", "integer"), ("float", "number"))


def descriptor(tables: dict[str, pd.DataFrame], schema: described.Schema) -> dict:
    return {
        "profile": "tabular-data-package",
        "name": "health-reform-task-lists",
        "title": "Chinese local health-reform task lists as tidy tables / 深化医药卫生体制改革重点工作任务数据表",
        "description": ("Tasks, responsible agencies, targets, deadlines, repairs, topic codes and shared wording "
                        "of Chinese local health-reform task lists, each row pointing back to character offsets "
                        "in the raw text. Each table is also in <name>.parquet (typed) and in analysis.duckdb; "
                        "workbook.xlsx holds the sheets a reader needs. In the CSVs, text a spreadsheet would run "
                        "as a formula (starting with =, +, -, @, tab or CR) starts with an apostrophe."),
        "offsets": {"en": schema.offsets_en, "zh": schema.offsets_zh},
        "resources": [_resource(name, df, schema.tables.get(name), schema, tables) for name, df in tables.items()],
    }


def _resource(name: str, df: pd.DataFrame, table: described.Table | None, schema: described.Schema,
              tables: dict[str, pd.DataFrame]) -> dict:
    fields = [_field(str(col), df[col], table.columns.get(col) if table else None, schema) for col in df.columns]
    present = {other: set(map(str, frame.columns)) for other, frame in tables.items()}
    out = {"name": name, "path": f"{name}.csv", "profile": "tabular-data-resource", "format": "csv",
           "mediatype": "text/csv", "encoding": "utf-8-sig", "parquet": f"{name}.parquet"}
    if table:
        out |= {"title": table.title_zh, "description": table.en, "description_zh": table.zh}
    table_schema: dict = {"fields": fields, "missingValues": [""]}   # an empty CSV cell is no value
    if table and table.primary_key and set(table.primary_key) <= present[name]:
        table_schema["primaryKey"] = list(table.primary_key)
    if table and table.foreign_keys:
        table_schema["foreignKeys"] = [
            {"fields": [col], "reference": {"resource": ref.split(".")[0], "fields": [ref.split(".")[1]]}}
            for col, ref in table.foreign_keys.items()
            if col in df.columns and ref.split(".")[1] in present.get(ref.split(".")[0], ())]
    out["schema"] = table_schema
    return out


def _field(name: str, values: pd.Series, c: described.Column | None, schema: described.Schema) -> dict:
    if c is None:   # not described: the tests name it; the file still says what the column is
        kind = next((t for k, t in _PANDAS_TYPES if k in str(values.dtype)), "string")
        return {"name": name, "type": kind, "description": f"(not described in {schema.path.name})"}
    out = {"name": name, "type": c.type, "title": c.title_zh, "description": c.en, "description_zh": c.zh}
    if c.type == "date":
        out["format"] = "%Y-%m-%d"
    if c.unit:
        out["unit"] = c.unit
    if c.offsets:
        out["description"] += " (offsets: see the package's `offsets`)"
    if c.values:
        out["constraints"] = {"enum": list(c.values)}
    return out


def write(path: Path, tables: dict[str, pd.DataFrame], schema: described.Schema) -> None:
    Path(path).write_text(json.dumps(descriptor(tables, schema), ensure_ascii=False, indent=1) + "\n",
                          encoding="utf-8")


def undescribed(tables: dict[str, pd.DataFrame], schema: described.Schema) -> list[str]:
    """`table.column` of every built column data/schema/tables.yml does not describe."""
    return [f"{name}.{col}" for name, df in tables.items() for col in df.columns
            if name not in schema.tables or str(col) not in schema.tables[name].columns]
