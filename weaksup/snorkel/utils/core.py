"""Snorkel's label utilities (``snorkel.utils``) on weaksup's :mod:`weaksup.utils`."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

import numpy as np

from weaksup.errors import ModelInputError
from weaksup.utils import preds_to_probs as _preds_to_probs
from weaksup.utils import probs_to_preds as _probs_to_preds

TIE_BREAK_POLICIES = ("random", "true-random", "abstain")


def _hash(i: int) -> int:
    """Snorkel's deterministic per-row hash (SHA-1 of the row number), which picks among tied classes."""
    return int(hashlib.sha1(str(i).encode("utf-8")).hexdigest(), 16)


def probs_to_preds(probs: np.ndarray, tie_break_policy: str = "random", tol: float = 1e-5) -> np.ndarray:
    """Hard labels from probabilities; ties (within ``tol``) broken as Snorkel breaks them.

    ``"random"`` (the default, as in Snorkel) picks a tied class by a deterministic hash of the
    row number, so the same probabilities always give the same labels, exactly Snorkel's;
    ``"true-random"`` draws from NumPy's global generator; ``"abstain"`` returns -1.
    (weaksup's native :func:`weaksup.probs_to_preds` defaults to ``tie_break="abstain"``.)

    Examples
    --------
    >>> probs_to_preds(np.array([[0.5, 0.5], [0.2, 0.8]]), tie_break_policy="abstain").tolist()
    [-1, 1]
    """
    if tie_break_policy not in TIE_BREAK_POLICIES:
        raise ValueError(f"tie_break_policy={tie_break_policy} policy not recognized; use one of {TIE_BREAK_POLICIES}")
    P = np.asarray(probs, dtype=np.float64)
    if P.ndim != 2 or P.shape[1] <= 1:
        raise ValueError(f"probs must have probabilities for at least 2 classes, got shape {P.shape}")
    # NumPy's argmax would silently call a NaN (or +inf) the row's class; -inf (a log-probability of 0) is
    # never the top class, as in Snorkel, unless the whole row is -inf
    bad = np.isnan(P).any(axis=1) | np.isposinf(P).any(axis=1) | ~np.isfinite(P).any(axis=1)
    if bad.any():
        row = int(np.argmax(bad))
        raise ModelInputError(f"probs row {row} holds NaN or inf where a number is needed: {P[row].tolist()}")
    diffs = np.abs(P - P.max(axis=1, keepdims=True))
    tied = diffs < tol
    preds = _probs_to_preds(P, tie_break="abstain", tol=tol)  # the argmax where one class wins
    for i in np.flatnonzero(tied.sum(axis=1) > 1):
        candidates = np.flatnonzero(tied[i])
        if tie_break_policy == "random":
            preds[i] = candidates[_hash(int(i)) % len(candidates)]
        elif tie_break_policy == "true-random":
            preds[i] = np.random.choice(candidates)
        else:
            preds[i] = -1
    return preds.astype(np.int_)


def preds_to_probs(preds: np.ndarray, num_classes: int) -> np.ndarray:
    """One-hot probabilities from labels ``0..num_classes-1``.

    Examples
    --------
    >>> preds_to_probs(np.array([1, 0]), 2).tolist()
    [[0.0, 1.0], [1.0, 0.0]]
    """
    return _preds_to_probs(np.asarray(preds).ravel(), num_classes)


def to_int_label_array(X: np.ndarray, flatten_vector: bool = True) -> np.ndarray:
    """Labels as an int array; ``ValueError`` on a non-integer value (and, flattening, on a 2-D matrix).

    Examples
    --------
    >>> to_int_label_array(np.array([[1.0], [0.0]])).tolist()
    [1, 0]
    """
    X = np.asarray(X)
    if X.dtype.kind == "f" and np.any(np.mod(X, 1) != 0):
        row = int(np.argmax(np.mod(X, 1).reshape(len(X), -1).any(axis=1)))
        raise ValueError(f"Input contains at least one non-integer value (row {row}: {X[row]!r})")
    X = X.astype(np.int_)
    if flatten_vector:
        X = np.atleast_1d(X.squeeze())
        if X.ndim != 1:
            raise ValueError(f"Input could not be converted to 1d np.array (shape {X.shape})")
    return X


def filter_labels(label_dict: Mapping[str, np.ndarray | None],
                  filter_dict: Mapping[str, Sequence[int]]) -> dict[str, np.ndarray | None]:
    """Drop the rows where any label set in ``filter_dict`` holds one of its listed values (e.g. abstains).

    Examples
    --------
    >>> out = filter_labels({"golds": np.array([-1, 0, 1]), "preds": np.array([0, -1, 1])},
    ...                     {"golds": [-1], "preds": [-1]})
    >>> out["golds"].tolist(), out["preds"].tolist()
    ([1], [1])
    """
    n = next(len(v) for v in label_dict.values() if v is not None)
    keep = np.ones(n, dtype=bool)
    for name, values in filter_dict.items():
        labels = label_dict.get(name)
        if labels is not None:
            keep &= ~np.isin(np.asarray(labels), list(values))
    return {name: None if v is None else np.asarray(v)[keep] for name, v in label_dict.items()}


