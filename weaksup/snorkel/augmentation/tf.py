"""Snorkel's transformation functions (``snorkel.augmentation.tf``): mappers that change a data point.

Like Snorkel's, a TF works on a copy of its data point (so changes made in place never reach the
input), runs its ``pre`` mappers first, returns ``None`` when it does not apply, and can memoize.
They run in :class:`~weaksup.snorkel.augmentation.PandasTFApplier` (the native applier, on light
row objects) and :class:`~weaksup.snorkel.augmentation.TFApplier` (lists of data points).
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Callable, Hashable, Mapping
from typing import Any

import numpy as np

from weaksup.labeling.preprocessor import fresh_copy
from weaksup.labeling.row import Row
from weaksup.snorkel.map.core import get_hashable

_IMMUTABLE = (str, bytes, int, float, complex, bool, type(None), np.generic)


def _copy_point(x: Any) -> Any:
    """A deep copy of a data point; rows of plain values (the applier's common case) are copied cheaply."""
    if isinstance(x, Row):
        extra = x._Row__extra
        if all(isinstance(v, _IMMUTABLE) for v in x._Row__values) and (
                not extra or all(isinstance(v, _IMMUTABLE) for v in extra.values())):
            return Row.copy(x)
        return type(x)(copy.deepcopy(list(x._Row__values)), copy.deepcopy(extra))
    return copy.deepcopy(x)


def own_copy(x: Any, pre: list[Any]) -> Any:
    """``x``, or a copy when it is the output of a memoized mapper (the last of ``pre``).

    A memoized mapper returns the same object for every point with the same content; a TF that changed it
    would change the cache, and so every later row's copy (and outputs already made from it).
    """
    if not pre or not getattr(pre[-1], "memoize", False):
        return x
    return fresh_copy(x) if isinstance(x, (Row, dict)) else copy.copy(x)


class BaseMapper:
    """Nesting (``pre``), copying and memoization shared by Snorkel's TFs (``snorkel.map.BaseMapper``)."""

    vectorized = False  # the native applier calls ``transform`` once per row

    def __init__(self, name: str, pre: list[Any], memoize: bool,
                 memoize_key: Callable[[Any], Hashable] | None = None) -> None:
        self.name = name
        self._pre = pre
        self._memoize_key = memoize_key or get_hashable
        self.memoize = memoize
        self.reset_cache()

    def reset_cache(self) -> None:
        """Forget memoized outputs."""
        self._cache: dict[Hashable, Any] = {}

    def _generate_mapped_data_point(self, x: Any) -> Any:
        """The hook Snorkel's API defines here: each concrete TF class maps one data point."""
        raise NotImplementedError(f"{type(self).__name__} must define _generate_mapped_data_point (as Snorkel's "
                                  "TransformationFunction and LambdaMapper-style classes do)")

    def __call__(self, x: Any) -> Any:
        """Map a copy of ``x`` (``None`` when the TF does not apply)."""
        if self.memoize:
            key = self._memoize_key(x)
            if key in self._cache:
                return self._cache[key]
        x_mapped = _copy_point(x)
        for mapper in self._pre:
            x_mapped = mapper(x_mapped)
        x_mapped = self._generate_mapped_data_point(own_copy(x_mapped, self._pre))
        if self.memoize:
            self._cache[key] = x_mapped
        return x_mapped

    transform = __call__  # what the native TFApplier calls

    def __repr__(self) -> str:
        return f"{type(self).__name__} {self.name}, Pre: {self._pre}"


#: Snorkel's name for the type every TF has
BaseTransformationFunction = BaseMapper


class TransformationFunction(BaseMapper):
    """A TF defined by a ``run(**fields) -> dict`` method (``snorkel.augmentation.TransformationFunction``).

    ``field_names`` maps ``run``'s argument names to data point fields (default: ``run``'s own
    argument names); ``mapped_field_names`` renames the keys ``run`` returns.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> class Upper(TransformationFunction):
    ...     def run(self, text):
    ...         return dict(text=text.upper())
    >>> Upper("upper")(SimpleNamespace(text="hi"))
    namespace(text='HI')
    """

    def __init__(self, name: str, field_names: Mapping[str, str] | None = None,
                 mapped_field_names: Mapping[str, str] | None = None, pre: list[Any] | None = None,
                 memoize: bool = False, memoize_key: Callable[[Any], Hashable] | None = None) -> None:
        if field_names is None:
            spec = inspect.getfullargspec(self.run)
            if spec.varargs is not None or spec.varkw is not None:
                raise ValueError(f"Function {self.run.__name__} should not have *args or **kwargs")
            field_names = {k: k for k in spec.args[1:]}
        self.field_names = field_names
        self.mapped_field_names = mapped_field_names
        super().__init__(name, pre or [], memoize, memoize_key)

    def run(self, **kwargs: Any) -> Mapping[str, Any] | None:
        """Map input fields to output fields: Snorkel's interface, which a user's subclass implements."""
        raise NotImplementedError(f"{type(self).__name__} must define run(**fields), as in Snorkel")

    def _generate_mapped_data_point(self, x: Any) -> Any:
        mapped = self.run(**{k: getattr(x, v) for k, v in self.field_names.items()})
        if mapped is None:
            return None
        if self.mapped_field_names is not None:
            mapped = {v: mapped[k] for k, v in self.mapped_field_names.items()}
        for k, v in mapped.items():
            setattr(x, k, v)
        return x


class LambdaTransformationFunction(BaseMapper):
    """A TF from a function ``f(x) -> x'`` or ``None`` (``snorkel.augmentation.tf.LambdaTransformationFunction``).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> def square(x):
    ...     x.num = x.num ** 2
    ...     return x
    >>> LambdaTransformationFunction("square", square)(SimpleNamespace(num=3))
    namespace(num=9)
    """

    def __init__(self, name: str, f: Callable[[Any], Any], pre: list[Any] | None = None, memoize: bool = False,
                 memoize_key: Callable[[Any], Hashable] | None = None) -> None:
        self._f = f
        super().__init__(name, pre or [], memoize, memoize_key)

    def _generate_mapped_data_point(self, x: Any) -> Any:
        return self._f(x)


class transformation_function:  # noqa: N801 -- Snorkel's name
    """Decorator turning a function into a TF (``snorkel.augmentation.transformation_function``).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> @transformation_function()
    ... def square(x):
    ...     x.num = x.num ** 2
    ...     return x
    >>> square(SimpleNamespace(num=2))
    namespace(num=4)
    """

    def __init__(self, name: str | None = None, pre: list[Any] | None = None, memoize: bool = False,
                 memoize_key: Callable[[Any], Hashable] | None = None) -> None:
        if callable(name):
            raise ValueError("Looks like this decorator is missing parentheses!")
        self.name = name
        self.pre = pre
        self.memoize = memoize
        self.memoize_key = memoize_key

    def __call__(self, f: Callable[[Any], Any]) -> LambdaTransformationFunction:
        return LambdaTransformationFunction(self.name or f.__name__, f, pre=self.pre, memoize=self.memoize,
                                            memoize_key=self.memoize_key)


__all__ = ["BaseTransformationFunction", "LambdaTransformationFunction", "TransformationFunction",
           "transformation_function"]
