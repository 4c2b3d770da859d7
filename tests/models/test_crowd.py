"""The crowd aggregators reproduce crowd-kit's classification aggregators on the same annotations.

Each input is a LabelMatrix; crowd-kit gets the same votes as its long table
(:func:`annotation_table`, row-major, so both see annotators and classes first appear in the
same order). Probabilities are compared on the items that have a vote (crowd-kit never sees
the others). Where crowd-kit runs many EM iterations of slow pandas code, ``n_iter`` is cut
on both sides for the larger inputs; the code path is the same.
"""

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

import weaksup as ws
from weaksup import ModelInputError
from weaksup.models import BaseLabelModel
from weaksup.models.crowd import (
    GLAD,
    KOS,
    MACE,
    MMSR,
    CrowdDawidSkene,
    OneCoinDawidSkene,
    Wawa,
    ZeroBasedSkill,
    annotation_table,
)
from weaksup.models.crowd._common import KahanGroups, annotator_order, label_order, weighted_votes

ck = pytest.importorskip("crowdkit.aggregation")

DATA = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "crowd"


@pytest.fixture(autouse=True, scope="module")
def _crowdkit_on_new_sklearn():
    """crowd-kit 1.4.2's Wawa and ZeroBasedSkill call sklearn's ``check_is_fitted``, which raises on
    scikit-learn >= 1.6 (no ``__sklearn_tags__``); the check only asks that ``skills_`` is set."""
    import crowdkit.aggregation.classification.wawa as wawa
    import crowdkit.aggregation.classification.zero_based_skill as zbs

    def check_is_fitted(estimator, attributes=None):
        assert getattr(estimator, attributes, None) is not None

    saved = wawa.check_is_fitted, zbs.check_is_fitted
    wawa.check_is_fitted = zbs.check_is_fitted = check_is_fitted
    yield
    wawa.check_is_fitted, zbs.check_is_fitted = saved


def synthetic(n, m, k, seed, coverage=0.5):
    """Workers of skill U(0.3, 0.95) label each item with probability ``coverage``; worker names are
    shuffled (so they do not sort in order of first appearance), one worker labels nothing and one
    item gets no label."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, k, n)
    skill = rng.uniform(0.3, 0.95, m)
    L = np.full((n, m), -1)
    for j in range(m - 1):
        fires = rng.random(n) < coverage
        wrong = (y + rng.integers(1, k, n)) % k
        L[fires, j] = np.where(rng.random(n) < skill[j], y, wrong)[fires]
    L[n // 2] = -1
    names = [f"w{i}" for i in rng.permutation(m)]
    return ws.LabelMatrix.from_dense(L, lf_names=names, cardinality=k)


def crowd_set(name):
    ann = pd.read_csv(DATA / name / "annotations.csv", dtype={"item": str, "worker": str})
    k = len(json.loads((DATA / name / "label.json").read_text()))
    return ws.LabelMatrix.from_annotations(ann, item="item", annotator="worker", label="label", cardinality=k)


INPUTS = {
    "binary": lambda: synthetic(120, 12, 2, seed=0),
    "k4": lambda: synthetic(120, 12, 4, seed=1),
    "bluebirds": lambda: crowd_set("bluebirds"),
    "dog": lambda: crowd_set("dog"),
}
BINARY = ["binary", "bluebirds"]
_cache = {}


def data(name):
    if name not in _cache:
        _cache[name] = INPUTS[name]()
    return _cache[name]


def voted(L):
    return np.diff(L.csr.indptr) > 0


def crowdkit_probas(frame, L, classes=None):
    """crowd-kit's per-task frame as an array in our row order (voted rows) and class order."""
    P = frame.reindex(index=L.index[voted(L)]).reindex(columns=range(L.cardinality)).to_numpy()
    if classes is not None:  # crowd-kit ran on classes relabelled by first appearance
        out = np.empty_like(P)
        out[:, classes] = P
        P = out
    return P


def crowdkit_labels(series, L):
    return series.reindex(L.index[voted(L)]).to_numpy()


# probabilities: deterministic algorithms, to 1e-6 ---------------------------------------------
CASES = {  # name -> (ours, crowd-kit), built per input (larger inputs cut n_iter of the slow ones)
    "CrowdDawidSkene": lambda big: (CrowdDawidSkene(), ck.DawidSkene()),
    "OneCoinDawidSkene": lambda big: (OneCoinDawidSkene(), ck.OneCoinDawidSkene()),
    "GLAD": lambda big: (GLAD(n_iter=3), ck.GLAD(n_iter=3)) if big else (GLAD(), ck.GLAD()),
    "Wawa": lambda big: (Wawa(), ck.Wawa()),
    "ZeroBasedSkill": lambda big: (ZeroBasedSkill(), ck.ZeroBasedSkill()),
}


@pytest.mark.parametrize("input_name", list(INPUTS))
@pytest.mark.parametrize("model_name", list(CASES))
def test_probabilities_match_crowdkit(model_name, input_name):
    L = data(input_name)
    ours, theirs = CASES[model_name](input_name == "dog")
    P = ours.fit(L).predict_proba(L)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        Q = crowdkit_probas(theirs.fit_predict_proba(annotation_table(L)), L)
    _cache[model_name, input_name] = Q
    np.testing.assert_allclose(P[voted(L)], Q, rtol=0, atol=1e-6)
    # rows nobody labelled get the class balance
    assert np.allclose(P[~voted(L)], ours.class_balance_)
    if hasattr(theirs, "loss_history_") and model_name != "GLAD":
        np.testing.assert_allclose(ours.loss_history_, theirs.loss_history_, rtol=0, atol=1e-9)


def test_glad_matches_crowdkit_bitwise_although_its_optimisation_amplifies_rounding():
    """GLAD's truncated conjugate gradient turns a 1-ulp change of its input into ~1e-3 in the
    probabilities, so matching needs crowd-kit's sums to the last bit (Kahan, in pandas' order)."""
    L = data("bluebirds")
    P = GLAD().fit(L).predict_proba(L)
    nudged = GLAD(alphas_priors_mean=1.0 + 4e-16).fit(L).predict_proba(L)
    assert np.abs(P - nudged).max() > 1e-5  # the algorithm itself is that sensitive
    Q = _cache.get(("GLAD", "bluebirds"))
    if Q is None:  # run alone
        Q = crowdkit_probas(ck.GLAD().fit_predict_proba(annotation_table(L)), L)
    assert np.array_equal(P[voted(L)], Q)


@pytest.mark.parametrize("values", [np.array([1e16, 1.0, 1.0, -1e16, 3.0]), np.random.default_rng(0).normal(size=500)])
def test_kahan_groups_equal_pandas_groupby_sum_bitwise(values):
    """On rows not sorted by group (crowd-kit's GLAD tables), pandas adds each group with Kahan."""
    rng = np.random.default_rng(1)
    group = rng.integers(0, 7, len(values))
    group[:4] = [0, 3, 0, 0]
    ref = pd.DataFrame({"g": group, "x": values}).groupby("g")["x"].sum().reindex(range(8), fill_value=0.0)
    assert np.array_equal(KahanGroups(group, 8)(values), ref.to_numpy())
    two = np.stack([values, values[::-1]], axis=1)
    ref2 = pd.DataFrame({"g": group, "a": two[:, 0], "b": two[:, 1]}).groupby("g").sum().reindex(range(8), fill_value=0)
    assert np.array_equal(KahanGroups(group, 8)(two), ref2.to_numpy())


# MACE: random start, mirrored ------------------------------------------------------------------
def neutral_table(L):
    """The annotation table with annotators renamed so their names sort in order of first appearance,
    and classes relabelled in order of first appearance (crowd-kit column c is our class classes[c])."""
    order = annotator_order(L)
    rank = np.empty(L.n_lfs, dtype=np.int64)
    rank[order] = np.arange(len(order))
    classes = label_order(L, L.cardinality)
    relabel = np.empty(len(classes), dtype=np.int64)
    relabel[classes] = np.arange(len(classes))
    tab = annotation_table(L)
    names = {L.lf_names[j]: f"w{rank[j]:06d}" for j in order}
    return tab.assign(worker=tab.worker.map(names), label=relabel[tab.label.to_numpy()]), classes


@pytest.mark.parametrize("input_name", list(INPUTS))
@pytest.mark.parametrize("method", ["vb", "em"])
def test_mace_matches_crowdkit_with_the_same_seed(method, input_name):
    L = data(input_name)
    P = MACE(method=method, random_state=3).fit(L).predict_proba(L)
    tab, classes = neutral_table(L)
    # an int random_state seeds every crowd-kit restart alike, so one restart gives its result
    Q = crowdkit_probas(ck.MACE(method=method, random_state=3, n_restarts=1).fit_predict_proba(tab), L, classes)
    np.testing.assert_allclose(P[voted(L)], Q, rtol=0, atol=1e-6)


def test_crowdkit_mace_depends_on_annotator_names_ours_does_not():
    """crowd-kit 1.4.2 files the M-step counts under sorted names but reads them by first appearance."""
    L = data("k4")
    raw = ck.MACE(n_restarts=1).fit_predict_proba(annotation_table(L))
    tab, classes = neutral_table(L)
    renamed = ck.MACE(n_restarts=1).fit_predict_proba(tab)
    assert np.abs(crowdkit_probas(raw, L) - crowdkit_probas(renamed, L, classes)).max() > 1e-3
    renamed_L = ws.LabelMatrix(L.csr, lf_names=[f"z{j}" for j in range(L.n_lfs)], cardinality=L.cardinality)
    np.testing.assert_allclose(MACE().fit(renamed_L).predict_proba(renamed_L), MACE().fit(L).predict_proba(L))


def test_mace_restarts():
    L = data("k4")
    one = MACE(n_restarts=1).fit(L).predict_proba(L)
    np.testing.assert_array_equal(MACE(n_restarts=5).fit(L).predict_proba(L), one)  # seeded alike: one run
    a = MACE(random_state=None, n_restarts=4).fit(L, seed=1)
    b = MACE(random_state=None, n_restarts=4).fit(L, seed=1)
    np.testing.assert_array_equal(a.predict_proba(L), b.predict_proba(L))
    single = MACE(random_state=None, n_restarts=1).fit(L, seed=1)
    assert a.log_marginal_likelihood_ >= single.log_marginal_likelihood_


# label-only aggregators ------------------------------------------------------------------------
@pytest.mark.parametrize("input_name", list(INPUTS))
def test_mmsr_skills_and_labels_match_crowdkit(input_name):
    L = data(input_name)
    ours = MMSR().fit(L)
    theirs = ck.MMSR()
    labels = crowdkit_labels(theirs.fit_predict(annotation_table(L)), L)
    skills = theirs.skills_.reindex(L.lf_names).to_numpy()
    seen = ~np.isnan(skills)
    np.testing.assert_allclose(ours.skills_[seen], skills[seen], rtol=0, atol=1e-6)
    assert np.all(ours.skills_[~seen] == 0)
    # crowd-kit takes the argmax of the weights divided by their sum, which reverses the ranking
    # where the sum is negative; our probabilities follow that rule
    S = weighted_votes(L.csr, ours.skills_, L.cardinality)[voted(L)]
    P = ours.predict_proba(L)[voted(L)]
    nonzero = S.sum(axis=1) != 0  # a zero sum: crowd-kit divides by zero
    np.testing.assert_array_equal(P.argmax(axis=1)[nonzero], labels[nonzero])
    np.testing.assert_allclose(P.sum(axis=1), 1.0)


@pytest.mark.parametrize("input_name", BINARY)
def test_kos_labels_match_crowdkit(input_name):
    L = data(input_name)
    model = KOS(random_state=2).fit(L)
    labels = crowdkit_labels(ck.KOS(random_state=2).fit_predict(annotation_table(L)), L)
    np.testing.assert_array_equal(model.predict(L)[voted(L)], labels)
    # on other rows it votes with the learned reliabilities: the same labels on (almost) all items
    rows = np.flatnonzero(voted(L))[:-1]
    inductive = model.predict(L[rows], tie_break="index")
    assert (inductive == labels[:-1]).mean() > 0.95


def test_kos_is_binary_only():
    with pytest.raises(ModelInputError, match="binary"):
        KOS().fit(data("k4"))


# the estimator contract ------------------------------------------------------------------------
ALL = [CrowdDawidSkene, OneCoinDawidSkene, GLAD, MACE, Wawa, ZeroBasedSkill, MMSR, KOS]
BAD = {
    CrowdDawidSkene: {"n_iter": 0},
    OneCoinDawidSkene: {"tol": -1.0},
    GLAD: {"m_step_tol": 0.0},
    MACE: {"method": "sgd"},
    Wawa: {"cardinality": 1},
    ZeroBasedSkill: {"lr_init": 2.0},
    MMSR: {"random_state": -1},
    KOS: {"n_iter": 1.5},
}


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_estimator_contract(cls, tmp_path):
    L = data("binary")
    model = cls()
    assert model.fit(L) is model
    params = model.get_params()
    copy = clone(model)
    assert copy.get_params() == params and not hasattr(copy, "cardinality_")
    learned = [a for a in vars(model) if a.endswith("_") and not a.startswith("_")]
    assert {"cardinality_", "class_balance_"} <= set(learned)
    P = model.predict_proba(L)
    assert P.shape == (L.n_rows, 2) and np.isfinite(P).all()
    np.testing.assert_allclose(P.sum(axis=1), 1.0)
    assert (model.predict(L) == P.argmax(axis=1))[P.max(axis=1) > 0.6].all()
    loaded = BaseLabelModel.load(model.save(tmp_path / "m"))
    assert type(loaded) is cls and loaded.get_params() == params
    np.testing.assert_array_equal(loaded.predict_proba(L), P)
    other = L[np.arange(10, 40)]  # other rows: from the learned annotator parameters
    np.testing.assert_array_equal(loaded.predict_proba(other), model.predict_proba(other))
    assert np.isfinite(model.predict_proba(other)).all()


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_bad_parameters_raise(cls):
    with pytest.raises(ModelInputError, match="parameter"):
        cls(**BAD[cls]).fit(data("binary"))


@pytest.mark.parametrize("cls", [CrowdDawidSkene, OneCoinDawidSkene, MACE, Wawa, ZeroBasedSkill, MMSR],
                         ids=lambda c: c.__name__)
def test_inductive_models_score_each_row_alone(cls):
    """Their posteriors depend on the row and the annotator parameters only: any subset of the
    fitted rows gets the probabilities it got in the whole matrix."""
    L = data("k4")
    model = cls().fit(L)
    rows = np.array([5, 3, 99, 0])
    np.testing.assert_allclose(model.predict_proba(L[rows]), model.predict_proba(L)[rows], atol=1e-12)


@pytest.mark.parametrize("cls", [GLAD, KOS], ids=lambda c: c.__name__)
def test_transductive_models_keep_the_fitted_posteriors(cls):
    L = data("binary")
    model = cls().fit(L)
    np.testing.assert_array_equal(model.predict_proba(L), model.fit_proba_)
    sub = model.predict_proba(L[np.arange(30)])  # new rows: worker parameters only
    np.testing.assert_allclose(sub.sum(axis=1), 1.0)
    assert (sub.argmax(axis=1) == model.fit_proba_[:30].argmax(axis=1)).mean() > 0.85


def test_votes_of_annotators_unseen_in_the_fit_carry_no_evidence():
    L = data("k4")
    silent = int(np.flatnonzero(np.diff(L.csr.tocsc().indptr) == 0)[0])
    row = np.full((1, L.n_lfs), -1)
    row[0, silent] = 2
    for cls in [CrowdDawidSkene, OneCoinDawidSkene, GLAD, MACE, Wawa, MMSR]:
        model = cls().fit(L)
        np.testing.assert_allclose(model.predict_proba(row)[0], model.class_balance_, atol=1e-9,
                                   err_msg=cls.__name__)


def test_exported_from_the_package_root():
    for cls in ALL:
        assert getattr(ws, cls.__name__) is cls
    assert ws.CrowdDawidSkene is not ws.DawidSkene
