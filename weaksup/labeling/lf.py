"""Labeling functions: row-wise or vectorized heuristics that vote a label or abstain (-1)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

from weaksup.labeling.preprocessor import Preprocessor
from weaksup.labeling.row import make_row_type


class LabelingFunction:
    """A heuristic that labels data or abstains.

    Parameters
    ----------
    name : str
        Unique name; it becomes the LF's column in the label matrix.
    f : callable
        Row-wise: ``f(x, **resources) -> int`` where ``x`` is a row whose fields read as
        attributes and keys. Vectorized: ``f(batch, **resources) -> array`` of one label
        per row of the batch (a pandas DataFrame, or a 2-D array for array input).
    resources : dict, optional
        Passed to ``f`` as keyword arguments (lookup tables, models, thresholds).
    pre : sequence of Preprocessor, optional
        Run in order on the row (or batch) before ``f``.
    vectorized : bool
        Whether ``f`` takes a whole batch.

    Examples
    --------
    >>> lf = LabelingFunction("has_http", lambda x: 1 if "http" in x.text else -1)
    >>> lf({"text": "see http://x"})
    1
    """

    def __init__(
        self,
        name: str,
        f: Callable[..., Any],
        resources: dict[str, Any] | None = None,
        pre: Sequence[Preprocessor] | None = None,
        vectorized: bool = False,
    ) -> None:
        if not isinstance(name, str) or not name:
            raise ValueError(f"a labeling function needs a non-empty string name, got {name!r}")
        if not callable(f):
            raise TypeError(f"labeling function {name!r}: f must be callable, got {type(f).__name__}")
        self.name = name
        self.f = f
        self.resources = dict(resources or {})
        self.pre = list(pre or [])
        self.vectorized = bool(vectorized)
        for p in self.pre:
            if not isinstance(p, Preprocessor):
                raise TypeError(f"labeling function {name!r}: pre must hold Preprocessor objects, got {p!r}")
            if p.vectorized != self.vectorized:
                kind = "vectorized" if self.vectorized else "row-wise"
                raise TypeError(f"labeling function {name!r} is {kind} but preprocessor {p.name!r} is not")

    @functools.cached_property
    def bound(self) -> Callable[[Any], Any]:
        """``f`` with its resources bound, so the applier calls it with the row alone."""
        return functools.partial(self.f, **self.resources) if self.resources else self.f

    def __call__(self, x: Any) -> Any:
        """Label one row (or one batch, when vectorized), running the preprocessors first.

        A dict or pandas Series is turned into a :class:`Row`, as the applier would.
        """
        if not self.vectorized and isinstance(x, (dict, pd.Series)):
            x = make_row_type(tuple(str(k) for k in x.keys()))(tuple(x.values() if isinstance(x, dict) else x.tolist()))
        for p in self.pre:
            x = p(x)
        return self.bound(x)

    def __repr__(self) -> str:
        kind = ", vectorized=True" if self.vectorized else ""
        pre = f", pre={[p.name for p in self.pre]}" if self.pre else ""
        return f"LabelingFunction({self.name!r}{kind}{pre})"

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state.pop("bound", None)  # partials of local functions need not travel to workers
        return state


def labeling_function(
    name: str | None = None,
    resources: dict[str, Any] | None = None,
    pre: Sequence[Preprocessor] | None = None,
    vectorized: bool = False,
) -> Callable[[Callable[..., Any]], LabelingFunction]:
    """Decorator that turns a function into a :class:`LabelingFunction` named after it.

    Examples
    --------
    >>> @labeling_function()
    ... def check_out(x):
    ...     return 1 if "check out" in x.text.lower() else -1
    >>> check_out.name
    'check_out'
    """
    if callable(name):
        raise TypeError("use @labeling_function() with parentheses")

    def wrap(f: Callable[..., Any]) -> LabelingFunction:
        return LabelingFunction(name or f.__name__, f, resources=resources, pre=pre, vectorized=vectorized)

    return wrap
