"""Comparison: the processed tables -> cross-region comparisons and their figures.

In: the tables of data/processed/. Out: DataFrames and plotly figures for the notebooks; every
row keeps the unit ids it was computed from.

    compare   topic coverage, targets side by side, who leads, timelines
    wording   notebook 06: region x region shared characters, passages side by side, closest tasks
    figures   plotly figures with bilingual labels and provenance in the hover text
    palette   one colour per region, palettes sized to their categories, bilingual value names
    readings  the briefings' sentences that state numbers or rankings, computed
"""
