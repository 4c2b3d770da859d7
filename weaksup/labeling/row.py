"""A light row type for row-wise LFs: fields as attributes and keys, no pandas Series per row."""

from __future__ import annotations

import keyword
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Any


class Row:
    """One input row. Fields read as attributes (``x.text``) and keys (``x["text"]``).

    Rows are cheap: a tuple of values shared with a per-schema class that maps names to
    positions. Preprocessors get a :meth:`copy` they may change (``x.n_words = ...``),
    so no LF ever sees another LF's changes.

    Examples
    --------
    >>> RowType = make_row_type(("text", "n"))
    >>> x = RowType(("hello", 3))
    >>> x.text, x["n"], x.to_dict()
    ('hello', 3, {'text': 'hello', 'n': 3})
    """

    __slots__ = ("_values", "_extra")
    _fields: tuple[str, ...] = ()
    _positions: dict[str, int] = {}

    def __init__(self, values: Sequence[Any], extra: dict[str, Any] | None = None) -> None:
        object.__setattr__(self, "_values", values)
        object.__setattr__(self, "_extra", extra)

    def __getitem__(self, key: str | int) -> Any:
        pos = self._positions.get(key) if isinstance(key, str) else None
        if pos is not None:
            return self._values[pos]
        extra = self._extra
        if extra is not None and key in extra:
            return extra[key]
        if isinstance(key, int) and not isinstance(key, bool):
            return self._values[key]
        raise KeyError(key)

    def __getattr__(self, name: str) -> Any:  # only reached for fields added by preprocessors
        extra = object.__getattribute__(self, "_extra")
        if extra is not None and name in extra:
            return extra[name]
        raise AttributeError(f"row has no field {name!r}; fields are {list(self.keys())}")

    def __setattr__(self, name: str, value: Any) -> None:
        self[name] = value

    def __setitem__(self, name: str, value: Any) -> None:
        pos = self._positions.get(name)
        if pos is not None:
            values = self._values
            if not isinstance(values, list):
                values = list(values)
                object.__setattr__(self, "_values", values)
            values[pos] = value
            return
        if self._extra is None:
            object.__setattr__(self, "_extra", {})
        self._extra[name] = value

    def __contains__(self, key: object) -> bool:
        return key in self._positions or (self._extra is not None and key in self._extra)

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def keys(self) -> list[str]:
        """Field names, input columns first."""
        return list(self._fields) + (list(self._extra) if self._extra else [])

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self[key]
        except KeyError:
            return default

    def to_dict(self) -> dict[str, Any]:
        """The row as a plain dict."""
        d = dict(zip(self._fields, self._values, strict=True))
        if self._extra:
            d.update(self._extra)
        return d

    def copy(self) -> Row:
        """Shallow copy that may be changed without touching this row."""
        return type(self)(list(self._values), dict(self._extra) if self._extra else None)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Row) and self.to_dict() == other.to_dict()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Row({self.to_dict()!r})"


@lru_cache(maxsize=256)
def make_row_type(fields: tuple[str, ...]) -> type[Row]:
    """A Row subclass for one schema; field names become attributes (when they are identifiers)."""
    positions = {name: i for i, name in enumerate(fields)}
    namespace: dict[str, Any] = {"__slots__": (), "_fields": fields, "_positions": positions}
    for name, i in positions.items():
        if name.isidentifier() and not keyword.iskeyword(name) and not hasattr(Row, name):
            namespace[name] = property(lambda self, _i=i: self._values[_i], lambda self, v, _n=name: self.__setitem__(_n, v))
    return type("Row", (Row,), namespace)
