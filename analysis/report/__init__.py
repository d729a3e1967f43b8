"""Report: notebooks -> executed notebooks, offline HTML briefings and static figures.

In: notebooks/ and the processed tables. Out: reports/ (a page per notebook, a source page per
document, index.html, the cache in reports/.cache/) and figures/ (PNG, SVG and the CSV behind each figure).

    runner         `python -m analysis report`: papermill over the notebooks that changed, staged output
    cache          a notebook's entry keyed by the hashes of what it read; reused when nothing changed
    notebook       what a notebook's cells need: tables, `table`, `say`, `show` / `save` a figure
    datatable      a DataFrame as a whole, sortable, searchable table (itables), unit ids as links
    source_pages   a document's raw text with every unit an anchored span
    static_images  PNG/SVG through one persistent Chromium per process
    pages          executed notebook -> self-contained HTML page
    stamp          the commit, time and raw checksums a page or an image was made from
"""
