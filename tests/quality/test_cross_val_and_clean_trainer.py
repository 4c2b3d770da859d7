import numpy as np
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier

from weaksup.errors import ModelInputError, NotFittedError
from weaksup.quality import CleanTrainer, cross_val_predict_proba

from .conftest import gaussian_problem


def test_out_of_fold_probabilities_never_see_their_own_label():
    # 1-nearest-neighbour memorises: in-sample it reproduces every (noisy) label, out of fold it cannot
    X, _, noisy = gaussian_problem(n=200, seed=1)
    flipped = np.flatnonzero(noisy != gaussian_problem(n=200, seed=1)[1])
    P = cross_val_predict_proba(KNeighborsClassifier(n_neighbors=1), X, noisy, n_folds=5, seed=0)
    assert P.shape == (200, 3)
    in_sample = KNeighborsClassifier(n_neighbors=1).fit(X, noisy).predict(X)
    assert (in_sample == noisy).all()
    assert (P[flipped].argmax(1) != noisy[flipped]).mean() > 0.8


def test_soft_labels_columns_in_class_order_and_seeded():
    X, y, _ = gaussian_problem(n=120, seed=2)
    soft = np.eye(3)[y] * 0.8 + 0.2 / 3
    P1 = cross_val_predict_proba(LogisticRegression(), X, soft, n_folds=3, seed=5)
    P2 = cross_val_predict_proba(LogisticRegression(), X, soft, n_folds=3, seed=5)
    np.testing.assert_array_equal(P1, P2)
    assert (P1.argmax(1) == y).mean() > 0.9
    # a class absent from the labels still gets its (zero) column when the cardinality says so
    P = cross_val_predict_proba(LogisticRegression(), X, np.minimum(y, 1), n_folds=3, cardinality=4)
    assert P.shape == (120, 4) and (P[:, 2:] == 0).all()


def test_cross_val_input_errors():
    X, y, _ = gaussian_problem(n=30)
    with pytest.raises(ModelInputError, match="30 rows but labels has 29"):
        cross_val_predict_proba(LogisticRegression(), X, y[:29])
    with pytest.raises(ModelInputError, match="n_folds"):
        cross_val_predict_proba(LogisticRegression(), X, y, n_folds=1)


def test_clean_trainer_drops_flips_and_beats_plain_training():
    X_all, y_all, noisy_all = gaussian_problem(n=800, seed=3, noise=0.25, sep=4.0)
    X, y, noisy = X_all[:400], y_all[:400], noisy_all[:400]
    X_test, y_test = X_all[400:], y_all[400:]  # clean labels for testing
    ct = CleanTrainer(LogisticRegression(), cv_folds=5, seed=0).fit(X, noisy)
    truth = noisy != y
    assert (ct.label_issues_ & truth).sum() / ct.label_issues_.sum() > 0.7
    assert ct.pred_probs_.shape == (400, 3) and list(ct.classes_) == [0, 1, 2]
    plain = LogisticRegression().fit(X, noisy)
    assert ct.score(X_test, y_test) >= plain.score(X_test, y_test)
    np.testing.assert_allclose(ct.predict_proba(X_test).sum(1), 1.0)
    # scikit-learn contract: clone keeps the parameters, fitted state is not shared
    twin = clone(ct)
    assert twin.get_params()["cv_folds"] == 5 and not hasattr(twin, "estimator_")
    with pytest.raises(NotFittedError):
        twin.predict(X_test)


def test_clean_trainer_with_given_pred_probs_and_kwargs():
    X, _, noisy = gaussian_problem(n=150, seed=4)
    P = cross_val_predict_proba(LogisticRegression(), X, noisy, seed=0)
    a = CleanTrainer(LogisticRegression(), find_issues_kwargs={"method": "both"}).fit(X, noisy, pred_probs=P)
    from weaksup.quality import find_label_issues

    np.testing.assert_array_equal(a.label_issues_, find_label_issues(noisy, P, method="both"))


def test_clean_trainer_with_soft_label_classifier():
    pytest.importorskip("torch")
    from weaksup.train import SoftLabelClassifier

    X, y, noisy = gaussian_problem(n=150, seed=6, noise=0.15)
    soft = np.eye(3)[noisy] * 0.9 + 0.1 / 3
    ct = CleanTrainer(SoftLabelClassifier(max_epochs=60, lr=0.1, random_state=0), cv_folds=3, seed=0).fit(X, soft)
    assert ct.label_issues_.sum() > 0
    assert (ct.label_issues_ & (noisy != y)).sum() / ct.label_issues_.sum() > 0.6
    assert ct.predict(X).shape == (150,)


# inputs as users hold them ------------------------------------------------------------------------------------
def _id_frame(n=60, seed=2):
    import pandas as pd

    X, y, noisy = gaussian_problem(n=n, k=2, seed=seed)
    ids = [f"r{i}" for i in range(n)]
    perm = np.random.default_rng(seed).permutation(n)
    return pd.DataFrame(X, index=ids), pd.Series(noisy, index=ids), perm


def test_labels_series_is_matched_to_a_shuffled_frame_by_id():
    Xdf, ys, perm = _id_frame()
    P = cross_val_predict_proba(LogisticRegression(), Xdf, ys, seed=0)
    P_shuffled = cross_val_predict_proba(LogisticRegression(), Xdf.iloc[perm], ys, seed=0)  # ys not shuffled
    # rows stay in X's order; each got its own label (was read in order: 'r0''s label went to another row)
    assert (P_shuffled.argmax(1) == ys.iloc[perm].to_numpy()).mean() > 0.8
    assert (P.argmax(1)[perm] == P_shuffled.argmax(1)).mean() > 0.8
    noisy = ys.copy()
    noisy.iloc[[0, 1]] = 1 - noisy.iloc[[0, 1]]
    ct = CleanTrainer(LogisticRegression(), seed=0).fit(Xdf.iloc[perm], noisy)
    flagged = set(Xdf.index[perm][ct.label_issues_])
    assert {"r0", "r1"} <= flagged


def test_bad_folds_estimator_and_one_class_get_typed_errors():
    X, _, noisy = gaussian_problem(n=40, k=2)
    with pytest.raises(ModelInputError, match="n_folds must be an integer"):
        cross_val_predict_proba(LogisticRegression(), X, noisy, n_folds=3.0)  # was scikit-learn's ValueError
    from sklearn.svm import LinearSVC

    with pytest.raises(ModelInputError, match="LinearSVC has no predict_proba"):
        cross_val_predict_proba(LinearSVC(), X, noisy)  # was a raw AttributeError after the first fold
    with pytest.raises(ModelInputError, match="every label is class 0"):
        CleanTrainer(LogisticRegression()).fit(X, np.zeros(40, int))  # was scikit-learn's solver error


def test_score_reads_labels_as_fit_does():
    X, y, noisy = gaussian_problem(n=60, k=2)
    ct = CleanTrainer(LogisticRegression(), seed=0).fit(X, noisy.astype(str))  # integer text: fit took it
    assert ct.score(X, y.astype(str)) == ct.score(X, y)  # was scikit-learn's "Mix of label input types"
