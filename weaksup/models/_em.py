"""Expectation-maximisation over vote-pattern counts, shared by DawidSkene and GenerativeModel.

Each iteration costs two sparse products over the distinct patterns (E-step: pattern x
(LF, vote) indicators times the vote weights; M-step: its transpose times the weighted
posteriors), so the cost depends on the number of distinct patterns and their votes, not on n.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import scipy.sparse as sp

from weaksup.models._table import softmax, vote_weights

MStep = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


def expected_counts(X: sp.csr_matrix, XT: sp.csr_matrix, w: np.ndarray, post: np.ndarray, m: int) -> tuple[np.ndarray, np.ndarray]:
    """Expected response counts ``C[j, v, c]`` (``v = 0`` abstain) and class totals ``T[c]``."""
    k = post.shape[1]
    WP = post * w[:, None]
    T = WP.sum(axis=0)
    N = np.asarray(XT @ WP).reshape(m, k, k)  # [j, vote, class]
    C = np.empty((m, k + 1, k))
    C[:, 1:, :] = N
    C[:, 0, :] = np.clip(T[None, :] - N.sum(axis=1), 0.0, None)
    return C, T


def majority_posterior(X: sp.csr_matrix, m: int, k: int, prior: np.ndarray) -> np.ndarray:
    """Majority vote as soft labels (ties split; rows without votes get ``prior``): the EM start."""
    votes = np.asarray(X @ np.tile(np.eye(k), (m, 1)))
    top = votes.max(axis=1, keepdims=True)
    win = (votes >= top - 1e-9) & (top > 0)
    post = win / np.clip(win.sum(axis=1, keepdims=True), 1, None)
    post[top[:, 0] == 0] = prior
    return post


def run_em(
    X: sp.csr_matrix,
    w: np.ndarray,
    m: int,
    k: int,
    m_step: MStep,
    post: np.ndarray,
    max_iter: int,
    tol: float,
    progress: bool = False,
) -> tuple[np.ndarray, np.ndarray, int]:
    """EM from initial posteriors ``post``; returns ``(log_table, class_balance, n_iter)``.

    ``m_step(C, T)`` maps expected counts to ``(log_table, class_balance)``. Stops when the
    mean log-likelihood per row improves by less than ``tol``.
    """
    XT = X.T.tocsr()
    n = w.sum()
    prev = -np.inf
    it = 0
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=max_iter, desc="EM", leave=False)
    log_table, prior = m_step(*expected_counts(X, XT, w, post, m))
    for step in range(1, max_iter + 1):
        it = step
        D, base = vote_weights(log_table)
        with np.errstate(divide="ignore"):  # a class given prior 0 gets log-prior -inf: it is never predicted
            log_prior = np.log(prior)
        Z = np.asarray(X @ D) + (base + log_prior)[None, :]
        zmax = Z.max(axis=1, keepdims=True)
        ll = float(w @ (zmax[:, 0] + np.log(np.exp(Z - zmax).sum(axis=1)))) / n
        post = softmax(Z)
        log_table, prior = m_step(*expected_counts(X, XT, w, post, m))
        if bar is not None:
            bar.update(1)
        if abs(ll - prev) < tol:
            break
        prev = ll
    if bar is not None:
        bar.close()
    return log_table, prior, it
