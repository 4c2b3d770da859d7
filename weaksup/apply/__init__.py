"""Appliers: run labeling functions over data and build a LabelMatrix.

:class:`DaskLFApplier` (``weaksup.apply.dask``) is imported on first access, so Dask is
only imported by code that uses it.
"""

from typing import Any

from weaksup.apply.applier import LFApplier
from weaksup.apply.chunked import ChunkedApplier, apply_file, fit_file, label_file, read_chunks
from weaksup.apply.core import LFErrorRecord

__all__ = ["ChunkedApplier", "LFApplier", "LFErrorRecord", "apply_file", "fit_file", "label_file", "read_chunks"]


def __getattr__(name: str) -> Any:
    if name == "DaskLFApplier":  # lazy: importing Dask costs ~1 s and is an optional extra
        from weaksup.apply.dask import DaskLFApplier

        return DaskLFApplier
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
