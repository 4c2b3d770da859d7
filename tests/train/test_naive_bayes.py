"""The naive Bayes refinement of weak labels (weaksup.train.naive_bayes) and SelfTrainingClassifier(refine=...)."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.naive_bayes import MultinomialNB

import weaksup as ws
from weaksup.errors import ModelInputError
from weaksup.train import SelfTrainingClassifier, naive_bayes_refine


def keyword_pool(n, rng):
    """A WRENCH-hausa-like task: topic words per class, two accurate keyword LFs, one broad keyword LF whose
    pool holds every class, with the label model's diffuse posterior for it ([0.3, 0.3, 0.4])."""
    k, v = 3, 30
    y = rng.integers(0, k, n)
    X = np.zeros((n, k * v + 40 + 3))
    for i in range(n):
        X[i, y[i] * v + rng.choice(v, 5, replace=False)] = 1
        X[i, k * v + rng.choice(40, 4, replace=False)] = 1  # words every class uses
    kw0 = (y == 0) & (rng.random(n) < 0.25)
    kw1 = (y == 1) & (rng.random(n) < 0.25)
    pool = ~(kw0 | kw1) & (rng.random(n) < np.where(y == 2, 0.9, 0.75))
    X[:, -3], X[:, -2], X[:, -1] = kw0, kw1, pool  # the keywords are features too
    P = np.full((n, k), np.nan)
    P[kw0], P[kw1], P[pool] = [0.6, 0.2, 0.2], [0.2, 0.6, 0.2], [0.3, 0.3, 0.4]
    return sp.csr_matrix(X), y, P, kw0 | kw1 | pool


@pytest.fixture(scope="module")
def task():
    rng = np.random.default_rng(0)
    return keyword_pool(600, rng), keyword_pool(600, rng)


def test_default_learns_past_a_diffuse_keyword_pool(task):
    (X, y, P, cov), (Xt, yt, Pt, covt) = task
    lm = np.mean(Pt[covt].argmax(1) == yt[covt])
    old = SelfTrainingClassifier(refine="none").fit(X[cov], P[cov], X_unlabeled=X[~cov])
    new = SelfTrainingClassifier().fit(X[cov], P[cov], X_unlabeled=X[~cov])
    acc_old = np.mean(old.predict(Xt[covt]) == yt[covt])
    acc_new = np.mean(new.predict(Xt[covt]) == yt[covt])
    # a discriminative refit of the diffuse posterior only reproduces the label model ...
    assert acc_old <= lm + 0.02
    # ... the naive Bayes view reassigns the pool by its other words
    assert new.refine_temperature_ > 0
    assert acc_new >= lm + 0.2
    assert acc_new >= 0.9


def test_refined_labels_are_more_accurate_on_the_train_rows(task):
    (X, y, P, cov), _ = task
    refined, t = naive_bayes_refine(X[cov], P[cov])
    assert t > 0
    assert refined.shape == P[cov].shape
    np.testing.assert_allclose(refined.sum(axis=1), 1.0)
    assert np.mean(refined.argmax(1) == y[cov]) > np.mean(P[cov].argmax(1) == y[cov]) + 0.2


def test_one_step_matches_scikit_learn_multinomial_nb(task):
    """The naive Bayes view's likelihood is MultinomialNB's on feature presence, fitted on soft labels
    (each row once per class with weight q_ic), rows scaled by their number of present features."""
    (X, _, P, cov), _ = task
    Xc, Pc = X[cov], P[cov]
    refined, t = naive_bayes_refine(Xc, Pc, n_steps=1, min_df=1)
    n, k = Pc.shape
    B = (Xc > 0).astype(float)
    nb = MultinomialNB(alpha=1.0).fit(sp.vstack([B] * k), np.repeat(np.arange(k), n),
                                      sample_weight=Pc.T.ravel())
    nnz = np.diff(B.tocsr().indptr)
    ll = (B @ nb.feature_log_prob_.T) / nnz[:, None] * nnz.mean()
    z = np.log(Pc) + t * ll
    expected = np.exp(z - z.max(1, keepdims=True))
    np.testing.assert_allclose(refined, expected / expected.sum(1, keepdims=True), atol=1e-10)


def test_features_unrelated_to_the_labels_barely_move_them():
    """On noise features the chosen temperature is 0 or small (chance), and the weak labels stay nearly as given."""
    for seed in range(3):
        rng = np.random.default_rng(seed)
        X = sp.csr_matrix((rng.random((300, 50)) < 0.1).astype(float))
        P = rng.dirichlet(np.ones(3), size=300)
        refined, t = naive_bayes_refine(X, P)
        assert t <= 0.2
        assert np.abs(refined - P).max() < 0.1
        assert np.mean(refined.argmax(1) == P.argmax(1)) >= 0.95
        if t == 0.0:
            np.testing.assert_array_equal(refined, P)


def test_auto_leaves_dense_features_alone_and_naive_bayes_forces_it(task):
    (X, _, P, cov), _ = task
    dense = X[cov].toarray()
    auto = SelfTrainingClassifier().fit(dense, P[cov])
    none = SelfTrainingClassifier(refine="none").fit(dense, P[cov])
    assert auto.refine_temperature_ == 0.0
    np.testing.assert_allclose(auto.predict_proba(dense), none.predict_proba(dense))
    forced = SelfTrainingClassifier(refine="naive_bayes").fit(dense, P[cov])
    assert forced.refine_temperature_ > 0


def test_hard_labels_are_not_refined(task):
    (X, y, _, _), _ = task
    clf = SelfTrainingClassifier(max_iter=1).fit(X, y)
    assert clf.refine_temperature_ == 0.0


def test_bad_inputs_name_the_value():
    X = sp.csr_matrix(np.array([[1.0, 0.0], [0.0, -2.0], [1.0, 1.0]]))
    P = np.full((3, 2), 0.5)
    with pytest.raises(ModelInputError, match="row 1 .*-2"):
        naive_bayes_refine(X, P)
    with pytest.raises(ModelInputError, match="refine must be one of"):
        SelfTrainingClassifier(refine="nb").fit(abs(X), P)
    with pytest.raises(ModelInputError, match="n x k"):
        naive_bayes_refine(abs(X), np.full((2, 2), 0.5))


def test_exported():
    assert ws.train.naive_bayes_refine is naive_bayes_refine


@pytest.mark.parametrize("bad, match", [
    ("nan_probs", "probs row 0 holds a non-finite value"),
    ("negative_probs", "negative probability"),
    ("unnormalised_probs", "sums to"),
    ("short_weights", "sample_weight has shape"),
    ("nan_X", "X row 0 holds NaN"),
])
def test_refine_checks_its_inputs(bad, match):
    # was: NaN, negative or unnormalised probs came back as they went in (t = 0), a short sample_weight raised
    # a bare IndexError, and a NaN feature was read as an absent word
    rng = np.random.default_rng(0)
    X = (rng.random((30, 10)) < 0.3).astype(float)
    P = np.full((30, 2), 0.5)
    kwargs = {}
    if bad == "nan_probs":
        P[0, 0] = np.nan
    elif bad == "negative_probs":
        P[0] = [-0.2, 1.2]
    elif bad == "unnormalised_probs":
        P = P * 3
    elif bad == "short_weights":
        kwargs["sample_weight"] = np.ones(3)
    else:
        X[0, 0] = np.nan
    for features in (X, sp.csr_matrix(X)):
        with pytest.raises(ModelInputError, match=match):
            naive_bayes_refine(features, P, **kwargs)
