"""The table layer: per-document results -> the tables of DATA_MODEL.md, written to disk.

In: `extraction.document.DocResult` per document. Out: data/processed/ (Parquet, CSV, workbook).

    assembly      the tables as DataFrames (topics and wording computed here, over all documents)
    outputs       Parquet / CSV / xlsx, staged and swapped in
    staging       write into a hidden folder, move into place only on success
    build_report  the per-region report the build prints
"""
