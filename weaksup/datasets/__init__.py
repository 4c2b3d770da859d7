"""Dataset loaders: the bundled YouTube spam data and WRENCH-format folders.

``load_wrench_sequence`` is imported on first use (PEP 562), so ``ws.datasets.load_youtube_spam()`` does not
import the sequence package (and through it scikit-learn). ``spam_lfs`` stays eager: it is also the name of its
submodule, and an eager binding keeps the function, not the module, on the package whatever is imported first.
"""

from __future__ import annotations

import importlib
from typing import Any

from weaksup.datasets.spam_lfs import spam_lfs
from weaksup.datasets.wrench import WrenchDataset, WrenchSplit, load_wrench
from weaksup.datasets.youtube import load_youtube_spam

_LAZY = {"load_wrench_sequence": "weaksup.datasets.wrench_sequence"}

__all__ = ["WrenchDataset", "WrenchSplit", "load_wrench", "load_wrench_sequence", "load_youtube_spam", "spam_lfs"]


def __getattr__(name: str) -> Any:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'weaksup.datasets' has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
