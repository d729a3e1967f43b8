"""The build: the manifest's documents, each read, checked and extracted (`extraction.document`).

Documents are independent until the tables are assembled, so with `jobs` > 1 (and a corpus of
PARALLEL_FROM documents or more) they are read in that many processes; results come back in
manifest order, so the outputs are the same as with one, and the first bad document in manifest
order is the error reported. The tables of DATA_MODEL.md are assembled from the results by
`analysis.tables.assembly`.
"""

from __future__ import annotations

import time
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path

import pandas as pd

from analysis import MANIFEST, RAW_DIR, cores, in_parallel
from analysis.errors import SourceError
from analysis.extraction.document import DocResult, process
from analysis.reading.manifest import load_manifest


def default_jobs() -> int:
    """The processes `build` uses unless told: one per available core. Below PARALLEL_FROM
    documents they are not a pool: the documents are read in this process, and a second core runs
    a forked copy of it for the topic coding and the table files (`analysis.beside`)."""
    return cores()


def build_all(manifest: Path = MANIFEST, raw_dir: Path = RAW_DIR, timings: dict | None = None,
              strict: bool = False, jobs: int = 1, docs: list | None = None) -> list[DocResult]:
    """Every document of the manifest; with `strict`, a name the agency dictionary lacks is an error.
    `jobs`: processes reading documents (0: `default_jobs`). `timings` gains the seconds of each
    per-document stage summed over the documents, and `documents`, the wall time of them all.
    `docs`: the manifest's entries when the caller has read them already."""
    t0 = time.perf_counter()
    docs = load_manifest(manifest) if docs is None else docs
    inside = Path(raw_dir).resolve()
    for meta in docs:
        resolved = meta.raw_path(raw_dir).resolve()
        if resolved != inside and inside not in resolved.parents:   # ../../etc/passwd, /abs/path, a symlink out
            raise SourceError(manifest, f"document {meta.doc_id}: file '{meta.file}' is outside the raw folder "
                                        f"{raw_dir} (symlinks included): copy the file into it", meta.line)
        if not meta.raw_path(raw_dir).is_file():
            raise SourceError(manifest, f"document {meta.doc_id}: file '{meta.file}' not found in {raw_dir}", meta.line)
    jobs = jobs or default_jobs()
    if not in_parallel(jobs, len(docs)):
        results = [process(meta, raw_dir, timings, strict) for meta in docs]
    else:
        with ProcessPoolExecutor(min(jobs, len(docs))) as pool:
            try:
                timed = list(pool.map(partial(_process_timed, raw_dir=raw_dir, strict=strict), docs,
                                      chunksize=max(1, len(docs) // (8 * jobs))))
            except BaseException:
                pool.shutdown(cancel_futures=True)
                raise
        results = []
        for result, spent in timed:
            results.append(result)
            if timings is not None:
                for stage, dt in spent.items():
                    timings[stage] = timings.get(stage, 0.0) + dt
    if timings is not None:
        from analysis.tables.assembly import PEAK, peak_mb

        timings["documents"] = timings.get("documents", 0.0) + time.perf_counter() - t0
        timings[f"{PEAK}documents"] = peak_mb()
    return results


def _process_timed(meta, raw_dir: Path, strict: bool) -> tuple[DocResult, dict]:
    spent: dict[str, float] = {}
    return process(meta, raw_dir, spent, strict), spent


def assemble_tables(results: list[DocResult], **assemble_options) -> dict[str, pd.DataFrame]:
    """The tables of documents already built (`analysis.tables.assembly.assemble`)."""
    from analysis.tables.assembly import assemble

    return assemble(results, **assemble_options)


def build_tables(manifest: Path = MANIFEST, raw_dir: Path = RAW_DIR, strict: bool = False,
                 **assemble_options) -> dict[str, pd.DataFrame]:
    """The tables of the manifest's documents, not written anywhere (for the evaluations and the report)."""
    from analysis.tables.assembly import assemble

    return assemble(build_all(manifest, raw_dir, strict=strict), **assemble_options)
