"""Checks of a label matrix's sparse structure and votes, run before any scipy kernel reads them.

scipy's CSR kernels trust ``indptr`` and ``indices``: out-of-range or non-monotone arrays make
them read out of bounds (wrong values or a segfault), and repeated ``(row, column)`` entries are
summed into labels no LF returned. Everything here is vectorized numpy, because
``LabelMatrix.__init__`` runs it on every matrix, 10M x 100 ones included.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

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
        hint = ("; for labels with -1 = abstain use LabelMatrix.from_dense, or from_sparse(m, shifted=False)"
                if data[k] < 0 else "")
        raise LabelMatrixError(
            f"{where(k)} stores vote {data[k]}: stored votes must be label + 1 >= {low} (abstain is an implicit zero)"
            f"{hint}"
        )
    if kind == "u" and data.dtype.itemsize == 8 and data.max() > MAX_STORED:
        k = int(np.flatnonzero(data > MAX_STORED)[0])
        raise LabelMatrixError(
            f"{where(k)} stores vote {data[k]} (label {data[k] - 1}): stored votes are label + 1 "
            f"and must be at most {MAX_STORED}"
        )
    return data


def canonical_csr(
    matrix: sp.spmatrix | sp.sparray | np.ndarray, votes: bool = True,
    name: Callable[[tuple[int, int]], str] | None = None,
) -> sp.csr_matrix:
    """A checked CSR matrix of integer votes: indices in range, strictly increasing per row, no stored zeros.

    The input is never modified; its arrays are shared only when they need no change. ``name((row, column))``,
    if given, names a bad vote in messages (by LF name and row id, say).
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
        if name is not None:
            return name((entry_row(csr.indptr, k), int(csr.indices[k])))
        return f"row {entry_row(csr.indptr, k)}, column {csr.indices[k]}"

    data = check_votes(csr.data, where, allow_zero=True, allow_float=True)
    if data is not csr.data:
        # new data, but indices and indptr may still be the caller's: not owned, so eliminate_zeros below
        # works on a copy (it compacts them in place, which scrambled the caller's matrix)
        csr = sp.csr_matrix((data, csr.indices, csr.indptr), shape=csr.shape)
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
                raise LabelMatrixError(f"label matrix must hold integers; {where(pos)} holds {_plain(value)!r}{_missing_hint(value)}")
        arr = arr.astype(np.float64) if any(isinstance(v, (float, np.floating)) for v in arr.flat) else arr
    is_float = arr.dtype.kind == "f"
    if is_float:
        whole = np.isfinite(arr) & (arr == np.round(arr))
        if not whole.all():
            pos = tuple(int(i) for i in np.argwhere(~whole)[0])
            raise LabelMatrixError(
                f"label matrix must hold integers; {where(pos)} holds {_plain(arr[pos])!r}{_missing_hint(arr[pos])}")
    elif arr.dtype.kind not in "iuO":
        pos = (0,) * arr.ndim
        hint = (" (booleans are not labels: if True / False mean classes 1 / 0, cast them with .astype(int))"
                if arr.dtype.kind == "b" else "")
        raise LabelMatrixError(f"label matrix must hold integers; {where(pos)} holds {_plain(arr[pos])!r}{hint}")
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


def row_positions(rows: Any, n_rows: int, index: pd.Index) -> np.ndarray:
    """Positions of the rows a selection picks (a slice, a boolean mask or integer positions), checked.

    A boolean pandas Series must carry the matrix's row ids, in order: applied by position, a
    mask in another order would pick other rows than it names.

    Examples
    --------
    >>> row_positions([True, False, True], 3, pd.RangeIndex(3)).tolist(), row_positions([-1], 3, None).tolist()
    ([0, 2], [-1])
    """
    if isinstance(rows, slice):
        return np.arange(n_rows)[rows]
    mask_ids = rows.index if isinstance(rows, pd.Series) else None
    rows = np.asarray(rows)
    if rows.size == 0 and rows.ndim == 1:  # L[[]]: no rows (numpy reads an empty list as float64)
        return np.zeros(0, dtype=np.intp)
    if rows.dtype == bool:
        if rows.shape != (n_rows,):
            raise LabelMatrixError(f"boolean mask has shape {rows.shape}, expected ({n_rows},)")
        if mask_ids is not None and not mask_ids.equals(index):
            raise LabelMatrixError(
                "a boolean Series mask must have the label matrix's row ids as its index (in order); its "
                "ids differ, so the mask is ambiguous: pass mask.to_numpy() for positions, or "
                "mask.reindex(L.index) to align it by id")
        return np.flatnonzero(rows)
    if rows.dtype.kind not in "iu":
        hint = "; to select rows by id use L.loc(ids)" if rows.dtype.kind in "USO" else ""
        raise LabelMatrixError(f"select rows with a boolean mask, integer positions or a slice, not {rows.dtype}{hint}")
    positions = rows.ravel()
    if positions.size and (positions.min() < -n_rows or positions.max() >= n_rows):
        bad = positions[(positions < -n_rows) | (positions >= n_rows)][0]
        raise LabelMatrixError(f"row position {bad} is out of range for a label matrix of {n_rows} rows")
    return positions


def lf_positions(lfs: Any, lf_names: list[str]) -> list[int]:
    """Column positions of LFs given by name or integer position (negative from the end), checked.

    Examples
    --------
    >>> lf_positions(["b", -1], ["a", "b", "c"]), lf_positions("a", ["a", "b"])
    ([1, 2], [0])
    """
    m = len(lf_names)
    if isinstance(lfs, (str, int, np.integer)):
        lfs = [lfs]  # one LF: a name is not a sequence of one-letter names
    cols = []
    for c in lfs:
        if isinstance(c, str):
            if c not in lf_names:
                raise LabelMatrixError(f"no LF named {c!r} in this label matrix; its LFs are {lf_names}")
            cols.append(lf_names.index(c))
        elif not isinstance(c, (int, np.integer)) or isinstance(c, (bool, np.bool_)):
            hint = " (for a boolean mask of LFs, pass np.flatnonzero(mask))" if isinstance(c, (bool, np.bool_)) else ""
            raise LabelMatrixError(f"select LFs by name or integer position, not {c!r}{hint}")
        elif -m <= int(c) < m:
            cols.append(int(c) % m)
        else:
            raise LabelMatrixError(f"LF position {c} is out of range for a label matrix of {m} LFs")
    return cols


def ragged_rows(rows: object) -> str:
    """Which row of a list of rows differs in length from the first, for the error message.

    Examples
    --------
    >>> ragged_rows([[0, 1], [1, 0], [1]])
    'row 0 has 2 votes, row 2 has 1'
    """
    try:
        lengths = [len(r) for r in rows]
    except TypeError:
        return "some rows are numbers and others sequences"
    pos = next((i for i, k in enumerate(lengths) if k != lengths[0]), None)
    if pos is None:
        return "its rows do not form a rectangular array"
    return f"row 0 has {lengths[0]} votes, row {pos} has {lengths[pos]}"


def _missing_hint(value: object) -> str:
    """A hint for a missing vote (NaN, None, pd.NA): in a label matrix, abstain is -1."""
    missing = value is None or type(value).__name__ == "NAType" or (isinstance(value, (float, np.floating)) and value != value)
    return " (a missing vote: abstain is -1, e.g. df.fillna(-1))" if missing else ""


def _plain(value: object) -> object:
    """A numpy scalar as the Python value it holds, for messages (``1.5``, not ``np.float64(1.5)``)."""
    return value.item() if isinstance(value, np.generic) else value


def _describe(obj: object) -> str:
    if isinstance(obj, np.ndarray):
        return f"a {obj.ndim}-D array of dtype {obj.dtype}"
    return type(obj).__name__
