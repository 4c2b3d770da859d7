"""End models and metrics used the scikit-learn way: inputs as pandas users hand them over."""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from weaksup.errors import ModelInputError
from weaksup.train import (
    ConfidenceFilter,
    SelfTrainingClassifier,
    SoftLabelClassifier,
    confidence_mask,
    fit_soft,
    naive_bayes_refine,
    soft_accuracy_score,
    soft_brier_score,
    soft_log_loss,
)


def test_fit_soft_reads_probability_frame_columns_by_class_id(class_id_frame):
    X, y, P, shuffled = class_id_frame
    expected = fit_soft(LogisticRegression(), X, P).predict_proba(X)
    np.testing.assert_allclose(fit_soft(LogisticRegression(), X, shuffled).predict_proba(X), expected)


def test_soft_label_classifier_reads_probability_frame_columns_by_class_id(class_id_frame):
    X, y, P, shuffled = class_id_frame
    expected = SoftLabelClassifier(max_epochs=5).fit(X, P).predict_proba(X)
    np.testing.assert_allclose(SoftLabelClassifier(max_epochs=5).fit(X, shuffled).predict_proba(X), expected)


def test_self_training_reads_probability_frame_columns_by_class_id(class_id_frame):
    X, y, P, shuffled = class_id_frame
    expected = SelfTrainingClassifier(LogisticRegression()).fit(X, P).predict(X)
    np.testing.assert_array_equal(SelfTrainingClassifier(LogisticRegression()).fit(X, shuffled).predict(X), expected)


def test_soft_metrics_read_target_frame_columns_by_class_id(class_id_frame):
    X, y, P, shuffled = class_id_frame
    assert soft_accuracy_score(shuffled, y) == soft_accuracy_score(P, y) == 1.0
    assert soft_log_loss(shuffled, P) == pytest.approx(soft_log_loss(P, P))
    assert soft_brier_score(shuffled, P) == pytest.approx(soft_brier_score(P, P))


def test_confidence_tools_read_probability_frame_columns_by_class_id(class_id_frame):
    X, y, P, shuffled = class_id_frame
    P3 = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    frame3 = pd.DataFrame(P3[:, [2, 0, 1]], columns=[2, 0, 1])
    np.testing.assert_array_equal(confidence_mask(frame3, threshold=0.75), confidence_mask(P3, threshold=0.75))
    Xd = X[:30]
    y_dev = y[:30]
    kw = {"thresholds": [0.0], "estimator": LogisticRegression()}
    a = ConfidenceFilter(**kw).fit(X, P, Xd, y_dev).predict_proba(X)
    b = ConfidenceFilter(**kw).fit(X, shuffled, Xd, y_dev).predict_proba(X)
    np.testing.assert_allclose(b, a)


def test_naive_bayes_refine_reads_probability_frame_columns_by_class_id(class_id_frame):
    X, y, P, shuffled = class_id_frame
    counts = (np.abs(X) > 0.5).astype(float)
    refined, t = naive_bayes_refine(counts, P, min_df=1)
    refined_frame, t_frame = naive_bayes_refine(counts, shuffled, min_df=1)
    np.testing.assert_allclose(refined_frame, refined)
    assert t_frame == t


@pytest.mark.parametrize("estimator", [None, LogisticRegression()])
def test_self_training_sparse_tag_matches_what_fit_accepts(estimator):
    from sklearn.utils.estimator_checks import check_estimator_sparse_tag

    clf = SelfTrainingClassifier(estimator)
    check_estimator_sparse_tag(type(clf).__name__, clf)  # fitted on sparse X, but was tagged dense-only


def test_array_likes_without_len_fit_and_other_objects_are_a_typed_error(class_id_frame):
    X, y, P, _ = class_id_frame

    class OnlyArray:  # NumPy's array protocol and nothing else, as scikit-learn's _NotAnArray
        def __init__(self, a):
            self.a = a

        def __array__(self, dtype=None, copy=None):
            return self.a

    clf = SelfTrainingClassifier(random_state=0).fit(OnlyArray(X), P)
    assert clf.predict(X).shape == (60,)
    with pytest.raises(ModelInputError, match="got object"):
        SelfTrainingClassifier().fit(object(), P)
