"""Which modules a user's first lines pull in (each in a fresh interpreter): heavy ones only where they are used.

Checks module sets, never wall-clock time, so it is stable on a loaded machine.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("torch", "sklearn", "scipy.stats", "matplotlib", "dask", "distributed", "spacy", "pandas", "scipy")


def _loaded_after(code: str, tmp_path) -> set[str]:
    probe = (f"{code}\nimport json, sys\n"
             f"print(json.dumps([m for m in {list(HEAVY)!r} if m in sys.modules]))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-2000:]
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


SPAM = ("import warnings; warnings.simplefilter('ignore')\n"
        "import pandas as pd\n"
        "import weaksup as ws\n"
        "train = pd.DataFrame({'text': ['check out my channel', 'great song', 'subscribe please', 'love it']})\n"
        "L = ws.LFApplier(ws.datasets.spam_lfs()).apply(train, progress=False)\n")


@pytest.mark.parametrize("code, absent", [
    # nothing at all: the names load on first use
    ("import weaksup", HEAVY),
    ("import weaksup.snorkel", HEAVY),
    ("import weaksup.datasets", ("torch", "sklearn", "scipy.stats", "matplotlib", "dask")),
    # Snorkel's labeling imports, the example LFs and applying them need neither scikit-learn nor torch
    ("from weaksup.snorkel.labeling import labeling_function, PandasLFApplier, LFAnalysis",
     ("torch", "sklearn", "scipy.stats", "matplotlib", "dask")),
    (SPAM + "ws.LFAnalysis(L).summary()", ("torch", "sklearn", "matplotlib", "dask")),
    # the bundled data (its stratified split) and a label model need scikit-learn, not torch
    (SPAM + "ws.datasets.load_youtube_spam()\nws.LabelModel(cardinality=2).fit(L).predict_proba(L)\nws.SoftLabelClassifier",
     ("torch", "matplotlib", "dask")),
    # matplotlib is imported when a figure is drawn, not with the module
    ("import weaksup.plot", ("matplotlib", "sklearn", "torch")),
    # `weaksup --version` / `--help` answer before any data module is imported (pandas cost them ~0.6 s)
    ("from weaksup.cli import main\ntry:\n    main(['--version'])\nexcept SystemExit:\n    pass",
     ("pandas", "scipy", "torch", "sklearn")),
    # Snorkel's LabelModel fits on the CPU without torch (its import and first optimizer cost ~2.2 s of a first fit)
    (SPAM + "from weaksup.snorkel.labeling.model import LabelModel\n"
     "LabelModel(cardinality=2, verbose=False).fit(L.to_dense(), n_epochs=20, progress_bar=False)",
     ("torch", "matplotlib", "dask")),
])
def test_first_lines_import_only_what_they_use(code, absent, tmp_path):
    loaded = _loaded_after(code, tmp_path)
    assert not loaded & set(absent), f"{code!r} imported {sorted(loaded & set(absent))}"


def test_the_stage_subpackages_are_attributes_of_the_package(tmp_path):
    # `import weaksup as ws; ws.apply.DaskLFApplier` raised AttributeError in a fresh process
    code = ("import weaksup as ws\n"
            "assert ws.apply.DaskLFApplier and ws.models.AgreementModel and ws.analysis.LFAnalysis and ws.plot\n")
    assert "matplotlib" not in _loaded_after(code, tmp_path)
