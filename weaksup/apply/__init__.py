"""Appliers: run labeling functions over data and build a LabelMatrix. They never fit a model.

:class:`DaskLFApplier` (``weaksup.apply.dask``) is imported on first access, so Dask is
only imported by code that uses it. Fitting and exporting from files and clusters is
:mod:`weaksup.pipeline`'s job.
"""

from typing import Any

from weaksup.apply.applier import LFApplier
from weaksup.apply.chunked import ChunkedApplier, apply_file
from weaksup.apply.core import LFErrorRecord
from weaksup.io.tables import read_chunks

__all__ = ["ChunkedApplier", "LFApplier", "LFErrorRecord", "apply_file", "read_chunks"]


def __getattr__(name: str) -> Any:
    if name == "DaskLFApplier":  # lazy: importing Dask costs ~1 s and is an optional extra
        from weaksup.apply.dask import DaskLFApplier

        return DaskLFApplier
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
