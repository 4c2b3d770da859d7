"""A light row type for row-wise LFs: fields as attributes and keys, no pandas Series per row."""

from __future__ import annotations

import keyword
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import numpy as np

from weaksup.errors import MissingFieldError, WeaksupError


class ReadOnlyRowError(WeaksupError, TypeError):
    """A write through a row's pandas-style view (``x.loc[...] = v``), which would change a copy only."""


class _Journal(threading.local):
    """Per thread: while an LF runs, the state of every row it changes, as it was before the change."""

    log: list[tuple[Row, Any, dict[str, Any] | None]] | None = None


_journal = _Journal()


class _FieldOrMethod:
    """A :class:`Row` method that yields to a field of the same name added later (``x.keys = ...``).

    An input column named like a method gets a property on its per-schema class, which wins
    outright; this covers fields a preprocessor adds. ``Row.keys(x)`` always calls the method.
    """

    def __init__(self, func: Callable[..., Any], prop: bool = False) -> None:
        self.func = func
        self.name = func.__name__
        self.prop = prop  # read like a pandas Series property (``x.index``), not called
        self.__doc__ = func.__doc__

    def __get__(self, obj: Row | None, owner: type | None = None) -> Any:
        if obj is None:
            return self.func
        extra = obj._Row__extra
        if extra is not None and self.name in extra:
            return extra[self.name]
        return self.func(obj) if self.prop else self.func.__get__(obj, owner)


def _field_or_property(func: Callable[..., Any]) -> _FieldOrMethod:
    return _FieldOrMethod(func, prop=True)


class _Indexer:
    """``x.loc`` / ``x.iloc`` / ``x.at`` / ``x.iat`` of a :class:`Row`: pandas' indexer on the row as a Series,
    read-only (the Series is a copy: a write through it would be lost)."""

    __slots__ = ("_row", "_kind")

    def __init__(self, row: Row, kind: str) -> None:
        self._row, self._kind = row, kind

    def __getitem__(self, key: Any) -> Any:
        try:
            return getattr(Row._series(self._row), self._kind)[key]
        except KeyError as exc:
            if isinstance(exc, MissingFieldError):
                raise
            missing = [k for k in key if k not in self._row] if isinstance(key, list) else key
            raise MissingFieldError(f"row has no field {missing!r} (in x.{self._kind}[{key!r}]); "
                                    f"fields are {Row.keys(self._row)}") from None

    def __setitem__(self, key: Any, value: Any) -> None:
        raise ReadOnlyRowError(f"x.{self._kind}[...] is read-only on a weaksup Row; set a field with "
                               f"x[{key!r}] = value or x.field = value")


_NO_ID = object()  # a row built without its id (a dict or tuple given straight to an LF)


class _RowName:
    """``x.name``: the row's id, as ``name`` is on the pandas Series a Snorkel LF gets (``df.iterrows()``).

    A field called ``name`` wins: an input column gets a property on its per-schema class, which
    overrides this, and a field a preprocessor adds is looked up first.
    """

    def __get__(self, obj: Row | None, owner: type | None = None) -> Any:
        if obj is None:
            return self
        extra = obj._Row__extra
        if extra is not None and "name" in extra:
            return extra["name"]
        values, n = obj._Row__values, len(obj._Row__fields)
        if len(values) <= n:
            raise AttributeError(f"row has no field 'name' (and no row id); fields are {Row.keys(obj)}")
        return values[n]  # the id rides after the fields' values: no extra work per row to build it

    def __set__(self, obj: Row, value: Any) -> None:
        obj["name"] = value  # an added field, as any other assignment


class Row:
    """One input row. Fields read as attributes (``x.text``) and keys (``x["text"]``).

    Rows are cheap: a tuple of values shared with a per-schema class that maps names to
    positions. Preprocessors get a :meth:`copy` they may change (``x.n_words = ...``); a change
    an LF makes to its row is undone when the LF has labeled the batch, so no LF ever sees
    another LF's changes (changes inside a field's value, like ``x.tags.append(...)``, are not
    tracked). A field named like a method (``keys``, ``get``, ``copy``, ``to_dict``) wins over
    the method: ``x.keys`` is the field, and ``Row.keys(x)`` the method. ``x.name`` is the row's id
    (its index label), as on the pandas Series a Snorkel LF gets, unless the row has a field ``name``.

    A row also answers the read-only pandas Series calls ported Snorkel LFs make, as that Series
    would: ``len(x)``, iteration over the fields' *values*, ``x.index``, ``x.values``, ``x.items()``,
    ``x.tolist()``, ``x.loc`` / ``x.iloc`` / ``x.at`` / ``x.iat`` (reading only: a write raises
    :class:`ReadOnlyRowError`), ``x[["a", "b"]]`` and ``x.isna()`` / ``x.isnull()`` / ``x.notna()``
    (a Series back). ``in``, :meth:`keys`, ``dict(x)`` and ``{**x}`` go by field name, as on a Series.
    The Series-returning calls build a small Series each time; plain field reads never do.

    Examples
    --------
    >>> RowType = make_row_type(("text", "n"))
    >>> x = RowType(("hello", 3))
    >>> x.text, x["n"], x.to_dict()
    ('hello', 3, {'text': 'hello', 'n': 3})
    >>> y = make_row_type(("keys",))(("k1",))
    >>> y.keys, Row.keys(y)
    ('k1', ['keys'])
    >>> RowType(("hi", 1), row_id="c07").name
    'c07'
    >>> len(x), list(x), x.loc["n"], x.isna().tolist()
    (2, ['hello', 3], 3, [False, False])
    """

    # name-mangled (``_Row__values``) so that no plausible column name collides with them
    __slots__ = ("__values", "__extra")
    __fields: tuple[str, ...] = ()
    __positions: dict[str, int] = {}
    name = _RowName()

    def __init__(self, values: Sequence[Any], extra: dict[str, Any] | None = None, row_id: Any = _NO_ID) -> None:
        # values: the fields' values, then (optionally) the row id, which Row.name reads; the applier
        # builds them as one tuple (zip of the columns and the ids)
        if row_id is not _NO_ID:
            values = (*values, row_id)
        object.__setattr__(self, "_Row__values", values)
        object.__setattr__(self, "_Row__extra", extra)

    def __getitem__(self, key: str | int) -> Any:
        pos = self.__positions.get(key) if isinstance(key, str) else None
        if pos is not None:
            return self.__values[pos]
        if isinstance(key, list):  # x[["a", "b"]]: a Series of those fields, as pandas gives
            missing = [k for k in key if k not in self]
            if missing:
                raise MissingFieldError(f"row has no field(s) {missing}; fields are {Row.keys(self)}")
            return Row._series(self)[key]
        extra = self.__extra
        if extra is not None and key in extra:
            return extra[key]
        if not isinstance(key, (str, bool, np.bool_)):
            # a column labelled 0, 1.5 or ("a", "b") is the field "0", "1.5", "('a', 'b')": x[0] reads it by
            # label, as on the pandas Series a Snorkel LF gets, even where columns are not in order 0, 1, ...
            pos = self.__positions.get(str(key))
            if pos is not None:
                return self.__values[pos]
            if isinstance(key, (int, np.integer)):
                return self.__values[: len(self.__fields)][key]  # positions of fields only, never the row id
        # a KeyError (``except KeyError`` and ``get`` still work) that says which fields the row has
        raise MissingFieldError(f"row has no field {key!r}; fields are {Row.keys(self)}")

    def __getattr__(self, name: str) -> Any:  # reached for added fields and names that are not identifiers
        extra = object.__getattribute__(self, "_Row__extra")
        if extra is not None and name in extra:
            return extra[name]
        pos = type(self).__positions.get(name)
        if pos is not None:
            return object.__getattribute__(self, "_Row__values")[pos]
        raise AttributeError(f"row has no field {name!r}; fields are {Row.keys(self)}")

    def __setattr__(self, name: str, value: Any) -> None:
        self[name] = value

    def __setitem__(self, name: str, value: Any) -> None:
        values, extra = self.__values, self.__extra
        log = _journal.log
        if log is not None:  # an LF is changing its row: keep the row as read, restored after the LF
            log.append((self, values if type(values) is tuple else list(values), None if extra is None else dict(extra)))
        pos = self.__positions.get(name)
        if pos is not None:
            if not isinstance(values, list):
                values = list(values)
                object.__setattr__(self, "_Row__values", values)
            values[pos] = value
            return
        if extra is None:
            extra = {}
            object.__setattr__(self, "_Row__extra", extra)
        extra[name] = value

    def __contains__(self, key: object) -> bool:
        if key in self.__positions or (self.__extra is not None and key in self.__extra):
            return True
        # a column label that is not text (0, 1.5, ("a", "b")), as __getitem__ reads it
        return not isinstance(key, (str, bool, np.bool_)) and str(key) in self.__positions

    def __iter__(self) -> Iterator[Any]:
        # the fields' values, as iterating the pandas Series a Snorkel LF gets; `in`, keys() and items()
        # go by name, as on a Series (and dict(x) / {**x} still give {field: value})
        return iter(Row.tolist(self))

    def __len__(self) -> int:
        return len(self.__fields) + (len(self.__extra) if self.__extra else 0)

    def __bool__(self) -> bool:  # a row is a row, even with no fields (__len__ would make it falsy)
        return True

    @_FieldOrMethod
    def keys(self) -> list[str]:
        """Field names, input columns first."""
        return list(self.__fields) + (list(self.__extra) if self.__extra else [])

    @_FieldOrMethod
    def get(self, key: str, default: Any = None) -> Any:
        """The field ``key``, or ``default`` when the row has no such field."""
        try:
            return self[key]
        except KeyError:
            return default

    @_FieldOrMethod
    def to_dict(self) -> dict[str, Any]:
        """The row as a plain dict."""
        d = dict(zip(self.__fields, self.__values, strict=False))  # values may end with the row id
        if self.__extra:
            d.update(self.__extra)
        return d

    @_FieldOrMethod
    def tolist(self) -> list[Any]:
        """The fields' values, in the order of :meth:`keys` (as ``Series.tolist``)."""
        values = self.__values
        out = list(values if len(values) == len(self.__fields) else values[: len(self.__fields)])
        if self.__extra:
            out.extend(self.__extra.values())
        return out

    @_FieldOrMethod
    def to_list(self) -> list[Any]:
        """Alias of :meth:`tolist`, as on a pandas Series."""
        return Row.tolist(self)

    @_FieldOrMethod
    def items(self) -> Iterator[tuple[str, Any]]:
        """``(field, value)`` pairs, as ``Series.items`` (and ``dict.items``)."""
        return zip(Row.keys(self), Row.tolist(self), strict=True)

    def _series(self) -> Any:
        """The row as the pandas Series a Snorkel LF gets (a copy): named by the row id, indexed by field."""
        import pandas as pd

        values, n = self.__values, len(self.__fields)
        name = values[n] if len(values) > n else None
        return pd.Series(Row.tolist(self), index=pd.Index(Row.keys(self)), name=name)

    @_field_or_property
    def index(self) -> Any:
        """The field names as a pandas ``Index`` (``Series.index``)."""
        import pandas as pd

        return pd.Index(Row.keys(self))

    @_field_or_property
    def values(self) -> Any:
        """The fields' values as a NumPy array (``Series.values``, a copy)."""
        return Row._series(self).to_numpy()

    @_field_or_property
    def loc(self) -> _Indexer:
        """Read fields by name, as ``Series.loc`` (read-only)."""
        return _Indexer(self, "loc")

    @_field_or_property
    def iloc(self) -> _Indexer:
        """Read fields by position, as ``Series.iloc`` (read-only)."""
        return _Indexer(self, "iloc")

    @_field_or_property
    def at(self) -> _Indexer:
        """Read one field by name, as ``Series.at`` (read-only)."""
        return _Indexer(self, "at")

    @_field_or_property
    def iat(self) -> _Indexer:
        """Read one field by position, as ``Series.iat`` (read-only)."""
        return _Indexer(self, "iat")

    @_FieldOrMethod
    def isna(self) -> Any:
        """A boolean Series: which fields are missing (None, NaN, ``pd.NA``), as ``Series.isna``."""
        return Row._series(self).isna()

    @_FieldOrMethod
    def isnull(self) -> Any:
        """Alias of :meth:`isna`, as on a pandas Series."""
        return Row._series(self).isna()

    @_FieldOrMethod
    def notna(self) -> Any:
        """A boolean Series: which fields are present, as ``Series.notna``."""
        return Row._series(self).notna()

    @_FieldOrMethod
    def notnull(self) -> Any:
        """Alias of :meth:`notna`, as on a pandas Series."""
        return Row._series(self).notna()

    @_FieldOrMethod
    def copy(self) -> Row:
        """Shallow copy that may be changed without touching this row."""
        return type(self)(list(self.__values), dict(self.__extra) if self.__extra else None)  # id included

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Row) and Row.to_dict(self) == Row.to_dict(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Row({Row.to_dict(self)!r})"


@contextmanager
def rows_restored() -> Iterator[None]:
    """Undo, when the block ends, every change made in it (in this thread) to :class:`Row` objects.

    The applier runs each row-wise LF inside this block, so the rows every LF gets are the rows
    as read, whatever an earlier LF did to them. Nothing is recorded while no row is changed, so
    it costs nothing for LFs that only read.

    Examples
    --------
    >>> x = make_row_type(("text",))(("hi",))
    >>> with rows_restored():
    ...     x.text = "changed"
    ...     x.extra = 1
    >>> x.to_dict()
    {'text': 'hi'}
    """
    outer = _journal.log
    log: list[tuple[Row, Any, dict[str, Any] | None]] = []
    _journal.log = log
    try:
        yield
    finally:
        _journal.log = outer
        for row, values, extra in reversed(log):  # the earliest record of a row is its state as read
            object.__setattr__(row, "_Row__values", values)
            object.__setattr__(row, "_Row__extra", extra)


@lru_cache(maxsize=256)
def make_row_type(fields: tuple[str, ...]) -> type[Row]:
    """A Row subclass for one schema; field names become attributes (when they are identifiers).

    A field named like a public :class:`Row` method (``keys``, ``get``, ``copy``, ``to_dict``) wins
    over the method on this class; names Row keeps for itself (underscored) read only as keys.

    Examples
    --------
    >>> RowType = make_row_type(("get", "class"))
    >>> x = RowType((1, 2))
    >>> x.get, x["class"], getattr(x, "class")
    (1, 2, 2)
    """
    positions = {name: i for i, name in enumerate(fields)}
    namespace: dict[str, Any] = {"__slots__": (), "_Row__fields": fields, "_Row__positions": positions}
    for name, i in positions.items():
        if name.isidentifier() and not keyword.iskeyword(name) and not (name.startswith("_") and hasattr(Row, name)):
            namespace[name] = property(
                lambda self, _i=i: self._Row__values[_i], lambda self, v, _n=name: self.__setitem__(_n, v)
            )
    return type("Row", (Row,), namespace)


def as_row(x: Any) -> Any:
    """A dict or pandas Series as the :class:`Row` an applier would build from it; anything else as it is.

    A Series keeps its id as ``x.name``, as a row of ``df.iterrows()`` does.

    Examples
    --------
    >>> as_row({"text": "hi"}).text
    'hi'
    """
    if isinstance(x, dict):
        return make_row_type(tuple(str(k) for k in x))(tuple(x.values()))
    import pandas as pd

    if isinstance(x, pd.Series):
        return make_row_type(tuple(str(k) for k in x.keys()))(tuple(x.tolist()), None, x.name)
    return x
