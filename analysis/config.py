"""Reading the data files a researcher edits (dictionaries, codebook, settings): one-line errors
naming the file and line, never a traceback."""

from __future__ import annotations

from pathlib import Path

import yaml

from analysis.errors import SourceError


def read_yaml(path: Path):
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise SourceError(path, f"cannot read ({exc.strerror or exc})") from None
    try:
        return text, yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        raise SourceError(path, f"not valid YAML ({getattr(exc, 'problem', exc)})", line) from None
