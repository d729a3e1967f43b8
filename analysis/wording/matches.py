"""The passage finder's inner loops, compiled by numba: exact seeds grown into maximal exact
matches, and the matches of one document pair chained across small edits.

Both loops visit every seed run and every match once, but in Python each visit costs a few
microseconds of slicing and tuple handling: at 1,000 documents they were 70 of the 90 seconds
each finder worker spent. Here they read the corpus as one array of code points (`Codes`).
The results are those of the string version they replace (tests/wording/test_matches.py keeps
it as the reference and compares the two).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numba
import numpy as np


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
    found = _grow(corpus.codes, corpus.starts, corpus.lengths, b, a, pa, diag, run_starts, run_ends, k)
    return np.unique(found, axis=0) if len(found) else found


def chains(corpus: Codes, matches: np.ndarray, b: int, max_gap: int, k: int, min_exact: int) -> list[tuple]:
    """Exact matches of document b (`exact_matches`' rows) joined across edits of at most
    max_gap characters: (a, b, a_start, a_end, b_start, b_end), kept when one of its matches
    reaches min_exact. A match joins the first open chain of its document pair it continues."""
    if len(matches) == 0:
        return []
    out = _chain(np.ascontiguousarray(matches, dtype=np.int64), b, corpus.starts, corpus.markers, k, max_gap)
    return [tuple(c) for c in out[out[:, 6] >= min_exact, :6].tolist()]


@numba.njit(cache=True)
def _same(codes, i, j, n):
    for t in range(n):
        if codes[i + t] != codes[j + t]:
            return False
    return True


@numba.njit(cache=True)
def _grow(codes, starts, lengths, b, a, pa, diag, run_starts, run_ends, k):
    sb, lb = starts[b], lengths[b]
    out = np.empty((len(a), 4), dtype=np.int64)
    n = 0
    for r in range(len(run_starts)):
        rs, re_ = run_starts[r], run_ends[r]
        d = a[rs]
        sa, la, off = starts[d], lengths[d], diag[rs]
        lo, hi = pa[rs], pa[re_ - 1] + k
        if lo + off >= 0 and hi <= la and hi + off <= lb and _same(codes, sa + lo, sb + lo + off, hi - lo):
            firsts, lasts = lo, hi
        else:                                          # a mismatch between seeds: each seed alone
            firsts, lasts = -1, -1
        q = rs
        while q < re_:
            if firsts >= 0:
                st, en = firsts, lasts
                q = re_
            else:
                st, en = pa[q], pa[q] + k
                q += 1
                if not (st + off >= 0 and en <= la and en + off <= lb and _same(codes, sa + st, sb + st + off, k)):
                    continue
            while st > 0 and st + off > 0 and codes[sa + st - 1] == codes[sb + st - 1 + off]:
                st -= 1
            while en < la and en + off < lb and codes[sa + en] == codes[sb + en + off]:
                en += 1
            out[n, 0], out[n, 1], out[n, 2], out[n, 3] = d, st, en, off
            n += 1
    return out[:n]


@numba.njit(cache=True)
def _crosses(markers, start, end):
    """A marker at a position in [start, end) of the joined codes."""
    if start >= end or len(markers) == 0:
        return False
    i = np.searchsorted(markers, start)
    return i < len(markers) and markers[i] < end


@numba.njit(cache=True)
def _chain(m, b, starts, markers, k, max_gap):
    """Rows (a, b, a_start, a_end, b_start, b_end, longest match) of every chain, open ones in order."""
    out = np.empty((len(m), 7), dtype=np.int64)
    chain = np.empty((len(m), 7), dtype=np.int64)     # the open chains of the current pair, in order
    n_out, n_open, key = 0, 0, -1
    sb = starts[b]
    for i in range(len(m)):
        a, st, en, off = m[i, 0], m[i, 1], m[i, 2], m[i, 3]
        if a != key:
            for c in range(n_open):
                out[n_out] = chain[c]
                n_out += 1
            n_open, key = 0, a
        bs, be = st + off, en + off
        sa = starts[a]
        joined = False
        for c in range(n_open):
            if (-k <= st - chain[c, 3] <= max_gap and -k <= bs - chain[c, 5] <= max_gap
                    and not _crosses(markers, sa + chain[c, 3], sa + st)
                    and not _crosses(markers, sb + chain[c, 5], sb + bs)):
                chain[c, 3] = max(chain[c, 3], en)
                chain[c, 5] = max(chain[c, 5], be)
                chain[c, 6] = max(chain[c, 6], en - st)
                joined = True
                break
        if not joined:
            chain[n_open, 0], chain[n_open, 1], chain[n_open, 2], chain[n_open, 3] = a, b, st, en
            chain[n_open, 4], chain[n_open, 5], chain[n_open, 6] = bs, be, en - st
            n_open += 1
        if n_open > 64:                              # chains far behind can no longer grow
            kept = 0
            for c in range(n_open):
                if chain[c, 3] < st - max_gap:
                    out[n_out] = chain[c]
                    n_out += 1
                else:
                    chain[kept] = chain[c]
                    kept += 1
            n_open = kept
    for c in range(n_open):
        out[n_out] = chain[c]
        n_out += 1
    return out[:n_out]
