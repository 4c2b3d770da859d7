"""Input checks, once: probabilities, gold labels (partial, by id, as class names), integer labels.

Every stage validates through these functions, so a bad input gets the same typed error naming the row and
the value wherever it enters (the role of ``sklearn.utils.validation``): probabilities, gold labels, integer
labels, hard-or-soft targets, features, sample weights, row counts and row selection. Nothing here imports
torch; tensors are recognised by duck typing.

Gold labels as people have them (:func:`align_labels`):

* a pandas Series is matched to the rows by id, in any order; with ``allow_abstain`` it may cover only some
  rows (the rest are unknown, ``-1``), and missing values (NaN, None, empty text) are unknown too; except
  where the rows have no ids (a label matrix from a plain array, indexed ``0..n-1``): a Series with one label
  per row is then read in order, as an array (a column of a frame shuffled without ``reset_index`` holds a
  permutation of ``0..n-1`` that names no row; reading it by id would shuffle it against the votes);
* labels are class ids ``0..k-1`` (``-1`` = unknown), or class names when ``class_names`` is given.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from weaksup.errors import ModelInputError, ParameterTypeError

UNKNOWN = -1


def columns_in_class_order(probs: Any, class_names: Sequence[Any] | None = None) -> Any:
    """``probs`` with its columns in class order where it is a DataFrame whose columns are the class ids
    ``0..k-1`` (or, given ``class_names``, the class names) in another order; anything else unchanged.

    Column ``j`` would otherwise be read as class ``j``, so every class would be another's.

    Examples
    --------
    >>> columns_in_class_order(pd.DataFrame([[0.8, 0.2]], columns=[1, 0])).columns.tolist()
    [0, 1]
    >>> columns_in_class_order(pd.DataFrame([[0.8, 0.2]], columns=["spam", "ham"]), ["ham", "spam"]).columns.tolist()
    ['ham', 'spam']
    """
    cols = getattr(probs, "columns", None)
    if cols is None or getattr(probs, "ndim", 0) != 2 or not cols.is_unique:
        return probs
    k = len(cols)
    if cols.dtype.kind in "iu" and set(cols.tolist()) == set(range(k)) and list(cols) != list(range(k)):
        return probs[list(range(k))]  # columns named by class id: column 1 is class 1 wherever it stands
    if class_names is not None:
        names, given = [str(c) for c in class_names], [str(c) for c in cols]
        if given != names and sorted(given) == sorted(names) and len(set(given)) == k:
            return probs[[cols[given.index(n)] for n in names]]  # columns named by class: taken by name
    return probs


def names_list(class_names: Any, error: type[Exception] = ParameterTypeError) -> list[Any] | None:
    """``class_names`` as a list (``None`` stays ``None``); one string is refused: ``"hs"`` would be ``h`` and ``s``.

    Examples
    --------
    >>> names_list(("ham", "spam"))
    ['ham', 'spam']
    """
    if class_names is None:
        return None
    if isinstance(class_names, str):
        raise error(f"class_names must be a list of class names, got the string {class_names!r}; for one class "
                    f"write [{class_names!r}]")
    return list(class_names)


def is_whole_number(value: Any, minimum: int = 0) -> bool:
    """Whether ``value`` is an integer (Python or NumPy, not a bool) of at least ``minimum``.

    Examples
    --------
    >>> is_whole_number(3, 1), is_whole_number(2.5), is_whole_number(True), is_whole_number(-1)
    (True, False, False, False)
    """
    return not isinstance(value, (bool, np.bool_)) and isinstance(value, (int, np.integer)) and value >= minimum


def as_float_matrix(values: Any, name: str = "probs", error: type[Exception] = ModelInputError,
                    what: str = "an n x k matrix of probabilities") -> np.ndarray:
    """``values`` as a float64 array (a nullable frame's gaps as NaN), with a typed error naming ``name`` where
    they are not numbers (text, ragged rows) instead of NumPy's bare ``ValueError``.

    Examples
    --------
    >>> as_float_matrix(pd.DataFrame({"a": pd.array([0.5, None], dtype="Float64")})).ravel().tolist()
    [0.5, nan]
    """
    if isinstance(values, pd.DataFrame) and all(pd.api.types.is_numeric_dtype(d) for d in values.dtypes):
        values = values.to_numpy(dtype=np.float64, na_value=np.nan)
    try:
        return np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise error(f"{name} must be {what} (numbers): {exc}") from None


def check_probs(probs: Any, cardinality: int | None = None, name: str = "probs", atol: float = 1e-4) -> np.ndarray:
    """Validate an ``n x k`` matrix of class probabilities and return it as float64.

    Raises :class:`~weaksup.errors.ModelInputError` naming the first bad row.

    Examples
    --------
    >>> check_probs([[0.2, 0.8]]).shape
    (1, 2)
    """
    ids = None
    if isinstance(probs, pd.DataFrame):
        if not isinstance(probs.index, pd.RangeIndex):  # a frame's rows are named by their ids
            ids = probs.index
    arr = as_float_matrix(probs, name)  # text, ragged rows: NumPy's message names no argument

    def where(i: int) -> str:
        return f"row {_plain(ids[i])!r}" if ids is not None else f"row {i}"

    if arr.ndim != 2:
        raise ModelInputError(f"{name} must be a 2-D n x k array, got shape {arr.shape}")
    if cardinality is not None and arr.shape[1] != cardinality:
        raise ModelInputError(f"{name} has {arr.shape[1]} columns, expected k = {cardinality}")
    if arr.size:
        finite = np.isfinite(arr).all(axis=1)
        if not finite.all():
            row = int(np.argmin(finite))
            raise ModelInputError(f"{name} {where(row)} holds a non-finite value: {arr[row].tolist()}")
        neg = (arr < -atol).any(axis=1)
        if neg.any():
            row = int(np.argmax(neg))
            raise ModelInputError(f"{name} {where(row)} holds a negative probability: {arr[row].tolist()}")
        sums = arr.sum(axis=1)
        off = np.abs(sums - 1) > atol
        if off.any():
            row = int(np.argmax(off))
            raise ModelInputError(f"{name} {where(row)} sums to {sums[row]:.6g}, not 1: {arr[row].tolist()}")
    return arr


def _is_missing(values: np.ndarray) -> np.ndarray:
    if values.dtype.kind == "f":
        return np.isnan(values)
    if values.dtype == object:  # pd.NA: a pandas "string" / nullable column's gap, as an object array
        return np.array([v is None or v is pd.NA or (isinstance(v, float) and v != v)
                         or (isinstance(v, str) and not v.strip()) for v in values], dtype=bool)
    return np.zeros(len(values), dtype=bool)


def _plain(v: Any) -> Any:
    """A numpy scalar as the Python value it holds (messages show 'SPAM', not np.str_('SPAM'))."""
    return v.item() if isinstance(v, np.generic) else v


def check_int_labels(values: Any, name: str = "Y", cardinality: int | None = None, allow_abstain: bool = False,
                     ids: Sequence[Any] | pd.Index | None = None, class_names: Sequence[Any] | None = None,
                     names_hint: str | None = None) -> np.ndarray:
    """Labels as an int64 array of class ids: the one integer-label check.

    Integers, integral floats, integer text (``"1"``) and a boolean array (False / True: 0 / 1) are class
    ids; with ``class_names`` a value equal to a name is that class's id. With ``allow_abstain``, ``-1`` and missing values (NaN, None, empty text) are
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
        return f"row {_plain(ids[i])!r}" if ids is not None else f"row {i}"

    if y.dtype.kind == "b":  # ``y = df.label == "spam"``: False / True are classes 0 / 1, as in scikit-learn
        y = y.astype(np.int64)
    missing = _is_missing(y)
    if missing.any() and not allow_abstain:
        i = int(np.argmax(missing))
        raise ModelInputError(f"{name} has no label at {where(i)} ({_plain(y[i])!r}); every row needs one here")
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
                # most callers take no class names: say how to map them, not an argument they lack
                # ``names_hint``: how the caller takes class names, where it does (the CLI's --class-names)
                hint = (f"; class names are {[_plain(c) for c in class_names]}" if class_names is not None
                        else f"; {names_hint}" if names_hint is not None
                        else f"; map class names to ids 0..k-1 first, e.g. {name}.map({{{_plain(v)!r}: <its id>, ...}})")
                raise ModelInputError(f"{name} must hold integer class ids; {where(i)} holds {_plain(v)!r}{hint}"
                                      ) from None
            except OverflowError:  # inf (round) or beyond int64 (the store): no class id, never a wrapped one
                raise ModelInputError(f"{name} label {_plain(v)!r} at {where(i)} is not a class id (out of range)"
                                      ) from None
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


def _plain_positions(index: pd.Index) -> bool:
    """Whether ``index`` is ``0..n-1``: the rows of a label matrix built from an array, which have no ids."""
    return index.equals(pd.RangeIndex(len(index)))


def in_row_order(values: Any, index: pd.Index, name: str = "values", strict: bool = True,
                 error: type[Exception] = ModelInputError, owner: str = "L") -> Any:
    """``values`` in ``index``'s row order when it is a pandas object indexed by those row ids in another order.

    Position would pair one row's features, probabilities or predictions with another row's votes, silently.
    Arrays, pandas objects indexed ``0..n-1`` (a ``RangeIndex``: no ids), and everything when ``index`` is
    ``0..n-1`` (rows without ids, as in Snorkel) are taken in row order. A pandas object indexed by other ids
    raises ``error`` when ``strict``, and is otherwise taken by position (its length is checked later).

    Examples
    --------
    >>> in_row_order(pd.Series([1, 2], index=["b", "a"]), pd.Index(["a", "b"])).tolist()
    [2, 1]
    >>> in_row_order(pd.Series([1, 2], index=[7, 3]), pd.RangeIndex(2)).tolist()  # rows without ids
    [1, 2]
    """
    own = getattr(values, "index", None)
    if not isinstance(values, (pd.Series, pd.DataFrame)) or isinstance(own, pd.RangeIndex) or own.equals(index):
        return values
    if _plain_positions(index):
        return values
    if len(own) != len(index) or not own.is_unique or not index.is_unique or not own.isin(index).all():
        if not strict:
            return values
        raise error(f"{name} is indexed by row ids that are not {owner}'s (e.g. {own[:3].tolist()} vs "
                    f"{index[:3].tolist()}): its rows would be paired with other rows'; pass "
                    f"{name}.loc[{owner}.index] or {name}.reset_index(drop=True) if the rows are in {owner}'s order")
    return values.loc[index]


def check_function_list(functions: Any, cls: type, applier: str, wrap_hint: str,
                        duplicate_error: type[Exception] = ModelInputError) -> list[Any]:
    """``functions`` as a list of ``cls`` objects with unique ``name``s, for an applier's constructor.

    A generator is listed once (the checks would otherwise spend it, leaving no functions); a plain
    function names the decorator to wrap it with instead of an ``AttributeError`` on ``.name``.
    """
    functions = list(functions)
    wrong = next((f for f in functions if not isinstance(f, cls)), None)
    if wrong is not None:
        raise ParameterTypeError(f"{applier} takes {cls.__name__} objects, got {wrong!r:.60} "
                                 f"({type(wrong).__name__}); {wrap_hint}")
    names = [f.name for f in functions]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise duplicate_error(f"{applier}: the {cls.__name__} names must be unique; repeated: {repeated}")
    return functions


def align_labels(Y: Any, index: pd.Index | None = None, cardinality: int | None = None, name: str = "Y",
                 allow_abstain: bool = False, class_names: Sequence[Any] | None = None,
                 names_hint: str | None = None) -> np.ndarray:
    """Gold labels as an int array aligned to ``index`` (see the module docstring for what is accepted).

    A pandas Series is aligned by row id (so a shuffled Series still lines up); with ``allow_abstain`` it
    may hold only some of the ids (the others are unknown, ``-1``). Arrays must already be in row order, and
    so must a Series with one label per row when ``index`` is ``0..n-1`` (rows without ids).

    Examples
    --------
    >>> align_labels(pd.Series([1, 0], index=["b", "a"]), pd.Index(["a", "b"])).tolist()
    [0, 1]
    >>> align_labels(pd.Series(["SPAM"], index=["b"]), pd.Index(["a", "b"]), allow_abstain=True,
    ...              class_names=["HAM", "SPAM"]).tolist()
    [-1, 1]
    >>> align_labels(pd.Series([1, 0], index=[7, 3]), pd.RangeIndex(2)).tolist()  # rows without ids: in order
    [1, 0]
    """
    ids = index
    if isinstance(Y, pd.Series) and index is not None and len(Y) == len(index) and _plain_positions(index):
        Y = pd.Series(Y.to_numpy(), index=index, name=Y.name)  # rows without ids: a full column is positional
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
                            ids=ids if isinstance(Y, pd.Series) else None, class_names=class_names,
                            names_hint=names_hint)


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
    if isinstance(seed, np.random.Generator):
        return seed
    try:
        return np.random.default_rng(seed)
    except (TypeError, ValueError) as exc:  # "a", 1.5, -1: NumPy's message names no argument
        raise ParameterTypeError(f"seed must be None, a non-negative integer or a numpy Generator, got "
                                 f"{type(seed).__name__} {seed!r}") from exc


# end-model inputs: features, targets, weights, rows ---------------------------------------------------
def is_torch_tensor(x: Any) -> bool:
    """True for a ``torch.Tensor`` without importing torch when the caller never used it."""
    return type(x).__module__.startswith("torch") and hasattr(x, "detach") and hasattr(x, "is_sparse")


def n_rows(X: Any) -> int:
    """Number of rows of an array, sparse matrix, tensor, DataFrame or list."""
    shape = getattr(X, "shape", None)
    if shape is not None:
        return int(shape[0])
    if hasattr(X, "__len__"):
        return len(X)
    if hasattr(X, "__array__"):  # an array-like with neither shape nor len (NumPy's protocol only)
        return int(np.asarray(X).shape[0]) if np.ndim(X) else 0
    raise ModelInputError(f"X must be an array, sparse matrix, DataFrame or list of rows, got {type(X).__name__}")


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
    w = as_float_matrix(sample_weight, "sample_weight", what="one weight per row")  # text: a typed error
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
    if not hasattr(X, "__getitem__") and hasattr(X, "__array__"):  # NumPy's array protocol only
        return np.asarray(X)[rows]
    return [X[int(i)] for i in rows]
