import json
import re

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from weaksup import LabelMatrix, LabelMatrixError, as_label_matrix

dense_L = st.integers(1, 30).flatmap(
    lambda n: st.integers(1, 6).flatmap(lambda m: arrays(np.int64, (n, m), elements=st.integers(-1, 4)))
)


@settings(max_examples=60, deadline=None)
@given(dense_L)
def test_dense_round_trip_and_sparse_storage(L):
    M = LabelMatrix.from_dense(L)
    np.testing.assert_array_equal(M.to_dense(), L)
    assert M.nnz == int((L != -1).sum())
    assert M.csr.dtype == np.int8
    np.testing.assert_array_equal(LabelMatrix.from_columns(list(L.T)).to_dense(), L)


def test_metadata_and_validation():
    L = LabelMatrix.from_dense([[0, -1], [1, 2]], lf_names=["a", "b"], index=["x", "y"], cardinality=3)
    assert L.shape == (2, 2) and L.lf_names == ["a", "b"] and L.index.tolist() == ["x", "y"]
    with pytest.raises(LabelMatrixError, match="out of range"):
        LabelMatrix.from_dense([[0, 2]], cardinality=2)
    with pytest.raises(LabelMatrixError, match="duplicate LF names"):
        LabelMatrix.from_dense([[0, 1]], lf_names=["a", "a"])
    with pytest.raises(LabelMatrixError, match="row 0, column 1"):
        LabelMatrix.from_dense(np.array([[0, 0.5]]))
    with pytest.raises(LabelMatrixError, match="invalid label -2"):
        LabelMatrix.from_dense([[0, -2]])
    with pytest.raises(LabelMatrixError, match="index has 1 ids for 2 rows"):
        LabelMatrix.from_dense([[0], [1]], index=["a"])


def test_large_cardinality_uses_wider_dtype():
    L = LabelMatrix.from_dense([[200, -1]])
    assert L.csr.dtype == np.int16 and L.to_dense().tolist() == [[200, -1]]


def test_row_selection_keeps_ids():
    L = LabelMatrix.from_dense([[0], [1], [-1]], index=["a", "b", "c"], lf_names=["f"])
    assert L[np.array([True, False, True])].index.tolist() == ["a", "c"]
    assert L[[2, 0]].to_dense().ravel().tolist() == [-1, 0]
    assert L[1:].index.tolist() == ["b", "c"]
    assert L.loc(["c", "a"]).to_dense().ravel().tolist() == [-1, 0]
    with pytest.raises(LabelMatrixError, match="not in the label matrix"):
        L.loc(["zz"])


def test_add_lfs_and_append_rows():
    L = LabelMatrix.from_dense([[0], [1]], lf_names=["a"], index=[10, 20])
    wide = L.add_lfs(np.array([1, -1]), lf_names=["b"])
    assert wide.lf_names == ["a", "b"] and wide.to_dense().tolist() == [[0, 1], [1, -1]]
    with pytest.raises(LabelMatrixError, match="duplicate"):
        L.add_lfs(np.array([1, -1]), lf_names=["a"])
    longer = L.append_rows(LabelMatrix.from_dense([[-1]], lf_names=["a"], index=[30]))
    assert longer.index.tolist() == [10, 20, 30] and longer.to_dense().ravel().tolist() == [0, 1, -1]
    with pytest.raises(LabelMatrixError, match="cannot append"):
        L.append_rows(LabelMatrix.from_dense([[-1]], lf_names=["zz"]))


@pytest.mark.parametrize(
    "index", [pd.RangeIndex(3), pd.Index(["b", "a", "b"]), pd.Index([7, 3, 5]), pd.Index([0.5, 1.5, 2.5])]
)
def test_save_load_round_trip(tmp_path, index):
    L = LabelMatrix.from_dense([[0, -1], [1, 1], [-1, -1]], lf_names=["x", "y"], index=index, cardinality=2)
    path = L.save(tmp_path / "L.npz")
    back = LabelMatrix.load(path)
    assert back == L
    assert back.index.equals(index)


def test_load_rejects_foreign_and_corrupt_files(tmp_path):
    np.savez(tmp_path / "other.npz", a=np.arange(3))
    with pytest.raises(LabelMatrixError):
        LabelMatrix.load(tmp_path / "other.npz")
    (tmp_path / "bad.npz").write_bytes(b"not a zip")
    with pytest.raises(LabelMatrixError, match="cannot read"):
        LabelMatrix.load(tmp_path / "bad.npz")


def test_equality_and_coercion():
    a = LabelMatrix.from_dense([[0, 1]])
    assert a == LabelMatrix.from_dense([[0, 1]])
    assert a != LabelMatrix.from_dense([[1, 1]])
    assert as_label_matrix(sp.csr_matrix([[1, 2]])) == a
    df = pd.DataFrame({"f": [0, -1]}, index=["r1", "r2"])
    assert as_label_matrix(df).lf_names == ["f"] and as_label_matrix(df).index.tolist() == ["r1", "r2"]


# issue #12: structure, value range and id types ---------------------------------------------------
def test_user_csr_with_repeated_entries_is_refused_not_summed():
    # scipy would sum the two votes for (row 1, column 0) into 3 + 1 = 4, i.e. label 3 in a 2-class matrix
    csr = sp.csr_matrix((np.array([1, 3, 1], np.int8), np.array([1, 0, 0]), np.array([0, 1, 3])), shape=(2, 2))
    with pytest.raises(LabelMatrixError, match="row 1 holds two entries for column 0"):
        LabelMatrix(csr)
    coo = sp.coo_matrix((np.array([2, 1]), (np.array([0, 0]), np.array([1, 1]))), shape=(1, 2))
    with pytest.raises(LabelMatrixError, match="row 0 holds two entries for column 1"):
        LabelMatrix(coo)


def test_user_csr_is_sorted_and_left_unchanged():
    # unsorted indices and a stored zero are legal scipy: accepted, and the caller's arrays are not modified
    data, indices, indptr = np.array([2, 0, 1], np.int8), np.array([1, 0, 0]), np.array([0, 2, 3])
    csr = sp.csr_matrix((data.copy(), indices.copy(), indptr.copy()), shape=(2, 2))
    L = LabelMatrix(csr)
    assert L.to_dense().tolist() == [[-1, 1], [0, -1]]
    np.testing.assert_array_equal(csr.data, data)
    np.testing.assert_array_equal(csr.indices, indices)
    np.testing.assert_array_equal(csr.indptr, indptr)


def test_float_votes_must_be_whole_numbers():
    assert LabelMatrix(sp.csr_matrix(np.array([[2.0, 0.0]]))).to_dense().tolist() == [[1, -1]]
    with pytest.raises(LabelMatrixError, match=r"row 0, column 1 stores 1\.5"):
        LabelMatrix(sp.csr_matrix(np.array([[0.0, 1.5]])))
    with pytest.raises(LabelMatrixError, match="row 0, column 0 stores vote -1"):
        LabelMatrix(sp.csr_matrix(np.array([[-1, 0]])))


@pytest.mark.parametrize("cardinality", [2.5, "3", "abc", True, float("nan"), float("inf")])
def test_cardinality_must_be_an_integer(cardinality):
    with pytest.raises(LabelMatrixError, match="cardinality must be an integer"):
        LabelMatrix.from_dense([[0, 1]], cardinality=cardinality)


def test_large_labels_do_not_wrap():
    L = LabelMatrix.from_dense([[2**31, -1], [2**40, 0]])
    assert L.to_dense().tolist() == [[2**31, -1], [2**40, 0]]
    assert L.to_dense().dtype == np.int64 and L.infer_cardinality() == 2**40 + 1
    # combining keeps the wider dtype instead of casting through int32
    small = LabelMatrix.from_dense([[1], [0]], lf_names=["s"])
    assert L.add_lfs(small).to_dense()[:, :2].tolist() == [[2**31, -1], [2**40, 0]]
    assert small.add_lfs(L).to_dense()[:, 1:].tolist() == [[2**31, -1], [2**40, 0]]
    wide = LabelMatrix.from_dense([[2**33]], lf_names=["s"])
    assert small.append_rows(wide).to_dense().ravel().tolist() == [1, 0, 2**33]


@pytest.mark.parametrize(
    "dense, value",
    [
        (np.array([[0, 2**63 - 1]]), 2**63 - 1),  # label + 1 overflows int64
        (np.array([[0, 2**64 - 1]], dtype=np.uint64), 2**64 - 1),
        (np.array([[0, 2**63]], dtype=np.uint64), 2**63),
        (np.array([[0, 1e300]]), 1e300),
        (np.array([[0, 2.0**63]]), 2.0**63),
        ([[0, 2**70]], 2**70),
    ],
)
def test_labels_beyond_int64_are_refused_with_their_position(dense, value):
    with pytest.raises(LabelMatrixError, match=re.escape(f"label {value!r} at row 0, column 1 is too large")):
        LabelMatrix.from_dense(dense)
    with pytest.raises(LabelMatrixError, match=r"row 0, column 3 is too large"):
        LabelMatrix.from_columns([np.array([0])] * 3 + [np.asarray(dense)[0, 1:]])


def test_huge_uint64_sparse_votes_are_refused():
    csr = sp.csr_matrix((np.array([2**64 - 1], np.uint64), np.array([0]), np.array([0, 1])), shape=(1, 1))
    with pytest.raises(LabelMatrixError, match="row 0, column 0 stores vote 18446744073709551615"):
        LabelMatrix(csr)


IDS = {
    "uint64 near 2**64": pd.Index(np.array([2**64 - 1, 2**63, 0], dtype=np.uint64)),
    "int8": pd.Index(np.array([-3, 0, 7], dtype=np.int8)),
    "float with nan": pd.Index([0.5, np.nan, -2.0]),
    "str as written": pd.Index(["007", "", "1e3"]),
    "str with missing": pd.Index(["a", None, "é\x00"]),
    "string dtype": pd.Index(["x", pd.NA, "z"], dtype="string"),
    "object str": pd.Index(["\ud800", "b", "c"], dtype=object),
    "mixed int and str": pd.Index([1, "1", 1.0], dtype=object),
    "None and nan": pd.Index([None, np.nan, "a"], dtype=object),
    "bool": pd.Index([True, False, True]),
    "datetime": pd.DatetimeIndex(["2020-01-01", "NaT", "2021-03-04 05:06:07.123456"]),
    "datetime tz": pd.date_range("2020-03-29", periods=3, freq="h", tz="Europe/Paris"),
    "timedelta": pd.to_timedelta([1, 2, 3], unit="s"),
    "nullable Int64": pd.Index([1, None, 3], dtype="Int64"),
    "categorical": pd.CategoricalIndex(["b", "a", "b"], categories=["b", "a"], ordered=True),
    "multi": pd.MultiIndex.from_tuples([(1, "a"), (2, "b"), (1, "b")], names=["doc", "sent"]),
    "tuples": pd.Index([(1, "a"), (2,), ()], dtype=object, tupleize_cols=False),
    "named int": pd.Index([5, 6, 7], name=3),
    "named tuple": pd.Index(["a", "b", "c"], name=("x", 1)),
}


@pytest.mark.parametrize("name", list(IDS))
def test_save_load_keeps_id_types(tmp_path, name):
    index = IDS[name]
    L = LabelMatrix.from_dense([[0, -1], [1, 1], [-1, -1]], lf_names=["x", "y"], index=index, cardinality=2)
    back = LabelMatrix.load(L.save(tmp_path / "L.npz"))
    assert back == L
    assert type(back.index) is type(index) and back.index.dtype == index.dtype
    assert back.index.equals(index) and back.index.names == index.names
    assert [type(v) for v in back.index] == [type(v) for v in index]  # 1 and "1" stay distinct


@pytest.mark.parametrize(
    "index",
    [
        pd.period_range("2020-01", periods=2, freq="M"),
        pd.Index([pd.Timestamp("2020-01-01"), "x"], dtype=object),
        pd.Index([b"raw", "x"], dtype=object),
        pd.Index(["a", "b"], name=b"bytes"),
    ],
)
def test_save_refuses_ids_it_cannot_keep_and_writes_nothing(tmp_path, index):
    L = LabelMatrix.from_dense([[0], [1]], index=index)
    with pytest.raises(LabelMatrixError, match="faithfully"):
        L.save(tmp_path / "L.npz")
    assert list(tmp_path.iterdir()) == []


def test_failed_save_leaves_the_previous_file(tmp_path, monkeypatch):
    path = tmp_path / "L.npz"
    old = LabelMatrix.from_dense([[0, 1]], lf_names=["a", "b"])
    old.save(path)
    before = path.read_bytes()

    def half_then_fail(file, **arrays):
        file.write(b"PK\x03\x04 half a zip")  # save hands numpy an open file
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez_compressed", half_then_fail)
    with pytest.raises(OSError, match="disk full"):
        LabelMatrix.from_dense([[1, 1], [0, 0]], lf_names=["a", "b"]).save(path)
    assert path.read_bytes() == before and LabelMatrix.load(path) == old
    assert [p.name for p in tmp_path.iterdir()] == ["L.npz"]  # no temporary file left behind


def test_version_1_files_still_load(tmp_path):
    # the layout written before ids kept their types
    meta = {"format": "weaksup.LabelMatrix", "version": 1, "shape": [2, 1], "lf_names": ["f"], "cardinality": 2,
            "index_kind": "str", "index_name": "id", "dtype": "int8"}
    np.savez_compressed(
        tmp_path / "old.npz", data=np.array([1, 2], np.int8), indices=np.array([0, 0], np.int32),
        indptr=np.array([0, 1, 2], np.int32), index=np.array(["a", "b"]),
        meta=np.frombuffer(json.dumps(meta).encode(), np.uint8),
    )
    L = LabelMatrix.load(tmp_path / "old.npz")
    assert L.to_dense().ravel().tolist() == [0, 1] and L.index.tolist() == ["a", "b"] and L.index.name == "id"


def test_unshifted_sparse_keeps_minus_one_as_abstain():
    L = LabelMatrix.from_sparse(sp.csr_matrix(np.array([[-1, 0, 2]])), shifted=False)
    assert L.to_dense().tolist() == [[-1, 0, 2]]


# dense input: one blocked pass to CSR, and one conversion for fit then predict (issue 19) ----------------
def _reference_csr(arr):
    """The obvious conversion (an int64 copy, + 1, scipy's dense constructor), to compare with."""
    return sp.csr_matrix(np.asarray(arr).astype(np.int64) + 1)


@pytest.fixture
def small_blocks(monkeypatch):
    """Blocks of a few rows and three threads, so small arrays cross every block and thread boundary."""
    import weaksup._dense_cache as dc
    import weaksup._dense_convert as mc

    monkeypatch.setattr(dc, "BLOCK_ENTRIES", 12)  # the conversion's blocks are the fingerprint's
    monkeypatch.setattr(mc, "_DENSE_PER_THREAD", 16)
    monkeypatch.setattr(mc, "_dense_threads", lambda: 3)


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint64, np.float32, np.float64])
@pytest.mark.parametrize("layout", ["C", "F", "strided"])
def test_dense_conversion_matches_the_reference(small_blocks, dtype, layout):
    rng = np.random.default_rng(7)
    low = 0 if np.dtype(dtype).kind == "u" else -1
    arr = rng.integers(low, 3, size=(203, 10)).astype(dtype)
    arr[rng.random(arr.shape) < 0.5] = low  # mostly abstains (or 0 votes for unsigned)
    arr[40:55] = low  # whole blocks of abstains
    arr = {"C": arr, "F": np.asfortranarray(arr), "strided": arr[::2, ::3]}[layout]
    M = LabelMatrix.from_dense(arr)
    ref = _reference_csr(arr)
    assert M.shape == ref.shape and M.nnz == ref.nnz and (M.csr != ref).nnz == 0
    assert M.csr.has_canonical_format and M.csr.dtype == np.int8
    assert M.csr.indices.dtype == np.int32 and M.csr.indptr.dtype == np.int32
    np.testing.assert_array_equal(M.to_dense(), np.asarray(arr).astype(np.int64))


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 40).flatmap(
    lambda n: st.integers(1, 7).flatmap(lambda m: arrays(np.int16, (n, m), elements=st.integers(-1, 300)))))
def test_dense_conversion_agrees_with_scipy_on_any_matrix(L):
    import weaksup._dense_cache as dc
    import weaksup._dense_convert as mc

    old = dc.BLOCK_ENTRIES, mc._DENSE_PER_THREAD, mc._dense_threads
    dc.BLOCK_ENTRIES, mc._DENSE_PER_THREAD, mc._dense_threads = 9, 20, (lambda: 2)
    try:
        M = LabelMatrix.from_dense(L)
        csr, fp = mc.dense_csr_digest(L, str)
        assert fp == dc.fingerprint(L)  # hashed on the way, block by block and thread by thread
    finally:
        dc.BLOCK_ENTRIES, mc._DENSE_PER_THREAD, mc._dense_threads = old
    assert (M.csr != _reference_csr(L)).nnz == 0 and M.nnz == int((L != -1).sum())
    assert M.csr.dtype == (np.int16 if L.size and L.max() >= 127 else np.int8)


def test_dense_conversion_names_the_first_bad_entry_in_any_block(small_blocks):
    arr = np.zeros((120, 5), dtype=np.int64)
    arr[97, 3], arr[110, 1] = -2, -5  # in the last thread's range, past many blocks
    with pytest.raises(LabelMatrixError, match=r"invalid label -2 at row 97, column 3"):
        LabelMatrix.from_dense(arr)
    arr[13, 4] = -3  # in an earlier thread's range: its error wins
    with pytest.raises(LabelMatrixError, match=r"invalid label -3 at row 13, column 4"):
        LabelMatrix.from_dense(arr)
    floats = np.zeros((60, 4))
    floats[44, 2] = 0.5
    with pytest.raises(LabelMatrixError, match=r"row 44, column 2 holds 0.5"):
        LabelMatrix.from_dense(floats)
    floats[44, 2] = np.nan
    with pytest.raises(LabelMatrixError, match=r"row 44, column 2 holds nan"):
        LabelMatrix.from_dense(floats)


def test_dense_conversion_of_empty_and_wide_label_arrays():
    assert LabelMatrix.from_dense(np.zeros((0, 3), dtype=np.int64)).shape == (0, 3)
    assert LabelMatrix.from_dense(np.zeros((4, 0), dtype=np.int64)).shape == (4, 0)
    wide = LabelMatrix.from_dense(np.array([[-1, 40_000], [2**40, -1]]))
    assert wide.csr.dtype == np.int64 and wide.to_dense().tolist() == [[-1, 40_000], [2**40, -1]]


@pytest.fixture
def dense_cache(monkeypatch):
    """The kept conversion, for arrays from 64 entries up, cleared before and after."""
    import weaksup._dense_cache as dc

    monkeypatch.setattr(dc, "MIN_ENTRIES", 64)
    dc.clear()
    yield dc
    dc.clear()


def _counting_from_dense(monkeypatch):
    """Count the dense conversions (every dense array goes through _dense_rows, block by block)."""
    import weaksup._dense_convert as mc

    calls = []
    original = mc.dense_csr_digest

    def counted(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(mc, "dense_csr_digest", counted)
    monkeypatch.setattr("weaksup.matrix.dense_csr_digest", counted)
    return calls


def test_fit_then_predict_on_one_dense_array_converts_it_once(dense_cache, monkeypatch):
    from weaksup.models import LabelModel

    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 600)
    L = np.where(rng.random((600, 6)) < 0.5, np.where(rng.random((600, 6)) < 0.8, y[:, None], 1 - y[:, None]), -1)
    expected = LabelModel(cardinality=2).fit(LabelMatrix.from_dense(L)).predict_proba(LabelMatrix.from_dense(L))
    calls = _counting_from_dense(monkeypatch)
    model = LabelModel(cardinality=2).fit(L)
    P = model.predict_proba(L)
    assert len(calls) == 1
    np.testing.assert_allclose(P, expected)
    assert as_label_matrix(L, cardinality=2) is as_label_matrix(L, cardinality=2)


@pytest.mark.parametrize("change", ["flip one vote", "shuffle rows", "reset a column", "swap two votes"])
def test_an_array_changed_in_place_is_converted_again(dense_cache, change):
    rng = np.random.default_rng(1)
    L = rng.integers(-1, 3, size=(50, 4)).astype(np.int8)
    L[0, :2], L[1, :2] = [0, 2], [2, 0]
    first = as_label_matrix(L)
    if change == "flip one vote":
        L[31, 2] = 2 if L[31, 2] != 2 else 1
    elif change == "shuffle rows":
        rng.shuffle(L)
    elif change == "reset a column":
        L[:, 1] = -1
    else:  # same multiset of values, two positions exchanged
        L[0, 0], L[0, 1] = L[0, 1], L[0, 0]
    again = as_label_matrix(L)
    assert again is not first
    np.testing.assert_array_equal(again.to_dense(), L)


def test_the_kept_conversion_follows_cardinality_and_goes_with_its_array(dense_cache):
    import gc

    L = np.tile(np.array([[0, 1, -1, 1]]), (40, 1))
    plain = as_label_matrix(L)
    assert plain.cardinality is None
    assert as_label_matrix(L, cardinality=3).cardinality == 3
    with pytest.raises(LabelMatrixError, match="out of range for cardinality"):
        as_label_matrix(L + 1, cardinality=2)
    view = L[:, :]  # another object with the same memory: converted on its own
    assert as_label_matrix(view) is not as_label_matrix(L)
    del L, view, plain
    gc.collect()
    assert dense_cache._slot is None  # nothing keeps the matrix once the array is gone


def test_fingerprint_sees_every_single_entry_change():
    from weaksup._dense_cache import fingerprint

    rng = np.random.default_rng(3)
    for dtype in (np.int8, np.int16, np.int64, np.float64, bool):
        arr = rng.integers(-1, 2, size=(37, 11)).astype(dtype)
        for layout in (arr, np.asfortranarray(arr), arr[:, ::2]):
            base = fingerprint(layout)
            for _ in range(20):
                i, j = rng.integers(layout.shape[0]), rng.integers(layout.shape[1])
                changed = layout.copy(order="K")
                changed[i, j] = (not changed[i, j]) if dtype is bool else changed[i, j] + 1
                assert fingerprint(changed) != base


def test_save_to_an_upper_case_npz_name_writes_that_file(tmp_path):
    L = LabelMatrix.from_dense([[0, -1], [1, 1]], lf_names=["a", "b"])
    path = L.save(tmp_path / "L.NPZ")
    assert path == tmp_path / "L.NPZ" and sorted(p.name for p in tmp_path.iterdir()) == ["L.NPZ"]
    assert LabelMatrix.load(path) == L


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.uint32])
def test_an_abstain_wrapped_round_by_an_unsigned_cast_is_refused(dtype):
    L = np.array([[0, -1], [1, 1]])
    with pytest.raises(LabelMatrixError, match=r"row 0, column 1 .*wraps round"):
        LabelMatrix.from_dense(L.astype(dtype))
    assert LabelMatrix.from_dense(np.array([[0, 2], [1, 0]], dtype=dtype)).to_dense().tolist() == [[0, 2], [1, 0]]


@pytest.mark.parametrize(("rows", "message"), [
    ([[0, 1], [1]], "row 0 has 2 votes, row 1 has 1"),
    ([[0, 1], [1, 0], [1, 0, 1]], "row 0 has 2 votes, row 2 has 3"),
])
def test_rows_of_different_lengths_are_a_typed_error_naming_the_row(rows, message):
    # was numpy's ValueError ("inhomogeneous shape"), from every model's fit too
    with pytest.raises(LabelMatrixError, match=message):
        LabelMatrix.from_dense(rows)
    with pytest.raises(LabelMatrixError, match=message):
        as_label_matrix(rows, cardinality=2)


def test_float16_votes_convert_without_an_overflow_warning():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a user's pytest with filterwarnings=error: the warning was a crash
        L = LabelMatrix.from_dense(np.array([[1, -1], [0, 1]], dtype=np.float16))
        with pytest.raises(LabelMatrixError, match="holds nan"):
            LabelMatrix.from_dense(np.array([[1, np.nan]], dtype=np.float16))
    assert L.to_dense().tolist() == [[1, -1], [0, 1]]


def test_from_dense_on_a_dataframe_keeps_its_ids_and_lf_names_like_as_label_matrix():
    df = pd.DataFrame({"lf_a": [0, -1, 1], "lf_b": [1, 1, -1]}, index=pd.Index(["r9", "r2", "r5"], dtype="str"))
    L = LabelMatrix.from_dense(df)  # was positions 0..2 and lf_0, lf_1: the frame's ids silently lost
    assert L.index.tolist() == ["r9", "r2", "r5"] and L.lf_names == ["lf_a", "lf_b"]
    assert L == as_label_matrix(df)
    given = LabelMatrix.from_dense(df, lf_names=["x", "y"], index=[7, 8, 9])
    assert given.lf_names == ["x", "y"] and given.index.tolist() == [7, 8, 9]


def test_selections_users_get_wrong_are_typed_errors_naming_the_lf_or_row():
    L = LabelMatrix.from_dense([[0, -1, 1], [1, 1, -1], [-1, 0, 0]], lf_names=["a", "b", "c"], index=["x", "y", "z"])
    with pytest.raises(LabelMatrixError, match=r"no LF named 'zz'.*\['a', 'b', 'c'\]"):  # was ValueError
        L.select_lfs(["zz"])
    with pytest.raises(LabelMatrixError, match="LF position 5 is out of range"):  # was IndexError
        L.select_lfs([5])
    with pytest.raises(LabelMatrixError, match="flatnonzero"):  # a mask of LFs was read as positions 1 and 0
        L.select_lfs(np.array([True, False, True]))
    with pytest.raises(LabelMatrixError, match="row position 5 is out of range .* 3 rows"):  # was IndexError
        L[[0, 5]]
    assert L.select_lfs("b").lf_names == ["b"] and L.select_lfs([-1]).lf_names == ["c"]
    assert L[[-1]].index.tolist() == ["z"] and L.loc("y").index.tolist() == ["y"]


def test_a_boolean_series_mask_with_other_row_ids_is_refused_not_applied_by_position():
    L = LabelMatrix.from_dense([[0, -1], [1, 1], [-1, 0]], index=["x", "y", "z"])
    keep = pd.Series([True, False, False], index=["z", "y", "x"])  # keeps row "z"
    with pytest.raises(LabelMatrixError, match="row ids"):  # selected "x", silently
        L[keep]
    assert L[keep.reindex(L.index)].index.tolist() == ["z"]
    assert L[pd.Series([True, False, True], index=L.index)].index.tolist() == ["x", "z"]


@pytest.mark.parametrize("missing", [np.nan, None])
def test_a_missing_vote_says_abstain_is_minus_one(missing):
    with pytest.raises(LabelMatrixError, match=r"row 1, column 0 holds (nan|None) \(a missing vote: abstain is -1"):
        as_label_matrix(np.array([[0, 1], [missing, 1]], dtype=object if missing is None else float))


def test_add_lfs_from_a_dataframe_keeps_its_names_and_refuses_rows_in_another_order():
    L = LabelMatrix.from_dense([[0, -1], [1, 1], [-1, 0]], lf_names=["a", "b"], index=["x", "y", "z"])
    extra = pd.DataFrame({"c": [1, 0, -1]}, index=["x", "y", "z"])
    wide = L.add_lfs(extra)  # was named lf_2
    assert wide.lf_names == ["a", "b", "c"] and wide.to_dense()[:, 2].tolist() == [1, 0, -1]
    assert L.add_lfs(extra["c"]).lf_names == ["a", "b", "c"]
    with pytest.raises(LabelMatrixError, match="row ids differ"):  # was appended by position: z's votes on x
        L.add_lfs(extra.iloc[::-1])
    assert L.add_lfs(extra.iloc[::-1].reindex(L.index)) == wide
