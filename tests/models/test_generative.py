import numpy as np
import pytest

from weaksup.models import GenerativeModel

from .conftest import make_votes


@pytest.mark.parametrize("balance", [[0.5, 0.5], [0.8, 0.2], [20 / 21, 1 / 21]])
def test_recovers_accuracies_and_class_balance(balance):
    L, y = make_votes(20_000, [0.9, 0.8, 0.75, 0.7, 0.85], k=2, balance=balance, cov=0.7, seed=0)
    model = GenerativeModel().fit(L)
    emp = [(L[L[:, j] >= 0, j] == y[L[:, j] >= 0]).mean() for j in range(5)]
    assert np.abs(model.accuracies_ - emp).max() < 0.03
    np.testing.assert_allclose(model.class_balance_, np.bincount(y) / len(y), atol=0.02)


@pytest.mark.parametrize("options", [dict(accuracy="class", propensity="class"), dict(errors="uniform"),
                                     dict(propensity="lf")])
def test_options_fit_and_predict(options):
    L, y = make_votes(4000, [0.9, 0.8, 0.75, 0.85], k=3, cov=0.8, seed=1)
    model = GenerativeModel(**options).fit(L, class_balance=[1 / 3] * 3)
    assert model.class_accuracy_.shape == (4, 3) and model.propensity_.shape == (4, 3)
    assert (model.predict(L, tie_break="index") == y).mean() > 0.85


def test_propensity_is_the_coverage():
    L, _ = make_votes(10_000, [0.9, 0.8, 0.7], k=2, cov=[0.3, 0.6, 0.9], seed=2)
    model = GenerativeModel(propensity="lf").fit(L)
    np.testing.assert_allclose(model.propensity_[:, 0], [0.3, 0.6, 0.9], atol=0.02)
