"""Snorkel's ``PandasTFApplier`` (``snorkel.augmentation.apply.pandas``), on the native applier.

Snorkel builds one pandas Series per row and pickles it for every TF call; this runs the same TFs
on light row objects and builds the output column by column (see ``benchmarks/augment_slice.py``).
As in Snorkel, the output has the input's columns only: a field a TF or its ``pre`` mappers add
(``x.doc`` from a ``SpacyPreprocessor``, ``x.words = ...``) is an attribute of the row's Series
there, not a column. (Snorkel does keep a field added by item, ``x["new"] = ...``; here it is
dropped too.) The native :class:`weaksup.augment.TFApplier` keeps fields the TF itself sets as columns
(fields its ``pre`` preprocessors add are dropped there too). A TF
that raises raises its own exception, as in Snorkel, with a note naming the TF and the row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pandas as pd

from weaksup.augment.apply import TFApplier as _NativeTFApplier
from weaksup.augment.tf import TransformationFunctionError
from weaksup.snorkel.augmentation.apply.core import BaseTFApplier


class PandasTFApplier(BaseTFApplier):
    """Augment a DataFrame: output rows keep the index of the row they came from (so it repeats).

    Examples
    --------
    >>> from weaksup.snorkel.augmentation import ApplyOnePolicy, transformation_function
    >>> @transformation_function()
    ... def square(x):
    ...     x.num = x.num ** 2
    ...     return x
    >>> PandasTFApplier([square], ApplyOnePolicy()).apply(pd.DataFrame({"num": [2, 3]}), progress_bar=False)
       num
    0    2
    0    4
    1    3
    1    9
    """

    def _native(self) -> _NativeTFApplier:
        return _NativeTFApplier(self._tfs, self._policy, index="source")

    @staticmethod
    def _snorkel_frame(out: pd.DataFrame, df: pd.DataFrame) -> pd.DataFrame:
        """The input's columns only (fields TFs add are not columns in Snorkel's output), objects inferred."""
        added = [c for c in out.columns if c not in df.columns]
        return (out.drop(columns=added) if added else out).infer_objects()

    @staticmethod
    def _run(step: Callable[[], Any]) -> Any:
        """One native step; a TF's own exception comes through, as in Snorkel, with a note naming the TF and row."""
        try:
            return step()
        except TransformationFunctionError as exc:
            original = exc.original
            if not isinstance(original, Exception):
                raise
            if hasattr(original, "add_note"):  # Python >= 3.11
                original.add_note(str(exc))
            raise original.with_traceback(original.__traceback__) from None

    @staticmethod
    def _check(df: Any) -> None:
        if not isinstance(df, pd.DataFrame):
            raise TypeError(f"PandasTFApplier takes a pandas DataFrame, not {type(df).__name__}; for a list of data "
                            "points use TFApplier")

    def apply_generator(self, df: pd.DataFrame, batch_size: int) -> Iterator[pd.DataFrame]:
        """Yield the augmented rows of ``batch_size`` input rows at a time."""
        self._check(df)
        batches = self._native().apply_generator(df, batch_size)
        while True:
            out = self._run(lambda: next(batches, None))
            if out is None:
                return
            yield self._snorkel_frame(out, df)

    def apply(self, df: pd.DataFrame, progress_bar: bool = True) -> pd.DataFrame:
        """The augmented DataFrame, in ``df``'s columns."""
        self._check(df)
        return self._snorkel_frame(self._run(lambda: self._native().apply(df, progress=progress_bar)), df)


__all__ = ["PandasTFApplier"]
