"""Out-of-sample predicted probabilities by stratified K-fold, from hard or soft (probabilistic) labels."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from weaksup._validation import in_row_order, is_whole_number, n_rows, take_rows
from weaksup.errors import ModelInputError, ParameterTypeError
from weaksup.quality._checks import class_ordered
from weaksup.utils import align_labels, check_probs


def split_targets(labels: Any, n: int, cardinality: int | None = None) -> tuple[np.ndarray, np.ndarray | None, int]:
    """``(hard_labels, soft_probs_or_None, k)`` from 1-D hard labels or an ``n x k`` probability matrix.

    Soft labels are stratified/judged by their argmax.
    """
    if isinstance(labels, pd.DataFrame) or np.ndim(labels) == 2:
        # a frame's columns named by class id, in another order: column j is not class j
        probs = check_probs(class_ordered(labels, "labels"), cardinality, name="labels")
        if len(probs) != n:
            raise ModelInputError(f"X has {n} rows but labels has {len(probs)}: they must be aligned row for row")
        return probs.argmax(axis=1), probs, probs.shape[1]
    if isinstance(labels, pd.Series):
        labels = labels.to_numpy()
    y = align_labels(labels, cardinality=cardinality, name="labels")
    if len(y) != n:
        raise ModelInputError(f"X has {n} rows but labels has {len(y)}: they must be aligned row for row")
    k = cardinality if cardinality is not None else max(2, int(y.max()) + 1 if len(y) else 2)
    return y, None, k


def check_seed(seed: Any) -> None:
    """What scikit-learn's fold split takes as ``random_state``: ``None``, a non-negative integer or a
    ``numpy.random.RandomState``; anything else (``"a"``, a NumPy ``Generator``) was scikit-learn's bare ValueError."""
    if seed is None or isinstance(seed, np.random.RandomState) or (is_whole_number(seed) and seed < 2**32):
        return
    raise ParameterTypeError(f"seed must be None, an integer in 0..2**32 - 1 or a numpy RandomState (the fold "
                             f"split's random_state), got {type(seed).__name__} {seed!r}")


def align_to_features(labels: Any, X: Any) -> Any:
    """Labels (a Series, or soft labels as a DataFrame) put in the row order of a DataFrame ``X`` with row ids.

    Matched by id when ``X`` has ids (an index other than ``0..n-1``) and ``labels`` holds the same ids in
    another order; otherwise labels are read in order, as before (an ``X`` indexed ``0..n-1``, e.g. a frame
    of embeddings, has no ids to match: a labels column shuffled without ``reset_index`` is still in order).
    """
    if isinstance(X, (pd.DataFrame, pd.Series)) and isinstance(labels, (pd.DataFrame, pd.Series)):
        return in_row_order(labels, X.index, strict=False)
    return labels


def fit_on_targets(estimator: Any, X: Any, y: np.ndarray, probs: np.ndarray | None,
                   sample_weight: np.ndarray | None = None) -> Any:
    """Fit on hard labels, or on soft labels natively (SoftLabelClassifier) or via ``fit_soft``.

    ``sample_weight`` (one per row, or ``None``) goes to the fit as ``sample_weight`` (a Pipeline's final step's).
    """
    from sklearn.pipeline import Pipeline

    last = estimator.steps[-1] if isinstance(estimator, Pipeline) else None
    # a Pipeline's fit routes weights only by step name: give them to its final classifier
    param = f"{last[0]}__sample_weight" if last is not None and last[1] not in (None, "passthrough") else "sample_weight"
    if probs is None:
        return estimator.fit(X, y) if sample_weight is None else estimator.fit(X, y, **{param: sample_weight})
    if getattr(estimator, "_accepts_probabilistic_labels", False):
        return estimator.fit(X, probs) if sample_weight is None else estimator.fit(X, probs, sample_weight=sample_weight)
    from weaksup.train import fit_soft  # later stage of the pipeline is fine here: quality comes after train

    return fit_soft(estimator, X, probs, sample_weight=sample_weight, weight_param=param)


def proba_in_class_order(estimator: Any, X: Any, k: int) -> np.ndarray:
    """``predict_proba`` with columns ``0..k-1`` even when the fitted model saw only some classes."""
    out = np.asarray(estimator.predict_proba(X), dtype=np.float64)
    classes = np.asarray(getattr(estimator, "classes_", np.arange(out.shape[1])))
    if out.shape[1] == k and np.array_equal(classes, np.arange(k)):
        return out
    full = np.zeros((out.shape[0], k))
    full[:, classes.astype(np.int64)] = out
    return full


def cross_val_predict_proba(
    estimator: Any,
    X: Any,
    labels: Any,
    n_folds: int = 5,
    seed: int | None = 0,
    cardinality: int | None = None,
) -> np.ndarray:
    """Out-of-fold ``n x k`` predicted probabilities, for confident learning.

    Each row's probabilities come from a clone of ``estimator`` fitted on the other
    folds (stratified on the hard label, or on the argmax of soft labels). Rows stay in
    the order of ``X``; a ``labels`` Series (or soft-label DataFrame) indexed by the same row ids as a
    DataFrame ``X`` in another order is matched to it by id. Where the other folds hold a single class (a class with fewer rows
    than folds, in a binary problem), that class gets probability 1: no classifier can be
    fitted on one class, and one that could would predict it.

    Parameters
    ----------
    estimator : scikit-learn classifier with ``predict_proba``
        Cloned per fold. With soft labels it is fitted natively if it is a
        :class:`~weaksup.train.SoftLabelClassifier`, else through :func:`weaksup.train.fit_soft`
        (a Pipeline gets the weights at its final step).
    X : array, sparse matrix, DataFrame or list (n rows)
    labels : array-like (n,) of ints, or (n, k) probabilities
    n_folds : int
    seed : int or None
        Seeds the fold shuffle.
    cardinality : int, optional
        Number of classes (inferred from the labels otherwise).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> X = np.r_[np.zeros((10, 1)), np.ones((10, 1))] + np.linspace(0, 0.1, 20)[:, None]
    >>> y = np.r_[np.zeros(10, int), np.ones(10, int)]
    >>> P = cross_val_predict_proba(LogisticRegression(), X, y, n_folds=5, seed=0)
    >>> P.shape, bool((P.argmax(1) == y).all())
    ((20, 2), True)
    """
    from sklearn.base import clone  # here, not at import: confident learning alone needs no scikit-learn
    from sklearn.model_selection import StratifiedKFold

    if isinstance(X, np.matrix):  # what .todense() returns; scikit-learn refuses it
        X = np.asarray(X)
    if not hasattr(estimator, "predict_proba"):
        raise ModelInputError(f"{type(estimator).__name__} has no predict_proba: give a classifier that predicts "
                              f"probabilities (e.g. LogisticRegression, or CalibratedClassifierCV around it)")
    if cardinality is not None and not is_whole_number(cardinality, 2):
        raise ModelInputError(f"cardinality must be None or an integer >= 2 (the number of classes), got {cardinality!r}")
    check_seed(seed)
    n = n_rows(X)
    y, probs, k = split_targets(align_to_features(labels, X), n, cardinality)
    if not is_whole_number(n_folds, 2):
        raise ModelInputError(f"n_folds must be an integer >= 2, got {n_folds!r}")
    counts = np.bincount(y, minlength=k)
    if counts.max() < n_folds:
        raise ModelInputError(f"every class has fewer than n_folds = {n_folds} examples; use fewer folds")
    out = np.zeros((n, k))
    skf = StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=seed)
    with warnings.catch_warnings():
        # a class rarer than n_folds only triggers sklearn's 'least populated class' warning
        warnings.filterwarnings("ignore", message="The least populated class", category=UserWarning)
        folds = list(skf.split(np.zeros(n), y))
    for train, test in folds:
        seen = np.unique(y[train]) if probs is None else np.flatnonzero(probs[train].sum(axis=0) > 0)
        if len(seen) == 1:  # a class too rare to reach every training fold: a model of one class predicts it
            out[test, seen[0]] = 1.0
            continue
        est = clone(estimator)
        fit_on_targets(est, take_rows(X, train), y[train], None if probs is None else probs[train])
        out[test] = proba_in_class_order(est, take_rows(X, test), k)
    return out
