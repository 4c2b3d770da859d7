"""The last large dense label array converted, so ``fit(L)`` then ``predict_proba(L)`` on one array convert it once.

A Snorkel user holds a dense NumPy matrix and passes the same object to ``fit``, ``predict_proba``
and ``LFAnalysis``; each call would otherwise convert it to a LabelMatrix again. One slot is kept:
the array (by weak reference, so the entry goes when the array does), its layout, a fingerprint of
its contents, and the converted matrix. A hit needs the very same object, the same layout and the
same fingerprint of every byte, so an array changed in place since (a column reset, rows shuffled,
one vote flipped, anywhere) is converted afresh: nothing is sampled. The fingerprint is a
position-weighted sum of the array's raw bits with odd random 64-bit weights (mod 2**64), block of
rows by block, chained: one pass at memory speed, and any change of a single entry always changes
it. The conversion computes it on the way (each block is hashed while it is in cache), so ``fit``
reads the array once and ``predict_proba`` once more, for the fingerprint.
"""

from __future__ import annotations

import threading
import weakref
from typing import Any

import numpy as np

MIN_ENTRIES = 1 << 20  # smaller arrays convert in milliseconds: not worth a slot (or its memory)
BLOCK_ENTRIES = 1 << 18  # entries per block of rows: a block's temporaries stay in cache
_CHUNK = 1 << 18  # 64-bit words per weighted sum; the weights are one chunk long
_MULT = 0x9E3779B97F4A7C15  # odd: chains the chunk sums so that moving a chunk elsewhere changes the total
_MASK = (1 << 64) - 1
_WEIGHTS = np.random.default_rng(0x19).integers(0, 2**63, _CHUNK, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
_lock = threading.Lock()
_slot: tuple[Any, ...] | None = None  # (weakref to the array, layout, fingerprint, LabelMatrix)


def cacheable(arr: Any) -> bool:
    """Whether ``arr`` is a dense numeric array large enough to keep its conversion.

    Examples
    --------
    >>> cacheable(np.zeros((2, 3))), cacheable(np.zeros((1 << 20, 2), dtype=np.int8))
    (False, True)
    """
    return isinstance(arr, np.ndarray) and arr.ndim == 2 and arr.size >= MIN_ENTRIES and arr.dtype.kind in "biuf"


def block_rows(m: int) -> int:
    """Rows per block of the fingerprint (and of the dense conversion, which computes it on the way)."""
    return max(1, BLOCK_ENTRIES // max(m, 1))


def block_digest(blk: np.ndarray) -> int:
    """Position-weighted sum (mod 2**64) of a C-contiguous block's raw bytes, read as 64-bit words.

    Examples
    --------
    >>> a = np.arange(6).reshape(2, 3)
    >>> block_digest(a) == block_digest(a.copy()), block_digest(a) == block_digest(a[::-1].copy())
    (True, False)
    """
    raw = blk.reshape(-1).view(np.uint8)
    cut = raw.size - raw.size % 8
    words, tail = raw[:cut].view(np.uint64), raw[cut:]
    h = 0
    # np.dot's integer loop runs at memory speed here (a vectorized multiply then sum was slower)
    for t in range(0, words.size, _CHUNK):
        part = words[t : t + _CHUNK]
        h = (h * _MULT + int(np.dot(part, _WEIGHTS[: part.size]))) & _MASK
    if tail.size:
        h = (h * _MULT + int(np.dot(tail.astype(np.uint64), _WEIGHTS[: tail.size]))) & _MASK
    return h


def chain(digests: list[int]) -> int:
    """The fingerprint from the :func:`block_digest` of every block of :func:`block_rows` rows, in order."""
    h = 0
    for d in digests:
        h = (h * _MULT + d) & _MASK
    return h


def fingerprint(arr: np.ndarray) -> int:
    """Fingerprint of a 2-D array's contents: :func:`block_digest` of each block of rows, chained.

    Read in memory order (a Fortran-ordered array as its transpose: no copy); the blocking follows
    the layout (which the cache compares too), so only equal layouts give comparable values.
    :func:`weaksup._dense_convert.dense_csr_digest` computes the same value while it converts.

    Examples
    --------
    >>> a = np.arange(6).reshape(2, 3)
    >>> fingerprint(a) == fingerprint(a.copy()), fingerprint(a) == fingerprint(a[::-1].copy())
    (True, False)
    """
    if arr.flags.f_contiguous and not arr.flags.c_contiguous:
        arr = arr.T  # the same memory, in its own order: no copy
    n, m = arr.shape
    rows = block_rows(m)
    # a C-ordered array is read in place; a strided one is copied a block of rows at a time
    return chain([block_digest(np.ascontiguousarray(arr[s : s + rows])) for s in range(0, n, rows)])


def _layout(arr: np.ndarray) -> tuple[Any, ...]:
    return arr.shape, arr.dtype.str, arr.strides, arr.__array_interface__["data"][0]


def holds(arr: np.ndarray) -> bool:
    """Whether the slot holds a conversion of this very array in its current layout (contents not checked).

    Examples
    --------
    >>> holds(np.zeros((2, 2)))
    False
    """
    slot = _slot
    return slot is not None and slot[0]() is arr and slot[1] == _layout(arr)


def get(arr: np.ndarray, fp: int) -> Any:
    """The matrix converted from this very array with these contents, or None.

    Examples
    --------
    >>> get(np.zeros((2, 2)), 0) is None
    True
    """
    slot = _slot
    if slot is None or slot[0]() is not arr or slot[1] != _layout(arr) or slot[2] != fp:
        return None
    return slot[3]


def put(arr: np.ndarray, fp: int, matrix: Any) -> None:
    """Keep ``matrix`` as the conversion of ``arr`` (fingerprint ``fp``), replacing the previous entry."""
    global _slot

    def drop(ref: weakref.ref) -> None:  # the array is gone: free the matrix with it
        global _slot
        with _lock:
            if _slot is not None and _slot[0] is ref:
                _slot = None

    with _lock:
        _slot = (weakref.ref(arr, drop), _layout(arr), fp, matrix)


def clear() -> None:
    """Forget the kept conversion (frees its memory).

    Examples
    --------
    >>> clear()
    """
    global _slot
    with _lock:
        _slot = None
