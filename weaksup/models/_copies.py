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

from weaksup.models.structure import _components
from weaksup.patterns import one_hot

#: two LFs are near-copies when the rows both vote on are at least this share of the rows either votes on
#: (Jaccard) ...
JACCARD = 0.8
#: ... and they cast the same vote on at least this share of the rows both vote on
AGREEMENT = 0.95
_MIN_CO_VOTES = 3  # fewer shared rows say nothing
_SAMPLE_ROWS = 20_000  # larger matrices are screened on evenly spaced rows (1M x 50, 9M votes: ~0.01 s)


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
    rep = np.arange(m)
    for members in _components(m, [(int(a), int(b)) for a, b in zip(i[agree], j[agree], strict=True)]):
        members = np.asarray(members)
        rep[members] = members[np.argmax(votes[members])]  # the first of the most voting ones
    return rep


def group_copies(P: sp.csr_matrix, count: np.ndarray, k: int
                 ) -> tuple[sp.csr_matrix, np.ndarray | None, np.ndarray | None]:
    """``P`` with each group of near-copies merged into one column (``P`` itself when there is none), each
    LF's representative (:func:`near_copies`) and the merged column each LF maps to (None, None when none)."""
    rep = near_copies(P, count, k)
    if rep is None:
        return P, None, None
    merged, column = merge_copies(P, rep)
    return merged, rep, column


def merge_copies(P: sp.csr_matrix, rep: np.ndarray) -> tuple[sp.csr_matrix, np.ndarray]:
    """``P`` with each group of near-copies as one column, and the column each LF maps to.

    The group's vote on a row is the most common vote of its members there (no vote on an exact tie), so
    the merged matrix does not depend on the order of the LFs (``partial_fit`` chunks list them in any order).
    """
    reps = np.unique(rep)
    column = np.searchsorted(reps, rep)
    grouped = np.bincount(rep, minlength=len(rep))[rep] > 1  # LFs in a group of two or more
    singles = np.flatnonzero(~grouped)
    alone = P[:, singles].tocoo()
    rows, cols, data = [alone.row], [column[singles][alone.col]], [alone.data]
    for r in np.unique(rep[grouped]):
        sub = P[:, np.flatnonzero(rep == r)].tocoo()
        order = np.lexsort((sub.data, sub.row))  # by row, then vote
        row, vote = sub.row[order], sub.data[order]
        start = np.flatnonzero(np.r_[True, (row[1:] != row[:-1]) | (vote[1:] != vote[:-1])])
        run_row, run_vote, run_len = row[start], vote[start], np.diff(np.r_[start, len(row)])
        # per row: the longest run wins; two runs of the same length at the top: no vote
        by = np.lexsort((-run_len, run_row))
        run_row, run_vote, run_len = run_row[by], run_vote[by], run_len[by]
        first = np.r_[True, run_row[1:] != run_row[:-1]]
        second_len = np.where(np.r_[~first[1:], False], np.r_[run_len[1:], 0], 0)  # the row's runner-up
        win = first & (run_len > second_len)
        rows.append(run_row[win])
        cols.append(np.full(int(win.sum()), column[r]))
        data.append(run_vote[win])
    merged = sp.csr_matrix((np.concatenate(data), (np.concatenate(rows), np.concatenate(cols))),
                           shape=(P.shape[0], len(reps)), dtype=P.dtype)
    merged.sort_indices()
    return merged, column
