"""Near-copies of LFs (used by AgreementModel): LFs that vote on nearly the same rows and agree there.

A keyword written twice, a regex and its variant, a classifier LF added under two names: such LFs agree
with each other by construction, so a model that learns accuracies from agreements reads each as the
other's confirmation and gives both (or all) of them a high accuracy, whatever their real one (tennis's
least accurate LF with two near-copies: fitted at accuracy 1, 10 points below majority vote). The fit
counts each group of near-copies as one LF; each member keeps its vote when predicting.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from weaksup.patterns import one_hot

#: two LFs are near-copies when the rows both vote on are at least this share of the rows either votes on
#: (Jaccard) ...
JACCARD = 0.8
#: ... and they cast the same vote on at least this share of the rows both vote on
AGREEMENT = 0.95
_MIN_CO_VOTES = 3  # fewer shared rows say nothing
_SAMPLE_ROWS = 50_000  # larger matrices are screened on evenly spaced rows (a 1M x 50 screen: ~0.07 s)


def near_copies(P: sp.csr_matrix, count: np.ndarray, k: int) -> np.ndarray | None:
    """For every LF, the LF that represents its group of near-copies (the member with the most votes;
    itself when it copies no other LF), or None when no LF has a near-copy.

    ``P`` holds votes as ``label + 1`` (rows, or distinct patterns weighted by ``count``).
    """
    n, m = P.shape
    if m < 2 or P.nnz == 0:
        return None
    if n > _SAMPLE_ROWS:
        step = n // _SAMPLE_ROWS
        P, count = P[::step], count[::step] * step
    count = np.asarray(count, dtype=np.float64)
    voted = sp.csr_matrix((np.ones(P.nnz), P.indices, P.indptr), shape=P.shape)
    weighted = sp.diags(count) @ voted
    votes = np.asarray(weighted.sum(axis=0)).ravel()
    co = (voted.T @ weighted).tocoo()
    i, j, both = co.row, co.col, co.data
    close = (i < j) & (both >= _MIN_CO_VOTES) & (both >= JACCARD * (votes[i] + votes[j] - both))
    if not close.any():
        return None
    i, j, both = i[close], j[close], both[close]
    X = one_hot(P, k)
    same_votes = (X.T @ (sp.diags(count) @ X)).tocsr()
    same = np.zeros(len(i))
    for c in range(k):
        same += np.asarray(same_votes[i * k + c, j * k + c]).ravel()
    agree = same >= AGREEMENT * both
    if not agree.any():
        return None
    parent = np.arange(m)

    def root(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for a, b in zip(i[agree], j[agree], strict=True):
        parent[root(int(b))] = root(int(a))
    roots = np.array([root(a) for a in range(m)])
    rep = np.arange(m)
    for r in np.unique(roots):
        members = np.flatnonzero(roots == r)
        rep[members] = members[np.argmax(votes[members])]  # the first of the most voting ones
    return rep


def merge_copies(P: sp.csr_matrix, rep: np.ndarray) -> tuple[sp.csr_matrix, np.ndarray]:
    """``P`` with each group of near-copies as one column (its representative's vote where it voted, else
    the vote of the member with the lowest index), and the column each LF maps to."""
    reps = np.unique(rep)
    column = np.searchsorted(reps, rep)
    merged = P[:, reps]  # the representatives' votes, in their columns already
    rows, cols, data = [], [], []
    for r in np.unique(rep[rep != np.arange(len(rep))]):
        members = np.flatnonzero(rep == r)
        members = np.concatenate([[r], members[members != r]])  # the representative first
        own = P[:, members].tocsc()
        taken = np.zeros(P.shape[0], bool)
        taken[own.indices[own.indptr[0]:own.indptr[1]]] = True
        for c in range(1, len(members)):
            at, votes = own.indices[own.indptr[c]:own.indptr[c + 1]], own.data[own.indptr[c]:own.indptr[c + 1]]
            free = ~taken[at]  # rows where no earlier member of the group voted
            rows.append(at[free])
            data.append(votes[free])
            cols.append(np.full(int(free.sum()), column[r]))
            taken[at] = True
    if rows:
        extra = sp.csr_matrix((np.concatenate(data), (np.concatenate(rows), np.concatenate(cols))),
                              shape=merged.shape, dtype=P.dtype)
        merged = (merged + extra).tocsr()
    merged.sort_indices()
    return merged, column
