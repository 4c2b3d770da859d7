import subprocess
import sys

import numpy as np

from weaksup.models import MatrixCompletion

from .conftest import make_votes


def test_recovers_accuracies_with_uniform_balance():
    L, y = make_votes(10_000, [0.9, 0.8, 0.75, 0.85], k=2, cov=0.8, seed=0)
    model = MatrixCompletion(n_epochs=300).fit(L)
    emp = [(L[L[:, j] >= 0, j] == y[L[:, j] >= 0]).mean() for j in range(4)]
    assert np.abs(model.accuracies_ - emp).max() < 0.05
    assert (model.predict(L, tie_break="index") == y).mean() > 0.9
    np.testing.assert_allclose(model.class_balance_, [0.5, 0.5])  # like Snorkel: given or uniform


def test_mu_shape_and_device_parameter():
    L, _ = make_votes(500, [0.9, 0.8, 0.7], k=3, cov=0.8, seed=1)
    model = MatrixCompletion(n_epochs=20, device="cpu").fit(L)
    assert model.mu_.shape == (9, 3)


def test_import_weaksup_does_not_import_torch():
    code = "import sys, weaksup; weaksup.LabelModel; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
