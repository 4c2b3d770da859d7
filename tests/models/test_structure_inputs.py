"""LF dependency learning, sufficient statistics, selection and diagnostics on the inputs users hold."""

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from weaksup.errors import LabelMatrixError, ModelInputError, ParameterTypeError, WeaksupWarning
from weaksup.models import AgreementModel, DawidSkene, MajorityVoter
from weaksup.models._simulate import simulate_dependent_lfs
from weaksup.models.dependent import DependencyAwareModel
from weaksup.models.diagnostics import diagnose
from weaksup.models.selection import select_label_model
from weaksup.models.structure import StructureLearner, lf_dependencies
from weaksup.patterns import PatternCounts


def _votes(n=2000, accs=(0.8, 0.7, 0.75), seed=0, coverage=0.7):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    return [np.where(rng.random(n) < coverage, np.where(rng.random(n) < a, y, 1 - y), -1) for a in accs], y


# structure learning ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("columns", [[0, 0], [0, 0, 1], [1, 0, 0]])
def test_exact_duplicates_are_reported_even_with_fewer_than_three_distinct_lfs(columns):
    # with under three distinct LFs nothing is tested (the bar is inf), which hid duplicates: inf > inf is False
    (a, b, _), _ = _votes()
    cols = {0: a, 1: b}
    learner = StructureLearner().fit(np.column_stack([cols[c] for c in columns]))
    pair = tuple(j for j, c in enumerate(columns) if c == 0)
    assert learner.edges_ == [pair] and learner.duplicates_ == [list(pair)]
    assert learner.table()["kind"].tolist() == ["duplicate"]


def test_two_copied_lfs_are_one_group_of_the_dependency_aware_model():
    (a, b, _), _ = _votes()
    assert DependencyAwareModel().fit(np.column_stack([a, a, b])).dependency_groups_ == [["lf_0", "lf_1"]]


@pytest.mark.parametrize("seed,edges", [(1, [(0, 1), (3, 5)]), (0, [(2, 4)])])
def test_a_strong_copy_does_not_drag_in_false_pairs_at_ten_classes(seed, edges):
    # the first round's rank k - 1 fit bends towards a strong copy and spreads its error over every pair; the pairs
    # flagged there were never re-judged, so up to seven false pairs were reported next to the planted ones
    L, _ = simulate_dependent_lfs(5000, 8, cardinality=10, edges=edges, strength=0.8, seed=seed)
    assert StructureLearner().fit(L).edges_ == edges


@pytest.mark.parametrize("k,n,m", [(5, 2, 3), (10, 2, 3), (10, 2, 4), (3, 3, 2), (10, 50, 4)])
def test_tiny_matrices_with_more_classes_than_indicators_fit(k, n, m):
    # the rank k - 1 fit was asked for more factors than the few one-hot columns a handful of rows has (ValueError)
    D = np.random.default_rng(k * 100 + n + m).integers(-1, k, (n, m))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", WeaksupWarning)  # at two rows LFs vote on every row, or classes go unfavoured
        StructureLearner(cardinality=k).fit(D)
        P = DependencyAwareModel(cardinality=k).fit(D).predict_proba(D)
    assert P.shape == (n, k) and np.allclose(P.sum(axis=1), 1)


def test_a_class_no_lf_votes_adds_no_rank_that_absorbs_the_dependency():
    # cardinality 3, class 2 never voted: a rank-2 fit absorbed the planted copy and reported four false pairs
    L, _ = simulate_dependent_lfs(3000, 6, 3, edges=[(0, 1)], strength=0.9, seed=1)
    D = L.to_dense()
    D[D == 2] = -1
    found = StructureLearner(cardinality=3).fit(D).edges_
    assert (0, 1) in found and len(found) <= 2


def test_lfs_that_never_abstain_are_named_in_a_warning():
    (a, b, c), _ = _votes(coverage=1.0)
    with pytest.warns(WeaksupWarning, match=r"3 LF\(s\) vote on every row \(lf_0, lf_1, lf_2\)"):
        StructureLearner().fit(np.column_stack([a, b, c]))
    with pytest.raises(ModelInputError, match=r"unknown parameters \['z'\]"):
        lf_dependencies(np.column_stack([a, b, c]), z=3)


@pytest.mark.parametrize("param,value", [("min_strength", float("nan")), ("max_iter", 0.5), ("min_co_votes", 2.5),
                                         ("alpha", float("inf")), ("max_iter", True)])
def test_structure_parameters_are_checked(param, value):
    (a, b, c), _ = _votes()
    with pytest.raises(ModelInputError, match=param):
        StructureLearner(**{param: value}).fit(np.column_stack([a, b, c]))


def test_structure_learner_takes_fit_x_y_as_in_a_pipeline():
    (a, b, c), y = _votes()
    L = np.column_stack([a, b, c])
    assert StructureLearner().fit(L, y).edges_ == StructureLearner().fit(L).edges_


# sufficient statistics -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("patterns,counts,match", [
    ([[1, -2]], [1], "pattern 0, LF 'lf_1' holds -2"),  # a -1-abstain row given as label + 1 (wrote out of bounds)
    ([[1, 1.5]], [1], "pattern 0, LF 'lf_1' holds 1.5"),
    ([[1, 2]], [1.5], "count 0 is 1.5"),  # was silently 1 row
    ([[1, 2]], [np.nan], "count 0 is nan"),
    ([[1, 2], [2, 2]], [3, -1], "count 1 is -1"),
    ([[1, 2]], ["a"], "whole numbers"),
])
def test_pattern_counts_refuse_votes_and_counts_that_are_not_label_plus_one_and_whole_rows(patterns, counts, match):
    with pytest.raises(ModelInputError, match=match):
        PatternCounts(sp.csr_matrix(np.asarray(patterns, dtype=float)), counts)


def test_pattern_counts_check_their_cardinality():
    with pytest.raises(ModelInputError, match="label 2 for LF 'b'"):
        PatternCounts(sp.csr_matrix([[1, 3]]), [1], cardinality=2, lf_names=["a", "b"])
    stats = PatternCounts.from_label_matrix([[2, 0], [0, 1]])
    with pytest.raises(ModelInputError, match="label 2 for LF 'lf_0'"):  # was LF 1's class 0
        stats.overlap_matrix(2)
    assert stats.overlap_matrix(3).shape == (6, 6)
    # an explicit zero is an abstain: the same statistics as the row without it
    zero = sp.csr_matrix((np.array([1, 0]), np.array([0, 1]), np.array([0, 2])), shape=(1, 2))
    assert PatternCounts(zero, [3]) == PatternCounts.from_label_matrix([[0, -1]] * 3)
    assert PatternCounts(zero, [3]).patterns.nnz == 1


def test_statistics_built_by_hand_equal_the_same_rows_counted():
    D = np.array([[0, 1], [0, 1], [1, -1], [-1, -1]])
    by_row = PatternCounts(sp.csr_matrix(D + 1), np.ones(4, dtype=np.int64))  # a pattern repeated, not merged
    assert by_row == PatternCounts.from_label_matrix(D)
    with_zero = PatternCounts(sp.csr_matrix(np.vstack([D + 1, [[2, 2]]])), [1, 1, 1, 1, 0])
    assert with_zero == PatternCounts.from_label_matrix(D)
    assert PatternCounts.from_label_matrix(D[:3]) != PatternCounts.from_label_matrix(D)
    empty = PatternCounts.from_label_matrix(np.zeros((0, 2), dtype=int))
    assert empty == empty and empty + PatternCounts.from_label_matrix(D) == PatternCounts.from_label_matrix(D)


@pytest.mark.parametrize("dtype", [np.int8, np.int64, np.float64])
def test_chunk_statistics_merge_to_the_whole_and_fit_alike(dtype):
    L, _ = simulate_dependent_lfs(3000, 6, 3, seed=2)
    D = L.to_dense().astype(dtype)
    whole = PatternCounts.from_label_matrix(D)
    parts = sum(PatternCounts.from_label_matrix(D[i : i + 700]) for i in range(0, 3000, 700))
    assert parts == whole
    full = DawidSkene().fit(D).predict_proba(D)
    assert np.allclose(DawidSkene().fit_from_stats(parts).predict_proba(D), full)
    chunked = DawidSkene()
    for i in range(0, 3000, 700):
        chunked.partial_fit(D[i : i + 700])
    assert np.allclose(chunked.predict_proba(D), full)


def test_a_failed_refit_from_statistics_keeps_the_fitted_model():
    L, _ = simulate_dependent_lfs(3000, 6, 3, seed=2)
    D = L.to_dense()
    model = DawidSkene().partial_fit(D[:1000])
    before = model.predict_proba(D[:5])
    with pytest.raises(ModelInputError, match="class_balance"):
        model.partial_fit(D[1000:], class_balance=[0.5, 0.5])
    with pytest.raises(ModelInputError, match="class_balance"):
        model.fit_from_stats(PatternCounts.from_label_matrix(D), class_balance=[0.5, 0.5])
    assert np.array_equal(model.predict_proba(D[:5]), before)
    # and the rows of the failed chunk were not added
    assert model._stats_acc.n_rows == 1000


def test_statistics_fits_take_dev_labels_and_continue_from_given_statistics():
    L, y = simulate_dependent_lfs(3000, 6, 3, seed=2)
    D = L.to_dense()
    by_dev = AgreementModel().fit(D, Y_dev=y[:300]).predict_proba(D)
    stats = PatternCounts.from_label_matrix(D)
    assert np.allclose(AgreementModel().fit_from_stats(stats, Y_dev=y[:300]).predict_proba(D), by_dev)
    assert np.allclose(AgreementModel().partial_fit(D, Y_dev=y[:300]).predict_proba(D), by_dev)
    # fit_from_stats(first rows) then partial_fit(the rest) is the fit of all rows
    cont = DawidSkene().fit_from_stats(PatternCounts.from_label_matrix(D[:2000])).partial_fit(D[2000:])
    assert np.allclose(cont.predict_proba(D), DawidSkene().fit(D).predict_proba(D))


def test_partial_fit_after_fit_says_it_starts_afresh():
    L, _ = simulate_dependent_lfs(3000, 6, 3, seed=2)
    D = L.to_dense()
    model = DawidSkene().fit(D[:2000])
    with pytest.warns(WeaksupWarning, match="starts afresh"):
        model.partial_fit(D[2000:])
    with warnings.catch_warnings():
        warnings.simplefilter("error", WeaksupWarning)
        DawidSkene().partial_fit(D[:2000]).partial_fit(D[2000:])


# the dependency-aware model --------------------------------------------------------------------------------------
@pytest.mark.parametrize("dependencies,match", [
    ("learned", "'learn' or a list of LF pairs"),  # was read as pairs of letters
    (["ab"], "'ab' is not a pair"),  # was the pair ("a", "b")
    ([(True, False)], "True is neither"),
])
def test_given_dependencies_that_are_not_lf_pairs_are_refused(dependencies, match):
    L, _ = simulate_dependent_lfs(2000, 4, 2, seed=0)
    frame = pd.DataFrame(L.to_dense(), columns=list("abcd"))
    with pytest.raises(ModelInputError, match=match):
        DependencyAwareModel(dependencies=dependencies).fit(frame)


# selection -------------------------------------------------------------------------------------------------------
def test_selection_arguments_are_typed_errors():
    L, y = simulate_dependent_lfs(1000, 5, 3, seed=2)
    D = L.to_dense()
    with pytest.raises(ModelInputError, match="pass Y_dev"):
        select_label_model(D[:800], D[800:], None)
    with pytest.raises(ModelInputError, match="candidates is empty"):
        select_label_model(D[:800], D[800:], y[800:], candidates=[])
    with pytest.raises(ParameterTypeError, match=r"candidates\[1\] is the class AgreementModel.*AgreementModel\(\)"):
        select_label_model(D[:800], D[800:], y[800:], candidates=[MajorityVoter(), AgreementModel])
    with pytest.raises(LabelMatrixError, match=r"candidate AgreementModel\(cardinality=2\)"):
        select_label_model(D[:800], D[800:], y[800:], candidates=[MajorityVoter(), AgreementModel(cardinality=2)])


def test_selection_takes_dev_labels_as_list_series_and_with_unknowns():
    L, y = simulate_dependent_lfs(1000, 5, 3, seed=2)
    D = L.to_dense()
    cands = [MajorityVoter(), AgreementModel()]
    _, base = select_label_model(D[:800], D[800:], y[800:], candidates=cands)
    for gold in (y[800:].tolist(), pd.Series(y[800:])):
        assert select_label_model(D[:800], D[800:], gold, candidates=cands)[1].equals(base)
    part = y[800:].copy()
    part[:100] = -1
    _, known = select_label_model(D[:800], D[900:], y[900:], candidates=cands, dev_class_balance=False)
    _, masked = select_label_model(D[:800], D[800:], part, candidates=cands, dev_class_balance=False)
    assert np.allclose(known["accuracy"], masked["accuracy"])


# diagnostics -----------------------------------------------------------------------------------------------------
def test_diagnose_names_the_silent_lf_whatever_the_form_of_the_votes():
    L, _ = simulate_dependent_lfs(2000, 5, 2, seed=2)
    D = np.column_stack([L.to_dense(), np.full(2000, -1)])
    frame = pd.DataFrame(D, columns=list("abcdeZ"))
    with pytest.warns(WeaksupWarning, match="lf never votes: Z"):
        model = AgreementModel().fit(frame)

    def silent(votes):
        return diagnose(model, votes).set_index("check").loc["lf never votes", "detail"]

    assert silent(frame[list("Zedcba")]) == "Z"  # was 'a': columns taken by position
    assert silent(sp.csr_array(D + 1)) == "Z"  # was AttributeError: csr_array has no getnnz
    assert silent(sp.coo_matrix(D + 1)) == "Z"
    stored_zero = sp.csr_matrix(D + 1)
    stored_zero.data[stored_zero.indices == 0] = 0  # explicit zeros: abstains, not votes
    assert silent(stored_zero) == "a, Z"


def test_a_failed_refit_keeps_the_fitted_model():
    import weaksup as ws
    from weaksup.errors import ModelInputError

    L = np.array([[0, 0, 1], [1, 1, -1], [0, -1, 0], [1, 1, 1]] * 10)
    for model in (ws.LabelModel(cardinality=2), ws.MajorityVoter(cardinality=2), ws.DawidSkene(cardinality=2)):
        model.fit(L)
        expected = model.predict_proba(L)
        with pytest.raises(ModelInputError, match="class_balance"):
            model.fit(L, class_balance=[0.2, 0.2])
        np.testing.assert_array_equal(model.predict_proba(L), expected)


def test_no_votes_at_all_gives_no_edges():
    L = -np.ones((10, 3), dtype=int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert StructureLearner().fit(L).edges_ == []


def test_many_lfs_skip_the_backward_pass(monkeypatch):
    # one refit per flagged pair costs seconds with hundreds of annotators: large sets keep the forward pass
    import weaksup.models.structure as structure

    calls = []
    real = structure._low_rank_fit
    monkeypatch.setattr(structure, "_low_rank_fit", lambda *a, **k: calls.append(1) or real(*a, **k))
    L, _ = simulate_dependent_lfs(n=3000, m=45, edges=[(0, 1), (2, 3)], seed=0)
    StructureLearner().fit(L)
    forward = len(calls)
    calls.clear()
    monkeypatch.setattr(structure, "_MAX_BACKWARD_LFS", 100)
    StructureLearner().fit(L)
    assert len(calls) > forward
