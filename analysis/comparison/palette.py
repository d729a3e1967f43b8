"""One colour per region in every figure, palettes sized to their categories, bilingual value names.

    colours = region_colours(regions)      # region slug -> colour, the same in every figure
    palette(17)                            # 17 distinct colours (never a 10-colour cycle reused)
    value_label("kind", "body_task")       # '正文任务 body task' (data/dictionaries/columns.yml `values`)
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import plotly.express as px

from analysis import DATA_DIR

LABELS = DATA_DIR / "dictionaries" / "columns.yml"
# the five shipped regions keep these; any other region takes the next colour of the wide palette
REGION_COLOURS = {"yancheng": "#1f77b4", "tibet": "#d62728", "qinghai": "#2ca02c", "shaoxing": "#9467bd",
                  "wuhu": "#ff7f0e"}


def palette(n: int) -> list[str]:
    """n distinct colours: Tableau 10 up to 10, Dark 24 up to 24, Alphabet up to 26, then repeated."""
    for colours in (px.colors.qualitative.T10, px.colors.qualitative.Dark24, px.colors.qualitative.Alphabet):
        if n <= len(colours):
            return list(colours[:n])
    colours = px.colors.qualitative.Alphabet
    return [colours[i % len(colours)] for i in range(n)]


def region_colours(regions) -> dict[str, str]:
    """region -> colour: the fixed colour of a known region; others in order from what is left."""
    spare = [c for c in px.colors.qualitative.Dark24 + px.colors.qualitative.Alphabet
             if c not in REGION_COLOURS.values()]
    out, n = {}, 0
    for r in dict.fromkeys(regions):
        if r in REGION_COLOURS:
            out[r] = REGION_COLOURS[r]
        else:
            out[r] = spare[n % len(spare)]
            n += 1
    return out


@lru_cache(maxsize=2)
def _values(path: Path = LABELS) -> dict:
    from analysis.config import read_yaml

    data = read_yaml(path)[1]
    values = data.get("values", {}) if isinstance(data, dict) else {}
    return values if isinstance(values, dict) else {}


def value_label(field: str, value: str) -> str:
    """The bilingual name of a coded value; the value itself when the file has none."""
    return str(_values().get(field, {}).get(value, value))
