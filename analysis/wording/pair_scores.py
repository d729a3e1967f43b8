"""Cosine scores of chosen pairs of rows of a sparse matrix, compiled by numba.

task_similarity scores about 90 candidate pairs per task exactly. With scipy that is two fancy
row selections and an element-wise product per block of pairs: every candidate row copied once
per pair. Here each pair is one merge of two sorted index lists, reading the matrix in place.
"""

from __future__ import annotations

import numba
import numpy as np
from scipy import sparse


def row_dots(X: sparse.csr_matrix, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """X[i[p]] · X[j[p]] for every p."""
    if not X.has_sorted_indices:
        X = X.sorted_indices()
    out = np.empty(len(i), dtype=np.float64)
    _dots(X.indptr.astype(np.int64), X.indices.astype(np.int64), X.data.astype(np.float64),
          np.asarray(i, dtype=np.int64), np.asarray(j, dtype=np.int64), out)
    return out


@numba.njit(cache=True)
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
