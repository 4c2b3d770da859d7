"""Snorkel's ``LabelingFunction`` and ``@labeling_function()`` (``snorkel.labeling.lf``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from weaksup.labeling import lf as _native
from weaksup.labeling.preprocessor import Preprocessor


class LabelingFunction(_native.LabelingFunction):
    """Snorkel's ``LabelingFunction(name, f, resources=None, pre=None)``: a native weaksup LF.

    ``lf(x)`` runs the ``pre`` preprocessors (Snorkel mappers or native preprocessors) and then
    ``f(x, **resources)``. Snorkel's appliers and weaksup's native ones both take it.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> lf = LabelingFunction("big", lambda x: 1 if x.n > 10 else -1)
    >>> lf(SimpleNamespace(n=42))
    1
    """

    def __init__(self, name: str, f: Callable[..., int], resources: dict[str, Any] | None = None,
                 pre: Sequence[Preprocessor] | None = None) -> None:
        super().__init__(name, f, resources=resources, pre=pre)

    _standard_call = True  # the preprocessors, then f: what appliers do themselves

    def __call__(self, x: Any) -> Any:
        """Label one data point: the preprocessors in order, then ``f(x, **resources)``.

        A preprocessor that returns ``None`` (filters the point out) is a ``ValueError``, as in Snorkel.
        """
        for p in self.pre:
            x = p(x)
            if x is None:
                raise ValueError(f"preprocessor {p.name!r} of labeling function {self.name!r} returned None")
        return self.bound(x)

    def __repr__(self) -> str:
        return f"{type(self).__name__} {self.name}, Preprocessors: {[p.name for p in self.pre]}"


class labeling_function:  # noqa: N801 -- Snorkel's name
    """Decorator: ``@labeling_function(name=None, resources=None, pre=None)`` (with parentheses).

    Examples
    --------
    >>> @labeling_function()
    ... def has_http(x):
    ...     return 1 if "http" in x.text else -1
    >>> has_http.name
    'has_http'
    """

    def __init__(self, name: str | None = None, resources: dict[str, Any] | None = None,
                 pre: Sequence[Preprocessor] | None = None) -> None:
        if callable(name):
            raise ValueError("looks like this decorator is missing parentheses: use @labeling_function()")
        self.name, self.resources, self.pre = name, resources, pre

    def __call__(self, f: Callable[..., int]) -> LabelingFunction:
        return LabelingFunction(self.name or f.__name__, f, resources=self.resources, pre=self.pre)
