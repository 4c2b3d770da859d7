"""Preprocessors: map a row (or a batch, for vectorized LFs) to an augmented one before an LF sees it."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from weaksup.errors import ParameterError, ParameterTypeError
from weaksup.labeling.row import Row, as_row


class Preprocessor:
    """Wraps ``f(x) -> x'``, run before the LFs that list it in ``pre``.

    Row-wise preprocessors get a copy of the row, so they may set new fields on it and
    return it. Vectorized ones get a copy of the batch DataFrame (changes to it never reach
    the input) and return a DataFrame with the same rows, in the same order: the applier
    refuses one that drops, adds or reorders rows (votes would land on the wrong rows). A
    preprocessor that fails on a row (raises, or returns None) is an error naming the LF,
    the preprocessor and the row, or under ``fault_tolerant=True`` an abstain of every LF
    that uses it there. With ``memoize=True`` the result
    is computed once per row per apply and shared by every LF that uses this preprocessor
    (spaCy parses, lookups, ...).

    Examples
    --------
    >>> @preprocessor()
    ... def add_n_words(x):
    ...     x.n_words = len(x.text.split())
    ...     return x
    >>> add_n_words.name, add_n_words.memoize
    ('add_n_words', False)
    """

    def __init__(
        self,
        name: str,
        f: Callable[..., Any],
        memoize: bool = False,
        vectorized: bool = False,
        resources: dict[str, Any] | None = None,
    ) -> None:
        check_function_args("preprocessor", name, f, resources)
        self.name = name
        self.f = f
        self.memoize = memoize
        self.vectorized = vectorized
        self.resources = dict(resources or {})

    _standard_call = True  # __call__ is f on a copy: appliers call f directly (see overrides_call)

    def __call__(self, x: Any) -> Any:
        """Run on one row (a dict or pandas Series is turned into a :class:`Row`, as the applier would) or batch."""
        if not self.vectorized:
            x = as_row(x)
        out = self.f(fresh_copy(x), **self.resources)
        if out is None:
            raise ParameterError(f"preprocessor {self.name!r} returned None; return the (augmented) row")
        return out

    def __repr__(self) -> str:
        return f"Preprocessor({self.name!r}, memoize={self.memoize}, vectorized={self.vectorized})"


def check_function_args(kind: str, name: Any, f: Any, resources: Any) -> None:
    """The checks every named user function shares (LFs, TFs, SFs, preprocessors): a name, a callable, a dict.

    Examples
    --------
    >>> check_function_args("preprocessor", "", str.upper, None)
    Traceback (most recent call last):
    ...
    weaksup.errors.ParameterError: a preprocessor needs a non-empty string name, got ''
    """
    if not isinstance(name, str) or not name:
        raise ParameterError(f"a {kind} needs a non-empty string name, got {name!r}")
    if not callable(f):
        raise ParameterTypeError(f"{kind} {name!r}: f must be callable, got {type(f).__name__}")
    if resources is not None and not isinstance(resources, Mapping):
        raise ParameterTypeError(
            f"{kind} {name!r}: resources must be a dict of keyword arguments for f, got {type(resources).__name__}"
        )


def default_name(f: Any, name: Any, decorator_name: str) -> Any:
    """``name``, or the name of ``f`` for a decorator given none: a partial or a callable object has none.

    Examples
    --------
    >>> default_name(str.upper, None, "preprocessor")
    'upper'
    """
    if name:
        return name
    own = getattr(f, "__name__", None)
    if not isinstance(own, str) or not own:
        raise ParameterError(f"@{decorator_name}() cannot name a {type(f).__name__} (it has no __name__); "
                             f"pass one: @{decorator_name}(name=...)")
    return own


def overrides_call(obj: Any) -> bool:
    """Whether ``obj``'s class defines its own ``__call__`` (a subclass that changes what a call does).

    Appliers skip ``__call__`` and run the preprocessors and ``f`` themselves (memoized per batch, errors
    naming the row); a class whose ``__call__`` does only that marks it ``_standard_call = True``. A user's
    subclass that overrides ``__call__`` (as Snorkel users do) is then called as written.
    """
    for cls in type(obj).__mro__:
        if "__call__" in cls.__dict__:
            return not cls.__dict__.get("_standard_call", False)
    return False


_CONTAINERS = (list, dict, set, np.ndarray)  # field values a preprocessor could change in place
_CONTAINER_TYPES = frozenset(_CONTAINERS)


def fresh_copy(x: Any) -> Any:
    """A copy a preprocessor may change without touching its input: rows, dicts, DataFrames, arrays.

    Rows and dicts are copied with their list, dict, set and array values (so ``x.tags.append(...)``
    reaches neither the input nor another LF, as with Snorkel's deep copy), DataFrames by
    :func:`isolated_frame`, arrays fully; other objects are passed as they are.

    Examples
    --------
    >>> row = {"text": "hi", "tags": ["a"]}
    >>> mine = fresh_copy(row)
    >>> mine["tags"].append("b")
    >>> row["tags"]
    ['a']
    """
    if isinstance(x, pd.DataFrame):
        return isolated_frame(x)
    if isinstance(x, Row):
        y = Row.copy(x)  # not x.copy(): a field named "copy" wins over the method
        values, extra = y._Row__values, y._Row__extra
        if not _CONTAINER_TYPES.isdisjoint(map(type, values)):  # one C-level pass when there are none
            for i, v in enumerate(values):
                if isinstance(v, _CONTAINERS):
                    values[i] = copy.deepcopy(v)
        if extra and not _CONTAINER_TYPES.isdisjoint(map(type, extra.values())):
            for k, v in extra.items():
                if isinstance(v, _CONTAINERS):
                    extra[k] = copy.deepcopy(v)
        return y
    if isinstance(x, dict):
        return {k: copy.deepcopy(v) if isinstance(v, _CONTAINERS) else v for k, v in x.items()}
    if isinstance(x, np.ndarray):
        return x.copy()
    return x


def isolated_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A DataFrame whose changes (new columns, values set in place) never reach ``df``.

    Under copy-on-write (always on since pandas 3, an option in pandas 2) a shallow copy
    suffices and costs one object per column; without it, only a deep copy isolates.

    Examples
    --------
    >>> df = pd.DataFrame({"n": [1, 2]})
    >>> mine = isolated_frame(df)
    >>> mine["n"] = 0
    >>> mine.loc[0, "n"] = 5
    >>> df["n"].tolist()
    [1, 2]
    """
    return df.copy(deep=not _copy_on_write())


def _copy_on_write() -> bool:
    if _PANDAS_MAJOR >= 3:
        return True
    return pd.get_option("mode.copy_on_write") is True


_PANDAS_MAJOR = int(pd.__version__.split(".")[0])


def preprocessor(
    name: str | None = None,
    memoize: bool = False,
    vectorized: bool = False,
    resources: dict[str, Any] | None = None,
) -> Callable[[Callable[..., Any]], Preprocessor]:
    """Decorator that turns a function into a :class:`Preprocessor`.

    Examples
    --------
    >>> @preprocessor(memoize=True)
    ... def lower(x):
    ...     x.text_lower = x.text.lower()
    ...     return x
    >>> lower.memoize
    True
    """
    if callable(name):  # @preprocessor without parentheses: f would be taken as the name
        raise ParameterTypeError("use @preprocessor() with parentheses")

    def wrap(f: Callable[..., Any]) -> Preprocessor:
        return Preprocessor(default_name(f, name, "preprocessor"), f, memoize=memoize, vectorized=vectorized,
                            resources=resources)

    return wrap
