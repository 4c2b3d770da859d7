"""Snorkel's SF appliers (``snorkel.slicing.apply.core``): slice labels as a NumPy record array.

``PandasSFApplier`` runs on the native applier (light row objects, no Series per row);
``SFApplier`` labels a list of arbitrary data points (``SimpleNamespace`` ...). As in Snorkel, an
SF that raises raises its own exception (with a note naming the SF and the row).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from weaksup.apply.applier import LFApplier
from weaksup.errors import LabelingFunctionError
from weaksup.labeling.lf import LabelingFunction


def _stored(y: Any) -> int:
    """What Snorkel's applier stores for an SF output: the value when >= 0 (True -> 1, False -> 0), else -1."""
    return int(y) if y >= 0 else -1


def _vote(x: Any, sf: Any) -> int:
    return _stored(sf(x))


def _recarray(L: np.ndarray, names: list[str]) -> np.recarray:
    rec = np.recarray(L.shape[0], dtype=[(n, np.int64) for n in names])
    for j, n in enumerate(names):
        rec[n] = L[:, j]
    return rec


class _BaseSFApplier:
    def __init__(self, sfs: Sequence[Any]) -> None:
        self._lfs = list(sfs)
        self._lf_names = [sf.name for sf in self._lfs]
        if len(set(self._lf_names)) != len(self._lf_names):
            raise ValueError(f"Slicing function names are not unique: {self._lf_names}")

    def _native_lfs(self) -> list[LabelingFunction]:
        """Each SF as a native LF storing what Snorkel stores, for the native (parallel, Dask) appliers."""
        return [LabelingFunction(sf.name, _vote, resources={"sf": sf}) for sf in self._lfs]

    def _to_recarray(self, L: Any) -> np.recarray:
        return _recarray(L.to_dense().astype(np.int64, copy=False), self._lf_names)

    @staticmethod
    def _run(apply: Callable[[], Any]) -> Any:
        """Run a native applier; an SF's own exception comes through, as in Snorkel, with a note naming the SF
        and the row (the native error would call it a labeling function)."""
        try:
            return apply()
        except LabelingFunctionError as exc:
            original = exc.original
            if not isinstance(original, Exception):  # e.g. lost in a worker process: the native error says it all
                raise
            if hasattr(original, "add_note"):  # Python >= 3.11
                row = exc.row_id.item() if isinstance(exc.row_id, np.generic) else exc.row_id  # 7, not np.int64(7)
                original.add_note(f"slicing function {exc.lf_name!r} failed on row {row!r}")
            raise original.with_traceback(original.__traceback__) from None

    def __repr__(self) -> str:
        return f"{type(self).__name__}, LFs: {self._lf_names}"


class SFApplier(_BaseSFApplier):
    """Slice labels of a list of data points.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> from weaksup.snorkel.slicing import slicing_function
    >>> @slicing_function()
    ... def big(x):
    ...     return x.num > 42
    >>> SFApplier([big]).apply([SimpleNamespace(num=n) for n in (3, 43)], progress_bar=False)["big"].tolist()
    [0, 1]
    """

    def apply(self, data_points: Sequence[Any], progress_bar: bool = True,
              fault_tolerant: bool = False) -> np.recarray:
        """One record per data point, one int field per SF (1 in, 0 out)."""
        L = np.full((len(data_points), len(self._lfs)), -1, dtype=np.int64)
        for i, x in enumerate(tqdm(data_points, disable=not progress_bar)):
            for j, sf in enumerate(self._lfs):
                try:
                    L[i, j] = _stored(sf(x))
                except Exception:
                    if not fault_tolerant:
                        raise
        return _recarray(L, self._lf_names)


class PandasSFApplier(_BaseSFApplier):
    """Slice labels of a DataFrame's rows.

    Examples
    --------
    >>> from weaksup.snorkel.slicing import slicing_function
    >>> @slicing_function()
    ... def big(x):
    ...     return x.num > 42
    >>> PandasSFApplier([big]).apply(pd.DataFrame({"num": [3, 43]}), progress_bar=False)["big"].tolist()
    [0, 1]
    """

    def apply(self, df: pd.DataFrame, progress_bar: bool = True, fault_tolerant: bool = False) -> np.recarray:
        """One record per row, one int field per SF (1 in, 0 out)."""
        applier = LFApplier(self._native_lfs())
        L = self._run(lambda: applier.apply(df, progress=progress_bar, fault_tolerant=fault_tolerant))
        return self._to_recarray(L)


__all__ = ["PandasSFApplier", "SFApplier"]
