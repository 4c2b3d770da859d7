import numpy as np

from weaksup.models import Triplet

from .conftest import make_votes


def test_binary_recovers_accuracies_and_balance():
    L, y = make_votes(20_000, [0.9, 0.8, 0.7, 0.85], k=2, balance=[0.7, 0.3], cov=0.8, seed=0)
    model = Triplet().fit(L)
    emp = [(L[L[:, j] >= 0, j] == y[L[:, j] >= 0]).mean() for j in range(4)]
    assert np.abs(model.accuracies_ - emp).max() < 0.03
    np.testing.assert_allclose(model.class_balance_, [0.7, 0.3], atol=0.03)


def test_multiclass_one_vs_rest():
    L, y = make_votes(20_000, [0.9, 0.8, 0.75, 0.85], k=4, cov=0.9, seed=1)
    model = Triplet().fit(L)
    assert model.class_accuracy_.shape == (4, 4)
    assert (model.predict(L, tie_break="index") == y).mean() > 0.9


def test_pairs_below_min_overlap_are_ignored():
    L, _ = make_votes(200, [0.9, 0.8, 0.7], k=2, cov=0.02, seed=2)  # almost no co-votes
    model = Triplet(min_overlap=50).fit(L)
    np.testing.assert_allclose(model.accuracies_, 0.5)  # no triplet: no information, chance
