import numpy as np
import pytest

from weaksup import ModelInputError
from weaksup.models import PatternCounts

from .conftest import make_votes


def test_chunks_merge_to_whole_matrix_statistics():
    L, _ = make_votes(2000, [0.9, 0.8, 0.7, 0.6], k=3, cov=0.5, seed=0)
    parts = [PatternCounts.from_label_matrix(L[i : i + 300], cardinality=3) for i in range(0, 2000, 300)]
    whole = PatternCounts.from_label_matrix(L, cardinality=3)
    assert sum(parts) == whole
    assert whole.n_rows == 2000 and whole.n_patterns == len(np.unique(L, axis=0))
    np.testing.assert_allclose(whole.coverage(), (L >= 0).mean(axis=0))


def test_overlap_and_agreement_matrices_match_dense_definitions():
    L, _ = make_votes(500, [0.9, 0.8, 0.7], k=2, cov=0.6, seed=1)
    s = PatternCounts.from_label_matrix(L, cardinality=2)
    onehot = np.concatenate([(L[:, [j]] == np.arange(2)).astype(float) for j in range(3)], axis=1)
    np.testing.assert_allclose(s.overlap_matrix(), onehot.T @ onehot / 500)
    agree = np.array([[np.mean((L[:, i] == L[:, j]) & (L[:, i] >= 0)) for j in range(3)] for i in range(3)])
    np.testing.assert_allclose(s.agreement_matrix(), agree)


def test_merge_errors_are_typed():
    a = PatternCounts.from_label_matrix([[0, 1]])
    with pytest.raises(ModelInputError, match="2 LFs"):
        a.merge(PatternCounts.from_label_matrix([[0, 1, 1]]))
    with pytest.raises(ModelInputError, match="cardinality"):
        PatternCounts.from_label_matrix([[0, 1]], cardinality=2).merge(
            PatternCounts.from_label_matrix([[0, 1]], cardinality=3))
    with pytest.raises(ModelInputError, match="non-negative"):
        PatternCounts(a.patterns, [-1])


@pytest.mark.parametrize("cov", [0.02, 0.9])  # few votes: sparse product; LFs voting on most rows: dense blocks
def test_overlap_matrix_is_exact_on_both_routes(cov):
    L, _ = make_votes(3000, [0.9, 0.8, 0.7, 0.6, 0.75], k=3, cov=cov, seed=4)
    s = PatternCounts.from_label_matrix(L, cardinality=3)
    onehot = np.concatenate([(L[:, [j]] == np.arange(3)).astype(float) for j in range(5)], axis=1)
    counts = onehot.T @ onehot
    np.testing.assert_array_equal(s.overlap_matrix(), counts / 3000)  # integer counts: exact, no rounding


@pytest.mark.parametrize("data_dtype", [np.int8, np.int16, np.int64, np.uint8])
@pytest.mark.parametrize("index_dtype", [np.int32, np.int64])
def test_one_hot_is_the_indicator_of_every_vote_whatever_the_stored_dtypes(data_dtype, index_dtype):
    import scipy.sparse as sp

    from weaksup.models.stats import one_hot

    L, _ = make_votes(400, [0.9, 0.8, 0.7, 0.6], k=4, cov=0.5, seed=8)
    csr = sp.csr_matrix(L + 1)
    csr = sp.csr_matrix((csr.data.astype(data_dtype), csr.indices.astype(index_dtype),
                         csr.indptr.astype(index_dtype)), shape=csr.shape)
    X = one_hot(csr, 4)
    expected = np.concatenate([(L[:, [j]] == np.arange(4)).astype(float) for j in range(4)], axis=1)
    np.testing.assert_array_equal(X.toarray(), expected)
    assert X.data.dtype == np.float64 and X.indices.dtype == csr.indices.dtype
    assert X.indptr is not csr.indptr  # its own row structure: changing one never changes the other


@pytest.mark.parametrize("rows", [1, 7, 100, 10**6])
def test_one_hot_blocks_stack_to_the_one_hot_and_share_one_buffer(rows):
    import scipy.sparse as sp

    from weaksup.patterns import one_hot, one_hot_blocks

    L, _ = make_votes(300, [0.9, 0.8, 0.7], k=3, cov=0.5, seed=2)
    L[:5] = -1
    csr = sp.csr_matrix(L + 1)
    blocks = one_hot_blocks(csr, 3, rows=rows)
    assert [b for _, b, _ in blocks][-1] == 300 and all(b - a <= rows for a, b, _ in blocks)
    assert all(a == prev for (a, _, _), (_, prev, _) in zip(blocks[1:], blocks[:-1], strict=True))
    np.testing.assert_array_equal(sp.vstack([X for _, _, X in blocks]).toarray(), one_hot(csr, 3).toarray())
    largest = max(blocks, key=lambda blk: blk[2].nnz)[2]
    assert not largest.data.flags.writeable  # the shared ones cannot be scaled through one block


@pytest.mark.parametrize("rows", [1, 7, 100, 10**6])
def test_one_hot_blocks_made_one_at_a_time_equal_the_one_hot(rows):
    import scipy.sparse as sp

    from weaksup.patterns import iter_one_hot_blocks, one_hot

    L, _ = make_votes(300, [0.9, 0.8, 0.7], k=3, cov=0.5, seed=4)
    L[:5] = -1
    L[290:] = -1  # empty blocks at the end too
    csr = sp.csr_matrix(L + 1)
    whole = one_hot(csr, 3).toarray()
    seen = []
    for a, b, X in iter_one_hot_blocks(csr, 3, rows=rows):  # each block checked before the next reuses the buffers
        assert b - a <= rows
        np.testing.assert_array_equal(X.toarray(), whole[a:b])
        seen.append((a, b))
    assert seen[0][0] == 0 and seen[-1][1] == 300
    assert all(a == prev for (a, _), (_, prev) in zip(seen[1:], seen[:-1], strict=True))


def test_distinct_row_probe_counts_the_patterns():
    import scipy.sparse as sp

    from weaksup.patterns import n_distinct_rows

    rng = np.random.default_rng(5)
    for _ in range(50):
        n, m = int(rng.integers(1, 60)), int(rng.integers(1, 5))
        L = np.where(rng.random((n, m)) < 0.5, rng.integers(0, 3, (n, m)), -1)
        csr = sp.csr_matrix(L + 1)
        for rows in (1, n // 2 + 1, n, n + 5):
            assert n_distinct_rows(csr, rows) == len(np.unique(L[:rows], axis=0))
    assert n_distinct_rows(sp.csr_matrix((0, 3), dtype=np.int8)) == 0
