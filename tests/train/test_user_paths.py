"""End models on the inputs users hold: DataFrames, string labels, Pipelines on raw text, mistakes (QA of issue 15).

Each test is a defect found by using the public API as a scikit-learn user would; it failed before its fix.
"""

import tempfile

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline

pytest.importorskip("torch")

from weaksup.errors import ModelInputError  # noqa: E402
from weaksup.train import (  # noqa: E402
    ConfidenceFilter,
    SelfTrainingClassifier,
    SoftLabelClassifier,
    expected_calibration_error,
    make_soft_scorer,
    sentence_embeddings,
    soft_accuracy_score,
    soft_log_loss,
)


@pytest.fixture(scope="module")
def blobs():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(160, 3))
    y = (X[:, 0] > 0).astype(int)
    return X, y, np.eye(2)[y] * 0.8 + 0.1


TEXTS = ["check out my channel", "subscribe to my channel please", "free gift card at my website",
         "love this song", "great video", "this song is amazing", "visit my site for money", "so catchy"] * 6
HARD = np.array([1, 1, 1, 0, 0, 0, 1, 0] * 6)
NAMES = np.where(HARD == 1, "spam", "ham")


# --- soft scorers on hard labels that are not column indices -------------------------------------------------
@pytest.mark.parametrize("labels", [NAMES, HARD + 1], ids=["strings", "one-based"])
@pytest.mark.parametrize("name", ["neg_log_loss", "neg_brier_score", "neg_ece"])
def test_soft_scorers_find_the_column_of_named_classes(name, labels):
    # was: every candidate NaN (the scorer cast "spam" to int, or found label 2 outside k = 2)
    X = TfidfVectorizer().fit_transform(TEXTS)
    scorer = make_soft_scorer(name)
    ours = cross_val_score(SoftLabelClassifier(), X, labels, cv=3, scoring=scorer, error_score="raise")
    as_indices = cross_val_score(SoftLabelClassifier(), X, HARD, cv=3, scoring=scorer, error_score="raise")
    assert np.allclose(ours, as_indices)  # the same folds, the classes only renamed


def test_soft_log_loss_scorer_equals_sklearn_on_string_labels():
    X = TfidfVectorizer().fit_transform(TEXTS)
    search = GridSearchCV(LogisticRegression(), {"C": [0.1, 10.0]}, cv=3, scoring=make_soft_scorer("neg_log_loss"),
                          error_score="raise").fit(X, NAMES)
    sklearn = GridSearchCV(LogisticRegression(), {"C": [0.1, 10.0]}, cv=3, scoring="neg_log_loss").fit(X, NAMES)
    assert np.allclose(search.cv_results_["mean_test_score"], sklearn.cv_results_["mean_test_score"])


def test_metrics_name_the_row_instead_of_numpy_errors():
    P = np.array([[0.9, 0.1], [0.2, 0.8]])
    with pytest.raises(ModelInputError, match="row 0 holds label 'spam'.*pass labels="):
        soft_log_loss(np.array(["spam", "ham"]), P)  # was: ValueError invalid literal for int()
    with pytest.raises(ModelInputError, match="row 1 holds NaN"):
        soft_log_loss([0, 1], [[0.9, 0.1], [np.nan, 0.8]])  # was: nan, silently
    with pytest.raises(ModelInputError, match="y_pred row 0 holds class index 2"):
        soft_accuracy_score(P, [2, 1], expected=True)  # was: IndexError
    with pytest.raises(ModelInputError, match="y_pred row 1 holds label 'x', not one of the classes"):
        soft_accuracy_score(P, ["ham", "x"], labels=["ham", "spam"])  # was: KeyError
    with pytest.raises(ModelInputError, match="n_bins"):
        expected_calibration_error([0, 1], P, n_bins=0)  # was: a number from bin -1
    assert soft_log_loss(np.array(["spam", "ham"]), P, labels=["ham", "spam"]) == pytest.approx(soft_log_loss([1, 0], P))


# --- SoftLabelClassifier on DataFrames ----------------------------------------------------------------------
def test_dataframe_columns_in_another_order_are_refused(blobs):
    X, y, probs = blobs
    frame = pd.DataFrame(X, columns=["len", "n_links", "caps"])
    clf = SoftLabelClassifier().fit(frame, probs)
    assert clf.feature_names_in_.tolist() == ["len", "n_links", "caps"]
    assert clf.predict(frame[["len", "n_links", "caps"]]).tolist() == clf.predict(X).tolist()
    with pytest.raises(ModelInputError, match="same order"):  # was: predictions from swapped features
        clf.predict_proba(frame[["caps", "n_links", "len"]])
    with pytest.raises(ModelInputError, match="unseen at fit time:\n- n_urls"):
        clf.predict(frame.rename(columns={"n_links": "n_urls"}))
    with pytest.raises(ModelInputError, match="same order"):
        SoftLabelClassifier(max_epochs=2).fit(frame, probs, X_dev=frame[["caps", "n_links", "len"]], y_dev=y)
    # LogisticRegression refuses the same thing
    with pytest.raises(ValueError, match="same order"):
        LogisticRegression().fit(frame, y).predict(frame[["caps", "n_links", "len"]])
    path = clf.save(tempfile.mkdtemp())
    with pytest.raises(ModelInputError, match="same order"):
        SoftLabelClassifier.load(path).predict(frame[["caps", "n_links", "len"]])
    assert not hasattr(SoftLabelClassifier().fit(X, probs), "feature_names_in_")


def test_dev_length_mismatch_names_x_dev(blobs):
    X, y, probs = blobs
    with pytest.raises(ModelInputError, match="X_dev has 160 rows but y_dev has 5"):
        SoftLabelClassifier(max_epochs=2).fit(X, probs, X_dev=X, y_dev=y[:5])


# --- SelfTrainingClassifier ---------------------------------------------------------------------------------
def test_self_training_wraps_a_pipeline_on_raw_text():
    # was: ModelInputError "Pipeline.fit takes no sample_weight", with no way to pass weight_param through
    covered = np.arange(len(TEXTS)) % 3 != 0
    probs = np.eye(2)[HARD[covered]] * 0.8 + 0.1
    for final in (SoftLabelClassifier(), LogisticRegression()):
        pipe = make_pipeline(TfidfVectorizer(), final)
        st = SelfTrainingClassifier(pipe, max_iter=2).fit(np.array(TEXTS)[covered], probs,
                                                           X_unlabeled=np.array(TEXTS)[~covered])
        assert st.score(TEXTS, HARD) == 1.0
        assert st.n_iter_ >= 1
    flt = ConfidenceFilter(make_pipeline(TfidfVectorizer(), LogisticRegression()), thresholds=[0.0])
    assert flt.fit(TEXTS, np.eye(2)[HARD] * 0.8 + 0.1, TEXTS, HARD).score(TEXTS, HARD) == 1.0


def test_self_training_checks_unlabeled_features_and_dev_labels(blobs):
    X, y, probs = blobs
    with pytest.raises(ModelInputError, match="X_unlabeled has 2 features but X has 3"):  # was: numpy concat error
        SelfTrainingClassifier().fit(X, probs, X_unlabeled=X[:, :2])
    # was: dev labels outside the classes silently scored (searchsorted), so the kept round was arbitrary
    with pytest.raises(ModelInputError, match=r"y_dev row \d+ holds label [34], not one of the classes"):
        SelfTrainingClassifier().fit(X, probs, X_dev=X, y_dev=y + 3)
    with pytest.raises(ModelInputError, match="X_dev has 160 rows but y_dev has 5"):
        SelfTrainingClassifier().fit(X, probs, X_dev=X, y_dev=y[:5])


def test_self_training_score_counts_unknown_labels_wrong_like_sklearn(blobs):
    X, y, probs = blobs
    st = SelfTrainingClassifier(max_iter=1).fit(X, probs)
    gold = np.where(np.arange(len(y)) < 40, -1, y)  # -1: no gold label
    pred = st.predict(X)
    assert st.score(X, gold) == pytest.approx(np.mean(pred == gold))  # was: -1 read as class 0
    assert st.score(X, y + 1) == pytest.approx(np.mean(pred == y + 1))


def test_self_training_keeps_dataframe_columns_and_array_class_weight(blobs):
    X, y, probs = blobs
    frame = pd.DataFrame(X, columns=list("abc"))
    st = SelfTrainingClassifier(LogisticRegression(), max_iter=2).fit(frame[:80], probs[:80], X_unlabeled=frame[80:])
    assert st.estimator_.feature_names_in_.tolist() == ["a", "b", "c"]  # was: later rounds fitted on a bare array
    with pytest.raises(ModelInputError, match="columns"):
        SelfTrainingClassifier().fit(frame[:80], probs[:80], X_unlabeled=frame[80:][["c", "b", "a"]])
    # was: "truth value of an array is ambiguous" for a class_weight given as an array
    est = SoftLabelClassifier(class_weight=np.array([1.0, 2.0]))
    st = SelfTrainingClassifier(est, relabel="uncovered", max_iter=1).fit(X[:80], probs[:80], X_unlabeled=X[80:])
    assert st.n_iter_ == 1 and st.score(X, y) > 0.7  # class 1 weighs double, so the boundary moves


# --- sentence_embeddings ------------------------------------------------------------------------------------
class _LengthEncoder:
    def __init__(self, extra_rows=0):
        self.extra_rows = extra_rows

    def encode(self, texts, **kwargs):
        return np.array([[len(t), 1.0] for t in texts] + [[0.0, 1.0]] * self.extra_rows)


def test_sentence_embeddings_refuse_missing_texts_and_misaligned_output():
    texts = pd.Series(["free money", None, "nice song"], index=[10, 11, 12], dtype=object)
    with pytest.raises(ModelInputError, match="text row 11 is missing"):  # was: the text "None" embedded
        sentence_embeddings(texts, _LengthEncoder())
    with pytest.raises(ModelInputError, match="text row 1 is missing"):
        sentence_embeddings(pd.Series(["a", pd.NA], dtype="string"), _LengthEncoder())  # was: "<NA>"
    with pytest.raises(ModelInputError, match="one string"):  # was: one embedding per character
        sentence_embeddings("free money", _LengthEncoder())
    with pytest.raises(ModelInputError, match=r"shape \(3, 2\) for 2 texts"):  # was: reshaped into (2, 3)
        sentence_embeddings(["a", "b"], _LengthEncoder(extra_rows=1))
    with pytest.raises(ModelInputError, match="empty"):  # was: numpy reshape error
        sentence_embeddings([], _LengthEncoder())
    assert sentence_embeddings(pd.Series(["ab", "abcd"], dtype="str"), _LengthEncoder(), normalize=False).tolist() == [
        [2.0, 1.0], [4.0, 1.0]]


def test_mlp_width_as_one_int_like_sklearn_and_devices_checked(blobs):
    X, y, probs = blobs
    one = SoftLabelClassifier(model="mlp", hidden_sizes=16, max_epochs=3).fit(X, probs)  # was: TypeError
    tup = SoftLabelClassifier(model="mlp", hidden_sizes=(16,), max_epochs=3).fit(X, probs)
    assert np.array_equal(one.predict_proba(X), tup.predict_proba(X))
    assert np.allclose(SoftLabelClassifier.load(one.save(tempfile.mkdtemp())).predict_proba(X), one.predict_proba(X))
    with pytest.raises(ModelInputError, match="positive widths"):
        SoftLabelClassifier(model="mlp", hidden_sizes=(8.5,)).fit(X, probs)
    with pytest.raises(ModelInputError, match="not a torch device"):  # was: RuntimeError from torch
        SoftLabelClassifier(device="gpu").fit(X, probs)
    torch = pytest.importorskip("torch")
    if not torch.cuda.is_available():
        with pytest.raises(ModelInputError, match="no CUDA device"):
            SoftLabelClassifier(device="cuda").fit(X, probs)


@pytest.mark.parametrize("dtype", ["str", "string", object])
def test_missing_hard_labels_name_the_row(blobs, dtype):
    X, y, _ = blobs
    labels = pd.Series(np.where(y == 1, "spam", "ham"), dtype=object)
    labels[7] = None
    labels = labels.astype(dtype)
    for estimator in (SoftLabelClassifier(max_epochs=2), SelfTrainingClassifier(max_iter=1)):
        with pytest.raises(ModelInputError, match="y row 7 has no label"):  # was: TypeError from np.unique
            estimator.fit(X, labels)


def test_a_load_labels_frame_with_its_label_column_gets_a_hint(blobs, tmp_path):
    import weaksup as ws

    X, _, probs = blobs
    ws.export_labels(tmp_path / "labels.csv", probs, index=pd.RangeIndex(len(probs)), class_names=["HAM", "SPAM"])
    frame = ws.load_labels(tmp_path / "labels.csv")  # prob_HAM, prob_SPAM and label
    for fit in (lambda: SoftLabelClassifier().fit(X, frame), lambda: SelfTrainingClassifier().fit(X, frame),
                lambda: ws.fit_soft(LogisticRegression(), X, frame)):
        with pytest.raises(ModelInputError, match=r"columns \['prob_HAM', 'prob_SPAM', 'label'\].*filter"):
            fit()  # was: only "row 0 sums to 2, not 1"
    assert SoftLabelClassifier().fit(X, frame.filter(like="prob_")).score(X, probs) > 0.9


def test_an_edited_model_json_is_a_typed_error(blobs, tmp_path):
    import json

    X, _, probs = blobs
    clf = SoftLabelClassifier(model="mlp", hidden_sizes=(8,), max_epochs=2).fit(X, probs)
    edits = {"hidden_sizes": lambda meta: meta["params"].update(hidden_sizes=[4]),
             "n_features_in_": lambda meta: meta["attributes"].update(n_features_in_=5),
             "newer param": lambda meta: meta["params"].update(temperature=2.0)}
    for what, edit in edits.items():
        path = clf.save(tmp_path / what.replace(" ", "_"))
        meta = json.loads((path / "model.json").read_text())
        edit(meta)
        (path / "model.json").write_text(json.dumps(meta))
        with pytest.raises(ModelInputError, match="model.json"):  # was: RuntimeError / TypeError
            SoftLabelClassifier.load(path)


def test_report_macro_f1_is_sklearns_when_a_class_is_absent():
    from sklearn.metrics import f1_score

    from weaksup.train import probabilistic_report

    y = np.array([0, 0, 1, 1, 0])
    P = np.array([[0.7, 0.2, 0.1], [0.6, 0.3, 0.1], [0.2, 0.7, 0.1], [0.5, 0.4, 0.1], [0.8, 0.1, 0.1]])
    expected = f1_score(y, P.argmax(axis=1), average="macro")  # class 2: in neither gold nor predictions
    assert probabilistic_report(y, P)["f1_macro"] == pytest.approx(expected)  # was: 2/3 of it
