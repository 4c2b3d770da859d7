"""Snorkel's slicing functions (``snorkel.slicing.sf.core``): a labeling function that says in or out."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any


class SlicingFunction:
    """Snorkel's ``SlicingFunction(name, f, resources=None, pre=None)``.

    Calling it runs the ``pre`` mappers on the data point, then ``f(x, **resources)``, and returns
    what ``f`` returns (usually a bool). The native class is :class:`weaksup.slicing.SlicingFunction`.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> sf = SlicingFunction("big", lambda x: x.num > 42)
    >>> sf, sf(SimpleNamespace(num=43))
    (SlicingFunction big, Preprocessors: [], True)
    """

    def __init__(self, name: str, f: Callable[..., Any], resources: Mapping[str, Any] | None = None,
                 pre: list[Any] | None = None) -> None:
        self.name = name
        self._f = f
        self._resources = dict(resources or {})
        self._pre = list(pre or [])

    def __call__(self, x: Any) -> Any:
        """Run the preprocessors, then ``f``."""
        for p in self._pre:
            x = p(x)
            if x is None:
                raise ValueError("Preprocessor should not return None")
        return self._f(x, **self._resources)

    def __repr__(self) -> str:
        return f"{type(self).__name__} {self.name}, Preprocessors: {self._pre}"


class slicing_function:  # noqa: N801 -- Snorkel's name
    """Snorkel's decorator: ``@slicing_function(name=None, resources=None, pre=None)``.

    Examples
    --------
    >>> @slicing_function()
    ... def f(x):
    ...     return x.a > 42
    >>> f
    SlicingFunction f, Preprocessors: []
    """

    def __init__(self, name: str | None = None, resources: Mapping[str, Any] | None = None,
                 pre: list[Any] | None = None) -> None:
        if callable(name):
            raise ValueError("Looks like this decorator is missing parentheses!")
        self.name = name
        self.resources = resources
        self.pre = pre

    def __call__(self, f: Callable[..., Any]) -> SlicingFunction:
        return SlicingFunction(name=self.name or f.__name__, f=f, resources=self.resources, pre=self.pre)


__all__ = ["SlicingFunction", "slicing_function"]
