"""Format families: parameterised normalizers, one per document layout.

A document names its family and the family's parameters in the manifest (data/raw/documents.yml);
a new document that follows a known layout needs no new code. Each family module holds a
`Params` dataclass (its parameters and their defaults) and `normalize(doc, params)`, and its
docstring describes the layout. docs/adding-a-document.md walks through adding a document.
"""

from __future__ import annotations

import dataclasses
import importlib
import re

FAMILIES = ("paragraphs", "annex_columns", "annex_marked")
# "(" at a line's end, "一)" or "3)" at the next one's start: no family could read the marker
SPLIT_MARKER = re.compile(r"[(（][^\S\n]*\n\s*[一二三四五六七八九十\d]+[)）]")


def module(family: str):
    if family not in FAMILIES:
        raise KeyError(family)
    return importlib.import_module(f"{__name__}.{family}")


def make_params(family: str, raw: dict):
    """The family's Params from a manifest's `params` mapping; ValueError names what is wrong."""
    cls = module(family).Params
    known = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(raw) - set(known))
    if unknown:
        raise ValueError(f"unknown parameter(s) for family {family}: {', '.join(unknown)}"
                         f" (it takes {', '.join(known) or 'none'})")
    values = {}
    for name, value in raw.items():
        default = known[name].default
        if isinstance(default, tuple):
            value = tuple(value) if isinstance(value, (list, tuple)) else (value,)
        elif isinstance(default, bool) and not isinstance(value, bool):
            raise ValueError(f"parameter {name} of family {family} must be true or false")
        choices = getattr(cls, "CHOICES", {}).get(name)
        if choices and value not in choices:
            raise ValueError(f"parameter {name} of family {family} must be one of {', '.join(choices)}, not '{value}'")
        values[name] = value
    return cls(**values)


def normalize(doc, family: str, params) -> None:
    if m := SPLIT_MARKER.search(doc.text):
        raise doc.error(m.start(), "a heading or task marker is split across lines ('(' / '一)…'): join them")
    module(family).normalize(doc, params)
