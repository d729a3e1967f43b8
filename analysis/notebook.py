"""What a notebook needs in its first cells: the tables, bilingual labels, and a way to show and save a figure.

    t = nb.setup(tables_dir)          # tables from data/processed (built first if missing)
    nb.show(fig, data, "topic_heatmap", figures_dir)

`show` writes figures/<name>.png, .svg (kaleido, through the Chromium installed by set-up) and
.csv (the data behind the figure, UTF-8 with BOM for Excel), then displays the interactive figure.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from . import PROCESSED_DIR, outputs

STATIC_SCALE = 2
_CHROMIUM = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def setup(tables_dir: str | Path = PROCESSED_DIR) -> dict[str, pd.DataFrame]:
    # the mimetype renderer draws in JupyterLab and leaves the figure JSON in the executed
    # notebook, from which analysis.briefing writes an offline page (no CDN)
    pio.renderers.default = "plotly_mimetype"
    pd.set_option("display.max_colwidth", 120)
    from .briefings import ensure_tables

    ensure_tables(Path(tables_dir))
    return outputs.read(tables_dir)


def show(fig: go.Figure, data: pd.DataFrame, name: str, figures_dir: str | Path | None = None) -> None:
    if figures_dir is not None:
        save(fig, data, name, figures_dir)
    fig.show()


def save(fig: go.Figure, data: pd.DataFrame, name: str, figures_dir: str | Path) -> list[Path]:
    out = Path(figures_dir)
    out.mkdir(parents=True, exist_ok=True)
    _point_kaleido_at_chromium()
    paths = [out / f"{name}.png", out / f"{name}.svg", out / f"{name}.csv"]
    fig.write_image(paths[0], scale=STATIC_SCALE)
    fig.write_image(paths[1])
    data.to_csv(paths[2], index=False, encoding="utf-8-sig")
    return paths


def _point_kaleido_at_chromium() -> None:
    """kaleido 1.x drives an installed Chromium and cannot download one here."""
    if os.environ.get("BROWSER_PATH"):
        return
    for name in _CHROMIUM:
        if path := shutil.which(name):
            os.environ["BROWSER_PATH"] = path
            return
