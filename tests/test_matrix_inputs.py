"""LabelMatrix and LFAnalysis on the inputs users hold: ids come back as they went in, bad input is a typed error
naming the LF, the row and the value, and the statistics match Snorkel 0.10's on the same matrices."""

from __future__ import annotations

import doctest
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from weaksup import LabelMatrix, LFAnalysis, labeling_function
from weaksup.errors import LabelMatrixError, ParameterError, ParameterTypeError

BASE = np.array([[0, -1, 1], [1, 1, -1], [-1, -1, -1]])


# row ids ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "ids",
    [
        [(1, "a"), (2,), (3, "c")],  # tuples of different lengths: a MultiIndex would pad (2,) to (2, nan)
        [(1, None), (2, "b"), (3, "c")],  # a MultiIndex would turn None into nan
        ["a\ud800", "b", "c"],  # a lone surrogate: pyarrow strings refuse it
    ],
)
def test_row_ids_come_back_exactly_as_given(ids, tmp_path):
    L = LabelMatrix.from_dense(BASE, index=ids)
    assert L.index.tolist() == ids
    assert L[[2, 0]].index.tolist() == [ids[2], ids[0]]
    assert L.to_frame().index.tolist() == ids
    assert LabelMatrix.load(L.save(tmp_path / "L.npz")).index.tolist() == ids


def test_tuples_of_one_length_still_form_a_multiindex_and_loc_takes_one_tuple_id():
    L = LabelMatrix.from_dense(BASE, index=[(1, "a"), (2, "b"), (3, "c")])
    assert isinstance(L.index, pd.MultiIndex)
    assert L.loc((2, "b")).index.tolist() == [(2, "b")]
    assert L.loc([(3, "c"), (1, "a")]).index.tolist() == [(3, "c"), (1, "a")]
    ragged = LabelMatrix.from_dense(BASE, index=[(1, "a"), (2,), (3, "c")])
    assert ragged.loc((2,)).to_dense().tolist() == [[1, 1, -1]]


def test_a_generator_of_ids_is_read_once_and_unordered_or_2d_ids_are_typed_errors():
    assert LabelMatrix.from_dense(BASE, index=(c for c in "abc")).index.tolist() == ["a", "b", "c"]
    with pytest.raises(LabelMatrixError, match="ordered sequence"):
        LabelMatrix.from_dense(BASE, index={1, 2, 3})
    with pytest.raises(LabelMatrixError, match="1-D sequence of ids"):
        LabelMatrix.from_dense(BASE, index=np.zeros((3, 2)))


# construction ---------------------------------------------------------------------------------------------
def test_the_constructor_refuses_a_dense_array_instead_of_reading_zeros_as_abstains():
    # LabelMatrix(dense) used to read every 0 vote as an abstain (stored votes are label + 1)
    for dense in (np.array([[0, 1]]), [[0, 1]], pd.DataFrame([[0, 1]])):
        with pytest.raises(LabelMatrixError, match="from_dense"):
            LabelMatrix(dense)


def test_stored_minus_one_in_a_sparse_matrix_points_at_the_unshifted_readers():
    with pytest.raises(LabelMatrixError, match=r"shifted=False"):
        LabelMatrix.from_sparse(sp.csr_matrix(np.array([[-1, 1]])))


def test_errors_name_the_lf_and_the_row_id_when_they_are_known():
    with pytest.raises(LabelMatrixError, match=r"row 0, column 1 \(LF 'b', row id 'r'\)"):
        LabelMatrix.from_dense(np.array([[0, -3]]), lf_names=["a", "b"], index=["r"])
    df = pd.DataFrame({"a": [0, 1], "b": [0.5, 1]}, index=["x", "y"])
    with pytest.raises(LabelMatrixError, match=r"\(LF 'b', row id 'x'\) holds 0.5"):
        LabelMatrix.from_dense(df)
    with pytest.raises(LabelMatrixError, match=r"row 1, column 0 \(LF 'a', row id 'y'\) holds nan"):
        LabelMatrix.from_columns([[0, np.nan], [1, 1]], lf_names=["a", "b"], index=["x", "y"])
    with pytest.raises(LabelMatrixError, match=r"invalid label -3 at row 0, column 1: "):  # names of a wrong length
        LabelMatrix.from_dense(np.array([[0, -3]]), lf_names=["a"])


def test_a_string_among_int_votes_in_a_list_is_the_entry_named():
    # numpy makes every entry of [[0, "1"]] a string: the message used to blame the int at column 0
    with pytest.raises(LabelMatrixError, match=r"row 0, column 1 holds '1'"):
        LabelMatrix.from_dense([[0, "1"], [1, 1]])


def test_from_dense_of_a_label_matrix_keeps_its_names_ids_and_cardinality():
    L = LabelMatrix.from_dense(BASE, lf_names=list("abc"), index=["r0", "r1", "r2"], cardinality=3)
    assert LabelMatrix.from_dense(L) == L


def test_from_columns_refuses_a_wrapped_abstain_like_from_dense():
    col = np.array([0, -1, 1]).astype(np.uint8)  # -1 became 255
    with pytest.raises(LabelMatrixError, match="largest uint8"):
        LabelMatrix.from_dense(col[:, None])
    with pytest.raises(LabelMatrixError, match="largest uint8"):
        LabelMatrix.from_columns([col])


def test_from_columns_keeps_series_ids_and_never_combines_them_by_position():
    a = pd.Series([0, 1], index=["x", "y"])
    L = LabelMatrix.from_columns([a, pd.Series([-1, 1], index=["x", "y"])])
    assert L.index.tolist() == ["x", "y"]
    with pytest.raises(LabelMatrixError, match="other row ids"):
        LabelMatrix.from_columns([a, a[::-1]])
    # explicit ids win; Series of plain positions are taken as they are
    assert LabelMatrix.from_columns([pd.Series([0, 1])], index=["p", "q"]).index.tolist() == ["p", "q"]


def test_from_columns_takes_a_mapping_and_a_generator_and_refuses_scalars():
    L = LabelMatrix.from_columns({"a": [0, -1], "b": [-1, 1]})
    assert L.lf_names == ["a", "b"] and L.to_dense().tolist() == [[0, -1], [-1, 1]]
    assert LabelMatrix.from_columns(iter([[0, 1]])).shape == (2, 1)
    with pytest.raises(LabelMatrixError, match="1-D"):
        LabelMatrix.from_columns([5])
    with pytest.raises(LabelMatrixError, match="sequence of vote vectors"):
        LabelMatrix.from_columns(5)


# selection and combination -----------------------------------------------------------------------------
def test_an_empty_list_selects_no_rows_and_ids_point_at_loc():
    L = LabelMatrix.from_dense(BASE, lf_names=list("abc"), index=["r0", "r1", "r2"])
    assert L[[]].shape == (0, 3) and L[[]].index.tolist() == []
    with pytest.raises(LabelMatrixError, match=r"L\.loc\(ids\)"):
        L[["r0"]]


def test_add_lfs_takes_sparse_votes_and_names_a_row_count_mismatch():
    L = LabelMatrix.from_dense(BASE, lf_names=list("abc"), index=["r0", "r1", "r2"])
    out = L.add_lfs(sp.csr_matrix(np.array([[1], [0], [2]])))  # label + 1, as everywhere
    assert out.lf_names == ["a", "b", "c", "lf_3"] and out[:, 3].tolist() == [0, -1, 1]
    assert out.index.equals(L.index)
    with pytest.raises(LabelMatrixError, match="cannot add LFs with 2 rows to a matrix with 3 rows"):
        L.add_lfs(np.array([0, 1]))
    with pytest.raises(LabelMatrixError, match="cannot add LFs with 2 rows"):
        L.add_lfs(sp.csr_matrix((2, 1)))


def test_append_rows_of_a_bare_array_is_a_typed_error():
    L = LabelMatrix.from_dense(BASE)
    with pytest.raises(LabelMatrixError, match="append_rows takes a LabelMatrix"):
        L.append_rows(BASE)


# LFAnalysis ----------------------------------------------------------------------------------------------
def test_learned_weights_keyed_by_lf_name_are_aligned_by_name():
    a = LFAnalysis(pd.DataFrame(BASE, columns=list("abc")))
    by_name = pd.Series([3.0, 2.0, 1.0], index=["c", "b", "a"])  # used to be read by position
    assert a.summary(est_weights=by_name)["Learned Weight"].to_dict() == {"a": 1.0, "b": 2.0, "c": 3.0}
    assert a.summary(est_weights={"a": 1, "b": 2, "c": 3})["Learned Weight"].tolist() == [1.0, 2.0, 3.0]
    assert a.summary(est_weights=pd.Series([3, 2, 1]))["Learned Weight"].tolist() == [3.0, 2.0, 1.0]
    with pytest.raises(ParameterError, match="not by this matrix's LF names"):
        a.summary(est_weights=pd.Series([3, 2, 1], index=["x", "b", "a"]))
    with pytest.raises(ParameterError, match="must be numbers"):
        a.summary(est_weights=["a", "b", "c"])


def test_lfs_may_be_given_by_name_and_anything_else_is_a_typed_error():
    assert LFAnalysis(BASE, ["x", "y", "z"]).summary().index.tolist() == ["x", "y", "z"]
    with pytest.raises(ParameterTypeError, match="labeling functions or LF names"):
        LFAnalysis(BASE, [1, 2, 3])


def test_gold_as_a_column_is_taken_as_snorkel_takes_it():
    a = LFAnalysis(BASE)
    flat = a.lf_empirical_accuracies(np.array([0, 1, 1]))
    np.testing.assert_array_equal(a.lf_empirical_accuracies(np.array([[0], [1], [1]])), flat)
    np.testing.assert_array_equal(a.lf_empirical_accuracies(pd.DataFrame({"y": [0, 1, 1]})), flat)
    assert a.summary(Y=np.array([[0], [1], [1]]))["Correct"].tolist() == [2, 1, 0]


def test_polarities_of_huge_labels_need_no_table_of_every_label():
    # labels up to int64 are valid votes; an m x max(label) table used to need 16 TiB here
    a = LFAnalysis(np.array([[2**40, -1], [5, 3], [5, -1]]))
    assert a.lf_polarities() == [[5, 2**40], [3]]
    assert LFAnalysis(np.full((3, 2), -1)).lf_polarities() == [[], []]


def _snorkel_summary(L, Y=None):
    snorkel = pytest.importorskip("snorkel.labeling")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return snorkel.LFAnalysis(L).lf_summary(Y=Y)


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int64, np.float32, np.float64])
def test_statistics_match_snorkel_on_the_same_dense_matrix(dtype):
    rng = np.random.default_rng(0)
    L = rng.integers(-1, 3, (200, 5))
    L[:, 3] = -1  # an LF that never votes
    Y = rng.integers(0, 3, 200)
    ours = LFAnalysis(L.astype(dtype)).summary(Y=Y)
    ref = _snorkel_summary(L, Y)
    for col in ("Coverage", "Overlaps", "Conflicts", "Correct", "Incorrect"):
        np.testing.assert_allclose(ours[col].to_numpy(float), ref[col].to_numpy(float), err_msg=col)
    assert [list(p) for p in ours["Polarity"]] == [list(p) for p in ref["Polarity"]]
    acc = ours["Emp. Acc."].to_numpy()  # NaN where Snorkel says 0: an LF that never votes has no accuracy
    np.testing.assert_allclose(np.nan_to_num(acc), ref["Emp. Acc."].to_numpy(float))
    assert np.isnan(acc[3])


def test_doctests_of_the_matrix_modules_run():
    import weaksup._dense_convert
    import weaksup._matrix_checks
    import weaksup._matrix_file
    import weaksup._matrix_interop
    import weaksup.analysis
    import weaksup.matrix

    for module in (weaksup.matrix, weaksup.analysis, weaksup._matrix_checks, weaksup._matrix_file,
                   weaksup._matrix_interop, weaksup._dense_convert):
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
        assert result.failed == 0, module.__name__


@labeling_function()
def lf_a(x):
    return 0


def test_lfs_given_as_labeling_functions_still_name_the_columns():
    assert LFAnalysis(np.array([[0]]), [lf_a]).summary().index.tolist() == ["lf_a"]


def test_lfs_name_the_columns_of_a_frame_of_an_unnamed_array():
    # pd.DataFrame(L) has columns 0..m-1: no names of its own to contradict the LFs'
    assert LFAnalysis(pd.DataFrame(np.array([[0]])), [lf_a]).summary().index.tolist() == ["lf_a"]
    with pytest.raises(ParameterError, match="do not match"):
        LFAnalysis(pd.DataFrame(np.array([[0]]), columns=["z"]), [lf_a])


def test_tuple_ids_holding_nan_save_and_load(tmp_path):
    ids = [(1, float("nan")), (2, None), (3, "c")]
    L = LabelMatrix.from_dense(BASE, index=ids)
    back = LabelMatrix.load(L.save(tmp_path / "L.npz")).index.tolist()
    assert back[1:] == ids[1:] and back[0][0] == 1 and np.isnan(back[0][1])


@pytest.mark.parametrize("dtype", ["Int8", "Int64", "UInt16"])
def test_a_frame_of_nullable_integer_columns_converts_like_its_numpy_values(dtype):
    votes = np.random.default_rng(0).integers(-1, 3, (500, 4))
    if dtype.startswith("U"):
        votes = np.abs(votes)
    df = pd.DataFrame(votes, columns=list("abcd"), index=[f"r{i}" for i in range(500)]).astype(dtype)
    df["d"] = df["d"].astype("int64")  # mixed with a plain column
    L = LabelMatrix.from_dense(df)
    assert L.to_dense().tolist() == votes.tolist()
    assert L.lf_names == list("abcd") and L.index.equals(df.index)
    from weaksup.matrix import as_label_matrix

    assert as_label_matrix(df) == L
    df.iloc[7, 1] = pd.NA
    with pytest.raises(LabelMatrixError, match=r"LF 'b', row id 'r7'.*abstain is -1"):
        LabelMatrix.from_dense(df)


def test_a_column_by_lf_name():
    L = LabelMatrix.from_dense(BASE, lf_names=list("abc"))
    assert L[:, "b"].tolist() == [-1, 1, -1] and L[:, ["c", "a"]].tolist() == [[1, 0], [-1, 1], [-1, -1]]
    assert L[1, "a"] == 1
    with pytest.raises(LabelMatrixError, match="no LF named 'z'"):
        L[:, "z"]


def test_a_bad_sparse_vote_names_the_lf_and_the_row_id():
    votes = sp.csr_matrix(np.array([[1.0, 1.5]]))
    with pytest.raises(LabelMatrixError, match=r"row 0, column 1 \(LF 'b', row id 'r'\) stores 1.5"):
        LabelMatrix.from_sparse(votes, lf_names=["a", "b"], index=["r"])
    with pytest.raises(LabelMatrixError, match=r"row 0, column 1 stores 1.5"):
        LabelMatrix.from_sparse(votes)


def test_labeling_functions_as_lf_names_give_their_names():
    L = LabelMatrix.from_dense(np.array([[0, -3]]) + [0, 3], lf_names=[lf_a, "b"])
    assert L.lf_names == ["lf_a", "b"]
    with pytest.raises(LabelMatrixError, match=r"\(LF 'lf_a'\)"):
        LabelMatrix.from_dense(np.array([[-3, 0]]), lf_names=[lf_a, "b"])


def test_learned_weights_keyed_by_column_position_are_aligned_by_position():
    a = LFAnalysis(pd.DataFrame(BASE, columns=list("abc")))
    assert a.summary(est_weights=pd.Series([3.0, 1.0, 2.0], index=[2, 0, 1]))["Learned Weight"].tolist() == [1, 2, 3]
    with pytest.raises(ParameterError, match="keyed by"):
        a.summary(est_weights=pd.Series([3.0, 1.0, 2.0], index=["a", 0, 1]))


def test_one_string_is_one_lf_name_not_one_per_letter():
    assert LabelMatrix.from_dense(np.array([[0]]), lf_names="spam").lf_names == ["spam"]
    with pytest.raises(LabelMatrixError, match="got 1 LF names for 3 columns"):
        LabelMatrix.from_dense(BASE, lf_names="abc")


def test_from_columns_reads_a_generator_of_ids_once_and_checks_series_against_them():
    assert LabelMatrix.from_columns([[0, 1]], index=(c for c in "ab")).index.tolist() == ["a", "b"]
    with pytest.raises(LabelMatrixError, match="other row ids"):
        LabelMatrix.from_columns([pd.Series([0, 1], index=["y", "x"])], index=["x", "y"])


def test_none_among_row_ids_stays_none():
    L = LabelMatrix.from_dense(np.array([[0], [1], [0]]), index=[None, 1, 2])
    assert L.index.tolist() == [None, 1, 2]
    L = LabelMatrix.from_dense(np.array([[0], [1]]), index=["a", None])
    assert L.index.tolist() == ["a", None]


@pytest.mark.parametrize("fmt", ["csr", "csc", "coo"])
def test_a_float_sparse_matrix_with_stored_zeros_is_left_as_the_user_gave_it(fmt):
    """A float CSR holding stored zeros (abstains, e.g. built from COO triplets) was scrambled in place by
    ``as_label_matrix``: its indices and indptr were compacted while its data stayed, so every later fit or
    predict on the user's matrix read other votes."""
    from weaksup.matrix import as_label_matrix

    rng = np.random.default_rng(0)
    dense = rng.integers(-1, 2, size=(30, 4))
    rows, cols = np.indices(dense.shape)
    user = sp.csr_matrix(((dense + 1).ravel().astype(float), (rows.ravel(), cols.ravel())), shape=dense.shape)
    user = user.asformat(fmt)
    before = user.toarray().copy()
    L = as_label_matrix(user)
    assert np.array_equal(user.toarray(), before)  # the caller's matrix is untouched
    assert np.array_equal(L.to_dense(), dense)
