import numpy as np
import pandas as pd
import pytest

from weaksup.errors import ModelInputError
from weaksup.quality import (
    class_thresholds,
    confident_joint,
    estimate_noise_matrix,
    find_label_issues,
    label_quality_scores,
)
from weaksup.quality.confident_learning import METHODS

P6 = np.array([[.9, .1], [.8, .2], [.1, .9], [.2, .8], [.3, .7], [.1, .9]])
Y6 = [0, 0, 0, 1, 1, 1]


def naive_confident_joint(y, P):
    """Textbook definition, one example at a time."""
    k = P.shape[1]
    t = [P[np.asarray(y) == j, j].mean() for j in range(k)]
    C = np.zeros((k, k), int)
    for yi, p in zip(y, P, strict=True):
        above = [j for j in range(k) if p[j] >= t[j] - 1e-6]
        if above:
            C[yi, max(above, key=lambda j: p[j])] += 1
    return C


def test_confident_joint_matches_the_definition_and_calibrates_to_given_counts(noisy_problem):
    _, _, noisy, P = noisy_problem
    np.testing.assert_array_equal(confident_joint(noisy, P, calibrate=False), naive_confident_joint(noisy, P))
    C = confident_joint(noisy, P)
    np.testing.assert_array_equal(C.sum(axis=1), np.bincount(noisy, minlength=3))
    assert class_thresholds(Y6, P6).tolist() == pytest.approx([(0.9 + 0.8 + 0.1) / 3, (0.8 + 0.7 + 0.9) / 3])


def test_noise_matrix_is_column_stochastic_and_recovers_the_flip_rate(noisy_problem):
    _, y, noisy, P = noisy_problem
    est = estimate_noise_matrix(noisy, P)
    np.testing.assert_allclose(est.noise_matrix.sum(axis=0), 1.0)
    np.testing.assert_allclose(est.inverse_noise_matrix.sum(axis=0), 1.0)
    assert est.joint.sum() == pytest.approx(1.0)
    off_diagonal = 1.0 - np.trace(est.joint)
    assert abs(off_diagonal - np.mean(noisy != y)) < 0.04  # 10% flipped
    with pytest.raises(ModelInputError, match="shape"):
        estimate_noise_matrix(noisy, P, confident_joint=np.eye(2))


def test_find_label_issues_finds_injected_flips(noisy_problem):
    _, y, noisy, P = noisy_problem
    truth = noisy != y
    baseline = find_label_issues(noisy, P, method="predicted_neq_given")
    base_precision = (baseline & truth).sum() / baseline.sum()
    for method in METHODS:
        mask = find_label_issues(noisy, P, method=method)
        assert mask.dtype == bool and mask.shape == truth.shape
        precision, recall = (mask & truth).sum() / mask.sum(), (mask & truth).sum() / truth.sum()
        assert precision > 0.6 and recall > 0.6, (method, precision, recall)
        if method != "predicted_neq_given":  # confident learning is more precise than argmax != label
            assert precision > base_precision, (method, precision, base_precision)


def test_ranked_indices_are_the_mask_ordered_by_quality(noisy_problem):
    _, _, noisy, P = noisy_problem
    mask = find_label_issues(noisy, P)
    for rank_by in ("self_confidence", "normalized_margin", "confidence_weighted_entropy"):
        idx = find_label_issues(noisy, P, return_indices_ranked_by=rank_by)
        assert sorted(idx.tolist()) == np.flatnonzero(mask).tolist()
        scores = label_quality_scores(noisy, P, method=rank_by)[idx]
        assert (np.diff(scores) >= 0).all()


def test_frac_noise_and_min_examples_per_class_shrink_the_flagged_set(noisy_problem):
    _, _, noisy, P = noisy_problem
    full = find_label_issues(noisy, P)
    half = find_label_issues(noisy, P, frac_noise=0.5)
    assert half.sum() < full.sum() and not (half & ~full).any()
    # a class with 3 rows, all given the wrong label: at least 2 must be kept
    y = np.array([0, 0, 0, 1, 1, 1, 1, 1, 1])
    P2 = np.tile([0.05, 0.95], (9, 1))
    P2[3:] = [0.1, 0.9]
    assert find_label_issues(y, P2, min_examples_per_class=2, method="prune_by_class")[:3].sum() <= 1


def test_issue_count_options_for_score_methods(noisy_problem):
    _, _, noisy, P = noisy_problem
    default = find_label_issues(noisy, P, method="self_confidence")
    assert default.sum() == find_label_issues(noisy, P, method="confident_learning").sum()
    calibrated = find_label_issues(noisy, P, method="self_confidence", issue_count="calibrated")
    assert calibrated.sum() >= default.sum() and not (default & ~calibrated).any()
    with pytest.raises(ModelInputError, match="issue_count"):
        find_label_issues(noisy, P, method="self_confidence", issue_count="all")


@pytest.mark.parametrize("method", METHODS)
def test_same_flags_as_cleanlab(noisy_problem, method):
    cleanlab_filter = pytest.importorskip("cleanlab.filter")
    _, _, noisy, P = noisy_problem
    theirs = {"self_confidence": "low_self_confidence", "normalized_margin": "low_normalized_margin"}.get(method, method)
    ours = find_label_issues(noisy, P, method=method)
    ref = cleanlab_filter.find_label_issues(noisy, P, filter_by=theirs, n_jobs=1)
    assert (ours == ref).all()


@pytest.mark.parametrize("seed, k", [(0, 2), (2, 5), (1, 3)])
def test_same_flags_as_cleanlab_with_its_options_and_ties(seed, k, make_gaussian_problem):
    """frac_noise, min_examples_per_class and tied fractions (54.5 rounds by float error) count as cleanlab's."""
    cleanlab_filter = pytest.importorskip("cleanlab.filter")
    from sklearn.linear_model import LogisticRegression

    from weaksup.quality import cross_val_predict_proba

    X, _, noisy = make_gaussian_problem(n=400, k=k, seed=seed, noise=0.2, sep=3.0)
    P = cross_val_predict_proba(LogisticRegression(), X, noisy, n_folds=5, seed=0)
    for kwargs in ({}, {"frac_noise": 0.5}, {"frac_noise": 0.3}, {"min_examples_per_class": 70}):
        for method in ("prune_by_noise_rate", "prune_by_class", "both"):
            ours = find_label_issues(noisy, P, method=method, **kwargs)
            ref = cleanlab_filter.find_label_issues(noisy, P, filter_by=method, n_jobs=1, **kwargs)
            assert (ours == ref).all(), (method, kwargs, int(ours.sum()), int(ref.sum()))


def test_scores_and_doc_example():
    assert find_label_issues(Y6, P6).tolist() == [False, False, True, False, False, False]
    s = label_quality_scores(Y6, P6, method="confidence_weighted_entropy")
    assert ((0 <= s) & (s <= 1)).all() and s.argmin() == 2


def test_dataframe_probs_align_series_labels_by_index():
    P = pd.DataFrame(P6, index=list("abcdef"))
    y = pd.Series(Y6, index=list("abcdef")).iloc[::-1]  # reversed order: aligned by id
    assert find_label_issues(y, P).tolist() == find_label_issues(Y6, P6).tolist()


@pytest.mark.parametrize("labels, probs, match", [
    ([0, 1], [[0.5, 0.5]], "entries"),
    ([0, 2], [[0.5, 0.5], [0.5, 0.5]], "2"),
    ([0, 1], [[0.5, 0.6], [0.5, 0.5]], "sum"),
])
def test_bad_inputs_raise_typed_errors(labels, probs, match):
    with pytest.raises(ModelInputError, match=match):
        find_label_issues(labels, probs)
    with pytest.raises(ModelInputError, match="method"):
        find_label_issues(Y6, P6, method="nope")
    with pytest.raises(ModelInputError, match="frac_noise"):
        find_label_issues(Y6, P6, frac_noise=0)


def test_health_summary_reports_the_noisy_class_and_pair():
    from weaksup.quality import health_summary

    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, 600)
    noisy = y.copy()
    cat_to_dog = np.flatnonzero(y == 0)[:60]  # 30% of true class 0 given label 1
    noisy[cat_to_dog] = 1
    P = np.full((600, 3), 0.05)
    P[np.arange(600), y] = 0.9
    s = health_summary(noisy, P, class_names=["cat", "dog", "fox"])
    assert s.n_examples == 600 and s.n_issues == 60
    assert s.overall_health == pytest.approx(0.9)
    worst = s.classes.iloc[0]
    assert worst["class"] == "dog" and worst["n_issues"] == 60
    assert worst["label_noise"] == pytest.approx(60 / (np.sum(noisy == 1)))
    assert s.confused_pairs.iloc[0][["given", "true", "n_examples"]].tolist() == ["dog", "cat", 60]
    assert s.to_frame().equals(s.classes)
    text = str(s)
    assert "overall label health: 0.900" in text and "dog" in text
    with pytest.raises(ModelInputError, match="class_names"):
        health_summary(noisy, P, class_names=["a", "b"])


# inputs as users hold them ------------------------------------------------------------------------------------
IDS6 = ["a", "b", "c", "d", "e", "f"]


def test_frame_inputs_come_back_as_series_with_their_ids():
    perm = [3, 0, 5, 2, 4, 1]
    P = pd.DataFrame(P6, index=IDS6).iloc[perm]
    mask = find_label_issues(pd.Series(Y6, index=IDS6), P)  # labels in another order: matched by id
    assert isinstance(mask, pd.Series) and mask.index.tolist() == P.index.tolist()
    assert mask[mask].index.tolist() == ["c"]
    scores = label_quality_scores(pd.Series(Y6, index=IDS6), P)
    assert scores.index.tolist() == P.index.tolist() and scores["c"] == pytest.approx(0.1)
    # a labels Series with an array: read in order, its ids name the rows
    by_labels = find_label_issues(pd.Series(Y6, index=IDS6), P6)
    assert by_labels[by_labels].index.tolist() == ["c"]
    plain_frame = find_label_issues(pd.Series(Y6, index=IDS6), pd.DataFrame(P6))  # a frame without ids
    assert plain_frame[plain_frame].index.tolist() == ["c"]
    assert isinstance(find_label_issues(Y6, P6), np.ndarray)  # arrays in, array out (as cleanlab)


def test_pred_probs_columns_named_by_class_are_read_by_name():
    flipped = pd.DataFrame(P6[:, ::-1], columns=[1, 0])  # column "1" first: was read as class 0
    assert find_label_issues(Y6, flipped).tolist() == find_label_issues(Y6, P6).tolist()
    assert confident_joint(Y6, flipped).tolist() == confident_joint(Y6, P6).tolist()


def test_pred_probs_that_are_not_numbers_get_a_typed_error():
    with pytest.raises(ModelInputError, match="column 't'"):
        find_label_issues(Y6, pd.DataFrame(P6).assign(t="x"))  # was a raw ValueError
    with pytest.raises(ModelInputError, match="probabilities"):
        find_label_issues([0, 1], [["a", "b"], ["c", "d"]])
    import scipy.sparse as sp

    assert find_label_issues(Y6, sp.csr_matrix(P6)).tolist() == find_label_issues(Y6, P6).tolist()


def test_a_given_confident_joint_must_hold_counts():
    for bad in ([[2, -1], [0, 3]], [[2, np.nan], [0, 3]]):
        with pytest.raises(ModelInputError, match=r"confident_joint\[0, 1\]"):
            find_label_issues(Y6, P6, confident_joint=np.array(bad))  # was silently nothing flagged
        with pytest.raises(ModelInputError, match=r"confident_joint\[0, 1\]"):
            estimate_noise_matrix(Y6, P6, confident_joint=bad)  # was a noise rate of -0.5
    with pytest.raises(ModelInputError, match="min_examples_per_class"):
        find_label_issues(Y6, P6, min_examples_per_class=-1)


def test_health_summary_takes_labels_as_class_names():
    from weaksup.quality import health_summary

    names = pd.Series(np.array(["ham", "spam"])[Y6], index=IDS6).iloc[::-1]
    s = health_summary(names, pd.DataFrame(P6, index=IDS6), class_names=["ham", "spam"])
    assert s.n_issues == health_summary(Y6, P6).n_issues == 1
    assert s.confused_pairs[["given", "true"]].values.tolist() == [["ham", "spam"]]
