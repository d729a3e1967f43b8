"""Extraction: units -> deadlines and quantitative targets, and the per-document pipeline.

In: the units of `analysis.reading`. Out: `document.DocResult` per document (units, mentions,
repairs, deadlines, targets), which `analysis.tables` assembles.

    document    one document: read, cut, repair, check the tiling, measure
    deadlines   explicit time bounds -> ISO dates
    targets     quantitative targets with comparator, unit, deadline, baseline
    metrics     harmonised metric ids (data/dictionaries/metrics.yml)
    clauses     positions in Chinese text: inside a title or quotes, which clause
    agreement   `python -m analysis.extraction.agreement`: reading and extraction against the
                independent second reading in tests/fixtures/reading/
    held_out    `python -m analysis.extraction.held_out [FOLDER]`: documents built from metadata
                only (no family) against answer keys (tests/fixtures/genre/)
"""
