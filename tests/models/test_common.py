"""Behaviour every learned label model shares: invariances, persistence, determinism, degenerate input."""

import numpy as np
import pytest
import scipy.sparse as sp

import weaksup as ws
from weaksup import LabelMatrix, ModelInputError
from weaksup.models import (
    AgreementModel,
    BaseLabelModel,
    DawidSkene,
    GenerativeModel,
    LabelModel,
    MajorityVoter,
    MatrixCompletion,
    PatternCounts,
    Triplet,
    WeightedMajorityVoter,
)

from .conftest import make_votes

FACTORIES = {
    "AgreementModel": lambda k=None: AgreementModel(cardinality=k),
    "DawidSkene": lambda k=None: DawidSkene(cardinality=k),
    "GenerativeModel": lambda k=None: GenerativeModel(cardinality=k),
    "MatrixCompletion": lambda k=None: MatrixCompletion(cardinality=k, n_epochs=150),
    "Triplet": lambda k=None: Triplet(cardinality=k),
    "WeightedMajorityVoter": lambda k=None: WeightedMajorityVoter(cardinality=k),
}
NAMES = sorted(FACTORIES)
# torch's Adam from a permuted start is not bitwise the same optimisation path
PERM_ATOL = {"MatrixCompletion": 2e-2}


@pytest.fixture(scope="module")
def data():
    L, y = make_votes(1500, [0.9, 0.8, 0.75, 0.7, 0.65], k=3, cov=[0.9, 0.6, 0.5, 0.7, 0.4], seed=1)
    return L, y


def test_default_label_model_is_agreement_model():
    assert LabelModel is AgreementModel


@pytest.mark.parametrize("name", NAMES)
def test_probabilities_valid_and_better_than_chance(name, data):
    L, y = data
    P = FACTORIES[name](3).fit(L).predict_proba(L)
    assert P.shape == (len(L), 3) and np.isfinite(P).all() and (P >= 0).all()
    np.testing.assert_allclose(P.sum(axis=1), 1.0)
    assert (P.argmax(axis=1) == y).mean() > 0.8


@pytest.mark.parametrize("name", NAMES)
def test_invariant_to_lf_order(name, data):
    L, _ = data
    perm = np.array([3, 0, 4, 2, 1])
    P = FACTORIES[name](3).fit(L).predict_proba(L)
    Pp = FACTORIES[name](3).fit(L[:, perm]).predict_proba(L[:, perm])
    np.testing.assert_allclose(P, Pp, atol=PERM_ATOL.get(name, 1e-7))


@pytest.mark.parametrize("name", NAMES)
def test_symmetric_under_relabeling_classes(name, data):
    L, _ = data
    relabel = np.array([2, 0, 1])  # class c becomes relabel[c]
    L2 = np.where(L >= 0, relabel[np.clip(L, 0, None)], -1)
    P = FACTORIES[name](3).fit(L).predict_proba(L)
    P2 = FACTORIES[name](3).fit(L2).predict_proba(L2)
    np.testing.assert_allclose(P2[:, relabel], P, atol=PERM_ATOL.get(name, 1e-7))


@pytest.mark.parametrize("name", NAMES)
def test_sparse_dense_and_label_matrix_identical(name, data):
    L, _ = data
    M = LabelMatrix.from_dense(L)
    csr = sp.csr_matrix(L + 1)
    P_dense = FACTORIES[name](3).fit(L, seed=3).predict_proba(L)
    P_lm = FACTORIES[name](3).fit(M, seed=3).predict_proba(M)
    P_sp = FACTORIES[name](3).fit(csr, seed=3).predict_proba(csr)
    np.testing.assert_array_equal(P_dense, P_lm)
    np.testing.assert_array_equal(P_dense, P_sp)


@pytest.mark.parametrize("name", NAMES)
def test_same_seed_bitwise_same(name, data):
    L, _ = data
    a = FACTORIES[name](3).fit(L, seed=7).predict_proba(L)
    b = FACTORIES[name](3).fit(L, seed=7).predict_proba(L)
    assert a.tobytes() == b.tobytes()


@pytest.mark.parametrize("name", NAMES)
def test_save_load_exact_round_trip(name, data, tmp_path):
    L, _ = data
    M = LabelMatrix.from_dense(L, lf_names=[f"f{j}" for j in range(L.shape[1])])
    model = FACTORIES[name](3).fit(M, class_balance=[0.2, 0.3, 0.5])
    model.save(tmp_path / name)
    back = BaseLabelModel.load(tmp_path / name)
    assert type(back) is type(model) and back.get_params() == model.get_params()
    assert back.predict_proba(M).tobytes() == model.predict_proba(M).tobytes()
    np.testing.assert_array_equal(back.class_balance_, model.class_balance_)
    assert back.lf_names_ == M.lf_names
    assert not any(p.suffix == ".pkl" for p in (tmp_path / name).iterdir())


@pytest.mark.parametrize("name", NAMES)
def test_partial_fit_over_chunks_equals_fit(name, data):
    L, _ = data
    full = FACTORIES[name](3).fit_from_stats(PatternCounts.from_label_matrix(L, cardinality=3))
    chunked = FACTORIES[name](3)
    for start in range(0, len(L), 400):
        chunked.partial_fit(L[start : start + 400])
    np.testing.assert_allclose(chunked.predict_proba(L), full.predict_proba(L), atol=1e-9)
    np.testing.assert_allclose(FACTORIES[name](3).fit(L).predict_proba(L), full.predict_proba(L),
                               atol=PERM_ATOL.get(name, 1e-6))


@pytest.mark.parametrize("name", NAMES)
def test_given_class_balance_is_used_and_no_vote_rows_get_it(name, data):
    L, _ = data
    model = FACTORIES[name](3).fit(L, class_balance=[0.2, 0.3, 0.5])
    np.testing.assert_allclose(model.class_balance_, [0.2, 0.3, 0.5])
    P = model.predict_proba(np.full((2, 5), -1))
    np.testing.assert_allclose(P, [[0.2, 0.3, 0.5]] * 2)
    dev = FACTORIES[name](3).fit(L, Y_dev=[0, 0, 0, 1, 2, 2])
    np.testing.assert_allclose(dev.class_balance_, [4 / 9, 2 / 9, 3 / 9])


@pytest.mark.parametrize("name", NAMES)
def test_all_abstain_gives_prior(name):
    L = np.full((50, 4), -1)
    model = FACTORIES[name](2).fit(L)
    P = model.predict_proba(L)
    np.testing.assert_allclose(P, np.tile(model.class_balance_, (50, 1)))
    np.testing.assert_allclose(model.class_balance_.sum(), 1.0)


@pytest.mark.parametrize("name", NAMES)
def test_constant_lf_and_silent_lf(name):
    L, y = make_votes(800, [0.9, 0.85, 0.8, 0.75], k=2, cov=0.8, seed=2)
    L = np.column_stack([L, np.zeros(len(L), dtype=int), np.full(len(L), -1)])  # always-0 LF, never-firing LF
    # MatrixCompletion needs its default 500 epochs here (150 is enough elsewhere)
    model = (MatrixCompletion(cardinality=2) if name == "MatrixCompletion" else FACTORIES[name](2)).fit(L)
    P = model.predict_proba(L)
    assert np.isfinite(P).all()
    mv = (MajorityVoter(cardinality=2).predict(L, tie_break="index") == y).mean()
    assert (P.argmax(axis=1) == y).mean() > mv - 0.05  # the constant LF does not derail it


@pytest.mark.parametrize("name", ["DawidSkene", "GenerativeModel", "MatrixCompletion", "Triplet"])
def test_models_needing_three_lfs_say_so(name):
    with pytest.raises(ModelInputError, match="at least 3 labeling functions"):
        FACTORIES[name](2).fit(np.array([[0, 1], [1, 1]]))
    with pytest.raises(ModelInputError, match="at least 3 labeling functions"):
        FACTORIES[name](2).fit_from_stats(PatternCounts.from_label_matrix(np.array([[0], [1]])))


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("k", [2, 3, 7, 20])
def test_cardinalities(name, k):
    L, y = make_votes(600, [0.9, 0.85, 0.8, 0.8], k=k, cov=0.9, seed=k)
    model = FACTORIES[name](k).fit(L)
    P = model.predict_proba(L)
    assert P.shape == (600, k)
    np.testing.assert_allclose(P.sum(axis=1), 1.0)
    assert (P.argmax(axis=1) == y).mean() > 0.85


def test_label_beyond_cardinality_is_a_typed_error():
    with pytest.raises(ModelInputError):
        AgreementModel(cardinality=2).fit_from_stats(PatternCounts.from_label_matrix(np.array([[0, 2, 1]])))


def test_boolean_gold_labels_are_classes_zero_and_one():
    """``y = df.label == "spam"`` is how users hold binary gold: False / True read as 0 / 1, as in scikit-learn."""
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 300)
    L = np.stack([np.where(rng.random(300) < a, y, 1 - y) for a in (0.9, 0.8, 0.7)], axis=1)
    model = ws.LabelModel().fit(L)
    assert model.score(L, y == 1) == model.score(L, y)
    P = model.predict_proba(L)
    assert np.array_equal(ws.quality.find_label_issues(y == 1, P), ws.quality.find_label_issues(y, P))
