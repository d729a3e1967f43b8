"""Cosine scores of chosen pairs of rows of a sparse matrix (the loop, `loops._dots`, compiled by
numba: this runs only past a dozen regions, on tens of thousands of pairs).

task_similarity scores about 90 candidate pairs per task exactly. With scipy that is two fancy
row selections and an element-wise product per block of pairs: every candidate row copied once
per pair. Here each pair is one merge of two sorted index lists, reading the matrix in place.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from analysis.wording import kernels


def row_dots(X: sparse.csr_matrix, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """X[i[p]] · X[j[p]] for every p."""
    if not X.has_sorted_indices:
        X = X.sorted_indices()
    out = np.empty(len(i), dtype=np.float64)
    kernels.compiled()._dots(X.indptr.astype(np.int64), X.indices.astype(np.int64), X.data.astype(np.float64),
                             np.asarray(i, dtype=np.int64), np.asarray(j, dtype=np.int64), out)
    return out
