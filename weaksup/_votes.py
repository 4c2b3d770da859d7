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


def classes_favoured(votes: Any, k: int, wanted: np.ndarray, block: int = 1 << 16) -> np.ndarray:
    """``(k,)`` booleans: some LF ``j`` with ``wanted[j, c]`` voted class ``c``, i.e.
    ``(wanted & classes_cast(votes, k)).any(axis=0)``, reading the votes only as far as needed.

    The stored votes are read in blocks that double in size, and the scan stops once every class
    is settled (found, or wanted by no LF): on a large matrix the first block usually answers, so
    a fit's health check does not read 175M votes to learn what their first thousands show.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> wanted = np.array([[True, False], [False, True]])  # lf 0 may raise class 0, lf 1 class 1
    >>> classes_favoured(sp.csr_matrix([[1, 1], [1, 0]]), 2, wanted).tolist()  # lf 1 never votes 1
    [True, False]
    """
    csr = votes.tocsr() if not hasattr(votes, "indices") else votes
    m = csr.shape[1]
    wanted = np.asarray(wanted, dtype=bool).reshape(m, k)
    open_ = wanted.any(axis=0)  # classes still to look for
    found = np.zeros(k, dtype=bool)
    kind = np.int32 if m * k < 2**31 else np.int64
    start, nnz = 0, csr.nnz
    while open_.any() and start < nnz:
        stop = min(nnz, start + block)
        data = csr.data[start:stop]
        key = csr.indices[start:stop].astype(kind)
        key *= kind(k)
        key += data
        key -= 1
        if not (int(data.min()) >= 1 and int(data.max()) <= k):  # out-of-range votes are not classes
            key = key[(data >= 1) & (data <= k)]
        cast = (np.bincount(key, minlength=m * k)[: m * k] > 0).reshape(m, k)
        hit = (cast & wanted).any(axis=0)
        found |= hit
        open_ &= ~hit
        start, block = stop, min(2 * block, 1 << 23)
    return found
