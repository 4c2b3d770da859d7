"""The less-used label-model tools (structure learning, the dependency-aware model, selection, diagnostics,
statistics, the simulator) with inputs as users hold them: defects found by probing."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest

from weaksup.errors import ModelInputError, ParameterTypeError, WeaksupWarning
from weaksup.models import (
    DawidSkene,
    DependencyAwareModel,
    PatternCounts,
    StructureLearner,
    WeightedMajorityVoter,
    select_label_model,
)
from weaksup.models._simulate import simulate_dependent_lfs


@pytest.fixture(scope="module")
def copied():
    """Five LFs, lf 1 copying lf 0, as a frame with named columns."""
    L, y = simulate_dependent_lfs(3000, 5, cardinality=2, edges=[(0, 1)], strength=0.9, seed=3)
    return pd.DataFrame(L.to_dense(), columns=list("abcde")), y


def test_structure_learner_on_fewer_rows_than_lfs_with_every_pair_tested():
    """Two rows, six LFs and min_co_votes=0 (a user testing every pair of a tiny set) raised numpy's bare
    LinAlgError "Singular matrix": a pair's delta-method covariance over two rows is all zeros."""
    L = np.array([[0, 0, 0, 0, 2, 3], [0, 2, -1, -1, 3, 0]])
    learner = StructureLearner(min_co_votes=0).fit(L)
    assert learner.edges_ == [(2, 3)]  # identical columns: found whatever else can be tested
    assert DependencyAwareModel(structure_params={"min_co_votes": 0}).fit(L).dependency_groups_ == [["lf_2", "lf_3"]]


@pytest.mark.parametrize("seed", [-1, 1.5, "0"])
def test_select_label_model_refuses_a_seed_no_candidate_takes(copied, seed):
    """seed=-1 (or 1.5) was set as every candidate's random_state, which MatrixCompletion refuses: it was
    silently 'skipped' and the selection went on without it, as if it had failed to fit."""
    df, y = copied
    with pytest.raises(ModelInputError, match="seed must be None or an integer >= 0"):
        select_label_model(df[:2000], df[2000:], y[2000:], seed=seed)
    best, table = select_label_model(df[:2000], df[2000:], y[2000:], seed=np.int64(3), dev_class_balance=False)
    assert not table["accuracy"].isna().any()


@pytest.mark.parametrize("value", ["no", "False", 0, 1.0])
def test_select_label_model_refuses_a_dev_class_balance_that_is_not_a_bool(copied, value):
    """dev_class_balance="no" (or "False") is truthy: every candidate was silently fitted on the dev balance."""
    df, y = copied
    with pytest.raises(ParameterTypeError, match="dev_class_balance must be True, False or None"):
        select_label_model(df[:2000], df[2000:], y[2000:], dev_class_balance=value)


def test_dependency_aware_model_says_its_base_sees_fewer_lfs_than_were_given(copied):
    """Three LFs, two of them copies, under base="Triplet": the error said "Triplet needs at least 3 labeling
    functions ...; got 2" although the user passed 3 (the base sees one LF per group)."""
    df, _ = copied
    with pytest.raises(ModelInputError, match=r"DependencyAwareModel: with the dependent LFs \[\['a', 'b'\]\].*"
                                              r"Triplet sees 2 of the 3 LFs.*needs at least 3"):
        DependencyAwareModel(base="Triplet").fit(df[["a", "b", "c"]])


def test_dependency_aware_model_takes_per_lf_weights_of_a_weighted_majority_base(copied):
    """base="WeightedMajorityVoter" with base_params={"weights": one per LF} always failed ("must be 4 finite
    numbers ... got 5"): each base fit sees only some LFs. A list of the wrong length that happened to match one
    base fit's LFs was taken by position, silently."""
    df, _ = copied
    by_name = DependencyAwareModel(base="WeightedMajorityVoter",
                                   base_params={"weights": {"e": 1.0, "d": 2.0, "c": 3.0, "b": 4.0, "a": 5.0}}).fit(df)
    by_position = DependencyAwareModel(base="WeightedMajorityVoter",
                                       base_params={"weights": [5.0, 4.0, 3.0, 2.0, 1.0]}).fit(df)
    assert by_name.dependency_groups_ == [["a", "b"]]
    np.testing.assert_allclose(by_name.predict_proba(df), by_position.predict_proba(df))
    kept = DependencyAwareModel(base="WeightedMajorityVoter", max_iter=0,
                                base_params={"weights": [5.0, 4.0, 3.0, 2.0, 1.0]}).fit(df)
    np.testing.assert_allclose(kept.log_table_[:, 1 + 1, 1], [5.0, 4.0, 3.0, 2.0, 1.0])  # each LF its own weight
    for weights in ([5.0, 4.0, 3.0, 2.0], {"a": 1.0}, [1.0, np.nan, 1.0, 1.0, 1.0]):
        with pytest.raises(ModelInputError, match=r"base_params\['weights'\] must be 5 finite numbers"):
            DependencyAwareModel(base="WeightedMajorityVoter", base_params={"weights": weights}).fit(df)


@pytest.mark.parametrize(("where", "edit", "says"), [
    ("arrays", lambda a: a.__setitem__("lf_group_", np.array([0.5, 0, -1, -1, -1])), "must be a whole number"),
    ("json", lambda j: j["attributes"].__setitem__("dependency_groups_", [["zz", "a"]]), "dependency_groups_ must be"),
    ("json", lambda j: j["attributes"].__setitem__("dependency_groups_", "ab"), "dependency_groups_ must be"),
])
def test_an_edited_dependency_aware_model_is_refused_on_load(copied, tmp_path, where, edit, says):
    """A saved model whose groups were edited loaded and predicted: lf_group_ 0.5 was truncated to group 0,
    and dependency_groups_ naming other LFs (or a string) was shown to the user as the learned groups."""
    from weaksup._files import file_sha256

    df, _ = copied
    d = DependencyAwareModel().fit(df).save(tmp_path / "m")
    meta = json.loads((d / "model.json").read_text())
    if where == "arrays":
        arrays = dict(np.load(d / "arrays.npz"))
        edit(arrays)
        with open(d / "arrays.npz", "wb") as fh:
            np.savez(fh, **arrays)
        meta["arrays.npz_sha256"] = file_sha256(d / "arrays.npz")
    else:
        edit(meta)
    (d / "model.json").write_text(json.dumps(meta))
    with pytest.raises(ModelInputError, match=says):
        DependencyAwareModel.load(d)
    assert DependencyAwareModel.load(DependencyAwareModel().fit(df).save(tmp_path / "ok")).dependency_groups_ == [["a", "b"]]


def test_a_class_no_lf_votes_does_not_hide_the_classes_they_vote():
    """DawidSkene(cardinality=4) on votes of three classes warned "class never favoured: class 0, class 1,
    class 2, class 3": the unvoted class's column is its smoothing, against which every vote looked weaker."""
    L, y = simulate_dependent_lfs(3000, 5, cardinality=3, seed=3)
    with pytest.warns(WeaksupWarning, match="class never favoured: class 3") as record:
        model = DawidSkene(cardinality=4).fit(L)
    assert not any("class 0" in str(w.message) for w in record)
    row = model.diagnose(L).set_index("check").loc["class never favoured"]
    assert row.detail == "class 3"
    assert (model.predict(L) == y).mean() > 0.6  # the voted classes are predicted


@pytest.mark.parametrize(("kwargs", "says"), [
    ({"edges": [(-1, 0)]}, r"edges: \(-1, 0\) is not a pair"),
    ({"edges": [(0, 5)]}, r"edges: \(0, 5\) is not a pair"),
    ({"edges": [(1, 1)]}, r"edges: \(1, 1\) is not a pair"),
    ({"cardinality": 1}, "cardinality must be an integer >= 2"),
    ({"balance": [0.5, 0.5, 0.0]}, "balance must be 2 non-negative numbers"),
])
def test_simulated_lfs_refuse_edges_and_classes_they_cannot_plant(kwargs, says):
    """edges=[(-1, 0)] silently planted an edge from the last LF (numpy's negative index); other mistakes raised
    bare IndexError / ValueError ("low >= high")."""
    with pytest.raises(ModelInputError, match=says):
        simulate_dependent_lfs(50, 3, **kwargs)


def test_statistics_with_a_label_beyond_the_cardinality_name_the_lf():
    """fit_from_stats said "statistics hold label 2 but cardinality is 2", naming no LF."""
    D = np.array([[0, 1, -1], [1, 1, 0], [0, 0, 2], [1, 0, 1]] * 3)
    stats = PatternCounts.from_label_matrix(pd.DataFrame(D, columns=["a", "b", "c"]))
    with pytest.raises(ModelInputError, match=r"label 2 from LF 'c'.*cardinality is 2"):
        DawidSkene(cardinality=2).fit_from_stats(stats)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", WeaksupWarning)
        assert WeightedMajorityVoter(weights=[1.0, 1.0, 1.0]).fit_from_stats(stats).cardinality_ == 3


@pytest.mark.parametrize("random_state", ["abc", "seven"])
def test_fit_from_stats_checks_random_state_before_reading_it(random_state):
    """MatrixCompletion(random_state="abc").fit_from_stats(stats) raised a bare ValueError ("invalid literal for
    int()"): the seed was read before the parameters were checked (fit and partial_fit checked first)."""
    from weaksup.models import MatrixCompletion

    stats = PatternCounts.from_label_matrix(np.array([[0, 0, 1], [1, 1, 0], [0, -1, 1], [1, 1, 1]] * 10))
    with pytest.raises(ModelInputError, match="random_state must be None or an integer >= 0"):
        MatrixCompletion(random_state=random_state).fit_from_stats(stats)


@pytest.mark.parametrize(("candidates", "says"), [
    (WeightedMajorityVoter(), "got one WeightedMajorityVoter"),
    ("MajorityVoter", "got the string 'MajorityVoter'"),
    (DawidSkene, "got the class DawidSkene"),
])
def test_select_label_model_refuses_one_candidate_that_is_not_a_list(copied, candidates, says):
    """candidates=MajorityVoter() raised a bare TypeError ("object is not iterable"); candidates="MajorityVoter"
    was read letter by letter ("candidates[0] is 'M'")."""
    df, y = copied
    with pytest.raises(ParameterTypeError, match=f"candidates must be a list of label models.*{says}"):
        select_label_model(df[:2000], df[2000:], y[2000:], candidates=candidates)


def test_class_balance_series_indexed_by_class_id_is_read_by_class():
    """``class_balance=y.value_counts(normalize=True)`` (a Series indexed by class id, most common first) was
    read by position: ``pd.Series([0.7, 0.3], index=[1, 0])`` gave class 0 the prior 0.7."""
    import pandas as pd

    from weaksup.models import MajorityVoter

    L = np.array([[0, -1], [1, 1], [-1, -1], [1, 0]])
    by_id = MajorityVoter(cardinality=2).fit(L, class_balance=pd.Series([0.7, 0.3], index=[1, 0]))
    in_order = MajorityVoter(cardinality=2).fit(L, class_balance=[0.3, 0.7])
    assert np.allclose(by_id.class_balance_, [0.3, 0.7])
    assert np.allclose(by_id.predict_proba(L), in_order.predict_proba(L))
