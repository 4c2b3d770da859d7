"""NumPy interop for :class:`~weaksup.LabelMatrix`: NumPy idioms give NumPy's answer or a TypeError, never a wrong one.

Code written for Snorkel treats the label matrix as a dense array: ``L != ABSTAIN``, ``np.sum(L == 1)``,
``L[:, j]``, ``np.asarray(L)``. On the sparse :class:`~weaksup.LabelMatrix` these

* convert: ``np.asarray(L)`` / ``np.array(L)`` is ``L.to_dense()`` (``-1`` = abstain), so NumPy
  functions (``np.sum(L)``, ``np.unique(L)``, ``np.where(L)``) compute what they would on the dense array;
* compare element-wise: ``L == 1``, ``L != -1``, ``L < 0`` ... are boolean ``ndarray`` objects
  (``L == other_label_matrix`` stays whole-matrix equality, a bool);
* index like NumPy with a tuple: ``L[:, j]`` is column ``j`` as a 1-D array (``L[:, "name"]`` too, by LF name), ``L[i, j]`` a vote,
  ``L[rows, cols]`` a dense sub-array; ``L[L == 1]`` the selected votes; ``L[i]`` row ``i`` as a 1-D array,
  and iterating gives the rows as 1-D arrays (a mask, positions or a slice still select rows as a LabelMatrix);
* refuse arithmetic (``L + 1``, ``L * w``, ``-L``, ``L @ x``): ``TypeError`` naming ``.to_dense()``, since
  the answer depends on how abstains should count; and an ndarray attribute (``L.sum()``, ``L.T``,
  ``L.dtype``) raises an ``AttributeError`` naming ``.to_dense()``.

:class:`~weaksup.LabelMatrix` defines ``__eq__`` (whole-matrix equality) and ``__getitem__`` (row
selection) itself, and Python looks a class's own methods up before its bases'. So when a class
with this mixin is created, the mixin puts its element-wise versions in place and keeps the class's
own as ``_matrix_equal`` and ``_select_rows``, which they call.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from weaksup.errors import WeaksupError

_HINT = "use L.to_dense() (or np.asarray(L)) for a dense NumPy array, where -1 is abstain"

# ndarray attributes a user might reach for on a label matrix: named in the AttributeError
_NDARRAY_NAMES = frozenset({
    "T", "all", "any", "argmax", "argmin", "astype", "clip", "copy", "cumsum", "dot", "dtype", "flatten", "flat",
    "item", "max", "mean", "min", "ndim", "nonzero", "prod", "ravel", "reshape", "round", "size", "sort", "std",
    "sum", "tolist", "transpose", "var",
})


class LabelMatrixTypeError(WeaksupError, TypeError):
    """An operation a dense NumPy array supports but a sparse label matrix does not; the message names ``.to_dense()``."""


def _refuse(symbol: str) -> Callable[..., Any]:
    def op(self: Any, *args: Any) -> Any:
        raise LabelMatrixTypeError(f"a LabelMatrix does not support {symbol}: {_HINT}")

    op.__name__ = f"refuse_{symbol}"
    return op


def _compare(op: Callable[[Any, Any], Any], whole: bool) -> Callable[[Any, Any], Any]:
    def compare(self: Any, other: Any) -> Any:
        if isinstance(other, ArrayInteropMixin):
            if whole:  # == and != between label matrices: whole-matrix (in)equality, as the class defines it
                same = type(self)._matrix_equal(self, other)
                return same if op is operator.eq or same is NotImplemented else not same
            other = np.asarray(other)
        return op(np.asarray(self), other)

    return compare


class ArrayInteropMixin:
    """Mixin giving a label matrix NumPy's element-wise comparisons, tuple indexing and ``__array__``.

    Examples
    --------
    >>> import numpy as np
    >>> from weaksup import LabelMatrix
    >>> L = LabelMatrix.from_dense([[0, -1], [1, 1]])
    >>> (L != -1).tolist(), int(np.sum(L == 1)), L[:, 1].tolist()
    ([[True, False], [True, True]], 2, [-1, 1])
    >>> L + 1
    Traceback (most recent call last):
    ...
    weaksup._matrix_interop.LabelMatrixTypeError: a LabelMatrix does not support +: use L.to_dense() ...
    """

    __slots__ = ()
    __array_priority__ = 20.0  # NumPy defers binary operators with an ndarray on the left to this class

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        own = cls.__dict__
        if "__eq__" in own and own["__eq__"] is not ArrayInteropMixin.__eq__:
            cls._matrix_equal = own["__eq__"]
            cls.__eq__ = ArrayInteropMixin.__eq__  # type: ignore[method-assign]
            cls.__ne__ = ArrayInteropMixin.__ne__  # type: ignore[method-assign]
            cls.__hash__ = None  # type: ignore[assignment]
        if "__getitem__" in own and own["__getitem__"] is not ArrayInteropMixin.__getitem__:
            cls._select_rows = own["__getitem__"]
            cls.__getitem__ = ArrayInteropMixin.__getitem__  # type: ignore[method-assign]

    # conversion ---------------------------------------------------------------------------------
    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        dense = self.to_dense()  # type: ignore[attr-defined]
        return dense if dtype is None else dense.astype(dtype, copy=False)

    def __iter__(self) -> Iterator[np.ndarray]:
        """Rows as 1-D arrays, as iterating a dense array gives them."""
        return iter(np.asarray(self))

    def __contains__(self, value: Any) -> bool:
        """``v in L``: whether some vote (or abstain, for -1) equals ``v``, as for a dense array."""
        return bool((np.asarray(self) == value).any())

    # comparisons --------------------------------------------------------------------------------
    __eq__ = _compare(operator.eq, whole=True)  # type: ignore[assignment]
    __ne__ = _compare(operator.ne, whole=True)  # type: ignore[assignment]
    __lt__ = _compare(operator.lt, whole=False)
    __le__ = _compare(operator.le, whole=False)
    __gt__ = _compare(operator.gt, whole=False)
    __ge__ = _compare(operator.ge, whole=False)

    # indexing -----------------------------------------------------------------------------------
    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, tuple):
            return self._dense_item(key)
        if isinstance(key, (int, np.integer)) and not isinstance(key, (bool, np.bool_)):
            return self._dense_item((key, slice(None)))  # one row: a 1-D array, as NumPy gives it
        if isinstance(key, ArrayInteropMixin):
            raise LabelMatrixTypeError(f"cannot index a LabelMatrix with a LabelMatrix: {_HINT}")
        if isinstance(key, np.ndarray) and key.dtype == bool and key.ndim == 2:
            return np.asarray(self)[key]  # L[L == 1]: the selected votes, as NumPy gives them
        return type(self)._select_rows(self, key)

    def _dense_item(self, key: tuple[Any, ...]) -> Any:
        """NumPy's ``dense[key]``, densifying only the selected columns when the key allows it."""
        if len(key) == 2 and _names_lfs(key[1]):
            # L[:, "lf_a"], L[:, ["lf_a", "lf_b"]] (or a tuple, array or pandas Index of names, e.g. the index of
            # an LF summary table): columns by LF name, as in pandas; then NumPy's rules, as for their positions
            from weaksup._matrix_checks import lf_positions

            names = key[1]
            picked_names = lf_positions(names if isinstance(names, str) else list(names), self.lf_names)  # type: ignore[attr-defined]
            key = (key[0], picked_names[0] if isinstance(names, str) else picked_names)
        if len(key) != 2 or any(k is None or k is Ellipsis for k in key) or (_is_fancy(key[0]) and _is_fancy(key[1])):
            return np.asarray(self)[key]
        rows, cols = key
        n_lfs = self.shape[1]  # type: ignore[attr-defined]
        col_positions = np.arange(n_lfs)[cols]  # IndexError for a column that is not there, as NumPy
        picked = np.atleast_1d(col_positions)
        if len(picked) == n_lfs and np.array_equal(picked, np.arange(n_lfs)):
            dense = self.to_dense()  # type: ignore[attr-defined]
        else:  # only the selected columns; the dtype to_dense() would give (that of a 0-row selection)
            dtype = type(self)._select_rows(self, slice(0, 0)).to_dense().dtype
            dense = self.csr[:, picked].toarray().astype(dtype, copy=False) - 1  # type: ignore[attr-defined]
        return dense[rows] if np.ndim(col_positions) else dense[rows, 0]

    # arithmetic: refused, naming .to_dense() ----------------------------------------------------
    __add__ = __radd__ = _refuse("+")
    __sub__ = __rsub__ = _refuse("-")
    __mul__ = __rmul__ = _refuse("*")
    __truediv__ = __rtruediv__ = _refuse("/")
    __floordiv__ = __rfloordiv__ = _refuse("//")
    __mod__ = __rmod__ = _refuse("%")
    __pow__ = __rpow__ = _refuse("**")
    __matmul__ = __rmatmul__ = _refuse("@")
    __and__ = __rand__ = _refuse("&")
    __or__ = __ror__ = _refuse("|")
    __xor__ = __rxor__ = _refuse("^")
    __neg__ = _refuse("unary -")
    __pos__ = _refuse("unary +")
    __abs__ = _refuse("abs()")
    __invert__ = _refuse("~")

    def __getattr__(self, name: str) -> Any:
        if name in _NDARRAY_NAMES:
            raise AttributeError(f"a LabelMatrix has no ndarray attribute {name!r}: {_HINT}")
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")


def _names_lfs(cols: Any) -> bool:
    """Whether a column key names LFs: a string, or a 1-D sequence (list, tuple, array, pandas Index) holding one."""
    if isinstance(cols, str):
        return True
    if isinstance(cols, (list, tuple)):
        return any(isinstance(c, str) for c in cols)
    kind = getattr(getattr(cols, "dtype", None), "kind", "")
    return kind in ("U", "S", "O") and np.ndim(cols) == 1 and any(isinstance(c, (str, bytes)) for c in cols)


def _is_fancy(k: Any) -> bool:
    """An index that selects by array (positions or mask), as opposed to a slice or a single position."""
    return not isinstance(k, slice) and np.ndim(k) > 0
