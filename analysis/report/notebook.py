"""What a notebook needs in its first cells: the tables, bilingual labels, and a way to show and save a figure.

    t = nb.setup(tables_dir)          # tables from data/processed (built first if missing)
    nb.show(fig, data, "topic_heatmap", figures_dir)

`show` writes figures/<name>.png, .svg (through one persistent Chromium per kernel, see
`static_export`) and .csv (the data behind the figure, UTF-8 with BOM for Excel), then displays the
interactive figure.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from analysis import PROCESSED_DIR
from analysis.report import static_images as static_export
from analysis.tables import outputs

STATIC_SCALE = 2


def setup(tables_dir: str | Path = PROCESSED_DIR) -> dict[str, pd.DataFrame]:
    # the mimetype renderer draws in JupyterLab and leaves the figure JSON in the executed
    # notebook, from which analysis.report.pages writes an offline page (no CDN)
    pio.renderers.default = "plotly_mimetype"
    pd.set_option("display.max_colwidth", 120)
    from analysis.report.runner import ensure_tables

    ensure_tables(Path(tables_dir))
    return outputs.read(tables_dir)


def show(fig: go.Figure, data: pd.DataFrame, name: str, figures_dir: str | Path | None = None) -> None:
    if figures_dir is not None:
        save(fig, data, name, figures_dir)
    fig.show()


def save(fig: go.Figure, data: pd.DataFrame, name: str, figures_dir: str | Path) -> list[Path]:
    out = Path(figures_dir)
    out.mkdir(parents=True, exist_ok=True)
    png = static_export.render(fig, "png", name=name, scale=STATIC_SCALE)
    svg = static_export.render(fig, "svg", name=name)
    paths = [out / f"{name}.png", out / f"{name}.svg", out / f"{name}.csv"]
    paths[0].write_bytes(png)
    paths[1].write_bytes(svg)
    data.to_csv(paths[2], index=False, encoding="utf-8-sig")
    return paths
