"""Snorkel's ``DaskSFApplier`` and ``PandasParallelSFApplier`` (``snorkel.slicing.apply.dask``).

They run on weaksup's :class:`~weaksup.apply.dask.DaskLFApplier` and on the process-parallel
:class:`~weaksup.LFApplier` (``n_jobs``); rows come back in the DataFrame's order. SFs must pickle.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from weaksup.apply.applier import LFApplier
from weaksup.snorkel.slicing.apply.core import _BaseSFApplier


class DaskSFApplier(_BaseSFApplier):
    """Slice labels of a Dask DataFrame, partition by partition.

    Examples
    --------
    >>> import dask.dataframe as dd
    >>> from weaksup.snorkel.slicing import slicing_function
    >>> @slicing_function()
    ... def big(x):
    ...     return x.num > 2
    >>> ddf = dd.from_pandas(pd.DataFrame({"num": [1, 5, 3]}), npartitions=2)
    >>> DaskSFApplier([big]).apply(ddf, scheduler="synchronous")["big"].tolist()
    [0, 1, 1]
    """

    def apply(self, df: Any, scheduler: str = "processes", fault_tolerant: bool = False) -> np.recarray:
        """One record per row of the Dask DataFrame ``df``, one int field per SF."""
        import dask

        from weaksup.apply.dask import DaskLFApplier

        applier = DaskLFApplier(self._native_lfs())
        with dask.config.set(scheduler=scheduler):
            L = self._run(lambda: applier.apply(df, progress=False, fault_tolerant=fault_tolerant))
        return self._to_recarray(L)


class PandasParallelSFApplier(_BaseSFApplier):
    """Slice labels of a pandas DataFrame, computed by ``n_parallel`` worker processes.

    Examples
    --------
    >>> from weaksup.snorkel.slicing import slicing_function
    >>> @slicing_function()
    ... def big(x):
    ...     return x.num > 2
    >>> PandasParallelSFApplier([big]).apply(pd.DataFrame({"num": [1, 5]}), n_parallel=2)["big"].tolist()
    [0, 1]
    """

    def apply(self, df: pd.DataFrame, n_parallel: int = 2, scheduler: str = "processes",
              fault_tolerant: bool = False) -> np.recarray:
        """One record per row, one int field per SF; ``n_parallel >= 2``."""
        if n_parallel < 2:
            raise ValueError("n_parallel should be >= 2; for single-process slicing use PandasSFApplier")
        applier = LFApplier(self._native_lfs(), n_jobs=n_parallel)
        L = self._run(lambda: applier.apply(df, progress=False, fault_tolerant=fault_tolerant))
        return self._to_recarray(L)


__all__ = ["DaskSFApplier", "PandasParallelSFApplier"]
