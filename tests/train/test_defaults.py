"""Issue 15: default end models must not drift to one class on soft labels as label models give them."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression

pytest.importorskip("torch")

from weaksup.errors import ModelInputError  # noqa: E402
from weaksup.train import SoftLabelClassifier, fit_soft, soft_class_weight  # noqa: E402


def _ngram_like(n, rng, vocab=3000, signal=40):
    """Sparse rows like 1-5-gram counts: 3 class words, 3 common words, 8 mostly unique n-grams."""
    y = rng.integers(0, 2, n)
    own = rng.integers(0, signal, (n, 3)) + y[:, None] * signal
    shared = rng.integers(0, 20, (n, 3)) + 2 * signal
    rare = rng.integers(0, vocab - 2 * signal - 20, (n, 8)) + 2 * signal + 20
    cols = np.hstack([own, shared, rare])
    rows = np.repeat(np.arange(n), cols.shape[1])
    X = sp.csr_matrix((np.ones(rows.size), (rows, cols.ravel())), shape=(n, vocab))
    X.sum_duplicates()
    return X, y


@pytest.fixture(scope="module")
def underconfident():
    """The label model is sure of class 1 (0.95) but not of class 0 (0.55): mean P(1) 0.7, argmax balanced."""
    rng = np.random.default_rng(0)
    X, y = _ngram_like(400, rng)
    X_test, y_test = _ngram_like(400, rng)
    q1 = np.where(y == 1, 0.95, 0.45)
    return X, np.column_stack([1 - q1, q1]), X_test, y_test


def test_default_classifier_does_not_drift(underconfident):
    X, probs, X_test, y_test = underconfident
    default = SoftLabelClassifier().fit(X, probs)
    assert default.score(X_test, y_test) > 0.95
    assert abs(default.predict(X_test).mean() - y_test.mean()) < 0.05
    # the previous defaults (unweighted, Adam) drift to the confident class
    old = SoftLabelClassifier(class_weight=None, optimizer="adam").fit(X, probs)
    assert old.predict(X_test).mean() > y_test.mean() + 0.25


@pytest.mark.parametrize("change", [{"class_weight": None}, {"optimizer": "adam"}])
def test_both_halves_of_the_fix_matter(underconfident, change):
    X, probs, X_test, y_test = underconfident
    assert SoftLabelClassifier(**change).fit(X, probs).score(X_test, y_test) < 0.9


def test_fit_soft_default_does_not_drift(underconfident):
    X, probs, X_test, y_test = underconfident
    auto = fit_soft(LogisticRegression(), X, probs)
    plain = fit_soft(LogisticRegression(), X, probs, class_weight=None)
    assert (auto.predict(X_test) == y_test).mean() > 0.95
    assert plain.predict(X_test).mean() > y_test.mean() + 0.3
    with pytest.raises(ModelInputError, match="class_weight"):
        fit_soft(LogisticRegression(), X, probs, class_weight="even")


def test_auto_weights_are_half_way_to_balanced():
    probs = np.array([[0.9, 0.1]] * 3 + [[0.2, 0.8]])
    mass = probs.sum(axis=0)
    auto, balanced = soft_class_weight("auto", probs), soft_class_weight("balanced", probs)
    assert np.allclose(balanced, mass.sum() / (2 * mass))
    # log-odds shift of auto is half that of balanced, and the weighted mass keeps its total
    assert np.isclose(np.log(auto[1] / auto[0]), 0.5 * np.log(balanced[1] / balanced[0]))
    assert np.isclose((auto * mass).sum(), mass.sum())
    assert soft_class_weight("auto", np.array([[1.0, 0.0], [1.0, 0.0]])).tolist()[1] == 0.0


def test_auto_leaves_hard_labels_unweighted():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(200, 3))
    y = (X[:, 0] > 0.8).astype(int)
    a = SoftLabelClassifier().fit(X, y).predict_proba(X)
    b = SoftLabelClassifier(class_weight=None).fit(X, y).predict_proba(X)
    assert np.array_equal(a, b)


def test_lbfgs_logreg_matches_sklearn_multinomial():
    """The default logistic regression optimises scikit-learn's objective (C=1, multinomial, unpenalised bias)."""
    rng = np.random.default_rng(1)
    X = rng.normal(size=(300, 4))
    y = np.argmax(X[:, :3] + 0.7 * rng.normal(size=(300, 3)), axis=1)
    ours = SoftLabelClassifier(max_epochs=200).fit(X, y)
    peer = LogisticRegression(C=1.0, tol=1e-8, max_iter=5000).fit(X, y)
    assert np.abs(ours.predict_proba(X) - peer.predict_proba(X)).max() < 2e-3
    assert (ours.predict(X) == peer.predict(X)).mean() == 1.0


def test_lbfgs_runs_to_convergence_on_sparse_ngrams():
    """A problem that needs more than one round of 20 L-BFGS iterations (many rare sparse features, weak penalty):
    the fit must not stop after the first round (it did: the first round's loss was compared with inf)."""
    import scipy.sparse as sp

    rng = np.random.default_rng(2)
    X = sp.random(400, 2000, density=0.01, format="csr", random_state=2, data_rvs=lambda n: rng.integers(1, 4, n))
    y = (np.asarray(X[:, :1000].sum(axis=1)).ravel() > np.asarray(X[:, 1000:].sum(axis=1)).ravel()).astype(int)
    ours = SoftLabelClassifier(C=100.0).fit(X, y)
    peer = LogisticRegression(C=100.0, tol=1e-10, max_iter=10000).fit(X, y)
    assert ours.n_epochs_ > 1
    assert np.abs(ours.predict_proba(X) - peer.predict_proba(X)).max() < 1e-2


def test_bootstrap_sampling_raises_minority_recall_and_is_seeded():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(600, 2))
    y = (X[:, 0] + 0.8 * rng.normal(size=600) > 1.6).astype(int)  # ~7% positives
    probs = np.column_stack([1 - y, y]) * 0.9 + 0.05
    plain = SoftLabelClassifier(class_weight=None).fit(X, probs)
    boot = SoftLabelClassifier(class_weight=None, sampling="bootstrap", max_epochs=5).fit(X, probs)
    recall = [(m.predict(X)[y == 1] == 1).mean() for m in (plain, boot)]
    assert recall[1] > recall[0] + 0.2
    again = SoftLabelClassifier(class_weight=None, sampling="bootstrap", max_epochs=5).fit(X, probs)
    assert np.array_equal(boot.predict_proba(X), again.predict_proba(X))
    with pytest.raises(ModelInputError, match="sampling"):
        SoftLabelClassifier(sampling="smote").fit(X, probs)


def test_bad_optimizer_and_C():
    X, y = np.eye(2), [0, 1]
    with pytest.raises(ModelInputError, match="optimizer"):
        SoftLabelClassifier(optimizer="sgd").fit(X, y)
    with pytest.raises(ModelInputError, match="C must be"):
        SoftLabelClassifier(C=0).fit(X, y)
