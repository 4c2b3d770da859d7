"""Optional dependencies: import them when needed, or fail with an install line that works.

weaksup is installed from a clone (``pip install -e .``), so ``pip install 'weaksup[plot]'`` would
look for a package on PyPI; the hint names the package itself and the clone's extra.
"""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType

# module -> (pip package, weaksup extra)
_PACKAGES = {
    "pyarrow": ("pyarrow", "parquet"),
    "matplotlib": ("matplotlib", "plot"),
    "dask": ("'dask[dataframe]' distributed", "dask"),
    "distributed": ("distributed", "dask"),
    "spacy": ("spacy", "nlp"),
}


def install_hint(module: str) -> str:
    """The command that installs ``module``.

    Examples
    --------
    >>> install_hint("pyarrow")
    'pip install pyarrow (in a clone of weaksup: pip install -e ".[parquet]")'
    """
    package, extra = _PACKAGES.get(module.split(".")[0], (module.split(".")[0], None))
    clone = f' (in a clone of weaksup: pip install -e ".[{extra}]")' if extra else ""
    return f"pip install {package}{clone}"


def has_module(module: str) -> bool:
    """Whether ``module`` can be imported, without importing it.

    Examples
    --------
    >>> has_module("numpy"), has_module("no_such_module_xyz")
    (True, False)
    """
    return importlib.util.find_spec(module.split(".")[0]) is not None


def require(module: str, what: str) -> ModuleType:
    """Import ``module`` or raise ImportError saying ``what`` needs it and how to install it.

    Examples
    --------
    >>> require("json", "reading JSON").__name__
    'json'
    >>> require("no_such_module_xyz", "this demo")
    Traceback (most recent call last):
    ...
    ImportError: this demo needs no_such_module_xyz, which is not installed: pip install no_such_module_xyz
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ImportError(f"{what} needs {module.split('.')[0]}, which is not installed: "
                          f"{install_hint(module)}") from exc
