"""The build: the manifest's documents, each read, checked and extracted (`extraction.document`).

The tables of DATA_MODEL.md are assembled from the results by `analysis.tables.assembly`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis import MANIFEST, RAW_DIR
from analysis.errors import SourceError
from analysis.extraction.document import DocResult, process
from analysis.reading.manifest import load_manifest


def build_all(manifest: Path = MANIFEST, raw_dir: Path = RAW_DIR, timings: dict | None = None,
              strict: bool = False) -> list[DocResult]:
    """Every document of the manifest; with `strict`, a name the agency dictionary lacks is an error."""
    docs = load_manifest(manifest)
    inside = Path(raw_dir).resolve()
    for meta in docs:
        resolved = meta.raw_path(raw_dir).resolve()
        if resolved != inside and inside not in resolved.parents:   # ../../etc/passwd, /abs/path, a symlink out
            raise SourceError(manifest, f"document {meta.doc_id}: file '{meta.file}' is outside the raw folder "
                                        f"{raw_dir} (symlinks included): copy the file into it", meta.line)
        if not meta.raw_path(raw_dir).is_file():
            raise SourceError(manifest, f"document {meta.doc_id}: file '{meta.file}' not found in {raw_dir}", meta.line)
    return [process(meta, raw_dir, timings, strict) for meta in docs]


def assemble_tables(results: list[DocResult], **assemble_options) -> dict[str, pd.DataFrame]:
    """The tables of documents already built (`analysis.tables.assembly.assemble`)."""
    from analysis.tables.assembly import assemble

    return assemble(results, **assemble_options)


def build_tables(manifest: Path = MANIFEST, raw_dir: Path = RAW_DIR, strict: bool = False,
                 **assemble_options) -> dict[str, pd.DataFrame]:
    """The tables of the manifest's documents, not written anywhere (for the evaluations and the report)."""
    from analysis.tables.assembly import assemble

    return assemble(build_all(manifest, raw_dir, strict=strict), **assemble_options)
