"""The wording stage's inner loops, written as plain Python over numpy arrays (or lists).

`analysis.wording.kernels` runs them as they are for a small corpus, or compiled by numba (a copy
of this module with every function jitted) for a large one; the code is the same either way. So
nothing here may use what only one of the two runs: no numba import, no Python objects other than
numpy arrays, numbers and the lists `_ints` and `_seq` make (compiled_loops makes arrays of
them), no recursion.

    _same, _grow              the finder: maximal exact matches grown from seed runs (matches.exact_matches)
    _crosses, _chain          the finder: matches of a document pair chained across edits (matches.chains)
    _ints, _seq, _prune,
    _two_others, _pair,
    _join, _walk              maximal phrases: the bottom-up walk over the LCP intervals (maximal.shared_nodes)
    _dots                     task similarity: exact scores of candidate pairs (pair_scores.row_dots)
"""

import numpy as np

_W = 5                      # witnesses kept per subtree (_walk)


# The loops work on flat one-dimensional arrays (rows of r numbers at i * r), allocated by `_ints`
# and read through `_seq`: plain Python then runs them over lists, whose items it reads about
# three times faster than a numpy array's one by one (the five documents' LCP walk 0.27 s over
# arrays, 0.10 s over lists); compiled_loops makes both numpy arrays. Their callers reshape.

def _ints(n):
    """n numbers to write into before reading them: a list here, a numpy array once compiled
    (not zeroed there: every loop writes an item before it reads it)."""
    return [0] * n


def _seq(a):
    """An input array as what `_ints` makes: a list here, the array itself once compiled."""
    return a.tolist()


# the finder (matches.py), over flat arrays like the walk below (rows of 4 and 7 numbers)

def _same(codes, i, j, n):
    for t in range(n):
        if codes[i + t] != codes[j + t]:
            return False
    return True


def _grow(codes_in, starts_in, lengths_in, b, a_in, pa_in, diag_in, run_starts_in, run_ends_in, k):
    """Rows (a, start, end, offset), flat, of the exact matches grown from each run of seeds."""
    codes, starts, lengths = _seq(codes_in), _seq(starts_in), _seq(lengths_in)
    a, pa, diag, run_starts, run_ends = _seq(a_in), _seq(pa_in), _seq(diag_in), _seq(run_starts_in), _seq(run_ends_in)
    sb, lb = starts[b], lengths[b]
    out = _ints(len(a) * 4)
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
            out[4 * n], out[4 * n + 1], out[4 * n + 2], out[4 * n + 3] = d, st, en, off
            n += 1
    return out[:4 * n]


def _crosses(markers, start, end):
    """A marker at a position in [start, end) of the joined codes (markers sorted)."""
    if start >= end or len(markers) == 0:
        return False
    lo, hi = 0, len(markers)            # the first marker at or after start
    while lo < hi:
        mid = (lo + hi) // 2
        if markers[mid] < start:
            lo = mid + 1
        else:
            hi = mid
    return lo < len(markers) and markers[lo] < end


def _chain(m_in, b, starts_in, markers_in, k, max_gap):
    """Rows (a, b, a_start, a_end, b_start, b_end, longest match), flat, of every chain, open
    ones in order, from `m_in`: _grow's rows, flat."""
    m, starts, markers = _seq(m_in), _seq(starts_in), _seq(markers_in)
    n_m = len(m) // 4
    out = _ints(n_m * 7)
    chain = _ints(n_m * 7)     # the open chains of the current pair, in order, at c * 7
    n_out, n_open, key = 0, 0, -1
    sb = starts[b]
    for i in range(n_m):
        a, st, en, off = m[4 * i], m[4 * i + 1], m[4 * i + 2], m[4 * i + 3]
        if a != key:
            for c in range(n_open):
                for f in range(7):
                    out[7 * n_out + f] = chain[7 * c + f]
                n_out += 1
            n_open, key = 0, a
        bs, be = st + off, en + off
        sa = starts[a]
        joined = False
        for c in range(n_open):
            if (-k <= st - chain[7 * c + 3] <= max_gap and -k <= bs - chain[7 * c + 5] <= max_gap
                    and not _crosses(markers, sa + chain[7 * c + 3], sa + st)
                    and not _crosses(markers, sb + chain[7 * c + 5], sb + bs)):
                chain[7 * c + 3] = max(chain[7 * c + 3], en)
                chain[7 * c + 5] = max(chain[7 * c + 5], be)
                chain[7 * c + 6] = max(chain[7 * c + 6], en - st)
                joined = True
                break
        if not joined:
            o = 7 * n_open
            chain[o], chain[o + 1], chain[o + 2], chain[o + 3] = a, b, st, en
            chain[o + 4], chain[o + 5], chain[o + 6] = bs, be, en - st
            n_open += 1
        if n_open > 64:                              # chains far behind can no longer grow
            kept = 0
            for c in range(n_open):
                if chain[7 * c + 3] < st - max_gap:
                    for f in range(7):
                        out[7 * n_out + f] = chain[7 * c + f]
                    n_out += 1
                else:
                    for f in range(7):
                        chain[7 * kept + f] = chain[7 * c + f]
                    kept += 1
            n_open = kept
    for c in range(n_open):
        for f in range(7):
            out[7 * n_out + f] = chain[7 * c + f]
        n_out += 1
    return out[:7 * n_out]


# maximal phrases (maximal.py): a subtree's witnesses at top * _W

def _prune(d_in, l_in, n_in, d_out, l_out, o):
    """At most five witnesses of the items (d_in, l_in)[:n_in], written to (d_out, l_out) from o,
    such that for any item y, if some item x has another document and another preceding character
    than y, one witness has too. Returns the number kept.

    x1 = the first item. If y differs from x1 in both, x1 answers. If y shares x1's document, an
    answer has another document than x1: two such items with different preceding characters are
    kept (one differs from y's). If y shares x1's preceding character, two items with another
    character than x1's and different documents are kept."""
    if n_in == 0:
        return 0
    d_out[o], l_out[o] = d_in[0], l_in[0]
    m = _two_others(d_in, l_in, n_in, d_out, l_out, o + 1)       # other documents than x1's
    return _two_others(l_in, d_in, n_in, l_out, d_out, m) - o    # other preceding characters than x1's


def _two_others(key, other, n_in, key_out, other_out, m):
    """_prune's half for one field: after the first item, the first item whose `key` differs from
    the first's, then the first such item whose `other` differs from that one's, appended to the
    outputs at m; the new end."""
    first, a1 = key[0], -1
    for k in range(1, n_in):
        if key[k] != first:
            if a1 < 0:
                a1 = k
                key_out[m], other_out[m] = key[k], other[k]
                m += 1
            elif other[k] != other[a1]:
                key_out[m], other_out[m] = key[k], other[k]
                m += 1
                break
    return m


def _pair(d1, l1, o1, n1, d2, l2, n2):
    """Whether a witness of (d1, l1)[o1:o1 + n1] and one of (d2, l2)[:n2] differ in both fields."""
    for i in range(o1, o1 + n1):
        for j in range(n2):
            if d1[i] != d2[j] and l1[i] != l2[j]:
                return True
    return False


def _walk(sa_in, lcp_in, doc_in, left_in, min_chars):
    """Bottom-up over the LCP intervals; lcp[i] = common prefix of suffixes sa[i] and sa[i + 1].
    The nodes found, flat: (lb, rb, length) for each."""
    lcp, doc, left = _seq(lcp_in), _seq(doc_in), _seq(left_in)
    n = len(sa_in)
    depth_max = 2
    for i in range(n):
        if lcp[i] + 2 > depth_max:
            depth_max = lcp[i] + 2
    depth = min(depth_max, n + 1)
    st_lcp, st_lb, st_found, st_n = _ints(depth), _ints(depth), _ints(depth), _ints(depth)
    st_d, st_l = _ints(depth * _W), _ints(depth * _W)     # node t's witnesses at t * _W
    out = _ints(max(n, 1) * 3)
    n_out = 0
    buf_d, buf_l = _ints(2 * _W), _ints(2 * _W)
    cd, cl = _ints(_W), _ints(_W)
    top = 0
    st_lcp[0], st_lb[0], st_n[0], st_found[0] = 0, 0, 0, 0     # the root
    for i in range(1, n + 1):
        h = lcp[i - 1] if i < n else -1
        lb = i - 1
        cd[0], cl[0] = doc[i - 1], left[i - 1]      # the leaf i - 1 is the last child
        cn = 1
        while top >= 0 and h < st_lcp[top]:
            # the child joins the node on top, which then closes and is the next child. A node
            # shorter than min_chars is never reported, nor is any node above it (shorter still),
            # and what it holds goes only up: its witnesses are not kept (most nodes of a text)
            if st_lcp[top] >= min_chars:
                cn = _join(top, st_d, st_l, st_n, st_found, cd, cl, cn, buf_d, buf_l, cd, cl, 0)
                if st_found[top] != 0:
                    out[3 * n_out], out[3 * n_out + 1], out[3 * n_out + 2] = st_lb[top], i - 1, st_lcp[top]
                    n_out += 1
            lb = st_lb[top]
            top -= 1
        if top < 0:
            break
        if h > st_lcp[top]:
            top += 1
            st_lcp[top], st_lb[top], st_found[top] = h, lb, 0
            for k in range(cn):
                st_d[top * _W + k], st_l[top * _W + k] = cd[k], cl[k]
            st_n[top] = cn
        elif st_lcp[top] >= min_chars:
            st_n[top] = _join(top, st_d, st_l, st_n, st_found, cd, cl, cn, buf_d, buf_l, st_d, st_l, top * _W)
    return out[:3 * n_out]


def _join(top, st_d, st_l, st_n, st_found, cd, cl, cn, buf_d, buf_l, d_out, l_out, o):
    """A child's witnesses (cd, cl)[:cn] joined to the node on top of the stack: whether the node
    now holds a pair (st_found), and the pruned witnesses of both written to (d_out, l_out) from
    o; the number kept."""
    if st_n[top] > 0 and st_found[top] == 0:
        st_found[top] = 1 if _pair(st_d, st_l, top * _W, st_n[top], cd, cl, cn) else 0
    m = st_n[top]
    for k in range(m):
        buf_d[k], buf_l[k] = st_d[top * _W + k], st_l[top * _W + k]
    for k in range(cn):
        buf_d[m + k], buf_l[m + k] = cd[k], cl[k]
    return _prune(buf_d, buf_l, m + cn, d_out, l_out, o)


# task similarity's pair scores (pair_scores.py)

def _dots(indptr, indices, data, i, j, out):
    for p in range(len(i)):
        a, a_end = indptr[i[p]], indptr[i[p] + 1]
        b, b_end = indptr[j[p]], indptr[j[p] + 1]
        total = 0.0
        while a < a_end and b < b_end:
            ca, cb = indices[a], indices[b]
            if ca == cb:
                total += data[a] * data[b]
                a += 1
                b += 1
            elif ca < cb:
                a += 1
            else:
                b += 1
        out[p] = total
