"""Confidence filtering: train the end model only on rows with enough LF coverage or label-model confidence.

The threshold is a hyperparameter, so it is chosen on the dev split: one end model per candidate
threshold, keep the one with the best dev score.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone

from weaksup._validation import check_sample_weight, check_targets, n_rows, take_rows
from weaksup.errors import ModelInputError, NotFittedError
from weaksup.matrix import as_label_matrix
from weaksup.train._checks import check_aligned, class_ordered, keep_fit_on_error
from weaksup.train.soft_sklearn import fit_soft
from weaksup.utils import align_labels, check_probs

CRITERIA = ("confidence", "coverage")
METRICS = ("accuracy", "f1", "f1_macro")
DEFAULT_THRESHOLDS = {
    "confidence": (0.0, 0.55, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99),
    "coverage": (0, 1, 2, 3),
}


def confidence_mask(
    probs: Any = None, L: Any = None, threshold: float = 0.0, criterion: str = "confidence"
) -> np.ndarray:
    """Rows to keep: ``max(probs) >= threshold`` (``confidence``) or ``#votes >= threshold`` (``coverage``).

    Examples
    --------
    >>> confidence_mask([[0.5, 0.5], [0.1, 0.9]], threshold=0.8).tolist()
    [False, True]
    >>> confidence_mask(L=[[-1, -1], [1, -1]], threshold=1, criterion="coverage").tolist()
    [False, True]
    """
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float, np.integer, np.floating)) \
            or np.isnan(threshold):
        raise ModelInputError(f"threshold must be a number, got {threshold!r}")
    if criterion == "confidence":
        if probs is None:
            raise ModelInputError("criterion='confidence' needs probs")
        return check_probs(class_ordered(probs)).max(axis=1) >= threshold - 1e-12
    if criterion == "coverage":
        if L is None:
            raise ModelInputError("criterion='coverage' needs the label matrix L")
        return np.diff(as_label_matrix(L).csr.indptr) >= threshold
    raise ModelInputError(f"criterion must be one of {CRITERIA}, got {criterion!r}")


def accepts_probabilistic_labels(estimator: Any) -> bool:
    """Whether ``estimator.fit(X, probs)`` takes an ``n x k`` probability matrix directly."""
    return bool(getattr(estimator, "_accepts_probabilistic_labels", False))


def fit_on_probs(estimator: Any, X: Any, probs: np.ndarray, sample_weight: Any = None, hard: bool = False) -> Any:
    """Fit ``estimator`` on probabilistic labels: natively, through :func:`fit_soft`, or on their argmax.

    A scikit-learn ``Pipeline`` (e.g. ``TfidfVectorizer`` then a classifier, on raw text) gets the row
    weights through its last step, as ``<step>__sample_weight``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> X, P = np.array([[0.0], [3.0]]), np.array([[0.8, 0.2], [0.1, 0.9]])
    >>> fit_on_probs(LogisticRegression(), X, P, hard=True).predict(X).tolist()
    [0, 1]
    """
    prefix, final = _final_step(estimator)
    weight_param = prefix + "sample_weight"
    if hard:
        # argmax would read NaN or 1-D labels silently
        y = check_probs(class_ordered(probs), name="probs").argmax(axis=1)
        kw = {} if sample_weight is None else {weight_param: sample_weight}
        return estimator.fit(X, y, **kw)
    if accepts_probabilistic_labels(final):
        kw = {} if sample_weight is None else {weight_param: sample_weight}
        return estimator.fit(X, probs, **kw)
    return fit_soft(estimator, X, probs, sample_weight=sample_weight, weight_param=weight_param)


def _final_step(estimator: Any) -> tuple[str, Any]:
    """``("a__b__", last)`` for (nested) Pipelines, whose fit routes ``a__b__sample_weight`` to ``last``."""
    prefix = ""
    while hasattr(estimator, "steps") and hasattr(estimator, "_final_estimator"):
        name, estimator = estimator.steps[-1]
        prefix += name + "__"
    return prefix, estimator


def dev_score(estimator: Any, X_dev: Any, y_dev: np.ndarray, metric: str = "accuracy") -> float:
    """Score a fitted estimator on gold dev labels: ``accuracy``, binary ``f1`` (class 1) or ``f1_macro``."""
    from sklearn.metrics import accuracy_score, f1_score

    pred = np.asarray(estimator.predict(X_dev))
    if metric == "accuracy":
        return float(accuracy_score(y_dev, pred))
    if metric == "f1":
        return float(f1_score(y_dev, pred, pos_label=1, average="binary", zero_division=0))
    if metric == "f1_macro":
        return float(f1_score(y_dev, pred, average="macro", zero_division=0))
    raise ModelInputError(f"metric must be one of {METRICS}, got {metric!r}")


class ConfidenceFilter(ClassifierMixin, BaseEstimator):
    """Fit an end model on the confident rows only, with the threshold picked on dev labels.

    For each threshold it keeps the training rows passing :func:`confidence_mask`, fits a
    clone of ``estimator`` on their probabilistic labels (natively for
    :class:`SoftLabelClassifier`, via :func:`fit_soft` for other scikit-learn classifiers,
    or on argmax labels with ``hard_labels=True``) and scores it on ``(X_dev, y_dev)``.
    The best threshold's model is kept (ties go to the lower threshold: more data).

    Parameters
    ----------
    estimator : classifier
    thresholds : sequence of float, optional
        Candidates; defaults to ``DEFAULT_THRESHOLDS[criterion]``.
    criterion : {"confidence", "coverage"}
        Label-model confidence ``max(probs)``, or number of LF votes (needs ``L`` in fit).
    metric : {"accuracy", "f1", "f1_macro"}
        Dev metric to maximise.
    hard_labels : bool
        Train on argmax labels instead of probabilities.

    Attributes
    ----------
    threshold_ : float
    scores_ : dict
        Dev score per threshold (NaN where too few rows or classes were left).
    n_kept_ : dict
        Training rows kept per threshold.
    mask_ : ndarray of bool
        Training rows the chosen model saw.
    estimator_ : the fitted model
    classes_ : ndarray

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 2)); y = (X[:, 0] > 0).astype(int)
    >>> conf = np.where(rng.random(200) < 0.5, 0.95, 0.55)   # half the rows are barely labelled
    >>> P = np.column_stack([np.where(y == 0, conf, 1 - conf), np.where(y == 1, conf, 1 - conf)])
    >>> flt = ConfidenceFilter(LogisticRegression(), thresholds=[0.0, 0.9]).fit(X, P, X, y)
    >>> flt.threshold_ in (0.0, 0.9), flt.score(X, y) > 0.9
    (True, True)
    """

    def __init__(
        self,
        estimator: Any = None,
        thresholds: Sequence[float] | None = None,
        criterion: str = "confidence",
        metric: str = "accuracy",
        hard_labels: bool = False,
    ) -> None:
        self.estimator = estimator
        self.thresholds = thresholds
        self.criterion = criterion
        self.metric = metric
        self.hard_labels = hard_labels

    def fit(self, X: Any, probs: Any, X_dev: Any, y_dev: Any, L: Any = None, sample_weight: Any = None):
        """Try every threshold on ``(X, probs)``, keep the model with the best score on ``(X_dev, y_dev)``."""
        with keep_fit_on_error(self):
            return self._fit(X, probs, X_dev, y_dev, L, sample_weight)

    def _fit(self, X: Any, probs: Any, X_dev: Any, y_dev: Any, L: Any, sample_weight: Any) -> ConfidenceFilter:
        if self.estimator is None:
            from weaksup.train.classifier import SoftLabelClassifier

            base = SoftLabelClassifier()
        else:
            base = self.estimator
        if self.criterion not in CRITERIA:
            raise ModelInputError(f"criterion must be one of {CRITERIA}, got {self.criterion!r}")
        if self.metric not in METRICS:
            raise ModelInputError(f"metric must be one of {METRICS}, got {self.metric!r}")
        check_aligned(X, probs, "X", "probs")
        check_aligned(X_dev, y_dev, "X_dev", "y_dev")
        n = n_rows(X)
        P = check_probs(class_ordered(probs), name="probs")
        if len(P) != n:
            raise ModelInputError(f"X has {n} rows but probs has {len(P)}: they must be aligned row for row")
        if L is not None and as_label_matrix(L).n_rows != n:
            raise ModelInputError(f"L has {as_label_matrix(L).n_rows} rows but X has {n}")
        w = check_sample_weight(sample_weight, n)
        y_dev = align_labels(y_dev, cardinality=P.shape[1], name="y_dev")
        if n_rows(X_dev) != len(y_dev):
            raise ModelInputError(f"X_dev has {n_rows(X_dev)} rows but y_dev has {len(y_dev)}")
        thresholds = DEFAULT_THRESHOLDS[self.criterion] if self.thresholds is None else self.thresholds
        if isinstance(thresholds, (str, bytes)) or not np.iterable(thresholds):
            raise ModelInputError(f"thresholds must be a sequence of numbers, e.g. [{thresholds!r}]; got {thresholds!r}")
        thresholds = list(thresholds)
        if not thresholds:
            raise ModelInputError("thresholds is empty")
        for t in thresholds:  # each is checked here, before any model is fitted
            confidence_mask(P[:0] if self.criterion == "confidence" else None,
                            np.zeros((0, 1), dtype=int) if self.criterion == "coverage" else None, t, self.criterion)

        self.scores_, self.n_kept_ = {}, {}
        best, best_t, best_model, best_mask = -np.inf, None, None, None
        for t in sorted(thresholds):
            mask = confidence_mask(P, L, t, self.criterion)
            rows = np.flatnonzero(mask)
            self.n_kept_[t] = len(rows)
            present = np.unique(P[rows].argmax(axis=1)) if len(rows) else []
            if len(rows) < 2 or len(present) < 2:
                self.scores_[t] = float("nan")  # nothing sensible to fit
                continue
            model = fit_on_probs(clone(base), take_rows(X, rows), P[rows], w[rows], hard=self.hard_labels)
            score = dev_score(model, X_dev, y_dev, self.metric)
            self.scores_[t] = score
            if score > best:
                best, best_t, best_model, best_mask = score, t, model, mask
        if best_model is None:
            raise ModelInputError(f"no threshold in {thresholds} leaves rows of at least two classes to train on")
        self.threshold_, self.best_score_, self.estimator_, self.mask_ = best_t, best, best_model, best_mask
        self.classes_ = np.asarray(best_model.classes_)
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "estimator_"):
            raise NotFittedError("ConfidenceFilter is not fitted yet; call fit(X, probs, X_dev, y_dev) first")

    def predict(self, X: Any) -> np.ndarray:
        """Predictions of the model trained at the chosen threshold."""
        self._check_fitted()
        return self.estimator_.predict(X)

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities of the model trained at the chosen threshold."""
        self._check_fitted()
        return self.estimator_.predict_proba(X)

    def score(self, X: Any, y: Any, sample_weight: Any = None) -> float:
        """Accuracy against hard labels or the argmax of probabilistic labels ``y`` (n x k), as the end models."""
        from sklearn.metrics import accuracy_score

        check_aligned(X, y)
        pred = self.predict(X)
        probs, hard = check_targets(y, len(pred))
        if probs is None:
            return float(accuracy_score(hard, pred, sample_weight=sample_weight))
        classes = np.asarray(self.classes_)
        if len(classes) != probs.shape[1] and (classes.dtype.kind not in "iu" or classes.max() >= probs.shape[1]):
            raise ModelInputError(f"y has {probs.shape[1]} class columns; the model has classes {classes.tolist()}")
        # a model's classes are the column indices 0..k-1 (fit_soft may leave an unseen one out), or, with as
        # many classes as columns, the names of the columns in order
        gold = probs.argmax(axis=1) if classes.dtype.kind in "iu" else classes[probs.argmax(axis=1)]
        return float(accuracy_score(gold, pred, sample_weight=sample_weight))


def select_confidence_threshold(
    estimator: Any,
    X: Any,
    probs: Any,
    X_dev: Any,
    y_dev: Any,
    thresholds: Sequence[float] | None = None,
    L: Any = None,
    criterion: str = "confidence",
    metric: str = "accuracy",
    hard_labels: bool = False,
) -> tuple[float, dict[float, float], Any]:
    """Pick the filtering threshold on dev: returns ``(threshold, dev score per threshold, fitted model)``.

    A functional front to :class:`ConfidenceFilter`.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]]); P = np.array([[0.9, 0.1], [0.6, 0.4], [0.4, 0.6], [0.1, 0.9]])
    >>> t, scores, model = select_confidence_threshold(LogisticRegression(), X, P, X, [0, 0, 1, 1], [0.0, 0.8])
    >>> sorted(scores)
    [0.0, 0.8]
    """
    flt = ConfidenceFilter(estimator, thresholds, criterion, metric, hard_labels).fit(X, probs, X_dev, y_dev, L=L)
    return flt.threshold_, flt.scores_, flt.estimator_
