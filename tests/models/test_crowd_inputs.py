"""Crowd annotations and aggregators on the inputs crowd-kit, pandas and scikit-learn users hold.

Each test is a defect found by trying such inputs: a long table passed where a label matrix is due,
labels that wrap around int64, columns named twice, annotator ids that collide as names, messages
that showed codes instead of the user's labels, ids whose dtype was lost on the way back.
"""

import re
import warnings

import numpy as np
import pandas as pd
import pytest

import weaksup as ws
from weaksup.errors import LabelMatrixError, ModelInputError, ParameterError, WeaksupWarning
from weaksup.models.crowd import (
    GLAD,
    KOS,
    MACE,
    MMSR,
    CrowdDawidSkene,
    OneCoinDawidSkene,
    Wawa,
    ZeroBasedSkill,
    annotation_table,
)

ALL = [CrowdDawidSkene, OneCoinDawidSkene, GLAD, MACE, Wawa, ZeroBasedSkill, MMSR, KOS]
TABLE = pd.DataFrame({"task": ["t1", "t1", "t2", "t2", "t3"], "worker": ["w1", "w2", "w1", "w2", "w1"],
                      "label": [0, 1, 1, 1, 0]})


def build(df, **kw):
    return ws.LabelMatrix.from_annotations(df, item="task", annotator="worker", **kw)


# a crowd-kit table given to fit ------------------------------------------------------------------
@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_a_long_table_given_to_fit_is_refused_not_read_as_three_lfs(cls):
    """crowd-kit's aggregators take ``fit(df)`` with task / worker / label columns; with integer ids
    that frame used to be fitted as a matrix of three LFs named 'task', 'worker' and 'label'."""
    ints = pd.DataFrame({"task": [0, 0, 1, 1, 2], "worker": [0, 1, 0, 1, 0], "label": [0, 1, 1, 1, 0]})
    for df in (ints, TABLE, TABLE.rename(columns={"task": "item", "worker": "annotator"})):
        with pytest.raises(ModelInputError, match=r"not a long table of annotations.*LabelMatrix.from_annotations"):
            cls().fit(df)
    model = cls().fit(build(TABLE.assign(label=[0, 1, 1, 1, 0])))
    for predict in (model.predict_proba, model.predict, model.predict_proba_frame, model.diagnose):
        with pytest.raises(ModelInputError, match="from_annotations"):
            predict(ints)
    for score in (model.score, model.evaluate):  # these read the votes before predict_proba does
        with pytest.raises(ModelInputError, match="from_annotations"):
            score(TABLE, [0, 1, 0])


def test_a_wide_frame_of_annotators_is_still_a_label_matrix():
    wide = TABLE.pivot(index="task", columns="worker", values="label").fillna(-1).astype(int)
    P = CrowdDawidSkene().fit(wide).predict_proba_frame(wide)
    assert P.index.tolist() == ["t1", "t2", "t3"]


# labels ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("labels, shown", [
    ([0, 1e20, 1, 1, 0], "1e+20"),  # astype(int64) made it -9223372036854775808 (and called it negative)
    ([0, -1e20, 1, 1, 0], "-1e+20"),
    (np.array([0, 2**64 - 1, 1, 1, 0], dtype=np.uint64), "18446744073709551615"),  # wrapped to -1
    (pd.Series([0, 2**70, 1, 1, 0], dtype=object), "1180591620717411303424"),  # an OverflowError
])
def test_labels_beyond_int64_name_the_row_the_annotator_and_the_value(labels, shown):
    with pytest.raises(LabelMatrixError, match=rf"row 1 \(annotator 'w2'\) has label {re.escape(shown)}: labels must be"):
        build(TABLE.assign(label=labels))


def test_large_labels_within_int64_still_build():
    L = build(TABLE.assign(label=[0, 2**40, 1, 1, 0]))
    assert L.to_dense()[0, 1] == 2**40


def test_conflicts_are_reported_in_the_labels_the_table_holds():
    df = pd.DataFrame({"task": ["a", "a", "a"], "worker": ["u", "u", "u"], "label": ["neg", "pos", "pos"]})
    with pytest.raises(LabelMatrixError, match=r"different labels \['neg', 'pos'\]"):
        build(df, classes=["neg", "pos"], duplicates="error")
    with pytest.warns(WeaksupWarning, match=r"labels \['neg', 'pos'\]"):
        L = build(df, classes=["neg", "pos"])
    assert L.to_dense().tolist() == [[1]]
    with pytest.warns(WeaksupWarning, match=r"labels \[0, 1\]"):  # without classes the labels are the codes
        build(df.assign(label=[0, 1, 1]))


@pytest.mark.parametrize("classes, kw, message", [
    ("ab", {}, "got the string 'ab'"),  # list("ab") would be classes 'a' and 'b'
    ([["a"], ["b"]], {}, "hashable"),  # a TypeError
    (["a"], {}, "at least 2 label values"),
    ([], {}, "at least 2 label values"),
    (["a", "b", "c"], {"cardinality": 2}, "more than cardinality=2"),  # silently cardinality 2 before
    (["a", "a"], {}, "unique"),
])
def test_bad_classes_are_a_typed_error(classes, kw, message):
    with pytest.raises(LabelMatrixError, match=message):
        build(TABLE.assign(label=["a", "b", "a", "b", "a"]), classes=classes, **kw)


def test_one_class_with_a_cardinality_builds():
    L = build(TABLE.assign(label=["a"] * 5), classes=["a"], cardinality=2)
    assert L.cardinality == 2 and (L.to_dense()[L.to_dense() >= 0] == 0).all()


def test_an_unhashable_label_with_classes_names_the_row():
    with pytest.raises(LabelMatrixError, match=r"row 0 \(annotator 'w1'\) has label \[0\], not one of classes"):
        build(TABLE.assign(label=[[0], [1], [1], [1], [0]]), classes=[0, 1])


# columns -----------------------------------------------------------------------------------------
def test_a_column_named_twice_is_a_typed_error():
    df = pd.concat([TABLE, TABLE[["label"]]], axis=1)  # a ValueError about a Series' truth value before
    with pytest.raises(LabelMatrixError, match="more than one column named 'label'"):
        build(df)


def test_one_column_in_two_roles_is_refused():
    """item=annotator paired each item with itself as an annotator, with a warning about conflicts only."""
    with pytest.raises(LabelMatrixError, match="three different columns"):
        ws.LabelMatrix.from_annotations(TABLE, item="task", annotator="task")
    with pytest.raises(ParameterError, match="three different column names"):
        annotation_table(build(TABLE), item="x", annotator="x")


def test_crowdkit_column_names_get_a_hint():
    with pytest.raises(LabelMatrixError, match="pass item='task', annotator='worker'"):
        ws.LabelMatrix.from_annotations(TABLE)


def test_annotators_whose_names_collide_are_named():
    df = TABLE.assign(worker=pd.Series([1, "1", 1, "1", 1], dtype=object))
    with pytest.raises(LabelMatrixError, match=r"annotators 1 and '1' would both be named '1'"):
        build(df)
    assert build(df.assign(worker=df.worker.astype(str).str.cat(["a", "b", "a", "b", "a"]))).lf_names == ["1a", "1b"]


# ids back as they went in --------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["int32", "Int64", "string", "category", "object"])
def test_annotation_table_round_trips_item_ids_with_their_dtype(dtype):
    df = TABLE.assign(task=pd.Series([3, 3, 1, 1, 2]).astype(dtype))
    L = build(df)
    table = annotation_table(L)
    assert table.task.dtype == df.task.dtype  # Int64 came back int64, category as int64 ...
    pd.testing.assert_frame_equal(table, df)
    assert build(table) == L


def test_multiindex_ids_become_tuples_in_the_table():
    L = ws.LabelMatrix.from_dense(np.array([[0, 1], [1, -1]]), index=pd.MultiIndex.from_tuples([("a", 1), ("b", 2)]))
    assert annotation_table(L).task.tolist() == [("a", 1), ("a", 1), ("b", 2)]


# models ------------------------------------------------------------------------------------------
def test_mmsr_divergence_without_a_zero_skill_says_what_happened():
    """Skills shrinking geometrically (never exactly 0) while another grows: the message named an empty list."""
    L = np.array([[1, 1, 0], [0, 0, 0], [1, 1, 1], [0, 1, 0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(ModelInputError, match=r"\['lf_0'\] became infinite, growing every round") as info:
            MMSR().fit(L)
    assert "[] reached 0" not in str(info.value)


def test_a_saved_confusion_matrix_that_is_no_distribution_is_refused(tmp_path):
    """errors_ of 0.3 everywhere passed the [0, 1] range check and gave probabilities from non-distributions."""
    import json

    L = np.array([[0, 0, 1], [1, 1, 1], [0, 0, 0], [1, 0, 1], [0, -1, 0]] * 4)
    for cls in (CrowdDawidSkene, OneCoinDawidSkene):
        d = cls().fit(L).save(tmp_path / cls.__name__)
        with np.load(d / "arrays.npz") as z:
            arrays = {name: z[name] for name in z.files}
        arrays["errors_"] = np.full_like(arrays["errors_"], 0.3)
        np.savez(d / "arrays.npz", **arrays)
        meta = json.loads((d / "model.json").read_text())
        del meta["arrays.npz_sha256"]  # as saved before checksums: only the state check stands in the way
        (d / "model.json").write_text(json.dumps(meta))
        with pytest.raises(ModelInputError, match=r"errors_\[0, :, 0\] sums to .*0\.6.* must sum to 1"):
            ws.models.BaseLabelModel.load(d).predict_proba(L)


@pytest.mark.parametrize("cls", [CrowdDawidSkene, OneCoinDawidSkene], ids=lambda c: c.__name__)
def test_fitted_confusion_matrices_pass_their_own_check(cls, tmp_path):
    rng = np.random.default_rng(0)
    L = rng.integers(-1, 5, (100, 6))
    L[:, 5] = -1  # an annotator without votes: its confusion matrix is all 0
    model = cls(cardinality=5).fit(L)
    loaded = ws.models.BaseLabelModel.load(model.save(tmp_path / "m"))
    np.testing.assert_array_equal(loaded.predict_proba(L), model.predict_proba(L))


def test_mace_with_an_annotator_who_never_spams_matches_crowdkit_instead_of_nan():
    """A small Beta prior (alpha=1e-4) drives one annotator's spam probability to exactly 0: the E-step divided
    0 by 0 and every later parameter was NaN (refused at predict as 'corrupted'); crowd-kit's sums skip that NaN."""
    ck = pytest.importorskip("crowdkit.aggregation")
    from weaksup.models.crowd._common import annotator_order, label_order

    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 60)
    L = np.where(rng.random((60, 4)) < 0.8, y[:, None], 1 - y[:, None])
    L[rng.random((60, 4)) < 0.3] = -1
    L = ws.LabelMatrix.from_dense(L, cardinality=2)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        model = MACE(alpha=1e-4).fit(L)
    assert model.spamming_[3, 0] == 0.0
    P = model.predict_proba(L)
    # crowd-kit on the same votes, annotators named and classes numbered in order of first appearance
    order, classes = annotator_order(L), label_order(L, 2)
    relabel = np.empty(2, dtype=np.int64)
    relabel[classes] = np.arange(2)
    tab = annotation_table(L)
    tab = tab.assign(worker=tab.worker.map({L.lf_names[j]: f"w{r}" for r, j in enumerate(order)}),
                     label=relabel[tab.label.to_numpy()])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        Q = ck.MACE(alpha=1e-4, n_restarts=1, random_state=0).fit_predict_proba(tab)
    voted = np.diff(L.csr.indptr) > 0
    Q = Q.reindex(L.index[voted])[[0, 1]].to_numpy()[:, relabel]
    np.testing.assert_allclose(P[voted], Q, rtol=0, atol=1e-9)


def test_skill_weighted_votes_with_many_classes_build_no_k_squared_table(monkeypatch):
    """Wawa, ZeroBasedSkill, MMSR and KOS summed votes through an (m k, k) matrix: m k^2 numbers for nnz votes."""
    from weaksup.models.crowd import _common

    def refuse(*args, **kwargs):
        raise AssertionError("per_class_weights builds m k^2 numbers")

    monkeypatch.setattr(_common, "per_class_weights", refuse)
    rng = np.random.default_rng(0)
    n, m, k = 400, 30, 300
    y = rng.integers(0, k, n)
    L = np.where(rng.random((n, m)) < 0.8, y[:, None], rng.integers(0, k, (n, m)))
    L[rng.random((n, m)) < 0.8] = -1
    for cls in (Wawa, ZeroBasedSkill):
        P = cls(cardinality=k).fit(L).predict_proba(L)
        assert P.shape == (n, k) and (P.argmax(axis=1) == y).mean() > 0.9
    skills = rng.random(m)
    S = _common.weighted_votes(ws.LabelMatrix.from_dense(L).csr, skills, k)
    dense = np.zeros((n, k))
    for i, j in zip(*np.nonzero(L >= 0), strict=True):
        dense[i, L[i, j]] += skills[j]
    np.testing.assert_allclose(S, dense, rtol=1e-12)


@pytest.mark.parametrize("model", [ws.MajorityVoter(), ws.LabelModel(), ws.MatrixCompletion()])
def test_every_label_model_refuses_a_long_table(model):
    df = pd.DataFrame({"task": [1, 1, 2], "worker": [0, 1, 0], "label": [0, 1, 1]})
    with pytest.raises(ModelInputError, match="from_annotations"):
        model.fit(df)
