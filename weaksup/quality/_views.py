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
