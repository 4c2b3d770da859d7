"""Snorkel's ``check_unique_names`` (``snorkel.utils.data_operators``)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence


def check_unique_names(names: Sequence[str]) -> None:
    """``ValueError`` naming the most repeated name when operator (LF, TF, SF) names are not unique.

    Examples
    --------
    >>> check_unique_names(["a", "b"])
    >>> check_unique_names(["a", "b", "b"])
    Traceback (most recent call last):
    ...
    ValueError: Operator names not unique: 2 operators with name b
    """
    if not names:
        return
    name, count = Counter(names).most_common(1)[0]
    if count > 1:
        raise ValueError(f"Operator names not unique: {count} operators with name {name}")
