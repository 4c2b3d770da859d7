import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from weaksup import LabelMatrix, MajorityVoter, ModelInputError, NotFittedError
from weaksup.models import BaseLabelModel

matrices = st.integers(1, 25).flatmap(
    lambda n: st.integers(1, 5).flatmap(lambda m: arrays(np.int64, (n, m), elements=st.integers(-1, 2)))
)


def naive_mv(L, k, prior):
    out = np.zeros((len(L), k))
    for i, row in enumerate(L):
        votes = row[row != -1]
        if len(votes) == 0:
            out[i] = prior
            continue
        counts = np.bincount(votes, minlength=k)
        winners = counts == counts.max()
        out[i] = winners / winners.sum()
    return out


@settings(max_examples=80, deadline=None)
@given(matrices)
def test_matches_naive_majority_vote(L):
    P = MajorityVoter(cardinality=3).predict_proba(L)
    np.testing.assert_allclose(P, naive_mv(L, 3, np.full(3, 1 / 3)))
    prior = np.array([0.2, 0.3, 0.5])
    P2 = MajorityVoter(cardinality=3).fit(L, class_balance=prior).predict_proba(L)
    np.testing.assert_allclose(P2, naive_mv(L, 3, prior))


def test_tie_breaks_and_prior_for_empty_rows():
    L = np.array([[0, 1], [-1, -1], [1, 1]])
    mv = MajorityVoter(cardinality=2).fit(L, class_balance=[0.3, 0.7])
    assert mv.predict(L).tolist() == [-1, 1, 1]
    assert mv.predict(L, tie_break="prior").tolist() == [1, 1, 1]
    r1 = mv.predict(L, tie_break="random", seed=3)
    assert r1.tolist() == mv.predict(L, tie_break="random", seed=3).tolist() and set(r1[:1]) <= {0, 1}
    np.testing.assert_allclose(mv.predict_proba(L)[1], [0.3, 0.7])


def test_class_balance_from_dev_labels():
    mv = MajorityVoter().fit(np.array([[0], [1]]), Y_dev=np.array([1, 1, 1, 0]))
    np.testing.assert_allclose(mv.class_balance_, [2 / 6, 4 / 6])
    with pytest.raises(ModelInputError, match="class_balance"):
        MajorityVoter().fit(np.array([[0]]), class_balance=[0.5, 0.6])


def test_score_metrics():
    L = np.array([[1, 1], [0, -1], [1, 0], [0, 0]])
    scores = MajorityVoter(cardinality=2).fit(L).evaluate(L, np.array([1, 0, 0, 1]), metrics=("accuracy", "f1", "coverage"),
                                                       tie_break="abstain")
    assert scores["accuracy"] == 0.5 and scores["coverage"] == 1.0
    assert scores["f1"] == pytest.approx(2 / 3)
    with pytest.raises(ModelInputError, match="unknown metric"):
        MajorityVoter(cardinality=2).fit(L).evaluate(L, np.zeros(4, dtype=int), metrics=("nope",))


def test_sparse_dense_and_label_matrix_inputs_agree():
    L = np.array([[0, 1, 1], [-1, 0, -1]])
    M = LabelMatrix.from_dense(L)
    mv = MajorityVoter(cardinality=2)
    np.testing.assert_array_equal(mv.predict_proba(L), mv.predict_proba(M))
    np.testing.assert_array_equal(mv.predict_proba(L), mv.predict_proba(M.csr))


def test_save_load_round_trip(tmp_path):
    L = LabelMatrix.from_dense([[0, 1], [1, 1]], lf_names=["a", "b"])
    mv = MajorityVoter(cardinality=2).fit(L, class_balance=[0.4, 0.6])
    mv.save(tmp_path / "m")
    back = BaseLabelModel.load(tmp_path / "m")
    assert isinstance(back, MajorityVoter) and back.get_params() == mv.get_params()
    np.testing.assert_array_equal(back.predict_proba(L), mv.predict_proba(L))
    assert back.lf_names_ == ["a", "b"]
    with pytest.raises(ModelInputError, match="differ from the fitted LFs"):
        back.predict_proba(LabelMatrix.from_dense([[0, 1]], lf_names=["a", "zz"]))


def test_errors_for_mismatched_and_unfitted():
    mv = MajorityVoter(cardinality=2).fit(np.array([[0, 1]]))
    with pytest.raises(ModelInputError, match="fitted on 2"):
        mv.predict_proba(np.array([[0, 1, 1]]))
    with pytest.raises(NotFittedError):
        from weaksup.models.base import BaseLabelModel as B

        class Dummy(B):
            def _fit(self, *a):
                pass

        Dummy().predict_proba(np.array([[0]]))
    with pytest.raises(ModelInputError, match="empty"):
        MajorityVoter().fit(np.zeros((0, 2), dtype=int))


def test_get_params_sklearn_contract():
    from sklearn.base import clone

    mv = MajorityVoter(cardinality=4)
    assert clone(mv).get_params() == {"cardinality": 4}
