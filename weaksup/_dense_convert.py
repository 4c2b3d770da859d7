"""Dense label arrays to canonical CSR votes: one blocked pass that range-checks, converts and fingerprints.

Split from :mod:`weaksup._matrix_checks` (the checks every other input goes through): this is the fast path
for the dense NumPy arrays Snorkel users hold, tuned for memory traffic (see ``benchmarks/dense_input.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise

import numpy as np
import scipy.sparse as sp

from weaksup._dense_cache import block_digest, block_rows, chain
from weaksup._matrix_checks import ABSTAIN, MAX_LABEL, int64_labels
from weaksup.errors import LabelMatrixError


def _vote_dtype(max_label: int) -> np.dtype:
    """Smallest signed integer dtype that holds ``max_label + 1`` (the stored vote)."""
    for dtype in (np.int8, np.int16, np.int32):
        if max_label + 1 <= np.iinfo(dtype).max:
            return np.dtype(dtype)
    return np.dtype(np.int64)


def _block_max(blk: np.ndarray) -> int | None:
    """The largest label of a non-empty numeric block, or None if an entry is not a label (whole, -1 .. MAX_LABEL)."""
    lo, hi = blk.min(), blk.max()
    if blk.dtype.kind == "f":  # NaN fails both comparisons; float(hi): 2.0**63 overflows a float16 (a warning)
        ok = bool(lo >= ABSTAIN and float(hi) < 2.0**63) and bool((blk == np.rint(blk)).all())
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

    # With several parts, each even part is written backwards, its columns ending where its rows'
    # reservation ends, so that the next part's (written forwards from there) follow them directly:
    # a pair of parts needs no move (a move writes fresh memory: page faults on a first call).
    def run(i: int, a: int, b: int) -> tuple[list[np.ndarray], list[np.ndarray], list[int], int]:
        return _dense_rows(arr, a, b, where, digest, ends[a + 1 : b + 1], ind_buf[a * m : b * m] if direct else None,
                           backwards=n_parts > 1 and i % 2 == 0)

    if n_parts == 1:
        parts = [run(0, 0, n)]
    else:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(n_parts) as pool:
            futures = [pool.submit(run, i, int(a), int(b)) for i, (a, b) in enumerate(pairwise(bounds))]
        parts = [f.result() for f in futures]  # in row order: the first bad entry's error is raised
    base = int(bounds[0]) * m + parts[0][3]  # where the first part's columns begin
    offset = 0
    for (a, b), part in zip(pairwise(bounds), parts, strict=True):
        a, b = int(a), int(b)
        count = int(ends[b]) if b > a else 0  # part-local cumulative counts
        src = a * m + part[3]
        if direct and base + offset < src and count:  # move the part's columns down behind the previous parts'
            _move_down(ind_buf, src, base + offset, count)
        if offset:
            ends[a + 1 : b + 1] += offset
        offset += count
    index_dtype = np.int32 if offset < 2**31 and m < 2**31 else np.int64
    data = np.concatenate([d for p in parts for d in p[0]])  # the widest block's dtype
    if direct and base == 0:
        ind_buf.resize(offset, refcheck=False)  # in place: no view of it is left
        indices = ind_buf
    elif direct:
        indices = ind_buf[base : base + offset]  # a view: only the pages written are ever resident
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
    ends: np.ndarray, ind_out: np.ndarray | None, backwards: bool = False,
) -> tuple[list[np.ndarray], list[np.ndarray], list[int], int]:
    """Votes, columns and block digests of rows ``start .. stop - 1``; their cumulative vote counts per row
    go to ``ends`` and, given ``ind_out``, their columns there too (then the list of columns is empty).

    Also returns where in ``ind_out`` the columns begin: 0, or with ``backwards`` (blocks taken last
    first, their columns placed from the end of ``ind_out`` down) wherever the first row's begin.
    """
    m = arr.shape[1]
    rows = block_rows(m)
    data, indices, digests = [], [], []
    wide = m >= 2**31
    # the column of every entry of a full block, looked up by position (a gather beats a remainder)
    cols = None if wide else np.tile(np.arange(m, dtype=np.int32), min(rows, stop - start))
    done = 0
    starts = range(start, stop, rows)
    if backwards and ind_out is not None:
        starts = starts[::-1]
        done = len(ind_out)  # written downwards from here
    else:
        backwards = False
    # the part's blocks before this one were all fine, unless they are read backwards
    first = start if backwards else None
    for s in starts:
        if not backwards:
            first = s
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
                if lo < 0 or top > MAX_LABEL:  # names the first bad entry of the part
                    int64_labels(arr[first : s + len(blk)], lambda pos, first=first: where((pos[0] + first, *pos[1:])))
        else:
            top = _block_max(blk)
            if top is None:  # names the first bad entry of the part
                int64_labels(arr[first : s + len(blk)], lambda pos, first=first: where((pos[0] + first, *pos[1:])))
                blk = int64_labels(blk, lambda pos, s=s: where((pos[0] + s, *pos[1:])))
                top = int(blk.max())
            if blk.dtype.kind == "u" and top == np.iinfo(blk.dtype).max:
                _wrapped_abstain(arr[first : s + len(blk)], first, where)
            blk = blk.astype(np.int64)  # unsigned and whole floats, range checked: as int64, one block at a time
            flat = blk.reshape(-1)
            hits = np.flatnonzero(flat != ABSTAIN)
            votes = flat[hits]
        votes = votes.astype(_vote_dtype(top), copy=False)
        votes += 1
        data.append(votes)
        if backwards:
            done -= len(hits)
        if ind_out is not None:
            np.take(cols, hits, out=ind_out[done : done + len(hits)])
        else:
            indices.append(hits % m if wide else np.take(cols, hits))
        np.add(np.searchsorted(hits, np.arange(m, flat.size + 1, m)), done,
               out=ends[s - start : s - start + len(blk)], casting="unsafe")
        if not backwards:
            done += len(hits)
    if not backwards:
        return data, indices, digests, 0
    if done:
        ends -= ends.dtype.type(done)  # positions in ind_out to counts from the part's first vote
    return data[::-1], indices, digests[::-1], done


def _wrapped_abstain(blk: np.ndarray, start: int, where: Callable[[tuple[int, ...]], str]) -> None:
    """Refuse the largest value of an unsigned dtype: it is what -1 (abstain) becomes when cast to it."""
    top = np.iinfo(blk.dtype).max
    pos = np.unravel_index(int(np.flatnonzero(blk.reshape(-1) == top)[0]), blk.shape)
    raise LabelMatrixError(
        f"label {top} at {where((int(pos[0]) + start, *map(int, pos[1:])))} is the largest {blk.dtype.name}: "
        f"-1 (abstain) cast to an unsigned type wraps round to it; keep the votes in a signed dtype "
        f"(e.g. L.astype(np.int8) before the cast)")


def unmasked(arr: np.ndarray, where: Callable[[tuple[int, ...]], str]) -> np.ndarray:
    """A NumPy masked array's plain data when no entry is masked; a masked entry (a missing vote) is refused.

    ``np.asarray`` drops the mask, so a masked entry would be read as whatever value lies under it: a vote
    the user never cast. Anything that is not a masked array is returned as it is.

    Examples
    --------
    >>> unmasked(np.ma.masked_array([[0, 1]], mask=[[False, True]]), str)
    Traceback (most recent call last):
    ...
    weaksup.errors.LabelMatrixError: label matrix must hold integers; (0, 1) is masked (a missing vote: ...
    """
    if not isinstance(arr, np.ma.MaskedArray):
        return arr
    mask = np.ma.getmaskarray(arr)
    if mask.any():
        pos = tuple(int(i) for i in np.unravel_index(int(np.argmax(mask.reshape(-1))), mask.shape))
        raise LabelMatrixError(f"label matrix must hold integers; {where(pos)} is masked (a missing vote: abstain "
                               "is -1, e.g. votes.filled(-1))")
    return np.ma.getdata(arr)
