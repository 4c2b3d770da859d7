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
from weaksup.train._checks import check_aligned as _check_aligned
from weaksup.train._checks import class_ordered as _class_ordered
from weaksup.train._checks import class_positions as _class_positions
from weaksup.train._checks import plain as _plain


def _as_probs(y_true: Any, k: int | None, labels: Any = None) -> np.ndarray:
    """Targets as an ``n x k`` matrix (one-hot for hard labels)."""
    probs, hard = check_targets(_class_ordered(y_true), None, name="y_true")
    if probs is not None:
        if k is not None and probs.shape[1] != k:
            raise ModelInputError(f"y_true has {probs.shape[1]} class columns; the predictions have {k}")
        return probs
    pos = _class_positions(hard, labels, "y_true")
    k = int(k if k is not None else (len(labels) if labels is not None else pos.max(initial=-1) + 1))
    bad = pos >= k
    if bad.any():
        row = int(np.argmax(bad))
        raise ModelInputError(f"y_true row {row} holds label {_plain(hard[row])!r}, not a class index below k = {k}; "
                              "pass labels= to name the classes")
    out = np.zeros((len(pos), k))
    out[np.arange(len(pos)), pos] = 1.0
    return out


def _check_proba(proba: Any, n: int) -> np.ndarray:
    P = np.asarray(proba, dtype=np.float64)
    if P.ndim == 1:  # a scorer's binary predict_proba may arrive as the positive column only
        P = np.column_stack([1.0 - P, P])
    if P.ndim != 2:
        raise ModelInputError(f"predicted probabilities must be an n x k array, got shape {P.shape}")
    if P.shape[0] != n:
        raise ModelInputError(f"y_true has {n} rows but the predictions have {P.shape[0]}")
    if n == 0:
        raise ModelInputError("y_true and the predictions are empty: there is nothing to score")
    finite = np.isfinite(P).all(axis=1)
    if not finite.all():  # a NaN would turn every metric into NaN without saying where it came from
        row = int(np.argmin(finite))
        raise ModelInputError(f"predicted probabilities row {row} holds NaN or inf: {P[row].tolist()}")
    # scores or logits (decision_function) in place of probabilities would give a number that means nothing
    bad = ((P < -1e-6) | (P > 1 + 1e-6)).any(axis=1) | (np.abs(P.sum(axis=1) - 1.0) > 1e-3)
    if bad.any():
        row = int(np.argmax(bad))
        raise ModelInputError(f"predicted probabilities row {row} is not a probability distribution "
                              f"(values in [0, 1] summing to 1): {P[row].tolist()}; pass predict_proba's output")
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
    probs, hard = check_targets(_class_ordered(y_true), None, name="y_true")
    pred = np.asarray(y_pred)
    if pred.ndim != 1:  # predict_proba's n x k output in place of predict's labels
        raise ModelInputError(f"y_pred must be 1-D predicted labels (predict's output), got shape {pred.shape}")
    if len(pred) != len(probs if probs is not None else hard):
        raise ModelInputError(f"y_true has {len(probs if probs is not None else hard)} rows but y_pred has {len(pred)}")
    if not len(pred):
        raise ModelInputError("y_true and y_pred are empty: there is nothing to score")
    if probs is None:
        return float(np.mean(hard == pred))
    # predictions named by class (labels: the targets' columns in order), or class indices
    pred = _class_positions(pred, labels, "y_pred")
    if (pred >= probs.shape[1]).any():
        row = int(np.argmax(pred >= probs.shape[1]))
        raise ModelInputError(f"y_pred row {row} holds class index {pred[row]}, but y_true has {probs.shape[1]} "
                              "class columns; pass labels= to name the classes")
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

    Summed over every class, so for two classes it is twice scikit-learn's binary ``brier_score_loss``
    (which scores the positive class's column only).

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
    if isinstance(n_bins, bool) or not isinstance(n_bins, (int, np.integer)) or n_bins < 1:
        raise ModelInputError(f"n_bins must be an integer >= 1, got {n_bins!r}")
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
        # over the classes in the targets or the predictions, as scikit-learn's f1_score: a class absent
        # from both (a small test set) would otherwise count as F1 = 0
        "f1_macro": float(f1_score(Q.argmax(axis=1), pred, average="macro", zero_division=0)),
        "log_loss": soft_log_loss(Q, P),
        "brier": soft_brier_score(Q, P),
        "ece": expected_calibration_error(Q, P, n_bins=n_bins),
    }


def make_soft_scorer(name: str) -> Any:
    """A scikit-learn scorer for ``scoring=`` that takes probabilistic targets.

    Hard 1-D targets may be any class labels (``"spam"``, ``1..k``): the scorer reads the fitted
    estimator's ``classes_`` to find each label's column of ``predict_proba``.

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
    if name not in SCORER_NAMES:
        raise ModelInputError(f"unknown soft scorer {name!r}; choose from {SCORER_NAMES}")
    return _SoftScorer(name)


def _scorer(name: str, labels: Any) -> Any:
    from sklearn.metrics import make_scorer

    if name == "accuracy":
        return make_scorer(soft_accuracy_score, labels=labels)
    if name == "expected_accuracy":
        return make_scorer(soft_accuracy_score, expected=True, labels=labels)
    func = {"neg_log_loss": soft_log_loss, "neg_brier_score": soft_brier_score,
            "neg_ece": expected_calibration_error}[name]
    return make_scorer(func, response_method="predict_proba", greater_is_better=False, labels=labels)


class _SoftScorer:
    """``scorer(estimator, X, y)``: scikit-learn's scorer for one soft metric, given the estimator's classes.

    A scorer made once by ``make_scorer`` cannot know the classes, so hard targets such as ``"spam"`` would
    not find their column of ``predict_proba`` (every candidate of a search scored NaN).
    """

    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, estimator: Any, X: Any, y_true: Any, **kwargs: Any) -> float:
        _check_aligned(X, y_true, "X", "y_true")  # as the estimators' own fit and score: never another row's target
        if kwargs.get("sample_weight") is not None:
            _check_aligned(X, kwargs["sample_weight"], "X", "sample_weight")
        classes = getattr(estimator, "classes_", None)
        classes = None if classes is None else np.asarray(classes)
        k = np.shape(y_true)[1] if np.ndim(y_true) == 2 else None
        if classes is not None and k is not None and len(classes) != k:
            return self._score_indexed(estimator, X, y_true, classes, k)
        return _scorer(self.name, classes)(estimator, X, y_true, **kwargs)

    def _score_indexed(self, estimator: Any, X: Any, y_true: Any, classes: np.ndarray, k: int) -> float:
        """Score against ``k`` soft-target columns an estimator that learned only some of them.

        :func:`~weaksup.train.fit_soft` leaves a class with no mass out of ``classes_`` (``[0, 2]`` of
        three columns): its classes are then column indices, not names of the columns in order.
        """
        if classes.dtype.kind not in "iu" or (classes < 0).any() or (classes >= k).any():
            raise ModelInputError(f"y_true has {k} class columns but the estimator's classes_ are "
                                  f"{classes.tolist()[:10]}: neither the same number nor column indices below {k}")
        if self.name in ("accuracy", "expected_accuracy"):
            return soft_accuracy_score(y_true, estimator.predict(X), expected=self.name == "expected_accuracy")
        proba = np.asarray(estimator.predict_proba(X), dtype=np.float64)
        full = np.zeros((len(proba), k))
        full[:, classes] = proba  # a class the estimator never saw has probability 0
        func = {"neg_log_loss": soft_log_loss, "neg_brier_score": soft_brier_score,
                "neg_ece": expected_calibration_error}[self.name]
        return -func(y_true, full)

    def __repr__(self) -> str:
        return f"make_soft_scorer({self.name!r})"


SCORER_NAMES = ("accuracy", "expected_accuracy", "neg_log_loss", "neg_brier_score", "neg_ece")
