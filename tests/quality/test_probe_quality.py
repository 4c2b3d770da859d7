"""Data-quality functions with inputs as users hold them (helper probe): each test failed before its fix."""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from weaksup.errors import ModelInputError, ParameterTypeError, WeaksupError
from weaksup.quality import (
    CleanTrainer,
    cross_val_predict_proba,
    find_label_issues,
    find_weak_label_issues,
    fix_weak_labels,
    lf_error_contributions,
)
from weaksup.quality._inputs import row_positions
from weaksup.utils import preds_to_probs, probs_to_preds

Y6 = np.array([0, 0, 0, 1, 1, 1])
P6 = np.array([[.9, .1], [.8, .2], [.1, .9], [.2, .8], [.3, .7], [.1, .9]])


@pytest.fixture(scope="module")
def weak_problem():
    """Two classes, three LFs (one often wrong), features that separate the classes; rows named by text ids."""
    from weaksup.models import MajorityVoter

    rng = np.random.default_rng(0)
    n = 200
    y = np.r_[np.zeros(n // 2, int), np.ones(n // 2, int)]
    X = np.abs(y[:, None] * 1.5 + rng.normal(0, 1, (n, 5)))
    V = np.stack([np.where(rng.random(n) < 0.8, y, 1 - y), np.where(rng.random(n) < 0.7, y, -1),
                  np.where(rng.random(n) < 0.5, 1 - y, -1)], 1)
    ids = [f"id{i}" for i in range(n)]
    L = pd.DataFrame(V, index=ids, columns=["a", "b", "c"])
    probs = MajorityVoter(cardinality=2).predict_proba(V)
    issues = find_weak_label_issues(L, probs, X, seed=0, warn=False)
    assert len(issues)
    return L, probs, X, issues


@pytest.mark.parametrize("bad", ["0.5", None, True])
def test_find_label_issues_frac_noise_that_is_no_number_is_a_typed_error(bad):
    with pytest.raises(ModelInputError, match="frac_noise"):  # '0.5' and None were a bare TypeError, True was 1
        find_label_issues(Y6, P6, frac_noise=bad)


def test_nullable_probability_frame_with_a_gap_names_the_row():
    P = pd.DataFrame(P6, index=list("abcdef")).astype("Float64")
    P.iloc[2, 1] = pd.NA
    with pytest.raises(ModelInputError, match="row 'c'"):  # was "float() argument must be ... not 'NAType'"
        find_label_issues(Y6, P)


def test_find_weak_label_issues_parameters_that_are_no_numbers_are_typed_errors(weak_problem):
    L, probs, X, issues = weak_problem
    for n_folds in ("3", None):  # was NumPy's UFuncTypeError / a bare TypeError
        with pytest.raises(ModelInputError, match="n_folds"):
            find_weak_label_issues(L, probs, X, n_folds=n_folds, warn=False)
    with pytest.raises(ParameterTypeError, match="seed"):  # was scikit-learn's bare ValueError
        find_weak_label_issues(L, probs, X, seed="a", warn=False)
    with pytest.raises(ModelInputError, match="pred_probs"):  # was NumPy's "could not convert string to float"
        find_weak_label_issues(L, probs, pred_probs=[["a", "b"]] * len(probs), warn=False)
    with pytest.raises(ModelInputError, match="refined_pred_probs"):
        find_weak_label_issues(L, probs, pred_probs=issues.pred_probs, refined_pred_probs=[["a", "b"]] * len(probs),
                               warn=False)


def test_row_ids_of_mixed_types_and_multiindex_tuples_are_taken_as_given():
    idx = pd.Index([0, "a", 2.5, "b"], dtype=object)
    assert row_positions([0, "a"], idx, "exclude").tolist() == [0, 1]  # NumPy made them "0", "a": no such ids
    assert row_positions([2.5, "b"], idx, "exclude").tolist() == [2, 3]
    mi = pd.MultiIndex.from_tuples([("a", 1), ("b", 2)])
    assert row_positions([("b", 2)], mi, "exclude").tolist() == [1]  # was the parts "b", "2" as two ids
    with pytest.raises(ModelInputError, match="NA"):  # a nullable mask with a gap was read as 3 row ids
        row_positions(pd.Series([True, False, pd.NA], dtype="boolean"), pd.Index(list("xyz")), "exclude")


def test_exclude_by_ids_of_mixed_types(weak_problem):
    L, probs, X, issues = weak_problem
    mixed = L.set_axis(pd.Index([0] + list(L.index[1:]), dtype=object))
    first = issues.index[0]
    out = find_weak_label_issues(mixed, probs, pred_probs=issues.pred_probs, exclude=[0, first], warn=False)
    assert first not in out.index and 0 not in out.index


def test_lf_blame_reads_a_posterior_frame_by_row_id_and_class(weak_problem):
    L, probs, X, issues = weak_problem
    mask = np.zeros(len(L), bool)
    mask[issues["position"]] = True
    ref = lf_error_contributions(L, mask, probs, posterior=issues.posterior)
    shuffled = pd.DataFrame(issues.posterior, index=L.index).sample(frac=1, random_state=2)
    got = lf_error_contributions(L, mask, probs, posterior=shuffled)  # was paired with other rows' votes
    pd.testing.assert_frame_equal(got, ref)
    swapped = pd.DataFrame(issues.posterior[:, ::-1], index=L.index, columns=[1, 0])
    pd.testing.assert_frame_equal(lf_error_contributions(L, mask, probs, posterior=swapped), ref)
    with pytest.raises(ModelInputError, match="posterior"):  # text: was NumPy's bare ValueError
        lf_error_contributions(L, mask, probs, posterior=[["a", "b"]] * len(L))
    with pytest.raises(ModelInputError, match="pred_probs"):
        lf_error_contributions(L, mask, probs, pred_probs=[["a", "b"]] * len(L))
    with pytest.raises(ModelInputError, match="suggested_label"):  # class 5 of 2 silently matched no vote
        lf_error_contributions(L, pd.DataFrame(issues).assign(suggested_label=5), probs)


def test_fix_weak_labels_prune_needs_no_posterior_and_positions_are_whole_numbers(weak_problem):
    L, probs, X, issues = weak_problem
    plain = pd.DataFrame(issues)  # a copy as a plain frame: no combined posterior
    ref = fix_weak_labels(probs, issues, policy="prune")
    fix = fix_weak_labels(probs, plain, policy="prune")  # was "use ... policy='prune'" though it was prune
    assert fix.keep.tolist() == ref.keep.tolist() and not len(fix.relabeled)
    with pytest.raises(ModelInputError, match="1.5"):  # position 1.5 was truncated to row 1
        fix_weak_labels(probs, plain.assign(position=1.5), policy="prune")
    for bad in ("0.6", None):  # was a bare TypeError
        with pytest.raises(ModelInputError, match="min_confidence"):
            fix_weak_labels(probs, issues, min_confidence=bad)


def test_cross_val_seed_and_cardinality_that_scikit_learn_cannot_take_are_typed_errors():
    X = np.r_[np.zeros((10, 1)), np.ones((10, 1))] + np.linspace(0, 0.1, 20)[:, None]
    y = np.r_[np.zeros(10, int), np.ones(10, int)]
    for seed in ("a", np.random.default_rng(0), -1):
        with pytest.raises(ParameterTypeError, match="seed"):
            cross_val_predict_proba(LogisticRegression(), X, y, seed=seed)
    assert cross_val_predict_proba(LogisticRegression(), X, y, seed=np.random.RandomState(0)).shape == (20, 2)
    with pytest.raises(ModelInputError, match="cardinality"):  # "2" was NumPy's UFuncTypeError
        cross_val_predict_proba(LogisticRegression(), X, y, cardinality="2")


def test_clean_trainer_takes_sample_weight_in_the_final_fit():
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    rng = np.random.default_rng(0)
    y = np.r_[np.zeros(60, int), np.ones(60, int)]
    X = y[:, None] * 3 + rng.normal(0, 1, (120, 3))
    noisy = y.copy()
    noisy[[0, 1, 70]] = 1 - noisy[[0, 1, 70]]
    w = np.where(y == 0, 5.0, 0.2)
    ct = CleanTrainer(LogisticRegression()).fit(X, noisy, sample_weight=w)  # was an unexpected-keyword TypeError
    ref = CleanTrainer(LogisticRegression()).fit(X, noisy)
    keep = ~ref.label_issues_
    expected = LogisticRegression().fit(X[keep], noisy[keep], sample_weight=w[keep])
    np.testing.assert_allclose(ct.predict_proba(X), expected.predict_proba(X))
    ids = [f"r{i}" for i in range(120)]
    frame = pd.DataFrame(X, index=ids)
    by_id = CleanTrainer(LogisticRegression()).fit(frame, pd.Series(noisy, index=ids),
                                                   sample_weight=pd.Series(w, index=ids).iloc[::-1])
    np.testing.assert_allclose(by_id.predict_proba(frame), expected.predict_proba(X))
    pipe = make_pipeline(StandardScaler(), CleanTrainer(LogisticRegression()))
    pipe.fit(X, noisy, cleantrainer__sample_weight=w)
    GridSearchCV(CleanTrainer(LogisticRegression()), {"cv_folds": [3, 5]}, cv=3).fit(X, noisy, sample_weight=w)
    with pytest.raises(ModelInputError, match="sample_weight"):
        CleanTrainer(LogisticRegression()).fit(X, noisy, sample_weight=w[:-1])


def test_probs_to_preds_refuses_nan_rows_and_reads_class_id_columns():
    with pytest.raises(ModelInputError, match="row 0 holds NaN"):  # was silently class 0 (or 1)
        probs_to_preds([[np.nan, 0.5], [0.2, 0.8]])
    with pytest.raises(ModelInputError, match="row 'b'"):
        probs_to_preds(pd.DataFrame([[0.2, 0.8], [0.5, np.nan]], index=["a", "b"]))
    swapped = pd.DataFrame([[0.9, 0.1], [0.2, 0.8]], columns=[1, 0])  # column "1" first
    assert probs_to_preds(swapped).tolist() == [1, 0]  # was [0, 1]: every row the other class
    with pytest.raises(ModelInputError, match="prior"):  # a prior of the wrong length was a broadcast ValueError
        probs_to_preds([[0.5, 0.5]], tie_break="prior", prior=[1, 2, 3])
    with pytest.raises(ParameterTypeError, match="seed"):
        probs_to_preds([[0.5, 0.5]], tie_break="random", seed="a")
    with pytest.raises(ModelInputError, match="probabilities"):
        probs_to_preds([["a", "b"]])


def test_preds_to_probs_reads_labels_as_the_label_check_does():
    assert preds_to_probs(["1", 0.0], 2).tolist() == [[0.0, 1.0], [1.0, 0.0]]
    with pytest.raises(ModelInputError, match="1.5"):  # was silently class 1
        preds_to_probs([0.0, 1.5], 2)
    with pytest.raises(ModelInputError, match="row 1"):  # NaN / NA were an IndexError
        preds_to_probs(pd.Series([0, pd.NA], dtype="Int64"), 2)
    with pytest.raises(ModelInputError, match="cardinality"):
        preds_to_probs([0, 1], "2")


def test_filter_unlabeled_ragged_probs_is_a_typed_error():
    from weaksup.utils import filter_unlabeled

    with pytest.raises(WeaksupError, match="probs"):
        filter_unlabeled([10, 20], [[0.5, 0.5], [1]], np.array([[-1], [1]]))


def test_clean_trainer_unknown_find_issues_kwargs_are_named_before_cross_validating():
    X = np.r_[np.zeros((10, 1)), np.ones((10, 1))] + np.linspace(0, 0.1, 20)[:, None]
    y = np.r_[np.zeros(10, int), np.ones(10, int)]
    with pytest.raises(ParameterTypeError, match="'methd'"):  # was find_label_issues' bare TypeError, after the CV
        CleanTrainer(LogisticRegression(), find_issues_kwargs={"methd": "both"}).fit(X, y)
    ct = CleanTrainer(LogisticRegression(), find_issues_kwargs=[("method", "both")]).fit(X, y)  # pairs still work
    assert ct.label_issues_.shape == (20,)


def test_sample_weight_as_text_is_a_typed_error():
    """``CleanTrainer().fit(X, y, sample_weight=["a", ...])`` (every weight check) raised NumPy's bare
    ValueError "could not convert string to float"."""
    from weaksup._validation import check_sample_weight

    with pytest.raises(ModelInputError, match="sample_weight must be one weight per row"):
        check_sample_weight(["a", "b"], 2)
