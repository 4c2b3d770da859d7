"""Input checks, once: probabilities, gold labels (partial, by id, as class names), integer labels.

Every stage validates through these functions, so a bad input gets the same typed error naming the row and
the value wherever it enters (the role of ``sklearn.utils.validation``).

Gold labels as people have them (:func:`align_labels`):

* a pandas Series is matched to the rows by id, in any order; with ``allow_abstain`` it may cover only some
  rows (the rest are unknown, ``-1``), and missing values (NaN, None, empty text) are unknown too;
* labels are class ids ``0..k-1`` (``-1`` = unknown), or class names when ``class_names`` is given.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from weaksup.errors import ModelInputError

UNKNOWN = -1


def check_probs(probs: Any, cardinality: int | None = None, name: str = "probs", atol: float = 1e-4) -> np.ndarray:
    """Validate an ``n x k`` matrix of class probabilities and return it as float64.

    Raises :class:`~weaksup.errors.ModelInputError` naming the first bad row.

    Examples
    --------
    >>> check_probs([[0.2, 0.8]]).shape
    (1, 2)
    """
    if isinstance(probs, pd.DataFrame):
        probs = probs.to_numpy()
    arr = np.asarray(probs, dtype=np.float64)
    if arr.ndim != 2:
        raise ModelInputError(f"{name} must be a 2-D n x k array, got shape {arr.shape}")
    if cardinality is not None and arr.shape[1] != cardinality:
        raise ModelInputError(f"{name} has {arr.shape[1]} columns, expected k = {cardinality}")
    if arr.size:
        finite = np.isfinite(arr).all(axis=1)
        if not finite.all():
            row = int(np.argmin(finite))
            raise ModelInputError(f"{name} row {row} holds a non-finite value: {arr[row].tolist()}")
        neg = (arr < -atol).any(axis=1)
        if neg.any():
            row = int(np.argmax(neg))
            raise ModelInputError(f"{name} row {row} holds a negative probability: {arr[row].tolist()}")
        sums = arr.sum(axis=1)
        off = np.abs(sums - 1) > atol
        if off.any():
            row = int(np.argmax(off))
            raise ModelInputError(f"{name} row {row} sums to {sums[row]:.6g}, not 1: {arr[row].tolist()}")
    return arr


def _is_missing(values: np.ndarray) -> np.ndarray:
    if values.dtype.kind == "f":
        return np.isnan(values)
    if values.dtype == object:
        return np.array([v is None or (isinstance(v, float) and v != v) or (isinstance(v, str) and not v.strip())
                         for v in values], dtype=bool)
    return np.zeros(len(values), dtype=bool)


def check_int_labels(values: Any, name: str = "Y", cardinality: int | None = None, allow_abstain: bool = False,
                     ids: Sequence[Any] | pd.Index | None = None, class_names: Sequence[Any] | None = None
                     ) -> np.ndarray:
    """Labels as an int64 array of class ids: the one integer-label check.

    Integers, integral floats and integer text (``"1"``) are class ids; with ``class_names`` a value equal to
    a name is that class's id. With ``allow_abstain``, ``-1`` and missing values (NaN, None, empty text) are
    unknown (``-1``). Anything else raises :class:`~weaksup.errors.ModelInputError` naming the row (by id when
    ``ids`` is given) and the value.

    Examples
    --------
    >>> check_int_labels([1, 0.0, "1"]).tolist()
    [1, 0, 1]
    >>> check_int_labels(["SPAM", None, "HAM"], class_names=["HAM", "SPAM"], allow_abstain=True).tolist()
    [1, -1, 0]
    """
    y = np.asarray(values)
    if y.ndim != 1:
        raise ModelInputError(f"{name} must be 1-D, got shape {y.shape}")

    def where(i: int) -> str:
        return f"row {ids[i]!r}" if ids is not None else f"row {i}"

    missing = _is_missing(y)
    if missing.any() and not allow_abstain:
        i = int(np.argmax(missing))
        raise ModelInputError(f"{name} has no label at {where(i)} ({y[i]!r}); every row needs one here")
    if y.size and y.dtype.kind not in "iu":
        names = {str(c): i for i, c in enumerate(class_names)} if class_names is not None else {}
        out = np.full(len(y), UNKNOWN, dtype=np.int64)
        for i, v in enumerate(y):
            if missing[i]:
                continue
            if class_names is not None and str(v).strip() in names:
                out[i] = names[str(v).strip()]
                continue
            try:
                if isinstance(v, (bool, np.bool_)):
                    raise ValueError
                f = float(v.strip()) if isinstance(v, str) else float(v)
                if f != round(f):
                    raise ValueError
                out[i] = int(f)
            except (TypeError, ValueError):
                hint = (f"; class names are {list(class_names)}" if class_names is not None
                        else "; pass class_names=[...] to give labels as class names")
                raise ModelInputError(f"{name} must hold integer class ids; {where(i)} holds {v!r}{hint}") from None
        y = out
    y = y.astype(np.int64)
    low = UNKNOWN if allow_abstain else 0
    k = cardinality if cardinality is not None else (len(class_names) if class_names is not None else None)
    bad = y < low
    if k is not None:
        bad |= y >= k
    if bad.any():
        i = int(np.argmax(bad))
        top = f"0..{k - 1}" if k is not None else ">= 0"
        unknown = " (-1 = unknown)" if allow_abstain else ""
        raise ModelInputError(f"{name} label {y[i]} at {where(i)} is out of range ({top}){unknown}")
    return y


def align_labels(Y: Any, index: pd.Index | None = None, cardinality: int | None = None, name: str = "Y",
                 allow_abstain: bool = False, class_names: Sequence[Any] | None = None) -> np.ndarray:
    """Gold labels as an int array aligned to ``index`` (see the module docstring for what is accepted).

    A pandas Series is aligned by row id (so a shuffled Series still lines up); with ``allow_abstain`` it
    may hold only some of the ids (the others are unknown, ``-1``). Arrays must already be in row order.

    Examples
    --------
    >>> align_labels(pd.Series([1, 0], index=["b", "a"]), pd.Index(["a", "b"])).tolist()
    [0, 1]
    >>> align_labels(pd.Series(["SPAM"], index=["b"]), pd.Index(["a", "b"]), allow_abstain=True,
    ...              class_names=["HAM", "SPAM"]).tolist()
    [-1, 1]
    """
    ids = index
    if isinstance(Y, pd.Series):
        if index is not None and not Y.index.equals(index):
            if not (Y.index.is_unique and index.is_unique):
                raise ModelInputError(f"{name}'s row ids or the label matrix's are not unique, so {name} cannot "
                                      "be matched to the rows by id")
            extra = ~Y.index.isin(index)
            if extra.any():
                raise ModelInputError(f"{name} has labels for {int(extra.sum())} row ids the label matrix does not "
                                      f"have, e.g. {Y.index[extra][:3].tolist()}")
            if len(Y) != len(index) and not allow_abstain:
                absent = index[~index.isin(Y.index)]
                raise ModelInputError(f"{name} has no label for {len(absent)} of the {len(index)} rows, e.g. "
                                      f"{absent[:3].tolist()}; every row needs one here")
            Y = Y.reindex(index)  # ids it lacks: NaN, i.e. unknown
        values = Y.to_numpy()
        ids = index if index is not None else Y.index
    else:
        values = np.asarray(Y)
    if values.ndim != 1:
        raise ModelInputError(f"{name} must be 1-D, got shape {values.shape}")
    if index is not None and len(values) != len(index):
        raise ModelInputError(f"{name} has {len(values)} labels for {len(index)} rows")
    return check_int_labels(values, name=name, cardinality=cardinality, allow_abstain=allow_abstain,
                            ids=ids if isinstance(Y, pd.Series) else None, class_names=class_names)


def check_labels_probs(labels: Any, pred_probs: Any, name: str = "labels") -> tuple[np.ndarray, np.ndarray]:
    """Return ``(labels as int64, pred_probs as float64)`` after checking they fit together.

    ``pred_probs`` may be a DataFrame; a ``labels`` Series is then aligned to its index.

    Examples
    --------
    >>> y, P = check_labels_probs([0, 1], [[0.9, 0.1], [0.2, 0.8]])
    >>> y.tolist(), P.shape
    ([0, 1], (2, 2))
    """
    index = pred_probs.index if isinstance(pred_probs, pd.DataFrame) else None
    P = check_probs(pred_probs, name="pred_probs")
    if len(P) == 0:
        raise ModelInputError("pred_probs has no rows")
    if P.shape[1] < 2:
        raise ModelInputError(f"pred_probs needs at least 2 class columns, got {P.shape[1]}")
    if isinstance(labels, pd.Series) and index is None:
        labels = labels.to_numpy()
    y = align_labels(labels, index=index, cardinality=P.shape[1], name=name)
    if len(y) != len(P):
        raise ModelInputError(f"{name} has {len(y)} entries but pred_probs has {len(P)} rows")
    return y, P


def as_rng(seed: Any) -> np.random.Generator:
    """A private numpy Generator (never the global one).

    Examples
    --------
    >>> as_rng(0).integers(10) == as_rng(0).integers(10)
    np.True_
    """
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
