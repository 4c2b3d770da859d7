"""Appliers: run labeling functions over data and build a LabelMatrix. They never fit a model.

Names are resolved on first use (PEP 562), so a worker process importing
``weaksup.apply.parallel`` loads only what a batch needs, and :class:`DaskLFApplier`
(``weaksup.apply.dask``) imports Dask only for code that uses it. Fitting and exporting
from files and clusters is :mod:`weaksup.pipeline`'s job.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "LFApplier": "weaksup.apply.applier",
    "ChunkedApplier": "weaksup.apply.chunked",
    "apply_file": "weaksup.apply.chunked",
    "LFErrorRecord": "weaksup.apply.core",
    "read_chunks": "weaksup.io.tables",
    "ApplyPlan": "weaksup.apply.parallel",
    "shutdown_workers": "weaksup.apply.parallel",
    "DaskLFApplier": "weaksup.apply.dask",  # needs the dask extra
}

__all__ = sorted(name for name in _EXPORTS if name != "DaskLFApplier")


def __getattr__(name: str) -> Any:
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
