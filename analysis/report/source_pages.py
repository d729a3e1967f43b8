"""A page per document: its raw text, every unit an anchored span, so each number is one click from its characters.

    reports/source/<doc_id>.html#<unit_id>

The text is the raw file as the build read it (the same decoding and offsets), whitespace and
line breaks kept. Each unit is a `<span class="unit" id="<unit_id>">` coloured by its kind; inside
it the printed agency names, targets and deadlines the build found are marked, and the unit's
title (tooltip) and the side panel say what they were read as: agencies with their role,
targets with comparator and deadline, deadlines with their date. The unit a link points to is
highlighted (`:target`, and a class set by the page's script, which also fills the panel).
Nothing here is read again: it all comes from the tables of the build.
"""

from __future__ import annotations

import html
from collections import defaultdict
from pathlib import Path

import pandas as pd

from analysis import PROJECT_ROOT
from analysis.errors import SourceError
from analysis.reading.source import read_raw
from analysis.report.pages import page

# one colour per unit kind (DATA_MODEL's kinds); a kind not listed is drawn grey
KIND_COLOURS = {
    "task": "#e3f0fb", "body_task": "#eaf5e4", "goal": "#fff1d6", "area": "#f3e6f7", "phase": "#fde8e0",
    "safeguard": "#e6f4f1", "heading": "#eeeeee", "heading_repeat": "#f4f4f4", "agency_line": "#fbeff5",
    "preamble": "#f6f3e9", "notice": "#f0f0f7", "title": "#e9e9e9", "metadata": "#f2f2f2", "attachment": "#f2f2f2",
    "table_header": "#efefef", "note": "#f7f7f0", "boilerplate": "#f5f5f5",
}
CSS = """
.raw{white-space:pre-wrap;font-size:1.02em;line-height:1.9;max-width:none}
.unit{border-radius:3px;padding:1px 0;scroll-margin-top:40vh}
.unit:target,.unit.hl{outline:3px solid #d9480f;background:#fff3bf !important}
mark{background:none;border-bottom:2px solid;padding:0}
mark.m-agency{border-color:#1971c2} mark.m-target{border-color:#e8590c;font-weight:600}
mark.m-deadline{border-color:#2f9e44}
#panel{position:fixed;right:1em;top:1em;width:22em;max-height:80vh;overflow:auto;background:#fff;
border:1px solid #ccc;border-radius:4px;padding:.6em .8em;font-size:.85em;white-space:pre-wrap;box-shadow:0 2px 8px #0002}
.legend span{display:inline-block;margin:0 .6em .3em 0;padding:0 .4em;border-radius:3px}
"""
SCRIPT = """
<script>
(function(){
  var panel = document.getElementById('panel');
  function show(){
    document.querySelectorAll('.unit.hl').forEach(function(e){e.classList.remove('hl');});
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id ? document.getElementById(id) : null;
    if (!el || !el.classList.contains('unit')) { panel.hidden = true; return; }
    el.classList.add('hl');
    panel.textContent = el.getAttribute('title');
    panel.hidden = false;
  }
  window.addEventListener('hashchange', show);
  show();
})();
</script>
"""


def _marks(start: int, end: int, spans: list[tuple[int, int, str, str]]) -> list[tuple[int, int, str, str]]:
    """The non-overlapping marks inside [start, end), earliest first (an overlapping later one is dropped)."""
    out, last = [], start
    for s, e, cls, note in sorted(spans):
        if s >= last and e <= end and e > s:
            out.append((s, e, cls, note))
            last = e
    return out


def _unit_html(text: str, u, marks: list[tuple[int, int, str, str]], title: str) -> str:
    pieces, pos = [], u.char_start
    for s, e, cls, note in _marks(u.char_start, u.char_end, marks):
        pieces.append(html.escape(text[pos:s]))
        pieces.append(f"<mark class=\"{cls}\" title=\"{html.escape(note, quote=True)}\">{html.escape(text[s:e])}</mark>")
        pos = e
    pieces.append(html.escape(text[pos:u.char_end]))
    colour = KIND_COLOURS.get(u.kind, "#eeeeee")
    return (f"<span class=\"unit k-{html.escape(u.kind)}\" id=\"{html.escape(u.unit_id, quote=True)}\" "
            f"style=\"background:{colour}\" title=\"{html.escape(title, quote=True)}\">{''.join(pieces)}</span>")


def _describe(tables: dict[str, pd.DataFrame]) -> tuple[dict, dict]:
    """unit_id -> its reading as lines of text; doc_id -> marks (start, end, class, note)."""
    lines: dict[str, list[str]] = defaultdict(list)
    marks: dict[str, list] = defaultdict(list)
    for a in tables["task_agencies"].itertuples():
        name = a.name_zh if isinstance(a.name_zh, str) and a.name_zh else a.raw
        src = f" (stated at {a.source_unit_id})" if a.source_unit_id and a.source_unit_id != a.unit_id else ""
        lines[a.unit_id].append(f"部门 agency: {name} {a.name_en or ''} — {a.role}{src}".rstrip())
        marks[a.doc_id].append((int(a.char_start), int(a.char_end), "m-agency", f"{name}: {a.role}"))
    for t in tables["targets"].itertuples():
        by = f", by {t.deadline}" if isinstance(t.deadline, str) and t.deadline else ""
        lines[t.unit_id].append(f"目标 target: {t.span} ({t.comparator} {t.value:g}{' ' + t.unit if t.unit else ''}"
                                f"{by}){' · ' + t.metric_id if isinstance(t.metric_id, str) and t.metric_id else ''}")
        marks[t.doc_id].append((int(t.char_start), int(t.char_end), "m-target", f"target {t.span}{by}"))
    for d in tables["deadlines"].itertuples():
        lines[d.unit_id].append(f"时限 deadline: {d.raw} → {d.date} ({d.precision})")
        marks[d.doc_id].append((int(d.char_start), int(d.char_end), "m-deadline", f"deadline {d.date}"))
    return lines, marks


def document_page(doc, text: str, units: pd.DataFrame, lines: dict, marks: list, nav: str = "",
                  made: str = "") -> str:
    body = []
    pos = 0
    for u in units.sort_values("char_start").itertuples():
        if u.char_start < pos:  # units never overlap; if a future reader made them, keep the text whole
            continue
        body.append(html.escape(text[pos:u.char_start]))
        title = "\n".join([f"{u.unit_id} · {u.kind} · characters {u.char_start}–{u.char_end}, lines "
                           f"{u.line_start}–{u.line_end}", *lines.get(u.unit_id, [])])
        body.append(_unit_html(text, u, marks, title))
        pos = u.char_end
    body.append(html.escape(text[pos:]))
    kinds = [k for k in dict.fromkeys(units.kind)]
    legend = "".join(f"<span style=\"background:{KIND_COLOURS.get(k, '#eeeeee')}\">{html.escape(k)}</span>"
                     for k in kinds)
    head = (f"<h1>{html.escape(doc.region_zh)} {html.escape(doc.region_en)} {doc.year}: {html.escape(doc.title)}</h1>"
            f"<p>{html.escape(doc.issuer)} · <code>{html.escape(doc.raw_path)}</code> · sha256 "
            f"<code>{html.escape(doc.sha256)}</code> · {len(units)} units</p>"
            f"<p class=\"legend\">单元类型 unit kinds: {legend}<br>Marked inside the units: "
            f"<mark class=\"m-agency\">agencies</mark> <mark class=\"m-target\">targets</mark> "
            f"<mark class=\"m-deadline\">deadlines</mark>. Hover over a unit for what the build read there.</p>")
    return page(f"{doc.region_zh} {doc.region_en} {doc.year} source text",
                f"<style>{CSS}</style>{head}<div class=\"raw\">{''.join(body)}</div>"
                f"<div id=\"panel\" hidden></div>{SCRIPT}", nav, plotly=False, stamp=made)


def write_all(tables_dir: Path, out: Path, nav: str = "", made: str = "", root: Path = PROJECT_ROOT) -> int:
    """Write out/<doc_id>.html for every document of the tables; the number written."""
    tables = {name: pd.read_parquet(Path(tables_dir) / f"{name}.parquet")
              for name in ("documents", "units", "task_agencies", "targets", "deadlines")}
    lines, marks = _describe(tables)
    out.mkdir(parents=True, exist_ok=True)
    units = tables["units"]
    for doc in tables["documents"].itertuples():
        path = Path(doc.raw_path) if Path(doc.raw_path).is_absolute() else Path(root) / doc.raw_path
        raw = read_raw(path)
        if raw.sha256 != doc.sha256:
            raise SourceError(path, "changed since the tables were built; run python -m analysis build")
        mine = units[units.doc_id == doc.doc_id]
        (out / f"{doc.doc_id}.html").write_text(
            document_page(doc, raw.text, mine, lines, marks.get(doc.doc_id, []), nav, made), encoding="utf-8")
    return len(tables["documents"])
