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

FAMILIES = ("paragraphs", "annex_columns", "annex_marked", "task_list")
# A heading or task marker broken by a line break: split inside its brackets ("(" / "一)…",
# "(二" / "十四)…"), before its period ("103" / ".围绕…") or alone on its line ("103." / "围绕…").
# No family can tell where the marker's text begins, and a task could be silently joined to the
# one before, so the build stops. Only markers where markers stand count: at a line's start or
# after a table's gap of spaces ("国办发(20" / "21)18号" is a wrapped reference, not a marker).
_NUMERAL = "[一二三四五六七八九十\\d]"
_AT_MARKER = "(?:^[^\\S\\n]*|(?<=[ \u3000\u00a0]{2}))"
SPLIT_MARKER = re.compile(
    rf"(?m){_AT_MARKER}[(（](?:{_NUMERAL}*[^\S\n]*\n\s*{_NUMERAL}+|{_NUMERAL}+[^\S\n]*\n\s*)[)）]"
    rf"|^[^\S\n]*\d+[^\S\n]*\r?\n\s*[.．、]"
    rf"|^[^\S\n]*(?:[一二三四五六七八九十]+、|[(（]{_NUMERAL}+[)）]|\d+[.．、])[^\S\n]*\r?$")


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
    params = cls(**values)
    if check := getattr(params, "check", None):
        check()                       # a family's own checks, e.g. that a regular expression compiles
    return params


def normalize(doc, family: str, params) -> None:
    # the tuned families cannot tell where a split marker's text begins; task_list reads a marker
    # standing alone on its line as the start of the paragraph below it
    if family != "task_list" and (m := SPLIT_MARKER.search(doc.text)):
        raise doc.error(m.start(), f"a heading or task marker is broken across lines ('{''.join(m.group(0).split())}'):"
                                   " join it to its text")
    module(family).normalize(doc, params)
