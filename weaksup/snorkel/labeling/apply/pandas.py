"""Snorkel's ``PandasLFApplier`` (``snorkel.labeling.apply.pandas``) on weaksup's :class:`~weaksup.LFApplier`."""

from __future__ import annotations

from typing import Any

import pandas as pd

from weaksup.apply.applier import LFApplier as _NativeApplier
from weaksup.snorkel.labeling.apply.core import BaseLFApplier


class PandasLFApplier(BaseLFApplier):
    """Snorkel's ``PandasLFApplier``: LFs over the rows of a DataFrame.

    LFs get each row as a weaksup ``Row``: fields read as attributes and keys (``x.text``,
    ``x["text"]``), as on the pandas Series Snorkel passes, without building one Series per row.

    Examples
    --------
    >>> from weaksup.snorkel.labeling import labeling_function
    >>> @labeling_function()
    ... def short(x):
    ...     return 0 if len(x.text.split()) < 3 else -1
    >>> PandasLFApplier([short]).apply(df=pd.DataFrame({"text": ["so cute", "check out my channel"]}),
    ...                                progress_bar=False).tolist()
    [[0], [-1]]
    """

    def apply(self, df: pd.DataFrame, progress_bar: bool = True, fault_tolerant: bool = False,
              return_meta: bool = False) -> Any:
        """Label every row of ``df``: an ``n x m`` int64 array (and metadata with ``return_meta``)."""
        if not isinstance(df, pd.DataFrame):
            raise TypeError(f"PandasLFApplier.apply takes a pandas DataFrame, not {type(df).__name__}")
        applier = _NativeApplier(self._lfs)

        def run() -> Any:
            L = applier.apply(df, progress=progress_bar, fault_tolerant=fault_tolerant)
            return L, applier.errors_

        return self._finish(run, return_meta)
