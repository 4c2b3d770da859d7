"""Every docstring example in the package runs and prints what it says."""

import doctest
import importlib
import os
import pkgutil
from pathlib import Path

import pytest

import weaksup

ROOT = Path(__file__).resolve().parents[1]
MODULES = sorted(
    m.name for m in pkgutil.walk_packages(weaksup.__path__, "weaksup.") if not m.name.endswith("__main__")
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name, monkeypatch):
    monkeypatch.chdir(ROOT)  # examples may read benchmarks/data
    try:
        module = importlib.import_module(name)
    except ImportError as exc:  # an optional extra is missing
        pytest.skip(f"{name}: {exc}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.failed == 0, f"{result.failed} docstring example(s) failed in {name}"


def test_every_public_name_has_an_example():
    missing = []
    for name in weaksup.__all__:
        obj = getattr(weaksup, name)
        if callable(obj) and not isinstance(obj, type(os)) and not (isinstance(obj, type) and issubclass(obj, Exception)):
            if ">>>" not in (obj.__doc__ or "") and not (isinstance(obj, type) and ">>>" in (obj.__init__.__doc__ or "")):
                missing.append(name)
    assert not missing, f"public names without a runnable example: {missing}"
