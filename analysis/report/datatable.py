"""A DataFrame as a table a reader can use: whole, sortable, searchable, filterable, every unit id a link.

    html = datatable.to_html(df, units)   # units: unit_id -> doc_id, for the links

itables draws the table with DataTables from its offline bundle (`init_html`, embedded once per
page; no network). Every row and every character of every cell is in the page: no paging, no
downsampling, no cut cells. Headers are bilingual and percentages read as percentages
(`data/dictionaries/columns.yml`, which a researcher may edit); a missing value is an empty cell;
the index is not shown. Unit ids become links to their characters on the document's source page
(`source/<doc_id>.html#<unit_id>`, see `source_pages`).
"""

from __future__ import annotations

import html
import json
import math
import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

import pandas as pd

from analysis import DATA_DIR
from analysis.errors import SourceError

COLUMNS = DATA_DIR / "dictionaries" / "columns.yml"
SOURCE_DIR = "source"  # beside the briefings


@lru_cache(maxsize=2)
def column_config(path: Path = COLUMNS) -> dict:
    from analysis.config import read_yaml, section

    data = read_yaml(path)[1]
    labels = section(path, data, "labels", dict)
    out = {"labels": {str(k): str(v) for k, v in labels.items()}}
    values = data.get("values", {})
    out["values"] = {str(k): {str(a): str(b) for a, b in v.items()} for k, v in values.items()
                     if isinstance(v, dict)} if isinstance(values, dict) else {}
    for key in ("percent", "unit_ids", "regions", "long_text"):
        value = data.get(key, [])
        if not isinstance(value, list):
            raise SourceError(path, f"{key}: a list of column names")
        out[key] = {str(v) for v in value}
    return out


def source_href(unit_id: str, doc_id: str) -> str:
    """Link from a briefing to a unit's characters on its document's source page."""
    return f"{SOURCE_DIR}/{quote(doc_id, safe='')}.html#{quote(unit_id, safe=':()+')}"


def unit_links(value: str, units: dict[str, str]) -> str:
    """'a:1, a:2' (or ';'-joined) as links; an id the units table lacks stays plain text."""
    sep = ";" if ";" in value and ", " not in value else ", "
    parts = []
    for uid in (p.strip() for p in value.split(sep)):
        if not uid:
            continue
        if uid in units:
            parts.append(f"<a class=\"unit-link\" href=\"{html.escape(source_href(uid, units[uid]))}\">"
                         f"{html.escape(uid)}</a>")
        else:
            parts.append(html.escape(uid))
    return ", ".join(parts)


def _blank(v) -> bool:
    if v is None or v is pd.NaT:
        return True
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _cell(v, column: str, cfg: dict, units: dict[str, str], regions: dict[str, str]) -> str:
    if isinstance(v, (list, tuple)):
        v = ", ".join(map(str, v))
    if _blank(v):
        return ""
    if column in cfg["percent"] and isinstance(v, (int, float)):
        return f"{v:.1%}"
    if column in cfg["unit_ids"]:
        return unit_links(str(v), units)
    if column in cfg["regions"] and str(v) in regions:
        return html.escape(regions[str(v)])
    if column in cfg["values"] and str(v) in cfg["values"][column]:
        return html.escape(cfg["values"][column][str(v)])
    if isinstance(v, bool):
        return "是 yes" if v else "否 no"
    if isinstance(v, pd.Timestamp):
        return v.strftime("%Y-%m-%d")
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and math.isfinite(v) else f"{v:.3g}" if abs(v) < 1 else f"{v:,.2f}"
    return html.escape(str(v))


def _flat(df: pd.DataFrame) -> pd.DataFrame:
    """A named index (a pivot's rows) becomes columns; row numbers are dropped; column names are text."""
    named = any(n is not None for n in df.index.names)
    df = df.reset_index(drop=not named)
    df.columns = [" ".join(str(p) for p in c if str(p)).strip() if isinstance(c, tuple) else str(c)
                  for c in df.columns]
    return df


def prepare(df: pd.DataFrame, units: dict[str, str] | None = None, regions: dict[str, str] | None = None
            ) -> pd.DataFrame:
    """The frame as it is shown: every cell HTML text, bilingual headers, no index."""
    cfg = column_config()
    units, regions = units or {}, regions or {}
    df = _flat(df)
    shown = pd.DataFrame({i: [_cell(v, col, cfg, units, regions) for v in df[col]]
                          for i, col in enumerate(df.columns)})
    shown.columns = [html.escape(cfg["labels"].get(c, c)) for c in df.columns]
    return shown


def to_html(df: pd.DataFrame, units: dict[str, str] | None = None, regions: dict[str, str] | None = None) -> str:
    from itables.javascript import check_table_id, get_itable_arguments, html_table_from_template

    cfg = column_config()
    names = list(_flat(df).columns)
    long = [i for i, c in enumerate(names) if c in cfg["long_text"]]
    shown = prepare(df, units, regions)
    options = dict(
        connected=False, allow_html=True, showIndex=False, maxBytes=0, maxRows=0, maxColumns=0,
        paging=False, scrollY="70vh", scrollCollapse=True, scrollX=True, classes="display compact cell-border",
        columnControl=["order", "searchDropdown"], ordering={"indicators": False, "handler": False},
        columnDefs=[{"targets": long, "className": "long-text"}] if long else [],
        layout={"topStart": "info", "topEnd": "search", "bottomStart": None, "bottomEnd": None},
        display_logo_when_loading=False)
    # itables' to_html_datatable adds a second, static copy of the table for readers without
    # JavaScript (with an index column); a briefing is read in a browser, so the table is written once
    table_id = check_table_id(None, options, df=shown)
    args = get_itable_arguments(shown, None, table_id=table_id, **options)
    for key in ("dt_url", "connected", "display_logo_when_loading", "table_id"):
        args.pop(key, None)
    page = html_table_from_template(table_id=table_id, dt_url="", connected=False, display_logo_when_loading=False,
                                    kwargs=args, fallback_html="")
    return _readable_data(page)


_DATA_JSON = re.compile(r'"data_json": ("(?:[^"\\]|\\.)*")')


def _readable_data(page: str) -> str:
    """The rows as UTF-8 text rather than \\u escapes (itables' default), so the page's source, a
    search engine or grep finds 示范市; every cell is already HTML-escaped, so no '</script>' can occur."""
    def plain(m: re.Match) -> str:
        rows = json.loads(json.loads(m[1]))
        return '"data_json": ' + json.dumps(json.dumps(rows, ensure_ascii=False), ensure_ascii=False)

    return _DATA_JSON.sub(plain, page, count=1)  # a function's result is inserted as it is


def init_html() -> str:
    """The DataTables bundle, inline (no network), to be shown once per page before any table."""
    from itables import options
    from itables.javascript import generate_init_offline_itables_html

    return generate_init_offline_itables_html(options.dt_bundle)
