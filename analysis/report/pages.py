"""Executed notebooks → self-contained HTML briefings that open offline.

Each page carries plotly.js once, inline, and each figure as a div drawn from the figure JSON the
notebook left in its outputs; no CDN, no external script or stylesheet. Code is not shown: the
briefing is for readers; the notebook is one click away for researchers.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import nbformat
import plotly.io as pio
from nbconvert.filters.markdown_mistune import markdown2html_mistune
from plotly.offline import get_plotlyjs

from analysis.report.stamp import stamp  # noqa: F401 - the pages' footer; runner imports it from here

PLOTLY_MIME = "application/vnd.plotly.v1+json"
CSS = """
body{font-family:"Noto Sans CJK SC","Noto Sans SC","Source Han Sans SC","Microsoft YaHei","PingFang SC",sans-serif;
max-width:1180px;margin:2em auto;padding:0 1em;color:#222;line-height:1.55}
table{border-collapse:collapse;font-size:.86em;margin:1em 0}
td.long-text{min-width:24em;max-width:44em;white-space:normal} a.unit-link{white-space:nowrap}
th,td{border:1px solid #ddd;padding:.3em .5em;vertical-align:top;text-align:left}
th{background:#f4f4f4} pre{background:#f7f7f7;padding:.6em;overflow-x:auto;font-size:.85em}
.figure{margin:1.2em 0} nav a{margin-right:1em} footer{margin-top:3em;font-size:.8em;color:#666}
"""

# a mark whose customdata is ["unit", unit_id, doc_id] (analysis.comparison.figures.unit_links)
# opens the unit's place on its document's source page
CLICK_TO_SOURCE = """<script>(function(){var el=document.getElementById("DIV_ID");
if(!el||!el.on)return;el.on("plotly_click",function(d){var c=d.points&&d.points[0]&&d.points[0].customdata;
if(Array.isArray(c)&&c[0]==="unit"){location.href="source/"+encodeURIComponent(c[2])+".html#"+encodeURIComponent(c[1]);}});
})();</script>"""


def notebook_to_html(path: Path, title: str | None = None, nav: str = "", stamp: str = "") -> str:
    nb = nbformat.read(path, as_version=4)
    parts, n_fig = [], 0
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            parts.append(markdown2html_mistune(cell.source))
        elif cell.cell_type == "code" and "parameters" not in cell.metadata.get("tags", []):
            for out in cell.get("outputs", []):
                piece = _output(out, f"fig-{n_fig}")
                if PLOTLY_MIME in out.get("data", {}):
                    n_fig += 1
                parts.append(piece)
    title = title or first_heading(nb) or path.stem
    return page(title, "\n".join(p for p in parts if p), nav, source=path.name, stamp=stamp)


def page(title: str, body: str, nav: str = "", source: str = "", plotly: bool = True, stamp: str = "") -> str:
    footer = f"<footer>Generated from <code>notebooks/{html.escape(source)}</code> by " \
             f"<code>python -m analysis report</code>.{stamp}</footer>" if source else \
        (f"<footer>{stamp}</footer>" if stamp else "")
    return (f"<!DOCTYPE html>\n<html lang=\"zh-Hans\"><head><meta charset=\"utf-8\">"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{html.escape(title)}</title><style>{CSS}</style>"
            + (f"<script type=\"text/javascript\">{get_plotlyjs()}</script>" if plotly else "") + "</head>\n"
            f"<body>{nav}\n{body}\n{footer}</body></html>\n")


def _output(out: dict, div_id: str) -> str:
    data = out.get("data", {})
    if PLOTLY_MIME in data:
        fig = pio.from_json(json.dumps(data[PLOTLY_MIME]))
        return (f"<div class=\"figure\">{fig.to_html(full_html=False, include_plotlyjs=False, div_id=div_id)}</div>"
                + CLICK_TO_SOURCE.replace("DIV_ID", div_id))
    if "text/html" in data:
        return "".join(data["text/html"]) if isinstance(data["text/html"], list) else data["text/html"]
    if "text/markdown" in data:
        return markdown2html_mistune(data["text/markdown"])
    if out.get("output_type") == "stream" and out.get("name") == "stdout":
        return f"<pre>{html.escape(out.get('text', ''))}</pre>"
    if "text/plain" in data and out.get("output_type") == "execute_result":
        return f"<pre>{html.escape(data['text/plain'])}</pre>"
    return ""


def first_heading(nb) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return ""
