"""Snorkel's ``LFApplier`` (``snorkel.labeling.apply.core``) on weaksup's batch applier.

Snorkel's appliers return a dense ``int64`` NumPy matrix (-1 = abstain) and raise an LF's own
exception; these do too, with a note naming the LF and the row. Everything else is weaksup's
applier: vectorized batches, label validation (a ``None``, bool or float vote is an
:class:`~weaksup.errors.InvalidLabelError`), and rows an LF changes put back before the next LF.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from weaksup.apply.applier import stack_rows
from weaksup.apply.base import check_lfs
from weaksup.apply.core import apply_lfs_to_batch, merge_errors, slice_batches
from weaksup.errors import InvalidLabelError, LabelingFunctionError
from weaksup.labeling.lf import LabelingFunction
from weaksup.matrix import LabelMatrix


class ApplierMetadata(NamedTuple):
    """What a fault-tolerant run swallowed: LF name -> number of rows on which it raised."""

    faults: dict[str, int]


class BaseLFApplier:
    """Holds the LFs (unique names checked) of a Snorkel-style applier.

    Examples
    --------
    >>> from weaksup.snorkel.labeling import labeling_function
    >>> @labeling_function()
    ... def f(x):
    ...     return -1
    >>> BaseLFApplier([f])
    BaseLFApplier, LFs: ['f']
    """

    def __init__(self, lfs: Sequence[LabelingFunction]) -> None:
        self._lfs = check_lfs(lfs)
        self._lf_names = [lf.name for lf in self._lfs]

    def __repr__(self) -> str:
        return f"{type(self).__name__}, LFs: {self._lf_names}"

    def _finish(self, run: Callable[[], tuple[LabelMatrix, dict[str, Any]]], return_meta: bool) -> Any:
        """Run the native applier; Snorkel's output (dense int64, maybe with metadata) and Snorkel's errors."""
        try:
            L, errors = run()
        except InvalidLabelError:
            raise
        except LabelingFunctionError as exc:
            original = exc.original
            if original is None or not isinstance(original, Exception):
                raise
            # Snorkel lets the LF's own exception through; keep it, and say where it happened (Python >= 3.11)
            if hasattr(original, "add_note"):
                original.add_note(str(exc))
            raise original.with_traceback(original.__traceback__) from None
        dense = L.to_dense().astype(np.int64)
        if return_meta:
            return dense, ApplierMetadata({name: rec.count for name, rec in errors.items()})
        return dense


def _object_array(data_points: Sequence[Any]) -> np.ndarray:
    """A 1-D object array of the points themselves (never a 2-D array numpy would build from sequences)."""
    arr = np.empty(len(data_points), dtype=object)
    arr[:] = list(data_points)
    return arr


def apply_to_objects(lfs: Sequence[LabelingFunction], data_points: Sequence[Any], progress: bool,
                     fault_tolerant: bool, chunk_size: int = 20_000) -> tuple[LabelMatrix, dict[str, Any]]:
    """Native batch application over arbitrary data points (each LF gets the point itself)."""
    if isinstance(data_points, (pd.DataFrame, pd.Series)):
        # iterating a DataFrame gives its column names (Snorkel's LFs then fail on a str): say what to use
        raise TypeError(f"LFApplier takes a list of data points or a 2-D array, not a {type(data_points).__name__}; "
                        "for a pandas DataFrame use PandasLFApplier")
    if isinstance(data_points, np.ndarray) and data_points.ndim == 2:
        data = data_points  # rows of a 2-D array are the points, as in Snorkel
    else:
        if not isinstance(data_points, (Sequence, np.ndarray)):
            data_points = list(data_points)  # a generator or other iterable, which Snorkel takes too
        data = _object_array(data_points)
    index = pd.RangeIndex(len(data))
    names = [lf.name for lf in lfs]
    parts, errors = [], {}
    with tqdm(total=len(index), disable=not progress, desc="Applying LFs", unit="rows") as bar:
        for batch in slice_batches(data, index, chunk_size):
            part, batch_errors = apply_lfs_to_batch(lfs, batch, None, fault_tolerant)
            merge_errors(errors, batch_errors)
            parts.append(part)
            bar.update(len(batch))
    return stack_rows(parts, names, index, None), errors


class LFApplier(BaseLFApplier):
    """Snorkel's ``LFApplier``: LFs over a list of arbitrary data points or a 2-D NumPy array.

    Each LF gets the data point itself (a ``SimpleNamespace``, a dict, any object; a row of the
    array).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> from weaksup.snorkel.labeling import labeling_function
    >>> @labeling_function()
    ... def is_big(x):
    ...     return 1 if x.num > 42 else -1
    >>> LFApplier([is_big]).apply([SimpleNamespace(num=10), SimpleNamespace(num=100)], progress_bar=False).tolist()
    [[-1], [1]]
    """

    def apply(self, data_points: Sequence[Any] | np.ndarray, progress_bar: bool = True,
              fault_tolerant: bool = False, return_meta: bool = False) -> Any:
        """Label every data point with every LF: an ``n x m`` int64 array (and metadata with ``return_meta``)."""
        return self._finish(lambda: apply_to_objects(self._lfs, data_points, progress_bar, fault_tolerant),
                            return_meta)
