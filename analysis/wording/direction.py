"""Which document has a shared text first: by issue date (documents.issued_on), else publication
date (published_on), else the year alone.

Two full dates compare as dates. When either side is known only by its year, only the years
compare: 2021 is before 2022-05-11, but 2022 and 2022-05-11 are the same date as far as anyone can
tell, so neither is called the source.
"""

from __future__ import annotations

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
    """shared_passages with date_a, date_b, first (a | b | same date), source_doc, adopter_doc."""
    dates = doc_dates(documents)
    out = passages.copy()
    out["date_a"] = [dates.get(d, "") for d in out["doc_a"]]
    out["date_b"] = [dates.get(d, "") for d in out["doc_b"]]
    order = [compare(a, b) for a, b in zip(out["date_a"], out["date_b"])]
    out["first"] = ["a" if c < 0 else "b" if c > 0 else SAME for c in order]
    out["source_doc"] = [a if c < 0 else b if c > 0 else "" for a, b, c in zip(out["doc_a"], out["doc_b"], order)]
    out["adopter_doc"] = [b if c < 0 else a if c > 0 else "" for a, b, c in zip(out["doc_a"], out["doc_b"], order)]
    return out
