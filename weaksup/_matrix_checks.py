"""Checks of a label matrix's sparse structure and votes, run before any scipy kernel reads them.

scipy's CSR kernels trust ``indptr`` and ``indices``: out-of-range or non-monotone arrays make
them read out of bounds (wrong values or a segfault), and repeated ``(row, column)`` entries are
summed into labels no LF returned. Everything here is vectorized numpy, because
``LabelMatrix.__init__`` runs it on every matrix, 10M x 100 ones included.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise

import numpy as np
import scipy.sparse as sp

from weaksup._dense_cache import block_digest, block_rows, chain
from weaksup.errors import LabelMatrixError

MAX_STORED = int(np.iinfo(np.int64).max)  # largest stored vote, label + 1
MAX_LABEL = MAX_STORED - 1
ABSTAIN = -1
_BLOCK = 1 << 22  # entries per block of the order check: bounds its temporary arrays


def entry_row(indptr: np.ndarray, k: int) -> int:
    """Row (major position) of stored entry ``k`` in a checked ``indptr``.

    Examples
    --------
    >>> entry_row(np.array([0, 2, 2, 5]), 3)
    2
    """
    return int(np.searchsorted(indptr, k, side="right")) - 1


def check_indptr(indptr: np.ndarray, n: int, n_stored: int, major: str = "row") -> int:
    """Check ``indptr`` against ``n`` rows and ``n_stored`` stored entries; return nnz.

    Examples
    --------
    >>> check_indptr(np.array([0, 2, 3]), 2, 3)
    3
    >>> check_indptr(np.array([0, 2, 1]), 2, 3)
    Traceback (most recent call last):
    ...
    weaksup.errors.LabelMatrixError: indptr decreases at row 1 (2 -> 1): rows must not overlap
    """
    if not isinstance(indptr, np.ndarray) or indptr.ndim != 1 or indptr.dtype.kind not in "iu":
        raise LabelMatrixError(f"indptr must be a 1-D integer array, got {_describe(indptr)}")
    if len(indptr) != n + 1:
        raise LabelMatrixError(f"indptr has {len(indptr)} entries for {n} {major}s (expected {n + 1})")
    if indptr[0] != 0:
        raise LabelMatrixError(f"indptr must start at 0, starts at {indptr[0]}")
    (drops,) = np.nonzero(indptr[1:] < indptr[:-1])
    if drops.size:
        r = int(drops[0])
        raise LabelMatrixError(
            f"indptr decreases at {major} {r} ({indptr[r]} -> {indptr[r + 1]}): {major}s must not overlap"
        )
    nnz = int(indptr[-1])
    if nnz > n_stored:
        raise LabelMatrixError(f"indptr ends at {nnz} but only {n_stored} entries are stored")
    return nnz


def check_indices(indices: np.ndarray, indptr: np.ndarray, n_minor: int, major: str = "row") -> None:
    """Check that every stored entry's ``indices`` value lies in ``0 .. n_minor - 1``.

    Examples
    --------
    >>> check_indices(np.array([0, 7]), np.array([0, 1, 2]), 3)
    Traceback (most recent call last):
    ...
    weaksup.errors.LabelMatrixError: row 1 has an entry in column 7, outside 0..2
    """
    minor = "column" if major == "row" else "row"
    if not isinstance(indices, np.ndarray) or indices.ndim != 1 or indices.dtype.kind not in "iu":
        raise LabelMatrixError(f"indices must be a 1-D integer array, got {_describe(indices)}")
    if indices.size and (indices.min() < 0 or indices.max() >= n_minor):
        k = int(np.flatnonzero((indices < 0) | (indices >= n_minor))[0])
        raise LabelMatrixError(
            f"{major} {entry_row(indptr, k)} has an entry in {minor} {indices[k]}, outside 0..{n_minor - 1}"
        )


def first_unordered(indices: np.ndarray, indptr: np.ndarray) -> int:
    """First entry whose index is not above the previous one in its row (``-1`` if none).

    ``-1`` means every row's indices are strictly increasing: sorted and without repeats.

    Examples
    --------
    >>> first_unordered(np.array([0, 2, 1, 1]), np.array([0, 2, 4]))
    3
    """
    nnz = len(indices)
    if nnz < 2:
        return -1
    starts = indptr[1:-1]
    starts = starts[(starts > 0) & (starts < nnz)]  # entries that open a row may go down
    for s in range(1, nnz, _BLOCK):
        e = min(s + _BLOCK, nnz)
        bad = indices[s:e] <= indices[s - 1 : e - 1]
        if bad.any():
            lo, hi = np.searchsorted(starts, [s, e])
            bad[starts[lo:hi] - s] = False
            hits = np.flatnonzero(bad)
            if hits.size:
                return s + int(hits[0])
    return -1


def is_canonical(csr: sp.csr_matrix) -> bool:
    """True when every row's indices strictly increase (sorted, no repeats); ``indptr`` must be checked first.

    Asks scipy's one-pass kernel on a fresh matrix, so no flag cached on ``csr`` is trusted.

    Examples
    --------
    >>> is_canonical(sp.csr_matrix((np.ones(2), np.array([1, 1]), np.array([0, 2])), shape=(1, 2)))
    False
    """
    return sp.csr_matrix((csr.data, csr.indices, csr.indptr), shape=csr.shape).has_canonical_format


def order_problem(indices: np.ndarray, indptr: np.ndarray, k: int, major: str = "row") -> str:
    """Describe the order violation at entry ``k`` found by :func:`first_unordered`.

    Examples
    --------
    >>> order_problem(np.array([2, 1]), np.array([0, 2]), 1)
    'column indices of row 0 are not increasing (2 then 1)'
    """
    minor = "column" if major == "row" else "row"
    r = entry_row(indptr, k)
    if indices[k] == indices[k - 1]:
        return (
            f"{major} {r} holds two entries for {minor} {indices[k]} "
            "(scipy would sum them into a label no LF returned)"
        )
    return f"{minor} indices of {major} {r} are not increasing ({indices[k - 1]} then {indices[k]})"


def check_compressed(
    indptr: np.ndarray, indices: np.ndarray, shape: tuple[int, int], n_stored: int, major: str = "row"
) -> int:
    """Check a CSR (``major="row"``) or CSC structure's bounds; return nnz. Order is not checked.

    Examples
    --------
    >>> check_compressed(np.array([0, 1, 2]), np.array([1, 0]), (2, 2), n_stored=2)
    2
    """
    n_major, n_minor = shape if major == "row" else shape[::-1]
    nnz = check_indptr(indptr, n_major, n_stored, major)
    check_indices(indices[:nnz], indptr, n_minor, major)
    return nnz


def check_votes(data: np.ndarray, where: Callable[[int], str], allow_zero: bool, allow_float: bool) -> np.ndarray:
    """Check stored votes (``label + 1``) and return them as integers.

    ``where(k)`` names stored entry ``k`` in messages. Floats are accepted (and converted)
    only when ``allow_float`` and they are whole numbers.

    Examples
    --------
    >>> check_votes(np.array([1.0, 3.0]), str, allow_zero=False, allow_float=True).tolist()
    [1, 3]
    >>> check_votes(np.array([1, 2**64 - 1], dtype=np.uint64), lambda k: f"entry {k}", False, False)
    Traceback (most recent call last):
    ...
    weaksup.errors.LabelMatrixError: entry 1 stores vote 18446744073709551615 (label 18446744073709551614): stored votes are label + 1 and must be at most 9223372036854775807
    """
    kind = data.dtype.kind
    if kind == "f" and allow_float:
        ok = np.isfinite(data) & (data == np.round(data)) & (data < 2.0**63)
        if not ok.all():
            k = int(np.flatnonzero(~ok)[0])
            raise LabelMatrixError(f"{where(k)} stores {data[k].item()!r}: votes must be whole numbers (label + 1)")
        data = data.astype(np.int64)
    elif kind not in "iu":
        raise LabelMatrixError(f"votes must be integers (label + 1), got dtype {data.dtype}")
    if not data.size:
        return data
    low = 0 if allow_zero else 1
    if data.min() < low:
        k = int(np.flatnonzero(data < low)[0])
        raise LabelMatrixError(
            f"{where(k)} stores vote {data[k]}: stored votes must be label + 1 >= {low} (abstain is an implicit zero)"
        )
    if kind == "u" and data.dtype.itemsize == 8 and data.max() > MAX_STORED:
        k = int(np.flatnonzero(data > MAX_STORED)[0])
        raise LabelMatrixError(
            f"{where(k)} stores vote {data[k]} (label {data[k] - 1}): stored votes are label + 1 "
            f"and must be at most {MAX_STORED}"
        )
    return data


def canonical_csr(matrix: sp.spmatrix | sp.sparray | np.ndarray, votes: bool = True) -> sp.csr_matrix:
    """A checked CSR matrix of integer votes: indices in range, strictly increasing per row, no stored zeros.

    The input is never modified; its arrays are shared only when they need no change.
    Repeated ``(row, column)`` entries raise instead of being summed. With ``votes=False`` only
    the structure is checked (for matrices that store labels themselves, ``-1`` included).

    Examples
    --------
    >>> canonical_csr(sp.csr_matrix([[0, 2], [1, 0]])).toarray().tolist()
    [[0, 2], [1, 0]]
    >>> bad = sp.csr_matrix((np.array([1, 1]), np.array([0, 0]), np.array([0, 2])), shape=(1, 2))
    >>> canonical_csr(bad)
    Traceback (most recent call last):
    ...
    weaksup.errors.LabelMatrixError: row 0 holds two entries for column 0 (scipy would sum them into a label no LF returned)
    """
    owned = False  # True once the arrays are ours to change in place
    if not sp.issparse(matrix):
        arr = np.asarray(matrix)
        if arr.ndim != 2:
            raise LabelMatrixError(f"a label matrix must be 2-D, got shape {arr.shape}")
        if arr.dtype.kind not in "biuf":
            raise LabelMatrixError(f"votes must be integers (label + 1), got dtype {arr.dtype}")
        csr, owned = sp.csr_matrix(arr), True
    elif matrix.format == "csr":
        n_stored = min(len(matrix.indices), len(matrix.data))
        nnz = check_compressed(matrix.indptr, matrix.indices, matrix.shape, n_stored)
        csr = sp.csr_matrix((matrix.data[:nnz], matrix.indices[:nnz], matrix.indptr), shape=matrix.shape)
    elif matrix.format == "csc":
        n_stored = min(len(matrix.indices), len(matrix.data))
        nnz = check_compressed(matrix.indptr, matrix.indices, matrix.shape, n_stored, "column")
        csc = sp.csc_matrix((matrix.data[:nnz], matrix.indices[:nnz], matrix.indptr), shape=matrix.shape)
        # the transpose kernel sorts every row and keeps repeats adjacent, for the check below
        csr, owned = csc.tocsr(), True
    else:
        csr, owned = _coo_to_csr(matrix), True
    if not is_canonical(csr):
        k = first_unordered(csr.indices, csr.indptr)
        if csr.indices[k] == csr.indices[k - 1]:
            raise LabelMatrixError(order_problem(csr.indices, csr.indptr, k))
        if not owned:
            csr, owned = csr.copy(), True
        csr.sort_indices()  # safe now that the bounds are checked
        k = first_unordered(csr.indices, csr.indptr)
        if k >= 0:
            raise LabelMatrixError(order_problem(csr.indices, csr.indptr, k))
    csr.has_canonical_format = True
    if not votes:
        return csr

    def where(k: int) -> str:
        return f"row {entry_row(csr.indptr, k)}, column {csr.indices[k]}"

    data = check_votes(csr.data, where, allow_zero=True, allow_float=True)
    if data is not csr.data:
        csr = sp.csr_matrix((data, csr.indices, csr.indptr), shape=csr.shape)
        owned = True
    if data.size and not data.all():  # stored zeros are abstains: drop them
        if not owned:
            csr = csr.copy()
        csr.eliminate_zeros()
    return csr


def int64_labels(arr: np.ndarray, where: Callable[[tuple[int, ...]], str]) -> np.ndarray:
    """Labels (``-1`` = abstain) as int64, refusing non-integers and values outside ``-1 .. MAX_LABEL``.

    ``where(position)`` names an entry in messages. Checked before any cast, so nothing wraps.

    Examples
    --------
    >>> int64_labels(np.array([[1.0, -1.0]]), str).tolist()
    [[1, -1]]
    >>> int64_labels(np.array([[0, 2**63]], dtype=np.uint64), lambda pos: f"row {pos[0]}, column {pos[1]}")
    Traceback (most recent call last):
    ...
    weaksup.errors.LabelMatrixError: label 9223372036854775808 at row 0, column 1 is too large: labels are stored as label + 1 in int64, so they must be at most 9223372036854775806
    """
    if arr.size == 0:
        return arr.astype(np.int64)
    kind = arr.dtype.kind
    if kind == "O":
        for pos, value in np.ndenumerate(arr):
            if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer, float, np.floating)):
                raise LabelMatrixError(f"label matrix must hold integers; {where(pos)} holds {_plain(value)!r}")
        arr = arr.astype(np.float64) if any(isinstance(v, (float, np.floating)) for v in arr.flat) else arr
    is_float = arr.dtype.kind == "f"
    if is_float:
        whole = np.isfinite(arr) & (arr == np.round(arr))
        if not whole.all():
            pos = tuple(int(i) for i in np.argwhere(~whole)[0])
            raise LabelMatrixError(f"label matrix must hold integers; {where(pos)} holds {_plain(arr[pos])!r}")
    elif arr.dtype.kind not in "iuO":
        pos = (0,) * arr.ndim
        raise LabelMatrixError(f"label matrix must hold integers; {where(pos)} holds {_plain(arr[pos])!r}")
    low, high = arr.min(), arr.max()
    if low < ABSTAIN:
        pos = tuple(int(i) for i in np.argwhere(arr < ABSTAIN)[0])
        raise LabelMatrixError(f"invalid label {arr[pos]} at {where(pos)}: labels are >= 0, -1 = abstain")
    # float rounding would hide 2**63 behind MAX_LABEL; every float below 2**63 fits
    if (high >= 2.0**63) if is_float else (high > MAX_LABEL):
        pos = tuple(int(i) for i in np.argwhere((arr >= 2.0**63) if is_float else (arr > MAX_LABEL))[0])
        raise LabelMatrixError(
            f"label {arr[pos]} at {where(pos)} is too large: labels are stored as label + 1 in int64, "
            f"so they must be at most {MAX_LABEL}"
        )
    return arr.astype(np.int64, copy=False)


def _vote_dtype(max_label: int) -> np.dtype:
    """Smallest signed integer dtype that holds ``max_label + 1`` (the stored vote)."""
    for dtype in (np.int8, np.int16, np.int32):
        if max_label + 1 <= np.iinfo(dtype).max:
            return np.dtype(dtype)
    return np.dtype(np.int64)


def _block_max(blk: np.ndarray) -> int | None:
    """The largest label of a non-empty numeric block, or None if an entry is not a label (whole, -1 .. MAX_LABEL)."""
    lo, hi = blk.min(), blk.max()
    if blk.dtype.kind == "f":  # NaN fails both comparisons
        ok = bool(lo >= ABSTAIN and hi < 2.0**63) and bool((blk == np.rint(blk)).all())
    else:
        ok = bool(lo >= ABSTAIN and hi <= MAX_LABEL)
    return int(hi) if ok else None


def dense_csr(arr: np.ndarray, where: Callable[[tuple[int, ...]], str]) -> sp.csr_matrix:
    """Canonical CSR of votes (``label + 1``, smallest integer dtype) from a dense 2-D label array, ``-1`` = abstain.

    One pass over blocks of rows, each small enough to stay in cache: find the block's votes
    (``flatnonzero``), gather and range-check them, and derive their columns and row ends. No
    int64 copy of the whole array is made, and nothing is sorted: row-major order already gives
    strictly increasing columns per row. Large arrays are cut into a few row ranges converted
    by threads (numpy releases the GIL in each step). An invalid entry raises the
    :func:`int64_labels` error that names the first one; ``where(position)`` names an entry.

    Examples
    --------
    >>> csr = dense_csr(np.array([[0, -1, 2], [-1, -1, 1]]), str)
    >>> csr.toarray().tolist(), csr.dtype.name, csr.has_canonical_format
    ([[1, 0, 3], [0, 0, 2]], 'int8', True)
    """
    return dense_csr_digest(arr, where, digest=False)[0]


def dense_csr_digest(
    arr: np.ndarray, where: Callable[[tuple[int, ...]], str], digest: bool = True
) -> tuple[sp.csr_matrix, int | None]:
    """:func:`dense_csr` and the array's :func:`~weaksup._dense_cache.fingerprint`, computed on the way.

    Each block is hashed while the conversion has it in cache, so the array is read once for both.
    The fingerprint is None where the conversion does not read the array in memory order (not
    C-contiguous, or not a plain number dtype); compute it separately then.

    Examples
    --------
    >>> from weaksup._dense_cache import fingerprint
    >>> a = np.array([[0, -1, 2], [-1, -1, 1]])
    >>> csr, fp = dense_csr_digest(a, str)
    >>> fp == fingerprint(a), csr.nnz
    (True, 3)
    """
    n, m = arr.shape
    digest = digest and arr.flags.c_contiguous and arr.dtype.kind in "iuf"
    if arr.dtype.kind not in "iuf" or arr.size == 0:  # objects, bools, strings: checked (or refused) as before
        arr = int64_labels(arr, where)
        if arr.size == 0:
            csr = sp.csr_matrix((n, m), dtype=np.int8)
            csr.has_canonical_format = True
            return csr, (chain([]) if digest else None)
    rows = block_rows(m)
    n_parts = min(_dense_threads(), max(1, arr.size // _DENSE_PER_THREAD))
    # part bounds on block bounds: every part hashes the same blocks as the fingerprint does
    n_blocks = -(-n // rows)
    bounds = np.minimum(np.linspace(0, n_blocks, n_parts + 1).astype(np.int64) * rows, n)
    # int32 columns and row ends (n m < 2**31) are written straight into their final arrays: the
    # columns' one reserves n m entries, of which only the votes' pages are ever touched (fresh
    # memory costs page faults), then shrinks in place. Kept to arrays of 4+ bytes an entry, so
    # the reservation never exceeds twice the input's size.
    direct = n * m < 2**31 and 4 * n * m <= 2 * arr.nbytes + _RESERVE_SLACK
    ind_buf = np.empty(n * m if direct else 0, dtype=np.int32)
    ends = np.empty(n + 1, dtype=np.int32 if direct else np.int64)
    ends[0] = 0

    def run(a: int, b: int) -> tuple[list[np.ndarray], list[np.ndarray], list[int]]:
        return _dense_rows(arr, a, b, where, digest, ends[a + 1 : b + 1], ind_buf[a * m : b * m] if direct else None)

    if n_parts == 1:
        parts = [run(0, n)]
    else:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(n_parts) as pool:
            futures = [pool.submit(run, int(a), int(b)) for a, b in pairwise(bounds)]
        parts = [f.result() for f in futures]  # in row order: the first bad entry's error is raised
    offset = 0
    for a, b in pairwise(bounds):
        a, b = int(a), int(b)
        count = int(ends[b]) if b > a else 0  # part-local cumulative counts
        if direct and offset < a * m and count:  # move the part's columns down behind the previous parts'
            _move_down(ind_buf, a * m, offset, count)
        if offset:
            ends[a + 1 : b + 1] += offset
        offset += count
    index_dtype = np.int32 if offset < 2**31 and m < 2**31 else np.int64
    data = np.concatenate([d for p in parts for d in p[0]])  # the widest block's dtype
    if direct:
        ind_buf.resize(offset, refcheck=False)  # in place: no view of it is left
        indices = ind_buf
    else:
        indices = np.concatenate([i for p in parts for i in p[1]]).astype(index_dtype, copy=False)
    csr = sp.csr_matrix((data, indices, ends.astype(index_dtype, copy=False)), shape=(n, m))
    csr.has_canonical_format = True
    return csr, (chain([d for p in parts for d in p[2]]) if digest else None)


_RESERVE_SLACK = 1 << 27  # bytes of column reservation allowed beyond twice the input's size
_MOVE_PIECE = 1 << 16  # below this gap a part's columns are moved through a copy


def _move_down(buf: np.ndarray, src: int, dst: int, count: int) -> None:
    """``buf[dst : dst + count] = buf[src : src + count]`` for ``dst < src``, in pieces that never overlap."""
    gap = src - dst
    if gap < _MOVE_PIECE and gap < count:
        buf[dst : dst + count] = buf[src : src + count].copy()  # a small gap: one copy beats many pieces
        return
    for t in range(0, count, gap):
        piece = min(gap, count - t)
        buf[dst + t : dst + t + piece] = buf[src + t : src + t + piece]


_DENSE_PER_THREAD = 1 << 22  # entries: below this a thread costs more than it saves


def _dense_threads() -> int:
    import os

    return min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def _dense_rows(
    arr: np.ndarray, start: int, stop: int, where: Callable[[tuple[int, ...]], str], digest: bool,
    ends: np.ndarray, ind_out: np.ndarray | None,
) -> tuple[list[np.ndarray], list[np.ndarray], list[int]]:
    """Votes, columns and block digests of rows ``start .. stop - 1``; their cumulative vote counts per row
    go to ``ends`` and, given ``ind_out``, their columns there too (then the list of columns is empty)."""
    m = arr.shape[1]
    rows = block_rows(m)
    data, indices, digests = [], [], []
    wide = m >= 2**31
    # the column of every entry of a full block, looked up by position (a gather beats a remainder)
    cols = None if wide else np.tile(np.arange(m, dtype=np.int32), min(rows, stop - start))
    done = 0
    for s in range(start, stop, rows):
        blk = arr[s : min(s + rows, stop)]
        if digest:
            digests.append(block_digest(blk))
        if blk.dtype.kind == "i":
            # signed integers: find the votes first and range-check only them (a fifth of the entries,
            # typically); every entry that is not -1 is among them
            flat = np.ascontiguousarray(blk).reshape(-1)
            hits = np.flatnonzero(flat != ABSTAIN)
            votes = flat[hits]
            top = 0
            if hits.size:
                lo, top = int(votes.min()), int(votes.max())
                if lo < 0 or top > MAX_LABEL:  # names the first bad entry; every earlier block was fine
                    int64_labels(blk, lambda pos, s=s: where((pos[0] + s, *pos[1:])))
        else:
            top = _block_max(blk)
            if top is None:  # names the first bad entry; every earlier block was fine
                blk = int64_labels(blk, lambda pos, s=s: where((pos[0] + s, *pos[1:])))
                top = int(blk.max())
            if blk.dtype.kind == "u" and top == np.iinfo(blk.dtype).max:
                _wrapped_abstain(blk, s, where)
            blk = blk.astype(np.int64)  # unsigned and whole floats, range checked: as int64, one block at a time
            flat = blk.reshape(-1)
            hits = np.flatnonzero(flat != ABSTAIN)
            votes = flat[hits]
        votes = votes.astype(_vote_dtype(top), copy=False)
        votes += 1
        data.append(votes)
        if ind_out is not None:
            np.take(cols, hits, out=ind_out[done : done + len(hits)])
        else:
            indices.append(hits % m if wide else np.take(cols, hits))
        np.add(np.searchsorted(hits, np.arange(m, flat.size + 1, m)), done,
               out=ends[s - start : s - start + len(blk)], casting="unsafe")
        done += len(hits)
    return data, indices, digests


def _wrapped_abstain(blk: np.ndarray, start: int, where: Callable[[tuple[int, ...]], str]) -> None:
    """Refuse the largest value of an unsigned dtype: it is what -1 (abstain) becomes when cast to it."""
    top = np.iinfo(blk.dtype).max
    pos = np.unravel_index(int(np.flatnonzero(blk.reshape(-1) == top)[0]), blk.shape)
    raise LabelMatrixError(
        f"label {top} at {where((int(pos[0]) + start, *map(int, pos[1:])))} is the largest {blk.dtype.name}: "
        f"-1 (abstain) cast to an unsigned type wraps round to it; keep the votes in a signed dtype "
        f"(e.g. L.astype(np.int8) before the cast)")


def file_csr(
    data: np.ndarray,
    indices: np.ndarray,
    indptr: np.ndarray,
    shape: tuple[int, int],
    dtype: np.dtype,
    cardinality: int | None,
) -> sp.csr_matrix:
    """The CSR stored in a file, checked as strictly as ``LabelMatrix.save`` writes it.

    Examples
    --------
    >>> file_csr(np.array([1, 2], np.int8), np.array([0, 0]), np.array([0, 1, 2]), (2, 1), np.dtype(np.int8), 2).nnz
    2
    >>> file_csr(np.array([1, 2], np.int8), np.array([0, 0]), np.array([0, 2, 2]), (2, 1), np.dtype(np.int8), 2)
    Traceback (most recent call last):
    ...
    weaksup.errors.LabelMatrixError: row 0 holds two entries for column 0 (scipy would sum them into a label no LF returned)
    """
    if data.ndim != 1 or data.dtype != dtype:
        raise LabelMatrixError(f"data must be a 1-D {dtype} array (the meta's dtype), got {data.ndim}-D {data.dtype}")
    if indices.ndim != 1 or len(indices) != len(data):
        raise LabelMatrixError(
            f"indices must be 1-D with one entry per vote ({len(data)}), got shape {indices.shape}"
        )
    nnz = check_compressed(indptr, indices, shape, len(data))
    if nnz != len(data):
        raise LabelMatrixError(f"indptr ends at {nnz} but {len(data)} votes are stored")
    csr = sp.csr_matrix((data, indices, indptr), shape=shape)
    if not is_canonical(csr):
        raise LabelMatrixError(order_problem(indices, indptr, first_unordered(indices, indptr)))

    def where(k: int) -> str:
        return f"row {entry_row(indptr, k)}, column {indices[k]}"

    check_votes(data, where, allow_zero=False, allow_float=False)
    if cardinality is not None and data.size and data.max() > cardinality:
        k = int(np.flatnonzero(data > cardinality)[0])
        raise LabelMatrixError(
            f"{where(k)} holds label {data[k] - 1}, outside 0..{cardinality - 1} (the cardinality)"
        )
    csr.has_canonical_format = True
    return csr


def _coo_to_csr(matrix: sp.spmatrix | sp.sparray) -> sp.csr_matrix:
    """COO (or any other format, through COO) to CSR, refusing repeated entries instead of summing them."""
    try:
        coo = matrix.tocoo()
    except (ValueError, IndexError) as exc:  # a malformed BSR/DIA structure
        raise LabelMatrixError(f"cannot read the sparse votes: {exc}") from exc
    n, m = coo.shape
    row, col = np.asarray(coo.row), np.asarray(coo.col)
    for name, idx, size in (("row", row, n), ("column", col, m)):
        if idx.size and (idx.min() < 0 or idx.max() >= size):
            k = int(np.flatnonzero((idx < 0) | (idx >= size))[0])
            raise LabelMatrixError(f"entry {k} has {name} {idx[k]}, outside 0..{size - 1}")
    csr = sp.csr_matrix((coo.data, (row, col)), shape=coo.shape)  # sums repeats: counted below
    if csr.nnz != coo.nnz:
        order = np.lexsort((col, row))
        same = (np.diff(row[order]) == 0) & (np.diff(col[order]) == 0)
        k = int(order[np.flatnonzero(same)[0]])
        raise LabelMatrixError(
            f"row {row[k]} holds two entries for column {col[k]} (scipy would sum them into a label no LF returned)"
        )
    return csr


def _plain(value: object) -> object:
    """A numpy scalar as the Python value it holds, for messages (``1.5``, not ``np.float64(1.5)``)."""
    return value.item() if isinstance(value, np.generic) else value


def _describe(obj: object) -> str:
    if isinstance(obj, np.ndarray):
        return f"a {obj.ndim}-D array of dtype {obj.dtype}"
    return type(obj).__name__
