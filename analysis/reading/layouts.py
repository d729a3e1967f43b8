"""Layout detection: when a manifest entry names no `family`, find the reading that fits.

Candidates, in this order: the tuned families with the parameter sets of the shipped documents
(data/raw/documents.yml) and a few plain ones (paragraphs with tasks 1. under (一) sections or
tasks (一); with a 责任单位 list; the annex tables of annex_columns and annex_marked), then
`task_list`, the general reader. Each is
run on a fresh copy of the document; a candidate that stops with an error is out. Of the readings
left, the one whose tasks name agencies most often wins (then the one with more tasks, then the
earlier candidate): a tuned family that reads the document fully beats the general reader, and
the general reader, which refuses only a text with no numbered paragraphs at all, catches the
rest. The build report says which reading was chosen and why the others were not.
"""

from __future__ import annotations

from functools import lru_cache

from analysis.errors import SourceError
from analysis.reading import normalizers
from analysis.reading.normalizers.base import Document

PLAIN = (
    ("paragraphs", {"task_marker": "arabic", "roles": "parenthesis"}),
    ("paragraphs", {"task_marker": "cn_paren", "roles": "parenthesis"}),
    ("paragraphs", {"task_marker": "arabic", "roles": "first_listed"}),
    ("annex_columns", {}),
    ("annex_marked", {}),
)


def candidates() -> list[tuple[str, object]]:
    """(family, params) in the order they are tried; task_list last."""
    from analysis import MANIFEST

    try:
        stat = MANIFEST.stat()
        key = (stat.st_mtime_ns, stat.st_size)
    except OSError:
        key = None
    return list(_candidates(str(MANIFEST), key))


@lru_cache(maxsize=2)
def _candidates(manifest: str, unchanged) -> tuple[tuple[str, object], ...]:
    """The candidates while the shipped manifest is unchanged (read once per process, not per document)."""
    from pathlib import Path

    from analysis.reading.manifest import load_manifest

    try:
        shipped = [(m.family, m.params) for m in load_manifest(Path(manifest)) if m.family]
    except SourceError:
        shipped = []
    out = []
    for family, params in [*shipped, *((f, normalizers.make_params(f, raw)) for f, raw in PLAIN),
                           ("task_list", normalizers.make_params("task_list", {}))]:
        if (family, params) not in out:
            out.append((family, params))
    return tuple(out)


def label(family: str, params) -> str:
    values = {k: ("/".join(v) if isinstance(v, tuple) else v) for k, v in vars(params).items()} if params else {}
    return family + (f"({', '.join(f'{k}={v}' for k, v in values.items())})" if values else "")


def read(meta, path, text: str, strict: bool = False) -> tuple[Document, str]:
    """The document read by the best candidate, and a one-line note of the choice."""
    tried, best, best_key, general_error = [], None, None, None
    for order, (family, params) in enumerate(candidates()):
        doc = Document(meta, path, text, meta.agency_prefix or None, strict)
        name = label(family, params)
        try:
            normalizers.normalize(doc, family, params)
        except SourceError as exc:
            general_error = exc
            tried.append(f"{name}: fails at line {exc.line}: {exc.message}"[:160])
            continue
        tasks = [u.unit_id for u in doc.out.units if u.kind == "task"]
        with_agency = len({a.unit_id for a in doc.out.agencies})
        key = (with_agency, len(tasks), -order)
        tried.append(f"{name}: {len(tasks)} tasks, {with_agency} naming agencies")
        if best_key is None or key > best_key:
            best, best_key, chosen = doc, key, name
    if best is None:
        raise general_error          # the general reader's own error: the most telling of them
    note = f"detected {chosen} (tried " + "; ".join(tried) + ")"
    return best, note
