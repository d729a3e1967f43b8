"""Reading the data files a researcher edits (dictionaries, codebook, settings, the manifest):
one-line errors naming the file and line, never a traceback.

Files are UTF-8 (a BOM is allowed). YAML aliases (&a / *a) are refused: no data file needs them,
and an alias bomb would otherwise take minutes and gigabytes to expand. `section` checks the
shape a loader expects, so an empty or misshapen file is named, not a KeyError.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from analysis.errors import SourceError

MAX_BYTES = 20_000_000     # a data file larger than this is not a data file of this project
# libyaml's parser when PyYAML was built with it (the wheels are): the same safe loading, ten times faster
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path):
    """(text, data) of a YAML file."""
    path = Path(path)
    try:
        if path.is_dir():
            raise SourceError(path, "is a folder, not a YAML file")
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(path, f"cannot read ({exc.strerror or exc})") from None
    if len(data) > MAX_BYTES:
        raise SourceError(path, f"{len(data):,} bytes: too large for a data file (limit {MAX_BYTES:,})")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SourceError(path, "saved as UTF-16: save it as UTF-8")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise SourceError(path, f"not UTF-8 (byte 0x{data[exc.start]:02x}; saved as GB18030/GBK?): save it as UTF-8",
                          line) from None
    try:
        for event in yaml.parse(text, Loader=_LOADER):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise SourceError(path, "YAML anchors and aliases (&name, *name) are not accepted: write the value out",
                                  event.start_mark.line + 1)
        return text, yaml.load(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = " ".join(str(getattr(exc, "problem", None) or "malformed").split())
        raise SourceError(path, f"not valid YAML ({problem})", line) from None


def section(path: Path, data, key: str, kind: type = list):
    """data[key], which must be a `kind`; a one-line error naming the file otherwise."""
    if not isinstance(data, dict):
        raise SourceError(path, f"expected a mapping with '{key}:' at the top, found "
                                f"{'nothing' if data is None else type(data).__name__}")
    value = data.get(key)
    if not isinstance(value, kind):
        raise SourceError(path, f"'{key}' must be a {'list' if kind is list else 'mapping'}"
                                f"{'' if value is not None else ' (missing)'}")
    return value
