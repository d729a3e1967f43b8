"""The table layer: per-document results -> the tables of DATA_MODEL.md, written to disk.

In: `extraction.document.DocResult` per document. Out: data/processed/ (Parquet, CSV, workbook.xlsx,
datapackage.json, analysis.duckdb).

    assembly      the tables as DataFrames (topics and wording computed here, over all documents)
    schema        data/schema/tables.yml: every column's type and description; Parquet types; README's dictionary
    outputs       Parquet / CSV / DuckDB, staged and swapped in
    workbook      workbook.xlsx, the sheets a researcher reads
    datapackage   datapackage.json (Frictionless)
    staging       write into a hidden folder, move into place only on success
    build_report  the per-region report the build prints
"""
