"""Multi-label weak supervision: matrix, LFs, label model vs baselines, export, end model."""

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import f1_score

from weaksup.errors import InvalidLabelError, LabelingFunctionError, LabelMatrixError, UnsafeOutputError
from weaksup.multilabel import (
    MultiLabelApplier,
    MultiLabelLF,
    MultiLabelMajorityVoter,
    MultiLabelMatrix,
    MultiLabelModel,
    MultiLabelSoftClassifier,
    OneVsRestLabelModel,
    export_multilabel,
    load_multilabel,
    simulate_multilabel,
)


def test_matrix_from_sets_and_binary():
    M = MultiLabelMatrix.from_sets([[{"a", "b"}, None, {"c": 0}], [{"c"}, {"a"}, None]], ["a", "b", "c"],
                                   lf_names=["x", "y", "z"], index=["r1", "r2"])
    D = M.to_dense()
    assert D[0].tolist() == [[1, 1, -1], [-1, -1, -1], [-1, -1, 0]]
    assert M.binary("c").to_dense().tolist() == [[-1, -1, 0], [1, -1, -1]]
    assert list(M.binary("a").index) == ["r1", "r2"]
    full = MultiLabelMatrix.from_sets([[{"a"}]], ["a", "b"], others="absent")
    assert full.to_dense().tolist() == [[[1, 0]]]
    with pytest.raises(InvalidLabelError, match="'q'"):
        MultiLabelMatrix.from_sets([[{"q"}]], ["a"])
    with pytest.raises(LabelMatrixError, match="vote 2"):
        MultiLabelMatrix.from_dense(np.array([[[2]]]))


def test_applier_names_lf_and_row():
    df = pd.DataFrame({"t": ["goal", "vote", "x"]}, index=["a", "b", "c"])
    ok = MultiLabelLF("sport", lambda r: {"sports"} if "goal" in r.t else None)
    M = MultiLabelApplier([ok], ["sports", "politics"]).apply(df)
    assert M.to_dense()[:, 0, 0].tolist() == [1, -1, -1] and list(M.index) == ["a", "b", "c"]
    bad = MultiLabelLF("typo", lambda r: {"sprots"})
    with pytest.raises(InvalidLabelError, match="'typo'.*'a'.*sprots"):
        MultiLabelApplier([bad], ["sports"]).apply(df)
    boom = MultiLabelLF("boom", lambda r: 1 / 0)
    with pytest.raises(LabelingFunctionError, match="'boom'.*'a'"):
        MultiLabelApplier([boom], ["sports"]).apply(df)


def _f1(Y, P):
    return f1_score(Y, P, average="micro"), f1_score(Y, P, average="macro")


@pytest.mark.parametrize("seed,kw", [(0, {}), (1, {"lfs_per_label": 1})])
def test_beats_majority_vote_and_one_vs_rest(seed, kw):
    M, Y = simulate_multilabel(8000, seed=seed, **kw)
    ours = _f1(Y, MultiLabelModel().fit(M).predict(M))
    for baseline in (MultiLabelMajorityVoter(), OneVsRestLabelModel("AgreementModel"),
                     OneVsRestLabelModel("DawidSkene")):
        theirs = _f1(Y, baseline.fit(M).predict(M))
        assert ours[0] > theirs[0] + 0.01 and ours[1] > theirs[1] + 0.01, (type(baseline).__name__, ours, theirs)


def test_learns_correlations():
    M, Y = simulate_multilabel(6000, seed=2)
    model = MultiLabelModel().fit(M)
    W = model.coupling_
    # sub_t only occurs with topic_t: strong positive coupling; main topics exclude each other
    assert all(W[2 * t, 2 * t + 1] > 1.0 for t in range(3))
    assert W[0, 2] < 0 and W[2, 4] < 0
    independent = MultiLabelModel(correlations=False).fit(M)
    assert not independent.coupling_.any()
    assert _f1(Y, model.predict(M))[1] > _f1(Y, independent.predict(M))[1]


def test_save_load_and_export_roundtrip(tmp_path):
    M, _ = simulate_multilabel(1500, seed=0)
    M = MultiLabelMatrix(M.csr, M.lf_names, M.label_names, index=[f"0{i}" for i in range(M.n_rows)])
    model = MultiLabelModel(max_iter=20).fit(M)
    loaded = MultiLabelModel.load(model.save(tmp_path / "m"))
    P = model.predict_proba(M)
    np.testing.assert_allclose(loaded.predict_proba(M), P)
    for suffix in (".csv", ".jsonl", ".npz"):
        path = export_multilabel(tmp_path / f"y{suffix}", P, M.index, M.label_names)
        back = load_multilabel(path)
        assert list(back.index) == list(M.index) and list(back.columns) == M.label_names
        np.testing.assert_allclose(back.to_numpy(dtype=float), P)
    frame = model.predict_proba_frame(M)
    assert list(frame.index[:2]) == ["00", "01"]
    src = tmp_path / "data.csv"
    src.write_text("x\n")
    with pytest.raises(UnsafeOutputError):
        export_multilabel(src, P, M.index, M.label_names, inputs=[src])
    assert src.read_text() == "x\n"


def test_soft_end_model_learns_from_soft_labels():
    # features that carry the labels: the end model generalises past the LFs' coverage and noise
    rng = np.random.default_rng(0)
    M, Y = simulate_multilabel(3000, seed=0)
    X = Y + rng.normal(scale=0.3, size=Y.shape)
    Q = MultiLabelModel(max_iter=30).fit(M).predict_proba(M)
    _, Y_test = simulate_multilabel(1000, seed=9)
    X_test = Y_test + rng.normal(scale=0.3, size=Y_test.shape)
    clf = MultiLabelSoftClassifier(random_state=0).fit(X, Q)
    assert clf.predict_proba(X_test).shape == Y_test.shape
    label_model_f1 = f1_score(Y, (Q > 0.5).astype(int), average="macro")
    assert f1_score(Y_test, clf.predict(X_test), average="macro") > label_model_f1 + 0.05
    mlp = MultiLabelSoftClassifier(model="mlp", max_epochs=5, random_state=0).fit(X, Q)
    assert mlp.score(X_test, Y_test) > label_model_f1


def test_loading_a_model_whose_parameters_do_not_fit_is_a_typed_error(tmp_path):
    import json

    from weaksup.errors import ModelInputError
    from weaksup.multilabel import MultiLabelModel, simulate_multilabel

    M, _ = simulate_multilabel(200, seed=0)
    folder = MultiLabelModel().fit(M).save(tmp_path / "m")
    meta = json.loads((folder / "model.json").read_text())
    meta["params"]["no_such"] = 1
    (folder / "model.json").write_text(json.dumps(meta))
    with pytest.raises(ModelInputError, match="do not fit MultiLabelModel"):
        MultiLabelModel.load(folder)
