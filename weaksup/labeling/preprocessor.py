"""Preprocessors: map a row (or a batch, for vectorized LFs) to an augmented one before an LF sees it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from weaksup.labeling.row import Row


class Preprocessor:
    """Wraps ``f(x) -> x'``, run before the LFs that list it in ``pre``.

    Row-wise preprocessors get a copy of the row, so they may set new fields on it and
    return it. Vectorized ones get the batch DataFrame and return a DataFrame with the
    same rows. With ``memoize=True`` the result is computed once per row per apply and
    shared by every LF that uses this preprocessor (spaCy parses, lookups, ...).

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
        self.name = name
        self.f = f
        self.memoize = memoize
        self.vectorized = vectorized
        self.resources = dict(resources or {})

    def __call__(self, x: Any) -> Any:
        out = self.f(fresh_copy(x), **self.resources)
        if out is None:
            raise ValueError(f"preprocessor {self.name!r} returned None; return the (augmented) row")
        return out

    def __repr__(self) -> str:
        return f"Preprocessor({self.name!r}, memoize={self.memoize}, vectorized={self.vectorized})"


def fresh_copy(x: Any) -> Any:
    """A copy a preprocessor may change: shallow for rows, dicts and DataFrames (cheap), else ``x``."""
    if isinstance(x, pd.DataFrame):
        return x.copy(deep=False)
    if isinstance(x, (Row, dict)):
        return x.copy()
    return x


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

    def wrap(f: Callable[..., Any]) -> Preprocessor:
        return Preprocessor(name or f.__name__, f, memoize=memoize, vectorized=vectorized, resources=resources)

    return wrap
