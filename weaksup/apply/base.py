"""What every applier shares: its LFs (checked once), the cardinality, LF names and the error records."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from weaksup.apply.core import LFErrorRecord
from weaksup.errors import ParameterError, ParameterTypeError
from weaksup.labeling.lf import LabelingFunction


class BaseApplier:
    """Base of :class:`~weaksup.apply.LFApplier`, ``IncrementalApplier``, ``ChunkedApplier`` and ``DaskLFApplier``.

    Parameters
    ----------
    lfs : sequence of LabelingFunction
        LFs with unique names; the label matrix columns follow this order.
    cardinality : int, optional
        Number of classes; when given, votes outside ``0..cardinality-1`` are errors.

    Attributes
    ----------
    errors_ : dict
        After a ``fault_tolerant=True`` pass: LF name -> :class:`~weaksup.apply.LFErrorRecord`.

    Examples
    --------
    >>> from weaksup import keyword_lf
    >>> BaseApplier([keyword_lf("my", 1), keyword_lf("song", 0)]).lf_names
    ['keyword_my', 'keyword_song']
    """

    def __init__(self, lfs: Sequence[LabelingFunction], cardinality: int | None = None) -> None:
        self.lfs = check_lfs(lfs)
        self.cardinality = check_cardinality(cardinality)
        self.errors_: dict[str, LFErrorRecord] = {}

    @property
    def lf_names(self) -> list[str]:
        """The LFs' names, in column order."""
        return [lf.name for lf in self.lfs]


def check_lfs(lfs: Sequence[LabelingFunction]) -> list[LabelingFunction]:
    """Validate the LF list: LabelingFunction objects with unique names."""
    if isinstance(lfs, LabelingFunction):
        raise ParameterTypeError(f"expected a list of labeling functions, got the single LF {lfs.name!r}; pass [{lfs.name}]")
    try:
        lfs = list(lfs)
    except TypeError:
        raise ParameterTypeError(f"expected a list of labeling functions, got {type(lfs).__name__}") from None
    if not lfs:
        raise ParameterError("no labeling functions given")
    for lf in lfs:
        if not isinstance(lf, LabelingFunction):
            raise ParameterTypeError(f"expected LabelingFunction objects (use @labeling_function()), got {lf!r}")
    names = pd.Index([lf.name for lf in lfs])
    if names.has_duplicates:
        raise ParameterError(
            f"duplicate labeling function names: {names[names.duplicated()].unique().tolist()}; give each LF its own "
            "name (name=...)"
        )
    return lfs


def check_cardinality(cardinality: Any) -> int | None:
    """``None`` or the number of classes as an ``int >= 2`` (the rule of :class:`~weaksup.LabelMatrix`).

    Examples
    --------
    >>> check_cardinality(2.0), check_cardinality(None)
    (2, None)
    """
    if cardinality is None:
        return None
    whole = isinstance(cardinality, (int, np.integer)) or (
        isinstance(cardinality, (float, np.floating)) and float(cardinality).is_integer()
    )
    if not whole or isinstance(cardinality, (bool, np.bool_)):
        raise ParameterTypeError(f"cardinality must be an integer number of classes (>= 2) or None, got {cardinality!r}")
    if int(cardinality) < 2:
        raise ParameterError(f"cardinality must be >= 2 (the number of classes), got {cardinality!r}")
    return int(cardinality)


def check_chunk_size(chunk_size: Any, allow_none: bool = True) -> int | None:
    """``None`` (where the applier chooses) or a positive number of rows per batch.

    Examples
    --------
    >>> check_chunk_size(5_000), check_chunk_size(None)
    (5000, None)
    """
    if chunk_size is None and allow_none:
        return None
    if not isinstance(chunk_size, (int, np.integer)) or isinstance(chunk_size, (bool, np.bool_)):
        raise ParameterTypeError(f"chunk_size must be a whole number of rows, got {chunk_size!r}")
    if chunk_size < 1:
        raise ParameterError(f"chunk_size must be at least 1 row, got {chunk_size!r}")
    return int(chunk_size)
