"""Data-quality tools given pandas inputs the way scikit-learn and cleanlab users pass them."""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from weaksup.errors import ModelInputError
from weaksup.quality import (
    CleanTrainer,
    class_weights,
    combine_views,
    cross_val_predict_proba,
    find_label_issues,
)


def test_cross_val_predict_proba_reads_soft_label_frame_columns_by_class_id(class_id_frame):
    X, y, P, shuffled = class_id_frame
    expected = cross_val_predict_proba(LogisticRegression(), X, P, n_folds=3)
    np.testing.assert_allclose(cross_val_predict_proba(LogisticRegression(), X, shuffled, n_folds=3), expected)


def test_clean_trainer_reads_soft_label_frame_columns_by_class_id(class_id_frame):
    X, y, P, shuffled = class_id_frame
    expected = CleanTrainer(LogisticRegression(), cv_folds=3).fit(X, P).predict_proba(X)
    np.testing.assert_allclose(CleanTrainer(LogisticRegression(), cv_folds=3).fit(X, shuffled).predict_proba(X),
                               expected)


def test_class_weights_reads_probability_frame_columns_by_class_id():
    P = np.array([[0.7, 0.2, 0.1], [0.6, 0.3, 0.1]])
    frame = pd.DataFrame(P[:, [2, 0, 1]], columns=[2, 0, 1])
    np.testing.assert_allclose(class_weights(frame), class_weights(P))


def test_combine_views_reads_probability_frame_columns_by_class_id(class_id_frame):
    X, y, P, shuffled = class_id_frame
    other = np.column_stack([0.8 - 0.6 * y, 0.2 + 0.6 * y])
    expected, w = combine_views(P, other)
    got, w2 = combine_views(shuffled, pd.DataFrame(other[:, ::-1], columns=[1, 0]))
    np.testing.assert_allclose(got, expected)
    assert w2 == pytest.approx(w)


def test_clean_trainer_sparse_tag_matches_what_fit_accepts():
    from sklearn.utils.estimator_checks import check_estimator_sparse_tag

    clf = CleanTrainer(LogisticRegression())
    check_estimator_sparse_tag(type(clf).__name__, clf)  # fitted on sparse X, but was tagged dense-only


def test_clean_trainer_sets_n_features_in(class_id_frame):
    from sklearn.utils.estimator_checks import check_n_features_in_after_fitting

    X, y, P, shuffled = class_id_frame
    assert CleanTrainer(LogisticRegression(), cv_folds=3).fit(X, y).n_features_in_ == 3
    check_n_features_in_after_fitting("CleanTrainer", CleanTrainer(LogisticRegression()))


@pytest.mark.parametrize("bad", [np.inf, -np.inf, 1e30])
def test_labels_beyond_any_class_id_are_a_typed_error(bad):
    labels = np.array([0.0, 1.0, bad, 1.0, 0.0, 1.0])
    probs = np.tile([[0.4, 0.6]], (6, 1))
    with pytest.raises(ModelInputError, match="row 2"):
        find_label_issues(labels, probs)
