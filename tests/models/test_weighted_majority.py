import numpy as np
import pytest

from weaksup import ModelInputError
from weaksup.models import WeightedMajorityVoter

from .conftest import make_votes


def test_given_weights_decide_and_calibrate():
    L = np.array([[0, 1, 1], [0, 1, -1], [-1, -1, -1]])
    model = WeightedMajorityVoter(weights=[3.0, 1.0, 1.0]).fit(L)
    assert model.predict(L, tie_break="abstain").tolist() == [0, 0, -1]
    P = model.predict_proba(L)
    np.testing.assert_allclose(P[0], [np.exp(3) / (np.exp(3) + np.exp(2)), np.exp(2) / (np.exp(3) + np.exp(2))])
    np.testing.assert_allclose(P[2], [0.5, 0.5])


def test_one_lf_is_fine_with_given_weights_but_not_estimated():
    WeightedMajorityVoter(weights=[1.0]).fit(np.array([[0], [1]]))
    with pytest.raises(ModelInputError, match="at least 3"):
        WeightedMajorityVoter().fit(np.array([[0], [1]]))


def test_bad_weights_are_typed_errors():
    with pytest.raises(ModelInputError, match="one per LF"):
        WeightedMajorityVoter(weights=[1.0, 2.0]).fit(np.array([[0, 1, 1]]))
    with pytest.raises(ModelInputError, match="one per LF"):
        WeightedMajorityVoter(weights=[1.0, np.nan, 1.0]).fit(np.array([[0, 1, 1]]))


def test_estimated_weights_order_lfs_by_accuracy():
    L, _ = make_votes(10_000, [0.95, 0.8, 0.65], k=2, cov=0.9, seed=0)
    w = WeightedMajorityVoter().fit(L).weights_
    assert w[0] > w[1] > w[2] > 0


def test_estimated_weights_warn_once_under_the_model_users_fitted():
    import warnings

    from weaksup import WeaksupWarning

    L, y = make_votes(300, [0.9, 0.8, 0.75, 0.7], cov=0.7, seed=1)
    L = np.c_[L, np.ones(len(L), dtype=int)]  # an LF that always votes 1: some estimated accuracies at chance
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        WeightedMajorityVoter().fit(L)
    messages = [str(w.message) for w in rec if issubclass(w.category, WeaksupWarning)]
    assert len(messages) == 1 and messages[0].startswith("WeightedMajorityVoter fit: lf at chance"), messages
