"""The two views of a weak label, combined and calibrated: the label model's posterior and the end model's.

Used by :func:`~weaksup.quality.find_weak_label_issues` (see its module for the method); importable from
:mod:`weaksup.quality.weak_label_errors` as before.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from weaksup.errors import ModelInputError
from weaksup.quality._checks import class_ordered
from weaksup.utils import check_probs

_EPS = 1e-6


def _temper(P: np.ndarray, a: float, prior: np.ndarray) -> np.ndarray:
    """Log of ``P ** a * prior ** (1 - a)``, renormalised: ``a = 0`` keeps only the prior."""
    lq = a * np.log(np.clip(P, _EPS, 1.0)) + (1.0 - a) * np.log(np.clip(prior, _EPS, 1.0))[None, :]
    return lq - np.logaddexp.reduce(lq, axis=1, keepdims=True)


def _vote_weight(P: np.ndarray, f: np.ndarray) -> float:
    """The exponent ``a`` in [0, 1] for which the tempered posterior best predicts ``f`` (cross-entropy)."""
    from scipy.optimize import minimize_scalar

    prior = f.mean(axis=0)
    res = minimize_scalar(lambda a: -(f * _temper(P, a, prior)).sum(axis=1).mean(), bounds=(0.0, 1.0),
                          method="bounded", options={"xatol": 1e-3})
    return float(res.x)


def combine_views(probs: Any, pred_probs: Any) -> tuple[np.ndarray, float]:
    """Combine the label model's posterior with out-of-fold end-model probabilities.

    Returns ``(q, a)``: ``q`` is proportional to ``probs ** a * pred_probs / prior ** a``
    (``prior`` = the mean of ``pred_probs``), i.e. the two views treated as independent
    evidence after tempering the label-model posterior by the ``a`` in ``[0, 1]`` that best
    predicts ``pred_probs``.

    Examples
    --------
    >>> import numpy as np
    >>> P = np.array([[0.9, 0.1], [0.8, 0.2], [0.2, 0.8], [0.1, 0.9]])
    >>> f = np.array([[0.8, 0.2], [0.3, 0.7], [0.3, 0.7], [0.2, 0.8]])
    >>> q, a = combine_views(P, f)
    >>> q.shape, bool(0 <= a <= 1), bool(np.allclose(q.sum(1), 1))
    ((4, 2), True, True)
    """
    P = check_probs(class_ordered(probs, "probs"), name="probs")  # frames' columns named by class id, in any order
    f = check_probs(class_ordered(pred_probs), P.shape[1], name="pred_probs")
    if len(P) != len(f):
        raise ModelInputError(f"probs has {len(P)} rows but pred_probs has {len(f)}")
    a = _vote_weight(P, f)
    prior = f.mean(axis=0)
    lq = _temper(P, a, prior) + np.log(np.clip(f, _EPS, 1.0)) - np.log(np.clip(prior, _EPS, 1.0))[None, :]
    q = np.exp(lq - lq.max(axis=1, keepdims=True))
    return q / q.sum(axis=1, keepdims=True), a


def calibrate_error_probability(score: Any, n_errors: float) -> np.ndarray:
    """Shift ``score`` (a ``P(weak label wrong)`` in (0, 1)) in log-odds until it sums to ``n_errors``.

    The two views' combined posterior ranks rows well but its scale follows the label model's and the
    end model's confidence, which weak supervision gets wrong both ways (under-confident posteriors
    make ``1 - q[weak]`` sum to four times the true error count on a set with 7 % wrong weak labels).
    A common log-odds offset keeps the ranking and fixes the total to the estimated error count,
    which is what a prior correction does when only the base rate is off.

    Examples
    --------
    >>> import numpy as np
    >>> p = calibrate_error_probability(np.array([0.9, 0.5, 0.3, 0.2]), 1.0)
    >>> round(float(p.sum()), 6), bool((np.diff(p) < 0).all())
    (1.0, True)
    """
    from scipy.optimize import brentq
    from scipy.special import expit, logit

    s = np.asarray(score, dtype=np.float64)
    if not len(s) or n_errors <= 0:
        return np.zeros_like(s)
    if n_errors >= len(s):
        return np.ones_like(s)
    ls = logit(np.clip(s, _EPS, 1.0 - _EPS))
    lo, hi = -40.0 - ls.max(), 40.0 - ls.min()  # the sum goes from ~0 to ~n across this bracket
    shift = brentq(lambda c: expit(ls + c).sum() - n_errors, lo, hi, xtol=1e-8)
    return expit(ls + shift)


def _precision_prefix(err_sorted: np.ndarray, target: float, base_rate: float) -> int:
    """Longest prefix (most likely wrong first) whose expected precision is >= ``target``, cut where a row
    is less likely wrong than ``base_rate`` (a random row): a high head must not carry a long tail."""
    if not len(err_sorted):
        return 0
    mean = np.cumsum(err_sorted) / np.arange(1, len(err_sorted) + 1)
    ok = np.flatnonzero(mean >= target)
    return min(int(ok[-1] + 1) if len(ok) else 0, int((err_sorted >= base_rate).sum()))


def _recall_floor(err_sorted: np.ndarray, n_errors: float, cap: int) -> int:
    """Shortest prefix (most likely wrong first) expected to hold ``n_errors`` errors (its error probabilities
    sum to that), at most ``cap`` rows: the most precise set that reaches a share of the estimated errors."""
    if n_errors <= 0 or cap <= 0 or not len(err_sorted):
        return 0
    i = int(np.searchsorted(np.cumsum(err_sorted), n_errors * (1.0 - 1e-12)))
    return min(i + 1, len(err_sorted), cap)


class RefinedTargetsClassifier:
    """``estimator`` fitted on its soft targets refined by naive Bayes (:func:`~weaksup.train.naive_bayes_refine`).

    Cross-validated, the refinement runs inside each fold on the training rows only, so a held-out row's
    prediction never saw its own features in its targets. Used as the second feature view of
    :func:`~weaksup.quality.find_weak_label_issues`.
    """

    _accepts_probabilistic_labels = True  # cross_val_predict_proba hands it the soft targets as they are

    def __init__(self, estimator: Any, random_state: int | None = 0) -> None:
        self.estimator = estimator
        self.random_state = random_state

    def get_params(self, deep: bool = False) -> dict[str, Any]:
        return {"estimator": self.estimator, "random_state": self.random_state}

    def set_params(self, **params: Any) -> RefinedTargetsClassifier:
        for key, value in params.items():
            setattr(self, key, value)
        return self

    def fit(self, X: Any, probs: np.ndarray) -> RefinedTargetsClassifier:
        from sklearn.base import clone

        from weaksup.quality.cross_val import fit_on_targets
        from weaksup.train import naive_bayes_refine

        refined, self.temperature_ = naive_bayes_refine(X, probs, random_state=self.random_state)
        self.n_classes_ = refined.shape[1]
        self.classes_ = np.arange(self.n_classes_)
        self.estimator_ = fit_on_targets(clone(self.estimator), X, refined.argmax(axis=1), refined)
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        from weaksup.quality.cross_val import proba_in_class_order

        return proba_in_class_order(self.estimator_, X, self.n_classes_)


def feature_view(weak: np.ndarray, unanimous: np.ndarray, plain: np.ndarray,
                 refined: np.ndarray) -> tuple[np.ndarray, bool]:
    """The end-model view to rank with: ``plain``, or its geometric mean with ``refined`` where that is no worse.

    ``plain`` and ``refined`` are out-of-fold probabilities of the end model on the soft labels and on their
    naive-Bayes refinement. The geometric mean ranks wrong weak labels better on most label matrices, but the
    refinement can also pull the end model away from the classes the LFs agree on. The check needs no gold:
    on the ``unanimous`` rows (at least two LFs voted, all of them the weak label: the weak labels most likely
    right), the mean view's argmax must agree with the weak label at least as often as ``plain``'s.
    Returns ``(view, whether it is the mean)``.

    Examples
    --------
    >>> import numpy as np
    >>> weak, unanimous = np.array([0, 0, 1, 1]), np.array([True, True, True, False])
    >>> plain = np.array([[0.7, 0.3], [0.6, 0.4], [0.2, 0.8], [0.4, 0.6]])
    >>> feature_view(weak, unanimous, plain, plain[:, ::-1])[1]  # the refined view contradicts the unanimous rows
    False
    >>> feature_view(weak, unanimous, plain, plain)[1]
    True
    """
    if not unanimous.any():
        return plain, False
    mean = np.sqrt(np.clip(plain, 0.0, 1.0) * np.clip(refined, 0.0, 1.0))
    total = mean.sum(axis=1, keepdims=True)
    mean = np.where(total > 0, mean / np.where(total > 0, total, 1.0), plain)  # disjoint supports: plain
    agree_plain = (plain[unanimous].argmax(axis=1) == weak[unanimous]).mean()
    agree_mean = (mean[unanimous].argmax(axis=1) == weak[unanimous]).mean()
    return (mean, True) if agree_mean >= agree_plain else (plain, False)


def unanimous_rows(csr: Any, weak: np.ndarray) -> np.ndarray:
    """Rows of a CSR vote matrix (stored as label + 1) where at least two LFs voted and every vote is ``weak``.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> unanimous_rows(sp.csr_matrix(np.array([[1, 1], [1, 2], [2, 0], [2, 2]])), np.array([0, 0, 1, 0])).tolist()
    [True, False, False, False]
    """
    n_votes = np.diff(csr.indptr)
    lo, hi = np.full(len(n_votes), -1), np.full(len(n_votes), -2)
    has = n_votes > 0
    if has.any():
        data = np.asarray(csr.data, dtype=np.int64)
        starts = csr.indptr[:-1][has]
        lo[has], hi[has] = np.minimum.reduceat(data, starts), np.maximum.reduceat(data, starts)
    return (n_votes >= 2) & (lo == hi) & (lo - 1 == weak)
