"""Soft-target metrics and scorers (issue 15): equal to scikit-learn's on hard labels, usable in model selection."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, log_loss
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

pytest.importorskip("torch")

from weaksup.errors import ModelInputError  # noqa: E402
from weaksup.train import (  # noqa: E402
    SoftLabelClassifier,
    expected_calibration_error,
    make_soft_scorer,
    probabilistic_report,
    soft_accuracy_score,
    soft_brier_score,
    soft_log_loss,
)


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(240, 3))
    p1 = 1 / (1 + np.exp(-3 * X[:, 0]))
    return X, np.column_stack([1 - p1, p1]), (p1 > 0.5).astype(int)


def test_equal_to_sklearn_on_hard_labels():
    rng = np.random.default_rng(1)
    P = rng.dirichlet([1, 1], size=50)
    y = rng.integers(0, 2, 50)
    assert soft_log_loss(y, P) == pytest.approx(log_loss(y, P))
    assert soft_brier_score(y, P) == pytest.approx(2 * brier_score_loss(y, P[:, 1]))  # multi-class form
    hard = np.eye(2)[y]
    assert soft_log_loss(hard, P) == pytest.approx(log_loss(y, P))
    assert soft_accuracy_score(y, P.argmax(axis=1)) == np.mean(y == P.argmax(axis=1))
    assert soft_accuracy_score(["a", "b"], ["a", "a"]) == 0.5


def test_soft_targets():
    Q = np.array([[0.7, 0.3], [0.2, 0.8]])
    P = np.array([[0.6, 0.4], [0.5, 0.5]])
    assert soft_log_loss(Q, P) == pytest.approx(-np.mean(np.sum(Q * np.log(P), axis=1)))
    assert soft_accuracy_score(Q, [0, 0]) == 0.5
    assert soft_accuracy_score(Q, [0, 0], expected=True) == pytest.approx((0.7 + 0.2) / 2)
    assert soft_accuracy_score(Q, ["x", "y"], labels=["x", "y"]) == 1.0


def test_ece_by_hand():
    # two bins: {0.9, 0.9} all right -> |0.9 - 1|; {0.6} wrong -> 0.6
    y = [0, 1, 1]
    P = [[0.9, 0.1], [0.1, 0.9], [0.6, 0.4]]
    assert expected_calibration_error(y, P, n_bins=10) == pytest.approx((2 * 0.1 + 0.6) / 3)
    perfect = probabilistic_report([0, 1], [[1.0, 0.0], [0.0, 1.0]])
    assert perfect["accuracy"] == 1.0 and perfect["ece"] == 0.0 and perfect["brier"] == 0.0


def test_errors_name_the_row():
    with pytest.raises(ModelInputError, match="row 1 holds label 5"):
        soft_brier_score([0, 5], [[1.0, 0.0], [0.0, 1.0]])
    with pytest.raises(ModelInputError, match="3 class columns"):
        soft_log_loss(np.full((2, 3), 1 / 3), [[1.0, 0.0], [0.0, 1.0]])
    with pytest.raises(ModelInputError, match="unknown soft scorer"):
        make_soft_scorer("auc")


def test_sklearn_accuracy_scoring_fails_on_soft_labels_and_ours_works(data):
    X, P, _ = data
    nan = GridSearchCV(SoftLabelClassifier(), {"C": [0.01, 10.0]}, scoring="accuracy", cv=3, error_score=np.nan)
    with pytest.warns(UserWarning):
        nan.fit(X, P)
    assert np.isnan(nan.cv_results_["mean_test_score"]).all()  # the symptom
    for name in ("accuracy", "expected_accuracy", "neg_log_loss", "neg_brier_score", "neg_ece"):
        search = GridSearchCV(SoftLabelClassifier(), {"C": [1e-4, 10.0]}, scoring=make_soft_scorer(name), cv=3,
                              error_score="raise").fit(X, P)
        assert np.isfinite(search.cv_results_["mean_test_score"]).all(), name
        if name != "neg_ece":
            assert search.best_params_["C"] == 10.0, name


def test_cross_val_score_with_pipeline_and_sklearn_estimator(data):
    X, P, y = data
    pipe = make_pipeline(StandardScaler(), SoftLabelClassifier())
    scores = cross_val_score(pipe, X, P, cv=4, scoring=make_soft_scorer("neg_log_loss"), error_score="raise")
    assert np.isfinite(scores).all() and (scores < 0).all()
    # the soft log loss of a model fitted on the soft labels is what scikit-learn's log loss says on the same folds
    hard = cross_val_score(LogisticRegression(), X, y, cv=4, scoring="neg_log_loss")
    ours = cross_val_score(LogisticRegression(), X, y, cv=4, scoring=make_soft_scorer("neg_log_loss"))
    assert np.allclose(hard, ours)


def test_report_method(data):
    X, P, y = data
    clf = SoftLabelClassifier().fit(X, P)
    report = clf.report(X, y)
    assert report["log_loss"] == pytest.approx(log_loss(y, clf.predict_proba(X)))
    assert report["accuracy"] == pytest.approx(clf.score(X, y))
    assert clf.report(X, P)["accuracy"] == pytest.approx(report["accuracy"])


@pytest.mark.parametrize("name", ["accuracy", "expected_accuracy", "neg_log_loss", "neg_brier_score", "neg_ece"])
def test_soft_scorers_on_an_estimator_without_an_unseen_class(name):
    # fit_soft leaves a class with no mass out of classes_ ([0, 2] of 3 columns). was: "accuracy" read class 2
    # as column 1 (a silently wrong score, 0.47 instead of 0.97), the probability scorers raised
    from weaksup.train import fit_soft

    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3))
    y = (X[:, 0] > 0).astype(int)
    P = np.column_stack([np.where(y == 0, 0.85, 0.15), np.zeros(60), np.where(y == 1, 0.85, 0.15)])
    model = fit_soft(LogisticRegression(), X, P)
    assert model.classes_.tolist() == [0, 2]
    full = np.zeros((60, 3))
    full[:, [0, 2]] = model.predict_proba(X)
    expected = {"accuracy": soft_accuracy_score(P, model.predict(X)),
                "expected_accuracy": soft_accuracy_score(P, model.predict(X), expected=True),
                "neg_log_loss": -soft_log_loss(P, full), "neg_brier_score": -soft_brier_score(P, full),
                "neg_ece": -expected_calibration_error(P, full)}[name]
    assert make_soft_scorer(name)(model, X, P) == pytest.approx(expected)
    if name == "accuracy":
        assert expected > 0.9


def test_metrics_refuse_what_is_not_a_probability_or_a_label():
    # was: logits or unnormalised scores gave a number that means nothing (log loss 0.07 for rows summing to 2),
    # predict_proba's output as y_pred a bare broadcasting ValueError, empty inputs NaN with RuntimeWarnings
    y = np.array([0, 1, 1])
    P = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]])
    for func in (soft_log_loss, soft_brier_score, expected_calibration_error, probabilistic_report):
        with pytest.raises(ModelInputError, match="row 0 is not a probability distribution"):
            func(y, P * 2)
        with pytest.raises(ModelInputError, match="empty"):
            func(np.zeros(0, dtype=int), np.zeros((0, 2)))
    with pytest.raises(ModelInputError, match="y_pred must be 1-D"):
        soft_accuracy_score(y, P)
    with pytest.raises(ModelInputError, match="empty"):
        soft_accuracy_score([], [])
    assert soft_log_loss(y, P[:, 1]) == pytest.approx(soft_log_loss(y, P))  # a positive-class column still works
