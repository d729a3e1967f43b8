"""Which document has a shared text first: by issue date (documents.issued_on), else publication
date (published_on), else the year alone.

Two full dates compare as dates. When either side is known only by its year, only the years
compare: 2021 is before 2022-05-11, but 2022 and 2022-05-11 are the same date as far as anyone can
tell, so neither is called the source.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SAME = "same date"


def doc_dates(documents: pd.DataFrame) -> dict[str, str]:
    """doc_id -> the date used: issued_on, else published_on, else the year ('' when none)."""
    out = {}
    for d in documents.itertuples():
        date = next((str(v) for v in (d.issued_on, d.published_on) if isinstance(v, str) and v.strip()), "")
        if not date and pd.notna(d.year) and str(d.year).strip():
            date = str(int(d.year))
        out[d.doc_id] = date
    return out


def compare(a: str, b: str) -> int:
    """-1 when date a is before b, 1 when after, 0 when the same or not to be told apart."""
    if not a or not b:
        return 0
    if len(a) == len(b) == 10:
        return (a > b) - (a < b)
    ya, yb = a[:4], b[:4]
    return (ya > yb) - (ya < yb)


def roles(docs: list[str], dates: dict[str, str]) -> tuple[list[str], dict[str, str]]:
    """(the first documents, doc -> source | adopter | same date) among `docs`.

    The first are those no other document of the set precedes; one alone is the source and the
    rest adopters, several are each 'same date' (and the rest still adopters)."""
    docs = list(dict.fromkeys(docs))
    first = [d for d in docs if not any(compare(dates.get(o, ""), dates.get(d, "")) < 0 for o in docs if o != d)]
    role = {}
    for d in docs:
        if d in first:
            role[d] = "source" if len(first) == 1 else SAME
        else:
            role[d] = "adopter"
    return first, role


def add_to_passages(passages: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """shared_passages with date_a, date_b, first (a | b | same date), source_doc, adopter_doc
    (`compare` on whole columns at once)."""
    dates = doc_dates(documents)
    out = passages.copy()
    a = out["doc_a"].map(dates).fillna("").astype(object).to_numpy()
    b = out["doc_b"].map(dates).fillna("").astype(object).to_numpy()
    out["date_a"], out["date_b"] = a, b
    full = (pd.Series(a).str.len() == 10).to_numpy() & (pd.Series(b).str.len() == 10).to_numpy()
    ya, yb = pd.Series(a).str[:4].to_numpy(object), pd.Series(b).str[:4].to_numpy(object)
    x, y = np.where(full, a, ya), np.where(full, b, yb)
    order = np.where((a == "") | (b == ""), 0, (x > y).astype(int) - (x < y).astype(int))
    doc_a, doc_b = out["doc_a"].to_numpy(object), out["doc_b"].to_numpy(object)
    out["first"] = np.where(order < 0, "a", np.where(order > 0, "b", SAME)).astype(object)
    out["source_doc"] = np.where(order < 0, doc_a, np.where(order > 0, doc_b, ""))
    out["adopter_doc"] = np.where(order < 0, doc_b, np.where(order > 0, doc_a, ""))
    return out
