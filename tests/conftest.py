"""Fixtures shared by every test folder."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run_tutorial_script(name: str) -> str:
    """Run ``tutorials/<name>`` as a script from the repository root; its stdout (it must exit 0)."""
    out = subprocess.run([sys.executable, str(ROOT / "tutorials" / name)], cwd=ROOT, capture_output=True, text=True,
                         timeout=600, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout


def _write_cli_project(folder: Path, lf_source: str) -> Path:
    """A small CLI project in ``folder``: ``lfs.py`` (``lf_source``) and ``d.csv``, four rows with string ids."""
    import pandas as pd

    (folder / "lfs.py").write_text(lf_source)
    pd.DataFrame({"id": ["10", "11", "12", "13"],
                  "text": ["buy now please", "hi", "ok then go home", "buy it"]}).to_csv(folder / "d.csv", index=False)
    return folder


@pytest.fixture
def write_cli_project() -> Callable[[Path, str], Path]:
    """``write_cli_project(tmp_path, lf_source)`` writes ``lfs.py`` and a four-row ``d.csv`` there."""
    return _write_cli_project


@pytest.fixture
def run_tutorial() -> Callable[[str], str]:
    """``run_tutorial("01_spam.py")`` runs a tutorial end to end and returns what it printed."""
    return run_tutorial_script


@pytest.fixture
def class_id_frame():
    """``(X, y, P, shuffled)``: soft labels ``P`` and the same as a frame whose columns are class ids in reverse."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3))
    y = (X[:, 0] > 0).astype(int)
    P = np.column_stack([0.9 - 0.8 * y, 0.1 + 0.8 * y])
    shuffled = pd.DataFrame(P[:, ::-1], columns=[1, 0])  # column "1" holds class 1's probabilities
    return X, y, P, shuffled
