import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from weaksup.errors import ModelInputError
from weaksup.train import ConfidenceFilter, SoftLabelClassifier, confidence_mask, select_confidence_threshold


@pytest.fixture
def confident_vs_noisy():
    """Confident labels are right; low-confidence labels are mostly wrong, so filtering them helps."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(600, 2))
    y = (X[:, 0] > 0).astype(int)
    noisy = rng.random(600) < 0.5
    hard = np.where(noisy & (rng.random(600) < 0.7), 1 - y, y)
    conf = np.where(noisy, 0.6, 0.95)
    probs = np.column_stack([np.where(hard == 0, conf, 1 - conf), np.where(hard == 1, conf, 1 - conf)])
    # L: confident rows have 3 votes, noisy ones a single vote
    L = np.full((600, 3), -1)
    L[:, 0] = hard
    L[~noisy, 1:] = hard[~noisy, None]
    X_dev = rng.normal(size=(200, 2))
    return X, probs, L, X_dev, (X_dev[:, 0] > 0).astype(int)


def test_mask():
    P = np.array([[0.5, 0.5], [0.2, 0.8], [0.9, 0.1]])
    assert confidence_mask(P, threshold=0.8).tolist() == [False, True, True]
    L = np.array([[-1, -1], [0, -1], [1, 1]])
    assert confidence_mask(L=L, threshold=2, criterion="coverage").tolist() == [False, False, True]
    with pytest.raises(ModelInputError, match="needs the label matrix"):
        confidence_mask(P, threshold=1, criterion="coverage")


@pytest.mark.parametrize("criterion,thresholds,best", [("confidence", [0.0, 0.9], 0.9), ("coverage", [1, 3], 3)])
def test_threshold_chosen_on_dev(confident_vs_noisy, criterion, thresholds, best):
    X, probs, L, X_dev, y_dev = confident_vs_noisy
    flt = ConfidenceFilter(LogisticRegression(), thresholds=thresholds, criterion=criterion)
    flt.fit(X, probs, X_dev, y_dev, L=L)
    assert flt.threshold_ == best
    assert flt.scores_[best] > flt.scores_[thresholds[0]]
    assert flt.n_kept_[thresholds[0]] == 600 and flt.mask_.sum() == flt.n_kept_[best] < 600
    assert flt.score(X_dev, y_dev) == pytest.approx(flt.scores_[best])


def test_functional_front_with_soft_label_classifier(confident_vs_noisy):
    X, probs, _, X_dev, y_dev = confident_vs_noisy
    t, scores, model = select_confidence_threshold(
        SoftLabelClassifier(lr=0.05, max_epochs=30), X, probs, X_dev, y_dev, thresholds=[0.0, 0.9]
    )
    assert t == 0.9 and set(scores) == {0.0, 0.9}
    assert isinstance(model, SoftLabelClassifier) and model.score(X_dev, y_dev) == pytest.approx(scores[0.9])


def test_thresholds_that_leave_one_class_are_skipped():
    X = np.arange(10.0)[:, None]
    P = np.column_stack([np.r_[np.full(5, 0.99), np.full(5, 0.3)], np.r_[np.full(5, 0.01), np.full(5, 0.7)]])
    flt = ConfidenceFilter(LogisticRegression(), thresholds=[0.0, 0.9]).fit(X, P, X, [0] * 5 + [1] * 5)
    assert np.isnan(flt.scores_[0.9]) and flt.threshold_ == 0.0
    with pytest.raises(ModelInputError, match="no threshold"):
        ConfidenceFilter(LogisticRegression(), thresholds=[0.9]).fit(X, P, X, [0] * 5 + [1] * 5)


def test_filter_unlabeled_keeps_sparse_features_sparse_and_aligned():
    import scipy.sparse as sp

    from weaksup import filter_unlabeled

    X = sp.csr_matrix(np.arange(12, dtype=float).reshape(4, 3))
    probs = np.array([[0.5, 0.5], [0.9, 0.1], [0.5, 0.5], [0.2, 0.8]])
    L = np.array([[-1, -1], [0, -1], [-1, -1], [1, 1]])
    X_kept, p_kept = filter_unlabeled(X, probs, L)
    assert sp.issparse(X_kept)
    np.testing.assert_array_equal(X_kept.toarray(), X.toarray()[[1, 3]])
    np.testing.assert_array_equal(p_kept, probs[[1, 3]])


def test_filter_and_mask_check_their_arguments():
    # was: a bare TypeError for a string threshold or a scalar thresholds=, and fit_on_probs(hard=True)
    # took the argmax of NaN rows without a word
    from weaksup.train import fit_on_probs

    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2))
    y = (X[:, 0] > 0).astype(int)
    P = np.eye(2)[y] * 0.8 + 0.1
    with pytest.raises(ModelInputError, match="threshold must be a number"):
        confidence_mask(P, threshold="0.8")
    with pytest.raises(ModelInputError, match="thresholds must be a sequence"):
        ConfidenceFilter(LogisticRegression(), thresholds=0.5).fit(X, P, X, y)
    with pytest.raises(ModelInputError, match="threshold must be a number"):
        ConfidenceFilter(LogisticRegression(), thresholds=[0.0, float("nan")]).fit(X, P, X, y)
    P_nan = P.copy()
    P_nan[3, 0] = np.nan
    with pytest.raises(ModelInputError, match="row 3"):
        fit_on_probs(LogisticRegression(), X, P_nan, hard=True)


def test_filter_scores_probabilistic_targets():
    # was: scikit-learn's ValueError (continuous-multioutput targets); the end models' score takes them
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2))
    y = (X[:, 0] > 0).astype(int)
    P = np.eye(2)[y] * 0.8 + 0.1
    flt = ConfidenceFilter(LogisticRegression(), thresholds=[0.0]).fit(X, P, X, y)
    assert flt.score(X, P) == flt.score(X, y)


def test_filter_refuses_reordered_row_ids():
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2))
    y = (X[:, 0] > 0).astype(int)
    ids = [f"r{i}" for i in range(40)]
    P = pd.DataFrame(np.eye(2)[y] * 0.8 + 0.1, index=ids)
    with pytest.raises(ModelInputError, match="in a different order"):
        ConfidenceFilter(LogisticRegression(), thresholds=[0.0]).fit(pd.DataFrame(X, index=ids), P.iloc[::-1], X, y)
