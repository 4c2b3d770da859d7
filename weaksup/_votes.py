"""Votes: ``ABSTAIN`` and which classes each LF votes (one counting pass over a ``label + 1`` sparse matrix).

Needs numpy only, so labeling functions and worker processes that use ``ABSTAIN`` never import scipy.
"""

from __future__ import annotations

from typing import Any

import numpy as np

#: the vote of a labeling function that does not label a row (as in Snorkel)
ABSTAIN = -1


def classes_cast(votes: Any, k: int) -> np.ndarray:
    """``(m, k)`` booleans: LF ``j`` voted class ``c`` at least once, from a ``label + 1`` sparse matrix.

    One counting pass over the stored votes (no COO copy, no sort).

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> classes_cast(sp.csr_matrix([[1, 2], [1, 0]]), 2).tolist()
    [[True, False], [False, True]]
    """
    csr = votes.tocsr() if not hasattr(votes, "indices") else votes
    m = csr.shape[1]
    kind = np.int32 if m * k < 2**31 else np.int64  # int32 keys: half the memory traffic on large matrices
    data = csr.data
    key = csr.indices.astype(kind)  # a fresh array, built on in place (no temporaries the size of the votes)
    key *= kind(k)
    key += data
    key -= 1
    if data.size and not (int(data.min()) >= 1 and int(data.max()) <= k):  # out-of-range votes are not classes
        key = key[(data >= 1) & (data <= k)]
    return (np.bincount(key, minlength=m * k)[: m * k] > 0).reshape(m, k)
