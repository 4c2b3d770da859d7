"""Weak-label errors (issue 21): detection on real weak labels beside cleanlab, empty results explained,
LF blame against gold accuracy, relabel / prune / add-gold fixes."""

import warnings

import numpy as np
import pytest
from scipy.stats import spearmanr

from weaksup import LabelMatrix
from weaksup.errors import ModelInputError, WeaksupWarning
from weaksup.models import MajorityVoter
from weaksup.quality import (
    WeakLabelIssues,
    add_gold,
    find_weak_label_issues,
    fix_weak_labels,
    lf_error_contributions,
)


@pytest.fixture(scope="module")
def youtube(wrench_tfidf):
    """WRENCH youtube train: majority-vote weak labels (independent of the default label model's numbers)."""
    s, X = wrench_tfidf("youtube")
    probs = MajorityVoter(cardinality=2).predict_proba(s.L)
    with warnings.catch_warnings():
        warnings.simplefilter("error", WeaksupWarning)  # flagging something must not warn
        issues = find_weak_label_issues(s.L, probs, X, seed=0)
    return s, X, probs, issues


def prf(positions, wrong):
    flag = np.zeros(len(wrong), bool)
    flag[positions] = True
    tp = (flag & wrong).sum()
    p, r = tp / max(flag.sum(), 1), tp / wrong.sum()
    return p, r, 2 * p * r / max(p + r, 1e-12)


def test_finds_real_weak_label_errors_where_confident_learning_and_cleanlab_find_few(youtube):
    from cleanlab.filter import find_label_issues as cl_find_label_issues

    s, _, probs, issues = youtube
    covered = np.diff(s.L.csr.indptr) > 0
    wrong = (probs.argmax(1) != s.y) & covered
    assert isinstance(issues, WeakLabelIssues) and issues.explanation is None
    p, r, f1 = prf(issues["position"].to_numpy(), wrong)
    rate = wrong.sum() / covered.sum()  # 20% of the majority-vote weak labels are wrong
    # issue 21's target: recall >= 0.3 at precision >= twice the error rate (capped at 0.9)
    assert r >= 0.3 and p >= min(0.9, 2 * rate), (p, r, rate)  # measured 0.61 / 0.85 (C=1, 5 folds: 0.67 / 0.83)
    assert p > 0.6 and r > 0.7, (p, r)  # confident learning before issue 21: 0 flagged
    st = issues.stats  # the noise estimate and the precision rule, from the models alone
    assert st["estimated_error_rate"] == pytest.approx(st["n_disagree"] / st["n_judged"])
    assert abs(st["estimated_error_rate"] - rate) < 0.1, (st, rate)
    assert st["target_precision"] == pytest.approx(min(0.9, 2 * st["estimated_error_rate"]))
    assert st["n_flagged"] == len(issues) == max(st["n_recall_floor"], st["n_precision_prefix"])
    assert st["n_recall_floor"] <= st["n_disagree"]
    assert st["expected_precision"] >= st["target_precision"] or len(issues) == st["n_disagree"]
    # calibrated: over the judged rows the error probabilities sum to the estimated error count
    assert np.nansum(issues.error_probability) == pytest.approx(st["n_disagree"], rel=1e-4)
    assert covered[issues["position"]].all()
    # ranked most likely wrong first, probabilities in [0, 1] and stored for every judged row
    assert (np.diff(issues["error_probability"].to_numpy()) <= 0).all()
    assert np.isnan(issues.error_probability[~covered]).all() and not np.isnan(issues.error_probability[covered]).any()
    top = np.argsort(-np.nan_to_num(issues.error_probability, nan=-1))[:50]
    assert wrong[top].mean() > 0.9
    # the same weak labels and the same out-of-fold probabilities: cleanlab and plain confident learning
    cv = issues.pred_probs
    weak = probs.argmax(1)
    cl_mask = cl_find_label_issues(weak[covered], cv[covered], n_jobs=1)
    _, _, f1_cl = prf(np.flatnonzero(covered)[cl_mask], wrong)
    before = find_weak_label_issues(s.L, probs, pred_probs=np.nan_to_num(cv, nan=0.5), method="prune_by_noise_rate")
    _, _, f1_before = prf(before["position"].to_numpy(), wrong)
    assert f1 > f1_cl + 0.3 and f1 > f1_before + 0.3, (f1, f1_cl, f1_before)
    # suggestions, vote counts
    head = issues.iloc[:50]  # the rows a user hand-checks first get the right suggestion
    assert (head["suggested_label"].to_numpy() == s.y[head["position"]]).mean() > 0.9
    V = s.L.csr[issues["position"].to_numpy()].toarray() - 1
    assert (issues["n_votes"].to_numpy() == (V >= 0).sum(1)).all()
    assert (issues["n_agree"] + issues["n_conflict"] == issues["n_votes"]).all()


def test_flag_count_follows_the_estimated_noise_level(youtube):
    s, _, probs, issues = youtube
    covered = np.diff(s.L.csr.indptr) > 0
    wrong = (probs.argmax(1) != s.y) & covered
    st, pos = issues.stats, issues["position"].to_numpy()
    # beyond the rows the end model disagrees with, the precision rule flags more (measured 215 -> 436) ...
    assert st["n_flagged"] > 1.3 * st["n_disagree"], st
    extension = pos[st["n_disagree"]:]
    # ... and those extra rows are still richer in errors than a random covered row (measured 0.30 vs 0.21)
    assert wrong[extension].mean() > 1.3 * wrong[covered].mean()
    # no flagged row is less likely wrong than a random row, and the set meets its own expected precision
    assert (issues["error_probability"] >= st["estimated_error_rate"] - 1e-12).all()
    assert issues["error_probability"].mean() == pytest.approx(st["expected_precision"])
    assert st["expected_precision"] >= st["target_precision"]
    # a cleaner set (only the rows the majority vote gets right, plus a few wrong ones) gets a lower bar
    keep = covered & (~wrong | (np.cumsum(wrong) % 10 == 0))
    cleaner = find_weak_label_issues(s.L[np.flatnonzero(keep)], probs[keep],
                                     pred_probs=issues.pred_probs[keep], warn=False)
    assert cleaner.stats["target_precision"] < st["target_precision"] / 2, (cleaner.stats, st)


def test_calibrated_error_probability_keeps_the_ranking_and_sums_to_the_count():
    from weaksup.quality.weak_label_errors import calibrate_error_probability

    rng = np.random.default_rng(0)
    score = rng.uniform(0.05, 0.95, 500)
    for count in (5.0, 40.0, 300.0):
        p = calibrate_error_probability(score, count)
        assert p.sum() == pytest.approx(count, rel=1e-6)
        assert (np.diff(p[np.argsort(score)]) >= 0).all() and ((p > 0) & (p < 1)).all()
    assert (calibrate_error_probability(score, 0) == 0).all() and (calibrate_error_probability(score, 600) == 1).all()
    # an already calibrated score is left as it is
    assert np.allclose(calibrate_error_probability(score, score.sum()), score, atol=1e-6)


def test_lf_blame_rate_tracks_gold_lf_error_rate(youtube):
    s, _, probs, issues = youtube
    table = lf_error_contributions(s.L, issues, probs)
    V = s.L.csr.toarray().astype(int) - 1
    acc = np.array([(V[V[:, j] >= 0, j] == s.y[V[:, j] >= 0]).mean() for j in range(V.shape[1])])
    blame = table.reindex(s.L.lf_names)["blame_rate"].to_numpy()
    assert spearmanr(blame, 1 - acc)[0] >= 0.5
    assert (table["n_backed_error"].diff().dropna() <= 0).all()  # sorted by errors caused
    assert table["expected_errors"].sum() > 0 and table["estimated_accuracy"].between(0, 1).all()
    worst = s.L.lf_names[int(np.argmin(acc))]
    assert table.loc[worst, "blame_rate"] >= table["blame_rate"].median()


def test_nothing_flagged_is_explained_with_numbers():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 200)
    L = y[:, None].copy()
    probs = MajorityVoter(cardinality=2).predict_proba(L)
    # features that are the weak label itself: the cross-validated model reproduces it everywhere
    with pytest.warns(WeaksupWarning, match=r"agrees with the weak label on all 200"):
        out = find_weak_label_issues(L, probs, np.c_[y * 5.0], seed=0)
    assert len(out) == 0 and out.reason == "model_agrees" and "200" in out.explanation
    assert out.stats["n_disagree"] == 0
    # pure noise features: agreement no better than chance, so nothing flagged rather than noise flagged
    with pytest.warns(WeaksupWarning, match="too weak.*kappa"):
        out = find_weak_label_issues(L, probs, rng.normal(size=(200, 3)), seed=0)
    assert len(out) == 0 and out.reason == "features_too_weak" and out.stats["cv_kappa"] <= 0.05
    # too few rows per class, one class
    small = np.array([0, 0, 1, 1, 1, 1, 1])[:, None]
    with pytest.warns(WeaksupWarning, match=r"too few rows per class.*\[2, 5\]"):
        out = find_weak_label_issues(small, MajorityVoter(cardinality=2).predict_proba(small), np.ones((7, 1)))
    assert out.reason == "too_few_rows" and list(out.columns)[:2] == ["position", "weak_label"]
    one = np.zeros((30, 1), int)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = find_weak_label_issues(one, np.tile([1.0, 0.0], (30, 1)), np.ones((30, 1)), warn=False)
    assert out.reason == "one_class" and "30" in out.explanation


def test_exclude_and_result_keeps_its_attributes(youtube):
    s, X, probs, issues = youtube
    top = issues["position"].to_numpy()[:10]
    again = find_weak_label_issues(s.L, probs, pred_probs=issues.pred_probs, refined_pred_probs=issues.refined_pred_probs,
                                   exclude=top)
    assert not np.isin(top, again["position"]).any() and len(again) >= len(issues) - 10
    rest = issues["position"].to_numpy()[10:]  # the same ranking without the excluded rows
    assert np.array_equal(again["position"].to_numpy()[: len(rest) // 2], rest[: len(rest) // 2])
    head = issues.head(3)
    assert isinstance(head, WeakLabelIssues) and head.stats == issues.stats
    with pytest.raises(ModelInputError, match="exclude"):
        find_weak_label_issues(s.L, probs, pred_probs=issues.pred_probs, exclude=[10**6])
    with pytest.raises(ModelInputError, match="features X"):
        find_weak_label_issues(s.L, probs)
    with pytest.raises(ModelInputError, match="method"):
        find_weak_label_issues(s.L, probs, X, method="nope")


def test_relabel_prune_and_auto_policies(youtube):
    s, _, probs, issues = youtube
    pos = issues["position"].to_numpy()
    sug = issues["suggested_label"].to_numpy()
    relabel = fix_weak_labels(probs, issues, policy="relabel", soft=False)
    assert relabel.keep.all() and (relabel.probs[pos].argmax(1) == sug).all()
    assert np.array_equal(np.delete(relabel.probs, pos, 0), np.delete(probs, pos, 0))
    soft = fix_weak_labels(probs, issues, policy="relabel")
    assert np.allclose(soft.probs[pos], issues.posterior[pos])
    prune = fix_weak_labels(probs, issues, policy="prune")
    assert (~prune.keep).sum() == len(pos) and np.array_equal(prune.probs, probs) and not len(prune.relabeled)
    auto = fix_weak_labels(probs, issues, min_confidence=0.7)
    assert len(auto.relabeled) + len(auto.pruned) == len(pos)
    conf = issues.posterior[auto.relabeled, auto.probs[auto.relabeled].argmax(1)]
    assert (conf >= 0.7).all()
    # after relabelling, the weak labels are closer to gold
    covered = np.diff(s.L.csr.indptr) > 0
    assert (relabel.probs.argmax(1) == s.y)[covered].mean() > (probs.argmax(1) == s.y)[covered].mean() + 0.05
    with pytest.raises(ModelInputError, match="policy"):
        fix_weak_labels(probs, issues, policy="drop")


def test_add_gold_replaces_rows_and_names_bad_values():
    P = np.array([[0.6, 0.4], [0.3, 0.7], [0.5, 0.5]])
    out = add_gold(P, [2, 0], [1, 1])
    assert out.tolist() == [[0.0, 1.0], [0.3, 0.7], [0.0, 1.0]] and P[0, 0] == 0.6
    with pytest.raises(ModelInputError, match="gold label 2 for row 1"):
        add_gold(P, [0, 1], [0, 2])
    with pytest.raises(ModelInputError, match="position 5"):
        add_gold(P, [5], [0])
    with pytest.raises(ModelInputError, match="2 positions but 1 labels"):
        add_gold(P, [0, 1], [0])


def test_blame_from_a_mask_has_no_soft_columns_and_keeps_old_counts():
    Lw = LabelMatrix.from_dense(np.array([[1, 1, -1], [1, -1, 0], [0, 0, 0]]))
    probs = np.array([[0, 1.0], [0, 1.0], [1.0, 0]])
    t = lf_error_contributions(Lw, np.array([True, True, False]), probs)
    assert "blame_rate" not in t and t["n_backed_error"].tolist() == [2, 1, 0]
    post = np.array([[1.0, 0.0], [1.0, 0.0], [1.0, 0.0]])  # the posterior says every row is class 0
    t = lf_error_contributions(Lw, np.array([True, True, False]), probs, posterior=post)
    assert t.loc["lf_0", "blame_rate"] == pytest.approx(2 / 3) and t.loc["lf_2", "blame_rate"] == 0.0
    assert t.loc["lf_0", "expected_errors"] == 2.0


def test_a_very_noisy_set_gets_a_precise_flagged_set_not_one_row_per_estimated_error():
    # 45 % of the weak labels wrong (three LFs right half the time, three classes), informative features.
    # Flagging every row the end model disagrees with made the flagged set's precision about its recall
    # (measured before: 603 rows, P 0.83, R 0.93, below the 0.9 the issue asks for); the recall floor
    # flags the most precise prefix expected to hold 30 % of the estimated errors instead.
    rng = np.random.default_rng(0)
    n, k = 1200, 3
    y = rng.integers(0, k, n)
    X = np.eye(k)[y] * 2.0 + rng.normal(0, 1, (n, k))
    L = np.where(rng.random((n, 3)) < 0.5, y[:, None], (y[:, None] + rng.integers(1, k, (n, 3))) % k)
    probs = MajorityVoter(cardinality=k).predict_proba(L)
    issues = find_weak_label_issues(L, probs, X, seed=0)
    wrong = probs.argmax(1) != y
    p, r, _ = prf(issues["position"].to_numpy(), wrong)
    assert r >= 0.3 and p >= min(0.9, 2 * wrong.mean()), (p, r, wrong.mean())  # measured P 0.99, R 0.47
    st = issues.stats
    assert st["n_flagged"] == len(issues) == max(st["n_precision_prefix"], st["n_recall_floor"])
    assert st["n_recall_floor"] < st["n_disagree"] / 2  # measured 259 of 597
    # the floor holds 30 % of the estimated errors by its own error probabilities, and not one row more
    err = issues["error_probability"].to_numpy()[: st["n_recall_floor"]]
    assert err.sum() >= 0.3 * st["n_disagree"] > err[:-1].sum()
    # its expected precision is honest: conservative, not above the measured one
    assert st["target_precision"] > st["expected_precision"] > 0.5 and st["expected_precision"] <= p
