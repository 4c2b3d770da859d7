import numpy as np

from weaksup.models import DawidSkene

from .conftest import make_votes


def test_recovers_accuracies_and_class_balance():
    L, y = make_votes(20_000, [0.9, 0.8, 0.75, 0.7, 0.85], k=2, balance=[0.75, 0.25], cov=0.7, seed=0)
    model = DawidSkene().fit(L)
    emp = [(L[L[:, j] >= 0, j] == y[L[:, j] >= 0]).mean() for j in range(5)]
    assert np.abs(model.accuracies_ - emp).max() < 0.02
    np.testing.assert_allclose(model.class_balance_, np.bincount(y) / len(y), atol=0.02)


def test_confusion_tables_are_distributions_with_abstain_response():
    L, _ = make_votes(3000, [0.9, 0.8, 0.7], k=3, cov=0.6, seed=1)
    model = DawidSkene().fit(L)
    T = np.exp(model.log_table_)
    assert T.shape == (3, 4, 3)  # (LF, response incl. abstain, class)
    np.testing.assert_allclose(T.sum(axis=1), 1.0)
    # abstain is modelled: with coverage 0.6 the abstain response has probability about 0.4
    np.testing.assert_allclose(T[:, 0, :], 0.4, atol=0.05)


def test_one_class_lfs_use_abstention_as_evidence():
    L, y = make_votes(6000, [0.95, 0.9, 0.95, 0.9], k=2, cov=0.5, seed=2, one_class=True)
    model = DawidSkene().fit(L)
    voted = (L >= 0).any(axis=1)
    assert (model.predict(L, tie_break="index")[voted] == y[voted]).mean() > 0.85
