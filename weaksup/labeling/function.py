"""What labeling, transformation and slicing functions share: a named callable with resources and preprocessors.

:class:`~weaksup.labeling.LabelingFunction`, :class:`~weaksup.augment.TransformationFunction` and
:class:`~weaksup.slicing.SlicingFunction` differ only in what ``f`` returns; their arguments, checks,
binding and decorator are written once here.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any, ClassVar, TypeVar

from weaksup.errors import ParameterTypeError
from weaksup.labeling.preprocessor import Preprocessor, check_function_args, default_name

F = TypeVar("F", bound="UserFunction")


class UserFunction:
    """A user's function ``f(x, **resources)`` over a row (or a batch, ``vectorized``), after preprocessors ``pre``.

    Parameters
    ----------
    name : str
        Unique, non-empty name.
    f : callable
    resources : dict, optional
        Passed to ``f`` as keyword arguments.
    pre : sequence of Preprocessor, optional
        Run in order on the row (or batch) before ``f``; row-wise with a row-wise ``f``, vectorized with a vectorized one.
    vectorized : bool
        Whether ``f`` takes a whole batch.

    Examples
    --------
    >>> class Shout(UserFunction):
    ...     kind = "shouting function"
    >>> Shout("up", str.upper).bound("hi")
    'HI'
    >>> Shout("", str.upper)
    Traceback (most recent call last):
    ...
    weaksup.errors.ParameterError: a shouting function needs a non-empty string name, got ''
    """

    #: what the function is called in messages ("labeling function", ...)
    kind: ClassVar[str] = "function"

    def __init__(
        self,
        name: str,
        f: Callable[..., Any],
        resources: dict[str, Any] | None = None,
        pre: Sequence[Preprocessor] | None = None,
        vectorized: bool = False,
    ) -> None:
        check_function_args(self.kind, name, f, resources)
        if isinstance(pre, Preprocessor):
            raise ParameterTypeError(f"{self.kind} {name!r}: pre must be a list of preprocessors; pass pre=[{pre.name}]")
        self.name = name
        self.f = f
        self.resources = dict(resources or {})
        self.pre = list(pre or [])
        self.vectorized = bool(vectorized)
        for p in self.pre:
            if not isinstance(p, Preprocessor):
                raise ParameterTypeError(f"{self.kind} {name!r}: pre must hold Preprocessor objects, got {p!r}")
            if p.vectorized != self.vectorized:
                kind = "vectorized" if self.vectorized else "row-wise"
                raise ParameterTypeError(f"{self.kind} {name!r} is {kind} but preprocessor {p.name!r} is not")

    @property
    def bound(self) -> Callable[[Any], Any]:
        """``f`` with its resources bound, so an applier calls it with the row alone.

        Built on each access (appliers take it once per batch), so a changed ``resources`` or ``f`` is what
        runs, as the fingerprint says.
        """
        return functools.partial(self.f, **self.resources) if self.resources else self.f

    def __repr__(self) -> str:
        kind = ", vectorized=True" if self.vectorized else ""
        pre = f", pre={[p.name for p in self.pre]}" if self.pre else ""
        return f"{type(self).__name__}({self.name!r}{kind}{pre})"

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state.pop("bound", None)  # partials of local functions need not travel to workers
        return state


def decorator(cls: type[F], name: Any, resources: dict[str, Any] | None, pre: Sequence[Preprocessor] | None,
              vectorized: bool, decorator_name: str) -> Callable[[Callable[..., Any]], F]:
    """The body of ``@labeling_function()`` and its siblings: wrap ``f`` in ``cls``, named after ``f`` by default.

    Examples
    --------
    >>> class Shout(UserFunction):
    ...     kind = "shouting function"
    >>> decorator(Shout, None, None, None, False, "shout")(str.upper).name
    'upper'
    """
    if callable(name):
        raise ParameterTypeError(f"use @{decorator_name}() with parentheses")

    def wrap(f: Callable[..., Any]) -> F:
        return cls(default_name(f, name, decorator_name), f, resources=resources, pre=pre, vectorized=vectorized)

    return wrap
