"""The kept conversion of a dense label array: fingerprinted on the way, every byte checked before reuse (issue 19)."""

import numpy as np
import pytest

import weaksup._dense_cache as dc
import weaksup._dense_convert as mc
from weaksup.matrix import LabelMatrix, as_label_matrix


@pytest.fixture
def small(monkeypatch):
    """Arrays from 64 entries kept; blocks of 3 rows; three threads: every block and part boundary is crossed."""
    monkeypatch.setattr(dc, "MIN_ENTRIES", 64)
    monkeypatch.setattr(dc, "BLOCK_ENTRIES", 3 * 7)
    monkeypatch.setattr(mc, "_DENSE_PER_THREAD", 16)
    monkeypatch.setattr(mc, "_dense_threads", lambda: 3)
    dc.clear()
    yield
    dc.clear()


def _votes(n=101, m=7, seed=0, dtype=np.int64):
    rng = np.random.default_rng(seed)
    return np.where(rng.random((n, m)) < 0.4, rng.integers(0, 3, (n, m)), -1).astype(dtype)


@pytest.mark.parametrize("dtype", [np.int8, np.int32, np.int64, np.uint16, np.float32, np.float64])
def test_the_conversion_hashes_what_fingerprint_hashes(small, dtype):
    arr = _votes(dtype=dtype)
    if np.dtype(dtype).kind == "u":
        arr = arr + 1  # no -1 in unsigned arrays: 0 is then a vote of class 0
    csr, fp = mc.dense_csr_digest(arr, str)
    assert fp == dc.fingerprint(arr)
    assert (csr != mc.dense_csr(arr, str)).nnz == 0
    # read out of memory order: no digest on the way (the caller fingerprints separately)
    assert mc.dense_csr_digest(np.asfortranarray(arr), str)[1] is None
    assert mc.dense_csr_digest(arr[::2], str)[1] is None


@pytest.mark.parametrize("where", ["first row", "middle", "last row", "last entry"])
@pytest.mark.parametrize("layout", ["C", "F", "strided"])
def test_an_in_place_edit_anywhere_between_fit_and_predict_is_seen(small, where, layout):
    from weaksup.models import LabelModel

    base = _votes(seed=1)
    # strided: every other row of a larger array
    arr = {"C": base.copy(), "F": np.asfortranarray(base), "strided": np.repeat(base, 2, axis=0)[::2]}[layout]
    model = LabelModel(cardinality=3).fit(arr)
    first = as_label_matrix(arr, cardinality=3)
    assert as_label_matrix(arr, cardinality=3) is first  # unchanged: the kept conversion
    i, j = {"first row": (0, 0), "middle": (50, 3), "last row": (100, 2), "last entry": (100, 6)}[where]
    arr[i, j] = (arr[i, j] + 2) % 3  # a vote that differs (or a vote where it abstained)
    again = as_label_matrix(arr, cardinality=3)
    assert again is not first
    np.testing.assert_array_equal(again.to_dense(), arr)
    np.testing.assert_array_equal(model.predict_proba(arr), model.predict_proba(LabelMatrix.from_dense(arr)))


def test_a_float_array_with_a_bad_entry_is_still_refused_after_a_kept_conversion(small):
    arr = _votes(dtype=np.float64)
    as_label_matrix(arr)
    arr[77, 5] = 0.5
    with pytest.raises(Exception, match=r"row 77, column 5"):
        as_label_matrix(arr)


@pytest.mark.parametrize("gap", [1, 3, 5, 40])
@pytest.mark.parametrize("piece", [1 << 16, 2])
def test_moving_a_part_down_never_reads_what_it_overwrote(monkeypatch, gap, piece):
    monkeypatch.setattr(mc, "_MOVE_PIECE", piece)
    buf = np.arange(100, dtype=np.int32)
    count = 100 - (10 + gap)
    expected = buf.copy()
    expected[10 : 10 + count] = buf[10 + gap : 10 + gap + count]
    mc._move_down(buf, 10 + gap, 10, count)
    np.testing.assert_array_equal(buf, expected)


@pytest.mark.parametrize("threads", [1, 2, 3, 4])
@pytest.mark.parametrize("slack", [0, 1 << 27])
@pytest.mark.parametrize("dtype", [np.int8, np.int64])
def test_columns_written_in_place_or_gathered_give_the_same_matrix(small, monkeypatch, slack, dtype, threads):
    # slack 0 and int8 input: the columns are gathered per block (no reservation); otherwise written in
    # place, every even part of several backwards (its columns end where the next part's begin)
    monkeypatch.setattr(mc, "_RESERVE_SLACK", slack)
    monkeypatch.setattr(mc, "_dense_threads", lambda: threads)
    arr = _votes(n=211, seed=3, dtype=dtype)
    arr[:40] = -1  # a first part without votes
    csr, fp = mc.dense_csr_digest(arr, str)
    ref = np.asarray(arr, dtype=np.int64) + 1
    np.testing.assert_array_equal(csr.toarray(), ref)
    assert csr.has_canonical_format and csr.indices.dtype == np.int32 and csr.indptr.dtype == np.int32
    assert fp == dc.fingerprint(arr)
