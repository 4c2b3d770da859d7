"""Snorkel's mappers (``snorkel.map``): data point -> data point functions, memoized by content.

A mapper is a native :class:`weaksup.labeling.Preprocessor`, so weaksup's appliers (in-process,
``n_jobs``, Dask) run it like any other preprocessor. On top of that it has Snorkel's semantics:
the data point is deep-copied before it is changed, ``pre`` mappers run first, and with
``memoize=True`` results are cached by the point's content (``memoize_key``, by default
:func:`get_hashable`) for the mapper's lifetime, until :meth:`BaseMapper.reset_cache`.
"""

from __future__ import annotations

import copy
import inspect
import pickle
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd

from weaksup.labeling.preprocessor import Preprocessor
from weaksup.labeling.row import Row, _journal


def get_parameters(f: Callable[..., Any], allow_args: bool = False, allow_kwargs: bool = False) -> list[str]:
    """Names of ``f``'s positional parameters; ``ValueError`` if it takes ``*args`` / ``**kwargs``.

    Examples
    --------
    >>> get_parameters(lambda text, n: None)
    ['text', 'n']
    """
    spec = inspect.getfullargspec(f)
    if spec.varargs is not None and not allow_args:
        raise ValueError(f"function {getattr(f, '__name__', f)!r} should not have *args")
    if spec.varkw is not None and not allow_kwargs:
        raise ValueError(f"function {getattr(f, '__name__', f)!r} should not have **kwargs")
    return list(spec.args)


def is_hashable(obj: Any) -> bool:
    """Whether ``hash(obj)`` works (pandas objects define ``__hash__`` only to raise)."""
    try:
        hash(obj)
    except Exception:
        return False
    return True


def get_hashable(obj: Any) -> Hashable:
    """A hashable stand-in for ``obj``'s values, used as the memoization key.

    Hashable objects are returned as they are; a ``SimpleNamespace``, a ``dict``, a pandas
    Series or a weaksup ``Row`` becomes a ``frozenset`` of ``(field, value)`` pairs (a Series's
    name is dropped), lists and tuples become tuples, arrays their bytes; values are converted
    recursively. Anything else raises ``ValueError``.

    Examples
    --------
    >>> get_hashable(SimpleNamespace(a=1, b=[2, 3])) == frozenset({("a", 1), ("b", (2, 3))})
    True
    """
    if is_hashable(obj):
        return obj
    if isinstance(obj, SimpleNamespace):
        obj = vars(obj)
    elif isinstance(obj, Row):
        obj = Row.to_dict(obj)
    if isinstance(obj, (dict, pd.Series)):
        return frozenset((k, get_hashable(v)) for k, v in obj.items())
    if isinstance(obj, (list, tuple)):
        return tuple(get_hashable(v) for v in obj)
    if isinstance(obj, np.ndarray):
        return obj.data.tobytes()
    raise ValueError(f"object {obj!r} of type {type(obj).__name__} has no hashable proxy; pass memoize_key=")


@contextmanager
def _unjournaled() -> Iterator[None]:
    """Changes to rows made in this block are not undone by an enclosing ``rows_restored`` (the LF applier's).

    A mapper changes its own copy of the point; restoring that copy afterwards would strip the fields it
    set from the memoized output the next call returns.
    """
    outer = _journal.log
    _journal.log = None
    try:
        yield
    finally:
        _journal.log = outer


def _deep_copy(x: Any) -> Any:
    """A copy of ``x`` whose changes (nested ones too) never reach ``x``."""
    if isinstance(x, Row):  # per-schema classes do not pickle: copy the values, keep the class
        return type(x)(copy.deepcopy(list(x._Row__values)), copy.deepcopy(x._Row__extra))  # noqa: SLF001
    try:  # a pickle round trip also copies what deepcopy shares (a Series's object values)
        return pickle.loads(pickle.dumps(x))
    except Exception:
        return copy.deepcopy(x)


class BaseMapper(Preprocessor):
    """Base class of :class:`Mapper` and :class:`LambdaMapper`: nesting, memoization and copying.

    Parameters
    ----------
    name : str
    pre : list of BaseMapper, optional
        Mappers run (in order) on the copied point before this one.
    memoize : bool
        Cache outputs by the point's content.
    memoize_key : callable, optional
        Point -> hashable key (default :func:`get_hashable`).

    Examples
    --------
    >>> class AddOne(BaseMapper):
    ...     def _generate_mapped_data_point(self, x):
    ...         x.n += 1
    ...         return x
    >>> AddOne("add_one", memoize=True)(SimpleNamespace(n=1)).n
    2
    """

    def __init__(self, name: str, pre: Sequence[BaseMapper] | None = None, memoize: bool = False,
                 memoize_key: Callable[[Any], Hashable] | None = None) -> None:
        super().__init__(name, self._map, memoize=memoize)
        self._pre = list(pre or [])
        self._memoize_key = get_hashable if memoize_key is None else memoize_key
        self.reset_cache()

    def reset_cache(self) -> None:
        """Forget every memoized output."""
        self._cache: dict[Hashable, Any] = {}

    def _generate_mapped_data_point(self, x: Any) -> Any:
        """The hook Snorkel's ``BaseMapper`` defines: ``Mapper`` and ``LambdaMapper`` implement it."""
        raise NotImplementedError(f"{type(self).__name__} must define _generate_mapped_data_point, as in Snorkel")

    def _map(self, x: Any) -> Any:
        if self.memoize:  # keyed by type too: a Row the applier made must not come back for a Series
            key = (type(x), self._memoize_key(x))
            if key in self._cache:  # not .get(): a cached None is a result too
                return self._cache[key]
        with _unjournaled():
            x_mapped = _deep_copy(x)
            for mapper in self._pre:
                x_mapped = mapper(x_mapped)
            x_mapped = self._generate_mapped_data_point(x_mapped)
        if self.memoize:
            self._cache[key] = x_mapped
        return x_mapped

    _standard_call = True  # the same as f (self._map), which appliers call

    def __call__(self, x: Any) -> Any:
        """Map one data point (``None`` when the mapper filters it out)."""
        return self._map(x)

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["f"] = None  # the bound method would pickle this object inside itself
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.f = self._map

    def __repr__(self) -> str:
        pre = f", Pre: {[p.name for p in self._pre]}" if self._pre else ""
        return f"{type(self).__name__} {self.name}{pre}"


class Mapper(BaseMapper):
    """A mapper defined by :meth:`run`: fields in, a dict of new fields out.

    ``run``'s parameters name the fields it reads (``field_names`` maps a parameter to another
    field of the point); the keys of the dict it returns are set on the point
    (``mapped_field_names`` renames them). ``run`` returning ``None`` filters the point out.

    Examples
    --------
    >>> class Lower(Mapper):
    ...     def run(self, text):
    ...         return dict(lower=text.lower())
    >>> Lower("lower", mapped_field_names=dict(lower="text_lower"))(SimpleNamespace(text="Hi")).text_lower
    'hi'
    """

    def __init__(self, name: str, field_names: Mapping[str, str] | None = None,
                 mapped_field_names: Mapping[str, str] | None = None, pre: Sequence[BaseMapper] | None = None,
                 memoize: bool = False, memoize_key: Callable[[Any], Hashable] | None = None) -> None:
        if field_names is None:
            params = get_parameters(self.run)
            field_names = {p: p for p in params if p != "self"}
        self.field_names = dict(field_names)
        self.mapped_field_names = None if mapped_field_names is None else dict(mapped_field_names)
        super().__init__(name, pre, memoize, memoize_key)

    def run(self, **kwargs: Any) -> Mapping[str, Any] | None:
        """Compute new fields from the fields named in ``field_names``; override in a subclass."""
        raise NotImplementedError(f"{type(self).__name__} must define run(**fields), as in Snorkel")

    def _update_fields(self, x: Any, mapped: Mapping[str, Any]) -> Any:
        for key, value in mapped.items():
            if isinstance(x, pd.Series):
                x[key] = value
            else:
                setattr(x, key, value)
        return x

    def _generate_mapped_data_point(self, x: Any) -> Any:
        inputs = {param: getattr(x, field) if not isinstance(x, dict) else x[field]
                  for param, field in self.field_names.items()}
        out = self.run(**inputs)
        if out is None:
            return None
        if self.mapped_field_names is not None:
            out = {self.mapped_field_names[k]: v for k, v in out.items()}
        return self._update_fields(x, out)


class LambdaMapper(BaseMapper):
    """A mapper from a function ``f(x) -> x`` (which may change the copy it gets).

    Examples
    --------
    >>> def square(x):
    ...     x.sq = x.n ** 2
    ...     return x
    >>> LambdaMapper("square", square)(SimpleNamespace(n=3)).sq
    9
    """

    def __init__(self, name: str, f: Callable[[Any], Any], pre: Sequence[BaseMapper] | None = None,
                 memoize: bool = False, memoize_key: Callable[[Any], Hashable] | None = None) -> None:
        self._f = f
        super().__init__(name, pre, memoize, memoize_key)

    def _generate_mapped_data_point(self, x: Any) -> Any:
        return self._f(x)


class lambda_mapper:  # noqa: N801 -- Snorkel's name
    """Decorator turning ``f(x) -> x`` into a :class:`LambdaMapper` (use it with parentheses).

    Examples
    --------
    >>> @lambda_mapper(memoize=True)
    ... def upper(x):
    ...     x.text = x.text.upper()
    ...     return x
    >>> upper(SimpleNamespace(text="a")).text
    'A'
    """

    _kind: type[LambdaMapper] = LambdaMapper

    def __init__(self, name: str | None = None, pre: Sequence[BaseMapper] | None = None, memoize: bool = False,
                 memoize_key: Callable[[Any], Hashable] | None = None) -> None:
        if callable(name):
            # name the decorator the user wrote (@preprocessor is a subclass)
            raise ValueError(f"looks like this decorator is missing parentheses: use @{type(self).__name__}()")
        self.name, self.pre, self.memoize, self.memoize_key = name, pre, memoize, memoize_key

    def __call__(self, f: Callable[[Any], Any]) -> LambdaMapper:
        return self._kind(self.name or f.__name__, f, pre=self.pre, memoize=self.memoize,
                          memoize_key=self.memoize_key)
