"""Multi-label inputs as users hold them and their mistakes: pandas 3 strings with missing cells, column names
that are not identifiers, LFs returning one label name, thresholds, bad options. Each test pins a defect."""

import numpy as np
import pandas as pd
import pytest

from weaksup.errors import InvalidLabelError, LabelingFunctionError, ModelInputError, WeaksupError
from weaksup.multilabel import (
    MultiLabelApplier,
    MultiLabelLF,
    MultiLabelMajorityVoter,
    MultiLabelModel,
    OneVsRestLabelModel,
    export_multilabel,
    load_multilabel,
    simulate_multilabel,
)

LABELS = ["sports", "politics"]


def test_missing_text_is_none_as_for_single_label_lfs():
    """README: a missing text cell is None for row-wise LFs (pandas' string dtype holds pd.NA there)."""
    df = pd.DataFrame({"text": pd.array(["a goal", None, "a vote"], dtype="string")}, index=["r1", "r2", "r3"])
    lf = MultiLabelLF("sport", lambda x: None if x.text is None else ({"sports"} if "goal" in x.text else set()))
    M = MultiLabelApplier([lf], LABELS).apply(df)
    assert M.to_dense()[:, 0].tolist() == [[1, -1], [-1, -1], [-1, -1]] and list(M.index) == ["r1", "r2", "r3"]
    naive = MultiLabelLF("naive", lambda x: {"sports"} if "goal" in x.text else None)
    with pytest.raises(LabelingFunctionError, match=r"'naive' failed on row 'r2'.*field 'text' is empty"):
        MultiLabelApplier([naive], LABELS).apply(df)


def test_rows_read_by_key_and_name_like_single_label_rows():
    df = pd.DataFrame({"my text": ["goal", "vote"], "n": [1, 2]}, index=["a", "b"])
    by_key = MultiLabelLF("k", lambda x: {"sports"} if x["my text"] == "goal" else {"politics"})
    by_id = MultiLabelLF("i", lambda x: {"politics"} if x.name == "b" else None)  # x.name: the row id
    D = MultiLabelApplier([by_key, by_id], LABELS).apply(df).to_dense()
    assert D.tolist() == [[[1, -1], [-1, -1]], [[-1, 1], [-1, 1]]]


def test_apply_needs_a_dataframe():
    lf = MultiLabelLF("k", lambda x: None)
    with pytest.raises(WeaksupError, match="DataFrame.*list"):
        MultiLabelApplier([lf], LABELS).apply([{"text": "goal"}])


def test_one_label_name_returned_as_a_string_gets_a_hint():
    lf = MultiLabelLF("one", lambda x: "sports")
    with pytest.raises(InvalidLabelError, match=r"'one'.*\{'sports'\}"):
        MultiLabelApplier([lf], LABELS).apply(pd.DataFrame({"text": ["x"]}))


@pytest.mark.parametrize("model", [MultiLabelModel, MultiLabelMajorityVoter, OneVsRestLabelModel])
def test_threshold_outside_zero_one_is_refused(model):
    M, _ = simulate_multilabel(300, seed=0)
    fitted = model().fit(M)
    assert fitted.predict(M, threshold=0.9).sum() <= fitted.predict(M).sum()
    for bad in (1.5, -0.1, np.nan, "0.5"):
        with pytest.raises(ModelInputError, match="threshold"):
            fitted.predict(M, threshold=bad)  # 1.5 gave all zeros without a word


def test_bad_options_are_typed_errors(tmp_path):
    with pytest.raises(WeaksupError, match="others"):
        MultiLabelLF("x", lambda r: None, others="none")
    with pytest.raises(WeaksupError, match="use one of"):
        export_multilabel(tmp_path / "y.txt", [[0.5, 0.5]], ["a"], LABELS)
    (tmp_path / "dir.csv").mkdir()
    with pytest.raises(WeaksupError, match="folder"):
        export_multilabel(tmp_path / "dir.csv", [[0.5, 0.5]], ["a"], LABELS)
    with pytest.raises(WeaksupError, match="threshold"):
        export_multilabel(tmp_path / "y.csv", [[0.5, 0.5]], ["a"], LABELS, threshold=2)
    with pytest.raises(ModelInputError, match=r"repeated: \['a'\]"):  # one prob_a column overwrote the other
        export_multilabel(tmp_path / "y.csv", [[0.9, 0.1]], ["r"], ["a", "a"])
    assert not (tmp_path / "y.csv").exists()


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".npz"])
def test_exported_ids_come_back_as_they_went_in(tmp_path, suffix):
    ids = pd.Index([3, 1, 2])
    P = np.array([[0.9, 0.1], [0.2, 0.7], [0.5, 0.5]])
    back = load_multilabel(export_multilabel(tmp_path / f"y{suffix}", P, ids, LABELS))
    assert back.index.tolist() == [3, 1, 2] and np.allclose(back.to_numpy(), P)


def test_no_labels_and_list_features():
    from weaksup.multilabel import MultiLabelMatrix, MultiLabelSoftClassifier

    M = MultiLabelMatrix.from_dense(np.zeros((3, 2, 0), int))
    for model in (MultiLabelModel, OneVsRestLabelModel):
        with pytest.raises(ModelInputError, match="no labels"):
            model().fit(M)
    rng = np.random.default_rng(0)
    X, Q = rng.normal(size=(50, 3)), rng.random((50, 2))
    clf = MultiLabelSoftClassifier().fit(X.tolist(), Q)  # a list of rows, as scikit-learn takes
    assert clf.predict(X[:3].tolist()).shape == (3, 2)
    with pytest.raises(ModelInputError, match="threshold"):
        clf.predict(X, threshold=2)


def test_from_sets_with_one_set_per_row_says_what_it_takes():
    from weaksup.errors import LabelMatrixError
    from weaksup.multilabel import MultiLabelMatrix

    with pytest.raises(LabelMatrixError, match="row 0.*one list per row with one entry per LF"):
        MultiLabelMatrix.from_sets([{"a"}, {"b"}], label_names=["a", "b"])
    assert MultiLabelMatrix.from_sets([[{"a"}], [{"b"}]], label_names=["a", "b"]).shape == (2, 1, 2)


@pytest.mark.parametrize("model", [MultiLabelModel, MultiLabelMajorityVoter, OneVsRestLabelModel])
def test_lfs_and_labels_in_another_order_are_matched_by_name(model):
    from weaksup.multilabel import MultiLabelMatrix

    M, _ = simulate_multilabel(400, seed=1)
    fitted = model().fit(M)
    D = M.to_dense()
    lf_order, label_order = np.arange(M.shape[1])[::-1], np.array([1, 0, 3, 2, 5, 4])
    shuffled = MultiLabelMatrix.from_dense(D[:, lf_order][:, :, label_order], [M.lf_names[j] for j in lf_order],
                                           [M.label_names[c] for c in label_order], index=M.index)
    expected = fitted.predict_proba_frame(M)
    got = fitted.predict_proba_frame(shuffled)
    assert list(got.columns) == list(expected.columns) and np.allclose(got.to_numpy(), expected.to_numpy())
    with pytest.raises(ModelInputError, match=r"missing \['keyword_topic_0_0'\]"):
        fitted.predict(MultiLabelMatrix(M.csr[:, 6:], M.lf_names[1:], M.label_names))


def test_a_probabilities_frame_is_exported_by_id_and_label_never_misaligned(tmp_path):
    P = pd.DataFrame({"prob_a": [0.1, 0.9], "prob_b": [0.2, 0.8]}, index=["x", "y"])
    back = load_multilabel(export_multilabel(tmp_path / "y.csv", P.iloc[::-1], ["x", "y"], ["a", "b"]))
    assert back.loc["x"].tolist() == [0.1, 0.2] and back.loc["y"].tolist() == [0.9, 0.8]
    back = load_multilabel(export_multilabel(tmp_path / "z.csv", P, ["x", "y"], ["b", "a"]))
    assert back.loc["x", "a"] == 0.1 and back.loc["x", "b"] == 0.2
    with pytest.raises(ModelInputError, match="index is not the row ids"):
        export_multilabel(tmp_path / "w.csv", P, ["x", "q"], ["a", "b"])
    with pytest.raises(ModelInputError, match="not the labels"):
        export_multilabel(tmp_path / "w.csv", P, ["x", "y"], ["a", "c"])
    assert not (tmp_path / "w.csv").exists()


def test_bad_rows_lf_names_and_label_names_are_typed_errors():
    from weaksup.errors import LabelMatrixError, ParameterError
    from weaksup.multilabel import MultiLabelMatrix

    M = MultiLabelMatrix.from_sets([[{"a"}, None], [None, {"b"}]], label_names=["a", "b"], index=["r1", "r2"])
    assert list(M.select_rows([True, False]).index) == ["r1"] and M.select_rows([]).n_rows == 0
    with pytest.raises(LabelMatrixError, match="row positions"):
        M.select_rows(["r2"])
    with pytest.raises(LabelMatrixError, match="out of range"):
        M.select_rows([5])
    with pytest.raises(LabelMatrixError, match="1 LF names for 2"):
        MultiLabelMatrix.from_sets([[{"a"}, None]], label_names=["a", "b"], lf_names=["x"])
    lf = MultiLabelLF("sport", lambda x: {"sports"})
    for bad, match in (([], "empty"), (["a", "a"], "repeated"), ("sports", "the string")):
        with pytest.raises(ParameterError, match=match):
            MultiLabelApplier([lf], bad)


def test_soft_classifier_leaves_torch_random_state_alone_and_checks_inputs_at_predict():
    import torch

    from weaksup.multilabel import MultiLabelSoftClassifier

    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3))
    Y = (X[:, :2] > 0).astype(int)
    torch.manual_seed(123)
    before = torch.get_rng_state()
    first = MultiLabelSoftClassifier(random_state=1).fit(X, Y)
    assert torch.equal(torch.get_rng_state(), before)  # fit used to reseed torch's global generator
    assert np.allclose(first.predict_proba(X), MultiLabelSoftClassifier(random_state=1).fit(X, Y).predict_proba(X))
    with pytest.raises(ModelInputError, match=r"NaN or infinite values \(row 1\)"):  # was "absent" everywhere
        first.predict(np.vstack([X[:1], np.full((1, 3), np.nan)]))
    with pytest.raises(ModelInputError, match="must hold numbers"):
        first.predict([["a", "b", "c"]])
    with pytest.raises(ModelInputError, match="no rows"):
        MultiLabelSoftClassifier().fit(np.zeros((0, 3)), np.zeros((0, 2)))
    with pytest.raises(ModelInputError, match="0/1 labels"):
        first.score(X, Y * 0.7)


@pytest.mark.parametrize("model", [MultiLabelModel, MultiLabelMajorityVoter, OneVsRestLabelModel])
def test_an_unnamed_dense_array_of_the_fitted_shape_predicts_like_the_matrix(model):
    M, _ = simulate_multilabel(300, seed=2)
    fitted = model().fit(M)
    assert np.allclose(fitted.predict_proba(M.to_dense()), fitted.predict_proba(M))
    assert list(fitted.predict_proba_frame(M.to_dense()).columns) == [f"prob_{c}" for c in M.label_names]
    with pytest.raises(ModelInputError, match="model was fitted on"):
        fitted.predict(M.to_dense()[:, 1:])


def test_one_vs_rest_with_a_parameter_its_base_does_not_take_is_a_typed_error():
    M, _ = simulate_multilabel(100, seed=0)
    with pytest.raises(ModelInputError, match="base_params.*AgreementModel"):
        OneVsRestLabelModel(base_params={"no_such": 1}).fit(M)


def test_exporting_probabilities_that_are_not_numbers_is_a_typed_error(tmp_path):
    with pytest.raises(ModelInputError, match="probs must be numbers"):
        export_multilabel(tmp_path / "y.csv", [["0.1", "x"]], ["r"], LABELS)
