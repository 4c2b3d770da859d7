"""CleanTrainer: find label issues by cross-validation, drop them, refit on the rest."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone

from weaksup._validation import check_sample_weight
from weaksup.errors import ModelInputError, NotFittedError, ParameterTypeError
from weaksup.quality._checks import check_labels_probs
from weaksup.quality.confident_learning import find_label_issues
from weaksup.quality.cross_val import (
    align_to_features,
    cross_val_predict_proba,
    fit_on_targets,
    n_rows,
    proba_in_class_order,
    split_targets,
    take_rows,
)


class CleanTrainer(ClassifierMixin, BaseEstimator):
    """Train any classifier on the examples whose labels confident learning does not flag.

    ``fit(X, labels)`` computes out-of-fold probabilities with ``cv_folds`` folds, flags
    label issues with :func:`find_label_issues`, and fits a clone of ``estimator`` on the
    remaining rows. Hard labels and soft labels (``n x k``; judged by their argmax) both work;
    soft labels go to a :class:`~weaksup.train.SoftLabelClassifier` as they are and to other
    estimators through :func:`~weaksup.train.fit_soft`.

    Parameters
    ----------
    estimator : scikit-learn classifier with ``predict_proba``
    cv_folds : int
    find_issues_kwargs : dict, optional
        Passed to :func:`find_label_issues` (e.g. ``{"method": "both"}``).
    seed : int or None
        Seeds the fold split.

    Attributes
    ----------
    estimator_ : the classifier refitted on the kept rows
    label_issues_ : ndarray of bool (n,)
        Rows dropped as label issues.
    pred_probs_ : ndarray (n, k)
        The out-of-fold probabilities used.
    classes_ : ndarray
        ``0..k-1``.
    n_features_in_ : int
        ``estimator_``'s, where it has one.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> rng = np.random.default_rng(0)
    >>> X = np.r_[rng.normal(-2, 1, (50, 2)), rng.normal(2, 1, (50, 2))]
    >>> y = np.r_[np.zeros(50, int), np.ones(50, int)]
    >>> y_noisy = y.copy(); y_noisy[[0, 1, 60]] = [1, 1, 0]
    >>> ct = CleanTrainer(LogisticRegression(), cv_folds=5, seed=0).fit(X, y_noisy)
    >>> np.flatnonzero(ct.label_issues_).tolist()
    [0, 1, 60]
    >>> ct.score(X, y)
    1.0
    """

    def __init__(
        self,
        estimator: Any,
        cv_folds: int = 5,
        find_issues_kwargs: dict | None = None,
        seed: int | None = 0,
    ) -> None:
        self.estimator = estimator
        self.cv_folds = cv_folds
        self.find_issues_kwargs = find_issues_kwargs
        self.seed = seed

    def __sklearn_tags__(self):
        from sklearn.utils import get_tags

        tags = super().__sklearn_tags__()
        # X goes to clones of estimator as it is: sparse X works where that estimator takes it
        tags.input_tags.sparse = self.estimator is not None and get_tags(self.estimator).input_tags.sparse
        return tags

    def fit(self, X: Any, labels: Any, pred_probs: Any = None, sample_weight: Any = None) -> CleanTrainer:
        """Find label issues, drop them, refit; returns ``self``.

        ``pred_probs`` (n x k), when given, are used as the out-of-sample probabilities and
        the cross-validation is skipped. With a DataFrame ``X`` indexed by row ids, a ``labels`` Series
        and a ``pred_probs`` DataFrame (and a ``sample_weight`` Series) indexed by the same ids in another
        order are matched by id. ``sample_weight`` (one per row) weighs the kept rows in the final fit, as
        cleanlab's ``CleanLearning.fit`` does (the cross-validation that finds the issues is unweighted).
        """
        import inspect

        known = set(inspect.signature(find_label_issues).parameters) - {"labels", "pred_probs"}
        try:
            kwargs = dict(self.find_issues_kwargs or {})
        except (TypeError, ValueError):
            raise ParameterTypeError(f"find_issues_kwargs must be a dict of find_label_issues arguments, got "
                                     f"{type(self.find_issues_kwargs).__name__}") from None
        unknown = sorted(set(kwargs) - known, key=str)
        if unknown:  # checked before the cross-validation, not after it as find_label_issues' TypeError
            raise ParameterTypeError(f"find_issues_kwargs has {unknown}, which find_label_issues does not take; it "
                                     f"takes {sorted(known)}")
        n = n_rows(X)
        if sample_weight is not None:  # checked before any model is fitted
            sample_weight = check_sample_weight(align_to_features(sample_weight, X), n)
        labels = align_to_features(labels, X)  # a Series by the ids of a DataFrame X, in its row order
        y, probs, k = split_targets(labels, n)
        present = np.flatnonzero(np.bincount(y, minlength=k))
        if len(present) < 2:
            which = f"every label is class {int(present[0])}" if len(present) else "there are no labels"
            raise ModelInputError(f"{which}: a classifier needs at least two classes to train on, and confident "
                                  f"learning cannot find a wrong label among one")
        if pred_probs is not None:
            pred_probs = align_to_features(pred_probs, X)
        else:
            pred_probs = cross_val_predict_proba(
                self.estimator, X, labels if probs is None else probs, n_folds=self.cv_folds, seed=self.seed,
                cardinality=k,
            )
        kwargs.pop("return_indices_ranked_by", None)  # we need the mask
        issues = find_label_issues(y, pred_probs, **kwargs)
        keep = np.flatnonzero(~np.asarray(issues))
        est = clone(self.estimator)
        fit_on_targets(est, take_rows(X, keep), y[keep], None if probs is None else probs[keep],
                       None if sample_weight is None else sample_weight[keep])
        self.estimator_ = est
        self.label_issues_ = np.asarray(issues)
        self.pred_probs_ = check_labels_probs(y, pred_probs)[1]  # as judged: a frame's columns in class order
        self.classes_ = np.arange(k)
        self.n_classes_ = k
        if hasattr(est, "n_features_in_"):  # scikit-learn's contract: the width X must have at predict
            self.n_features_in_ = est.n_features_in_
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "estimator_"):
            raise NotFittedError("CleanTrainer is not fitted; call fit(X, labels) first")

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities of the refitted estimator, columns ``0..k-1``."""
        self._check_fitted()
        return proba_in_class_order(self.estimator_, X, self.n_classes_)

    def predict(self, X: Any) -> np.ndarray:
        """Hard predictions of the refitted estimator."""
        return self.predict_proba(X).argmax(axis=1)

    def score(self, X: Any, y: Any, sample_weight: Any = None) -> float:
        """Accuracy against hard labels ``y``, read as ``fit`` reads them (integral floats, integer text)."""
        from sklearn.metrics import accuracy_score

        pred = self.predict(X)
        y_true, _, _ = split_targets(align_to_features(y, X), len(pred))  # a class never trained on: just wrong
        return float(accuracy_score(y_true, pred, sample_weight=sample_weight))
