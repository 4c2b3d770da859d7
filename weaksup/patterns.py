"""Sufficient statistics of a label matrix: counts of distinct vote patterns, mergeable chunk by chunk.

Below both the appliers (which reduce chunks to them) and the label models (which fit from them).

Label models fit from these instead of the raw rows, so fitting cost depends on the
number of distinct vote patterns, not on ``n``. Statistics of row chunks (or Dask
partitions) are computed independently and merged with ``a.merge(b)`` / ``a + b``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from weaksup._names import column_order, is_default
from weaksup.errors import ModelInputError
from weaksup.matrix import LabelMatrix, as_label_matrix

# Random 64-bit keys per (LF, stored value); a row's hash is the wrapping sum of its keys.
# Two different rows collide with probability 2**-64; collisions are detected and resolved exactly.
_KEY_SEED = 20240531
_DEFAULT_CHUNK = 1_000_000
_DENSE_OVERLAP = 0.1  # share of (pattern, LF vote) cells filled above which the overlap matrix is built dense
_DENSE_BLOCK = 8_000_000  # cells per dense block of patterns (64 MB of float64)


def _keys(n_lfs: int, n_values: int) -> np.ndarray:
    rng = np.random.default_rng(_KEY_SEED)
    return rng.integers(0, np.iinfo(np.uint64).max, size=(n_lfs, n_values), dtype=np.uint64, endpoint=True)


def _row_hashes(csr: sp.csr_matrix, keys: np.ndarray) -> np.ndarray:
    # one flat gather (j * n_values + value) is 4x faster than indexing keys by two arrays
    idx = csr.indices.astype(np.int64)
    idx *= keys.shape[1]
    idx += csr.data
    vals = np.take(keys.reshape(-1), idx)
    cs = np.zeros(len(vals) + 1, dtype=np.uint64)
    np.cumsum(vals, dtype=np.uint64, out=cs[1:])
    return cs[csr.indptr[1:]] - cs[csr.indptr[:-1]]  # wraps mod 2**64, which is what we want


def n_distinct_rows(csr: sp.csr_matrix, rows: int | None = None) -> int:
    """Number of distinct rows among the first ``rows`` (default all) of a ``label + 1`` CSR, from their hashes.

    A cheap probe (no patterns are built): a hash collision, probability about ``2**-64`` per
    pair of rows, can only make the count one lower. Use :meth:`PatternCounts.from_label_matrix`
    for the exact patterns.

    Examples
    --------
    >>> n_distinct_rows(sp.csr_matrix([[1, 0], [1, 0], [2, 2]])), n_distinct_rows(sp.csr_matrix([[1], [2]]), 1)
    (2, 1)
    """
    n = csr.shape[0] if rows is None else min(rows, csr.shape[0])
    end = int(csr.indptr[n])
    # views of the first rows (slicing the matrix would copy them)
    head = sp.csr_matrix((csr.data[:end], csr.indices[:end], csr.indptr[: n + 1]), shape=(n, csr.shape[1]), copy=False)
    keys = _keys(csr.shape[1], int(head.data.max()) + 1 if end else 1)
    h = np.sort(_row_hashes(head, keys))  # sorting and counting changes: 4x faster than np.unique here
    return int(np.count_nonzero(h[1:] != h[:-1])) + 1 if n else 0


def _same_as_representative(csr: sp.csr_matrix, rep: np.ndarray) -> np.ndarray:
    """Boolean per row: identical (indices and values) to row ``rep[row]``."""
    nnz = np.diff(csr.indptr)
    ok = nnz == nnz[rep]
    if not csr.nnz:
        return ok
    row_of = np.repeat(np.arange(csr.shape[0]), nnz)
    offset = np.arange(csr.nnz) - csr.indptr[row_of]
    rep_pos = np.minimum(csr.indptr[rep[row_of]] + offset, csr.nnz - 1)
    bad = (csr.indices != csr.indices[rep_pos]) | (csr.data != csr.data[rep_pos])
    ok[row_of[bad]] = False
    return ok


def _unique_rows(csr: sp.csr_matrix, weights: np.ndarray, keys: np.ndarray) -> tuple[sp.csr_matrix, np.ndarray]:
    """Distinct rows of ``csr`` and the summed ``weights`` of each, ordered by hash (deterministic)."""
    h = _row_hashes(csr, keys)
    uniq, first, inv = np.unique(h, return_index=True, return_inverse=True)
    if not _same_as_representative(csr, first[inv]).all():
        # a 64-bit hash collision (astronomically rare): fall back to exact lexicographic unique
        dense = csr.toarray()
        _, first, inv = np.unique(dense, axis=0, return_index=True, return_inverse=True)
        inv = inv.ravel()
        uniq = first
    counts = np.bincount(inv, weights=weights, minlength=len(uniq))
    return csr[first], np.rint(counts).astype(np.int64)


def _first_cell(csr: sp.csr_matrix, mask: np.ndarray) -> tuple[int, int]:
    """(row, column) of the first stored entry where ``mask`` holds."""
    pos = int(np.argmax(mask))
    return int(np.searchsorted(csr.indptr, pos, side="right") - 1), int(csr.indices[pos])


def _checked_patterns(patterns: Any, names: list[str]) -> sp.csr_matrix:
    """``patterns`` as a canonical CSR of stored ``label + 1`` votes (whole numbers >= 1; zeros dropped).

    Every statistic indexes one-hot columns by ``j k + vote - 1``: a negative or fractional vote would land in
    another LF's columns (a negative index even writes outside scipy's arrays), so they are refused here.
    """
    csr = sp.csr_matrix(patterns)  # a copy where the input is not CSR already; below only a fresh one is changed
    if csr.dtype.kind not in "iuf" and csr.dtype.kind != "b":
        raise ModelInputError(f"patterns must hold numbers (label + 1, 0 = abstain), got dtype {csr.dtype}")
    data = csr.data
    if data.dtype.kind == "f":
        bad = ~np.isfinite(data) | (data != np.rint(data))
        if bad.any():
            r, j = _first_cell(csr, bad)
            raise ModelInputError(f"pattern {r}, LF {names[j]!r} holds {data[bad][0].item()!r}: votes are stored as whole numbers "
                                  "label + 1 (0 = abstain)")
    if (data < 0).any():
        r, j = _first_cell(csr, data < 0)
        raise ModelInputError(f"pattern {r}, LF {names[j]!r} holds {data[data < 0][0].item()!r}: votes are stored as label + 1 "
                              "(0 = abstain), so none is negative; a dense -1-abstain matrix goes through "
                              "PatternCounts.from_label_matrix")
    if data.dtype.kind in "fb" or not csr.has_canonical_format or (data == 0).any():
        csr = sp.csr_matrix(csr, copy=True)
        if csr.dtype.kind in "fb":
            csr = csr.astype(np.int64)
        csr.sum_duplicates()
        csr.eliminate_zeros()  # an explicit 0 is an abstain, not a stored vote
    return csr


def _distinct(patterns: sp.csr_matrix, counts: np.ndarray) -> tuple[sp.csr_matrix, np.ndarray]:
    """Repeated patterns merged and patterns of count 0 dropped."""
    keys = _keys(patterns.shape[1], int(patterns.data.max()) + 1 if patterns.nnz else 1)
    pats, merged = _unique_rows(patterns, counts.astype(np.float64), keys)
    return pats[merged > 0], merged[merged > 0]


def _canonical(patterns: sp.csr_matrix, counts: np.ndarray) -> tuple[sp.csr_matrix, np.ndarray]:
    keys = _keys(patterns.shape[1], int(patterns.data.max()) + 1 if patterns.nnz else 1)
    order = np.argsort(_row_hashes(patterns, keys), kind="stable")
    return patterns[order], counts[order]


class PatternCounts:
    """Counts of the distinct vote patterns (unique rows) of a label matrix.

    The sufficient statistic of every label model that treats rows as exchangeable:
    ``patterns`` is a CSR matrix (``label + 1``, zeros are abstains) with one row per
    distinct pattern, ``counts`` how many rows had it. Build it per chunk with
    :meth:`from_label_matrix` and combine with :meth:`merge` or ``+``; the result is the
    same as computing it on the whole matrix at once.

    Parameters
    ----------
    patterns : scipy.sparse matrix (p, m)
        Distinct rows, stored as ``label + 1``.
    counts : array (p,)
        Number of rows with each pattern.
    cardinality : int, optional
        Number of classes, when known.
    lf_names : list of str, optional
        LF names; default ``lf_0, lf_1, ...``.

    Merging matches LFs **by name**: statistics of the same LFs in another column order are
    put in the order of the left operand, and different LF sets raise
    :class:`~weaksup.errors.ModelInputError` naming the LFs missing and extra. Default names
    (from unnamed dense arrays) carry no identity, so statistics with them merge by position,
    and the merged statistics keep the real names of either side.

    Examples
    --------
    >>> import numpy as np
    >>> L = np.array([[0, 1], [0, 1], [-1, 1], [-1, -1]])
    >>> s = PatternCounts.from_label_matrix(L[:2]) + PatternCounts.from_label_matrix(L[2:])
    >>> s.n_rows, s.n_patterns
    (4, 3)
    >>> s == PatternCounts.from_label_matrix(L)
    True
    """

    def __init__(
        self,
        patterns: sp.spmatrix | sp.sparray,
        counts: Sequence[int] | np.ndarray,
        cardinality: int | None = None,
        lf_names: Sequence[str] | None = None,
    ) -> None:
        patterns = patterns if sp.issparse(patterns) else sp.csr_matrix(patterns)
        m = patterns.shape[1]
        self.lf_names = [f"lf_{j}" for j in range(m)] if lf_names is None else [str(s) for s in lf_names]
        if len(self.lf_names) != m:
            raise ModelInputError(f"{len(self.lf_names)} LF names for statistics over {m} LFs")
        if len(set(self.lf_names)) != m:
            dupes = sorted({n for n in self.lf_names if self.lf_names.count(n) > 1})
            raise ModelInputError(f"LF names must be unique; repeated: {dupes[:6]}")
        self.patterns = _checked_patterns(patterns, self.lf_names)
        raw = np.asarray(counts)
        if raw.dtype.kind not in "iubf":
            raise ModelInputError(f"pattern counts must be whole numbers of rows, got dtype {raw.dtype}")
        if raw.dtype.kind == "f":
            # a float count (1.5, NaN) cast to int64 would silently become another number of rows
            bad = ~np.isfinite(raw) | (raw != np.rint(raw))
            if bad.any():
                i = int(np.argmax(bad.ravel()))
                raise ModelInputError(f"pattern counts must be whole numbers of rows; count {i} is {raw.ravel()[i].item()!r}")
        self.counts = raw.astype(np.int64)
        if self.counts.shape != (self.patterns.shape[0],):
            raise ModelInputError(f"{self.counts.size} counts for {self.patterns.shape[0]} patterns")
        if (self.counts < 0).any():
            i = int(np.argmax(self.counts < 0))
            raise ModelInputError(f"pattern counts must be non-negative; count {i} is {int(self.counts[i])}")
        if cardinality is not None:
            if (isinstance(cardinality, (bool, np.bool_)) or not isinstance(cardinality, (int, float, np.number))
                    or cardinality != int(cardinality) or cardinality < 2):
                raise ModelInputError(f"cardinality must be an integer >= 2, got {cardinality!r}")
            top = int(self.patterns.data.max()) if self.patterns.nnz else 0
            if top > cardinality:
                r, j = _first_cell(self.patterns, self.patterns.data == top)
                raise ModelInputError(f"pattern {r} holds label {top - 1} for LF {self.lf_names[j]!r}, out of range for "
                                      f"cardinality {cardinality} (labels are 0..{int(cardinality) - 1})")
        self.cardinality = None if cardinality is None else int(cardinality)

    # construction -------------------------------------------------------------------------------
    @classmethod
    def from_label_matrix(
        cls, L: Any, cardinality: int | None = None, chunk_size: int = _DEFAULT_CHUNK
    ) -> PatternCounts:
        """Count distinct rows of ``L`` (LabelMatrix, dense ``-1``-abstain array or sparse ``label + 1``).

        Rows are hashed ``chunk_size`` at a time, so peak extra memory is bounded by a chunk.

        Examples
        --------
        >>> sorted(PatternCounts.from_label_matrix([[0, -1], [0, -1], [1, 1]]).counts.tolist())
        [1, 2]
        """
        if isinstance(chunk_size, bool) or not isinstance(chunk_size, (int, np.integer)) or chunk_size < 1:
            raise ModelInputError(f"chunk_size must be a positive int (rows hashed at a time), got {chunk_size!r}")
        L = as_label_matrix(L, cardinality=cardinality)
        k = cardinality if cardinality is not None else L.cardinality
        csr = L.csr
        keys = _keys(L.n_lfs, int(csr.data.max()) + 1 if csr.nnz else 1)
        out: PatternCounts | None = None
        for start in range(0, max(L.n_rows, 1), chunk_size):
            part = csr[start : start + chunk_size]
            pats, counts = _unique_rows(part, np.ones(part.shape[0]), keys)
            piece = cls(pats, counts, cardinality=k, lf_names=L.lf_names)
            out = piece if out is None else out.merge(piece)
        assert out is not None
        return out

    def merge(self, other: PatternCounts) -> PatternCounts:
        """Statistics of the union of the rows behind ``self`` and ``other``, LFs matched by name.

        The result has the LF order (and names) of ``self``; see the class notes for the rule.

        Examples
        --------
        >>> import pandas as pd
        >>> a = PatternCounts.from_label_matrix([[0, 1]])
        >>> a.merge(a).counts.tolist()
        [2]
        >>> x = PatternCounts.from_label_matrix(pd.DataFrame({"spam": [1], "ham": [0]}))
        >>> y = PatternCounts.from_label_matrix(pd.DataFrame({"ham": [0], "spam": [1]}))  # other column order
        >>> merged = x.merge(y)
        >>> merged.lf_names, merged.counts.tolist()
        (['spam', 'ham'], [2])
        """
        if not isinstance(other, PatternCounts):
            raise ModelInputError(f"can only merge PatternCounts with PatternCounts, not {type(other).__name__}")
        if (is_default(self.lf_names) or is_default(other.lf_names)) and other.n_lfs != self.n_lfs:
            raise ModelInputError(f"cannot merge statistics over {self.n_lfs} LFs with statistics over {other.n_lfs}")
        if self.cardinality is not None and other.cardinality is not None and self.cardinality != other.cardinality:
            raise ModelInputError(f"cannot merge cardinality {self.cardinality} with cardinality {other.cardinality}")
        k = self.cardinality if self.cardinality is not None else other.cardinality
        other_patterns = other._columns_as(self.lf_names, "cannot merge statistics of different LFs")
        names = other.lf_names if is_default(self.lf_names) else self.lf_names  # never lose real names
        stacked = sp.vstack([self.patterns, other_patterns], format="csr")
        stacked.sort_indices()
        dtype = np.result_type(self.patterns.dtype, other.patterns.dtype)
        stacked = stacked.astype(dtype)
        keys = _keys(self.n_lfs, int(stacked.data.max()) + 1 if stacked.nnz else 1)
        pats, counts = _unique_rows(stacked, np.concatenate([self.counts, other.counts]).astype(np.float64), keys)
        return PatternCounts(pats, counts, cardinality=k, lf_names=names)

    def __add__(self, other: PatternCounts) -> PatternCounts:
        return self.merge(other)

    def __radd__(self, other: Any) -> PatternCounts:
        if other == 0:  # lets sum([...]) work
            return self
        return self.merge(other)

    def __eq__(self, other: object) -> bool:
        """Same rows behind both (LFs matched by name, as in :meth:`merge`)."""
        if not isinstance(other, PatternCounts) or other.n_lfs != self.n_lfs or other.n_rows != self.n_rows:
            return False
        try:
            theirs = other._columns_as(self.lf_names, "")
        except ModelInputError:  # different LFs
            return False
        # statistics built by hand may repeat a pattern or hold a count of 0: the same rows all the same
        a, b = _canonical(*_distinct(self.patterns, self.counts)), _canonical(*_distinct(theirs, other.counts))
        return bool(a[0].shape == b[0].shape and np.array_equal(a[1], b[1]) and (a[0] != b[0]).nnz == 0)

    __hash__ = None  # type: ignore[assignment]

    def _columns_as(self, names: list[str], context: str) -> sp.csr_matrix:
        """``patterns`` with columns in the order of ``names`` (as they are when matching is positional)."""
        order = column_order(names, self.lf_names, context)
        if order is None:
            return self.patterns
        out = self.patterns[:, order]
        out.sort_indices()
        return out

    # properties ---------------------------------------------------------------------------------
    @property
    def n_rows(self) -> int:
        """Number of rows summarised."""
        return int(self.counts.sum())

    @property
    def n_patterns(self) -> int:
        """Number of distinct vote patterns."""
        return int(self.patterns.shape[0])

    @property
    def n_lfs(self) -> int:
        return int(self.patterns.shape[1])

    def infer_cardinality(self) -> int:
        """``cardinality`` if set, else ``max(label) + 1`` (at least 2)."""
        if self.cardinality is not None:
            return self.cardinality
        return max(2, int(self.patterns.data.max()) if self.patterns.nnz else 2)

    def __repr__(self) -> str:
        return (
            f"PatternCounts(n_rows={self.n_rows}, n_patterns={self.n_patterns}, n_lfs={self.n_lfs}, "
            f"cardinality={self.cardinality})"
        )

    # derived statistics -------------------------------------------------------------------------
    def to_label_matrix(self) -> LabelMatrix:
        """The distinct patterns as a LabelMatrix (one row per pattern; weights in ``counts``)."""
        return LabelMatrix(self.patterns, lf_names=self.lf_names, cardinality=self.cardinality)

    def one_hot(self, cardinality: int | None = None) -> sp.csr_matrix:
        """``p x (m k)`` indicator matrix: column ``j k + c`` is 1 where LF ``j`` voted ``c``."""
        k = cardinality or self.infer_cardinality()
        top = int(self.patterns.data.max()) if self.patterns.nnz else 0
        if top > k:  # label k of LF j would be counted as class 0 of LF j + 1
            r, j = _first_cell(self.patterns, self.patterns.data == top)
            raise ModelInputError(f"pattern {r} holds label {top - 1} for LF {self.lf_names[j]!r}, out of range "
                                  f"for cardinality {k} (labels are 0..{k - 1})")
        return one_hot(self.patterns, k)

    def overlap_matrix(self, cardinality: int | None = None) -> np.ndarray:
        """``(m k) x (m k)`` matrix of ``P(lf_i = a, lf_j = b)`` over all rows (Snorkel's ``O``).

        Examples
        --------
        >>> PatternCounts.from_label_matrix([[0, 0], [1, -1]]).overlap_matrix()[0].tolist()
        [0.5, 0.0, 0.5, 0.0]
        """
        X = self.one_hot(cardinality)
        w = self.counts.astype(np.float64)
        p, d = X.shape
        if X.nnz < _DENSE_OVERLAP * p * d:
            overlap = (X.T @ sp.diags(w) @ X).toarray()
        else:  # LFs voting on most rows: BLAS on dense row blocks beats the sparse product many times over
            overlap = np.zeros((d, d))
            step = max(1, _DENSE_BLOCK // max(d, 1))
            for start in range(0, p, step):
                block = X[start : start + step].toarray()
                overlap += block.T @ (block * w[start : start + step, None])
        # either way the sums are of integer counts, exact in float64: both routes give the same matrix
        return overlap / max(self.n_rows, 1)

    def agreement_matrix(self) -> np.ndarray:
        """``m x m`` share of rows on which LFs ``i`` and ``j`` both vote and agree.

        Examples
        --------
        >>> PatternCounts.from_label_matrix([[0, 0], [1, 0]]).agreement_matrix().tolist()
        [[1.0, 0.5], [0.5, 1.0]]
        """
        k = self.infer_cardinality()
        m = self.n_lfs
        return np.einsum("icjc->ij", self.overlap_matrix(k).reshape(m, k, m, k))

    def coverage(self) -> np.ndarray:
        """Share of rows on which each LF votes."""
        voted = self.patterns.copy()
        voted.data = np.ones_like(voted.data, dtype=np.float64)
        return np.asarray(voted.T @ self.counts.astype(np.float64)).ravel() / max(self.n_rows, 1)


def one_hot(csr: sp.csr_matrix, k: int) -> sp.csr_matrix:
    """Indicator CSR (n x m k) of the votes of a ``label + 1`` CSR, sharing its row structure."""
    m = csr.shape[1]
    kind = csr.indices.dtype if m * k < 2**31 else np.int64
    # two passes into one fresh array, no temporaries the size of the votes (175M of them at 10M x 100):
    # j k + (vote - 1), the vote shifted in its own (small) dtype first
    cols = np.multiply(csr.indices, np.dtype(kind).type(k), dtype=kind)
    shift = csr.data - csr.data.dtype.type(1)
    np.add(cols, shift, out=cols, casting="unsafe")
    return sp.csr_matrix((np.ones(len(cols)), cols, csr.indptr.copy()), shape=(csr.shape[0], m * k))


def one_hot_blocks(
    csr: sp.csr_matrix, k: int, rows: int = 1 << 19, each: Callable = map
) -> list[tuple[int, int, sp.csr_matrix]]:
    """:func:`one_hot` cut into blocks of ``rows`` rows: ``[(start, stop, X_block), ...]``.

    The blocks share one read-only buffer of ones (the size of the largest block's votes) instead of
    one float per vote of the whole matrix (1.4 GB at 10M x 100), and products with a block return
    arrays a block long, which a pass over all blocks reuses instead of drawing fresh memory.
    ``each`` maps the block builder over the blocks (a thread pool's ``map`` builds them in parallel).

    Examples
    --------
    >>> csr = sp.csr_matrix([[1, 2], [2, 0], [0, 1]])
    >>> blocks = one_hot_blocks(csr, 2, rows=2)
    >>> [(a, b) for a, b, _ in blocks]
    [(0, 2), (2, 3)]
    >>> bool((sp.vstack([X for _, _, X in blocks]) != one_hot(csr, 2)).nnz == 0)
    True
    """
    n, m = csr.shape
    kind = csr.indices.dtype if m * k < 2**31 else np.int64
    bounds = [*range(0, n, max(1, rows)), n] if n else [0, 0]
    ends = csr.indptr[bounds]
    ones = np.ones(int(np.diff(ends).max()) if len(ends) > 1 else 0)
    ones.flags.writeable = False  # shared by every block: nobody may scale one block's votes

    def block(i: int) -> tuple[int, int, sp.csr_matrix]:
        a, b, lo, hi = bounds[i], bounds[i + 1], int(ends[i]), int(ends[i + 1])
        # each block's columns in an array of its own: scipy copies a view of a much larger array
        cols = np.multiply(csr.indices[lo:hi], np.dtype(kind).type(k), dtype=kind)
        np.add(cols, csr.data[lo:hi], out=cols, casting="unsafe")
        cols -= np.dtype(kind).type(1)
        X = sp.csr_matrix((ones[: hi - lo], cols, csr.indptr[a : b + 1] - lo), shape=(b - a, m * k), copy=False)
        return a, b, X

    return list(each(block, range(len(bounds) - 1)))


def iter_one_hot_blocks(csr: sp.csr_matrix, k: int, rows: int = 1 << 16, start: int = 0, stop: int | None = None):
    """:func:`one_hot_blocks` made one at a time, every block in the same two buffers: ``(start, stop, X_block)``.

    For a single pass (prediction): its memory is one block's, reused, so no fresh memory is touched
    per block. A block is valid only until the next one is made. ``start`` and ``stop`` limit the
    blocks to those rows (a thread's share of a pass; no copy of the matrix).

    Examples
    --------
    >>> csr = sp.csr_matrix([[1, 2], [2, 0], [0, 1]])
    >>> [(a, b, (X != one_hot(csr, 2)[a:b]).nnz) for a, b, X in iter_one_hot_blocks(csr, 2, rows=2)]
    [(0, 2, 0), (2, 3, 0)]
    """
    n, m = csr.shape
    kind = csr.indices.dtype if m * k < 2**31 else np.dtype(np.int64)
    stop = n if stop is None else stop
    bounds = [*range(start, stop, max(1, rows)), stop] if stop > start else [start, start]
    ends = csr.indptr[bounds]
    size = int(np.diff(ends).max()) if len(ends) > 1 else 0
    ones = np.ones(size)
    ones.flags.writeable = False
    cols = np.empty(size, dtype=kind)
    for i in range(len(bounds) - 1):
        a, b, lo, hi = bounds[i], bounds[i + 1], int(ends[i]), int(ends[i + 1])
        out = cols[: hi - lo]
        np.multiply(csr.indices[lo:hi], kind.type(k), out=out)  # j k + vote - 1, in place
        np.add(out, csr.data[lo:hi], out=out, casting="unsafe")
        out -= kind.type(1)
        yield a, b, sp.csr_matrix((ones[: hi - lo], out, csr.indptr[a : b + 1] - lo), shape=(b - a, m * k), copy=False)
