"""Slicing on inputs as users hold them: nullable masks, 0/1 floats, partial gold labels, error wording."""

import numpy as np
import pandas as pd
import pytest

import weaksup as ws
from weaksup.slicing import SFApplier, SliceError, SliceMatrix, score_slices, slice_report, slicing_function

snorkel_analysis = pytest.importorskip("snorkel.analysis")


def _frame():
    return pd.DataFrame({"n": pd.array([1, 2, 30, None], dtype="Int64"), "text": ["a b", "c", "d e f", "g"]},
                        index=["p", "q", "r", "s"])


def test_vectorized_sf_may_return_a_nullable_boolean_mask():
    @slicing_function(vectorized=True)
    def small(batch):
        return (batch.n < 10).fillna(False)  # pandas' "boolean" dtype, as comparisons on Int64 give

    S = SFApplier([small]).apply(_frame(), progress=False)
    assert S["small"].tolist() == [True, True, False, False] and S.ids("small").tolist() == ["p", "q"]


def test_vectorized_sf_returning_na_names_the_row():
    @slicing_function(vectorized=True)
    def small(batch):
        return batch.n < 10  # <NA> where n is missing

    with pytest.raises(ws.LabelingFunctionError, match=r"slicing function 'small' failed.*missing value \(<NA>\) "
                                                       r"at row 's'.*fillna\(False\)"):
        SFApplier([small]).apply(_frame(), progress=False)


def test_vectorized_sf_returning_floats_says_so():
    @slicing_function(vectorized=True)
    def small(batch):
        return (batch.n.fillna(99) < 10).astype(float)

    with pytest.raises(ws.LabelingFunctionError, match=r"booleans \(or 0/1\), got 1.0 \(dtype float64\)"):
        SFApplier([small]).apply(_frame(), progress=False)


def test_sf_errors_call_it_a_slicing_function():
    @slicing_function()
    def broken(x):
        return x.text  # not a bool

    with pytest.raises(ws.LabelingFunctionError, match=r"^slicing function 'broken' failed on row 'p'.*got 'a b'"):
        SFApplier([broken]).apply(_frame(), progress=False)


def test_unknown_gold_labels_are_left_out_like_minus_one():
    S = SliceMatrix.from_dense([[1], [1], [0], [0]], names=["a"])
    preds = [1, 1, 0, 0]
    expected = score_slices(S, [1, -1, 0, 1], preds)
    for golds in (np.array([1, np.nan, 0, 1]), [1, None, 0, 1], pd.Series([1, None, 0, 1], dtype="Int64")):
        got = score_slices(S, golds, preds)
        pd.testing.assert_frame_equal(got, expected)
    assert expected.loc["overall", "n"] == 3 and expected.loc["a", "accuracy"] == 1.0


def test_gold_series_is_lined_up_by_row_id_with_a_slice_matrix():
    S = SliceMatrix.from_dense([[1], [0], [1]], names=["a"], index=["x", "y", "z"])
    preds = [1, 0, 0]
    by_id = score_slices(S, pd.Series({"z": 1, "x": 1, "y": 0}), preds)
    assert by_id.loc["a", "accuracy"] == 0.5 and by_id.loc["overall", "accuracy"] == pytest.approx(2 / 3)
    pd.testing.assert_frame_equal(score_slices(S.to_frame(), pd.Series({"z": 1, "x": 1, "y": 0}), preds), by_id)
    # Snorkel's record array has no ids: a Series is taken in row order, as Snorkel's Scorer does
    rec = S.to_recarray()
    golds = pd.Series([1, 0, 1], index=[7, 8, 9])
    probs = np.eye(2)[preds]
    theirs = snorkel_analysis.Scorer(metrics=["accuracy"]).score_slices(rec, golds.to_numpy(), np.array(preds), probs)
    ours = score_slices(rec, golds, preds, as_dataframe=False)
    assert {k: v["accuracy"] for k, v in ours.items()} == {k: v["accuracy"] for k, v in theirs.items()}


def test_metric_names_are_checked_before_scoring():
    S = SliceMatrix.from_dense([[1], [0]], names=["a"])
    with pytest.raises(SliceError, match="unknown metric 'acc'"):
        slice_report(S, [1, 0], [1, 0], metric="acc")
    with pytest.raises(SliceError, match="unknown metric 'acc'"):
        score_slices(S, [1, 0], [1, 0], metrics=["acc"])
    one = score_slices(S, [1, 0], [1, 1], metrics="accuracy")  # a lone name, not its letters
    assert one.columns.tolist() == ["n", "accuracy"]


def test_wrong_objects_get_typed_errors_with_a_pointer():
    lf = ws.labeling_function(name="fires")(lambda x: 1)
    with pytest.raises(ws.errors.ParameterTypeError, match=r"lf_sf\(lf\)"):
        SFApplier([lf])
    sf = slicing_function(name="all")(lambda x: True)
    with pytest.raises(ws.errors.ParameterTypeError, match="takes a pandas DataFrame, got list"):
        ws.slicing.slice_dataframe([{"a": 1}], sf)


def test_a_dense_membership_other_than_one_zero_or_minus_one_is_refused():
    """A 2 (a class id put in by mistake) was read as "not in the slice"."""
    assert SliceMatrix.from_dense(np.array([[1, -1], [0, 1]]), names=["a", "b"]).to_dense().tolist() == [
        [True, False], [False, True]]
    with pytest.raises(SliceError, match=r"row 1, slice 0: membership 2"):
        SliceMatrix.from_dense(np.array([[1, 0], [2, 1]]))


def test_preds_and_probs_with_row_ids_are_lined_up_by_id_never_by_position():
    """A preds Series (or probs frame) in another row order was scored positionally, against other rows' golds."""
    ids = pd.Index(["d", "c", "b", "a"])
    S = SliceMatrix.from_dense(np.array([[1, 0], [1, 1], [0, 0], [0, 1]]), names=["s1", "s2"], index=ids)
    golds = pd.Series([1, 0, 1, 0], index=ids)
    preds = pd.Series([1, 0, 0, 0], index=ids)
    expected = score_slices(S, golds, preds.to_numpy())
    pd.testing.assert_frame_equal(score_slices(S, golds, preds.iloc[::-1]), expected)
    probs = pd.DataFrame(np.eye(2)[preds.to_numpy()], index=ids)
    pd.testing.assert_frame_equal(score_slices(S, golds, probs=probs.iloc[::-1]), expected)
    pd.testing.assert_frame_equal(slice_report(S, golds, preds.iloc[::-1]), slice_report(S, golds, preds.to_numpy()))
    with pytest.raises(SliceError, match="not S's"):
        score_slices(S, golds, preds.set_axis(list("wxyz")))
    with pytest.raises(SliceError, match="golds hold class 2 but probs has 2 classes"):
        score_slices(S, [2, 0, 1, 0], probs=probs.to_numpy(), metrics=["log_loss"])


def test_a_snorkel_slicing_function_in_the_native_applier_says_what_to_use():
    snorkel_slicing = pytest.importorskip("snorkel.slicing")
    sf = snorkel_slicing.slicing_function()(lambda x: True)
    with pytest.raises(ws.errors.ParameterTypeError, match="Snorkel slicing function.*weaksup.snorkel.slicing"):
        SFApplier([sf])
