"""Slicing functions: name a subset of the data (a slice) to monitor or score separately."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from weaksup.errors import WeaksupError
from weaksup.labeling.function import UserFunction, decorator
from weaksup.labeling.lf import LabelingFunction
from weaksup.labeling.preprocessor import Preprocessor

IN_SLICE, NOT_IN_SLICE = 1, -1  # how membership travels through the LF applier (only members are stored)


class SliceError(WeaksupError, ValueError):
    """A slicing function, slice matrix or slice score input is invalid (names the SF, row or value)."""


def _member(value: Any) -> int:
    """One row's membership from what a row-wise SF returned: True/False (or 1/0)."""
    if value is True or value is np.True_:
        return IN_SLICE
    if value is False or value is np.False_:
        return NOT_IN_SLICE
    if isinstance(value, (int, np.integer)) and value in (0, 1):
        return IN_SLICE if value == 1 else NOT_IN_SLICE
    raise SliceError(f"a slicing function must return True or False (or 1/0), got {value!r} "
                     f"({type(value).__name__})")


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _members(values: Any, n_rows: int, index: pd.Index | None) -> np.ndarray:
    """Membership of a batch from what a vectorized SF returned: a bool (or 0/1) array, one per row."""
    if isinstance(values, pd.Series) and index is not None and not values.index.equals(index):
        raise SliceError("a vectorized slicing function returned a Series whose index is not the batch's; "
                         "return an array, or a Series with the batch's index")
    dtype = getattr(values, "dtype", None)
    if isinstance(values, (pd.Series, pd.api.extensions.ExtensionArray)) and not isinstance(dtype, np.dtype):
        # pandas' nullable "boolean" / "Int64" (what comparisons on nullable columns give): NA is no answer
        missing = np.asarray(pd.isna(values), dtype=bool)
        if missing.any():
            pos = int(np.argmax(missing))
            where = f"row {_plain(index[pos])!r}" if index is not None and len(index) == n_rows else f"position {pos}"
            raise SliceError(f"a vectorized slicing function returned a missing value (<NA>) at {where}; say "
                             "whether such rows are in the slice, e.g. with .fillna(False)")
        values = values.to_numpy(dtype=bool if dtype.kind == "b" else object)
    arr = np.asarray(values)
    if arr.shape != (n_rows,):
        raise SliceError(f"a vectorized slicing function must return one value per row ({n_rows}), "
                         f"got shape {arr.shape}")
    if arr.dtype != bool:
        if arr.dtype == object:  # Python bools and ints, say: accepted when every value is one
            members = [_member(v) for v in arr.tolist()]
            return np.asarray(members, dtype=np.int64).reshape(arr.shape)
        if arr.dtype.kind not in "iu" or not np.isin(arr, (0, 1)).all():
            bad = arr[~np.isin(arr, (0, 1))] if arr.dtype.kind in "iu" else arr
            hint = "; use .astype(bool) on 0/1 floats" if arr.dtype.kind == "f" else ""
            raise SliceError(f"a vectorized slicing function must return booleans (or 0/1), got {_plain(bad[0])!r} "
                             f"(dtype {arr.dtype}){hint}")
        arr = arr.astype(bool)
    return np.where(arr, IN_SLICE, NOT_IN_SLICE)


def _row_vote(x: Any, sf_f: Callable[..., Any], sf_resources: dict[str, Any]) -> int:
    value = sf_f(x, **sf_resources) if sf_resources else sf_f(x)
    if value is True:  # the common cases first: this runs once per row per SF
        return IN_SLICE
    if value is False:
        return NOT_IN_SLICE
    return _member(value)


def _batch_vote(batch: Any, sf_f: Callable[..., Any], sf_resources: dict[str, Any]) -> np.ndarray:
    return _members(sf_f(batch, **sf_resources), len(batch), getattr(batch, "index", None))


class SlicingFunction(UserFunction):
    """A function that says whether a row belongs to a slice (``True``) or not (``False``).

    Parameters
    ----------
    name : str
        Unique name; it becomes the slice's column in the slice matrix.
    f : callable
        Row-wise: ``f(x, **resources) -> bool`` on one row (fields as attributes and keys).
        Vectorized: ``f(batch, **resources)`` -> one bool per row of a DataFrame batch.
        ``1``/``0`` are accepted for ``True``/``False``; anything else is an error.
    resources : dict, optional
        Passed to ``f`` as keyword arguments.
    pre : sequence of Preprocessor, optional
        Run in order on the row (or batch) before ``f``.
    vectorized : bool
        Whether ``f`` takes a whole batch.

    Examples
    --------
    >>> short = SlicingFunction("short", lambda x: len(x.text.split()) < 5)
    >>> short({"text": "nice song"})
    True
    """

    kind = "slicing function"

    def __init__(
        self,
        name: str,
        f: Callable[..., Any],
        resources: dict[str, Any] | None = None,
        pre: Sequence[Preprocessor] | None = None,
        vectorized: bool = False,
    ) -> None:
        super().__init__(name, f, resources, pre, vectorized)
        self._lf: LabelingFunction | None = None

    @classmethod
    def from_lf(cls, lf: LabelingFunction, name: str | None = None) -> SlicingFunction:
        """The slice of rows on which ``lf`` votes 1 (templates build their SFs this way).

        Examples
        --------
        >>> from weaksup.labeling.templates import keyword_lf
        >>> sf = SlicingFunction.from_lf(keyword_lf("http", label=1), name="has_link")
        >>> sf.name, sf.vectorized
        ('has_link', True)
        """
        sf = cls.__new__(cls)
        sf.name = name or lf.name
        sf.f, sf.resources, sf.pre, sf.vectorized = lf.f, dict(lf.resources), list(lf.pre), lf.vectorized
        sf._lf = LabelingFunction(sf.name, lf.f, resources=lf.resources, pre=lf.pre, vectorized=lf.vectorized)
        return sf

    def as_lf(self) -> LabelingFunction:
        """A labeling function voting 1 on the slice's rows and abstaining elsewhere (what the applier runs)."""
        if self._lf is None:
            vote = _batch_vote if self.vectorized else _row_vote
            self._lf = LabelingFunction(self.name, vote, resources={"sf_f": self.f, "sf_resources": self.resources},
                                        pre=self.pre, vectorized=self.vectorized)
        return self._lf

    def __call__(self, x: Any) -> Any:
        """Membership of one row (``bool``) or, when vectorized, of a batch (bool array)."""
        votes = self.as_lf()(x)
        return np.asarray(votes) == IN_SLICE if self.vectorized else votes == IN_SLICE


def slicing_function(
    name: str | None = None,
    resources: dict[str, Any] | None = None,
    pre: Sequence[Preprocessor] | None = None,
    vectorized: bool = False,
) -> Callable[[Callable[..., Any]], SlicingFunction]:
    """Decorator that turns a function into a :class:`SlicingFunction` named after it.

    Examples
    --------
    >>> @slicing_function()
    ... def short_comment(x):
    ...     return len(x.text.split()) < 5
    >>> short_comment({"text": "one two three four five six"})
    False
    >>> @slicing_function(vectorized=True)
    ... def has_link(df):
    ...     return df.text.str.contains("http").to_numpy()
    >>> import pandas as pd
    >>> has_link(pd.DataFrame({"text": ["http://x", "no"]})).tolist()
    [True, False]
    """
    return decorator(SlicingFunction, name, resources, pre, vectorized, "slicing_function")


__all__ = ["SliceError", "SlicingFunction", "slicing_function"]
