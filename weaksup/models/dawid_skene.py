"""Dawid-Skene: EM over per-LF confusion matrices, with abstention as an extra response."""

from __future__ import annotations

import numpy as np

from weaksup.models._em import majority_posterior, run_em
from weaksup.models._params import LOG_PROBABILITY_TABLE, Interval
from weaksup.models._table import LogTableModel
from weaksup.models.stats import PatternCounts


class DawidSkene(LogTableModel):
    """Dawid-Skene with abstention modelled: each LF has a ``(k + 1) x k`` confusion matrix
    ``P(response | y)`` whose first response is "abstain".

    Classic Dawid-Skene ignores abstains, and on LFs that only ever vote one class it then
    learns that the LF is perfect for every class it fires on. Treating abstain as a
    response makes "fires more often on spam" the evidence, which is what such LFs carry.
    Fitted by EM from majority vote, over distinct vote patterns, with Dirichlet smoothing.

    Parameters
    ----------
    cardinality : int, optional
        Number of classes (inferred from the votes if omitted).
    smoothing : float
        Dirichlet pseudo-count added to every confusion cell (MAP estimate).
    max_iter : int
        Maximum EM iterations.
    tol : float
        Stop when the mean log-likelihood per row improves by less than this.

    Examples
    --------
    >>> import numpy as np
    >>> L = np.array([[0, 0, -1], [1, 1, 1], [0, -1, 0], [1, 1, -1], [0, 0, 0]] * 4)
    >>> DawidSkene().fit(L).predict(np.array([[0, 0, -1]])).tolist()
    [0]
    """

    min_lfs = 3
    _parameter_rules = {"smoothing": Interval(float, 0), "max_iter": Interval(int, 1), "tol": Interval(float, 0)}
    _state_rules = {"log_table_": LOG_PROBABILITY_TABLE}

    def __init__(self, cardinality: int | None = None, smoothing: float = 1.0, max_iter: int = 200,
                 tol: float = 1e-7) -> None:
        super().__init__(cardinality=cardinality)
        self.smoothing = smoothing
        self.max_iter = max_iter
        self.tol = tol

    def _fit_stats(self, stats: PatternCounts, class_balance: np.ndarray | None, seed: int | None,
                   progress: bool) -> None:
        k, m = self.cardinality_, stats.n_lfs
        X = stats.one_hot(k)
        w = stats.counts.astype(np.float64)
        a = float(self.smoothing)

        def m_step(C: np.ndarray, T: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            theta = (C + a) / (C + a).sum(axis=1, keepdims=True)
            # an LF that never votes is evidence of nothing: smoothing would make its "abstain" likelier for
            # the class with more rows (a bias fed back into the fit); give it one fixed response for every
            # class (fixed across iterations too, so it does not move the likelihood the stop rule watches)
            silent = C[:, 1:, :].sum(axis=(1, 2)) == 0
            if silent.any():
                n = T.sum()
                theta[silent] = a / (n + a * (k + 1))
                theta[silent, 0, :] = (n + a) / (n + a * (k + 1))
            prior = class_balance if class_balance is not None else (T + 1.0) / (T.sum() + k)
            return np.log(theta), prior

        start = np.full(k, 1.0 / k) if class_balance is None else class_balance
        post = majority_posterior(X, m, k, start)
        self.log_table_, self.class_balance_, self.n_iter_ = run_em(
            X, w, m, k, m_step, post, self.max_iter, self.tol, progress
        )
