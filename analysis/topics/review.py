"""`python -m analysis topics --review [--out FILE]`: the low-confidence codes, for a coder to decide.

The CSV has one row per unit whose primary topic is flagged `low` (and no override decided it
yet): `unit_id`, `text`, `candidates` (the model's top three topics, `;`-joined) and
`probabilities` (theirs, same order), then the empty columns of an override: `topic`,
`is_primary`, `reason`, `coder`. `python -m analysis build --overrides FILE` reads the filled file
back (analysis/topics/overrides.py): a row whose four decision columns are all empty is ignored,
so a coder may decide some units and leave the rest.
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import pandas as pd

from analysis.errors import SourceError

HEADER = ["unit_id", "text", "candidates", "probabilities", "topic", "is_primary", "reason", "coder"]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet would run such a cell (as tables.outputs)


def rows(task_topics: pd.DataFrame, units: pd.DataFrame) -> list[list[str]]:
    primary = task_topics[task_topics["is_primary"] & (task_topics["confidence"] == "low")
                          & (task_topics["method"] != "override")]
    overridden = set(task_topics.loc[task_topics["method"] == "override", "unit_id"])
    text = units.set_index("unit_id")["text_clean"]
    out = []
    for r in primary.itertuples():
        if r.unit_id in overridden:
            continue
        tops = [(t, p) for t, p in ((r.top1, r.top1_p), (r.top2, r.top2_p), (r.top3, r.top3_p)) if t]
        body = " ".join(str(text[r.unit_id]).split())
        out.append([r.unit_id, "'" + body if body.startswith(_FORMULA_START) else body,
                    ";".join(t for t, _ in tops), ";".join(f"{p:.3f}" for _, p in tops), "", "", "", ""])
    return out


def write(task_topics: pd.DataFrame, units: pd.DataFrame, out: Path | None) -> int:
    """Write the review CSV to `out` (UTF-8 with BOM, for Excel) or standard output; the number of rows."""
    body = rows(task_topics, units)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(HEADER)
    w.writerows(body)
    if out is None:
        sys.stdout.write(buf.getvalue())
        return len(body)
    try:
        Path(out).write_text(buf.getvalue(), encoding="utf-8-sig")
    except OSError as exc:
        raise SourceError(out, f"cannot write the review file ({exc.strerror or exc})") from None
    return len(body)
