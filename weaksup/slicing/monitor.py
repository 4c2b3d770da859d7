"""Slice monitors: look at the rows of a slice."""

from __future__ import annotations

import pandas as pd

from weaksup.errors import ParameterTypeError
from weaksup.slicing.apply import SFApplier
from weaksup.slicing.sf import SlicingFunction


def slice_dataframe(df: pd.DataFrame, slicing_function: SlicingFunction) -> pd.DataFrame:
    """The rows of ``df`` in the slice, in order, with their index.

    Examples
    --------
    >>> from weaksup.slicing import slicing_function
    >>> @slicing_function()
    ... def small(x):
    ...     return x.num < 20
    >>> slice_dataframe(pd.DataFrame({"num": [5, 10, 19, 22]}, index=list("abcd")), small).index.tolist()
    ['a', 'b', 'c']
    """
    if not isinstance(df, pd.DataFrame):
        raise ParameterTypeError(f"slice_dataframe takes a pandas DataFrame, got {type(df).__name__}")
    S = SFApplier([slicing_function]).apply(df, progress=False)
    return df[S.mask(0)]


__all__ = ["slice_dataframe"]
