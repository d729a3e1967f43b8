"""One normalizer per document layout. Each module's docstring states its document's conventions."""

from __future__ import annotations

import importlib

NAMES = ("yancheng", "tibet", "qinghai", "shaoxing", "wuhu")


def get(name: str):
    if name not in NAMES:
        raise KeyError(name)
    return importlib.import_module(f"{__name__}.{name}").normalize
