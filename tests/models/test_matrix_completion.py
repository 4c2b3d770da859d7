import subprocess
import sys

import numpy as np
import pytest

from weaksup.errors import ModelInputError
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


@pytest.mark.parametrize(("k", "class_balance", "seed"), [(2, None, 0), (3, None, 123), (3, [0.2, 0.3, 0.5], 7)])
def test_reproduces_snorkel_label_model(k, class_balance, seed):
    snorkel_model = pytest.importorskip("snorkel.labeling.model")
    L, _ = make_votes(3_000, [0.85, 0.75, 0.7, 0.65, 0.8, 0.6], k=k, cov=0.5, seed=seed)
    theirs = snorkel_model.LabelModel(cardinality=k, verbose=False)
    theirs.fit(L, class_balance=class_balance, seed=seed, progress_bar=False)
    ours = MatrixCompletion(cardinality=k).fit(L, class_balance=class_balance, seed=seed)
    # Snorkel computes in float32, weaksup in float64
    np.testing.assert_allclose(ours.predict_proba(L), theirs.predict_proba(L), atol=1e-4)


def test_adam_option_and_bad_optimizer():
    L, y = make_votes(5_000, [0.9, 0.8, 0.75, 0.85], k=2, cov=0.8, seed=2)
    assert (MatrixCompletion(optimizer="adam", n_epochs=300).fit(L).predict(L, tie_break="index") == y).mean() > 0.9
    with pytest.raises(ModelInputError, match="optimizer"):
        MatrixCompletion(optimizer="lbfgs").fit(L)
