"""Input checks shared by the end-model tools: features, probabilistic or hard labels, weights.

Errors are :class:`~weaksup.errors.ModelInputError` (a ``ValueError``) naming the row and the value.
Nothing here imports torch at module level; torch tensors are recognised by duck typing.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from weaksup.errors import ModelInputError
from weaksup.utils import check_probs


def is_torch_tensor(x: Any) -> bool:
    """True for a ``torch.Tensor`` without importing torch when the caller never used it."""
    return type(x).__module__.startswith("torch") and hasattr(x, "detach") and hasattr(x, "is_sparse")


def n_rows(X: Any) -> int:
    """Number of rows of an array, sparse matrix, tensor, DataFrame or list."""
    shape = getattr(X, "shape", None)
    return int(shape[0]) if shape is not None else len(X)


def _sparse_bad_row(X: sp.csr_matrix | sp.csr_array) -> int | None:
    bad = np.flatnonzero(~np.isfinite(X.data))
    if not len(bad):
        return None
    return int(np.searchsorted(X.indptr, bad[0], side="right") - 1)


def check_features(X: Any, name: str = "X") -> Any:
    """Validate features and return them as float32: dense ndarray, CSR matrix, or a dense torch tensor.

    Sparse input stays sparse (only its ``data`` array is converted); a torch sparse
    tensor becomes a scipy CSR matrix. NaN or inf raise :class:`ModelInputError` naming the row.

    Examples
    --------
    >>> check_features([[1, 2], [3, 4]]).dtype
    dtype('float32')
    >>> import scipy.sparse as sp
    >>> sp.issparse(check_features(sp.eye(3, format="csr")))
    True
    """
    from sklearn.utils.validation import check_array

    if is_torch_tensor(X):
        if X.is_sparse or getattr(X, "layout", None) is not None and "sparse" in str(X.layout):
            coo = X.detach().to_sparse_coo().coalesce().cpu()
            idx = coo.indices().numpy()
            X = sp.csr_matrix((coo.values().numpy(), (idx[0], idx[1])), shape=tuple(coo.shape))
        else:
            if X.ndim != 2:
                raise ModelInputError(f"{name} must be 2-D (n_samples x n_features), got shape {tuple(X.shape)}")
            if X.is_complex():
                raise ModelInputError(f"{name} holds complex numbers, which are not supported")
            X = X.detach().float()
            finite = X.isfinite().all(dim=1)
            if not bool(finite.all()):
                row = int((~finite).nonzero()[0, 0])
                raise ModelInputError(f"{name} row {row} holds NaN or inf: {X[row].tolist()[:10]}")
            return X
    X = check_array(X, accept_sparse="csr", dtype=[np.float32, np.float64], ensure_all_finite=False,
                    input_name=name)
    if sp.issparse(X):
        row = _sparse_bad_row(X)
        if row is not None:
            raise ModelInputError(f"{name} row {row} holds NaN or inf")
        if X.dtype != np.float32:
            X = X.astype(np.float32)  # copies the nnz values only
        return X
    finite = np.isfinite(X).all(axis=1)
    if not finite.all():
        row = int(np.argmin(finite))
        raise ModelInputError(f"{name} row {row} holds NaN or inf: {X[row].tolist()[:10]}")
    return np.ascontiguousarray(X, dtype=np.float32)


def check_targets(y: Any, n: int | None, name: str = "y") -> tuple[np.ndarray, np.ndarray | None]:
    """Split targets into ``(probs, None)`` for an ``n x k`` probability matrix or ``(None, labels)`` for 1-D labels.

    Examples
    --------
    >>> probs, labels = check_targets([[0.3, 0.7]], 1)
    >>> probs.shape, labels
    ((1, 2), None)
    """
    import warnings

    from sklearn.exceptions import DataConversionWarning

    if y is None:
        raise ModelInputError(f"this estimator requires y to be passed, but the target y is None ({name})")
    if is_torch_tensor(y):
        y = y.detach().cpu().numpy()
    if hasattr(y, "to_numpy"):
        y = y.to_numpy()
    arr = np.asarray(y)
    if arr.ndim == 2 and arr.shape[1] == 1:
        warnings.warn(f"A column-vector y was passed when a 1d array was expected ({name}); reading it as "
                      "1-D hard labels", DataConversionWarning, stacklevel=3)
        arr = arr.ravel()
    if n is not None and arr.ndim >= 1 and arr.shape[0] != n:
        raise ModelInputError(f"X has {n} rows but {name} has {arr.shape[0]}: they must be aligned row for row")
    if arr.ndim == 2:
        probs = check_probs(arr, name=name)
        if probs.shape[1] < 2:
            raise ModelInputError(f"{name} needs at least 2 class columns, got {probs.shape[1]}")
        return probs, None
    if arr.ndim != 1:
        raise ModelInputError(f"{name} must be 1-D hard labels or an n x k probability matrix, got shape {arr.shape}")
    if arr.dtype.kind == "f":
        bad = ~np.isfinite(arr)
        if bad.any():
            row = int(np.argmax(bad))
            raise ModelInputError(f"{name} row {row} holds {arr[row]!r}, not a label")
    if arr.dtype.kind == "c":
        raise ModelInputError(f"{name} holds complex numbers, not labels")
    if arr.dtype.kind == "f" and arr.size and not np.all(arr == np.round(arr)):
        row = int(np.argmax(arr != np.round(arr)))
        raise ModelInputError(
            f"Unknown label type: continuous. 1-D {name} must hold class labels, but row {row} holds {arr[row]!r}; "
            "pass probabilistic labels as an n x k matrix"
        )
    return None, arr


def check_sample_weight(sample_weight: Any, n: int) -> np.ndarray:
    """Non-negative finite weights of length ``n`` (ones if ``None``).

    Examples
    --------
    >>> check_sample_weight(None, 2).tolist()
    [1.0, 1.0]
    """
    if sample_weight is None:
        return np.ones(n)
    w = np.asarray(sample_weight, dtype=np.float64)
    if w.ndim == 0:
        w = np.full(n, float(w))
    if w.shape != (n,):
        raise ModelInputError(f"sample_weight has shape {w.shape}; expected ({n},), one weight per row of X")
    bad = ~np.isfinite(w) | (w < 0)
    if bad.any():
        row = int(np.argmax(bad))
        raise ModelInputError(f"sample_weight row {row} is {w[row]!r}; weights must be finite and >= 0")
    if n and not w.any():
        raise ModelInputError("sample_weight is zero for every row: nothing to learn from")
    return w


def take_rows(X: Any, rows: np.ndarray) -> Any:
    """Rows of a dense array, sparse matrix, tensor, DataFrame or list, in the order given (no densifying)."""
    if is_torch_tensor(X):
        import torch

        return X[torch.as_tensor(rows, dtype=torch.long, device=X.device)]
    if hasattr(X, "iloc"):
        return X.iloc[rows]
    if sp.issparse(X):
        return X.tocsr()[rows] if X.format not in ("csr", "csc") else X[rows]
    if isinstance(X, np.ndarray):
        return X[rows]
    return [X[int(i)] for i in rows]
