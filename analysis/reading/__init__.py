"""Reading: raw bytes -> text -> units, each a span of the raw characters with its kind.

In: `data/raw/documents.yml` (the manifest) and the raw files. Out: for each document a
`normalizers.base.Normalized`: units that tile the text (every non-space character in exactly one
unit), the agency mentions of each task with their roles, and the repairs of scrape damage.

    source      bytes -> text (encodings, BOM), sha256
    manifest    documents.yml -> DocumentMeta, validated
    spans       lines, units, the tiling check
    agencies    agency lists -> canonical agencies (the dictionary in data/dictionaries/agencies.yml);
                read here because a layout tells a table cell from prose by whether it names agencies
    repairs     scrape damage: generic rules and the researchers' list
    normalizers the format families (paragraphs, annex_columns, annex_marked) and what they share
"""
