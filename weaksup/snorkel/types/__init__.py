"""Snorkel's type aliases (``snorkel.types``): data points, fields and hashing functions."""

from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any, NamedTuple

#: one data point: a ``SimpleNamespace``, a pandas row, a weaksup ``Row``, any object with fields
DataPoint = Any
DataPoints = Sequence[DataPoint]
Field = Any
#: field name -> value, as returned by ``Mapper.run``
FieldMap = Mapping[str, Field]
#: data point -> hashable key, used to memoize mappers
HashingFunction = Callable[[Any], Hashable]
#: Snorkel's configuration objects are named tuples
Config = NamedTuple

__all__ = ["Config", "DataPoint", "DataPoints", "Field", "FieldMap", "HashingFunction"]
