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
