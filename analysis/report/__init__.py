"""Report: notebooks -> executed notebooks, offline HTML briefings and static figures.

In: notebooks/ and the processed tables. Out: reports/ (a page per notebook, index.html) and
figures/ (PNG, SVG and the CSV behind each figure).

    runner         `python -m analysis report`: papermill over the notebooks, staged output
    notebook       what a notebook's first cells need: tables, `show` / `save` a figure
    static_images  PNG/SVG through one persistent Chromium per process
    pages          executed notebook -> self-contained HTML page
"""
