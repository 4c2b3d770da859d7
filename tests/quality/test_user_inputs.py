"""The quality functions on inputs as users hold them: row ids, frames in another order, texts, NaN, mistakes.

Each test here failed (raw IndexError / ValueError / TypeError, or a silently wrong result) before the fix
it guards.
"""

import numpy as np
import pandas as pd
import pytest

from weaksup import LabelMatrix
from weaksup.errors import ModelInputError
from weaksup.models import MajorityVoter
from weaksup.quality import (
    add_gold,
    cross_val_predict_proba,
    find_weak_label_issues,
    fix_weak_labels,
    importance_sample,
    lf_error_contributions,
    random_sample,
    stratified_sample,
    suggest_labels,
    weighted_sample,
)

WORDS = (["free", "prize", "click", "win"], ["song", "love", "video", "great"])


def problem(n=120, seed=0):
    """Two classes of texts, two LFs (one 90 %, one 65 % right), string row ids in a shuffled order."""
    rng = np.random.default_rng(seed)
    y = np.r_[np.zeros(n // 2, int), np.ones(n - n // 2, int)]
    texts = [" ".join(rng.choice(WORDS[c], 4)) for c in y]
    votes = np.full((n, 2), -1)
    for j, acc in enumerate((0.9, 0.65)):
        fire = rng.random(n) < 0.8
        right = rng.random(n) < acc
        votes[fire, j] = np.where(right, y, 1 - y)[fire]
    ids = pd.Index([f"c{i:03d}" for i in rng.permutation(n)], name="comment_id")
    L = LabelMatrix.from_dense(votes, lf_names=["lf_good", "lf_bad"], index=ids)
    probs = MajorityVoter(cardinality=2).predict_proba(L)
    X = np.c_[y + rng.normal(0, 0.5, n), rng.normal(0, 1, n)]
    return L, probs, X, pd.Series(texts, index=ids, dtype="str"), y


def test_features_with_another_row_count_are_refused_not_misaligned():
    L, probs, X, _, _ = problem()
    with pytest.raises(ModelInputError, match="X has 115 rows but L has 120"):
        find_weak_label_issues(L, probs, X[:-5])  # was a raw IndexError
    with pytest.raises(ModelInputError, match="X has 125 rows but L has 120"):
        find_weak_label_issues(L, probs, np.r_[X, X[:5]])  # was silently judged on the first 120 rows


def test_default_estimator_names_texts_nan_and_shape():
    L, probs, X, texts, _ = problem()
    with pytest.raises(ModelInputError, match="vectorize texts first"):
        find_weak_label_issues(L, probs, texts)
    with pytest.raises(ModelInputError, match="column 'text'"):
        find_weak_label_issues(L, probs, texts.to_frame("text"))
    bad = X.copy()
    bad[7, 1] = np.nan
    with pytest.raises(ModelInputError, match=f"row '{L.index[7]}' holds nan"):
        find_weak_label_issues(L, probs, bad)
    with pytest.raises(ModelInputError, match="2-D"):
        find_weak_label_issues(L, probs, X[:, 0])


def test_a_text_pipeline_estimator_learns_from_the_soft_labels():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    L, probs, _, texts, y = problem()
    pipe = make_pipeline(TfidfVectorizer(), LogisticRegression(class_weight="balanced"))
    issues = find_weak_label_issues(L, probs, texts, estimator=pipe, seed=0)  # was: "pass weight_param"
    wrong = (probs.argmax(1) != y) & (np.diff(L.csr.indptr) > 0)
    hits = wrong[issues["position"].to_numpy()]
    assert len(issues) and hits.mean() > 2 * wrong.mean() and hits.sum() >= 0.5 * wrong.sum()
    assert list(issues.index) == list(L.index[issues["position"]])


def test_rows_named_by_id_in_exclude_and_in_blame():
    L, probs, X, _, _ = problem()
    issues = find_weak_label_issues(L, probs, X, seed=0)
    top = issues["position"].to_numpy()[:3]
    by_pos = find_weak_label_issues(L, probs, pred_probs=issues.pred_probs, exclude=top)
    by_id = find_weak_label_issues(L, probs, pred_probs=issues.pred_probs, exclude=list(L.index[top]))
    assert by_id.index.tolist() == by_pos.index.tolist() and not set(L.index[top]) & set(by_id.index)
    with pytest.raises(ModelInputError, match="row ids the label matrix does not have"):
        find_weak_label_issues(L, probs, pred_probs=issues.pred_probs, exclude=["nope"])
    mask = np.zeros(L.n_rows, bool)
    mask[issues["position"]] = True
    from_mask = lf_error_contributions(L, mask, probs)
    from_ids = lf_error_contributions(L, issues.index, probs)  # the result's own index: ids
    assert from_ids["n_backed_error"].to_dict() == from_mask["n_backed_error"].to_dict()
    with pytest.raises(ModelInputError, match="row positions"):
        lf_error_contributions(L, np.array([3.0, 5.5]), probs)  # was truncated to [3, 5]


def test_probs_frame_in_another_row_order_is_aligned_by_id():
    L, probs, X, _, _ = problem()
    ref = find_weak_label_issues(L, probs, X, seed=0)
    shuffled = pd.DataFrame(probs, index=L.index).sample(frac=1.0, random_state=1)
    got = find_weak_label_issues(L, shuffled, X, seed=0)
    assert got.index.tolist() == ref.index.tolist()
    np.testing.assert_allclose(got.error_probability, ref.error_probability)
    blame = lf_error_contributions(L, ref, shuffled)
    assert blame.equals(lf_error_contributions(L, ref, probs))


def test_probs_frame_built_from_an_array_is_read_in_row_order_when_the_ids_are_shuffled_numbers():
    """L from a frame shuffled without reset_index has ids 0..n-1 in another order; a probs frame built from the
    label model's array (a RangeIndex: no ids) is in L's row order. Reading it by id paired rows with others'."""
    L, probs, X, _, _ = problem()
    rng = np.random.default_rng(3)
    L = LabelMatrix.from_dense(np.asarray(L.csr.toarray(), dtype=int) - 1, lf_names=L.lf_names,
                               index=pd.Index(rng.permutation(L.n_rows)))
    ref = find_weak_label_issues(L, probs, X, seed=0)
    got = find_weak_label_issues(L, pd.DataFrame(probs), pd.DataFrame(X), seed=0)
    assert got.index.tolist() == ref.index.tolist()
    np.testing.assert_allclose(got.error_probability, ref.error_probability)


def test_votes_outside_the_probability_classes_name_the_lf_and_row():
    L, probs, X, _, _ = problem()
    dense = np.asarray(L.csr.toarray(), dtype=int) - 1
    dense[4, 1] = 2
    L3 = LabelMatrix.from_dense(dense, lf_names=L.lf_names, index=L.index)
    with pytest.raises(ModelInputError, match=f"LF 'lf_bad' votes 2 at row '{L.index[4]}'"):
        find_weak_label_issues(L3, probs, X)
    with pytest.raises(ModelInputError, match="votes 2"):
        lf_error_contributions(L3, [0], probs)


def test_expected_errors_sum_the_calibrated_error_probability():
    L, probs, X, _, _ = problem()
    issues = find_weak_label_issues(L, probs, X, seed=0)
    table = lf_error_contributions(L, issues, probs)
    weak = probs.argmax(1)
    dense = L.csr.toarray().astype(int) - 1
    for j, name in enumerate(L.lf_names):
        backed = (dense[:, j] == weak) & ~np.isnan(issues.error_probability)
        assert table.loc[name, "expected_errors"] == pytest.approx(issues.error_probability[backed].sum())


def test_all_rows_excluded_says_so():
    L, probs, X, _, _ = problem()
    issues = find_weak_label_issues(L, probs, X, seed=0, exclude=np.ones(L.n_rows, bool), warn=False)
    assert len(issues) == 0 and "is excluded" in issues.explanation


def test_add_gold_takes_labels_as_users_hold_them():
    P = np.array([[0.6, 0.4], [0.3, 0.7], [0.5, 0.5]])
    assert add_gold(P, [0, 2], [1.0, 0.0]).tolist() == [[0, 1], [0.3, 0.7], [1, 0]]  # was a raw IndexError
    assert add_gold(P, np.array([1]), ["0"]).tolist()[1] == [1.0, 0.0]
    assert add_gold(P, [0, 0], [1, 1])[0].tolist() == [0.0, 1.0]
    with pytest.raises(ModelInputError, match="row 0 is given two different gold labels"):
        add_gold(P, [0, 0], [1, 0])  # was: the last one won silently
    with pytest.raises(ModelInputError, match="integer row positions, got 'c001'"):
        add_gold(P, ["c001"], [1])  # was a raw ValueError
    with pytest.raises(ModelInputError, match="gold label 'spam' for row 1"):
        add_gold(P, [1], ["spam"])


def test_samplers_refuse_a_negative_size():
    with pytest.raises(ModelInputError, match="n must be a non-negative integer, got -1"):
        weighted_sample([1.0, 1.0, 1.0], -1, seed=0)  # was: 2 rows (argsort[:-1])
    for call in (lambda: random_sample(5, -1), lambda: importance_sample([1, 1], -2),
                 lambda: stratified_sample([0, 1, 1], -1)):
        with pytest.raises(ModelInputError, match="non-negative integer"):
            call()
    assert random_sample(10, 3.0, seed=0).tolist() == random_sample(10, 3, seed=0).tolist()
    with pytest.raises(ModelInputError, match="target must be finite"):
        importance_sample([1, 1], 3, target=[np.nan, 1.0])  # was: NaN weights


def test_suggest_labels_excludes_a_set_of_ids():
    L, probs, _, _, _ = problem()
    done = set(L.index[:100])
    picked = suggest_labels(L, probs, 10, exclude=done, seed=0)  # was a raw TypeError (unhashable set)
    assert not set(picked.ids) & done and len(picked.ids) == 10


def test_cross_validation_with_a_class_rarer_than_the_folds():
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(0)
    X = rng.normal(0, 1, (40, 2))
    y = np.r_[np.zeros(39, int), 1]  # the fold that tests the one class-1 row trains on class 0 alone
    P = cross_val_predict_proba(LogisticRegression(), X, y, n_folds=5, seed=0)  # was sklearn's ValueError
    assert P.shape == (40, 2) and np.allclose(P.sum(1), 1) and P[-1].tolist() == [1.0, 0.0]
    soft = np.eye(2)[y]
    assert cross_val_predict_proba(LogisticRegression(), X, soft, n_folds=5, seed=0).shape == (40, 2)


def test_frames_stay_positional_against_a_label_matrix_without_ids():
    L, probs, X, _, _ = problem()
    dense = L.csr.toarray().astype(int) - 1  # Snorkel's applier output: no ids
    order = np.random.default_rng(2).permutation(L.n_rows)
    frame = pd.DataFrame(X, index=order)  # a shuffled frame, never reset_index: its labels are not row ids
    ref = find_weak_label_issues(dense, probs, X, seed=0)
    got = find_weak_label_issues(dense, pd.DataFrame(probs, index=order), frame, seed=0)
    assert got["position"].tolist() == ref["position"].tolist()


def test_suggest_labels_lines_up_a_probs_frame_by_row_id():
    L, probs, _, texts, _ = problem()
    probs = probs * 0.98 + np.random.default_rng(3).random((L.n_rows, 1)) * [0.02, -0.02] + [0, 0.02]
    ref = suggest_labels(L, probs, 5, seed=0)
    shuffled = pd.DataFrame(probs, index=L.index).sample(frac=1.0, random_state=4)
    got = suggest_labels(L, shuffled, 5, seed=0, texts=texts.sample(frac=1.0, random_state=5), batch="diverse")
    assert got.ids.tolist() == suggest_labels(L, probs, 5, seed=0, texts=texts, batch="diverse").ids.tolist()
    assert suggest_labels(L, shuffled, 5, seed=0).ids.tolist() == ref.ids.tolist()


def test_results_concatenate_and_join_like_frames():
    L, probs, X, texts, _ = problem()
    a = find_weak_label_issues(L, probs, X, seed=0)
    b = find_weak_label_issues(L, probs, X, seed=1)
    both = pd.concat([a, b])  # two rounds: was a raw "truth value of an array is ambiguous" ValueError
    assert len(both) == len(a) + len(b) and both.stats is None
    ends = pd.concat([a.head(2), a.tail(2)])  # parts of one result keep what was measured
    assert ends.stats is a.stats and ends.posterior.shape == (L.n_rows, 2)
    shown = a.join(texts.rename("text"))
    assert shown["text"].tolist() == texts.loc[a.index].tolist() and shown.stats is a.stats


def test_dense_matrix_from_todense_is_taken_as_an_array():
    import scipy.sparse as sp

    L, probs, X, _, _ = problem()
    dense = sp.csr_matrix(X).todense()  # np.matrix: scikit-learn raised a TypeError
    got = find_weak_label_issues(L, probs, dense, seed=0)
    assert got["position"].tolist() == find_weak_label_issues(L, probs, X, seed=0)["position"].tolist()


def test_integer_row_ids_given_as_positions_get_a_hint():
    L = LabelMatrix.from_dense(np.array([[0, 1], [1, 1], [0, -1]]), index=pd.Index([1000, 1001, 1002]))
    P = np.array([[0.9, 0.1], [0.2, 0.8], [0.7, 0.3]])
    with pytest.raises(ModelInputError, match=r"row ids of L: pass them as a pandas Index"):
        lf_error_contributions(L, [1001], P)
    assert lf_error_contributions(L, pd.Index([1001]), P)["n_backed_error"].tolist() == [1, 1]


def test_a_boolean_mask_series_is_read_by_row_id():
    L, probs, X, _, _ = problem()
    issues = find_weak_label_issues(L, probs, X, seed=0)
    checked = pd.Series(False, index=L.index)
    checked.iloc[issues["position"].to_numpy()[:4]] = True
    shuffled = checked.sample(frac=1.0, random_state=0)
    again = find_weak_label_issues(L, probs, pred_probs=issues.pred_probs, exclude=shuffled)
    assert not set(checked.index[checked]) & set(again.index)
    picked = suggest_labels(L, probs, L.n_rows - 4, exclude=shuffled, seed=0)
    assert set(picked.ids) == set(checked.index[~checked])


def test_fix_weak_labels_follows_a_probs_frame_in_another_row_order():
    L, probs, X, _, _ = problem()
    issues = find_weak_label_issues(L, probs, X, seed=0, warn=False)
    assert len(issues)
    frame = pd.DataFrame(probs, index=L.index)
    perm = np.random.default_rng(1).permutation(L.n_rows)
    fix = fix_weak_labels(frame.iloc[perm], issues)
    ref = fix_weak_labels(probs, issues)
    # the same rows fixed, named by id: were the rows at the issues' positions of the shuffled frame
    assert sorted(frame.index[perm][fix.relabeled]) == sorted(L.index[ref.relabeled])
    assert sorted(frame.index[perm][fix.pruned]) == sorted(L.index[ref.pruned])
    assert np.allclose(fix.probs, ref.probs[perm]) and (fix.keep == ref.keep[perm]).all()


def test_fix_weak_labels_refuses_a_suggested_label_outside_the_classes():
    _, probs, _, _, _ = problem()
    issues = pd.DataFrame({"position": [3], "suggested_label": [5]})
    with pytest.raises(ModelInputError, match="suggested_label label 5"):
        fix_weak_labels(probs, issues, policy="relabel", soft=False)  # was a raw IndexError


def test_probs_frames_with_class_columns_in_another_order_are_read_by_class():
    L, probs, X, _, _ = problem()
    flipped = pd.DataFrame(probs[:, ::-1], index=L.index, columns=[1, 0])  # was read as column j = class j
    ref = find_weak_label_issues(L, probs, X, seed=0, warn=False)
    got = find_weak_label_issues(L, flipped, X, seed=0, warn=False)
    assert got.index.tolist() == ref.index.tolist()
    assert suggest_labels(L, flipped, 5).ids.tolist() == suggest_labels(L, probs, 5).ids.tolist()
    assert np.allclose(fix_weak_labels(flipped, ref).probs, fix_weak_labels(probs, ref).probs)


def test_add_gold_takes_row_ids_of_a_probs_frame():
    L, probs, _, _, _ = problem()
    frame = pd.DataFrame(probs, index=L.index)
    gold = pd.Series([1, 0], index=[L.index[7], L.index[2]])
    got = add_gold(frame, gold.index, gold)  # was "positions must be integer row positions"
    assert np.array_equal(got, add_gold(probs, [7, 2], [1, 0]))
    with pytest.raises(ModelInputError, match="row ids"):
        add_gold(frame, pd.Index(["nope"]), [1])
    with pytest.raises(ModelInputError, match="row positions"):
        add_gold(probs, gold.index, gold)  # an array has no ids: still refused, with the hint
