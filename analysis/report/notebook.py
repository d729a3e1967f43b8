"""What a notebook needs in its first cells: the tables, bilingual labels, and a way to show tables and figures.

    t = nb.setup(tables_dir, figures_dir)   # tables from data/processed (built first if missing)
    nb.table(df)                            # a whole, sortable, searchable table; unit ids link to the text
    nb.show(fig, data, "topic_heatmap", figures_dir)
    nb.say(text)                            # a reading computed from the tables, shown as Markdown

`show` writes figures/<name>.png, .svg (through one persistent Chromium per kernel, see
`static_images`; each image carries a caption naming the tables it was drawn from and the build)
and .csv (the data behind the figure, UTF-8 with BOM for Excel), then displays the interactive
figure. When the report runner asks (`cache.RECORD_ENV`), `setup` notes which tables the notebook
reads in `<figures_dir>/.tables-read.json`, so the runner reruns a notebook only when one of them
changed; with `NO_STATIC_ENV` set (`report --no-static`) no PNG/SVG is made.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

# plotly's notebook renderer imports nbformat, whose jsonschema compiles an IRI grammar when
# rfc3987_syntax is installed (about 2 s of every kernel's start); nothing here checks IRIs, and
# jsonschema skips that format when the import fails
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[assignment]

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from analysis import PROCESSED_DIR, PROJECT_ROOT
from analysis.report import cache
from analysis.report import datatable
from analysis.report import static_images as static_export
from analysis.tables import outputs

STATIC_SCALE = 2
NO_STATIC_ENV = "ANALYSIS_NO_STATIC"
# set by the report runner: write the captioned figure as <name>.static.json and let the runner
# draw PNG/SVG with its one browser (a Chromium start per kernel costs seconds each)
DEFER_STATIC_ENV = "ANALYSIS_DEFER_STATIC"
DEFERRED = ".static.json"
AXIS_SPACE = 50  # pixels below the plot for tick labels and the axis title, above the caption
LINE = 12  # pixels per caption line


def ensure_tables(tables_dir: Path) -> None:
    """Build the processed tables when they are not all there: a fresh checkout, or a folder an
    older version built, before a table the notebooks read was added (every table data/schema/tables.yml
    describes)."""
    from analysis.tables import schema

    if all((tables_dir / f"{name}.parquet").exists() for name in schema.load().tables):
        return
    from analysis import build

    outputs.write(build.build_tables(), tables_dir)


class Tables(dict):
    """The processed tables; remembers which of them the notebook took (for the report's cache)."""

    def __init__(self, tables: dict[str, pd.DataFrame], record: Path | None = None) -> None:
        super().__init__(tables)
        self.read: set[str] = set()
        self._record = record
        self.tables_dir: Path | None = None
        self.stamp: tuple[str, str, str] | None = None

    def _note(self, names) -> None:
        new = set(names) - self.read
        if not new:
            return
        self.read |= new
        if self._record is not None:
            self._record.write_text(json.dumps(sorted(self.read)), encoding="utf-8")

    def __getitem__(self, name: str) -> pd.DataFrame:
        self._note([name] if name in self else [])
        return super().__getitem__(name)

    def get(self, name, default=None):
        return self[name] if name in self else default

    def items(self):
        self._note(self.keys())
        return super().items()

    def values(self):
        self._note(self.keys())
        return super().values()


_current: Tables | None = None


def setup(tables_dir: str | Path = PROCESSED_DIR, figures_dir: str | Path | None = None) -> Tables:
    global _current
    # the mimetype renderer draws in JupyterLab and leaves the figure JSON in the executed
    # notebook, from which analysis.report.pages writes an offline page (no CDN)
    pio.renderers.default = "plotly_mimetype"
    pd.set_option("display.max_colwidth", None)
    ensure_tables(Path(tables_dir))
    record = None
    if os.environ.get(cache.RECORD_ENV) and figures_dir is not None:
        Path(figures_dir).mkdir(parents=True, exist_ok=True)
        record = Path(figures_dir) / cache.TABLES_READ
        record.write_text("[]", encoding="utf-8")
    _current = Tables(outputs.read(tables_dir), record)
    _current.tables_dir = Path(tables_dir)
    _display_html(datatable.init_html())  # the DataTables bundle, once, before any table
    return _current


def _display_html(text: str) -> None:
    from IPython.display import HTML, display

    display(HTML(text))


def _unit_docs() -> dict[str, str]:
    if _current is None or "units" not in _current:
        return {}
    u = _current["units"]  # read (and recorded for the cache): a changed unit id changes the links
    return dict(zip(u["unit_id"], u["doc_id"]))


def _region_labels() -> dict[str, str]:
    if _current is None or "documents" not in _current:
        return {}
    from analysis.comparison.compare import region_labels

    return region_labels(_current["documents"])


def table(df: pd.DataFrame) -> None:
    """Show `df` whole as an interactive table (see `datatable`)."""
    _display_html(datatable.to_html(df, _unit_docs(), _region_labels()))


def say(text: str) -> None:
    """Show a reading (Markdown) computed in the notebook from the tables."""
    from IPython.display import Markdown, display

    display(Markdown(text))


def show(fig: go.Figure, data: pd.DataFrame, name: str, figures_dir: str | Path | None = None) -> None:
    if figures_dir is not None:
        save(fig, data, name, figures_dir)
    fig.show()


def caption() -> str:
    """'Source: tables documents, units · build commit …, documents …' for static images."""
    from analysis.report.stamp import stamp_parts

    read = sorted(_current.read) if _current is not None else []
    tables_dir = _current.tables_dir if _current is not None and _current.tables_dir else PROCESSED_DIR
    if getattr(_current, "stamp", None) is None:  # once per notebook: it asks git twice
        made = stamp_parts(Path(tables_dir), PROJECT_ROOT)
        if _current is None:
            return _caption_text(read, *made)
        _current.stamp = made
    return _caption_text(read, *_current.stamp)


def _caption_text(read: list[str], commit: str, when: str, sums: str) -> str:
    docs = sums.split(", ")
    halves = [", ".join(docs[:3]), ", ".join(docs[3:])]
    return "<br>".join([f"来源 Source: tables {', '.join(read) or '(none)'} (data/processed)",
                        f"made {when} from {commit}", f"raw sha256: {halves[0]}", *[h for h in halves[1:] if h]])


def captioned(fig: go.Figure, text: str) -> go.Figure:
    """A copy of `fig` with `text` below the plot (the interactive figure is left as it is)."""
    out = go.Figure(fig)
    margin = out.layout.margin.b if out.layout.margin.b is not None else 10
    extra = AXIS_SPACE + LINE * (text.count("<br>") + 1) + 6 - margin
    out.update_layout(margin_b=margin + max(0, extra), height=(out.layout.height or 500) + max(0, extra))
    out.add_annotation(text=text, xref="paper", yref="paper", x=0, y=0, xanchor="left", yanchor="top",
                       yshift=-AXIS_SPACE, showarrow=False, align="left", font=dict(size=9, color="#666"))
    return out


def save(fig: go.Figure, data: pd.DataFrame, name: str, figures_dir: str | Path) -> list[Path]:
    out = Path(figures_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / f"{name}.csv"]
    data.to_csv(paths[0], index=False, encoding="utf-8-sig")
    if os.environ.get(NO_STATIC_ENV):
        return paths
    static = captioned(fig, caption())
    if os.environ.get(DEFER_STATIC_ENV):
        paths.append(out / f"{name}{DEFERRED}")
        paths[1].write_text(static.to_json(), encoding="utf-8")
    else:
        png = static_export.render(static, "png", name=name, scale=STATIC_SCALE)
        svg = static_export.render(static, "svg", name=name)
        paths += [out / f"{name}.png", out / f"{name}.svg"]
        paths[1].write_bytes(png)
        paths[2].write_bytes(svg)
    return paths


def draw_deferred(folder: str | Path) -> list[Path]:
    """PNG and SVG for every <name>.static.json a deferred `save` left in `folder` (which is then removed)."""
    written = []
    for spec in sorted(Path(folder).glob(f"*{DEFERRED}")):
        name = spec.name[:-len(DEFERRED)]
        fig = pio.from_json(spec.read_text(encoding="utf-8"))
        png = static_export.render(fig, "png", name=name, scale=STATIC_SCALE)
        svg = static_export.render(fig, "svg", name=name)
        (spec.parent / f"{name}.png").write_bytes(png)
        (spec.parent / f"{name}.svg").write_bytes(svg)
        spec.unlink()
        written += [spec.parent / f"{name}.png", spec.parent / f"{name}.svg"]
    return written
