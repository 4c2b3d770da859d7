"""Structure learning (LF dependencies from the votes) and the model that uses it."""

import warnings

import numpy as np
import pytest

from weaksup.analysis import LFAnalysis
from weaksup.datasets import load_wrench
from weaksup.errors import ModelInputError
from weaksup.models import AgreementModel, BaseLabelModel
from weaksup.models._simulate import simulate_dependent_lfs
from weaksup.models.dependent import DependencyAwareModel
from weaksup.models.structure import StructureLearner, lf_dependencies


def _emp_acc(L, y):
    D = L.to_dense()
    return np.array([(D[D[:, j] >= 0, j] == y[D[:, j] >= 0]).mean() for j in range(D.shape[1])])


@pytest.mark.parametrize("k,strength,m", [(2, 0.3, 10), (2, 0.9, 12), (3, 0.6, 10), (3, 0.9, 25)])
def test_planted_edges_recovered(k, strength, m):
    edges = [(0, 1), (2, 3), (5, 6), (6, 7)]
    L, _ = simulate_dependent_lfs(20000, m, k, edges=edges, strength=strength, seed=3)
    found = StructureLearner().fit(L).edges_
    assert set(found) == set(edges)


def test_no_edges_when_independent():
    for k in (2, 4):
        L, _ = simulate_dependent_lfs(30000, 15, k, seed=5)
        learner = StructureLearner().fit(L)
        assert learner.edges_ == [] and learner.groups_ == []
        assert learner.table().empty


def test_threshold_counts_the_tests_no_false_edge_at_small_n():
    # with the old fixed bar (5 / sqrt(n)) this independent matrix showed a false pair: 190 pairs x 9 one-hot
    # entries are tested, and sparse one-hot entries are noisier than 1 / sqrt(n)
    for seed in range(4):
        L, _ = simulate_dependent_lfs(2000, 20, 3, seed=seed)
        learner = StructureLearner().fit(L)
        assert learner.edges_ == [], seed
        finite = learner.score_[np.isfinite(learner.score_)]
        assert finite.max() < learner.threshold_
    small = StructureLearner().fit(simulate_dependent_lfs(2000, 10, 2, seed=0)[0])
    assert small.n_tests_ < learner.n_tests_ and small.threshold_ < learner.threshold_
    strict = StructureLearner(alpha=1e-6).fit(simulate_dependent_lfs(2000, 10, 2, seed=0)[0])
    assert strict.threshold_ > small.threshold_
    with pytest.raises(ModelInputError, match="alpha"):
        StructureLearner(alpha=1.5).fit(L)


def test_weak_edges_found_where_the_data_supports_them():
    # strength 0.2 at n = 2000: tested together, the four one-hot entries of each chain pair (5, 6), (6, 7) clear
    # the bound; under the old bar (largest entry above 5 / sqrt(n)) the chain was missed
    edges = [(0, 1), (2, 3), (5, 6), (6, 7)]
    L, _ = simulate_dependent_lfs(2000, 10, 2, edges=edges, strength=0.2, seed=1)
    assert set(StructureLearner().fit(L).edges_) == set(edges)


def test_duplicates_and_chain_groups():
    L, _ = simulate_dependent_lfs(10000, 8, 2, edges=[(0, 1), (1, 2)], strength=0.8, seed=0)
    dense = np.column_stack([L.to_dense(), L.to_dense()[:, 5]])  # lf_8 duplicates lf_5
    learner = StructureLearner().fit(dense)
    assert learner.duplicates_ == [[5, 8]]
    assert learner.groups_ == [[0, 1, 2], [5, 8]]
    table = learner.table()
    assert table.loc[0, ["lf_a", "lf_b", "kind", "strength"]].tolist() == ["lf_5", "lf_8", "duplicate", 1.0]
    assert set(table["kind"]) == {"duplicate", "dependent"}
    assert learner.group_table()["size"].tolist() == [3, 2]


def test_trec_duplicate_groups_found():
    L = load_wrench("benchmarks/data/wrench/trec", splits=("train",))["train"].L
    learner = StructureLearner().fit(L)
    assert learner.duplicates_ == [[8, 39, 63], [27, 62]]
    groups = [set(g) for g in learner.groups_]
    assert any({8, 39, 63} <= g for g in groups) and any({27, 62} <= g for g in groups)


def test_lfanalysis_method_matches_function():
    L, _ = simulate_dependent_lfs(10000, 6, 2, edges=[(0, 1)], strength=0.7, seed=2)
    a = LFAnalysis(L).lf_dependencies()
    b = lf_dependencies(L)
    assert a.equals(b) and a[["j_a", "j_b"]].values.tolist() == [[0, 1]]


@pytest.mark.parametrize("k,edges,strength", [(2, [(0, 1), (2, 3)], 0.5), (2, [(0, 1), (1, 2), (3, 4)], 0.9),
                                              (3, [(0, 1), (2, 3), (4, 5)], 1.0)])
def test_structure_improves_accuracy_error(k, edges, strength):
    L, y = simulate_dependent_lfs(20000, 10, k, edges=edges, strength=strength, seed=1)
    emp = _emp_acc(L, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        base = AgreementModel().fit(L)
        dep = DependencyAwareModel().fit(L)
    assert np.abs(dep.accuracies_ - emp).mean() < 0.5 * np.abs(base.accuracies_ - emp).mean()
    assert np.abs(dep.accuracies_ - emp).mean() < 0.02
    assert (dep.predict(L, tie_break="index") == y).mean() > (base.predict(L, tie_break="index") == y).mean()


def test_costs_nothing_without_dependencies():
    L, _ = simulate_dependent_lfs(20000, 10, 3, seed=4)
    base = AgreementModel().fit(L)
    dep = DependencyAwareModel().fit(L)
    assert dep.dependency_groups_ == []
    np.testing.assert_allclose(dep.predict_proba(L), base.predict_proba(L), atol=1e-12)


def test_given_dependencies_and_save_load(tmp_path):
    L, y = simulate_dependent_lfs(5000, 6, 2, edges=[(0, 1)], strength=1.0, seed=0)
    model = DependencyAwareModel(dependencies=[("lf_0", "lf_1")]).fit(L)
    assert model.dependency_groups_ == [["lf_0", "lf_1"]] and model.structure_ is None
    assert model.lf_copy_rate_[0] > 0.9  # exact copies where lf_0 votes: one vote's worth
    loaded = BaseLabelModel.load(model.save(tmp_path / "m"))
    np.testing.assert_allclose(loaded.predict_proba(L), model.predict_proba(L))
    learned = DependencyAwareModel().fit(L)  # the fitted StructureLearner is not part of the saved state
    assert learned.structure_ is not None and learned.dependency_groups_ == [["lf_0", "lf_1"]]
    reloaded = BaseLabelModel.load(learned.save(tmp_path / "learned"))
    assert reloaded.structure_ is None and reloaded.dependency_groups_ == learned.dependency_groups_
    np.testing.assert_array_equal(reloaded.predict_proba(L), learned.predict_proba(L))
    with pytest.raises(ModelInputError, match="no LF named 'nope'"):
        DependencyAwareModel(dependencies=[("lf_0", "nope")]).fit(L)
    with pytest.raises(ModelInputError, match="base must name"):
        DependencyAwareModel(base="MajorityVoter").fit(L)


def test_plot(tmp_path):
    pytest.importorskip("matplotlib")
    from weaksup.plot.dependencies import dependencies

    L, _ = simulate_dependent_lfs(5000, 6, 2, edges=[(0, 1)], strength=0.9, seed=0)
    fig = dependencies(L)
    assert "1 pair(s) in 1 group(s)" in fig.axes[0].get_title()
    fig.savefig(tmp_path / "d.png")


def _one_class_lfs(n, seed):
    """Four keyword-like LFs voting one class each (0, 0, 1, 1) and three voting both, independent given y."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    cols = []
    for c in (0, 0, 1, 1):
        hit, miss = rng.uniform(0.3, 0.6), rng.uniform(0.03, 0.08)
        cols.append(np.where(rng.random(n) < np.where(y == c, hit, miss), c, -1))
    for _ in range(3):
        cols.append(np.where(rng.random(n) < 0.5, np.where(rng.random(n) < rng.uniform(0.7, 0.85), y, 1 - y), -1))
    return np.stack(cols, axis=1), y, rng


@pytest.mark.filterwarnings("ignore::weaksup.errors.WeaksupWarning")
def test_copy_rate_of_one_class_lfs_is_judged_by_co_firing():
    # two LFs voting one class agree whenever both vote, so agreement cannot tell a copy from an independent
    # LF (the old rule gave every such pair copy rate 1); co-firing beyond the label can
    for seed in (0, 1):
        L, _, _ = _one_class_lfs(30000, seed)
        independent = DependencyAwareModel(dependencies=[(0, 1)]).fit(L)
        assert independent.lf_copy_rate_[0] < 0.3
        copied = DependencyAwareModel(dependencies=[(0, 7)]).fit(np.column_stack([L, L[:, 0]]))
        assert copied.lf_copy_rate_[0] > 0.9


@pytest.mark.filterwarnings("ignore::weaksup.errors.WeaksupWarning")
def test_conflicting_one_class_lfs_are_reported_not_grouped():
    L, _, rng = _one_class_lfs(30000, 2)
    trigger = rng.random(len(L)) < 0.1  # lf_0 (class 0) and lf_2 (class 1) both fire here, whatever the label
    L[trigger, 0], L[trigger, 2] = 0, 1
    assert (0, 2) in StructureLearner().fit(L).edges_
    model = DependencyAwareModel().fit(L)
    assert not any({"lf_0", "lf_2"} <= set(g) for g in model.dependency_groups_)


def test_em_refinement_beats_fits_without_the_group():
    # weak copies (strength 0.2) at n = 2000: leaving the group members out of the other LFs' fits throws
    # information away; the EM over all LFs with down-weighted co-votes keeps it
    edges = [(0, 1), (2, 3), (5, 6), (6, 7)]
    err = {"default": [], "no_em": [], "em": []}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for seed in range(10, 14):
            L, y = simulate_dependent_lfs(2000, 10, 3, edges=edges, strength=0.2, seed=seed)
            emp = _emp_acc(L, y)
            for name, model in (("default", AgreementModel()), ("no_em", DependencyAwareModel(dependencies=edges, max_iter=0)),
                                ("em", DependencyAwareModel(dependencies=edges))):
                err[name].append(np.abs(model.fit(L).accuracies_ - emp).mean())
    assert np.mean(err["em"]) < 0.8 * min(np.mean(err["no_em"]), np.mean(err["default"]))
    assert all(e < d for e, d in zip(err["em"], err["default"], strict=True))
