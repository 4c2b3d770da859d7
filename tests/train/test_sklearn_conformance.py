import numpy as np
import pytest
import scipy.sparse as sp

pytest.importorskip("torch")

from sklearn.base import clone  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.model_selection import GridSearchCV  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

from weaksup.train import SoftLabelClassifier  # noqa: E402

# Weighted rows and repeated rows give the same loss, but minibatch SGD visits them in a
# different order, so the fitted weights agree only approximately, not to 1e-7.
EXPECTED_FAILURES = {
    "check_sample_weight_equivalence_on_dense_data": "stochastic optimiser: equivalent in expectation only",
    "check_sample_weight_equivalence_on_sparse_data": "stochastic optimiser: equivalent in expectation only",
}


@parametrize_with_checks([SoftLabelClassifier(max_epochs=30, lr=0.1)], expected_failed_checks=lambda e: EXPECTED_FAILURES)
def test_sklearn_check_estimator(estimator, check):
    check(estimator)


def test_clone_and_params():
    clf = SoftLabelClassifier(model="mlp", hidden_sizes=(8, 4), class_weight="balanced", lr=0.05)
    twin = clone(clf)
    assert twin is not clf and twin.get_params() == clf.get_params()
    twin.set_params(lr=0.2, model="logreg")
    assert twin.lr == 0.2 and clf.lr == 0.05


TEXTS = ["check out my channel", "subscribe to my channel please", "free gift card at my website",
         "love this song", "great video", "this song is amazing", "visit my site for money", "so catchy"] * 5
HARD = np.array([1, 1, 1, 0, 0, 0, 1, 0] * 5)


def test_pipeline_with_tfidf_on_soft_labels():
    probs = np.column_stack([1 - HARD, HARD]) * 0.8 + 0.1
    pipe = make_pipeline(TfidfVectorizer(), SoftLabelClassifier(lr=0.1, max_epochs=50))
    pipe.fit(TEXTS, probs)
    assert pipe.score(TEXTS, HARD) == 1.0
    assert pipe.predict(["please subscribe to my channel", "what a song"]).tolist() == [1, 0]


def test_grid_search_with_hard_and_soft_labels():
    grid = {"C": [1e-6, 10.0], "max_epochs": [20]}
    pipe_x = TfidfVectorizer().fit_transform(TEXTS)
    assert sp.issparse(pipe_x)
    search = GridSearchCV(SoftLabelClassifier(), grid, cv=2).fit(pipe_x, HARD)
    assert search.best_params_["C"] == 10.0 and search.best_score_ == 1.0
    probs = np.column_stack([1 - HARD, HARD]) * 0.8 + 0.1
    soft_search = GridSearchCV(SoftLabelClassifier(), grid, cv=2).fit(pipe_x, probs)
    assert soft_search.best_params_["C"] == 10.0
    assert soft_search.best_estimator_.classes_.tolist() == [0, 1]
