"""``fit_soft``: train any scikit-learn classifier on probabilistic labels by expanding rows into weighted copies."""

from __future__ import annotations

from typing import Any

import numpy as np

from weaksup._validation import check_sample_weight, n_rows, take_rows
from weaksup.errors import ModelInputError
from weaksup.train._checks import check_aligned, check_weights_aligned, class_ordered, frame_hint
from weaksup.train._weights import MODES as WEIGHT_MODES
from weaksup.train._weights import soft_class_weight
from weaksup.utils import check_probs


def expand_soft_labels(
    X: Any, probs: Any, sample_weight: Any = None, min_weight: float = 0.0
) -> tuple[Any, np.ndarray, np.ndarray, np.ndarray]:
    """Expand each row into one copy per class, weighted ``prob x sample_weight``.

    Copies whose weight is ``<= min_weight`` are dropped, so confident rows cost one
    copy. Sparse ``X`` stays sparse (rows are gathered, never densified).

    Returns
    -------
    X_expanded, y_expanded, weights, source_rows
        ``source_rows[i]`` is the row of ``X`` that copy ``i`` came from.

    Examples
    --------
    >>> import numpy as np
    >>> Xe, ye, we, src = expand_soft_labels(np.array([[1.0], [2.0]]), [[0.25, 0.75], [1.0, 0.0]])
    >>> ye.tolist(), we.tolist(), src.tolist()
    ([0, 1, 0], [0.25, 0.75, 1.0], [0, 0, 1])
    """
    if isinstance(min_weight, bool) or not isinstance(min_weight, (int, float, np.integer, np.floating)) \
            or not np.isfinite(min_weight):
        raise ModelInputError(f"min_weight must be a finite number, got {min_weight!r}")
    check_aligned(X, probs, "X", "probs")
    check_weights_aligned(X, probs, sample_weight, "probs")
    probs = class_ordered(probs)
    n = n_rows(X)
    try:
        P = check_probs(probs, name="probs")
    except ModelInputError as exc:
        raise frame_hint(probs, "probs", exc) from exc
    if len(P) != n:
        raise ModelInputError(f"X has {n} rows but probs has {len(P)}: they must be aligned row for row")
    w = check_sample_weight(sample_weight, n)
    W = P * w[:, None]
    src, cls = np.nonzero(W > min_weight)  # row-major: copies of a row stay together, in order
    if not len(src):
        raise ModelInputError("every row has zero weight after multiplying probs by sample_weight")
    return take_rows(X, src), cls.astype(np.int64), W[src, cls], src


def fit_soft(
    estimator: Any,
    X: Any,
    probs: Any,
    sample_weight: Any = None,
    weight_param: str = "sample_weight",
    class_weight: str | None = "auto",
    **fit_params: Any,
) -> Any:
    """Fit any scikit-learn classifier on probabilistic labels; returns the fitted estimator.

    Each row becomes k rows (one per class) weighted by ``probs[i, c] * sample_weight[i]``,
    which makes a weighted log-loss equal to the soft-label cross entropy. Zero-weight
    copies are dropped. Classes get the labels ``0..k-1``; a class with no weight anywhere
    is missing from ``estimator.classes_``. ``class_weight="balanced"`` (on the estimator or a
    Pipeline step) weighs each class by its soft-label mass, ``n / (k * sum_i probs[i, c])``,
    whichever scikit-learn version or estimator (a row count would make the classes equal).
    Where the estimator sets no class weight, ``class_weight="auto"`` (default) weighs the copies
    of class c by ``mass_c ** -1/2`` (see :func:`weaksup.train.soft_class_weight`), so a label model that
    is under-confident for one class does not make the classifier drift to the other.

    Parameters
    ----------
    estimator : scikit-learn classifier whose ``fit`` accepts sample weights
    X : array, sparse matrix or DataFrame (n rows)
    probs : array (n, k)
    sample_weight : array (n,), optional
    weight_param : str
        Name of the fit argument taking the weights, e.g. ``"logisticregression__sample_weight"``
        for a Pipeline.
    class_weight : {"auto", "balanced"} or None
        Class weighting applied through the copies' weights when the estimator's own
        ``class_weight`` is unset; ``None`` gives the plain soft cross entropy.
    **fit_params
        Passed on to ``estimator.fit``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> probs = np.array([[0.9, 0.1], [0.7, 0.3], [0.3, 0.7], [0.1, 0.9]])
    >>> fit_soft(LogisticRegression(), X, probs).predict(X).tolist()
    [0, 0, 1, 1]
    """
    from sklearn.utils.validation import has_fit_parameter

    if weight_param == "sample_weight" and not has_fit_parameter(estimator, "sample_weight"):
        raise ModelInputError(
            f"{type(estimator).__name__}.fit takes no sample_weight, so it cannot learn from probabilistic labels; "
            "for a Pipeline pass weight_param='<step>__sample_weight'"
        )
    if class_weight is not None and class_weight not in WEIGHT_MODES:
        raise ModelInputError(f"class_weight must be one of {WEIGHT_MODES} or None, got {class_weight!r}")
    probs = class_ordered(probs)  # the class weights below must read the columns as expand_soft_labels does
    Xe, ye, we, _ = expand_soft_labels(X, probs, sample_weight)
    own = {key: value for key, value in estimator.get_params(deep=True).items()
           if key.split("__")[-1] == "class_weight"}
    balanced = [key for key, value in own.items() if isinstance(value, str) and value == "balanced"]
    if not balanced:
        if class_weight is not None and all(value is None for value in own.values()):
            P = check_probs(probs, name="probs")
            cw = soft_class_weight(class_weight, P, check_sample_weight(sample_weight, len(P)))
            we = we * cw[ye]
        return estimator.fit(Xe, ye, **{weight_param: we}, **fit_params)
    # Where "balanced" counts rows and ignores sample weights (older scikit-learn's compute_class_weight,
    # and estimators that do not pass the weights on), every row's k copies would make all classes weigh alike.
    # Balance by each class's soft-label mass here, for every estimator and version, then restore the setting.
    mass = np.bincount(ye, weights=we)
    present = mass > 0
    class_weight = np.zeros(len(mass))
    class_weight[present] = we.sum() / (present.sum() * mass[present])
    estimator.set_params(**dict.fromkeys(balanced, None))
    try:
        return estimator.fit(Xe, ye, **{weight_param: we * class_weight[ye]}, **fit_params)
    finally:
        estimator.set_params(**dict.fromkeys(balanced, "balanced"))
