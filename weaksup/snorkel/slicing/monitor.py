"""Snorkel's ``snorkel.slicing.monitor``."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from weaksup.snorkel.slicing.apply.core import PandasSFApplier


def slice_dataframe(df: pd.DataFrame, slicing_function: Any) -> pd.DataFrame:
    """The rows of ``df`` for which ``slicing_function`` is true (``df.iloc`` of them, index kept).

    Examples
    --------
    >>> from weaksup.snorkel.slicing import slicing_function
    >>> @slicing_function()
    ... def sf(x):
    ...     return x.num < 20
    >>> len(slice_dataframe(pd.DataFrame({"num": [5, 10, 19, 22, 25]}), sf))
    3
    """
    S = PandasSFApplier([slicing_function]).apply(df, progress_bar=False)
    return df.iloc[np.where(S[slicing_function.name])[0]]


__all__ = ["slice_dataframe"]
