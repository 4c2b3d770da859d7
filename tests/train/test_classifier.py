import json

import numpy as np
import pytest
import scipy.sparse as sp

torch = pytest.importorskip("torch")

from weaksup.errors import ModelInputError, NotFittedError  # noqa: E402
from weaksup.train import SoftLabelClassifier  # noqa: E402


def _state(clf):
    return {k: v.detach().clone() for k, v in clf.module_.state_dict().items()}


def test_recovers_boundary_from_noisy_soft_labels(separable):
    X, y, probs = separable
    assert (probs.argmax(axis=1) == y).mean() < 0.9  # the labels really are noisy
    clf = SoftLabelClassifier(lr=0.1, max_epochs=60, batch_size=128).fit(X, probs)
    rng = np.random.default_rng(1)
    X_new = rng.normal(size=(2000, 2))
    X_new = X_new[np.abs(X_new.sum(axis=1)) > 0.3]  # fresh points, same margin as training
    assert clf.score(X_new, (X_new.sum(axis=1) > 0).astype(int)) > 0.95
    w = clf.module_.input.weight.detach().numpy()
    direction = w[1] - w[0]  # logit difference: class 1 vs class 0
    cos = direction @ np.array([1.0, 1.0]) / (np.linalg.norm(direction) * np.sqrt(2))
    assert cos > 0.98


def test_hard_labels_with_arbitrary_class_values(separable):
    X, y, _ = separable
    labels = np.where(y == 1, "spam", "ham")
    clf = SoftLabelClassifier(lr=0.05, max_epochs=50).fit(X, labels)
    assert clf.classes_.tolist() == ["ham", "spam"]
    assert set(clf.predict(X)) <= {"ham", "spam"}
    assert clf.score(X, labels) > 0.95
    proba = clf.predict_proba(X)
    assert proba.shape == (len(X), 2) and np.allclose(proba.sum(axis=1), 1)


def test_mlp_learns_nonlinear_boundary():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(400, 2))
    y = (np.linalg.norm(X, axis=1) < 0.6).astype(int)  # a disc: not linearly separable
    logreg = SoftLabelClassifier(lr=0.05, max_epochs=100).fit(X, y)
    mlp = SoftLabelClassifier(model="mlp", hidden_sizes=(32,), lr=0.02, max_epochs=200, batch_size=64).fit(X, y)
    assert mlp.score(X, y) > 0.9
    assert mlp.score(X, y) > logreg.score(X, y) + 0.1


@pytest.mark.parametrize("kind", ["dense", "sparse", "mlp"])
def test_same_seed_is_bitwise_deterministic(separable, kind):
    X, _, probs = separable
    params = dict(max_epochs=5, batch_size=32, random_state=7)
    if kind == "sparse":
        X = sp.csr_matrix(X)
    if kind == "mlp":
        params.update(model="mlp", hidden_sizes=(8,), dropout=0.3)
    a = _state(SoftLabelClassifier(**params).fit(X, probs))
    b = _state(SoftLabelClassifier(**params).fit(X, probs))
    c = _state(SoftLabelClassifier(**{**params, "random_state": 8}).fit(X, probs))
    assert all(torch.equal(a[k], b[k]) for k in a)
    assert not all(torch.equal(a[k], c[k]) for k in a)


def test_fit_does_not_touch_global_rng(separable):
    X, _, probs = separable
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    SoftLabelClassifier(model="mlp", hidden_sizes=(4,), dropout=0.5, max_epochs=2).fit(X, probs)
    assert torch.equal(torch.rand(3), expected)


def test_save_load_round_trip(tmp_path, separable):
    X, y, probs = separable
    clf = SoftLabelClassifier(model="mlp", hidden_sizes=(6, 5), max_epochs=3, class_weight={0: 1.0, 1: 2.0})
    clf.fit(X, probs, X_dev=X[:50], y_dev=y[:50])
    clf.save(tmp_path / "m")
    meta = json.loads((tmp_path / "m" / "model.json").read_text())
    assert meta["params"]["hidden_sizes"] == [6, 5]
    with np.load(tmp_path / "m" / "weights.npz", allow_pickle=False) as z:  # no pickled objects inside
        assert "classes_" in z.files
    back = SoftLabelClassifier.load(tmp_path / "m")
    assert back.get_params() == clf.get_params()
    assert np.array_equal(back.predict_proba(X), clf.predict_proba(X))
    assert back.n_epochs_ == clf.n_epochs_ and back.history_ == clf.history_
    assert back.best_dev_score_ == clf.best_dev_score_


def test_save_load_string_classes(tmp_path, separable):
    X, y, _ = separable
    clf = SoftLabelClassifier(max_epochs=2).fit(X, np.where(y == 1, "b", "a"))
    back = SoftLabelClassifier.load(clf.save(tmp_path / "s"))
    assert back.predict(X).tolist() == clf.predict(X).tolist()


def test_load_rejects_other_directories(tmp_path):
    (tmp_path / "model.json").write_text(json.dumps({"format": "something else"}))
    with pytest.raises(ModelInputError, match="does not hold"):
        SoftLabelClassifier.load(tmp_path)


def test_early_stopping_keeps_best_epoch(separable):
    X, y, probs = separable
    clf = SoftLabelClassifier(lr=0.5, max_epochs=200, patience=3, batch_size=16, dev_metric="loss")
    clf.fit(X[:200], probs[:200], X_dev=X[200:], y_dev=y[200:])
    assert clf.n_epochs_ < 200
    assert clf.n_epochs_ == clf.best_epoch_ + 1 + 3
    dev_scores = [h["dev_score"] for h in clf.history_]
    assert clf.best_dev_score_ == max(dev_scores) == dev_scores[clf.best_epoch_]
    # the kept weights are the best epoch's, not the last one's
    logp = clf.predict_log_proba(X[200:])
    assert np.mean(logp[np.arange(len(logp)), y[200:]]) == pytest.approx(clf.best_dev_score_, abs=1e-5)


def test_balanced_class_weight_raises_minority_recall():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(600, 2))
    y = (X[:, 0] + 0.8 * rng.normal(size=600) > 1.6).astype(int)  # ~7% positives, overlapping classes
    plain = SoftLabelClassifier(lr=0.05, max_epochs=60).fit(X, y)
    balanced = SoftLabelClassifier(lr=0.05, max_epochs=60, class_weight="balanced").fit(X, y)
    focal = SoftLabelClassifier(lr=0.05, max_epochs=60, class_weight="balanced", focal_gamma=2.0).fit(X, y)
    recall = [(m.predict(X)[y == 1] == 1).mean() for m in (plain, balanced, focal)]
    assert recall[1] > recall[0] + 0.2
    assert recall[2] > recall[0] + 0.2


def test_sample_weight_zero_rows_are_ignored(separable):
    X, y, _ = separable
    y_wrong = y.copy()
    y_wrong[:100] = 1 - y_wrong[:100]  # corrupt rows that get zero weight
    w = np.ones(len(y))
    w[:100] = 0
    clf = SoftLabelClassifier(lr=0.05, max_epochs=60).fit(X, y_wrong, sample_weight=w)
    assert clf.score(X, y) > 0.95


def test_torch_tensor_input(separable):
    X, y, probs = separable
    a = SoftLabelClassifier(max_epochs=5, random_state=1).fit(X.astype(np.float32), probs)
    b = SoftLabelClassifier(max_epochs=5, random_state=1).fit(torch.tensor(X, dtype=torch.float32), torch.tensor(probs))
    assert np.array_equal(a.predict_proba(X), b.predict_proba(torch.tensor(X, dtype=torch.float32)))


def test_sparse_input_is_never_densified(monkeypatch, separable):
    X, y, probs = separable
    Xs = sp.csr_matrix(np.hstack([X, np.zeros((len(X), 5000))]))
    dense_ref = SoftLabelClassifier(max_epochs=5, random_state=0).fit(Xs.toarray(), probs).predict_proba(Xs.toarray())

    def refuse(*args, **kwargs):
        raise AssertionError("sparse input was densified")

    for cls in (sp.csr_matrix, sp.coo_matrix, sp.csc_matrix, sp.csr_array, sp.coo_array):
        monkeypatch.setattr(cls, "toarray", refuse)
        monkeypatch.setattr(cls, "todense", refuse)
    monkeypatch.setattr(torch.Tensor, "to_dense", refuse)
    clf = SoftLabelClassifier(max_epochs=5, random_state=0).fit(Xs, probs, X_dev=Xs[:20], y_dev=y[:20])
    clf.max_epochs = 5
    sparse_proba = SoftLabelClassifier(max_epochs=5, random_state=0).fit(Xs, probs).predict_proba(Xs)
    assert np.allclose(sparse_proba, dense_ref, atol=1e-5)
    assert clf.predict_proba(Xs).shape == (len(X), 2)


def test_progress_bar_switch(capsys, separable):
    X, _, probs = separable
    SoftLabelClassifier(max_epochs=2, progress=True).fit(X, probs)
    assert "SoftLabelClassifier" in capsys.readouterr().err
    SoftLabelClassifier(max_epochs=2, progress=False).fit(X, probs)
    assert "SoftLabelClassifier" not in capsys.readouterr().err


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_cuda_matches_cpu(separable):
    X, y, probs = separable
    gpu = SoftLabelClassifier(max_epochs=20, device="cuda").fit(sp.csr_matrix(X), probs)
    cpu = SoftLabelClassifier(max_epochs=20).fit(sp.csr_matrix(X), probs)
    assert np.allclose(gpu.predict_proba(X), cpu.predict_proba(X), atol=1e-4)


# bad inputs ----------------------------------------------------------------------------------
def test_probability_rows_not_summing_to_one(separable):
    X, _, probs = separable
    bad = probs.copy()
    bad[3] = [0.5, 0.6]
    with pytest.raises(ModelInputError, match=r"row 3 sums to 1\.1"):
        SoftLabelClassifier().fit(X, bad)


def test_nan_in_probs_or_features(separable):
    X, _, probs = separable
    bad = probs.copy()
    bad[5, 0] = np.nan
    with pytest.raises(ModelInputError, match="row 5"):
        SoftLabelClassifier().fit(X, bad)
    Xbad = X.copy()
    Xbad[7, 1] = np.inf
    with pytest.raises(ModelInputError, match="X row 7"):
        SoftLabelClassifier().fit(Xbad, probs)
    Xs = sp.csr_matrix(X)
    Xs.data[Xs.indptr[9]] = np.nan
    with pytest.raises(ModelInputError, match="X row 9"):
        SoftLabelClassifier().fit(Xs, probs)


def test_wrong_number_of_classes(separable):
    X, y, probs = separable
    clf = SoftLabelClassifier(max_epochs=1)
    with pytest.raises(ModelInputError, match="y_dev has 3 class columns; the model has k = 2"):
        clf.fit(X, probs, X_dev=X[:3], y_dev=np.full((3, 3), 1 / 3))
    with pytest.raises(ModelInputError, match="y_dev row 1 holds label 4"):
        clf.fit(X, probs, X_dev=X[:3], y_dev=[0, 4, 1])
    clf.fit(X, probs)
    with pytest.raises(ModelInputError, match="k = 2"):
        clf.score(X[:2], np.full((2, 3), 1 / 3))


def test_mismatched_lengths(separable):
    X, _, probs = separable
    with pytest.raises(ModelInputError, match=f"X has {len(X) - 1} rows but y has {len(X)}"):
        SoftLabelClassifier().fit(X[:-1], probs)
    with pytest.raises(ModelInputError, match="sample_weight has shape"):
        SoftLabelClassifier().fit(X, probs, sample_weight=np.ones(3))
    with pytest.raises(ModelInputError, match="sample_weight row 2"):
        SoftLabelClassifier().fit(X, probs, sample_weight=np.r_[1, 1, -1, np.ones(len(X) - 3)])
    clf = SoftLabelClassifier(max_epochs=1).fit(X, probs)
    with pytest.raises(ModelInputError, match="X has 3 features, but SoftLabelClassifier is expecting 2"):
        clf.predict(np.zeros((2, 3)))


def test_bad_params_and_unfitted(separable):
    X, _, probs = separable
    with pytest.raises(ModelInputError, match="model must be one of"):
        SoftLabelClassifier(model="svm").fit(X, probs)
    with pytest.raises(ModelInputError, match="class_weight"):
        SoftLabelClassifier(class_weight=[1.0]).fit(X, probs)
    with pytest.raises(NotFittedError):
        SoftLabelClassifier().predict(X)


def test_n_threads_is_restored_and_validated():
    import torch

    from weaksup.errors import ModelInputError
    from weaksup.train import SoftLabelClassifier

    before = torch.get_num_threads()
    X = np.array([[0.0], [1.0], [2.0], [3.0]])
    clf = SoftLabelClassifier(max_epochs=3, n_threads=1).fit(X, [0, 0, 1, 1])
    assert clf.predict(X).shape == (4,)
    assert torch.get_num_threads() == before
    with pytest.raises(ModelInputError, match="n_threads"):
        SoftLabelClassifier(n_threads=0).fit(X, [0, 0, 1, 1])


# --- user inputs (QA round: each failed before its fix) --------------------------------------------------------
def _blobs(n=40):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, 3))
    y = (X[:, 0] > 0).astype(int)
    return X, y, np.eye(2)[y] * 0.8 + 0.1


def test_mixed_label_types_are_a_typed_error():
    # was: a bare TypeError from np.unique ('<' not supported between 'int' and 'str')
    X, _, _ = _blobs()
    with pytest.raises(ModelInputError, match="mixes label types.*row 1 holds 1"):
        SoftLabelClassifier(max_epochs=2).fit(X, np.array(["spam", 1] * 20, dtype=object))


def test_frames_with_reordered_row_ids_are_refused():
    # was: trained silently, each row on another row's soft label
    pd = pytest.importorskip("pandas")
    X, y, probs = _blobs()
    ids = [f"r{i}" for i in range(len(X))]
    Xf, Pf = pd.DataFrame(X, index=ids), pd.DataFrame(probs, index=ids)
    with pytest.raises(ModelInputError, match="same row ids in a different order.*'r0' in X and 'r39' in y"):
        SoftLabelClassifier(max_epochs=2).fit(Xf, Pf.iloc[::-1])
    with pytest.raises(ModelInputError, match="X_dev and y_dev"):
        SoftLabelClassifier(max_epochs=2).fit(Xf, Pf, X_dev=Xf, y_dev=pd.Series(y, index=ids).iloc[::-1])
    # the same ids, or one side with the default 0..n-1 index (a frame built from an array), still fit
    clf = SoftLabelClassifier(max_epochs=2).fit(Xf, Pf)
    SoftLabelClassifier(max_epochs=2).fit(Xf, pd.DataFrame(probs))
    with pytest.raises(ModelInputError, match="in a different order"):  # nor is a score computed misaligned
        clf.score(Xf, Pf.iloc[::-1])


def test_dataframe_targets_fit_without_warnings():
    # was: torch's "The given NumPy array is not writable" UserWarning on a DataFrame y, and a column-vector y
    # gave its DataConversionWarning twice
    import warnings

    pd = pytest.importorskip("pandas")
    from sklearn.exceptions import DataConversionWarning

    X, y, probs = _blobs()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        SoftLabelClassifier(max_epochs=2).fit(X, pd.DataFrame(probs))
    with pytest.warns(DataConversionWarning) as record:
        SoftLabelClassifier(max_epochs=2).fit(X, y[:, None])
    assert len([w for w in record if issubclass(w.category, DataConversionWarning)]) == 1


@pytest.mark.parametrize("seed", [np.random.default_rng(0), 1.5, "0", 2**70])
def test_unusable_random_state_is_a_typed_error(seed):
    # was: scikit-learn's / torch's bare ValueError from inside fit
    X, y, _ = _blobs()
    with pytest.raises(ModelInputError, match="random_state"):
        SoftLabelClassifier(max_epochs=2, random_state=seed).fit(X, y)


@pytest.mark.parametrize("bad", ["one_d", "empty", "strings"])
def test_malformed_X_is_a_model_input_error(bad):
    # was: scikit-learn's plain ValueError (still a ValueError, and its message is kept)
    X, y, _ = _blobs()
    Xb = {"one_d": X[:, 0], "empty": X[:0], "strings": np.full(X.shape, "a")}[bad]
    with pytest.raises(ModelInputError):
        SoftLabelClassifier(max_epochs=2).fit(Xb, y[: len(Xb)] if bad != "one_d" else y)


def test_load_of_a_missing_folder_is_missing_model_error(tmp_path):
    # was: a plain ModelInputError; label models raise MissingModelError (a FileNotFoundError too)
    from weaksup.errors import MissingModelError

    with pytest.raises(MissingModelError, match="does not exist"):
        SoftLabelClassifier.load(tmp_path / "nope")
    with pytest.raises(FileNotFoundError):
        SoftLabelClassifier.load(tmp_path / "nope")


def test_abstain_labels_next_to_class_zero_warn():
    # was: label_model.predict's -1 (ABSTAIN on ties) learned silently as a third class
    from weaksup.errors import WeaksupWarning

    X, y, _ = _blobs()
    y = np.where(np.arange(len(y)) < 5, -1, y)
    with pytest.warns(WeaksupWarning, match="-1 in 5 rows"):
        clf = SoftLabelClassifier(max_epochs=2).fit(X, y)
    assert clf.classes_.tolist() == [-1, 0, 1]  # still fitted as asked: -1/0/1 can be real classes


def test_binary_f1_dev_metric_on_three_classes_fails_before_training():
    # was: scikit-learn's ValueError ("Target is multiclass but average='binary'") after the first epoch
    X, _, _ = _blobs(60)
    y3 = np.arange(60) % 3
    with pytest.raises(ModelInputError, match="f1_macro"):
        SoftLabelClassifier(max_epochs=2, dev_metric="f1").fit(X, y3, X_dev=X, y_dev=y3)


def test_sample_weight_series_with_other_row_ids_is_refused():
    # was: weights applied by position to rows with other ids
    pd = pytest.importorskip("pandas")
    X, y, probs = _blobs()
    ids = [f"r{i}" for i in range(len(X))]
    weights = pd.Series(np.linspace(0.1, 1.0, len(X)), index=ids)
    with pytest.raises(ModelInputError, match="X and sample_weight hold the same row ids in a different order"):
        SoftLabelClassifier(max_epochs=2).fit(pd.DataFrame(X, index=ids), probs, sample_weight=weights.iloc[::-1])
    SoftLabelClassifier(max_epochs=2).fit(pd.DataFrame(X, index=ids), probs, sample_weight=weights)


def test_texts_as_X_point_to_a_vectorizer():
    with pytest.raises(ModelInputError, match="TfidfVectorizer"):
        SoftLabelClassifier(max_epochs=2).fit(["free money", "nice song"], [1, 0])


def test_a_refit_that_fails_its_checks_keeps_the_previous_model():
    # was: classes_ and n_features_in_ of the failed call were left on the old network: predictions named by the
    # new classes ('a'/'b' from a 0/1 model), or torch's bare RuntimeError on the new width
    X, y, _ = _blobs()
    clf = SoftLabelClassifier(max_epochs=2).fit(X, y)
    before = clf.predict_proba(X)
    with pytest.raises(ModelInputError):
        clf.fit(X[:, :2], np.where(y == 1, "a", "b"), sample_weight=-np.ones(len(y)))
    assert clf.classes_.tolist() == [0, 1] and clf.n_features_in_ == 3
    np.testing.assert_array_equal(clf.predict_proba(X), before)


def test_frames_with_other_ids_are_read_by_position_also_in_cross_validation():
    # X indexed by ids, y a Series built from an array: each fold slices y's 0..n-1 index, which then is no
    # longer the default one; rows are still matched by position, as in scikit-learn
    pd = pytest.importorskip("pandas")
    from sklearn.model_selection import KFold, cross_val_score

    X, y, _ = _blobs(60)
    Xf = pd.DataFrame(X, index=[f"id{i}" for i in range(60)])
    scores = cross_val_score(SoftLabelClassifier(max_epochs=2), Xf, pd.Series(y), error_score="raise",
                             cv=KFold(3, shuffle=True, random_state=0))
    assert np.isfinite(scores).all()
