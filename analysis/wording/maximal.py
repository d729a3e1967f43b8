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
a pair (`_prune` says why): the walk is linear in the text. It is compiled by numba, because a
Python loop over ten million suffixes would take minutes.
"""

from __future__ import annotations

from typing import Sequence

import numba
import numpy as np
from pydivsufsort import divsufsort, kasai

from analysis.wording.passages import Reading

_W = 5                      # witnesses kept per subtree


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
    nodes = _walk(sa, lcp, doc_of_pos[sa], left[sa], min_chars)
    return sa, doc_of_pos[sa], starts, nodes


@numba.njit(cache=True)
def _prune(d_in, l_in, n_in, d_out, l_out):
    """At most five witnesses of the items (d_in, l_in)[:n_in] such that for any item y, if some
    item x has another document and another preceding character than y, one witness has too.

    x1 = the first item. If y differs from x1 in both, x1 answers. If y shares x1's document, an
    answer has another document than x1: two such items with different preceding characters are
    kept (one differs from y's). If y shares x1's preceding character, two items with another
    character than x1's and different documents are kept. Returns the number kept."""
    if n_in == 0:
        return 0
    d1, l1 = d_in[0], l_in[0]
    d_out[0], l_out[0] = d1, l1
    m = 1
    a1 = -1
    for k in range(1, n_in):
        if d_in[k] != d1:
            if a1 < 0:
                a1 = k
                d_out[m], l_out[m] = d_in[k], l_in[k]
                m += 1
            elif l_in[k] != l_in[a1]:
                d_out[m], l_out[m] = d_in[k], l_in[k]
                m += 1
                break
    b1 = -1
    for k in range(1, n_in):
        if l_in[k] != l1:
            if b1 < 0:
                b1 = k
                d_out[m], l_out[m] = d_in[k], l_in[k]
                m += 1
            elif d_in[k] != d_in[b1]:
                d_out[m], l_out[m] = d_in[k], l_in[k]
                m += 1
                break
    return m


@numba.njit(cache=True)
def _pair(d1, l1, n1, d2, l2, n2):
    for i in range(n1):
        for j in range(n2):
            if d1[i] != d2[j] and l1[i] != l2[j]:
                return True
    return False


@numba.njit(cache=True)
def _walk(sa, lcp, doc, left, min_chars):
    """Bottom-up over the LCP intervals; lcp[i] = common prefix of suffixes sa[i] and sa[i + 1]."""
    n = len(sa)
    depth_max = 2
    for i in range(n):
        if lcp[i] + 2 > depth_max:
            depth_max = lcp[i] + 2
    st_lcp = np.empty(min(depth_max, n + 1), np.int64)
    st_lb = np.empty(len(st_lcp), np.int64)
    st_found = np.zeros(len(st_lcp), np.bool_)
    st_d = np.empty((len(st_lcp), _W), np.int64)
    st_l = np.empty((len(st_lcp), _W), np.int64)
    st_n = np.zeros(len(st_lcp), np.int64)
    out = np.empty((max(n, 1), 3), np.int64)
    n_out = 0
    buf_d = np.empty(2 * _W, np.int64)
    buf_l = np.empty(2 * _W, np.int64)
    cd = np.empty(_W, np.int64)
    cl = np.empty(_W, np.int64)
    top = 0
    st_lcp[0], st_lb[0], st_n[0], st_found[0] = 0, 0, 0, False
    for i in range(1, n + 1):
        h = lcp[i - 1] if i < n else -1
        lb = i - 1
        cd[0], cl[0] = doc[i - 1], left[i - 1]      # the leaf i - 1 is the last child
        cn = 1
        while top >= 0 and h < st_lcp[top]:
            # the child joins the node on top, which then closes
            if st_n[top] > 0 and not st_found[top]:
                st_found[top] = _pair(st_d[top], st_l[top], st_n[top], cd, cl, cn)
            m = st_n[top]
            for k in range(m):
                buf_d[k], buf_l[k] = st_d[top, k], st_l[top, k]
            for k in range(cn):
                buf_d[m + k], buf_l[m + k] = cd[k], cl[k]
            cn = _prune(buf_d, buf_l, m + cn, cd, cl)
            if st_found[top] and st_lcp[top] >= min_chars:
                out[n_out, 0], out[n_out, 1], out[n_out, 2] = st_lb[top], i - 1, st_lcp[top]
                n_out += 1
            lb = st_lb[top]
            top -= 1
        if top < 0:
            break
        if h > st_lcp[top]:
            top += 1
            st_lcp[top], st_lb[top], st_found[top] = h, lb, False
            for k in range(cn):
                st_d[top, k], st_l[top, k] = cd[k], cl[k]
            st_n[top] = cn
        else:
            if st_n[top] > 0 and not st_found[top]:
                st_found[top] = _pair(st_d[top], st_l[top], st_n[top], cd, cl, cn)
            m = st_n[top]
            for k in range(m):
                buf_d[k], buf_l[k] = st_d[top, k], st_l[top, k]
            for k in range(cn):
                buf_d[m + k], buf_l[m + k] = cd[k], cl[k]
            st_n[top] = _prune(buf_d, buf_l, m + cn, st_d[top], st_l[top])
    return out[:n_out].copy()
