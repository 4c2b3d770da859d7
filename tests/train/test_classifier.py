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
