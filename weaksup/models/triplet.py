"""FlyingSquid-style triplet method: closed-form LF accuracies from pairwise agreement moments."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from weaksup.models._params import Interval
from weaksup.models._table import LogTableModel
from weaksup.models.stats import PatternCounts


class Triplet(LogTableModel):
    """Closed-form label model (Fu et al. 2020, FlyingSquid), multiclass by one-vs-rest.

    For each class ``c`` every LF becomes a binary voter ``lambda_j`` in {-1, 0, +1}
    (+1: votes ``c``, -1: votes another class, 0: abstains). For conditionally independent
    LFs, ``E[l_i l_j] = a_i a_j`` with ``a_i = E[l_i Y | l_i != 0]``, so each triplet gives
    ``|a_i| = sqrt(|E[l_i l_j] E[l_i l_k] / E[l_j l_k]|)``; the estimate averages all
    triplets whose LFs overlap (weighted by overlap). The class balance is estimated
    from ``E[l_i] = a_i E[Y]``. No iterations, so fitting is one pass over the statistics.
    LFs that never vote against ``c`` carry no sign information in that one-vs-rest
    problem, which is FlyingSquid's known weakness on one-class LFs.

    Parameters
    ----------
    cardinality : int, optional
        Number of classes.
    min_overlap : int
        Pairs of LFs that co-vote on fewer rows are ignored.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> y = rng.integers(0, 2, 2000)
    >>> L = np.stack([np.where(rng.random(2000) < acc, y, 1 - y) for acc in (0.9, 0.8, 0.7, 0.85)], axis=1)
    >>> bool(np.abs(Triplet().fit(L).accuracies_ - [0.9, 0.8, 0.7, 0.85]).max() < 0.05)
    True
    """

    min_lfs = 3
    _parameter_rules = {"min_overlap": Interval(int, 0)}
    _renamed_state = {"lf_accuracy_": "class_accuracy_"}  # the name older saved models use
    _state_rules = {"class_accuracy_": (("m", "k"), 0, 1)}

    def __init__(self, cardinality: int | None = None, min_overlap: int = 5) -> None:
        super().__init__(cardinality=cardinality)
        self.min_overlap = min_overlap

    def _fit_stats(self, stats: PatternCounts, class_balance: np.ndarray | None, seed: int | None,
                   progress: bool) -> None:
        k, m = self.cardinality_, stats.n_lfs
        w = stats.counts.astype(np.float64)
        pats = stats.patterns
        voted = pats.copy()
        voted.data = np.ones(len(voted.data))
        W = sp.diags(w)
        co = (voted.T @ W @ voted).toarray()  # co-voting counts
        cov = np.asarray(voted.T @ w).ravel()
        acc = np.full((m, k), 0.5)
        ey = np.zeros(k)
        classes = [1] if k == 2 else range(k)  # binary: one problem (class 1 vs 0)
        for c in classes:
            lam = pats.copy()
            lam.data = np.where(pats.data == c + 1, 1.0, -1.0)
            M = (lam.T @ W @ lam).toarray()
            ok = co >= self.min_overlap
            E = np.where(ok, M / np.clip(co, 1, None), 0.0)
            a = _triplet_accuracies(E, ok, co)
            first = np.asarray(lam.T @ w).ravel() / np.clip(cov, 1, None)  # E[l_i | l_i != 0]
            good = (a > 0.05) & (cov > 0)
            ey[c] = np.clip(np.median(first[good] / a[good]), -0.99, 0.99) if good.any() else 0.0
            acc[:, c] = (1 + a) / 2
        if k == 2:
            acc[:, 0] = acc[:, 1]
            ey[0] = -ey[1]
        acc = np.clip(acc, 1e-3, 1 - 1e-3)
        prior = class_balance if class_balance is not None else _balance(ey)
        # score_c = sum_j lambda_j^c * log-odds_jc: +w for a vote for c, -w for a vote against
        logit = np.log(acc / (1 - acc))
        table = np.zeros((m, k + 1, k))
        for c in classes:
            table[:, 1:, c] = -logit[:, c, None] / (2 if k == 2 else 1)
            table[:, 1 + c, c] = logit[:, c] / (2 if k == 2 else 1)
        if k == 2:  # class 0 is the mirror image of class 1
            table[:, 1:, 0] = -table[:, 1:, 1]
        self.log_table_ = table
        self.class_balance_ = np.asarray(prior, dtype=np.float64)
        self.class_accuracy_ = acc

    @property
    def accuracies_(self) -> np.ndarray:  # type: ignore[override]
        """Per-LF accuracy from the triplet estimates (mean over one-vs-rest problems)."""
        acc = np.asarray(self.class_accuracy_)
        return acc[:, 1] if acc.shape[1] == 2 else acc.mean(axis=1)


def _triplet_accuracies(E: np.ndarray, ok: np.ndarray, co: np.ndarray) -> np.ndarray:
    """``|a_i|`` from all triplets (i, j, l) of overlapping LFs, weighted by their overlaps."""
    m = len(E)
    out = np.zeros(m)
    for i in range(m):
        js = np.flatnonzero(ok[i] & (np.arange(m) != i))
        if len(js) < 2:
            continue
        Eij = E[i, js]
        Ejl = E[np.ix_(js, js)]
        valid = ok[np.ix_(js, js)] & ~np.eye(len(js), dtype=bool) & (np.abs(Ejl) > 1e-3)
        if not valid.any():
            continue
        est = np.abs(np.outer(Eij, Eij)) / np.where(valid, np.abs(Ejl), 1.0)
        wts = np.where(valid, np.minimum.outer(co[i, js], co[i, js]), 0.0)
        out[i] = np.sqrt(np.clip((est * wts).sum() / wts.sum(), 0.0, 1.0))
    return out


def _balance(ey: np.ndarray) -> np.ndarray:
    p = np.clip((1 + ey) / 2, 1e-3, None)
    return p / p.sum()
