"""Metrics and scikit-learn scorers that accept probabilistic targets (``n x k``) as well as hard labels.

scikit-learn's own metrics refuse an ``n x k`` ``y_true``, so ``GridSearchCV(..., scoring="accuracy")`` on
soft labels scores every candidate NaN. The functions here take either kind of target; wrap them with
:func:`make_soft_scorer` (or use :data:`SOFT_SCORERS`) for ``scoring=``.

Hard targets are class indices ``0..k-1`` (the columns of ``predict_proba``) unless ``labels`` names the
classes in column order.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from weaksup._validation import check_targets
from weaksup.errors import ModelInputError


def _as_probs(y_true: Any, k: int | None, labels: Any = None) -> np.ndarray:
    """Targets as an ``n x k`` matrix (one-hot for hard labels)."""
    probs, hard = check_targets(y_true, None, name="y_true")
    if probs is not None:
        if k is not None and probs.shape[1] != k:
            raise ModelInputError(f"y_true has {probs.shape[1]} class columns; the predictions have {k}")
        return probs
    if labels is not None:
        labels = np.asarray(labels)
        pos = np.array([np.flatnonzero(labels == v)[0] if (labels == v).any() else -1 for v in hard])
    else:
        pos = hard.astype(np.int64)
    k = int(k if k is not None else pos.max() + 1)
    bad = (pos < 0) | (pos >= k)
    if bad.any():
        row = int(np.argmax(bad))
        value = hard[row].item() if isinstance(hard[row], np.generic) else hard[row]
        raise ModelInputError(f"y_true row {row} holds label {value!r}, not a class index below k = {k}; "
                              "pass labels= to name the classes")
    out = np.zeros((len(pos), k))
    out[np.arange(len(pos)), pos] = 1.0
    return out


def _check_proba(proba: Any, n: int) -> np.ndarray:
    P = np.asarray(proba, dtype=np.float64)
    if P.ndim == 1:  # a scorer's binary predict_proba may arrive as the positive column only
        P = np.column_stack([1.0 - P, P])
    if P.shape[0] != n:
        raise ModelInputError(f"y_true has {n} rows but the predictions have {P.shape[0]}")
    return P


def soft_accuracy_score(y_true: Any, y_pred: Any, labels: Any = None, expected: bool = False) -> float:
    """Accuracy of hard predictions against hard or probabilistic targets.

    With probabilistic targets: agreement with their argmax, or (``expected=True``) the expected
    accuracy ``mean_i q[i, pred_i]``.

    Examples
    --------
    >>> soft_accuracy_score([[0.9, 0.1], [0.4, 0.6]], [0, 0])
    0.5
    >>> round(soft_accuracy_score([[0.9, 0.1], [0.4, 0.6]], [0, 0], expected=True), 2)
    0.65
    """
    probs, hard = check_targets(y_true, None, name="y_true")
    pred = np.asarray(y_pred)
    if len(pred) != len(probs if probs is not None else hard):
        raise ModelInputError(f"y_true has {len(probs if probs is not None else hard)} rows but y_pred has {len(pred)}")
    if probs is None:
        return float(np.mean(hard == pred))
    if labels is not None:  # predictions named by class; targets' columns in the order of labels
        column = {v.item() if isinstance(v, np.generic) else v: i for i, v in enumerate(np.asarray(labels))}
        pred = np.array([column[v.item() if isinstance(v, np.generic) else v] for v in pred])
    pred = pred.astype(np.int64)
    if expected:
        return float(np.mean(probs[np.arange(len(pred)), pred]))
    return float(np.mean(probs.argmax(axis=1) == pred))


def soft_log_loss(y_true: Any, proba: Any, labels: Any = None, eps: float = 1e-15) -> float:
    """Cross entropy ``-mean_i sum_c q_ic log p_ic`` (plain log loss for hard targets).

    Examples
    --------
    >>> round(soft_log_loss([[1.0, 0.0]], [[0.5, 0.5]]), 4)
    0.6931
    """
    P = np.clip(_check_proba(proba, len(np.asarray(y_true))), eps, 1.0)
    Q = _as_probs(y_true, P.shape[1], labels)
    return float(-np.mean(np.sum(Q * np.log(P), axis=1)))


def soft_brier_score(y_true: Any, proba: Any, labels: Any = None) -> float:
    """Multi-class Brier score ``mean_i sum_c (p_ic - q_ic)^2`` (0 is perfect, 2 the worst).

    Examples
    --------
    >>> soft_brier_score([0, 1], [[1.0, 0.0], [0.5, 0.5]])
    0.25
    """
    P = _check_proba(proba, len(np.asarray(y_true)))
    Q = _as_probs(y_true, P.shape[1], labels)
    return float(np.mean(np.sum((P - Q) ** 2, axis=1)))


def expected_calibration_error(y_true: Any, proba: Any, n_bins: int = 15, labels: Any = None) -> float:
    """Expected calibration error of the top-class confidence, in ``n_bins`` equal-width bins.

    A row counts as correct by ``q[i, argmax p_i]`` (0 or 1 for hard targets).

    Examples
    --------
    >>> round(expected_calibration_error([0, 1, 1, 1], [[0.9, 0.1], [0.1, 0.9], [0.2, 0.8], [0.6, 0.4]], n_bins=5), 3)
    0.25
    """
    P = _check_proba(proba, len(np.asarray(y_true)))
    Q = _as_probs(y_true, P.shape[1], labels)
    conf, pred = P.max(axis=1), P.argmax(axis=1)
    correct = Q[np.arange(len(P)), pred]
    bins = np.minimum((conf * n_bins).astype(np.int64), n_bins - 1)
    total = 0.0
    for b in np.unique(bins):
        rows = bins == b
        total += rows.sum() * abs(conf[rows].mean() - correct[rows].mean())
    return float(total / max(len(P), 1))


def probabilistic_report(y_true: Any, proba: Any, labels: Any = None, n_bins: int = 15) -> dict[str, float]:
    """Accuracy, macro F1, log loss, Brier score and ECE of ``proba`` against hard or soft targets.

    Examples
    --------
    >>> r = probabilistic_report([0, 1], [[0.8, 0.2], [0.3, 0.7]])
    >>> sorted(r), r["accuracy"]
    (['accuracy', 'brier', 'ece', 'f1_macro', 'log_loss'], 1.0)
    """
    from sklearn.metrics import f1_score

    P = _check_proba(proba, len(np.asarray(y_true)))
    Q = _as_probs(y_true, P.shape[1], labels)
    pred = P.argmax(axis=1)
    return {
        "accuracy": float(np.mean(Q.argmax(axis=1) == pred)),
        "f1_macro": float(f1_score(Q.argmax(axis=1), pred, average="macro", labels=np.arange(P.shape[1]),
                                   zero_division=0)),
        "log_loss": soft_log_loss(Q, P),
        "brier": soft_brier_score(Q, P),
        "ece": expected_calibration_error(Q, P, n_bins=n_bins),
    }


def make_soft_scorer(name: str) -> Any:
    """A scikit-learn scorer for ``scoring=`` that takes probabilistic targets.

    Parameters
    ----------
    name : {"accuracy", "expected_accuracy", "neg_log_loss", "neg_brier_score", "neg_ece"}

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.model_selection import cross_val_score
    >>> from weaksup.train import SoftLabelClassifier
    >>> X = np.repeat(np.array([[0.0], [1.0], [2.0], [3.0]]), 5, axis=0)
    >>> P = np.repeat(np.array([[0.9, 0.1], [0.8, 0.2], [0.2, 0.8], [0.1, 0.9]]), 5, axis=0)
    >>> scores = cross_val_score(SoftLabelClassifier(lr=0.1, max_epochs=50), X, P, cv=2,
    ...                          scoring=make_soft_scorer("neg_log_loss"))
    >>> bool(np.isfinite(scores).all())
    True
    """
    from sklearn.metrics import make_scorer

    if name == "accuracy":
        return make_scorer(soft_accuracy_score)
    if name == "expected_accuracy":
        return make_scorer(soft_accuracy_score, expected=True)
    if name == "neg_log_loss":
        return make_scorer(soft_log_loss, response_method="predict_proba", greater_is_better=False)
    if name == "neg_brier_score":
        return make_scorer(soft_brier_score, response_method="predict_proba", greater_is_better=False)
    if name == "neg_ece":
        return make_scorer(expected_calibration_error, response_method="predict_proba", greater_is_better=False)
    raise ModelInputError(f"unknown soft scorer {name!r}; choose from {SCORER_NAMES}")


SCORER_NAMES = ("accuracy", "expected_accuracy", "neg_log_loss", "neg_brier_score", "neg_ece")
