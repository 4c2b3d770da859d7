"""Input checks shared by the weak-label functions: rows named by position, mask or id; frames aligned by id.

They live here rather than in :mod:`weaksup._validation` because they need a label matrix's row ids and LF
names, which only the quality stage holds together with the features and the probabilities.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from weaksup._validation import in_row_order, n_rows
from weaksup.errors import ModelInputError


def plain(value: Any) -> Any:
    """A NumPy scalar as the Python value it holds, so a message reads ``row 7``, not ``row np.int64(7)``."""
    return value.item() if type(value).__module__ == "numpy" and hasattr(value, "item") else value


def row_positions(values: Any, index: pd.Index, name: str) -> np.ndarray:
    """Row positions from a boolean mask, integer positions or row ids (values of ``index``).

    Non-integer values, and a pandas Index when ``index`` is not ``0..n-1``, are read as row ids (as
    :func:`~weaksup.quality.suggest_labels` reads ``exclude``); integers are positions.

    Examples
    --------
    >>> idx = pd.Index(["a", "b", "c"])
    >>> row_positions([True, False, True], idx, "x").tolist(), row_positions(["c"], idx, "x").tolist()
    ([0, 2], [2])
    >>> row_positions(pd.Index(["b", "a"]), idx, "x").tolist(), row_positions([1], idx, "x").tolist()
    ([1, 0], [1])
    """
    n = len(index)
    if values is None:
        return np.zeros(0, dtype=np.int64)
    if isinstance(values, (set, frozenset)):
        values = list(values)
    if isinstance(values, pd.Series) and pd.api.types.is_bool_dtype(values.dtype):
        if values.hasnans:  # a nullable "boolean" mask with a gap: read as ids, it named none of the rows
            at = values.index[values.isna().to_numpy()][0]
            raise ModelInputError(f"{name} mask has no value (NA) at row {plain(at)!r}; fill the gaps first, e.g. "
                                  f"{name}.fillna(False)")
        values = in_row_order(values.astype(bool), index, strict=False)  # a mask indexed by the row ids, in another order
    by_id = isinstance(values, pd.Index) and not index.equals(pd.RangeIndex(n))
    arr = values.to_numpy() if isinstance(values, (pd.Index, pd.Series)) else _ids_array(values)
    arr = arr.ravel() if arr.ndim > 1 and arr.size == max(arr.shape) else arr
    if arr.ndim != 1:
        raise ModelInputError(f"{name} must be a 1-D mask, positions or row ids, got shape {arr.shape}")
    if arr.dtype == bool:
        if arr.shape != (n,):
            raise ModelInputError(f"{name} mask has {len(arr)} entries, expected {n} (one per row)")
        return np.flatnonzero(arr)
    if not len(arr):
        return np.zeros(0, dtype=np.int64)
    if not by_id and arr.dtype.kind in "iu":
        pos = arr.astype(np.int64)
    elif not by_id and arr.dtype.kind == "f" and np.isfinite(arr).all() and (arr == np.round(arr)).all():
        pos = arr.astype(np.int64)
    elif not by_id and arr.dtype.kind == "f":
        bad = arr[~(np.isfinite(arr) & (arr == np.round(arr)))][0]
        raise ModelInputError(f"{name} must hold row positions (integers) or row ids; got {plain(bad)!r}")
    else:
        if not index.is_unique:
            raise ModelInputError(f"{name} names rows by id, but the label matrix's row ids are not unique")
        pos = index.get_indexer(pd.Index(arr))
        if (pos < 0).any():
            missing = pd.Index(arr)[pos < 0][:3].tolist()
            raise ModelInputError(f"{name} holds {int((pos < 0).sum())} row ids the label matrix does not have, "
                                  f"e.g. {[plain(v) for v in missing]}")
        return pos.astype(np.int64)
    if (pos < 0).any() or (pos >= n).any():
        bad = int(pos[(pos < 0) | (pos >= n)][0])
        ids = index.is_unique and bool(pd.Index(pos).isin(index).all())
        hint = "; they are row ids of L: pass them as a pandas Index, pd.Index(ids)" if ids else ""
        raise ModelInputError(f"{name} positions must be in 0..{n - 1}, got {bad}{hint}")
    return pos


def _ids_array(values: Any) -> np.ndarray:
    """``values`` as a 1-D array, keeping row ids as given: NumPy would turn ``[0, "a"]`` into ``["0", "a"]``
    (ids no row has) and a list of MultiIndex tuples into a 2-D array of their parts."""
    if isinstance(values, (list, tuple)) and len(values) and (
            any(isinstance(v, tuple) for v in values)
            or (any(isinstance(v, str) for v in values) and not all(isinstance(v, str) for v in values))):
        out = np.empty(len(values), dtype=object)
        for i, v in enumerate(values):
            out[i] = v
        return out
    return np.asarray(values)


def check_n_rows(X: Any, n: int, name: str = "X") -> None:
    """``X`` must have one row per row of the label matrix."""
    m = n_rows(X)
    if m != n:
        raise ModelInputError(f"{name} has {m} rows but L has {n}: give the features of the same rows, in order")


def check_numeric_features(X: Any, index: pd.Index, name: str = "X") -> None:
    """What the default estimator (logistic regression) needs: a 2-D matrix of finite numbers.

    Names the row (by id) and the column that holds text or NaN, instead of scikit-learn's message.
    """
    hint = ("the default estimator needs numeric features: vectorize texts first (e.g. "
            "TfidfVectorizer().fit_transform(texts)) or pass an estimator that takes them (a Pipeline)")
    if sp.issparse(X):
        data = np.asarray(X.data)
        if data.dtype.kind not in "biuf":
            raise ModelInputError(f"{name} holds {data.dtype} values; {hint}")
        bad = ~np.isfinite(data)
        if bad.any():
            csr = X.tocsr()
            bad_at = int(np.flatnonzero(~np.isfinite(csr.data))[0])
            row = int(np.searchsorted(csr.indptr, bad_at, side="right") - 1)
            raise ModelInputError(f"{name} row {plain(index[row])!r} holds {csr.data[bad_at]} (NaN or inf)")
        return
    if isinstance(X, pd.Series) or (isinstance(X, (list, tuple)) and len(X) and isinstance(X[0], str)):
        first = X.iloc[0] if isinstance(X, pd.Series) else X[0]
        if not isinstance(X, pd.Series) or not pd.api.types.is_numeric_dtype(X.dtype):
            raise ModelInputError(f"{name} is one value per row (row {plain(index[0])!r}: {str(first)[:60]!r}), not a feature "
                                  f"matrix; {hint}")
    if isinstance(X, pd.DataFrame):
        text = [c for c in X.columns if not (pd.api.types.is_numeric_dtype(X[c].dtype)
                                             or pd.api.types.is_bool_dtype(X[c].dtype))]
        if text:
            raise ModelInputError(f"{name} column {text[0]!r} holds {X[text[0]].dtype} values; {hint}")
        arr = X.to_numpy(dtype=np.float64, na_value=np.nan)
    elif isinstance(X, np.ndarray) and X.dtype.kind in "biuf":
        arr = X  # no float64 copy of a large float32 embedding matrix
    else:
        try:
            arr = np.asarray(X, dtype=np.float64)
        except (TypeError, ValueError):
            raise ModelInputError(f"{name} holds values that are not numbers; {hint}") from None
    if arr.ndim != 2:
        raise ModelInputError(f"{name} must be 2-D (rows x features), got shape {arr.shape}; for one feature use "
                              f"X.reshape(-1, 1)")
    if arr.dtype.kind in "biu":
        return
    with np.errstate(over="ignore", invalid="ignore"):  # a row holding NaN or inf sums to NaN or inf
        suspect = np.flatnonzero(~np.isfinite(arr.sum(axis=1, dtype=np.float64)))
    bad = [r for r in suspect if not np.isfinite(arr[r]).all()]  # not rows whose huge values overflow the sum
    if bad:
        row = int(bad[0])
        col = int(np.argmin(np.isfinite(arr[row])))
        colname = X.columns[col] if isinstance(X, pd.DataFrame) else col
        raise ModelInputError(f"{name} row {plain(index[row])!r} holds {arr[row, col]} (NaN or inf) in column {colname!r}; "
                              f"the default estimator cannot take NaN or inf: impute or clip them, or pass an estimator "
                              f"that can")


def check_votes_fit(L: Any, k: int) -> None:
    """Every vote of ``L`` must be a class of ``probs`` (``0..k-1``): else the probabilities are from another L."""
    data = L.csr.data
    if not len(data) or int(data.max()) - 1 < k:
        return
    at = int(np.flatnonzero(data.astype(np.int64) - 1 >= k)[0])
    row = int(np.searchsorted(L.csr.indptr, at, side="right") - 1)
    lf = L.lf_names[int(L.csr.indices[at])]
    raise ModelInputError(f"LF {lf!r} votes {int(data[at]) - 1} at row {plain(L.index[row])!r}, but probs has {k} classes "
                          f"(0..{k - 1}); were the probabilities predicted from this label matrix?")
