"""Snorkel's ``PandasTFApplier`` (``snorkel.augmentation.apply.pandas``), on the native applier.

Snorkel builds one pandas Series per row and pickles it for every TF call; this runs the same TFs
on light row objects and builds the output column by column (see ``benchmarks/augment_slice.py``).
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from weaksup.augment.apply import TFApplier as _NativeTFApplier
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

    def apply_generator(self, df: pd.DataFrame, batch_size: int) -> Iterator[pd.DataFrame]:
        """Yield the augmented rows of ``batch_size`` input rows at a time."""
        for out in self._native().apply_generator(df, batch_size):
            yield out.infer_objects()

    def apply(self, df: pd.DataFrame, progress_bar: bool = True) -> pd.DataFrame:
        """The augmented DataFrame."""
        return self._native().apply(df, progress=progress_bar).infer_objects()


__all__ = ["PandasTFApplier"]
