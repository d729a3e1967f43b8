"""The passage finder's inner loops: exact seeds grown into maximal exact matches, and the
matches of one document pair chained across small edits (the loops themselves are in `loops`,
compiled by numba for a corpus large enough, `kernels`).

Both loops visit every seed run and every match once, but in Python each visit costs a few
microseconds of slicing and tuple handling: at 1,000 documents they were 70 of the 90 seconds
each finder worker spent. Here they read the corpus as one array of code points (`Codes`).
The results are those of the string version they replace (tests/wording/test_matches.py keeps
it as the reference and compares the two).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from analysis.wording import kernels


@dataclass(frozen=True)
class Codes:
    """Every reading's code points in one array, where each starts, and the positions (in that
    array) of the unit markers, sorted: a chain never crosses a marker."""
    codes: np.ndarray
    starts: np.ndarray
    lengths: np.ndarray
    markers: np.ndarray

    @classmethod
    def of(cls, readings: Sequence) -> "Codes":
        parts = [np.frombuffer(r.text.encode("utf-32-le", errors="surrogatepass"), dtype="<u4") for r in readings]
        lengths = np.array([len(p) for p in parts], dtype=np.int64)
        starts = np.r_[0, np.cumsum(lengths)[:-1]].astype(np.int64) if len(parts) else np.zeros(0, np.int64)
        codes = np.concatenate(parts).astype(np.uint32) if parts else np.zeros(0, np.uint32)
        markers = [np.flatnonzero(p == ord(r.marker)) + start for r, p, start in zip(readings, parts, starts)
                   if r.marker]
        markers = np.concatenate(markers).astype(np.int64) if markers else np.zeros(0, np.int64)
        return cls(codes, starts, lengths, markers)


def exact_matches(corpus: Codes, b: int, seed_rows: np.ndarray, k: int, window: int) -> np.ndarray:
    """Maximal exact matches of document b grown from its seeds (rows a, pos_a, pos_b): rows
    (a, a_start, a_end, offset), offset = position in b - position in a, sorted and unique."""
    if len(seed_rows) == 0:
        return np.zeros((0, 4), dtype=np.int64)
    a, pa, pb = (np.ascontiguousarray(c, dtype=np.int64) for c in seed_rows.T)
    diag = pb - pa
    order = np.lexsort((pa, diag, a))
    a, pa, diag = a[order], pa[order], diag[order]
    # seeds inside one exact match sit on one diagonal at most `window` apart
    new = np.r_[True, (a[1:] != a[:-1]) | (diag[1:] != diag[:-1]) | (pa[1:] - pa[:-1] > window)]
    run_starts = np.flatnonzero(new)
    run_ends = np.r_[run_starts[1:], len(a)]
    loops = kernels.for_chars(len(corpus.codes))
    flat = loops._grow(corpus.codes, corpus.starts, corpus.lengths, b, a, pa, diag, run_starts, run_ends, k)
    found = np.array(flat, dtype=np.int64).reshape(-1, 4)
    return np.unique(found, axis=0) if len(found) else found


def chains(corpus: Codes, matches: np.ndarray, b: int, max_gap: int, k: int, min_exact: int) -> list[tuple]:
    """Exact matches of document b (`exact_matches`' rows) joined across edits of at most
    max_gap characters: (a, b, a_start, a_end, b_start, b_end), kept when one of its matches
    reaches min_exact. A match joins the first open chain of its document pair it continues."""
    if len(matches) == 0:
        return []
    loops = kernels.for_chars(len(corpus.codes))
    flat = loops._chain(np.ascontiguousarray(matches, dtype=np.int64).ravel(), b, corpus.starts, corpus.markers, k,
                        max_gap)
    out = np.array(flat, dtype=np.int64).reshape(-1, 7)
    return [tuple(c) for c in out[out[:, 6] >= min_exact, :6].tolist()]
