"""Maximal phrases two documents share, from a suffix array of the whole corpus.

Every reading text (analysis.wording.passages.reading_form: whitespace dropped, NFKC-folded, a
marker of the document's own at each unit boundary) is joined into one sequence, each document
closed by a sentinel of its own, and the suffix array and LCP array are built in C (divsufsort
and Kasai, from pydivsufsort): O(n log n) in the total text.

A phrase is reported when two of its occurrences, in different documents, match maximally: the
characters before them differ (or one starts a unit or document) and so do the characters after
them. This is the definition of the independent verbatim reference (tests/fixtures/shared), with
the occurrences grouped by the phrase: a substring of a longer shared phrase is reported only
when some document pair shares it on its own.

Such phrases are the internal nodes of the suffix tree that have two leaves in different
children with different documents and different preceding characters. The LCP intervals are
walked bottom-up once (Abouelhoda, Kurtz and Ohlebusch 2004), each subtree carried as at most
five (document, preceding character) witnesses, enough to decide whether two subtrees hold such
a pair (`loops._prune` says why): the walk is linear in the text. It is compiled by numba for a
corpus of some size (`kernels`), because a Python loop over ten million suffixes would take minutes.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
from pydivsufsort import divsufsort, kasai

from analysis.wording import kernels
from analysis.wording.passages import Reading


def corpus_codes(readings: Sequence[Reading]) -> tuple[np.ndarray, np.ndarray]:
    """(codes, starts): the joined reading texts, a sentinel after each; starts[d] = first code of document d."""
    parts, starts, pos = [], [], 0
    top = 0x110000                                   # above every Unicode code point
    for d, r in enumerate(readings):
        codes = np.frombuffer(r.text.encode("utf-32-le", errors="surrogatepass"), dtype="<u4").astype(np.int64)
        starts.append(pos)
        parts.append(codes)
        parts.append(np.array([top + d], dtype=np.int64))
        pos += len(codes) + 1
    starts.append(pos)
    if not parts:
        return np.empty(0, np.int64), np.asarray(starts, dtype=np.int64)
    return np.concatenate(parts), np.asarray(starts, dtype=np.int64)


def shared_nodes(readings: Sequence[Reading], min_chars: int):
    """(sa, doc_of_suffix, starts, nodes): nodes is an array of rows (lb, rb, length), each a phrase of
    `length` >= min_chars whose occurrences are the suffixes sa[lb..rb] (inclusive)."""
    codes, starts = corpus_codes(readings)
    if len(readings) < 2 or len(codes) < 2:
        return np.empty(0, np.int64), np.empty(0, np.int64), starts, np.empty((0, 3), np.int64)
    # dense ranks keep the alphabet small for divsufsort; order (and so the array) is unchanged
    # (a lookup table, linear: np.unique would sort all n codes)
    present = np.zeros(int(codes.max()) + 1, dtype=bool)
    present[codes] = True
    dense = (np.cumsum(present, dtype=np.int64) - 1).astype(np.uint32)[codes]
    sa = divsufsort(dense).astype(np.int64)
    lcp = kasai(dense, sa.astype(np.int32) if sa.dtype != np.int32 else sa).astype(np.int64)
    doc_of_pos = np.repeat(np.arange(len(readings), dtype=np.int64), np.diff(starts))
    left = np.empty(len(dense), dtype=np.int64)
    left[0] = -1
    left[1:] = dense[:-1]
    flat = kernels.for_chars(len(sa))._walk(sa, lcp, doc_of_pos[sa], left[sa], min_chars)
    nodes = np.array(flat, dtype=np.int64).reshape(-1, 3)     # a copy: the walk's buffer (3 per suffix) goes
    return sa, doc_of_pos[sa], starts, nodes
