"""LabelMatrix under NumPy idioms: the dense array's answer, or a TypeError naming .to_dense()."""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import weaksup as ws
from weaksup import ABSTAIN, LabelMatrix

votes = arrays(np.int64, st.tuples(st.integers(1, 12), st.integers(1, 5)), elements=st.integers(-1, 3))


@settings(max_examples=60, deadline=None)
@given(votes, st.integers(-1, 3))
def test_comparisons_and_numpy_functions_give_the_dense_answer(dense, value):
    L = LabelMatrix.from_dense(dense)
    for op in ("__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__"):
        got = getattr(L, op)(value)
        assert isinstance(got, np.ndarray) and got.dtype == bool
        np.testing.assert_array_equal(got, getattr(dense, op)(value))
    assert int(np.sum(L == value)) == int(np.sum(dense == value))
    assert int(np.sum(L != ABSTAIN)) == L.nnz
    np.testing.assert_array_equal(np.asarray(L), dense)
    np.testing.assert_array_equal(np.unique(L), np.unique(dense))
    np.testing.assert_array_equal(np.sum(L, axis=0), dense.sum(axis=0))  # abstains count as -1, as in NumPy
    np.testing.assert_array_equal(dense == L, dense == dense)  # ndarray on the left
    np.testing.assert_array_equal(L[L == value], dense[dense == value])
    assert (value in L) == (value in dense)


@settings(max_examples=60, deadline=None)
@given(votes, st.data())
def test_tuple_indexing_is_numpys(dense, data):
    L = LabelMatrix.from_dense(dense)
    n, m = dense.shape
    j = data.draw(st.integers(-m, m - 1))
    i = data.draw(st.integers(-n, n - 1))
    cols = data.draw(st.lists(st.integers(0, m - 1), min_size=1, max_size=4))
    rows = data.draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=4))
    mask = data.draw(arrays(bool, n))
    keys = [(slice(None), j), (i, j), (i, slice(None)), (slice(1, None), cols), (mask, j), (rows, slice(None)),
            (slice(None), slice(None, None, -1))]
    if len(rows) == len(cols):
        keys.append((rows, cols))  # paired fancy indexing
    for key in keys:
        np.testing.assert_array_equal(L[key], dense[key], err_msg=f"key {key!r}")
    np.testing.assert_array_equal(L[i], dense[i])  # one row: a 1-D array
    np.testing.assert_array_equal(np.stack(list(L)), dense)  # iteration gives rows
    with pytest.raises(IndexError):
        L[:, m]


def test_row_selection_still_gives_label_matrices():
    L = LabelMatrix.from_dense([[0, -1], [1, 1], [-1, 0]], lf_names=["a", "b"], index=["x", "y", "z"])
    for key in (np.array([True, False, True]), [0, 2], slice(0, 2)):
        part = L[key]
        assert isinstance(part, LabelMatrix) and part.lf_names == ["a", "b"]
    assert L[[0, 2]].index.tolist() == ["x", "z"]
    assert (L == L) is True and (L != L) is False  # two label matrices: whole-matrix equality
    assert L != LabelMatrix.from_dense([[0, -1], [1, 1], [-1, 1]], lf_names=["a", "b"], index=["x", "y", "z"])
    assert copy.deepcopy(L) == L and pickle.loads(pickle.dumps(L)) == L


@pytest.mark.parametrize("expr", [lambda L: L + 1, lambda L: 1 + L, lambda L: L * 2, lambda L: -L,
                                  lambda L: L @ np.ones(2), lambda L: L - L, lambda L: abs(L), lambda L: ~L,
                                  lambda L: L[L]])
def test_arithmetic_raises_a_type_error_naming_to_dense(expr):
    L = LabelMatrix.from_dense([[0, -1], [1, 1]])
    with pytest.raises(TypeError, match=r"\.to_dense\(\)"):
        expr(L)


def test_ndarray_methods_name_to_dense():
    L = LabelMatrix.from_dense([[0, -1]])
    with pytest.raises(AttributeError, match=r"\.to_dense\(\)"):
        L.sum()
    assert not hasattr(L, "dtype")
    with pytest.raises(AttributeError, match="no attribute 'whatever'"):
        L.whatever  # noqa: B018


def test_snorkel_idioms_on_a_native_matrix(spam):
    from weaksup.datasets import spam_lfs

    L = ws.LFApplier(spam_lfs()).apply(spam[1], progress=False)
    dense = L.to_dense()
    # the idioms of Snorkel's tutorial, on the sparse matrix
    assert ((L != ABSTAIN).sum(axis=1) > 0).mean() == ((dense != ABSTAIN).sum(axis=1) > 0).mean()
    assert np.sum(L[:, 0] == 1) == np.sum(dense[:, 0] == 1) > 0
    np.testing.assert_array_equal(np.asarray(L)[L[:, 1] != ABSTAIN], dense[dense[:, 1] != ABSTAIN])
