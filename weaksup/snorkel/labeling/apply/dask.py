"""Snorkel's ``DaskLFApplier`` and ``PandasParallelLFApplier`` (``snorkel.labeling.apply.dask``).

They run on weaksup's :class:`~weaksup.apply.dask.DaskLFApplier` and on the process-parallel
:class:`~weaksup.LFApplier` (``n_jobs``); rows come back in the DataFrame's order.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from weaksup.apply.applier import LFApplier as _NativeApplier
from weaksup.snorkel.labeling.apply.core import BaseLFApplier


class DaskLFApplier(BaseLFApplier):
    """Snorkel's ``DaskLFApplier``: LFs over a Dask DataFrame, partition by partition.

    ``scheduler`` is Dask's (``"processes"``, ``"threads"``, ``"synchronous"``); with a running
    ``distributed`` client, the native applier uses it instead.

    Examples
    --------
    >>> import dask.dataframe as dd
    >>> from weaksup.snorkel.labeling import labeling_function
    >>> @labeling_function()
    ... def big(x):
    ...     return 1 if x.num > 2 else -1
    >>> ddf = dd.from_pandas(pd.DataFrame({"num": [1, 5, 3]}), npartitions=2)
    >>> DaskLFApplier([big]).apply(ddf, scheduler="synchronous").tolist()
    [[-1], [1], [1]]
    """

    def apply(self, df: Any, scheduler: str = "processes", fault_tolerant: bool = False) -> Any:
        """Label every row of the Dask DataFrame ``df``: an ``n x m`` int64 array."""
        import dask

        from weaksup.apply.dask import DaskLFApplier as _NativeDask

        applier = _NativeDask(self._lfs)

        def run() -> Any:
            with dask.config.set(scheduler=scheduler):
                L = applier.apply(df, progress=False, fault_tolerant=fault_tolerant)
            return L, applier.errors_

        return self._finish(run, False)


class PandasParallelLFApplier(BaseLFApplier):
    """Snorkel's ``PandasParallelLFApplier``: a pandas DataFrame labelled by ``n_parallel`` processes.

    Examples
    --------
    >>> from weaksup.snorkel.labeling import labeling_function
    >>> @labeling_function()
    ... def big(x):
    ...     return 1 if x.num > 2 else -1
    >>> PandasParallelLFApplier([big]).apply(pd.DataFrame({"num": [1, 5]}), n_parallel=2).tolist()
    [[-1], [1]]
    """

    def apply(self, df: pd.DataFrame, n_parallel: int = 2, scheduler: str = "processes",
              fault_tolerant: bool = False) -> Any:
        """Label every row of ``df`` with ``n_parallel >= 2`` worker processes: an ``n x m`` int64 array."""
        if n_parallel < 2:
            raise ValueError("n_parallel should be >= 2; for single-process labeling use PandasLFApplier")
        applier = _NativeApplier(self._lfs, n_jobs=n_parallel)

        def run() -> Any:
            L = applier.apply(df, progress=False, fault_tolerant=fault_tolerant)
            return L, applier.errors_

        return self._finish(run, False)
