"""MultiLabelMatrix: votes of LFs that say, per label, "present", "absent" or nothing (abstain)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from weaksup.errors import InvalidLabelError, LabelMatrixError, ModelInputError
from weaksup.matrix import LabelMatrix

ABSENT, PRESENT = 0, 1


class MultiLabelMatrix:
    """Sparse ``n rows x m LFs x K labels`` votes: 1 = label present, 0 = absent, -1 = abstain.

    Stored as a CSR of shape ``(n, m K)`` holding ``vote + 1`` (abstains are not stored): column
    ``j K + c`` is LF ``j``'s vote on label ``c``. Rows keep their ids (``index``), LFs their names
    and labels theirs.

    Parameters
    ----------
    csr : scipy.sparse matrix (n, m K)
        ``vote + 1`` (1 = absent, 2 = present); zeros are abstains.
    lf_names, label_names : sequence of str
    index : array-like or pandas.Index, optional
        Row ids (default ``RangeIndex(n)``).

    Examples
    --------
    >>> M = MultiLabelMatrix.from_sets([[{"a"}, None], [{"a", "b"}, {"b"}]], label_names=["a", "b"])
    >>> M.shape
    (2, 2, 2)
    >>> M.to_dense()[1].tolist()
    [[1, 1], [-1, 1]]
    >>> M.binary("b").to_dense().tolist()
    [[-1, -1], [1, 1]]
    """

    __slots__ = ("csr", "lf_names", "label_names", "index")

    def __init__(self, csr: Any, lf_names: Sequence[str], label_names: Sequence[str],
                 index: Sequence[Any] | pd.Index | None = None) -> None:
        csr = sp.csr_matrix(csr)
        csr.eliminate_zeros()
        csr.sort_indices()
        for what, names in (("lf_names", lf_names), ("label_names", label_names)):
            if isinstance(names, str):  # else each character would be a name
                raise LabelMatrixError(f"{what} must be a list of names, got the string {names!r}")
            _check_ordered(names, what)
        lf_names, label_names = [str(s) for s in lf_names], [str(s) for s in label_names]
        m, K = len(lf_names), len(label_names)
        if csr.shape[1] != m * K:
            raise LabelMatrixError(f"a multi-label matrix of {m} LFs x {K} labels needs {m * K} columns; "
                                   f"got {csr.shape[1]}")
        for what, names in (("LF", lf_names), ("label", label_names)):
            dupes = sorted({s for s in names if names.count(s) > 1})
            if dupes:
                raise LabelMatrixError(f"duplicate {what} names: {dupes}")
        if csr.nnz:
            bad = (csr.data != 1) & (csr.data != 2)
            if bad.any():
                pos = np.flatnonzero(bad)[0]
                row = int(np.searchsorted(csr.indptr, pos, side="right") - 1)
                col = int(csr.indices[pos])
                raise LabelMatrixError(f"row {row}, LF {lf_names[col // K]!r}, label {label_names[col % K]!r}: "
                                       f"stored vote {csr.data[pos]!r} is not 1 (absent) or 2 (present)")
        self.csr = csr.astype(np.int8)
        self.lf_names = lf_names
        self.label_names = label_names
        index = pd.RangeIndex(csr.shape[0]) if index is None else (
            index.copy() if isinstance(index, pd.Index) else pd.Index(index))
        if len(index) != csr.shape[0]:
            raise LabelMatrixError(f"index has {len(index)} ids for {csr.shape[0]} rows")
        self.index = index

    # construction -------------------------------------------------------------------------------
    @classmethod
    def from_dense(cls, votes: Any, lf_names: Sequence[str] | None = None, label_names: Sequence[str] | None = None,
                   index: Any = None) -> MultiLabelMatrix:
        """From an ``n x m x K`` integer array of -1 (abstain), 0 (absent) and 1 (present).

        Examples
        --------
        >>> MultiLabelMatrix.from_dense(np.array([[[1, -1]], [[0, 1]]])).shape
        (2, 1, 2)
        """
        arr = np.asarray(votes)
        if arr.ndim != 3:
            raise LabelMatrixError(f"multi-label votes must be 3-D (rows, LFs, labels); got shape {arr.shape}")
        bad = ~np.isin(arr, (-1, 0, 1))
        if bad.any():
            r, j, c = (int(v) for v in np.argwhere(bad)[0])
            raise LabelMatrixError(f"row {r}, LF {j}, label {c}: vote {arr[r, j, c].item()!r} is not -1, 0 or 1")
        n, m, K = arr.shape
        lf_names = [f"lf_{j}" for j in range(m)] if lf_names is None else lf_names
        label_names = [str(c) for c in range(K)] if label_names is None else label_names
        return cls(sp.csr_matrix(arr.reshape(n, m * K).astype(np.int64) + 1), lf_names, label_names, index)

    @classmethod
    def from_sets(cls, votes: Iterable[Sequence[Any]], label_names: Sequence[str], lf_names: Sequence[str] | None = None,
                  index: Any = None, others: str = "abstain") -> MultiLabelMatrix:
        """From one list per row with one entry per LF: a set of labels, a ``{label: 0 or 1}`` dict, or None.

        A set says "present" for its labels and, for the other labels, abstains (``others="abstain"``)
        or says "absent" (``others="absent"``: the LF claims the set is complete). A dict gives each
        label's vote explicitly; None abstains on every label.
        """
        _check_ordered(label_names, "label_names")
        label_names = [str(s) for s in label_names]
        col = {name: c for c, name in enumerate(label_names)}
        rows = list(votes)
        for r, row in enumerate(rows):
            if isinstance(row, (set, frozenset, Mapping, str)) or not isinstance(row, Iterable):
                raise LabelMatrixError(f"row {r} is {row!r}: from_sets takes one list per row with one entry per LF, "
                                       f"e.g. [[{{'a'}}, None], [{{'a', 'b'}}, {{'b'}}]] for two LFs")
        m = len(rows[0]) if rows else len(lf_names or [])
        lf_names = [f"lf_{j}" for j in range(m)] if lf_names is None else list(lf_names)
        if len(lf_names) != m:
            raise LabelMatrixError(f"{len(lf_names)} LF names for {m} LF votes per row")
        K = len(label_names)
        r_idx, c_idx, vals = [], [], []
        for r, row in enumerate(rows):
            if len(row) != m:
                raise LabelMatrixError(f"row {r} has {len(row)} LF votes; expected {m}")
            for j, v in enumerate(row):
                for c, vote in _parse_vote(v, col, lf_names[j], r, others).items():
                    r_idx.append(r)
                    c_idx.append(j * K + c)
                    vals.append(vote + 1)
        csr = sp.csr_matrix((np.asarray(vals, dtype=np.int64), (r_idx, c_idx)), shape=(len(rows), m * K))
        return cls(csr, lf_names, label_names, index)

    # shape and views ----------------------------------------------------------------------------
    @property
    def shape(self) -> tuple[int, int, int]:
        return (self.csr.shape[0], len(self.lf_names), len(self.label_names))

    @property
    def n_rows(self) -> int:
        return self.csr.shape[0]

    def __len__(self) -> int:
        return self.n_rows

    def __repr__(self) -> str:
        n, m, K = self.shape
        return f"MultiLabelMatrix({n} rows x {m} LFs x {K} labels, {self.csr.nnz} votes)"

    def to_dense(self) -> np.ndarray:
        """``n x m x K`` int array: -1 abstain, 0 absent, 1 present."""
        n, m, K = self.shape
        return (self.csr.toarray().astype(np.int64) - 1).reshape(n, m, K)

    def label_index(self, label: str | int) -> int:
        """Position of ``label`` (a name, or a position)."""
        if isinstance(label, (int, np.integer)) and not isinstance(label, bool):
            if not 0 <= label < len(self.label_names):
                raise LabelMatrixError(f"label position {label} is out of range 0..{len(self.label_names) - 1}")
            return int(label)
        if str(label) not in self.label_names:
            raise LabelMatrixError(f"no label named {label!r}; labels are {self.label_names}")
        return self.label_names.index(str(label))

    def binary(self, label: str | int) -> LabelMatrix:
        """One label's votes as a binary :class:`~weaksup.matrix.LabelMatrix` (1 present, 0 absent, -1 abstain)."""
        c = self.label_index(label)
        K = len(self.label_names)
        cols = np.arange(len(self.lf_names)) * K + c
        return LabelMatrix(self.csr[:, cols], self.lf_names, self.index, cardinality=2)

    def select_rows(self, rows: Any) -> MultiLabelMatrix:
        """The rows at positions ``rows`` (ids kept)."""
        rows = np.asarray(rows)
        if rows.ndim == 0:  # one position: that row, as a one-row matrix
            rows = rows.reshape(1)
        if rows.dtype == bool:
            if rows.shape != (self.n_rows,):
                raise LabelMatrixError(f"a boolean mask over the rows needs {self.n_rows} values, got shape {rows.shape}")
            rows = np.flatnonzero(rows)
        elif rows.size == 0:
            rows = rows.astype(np.int64)
        elif rows.dtype.kind not in "iu":
            raise LabelMatrixError(f"select_rows takes row positions (or a boolean mask), got {rows.ravel()[:3].tolist()}; "
                                   "for row ids use positions, e.g. M.index.get_indexer(ids)")
        bad = rows[(rows < -self.n_rows) | (rows >= self.n_rows)]
        if bad.size:
            raise LabelMatrixError(f"row position {int(bad[0])} is out of range for {self.n_rows} rows")
        return MultiLabelMatrix(self.csr[rows], self.lf_names, self.label_names, self.index[rows])

    def votes_frame(self) -> pd.DataFrame:
        """Long table of the stored votes: ``id``, ``lf``, ``label``, ``vote`` (0 absent, 1 present)."""
        coo = self.csr.tocoo()
        K = len(self.label_names)
        return pd.DataFrame({"id": self.index[coo.row], "lf": np.asarray(self.lf_names)[coo.col // K],
                             "label": np.asarray(self.label_names)[coo.col % K], "vote": coo.data.astype(int) - 1})


def _check_ordered(names: Any, what: str) -> None:
    """Names whose order fixes the columns: a set's order changes with the process's hash seed, so it is refused."""
    if isinstance(names, (set, frozenset)):
        raise LabelMatrixError(f"{what} must be ordered (a list: its order fixes the columns), not a set; pass "
                               f"e.g. {sorted(map(str, names))!r:.100}")


def check_threshold(threshold: Any) -> float:
    """A probability threshold: a number in [0, 1] (else every label would come out absent, or present).

    Examples
    --------
    >>> check_threshold(0.7)
    0.7
    """
    if isinstance(threshold, (bool, np.bool_)) or not isinstance(threshold, (int, float, np.integer, np.floating)) \
            or not 0 <= threshold <= 1:
        raise ModelInputError(f"threshold must be a probability in [0, 1], got {threshold!r}")
    return float(threshold)


def as_multilabel_matrix(M: Any, label_names: Sequence[str] | None = None) -> MultiLabelMatrix:
    """A :class:`MultiLabelMatrix` from itself or an ``n x m x K`` array of -1/0/1."""
    if isinstance(M, MultiLabelMatrix):
        return M
    return MultiLabelMatrix.from_dense(np.asarray(M), label_names=label_names)


def _parse_vote(v: Any, col: Mapping[str, int], lf: str, row: Any, others: str) -> dict[int, int]:
    if v is None:
        return {}
    if isinstance(v, Mapping):
        out = {}
        for name, vote in v.items():
            if str(name) not in col:
                raise InvalidLabelError(lf, row, name, f"not one of the labels {list(col)}")
            if isinstance(vote, (bool, np.bool_)) or vote not in (0, 1, -1):
                raise InvalidLabelError(lf, row, vote, f"the vote on label {name!r} must be 1 (present), 0 "
                                                       "(absent) or -1 (abstain)")
            if vote != -1:
                out[col[str(name)]] = int(vote)
        return out
    if isinstance(v, (str, bytes)) or not isinstance(v, Iterable):
        hint = f"; for one label return {{{v!r}}}" if isinstance(v, str) and v in col else ""
        raise InvalidLabelError(lf, row, v, "a multi-label LF returns a set of labels, a {label: 0/1} dict or "
                                            f"None{hint}")
    present = set()
    for name in v:
        if str(name) not in col:
            raise InvalidLabelError(lf, row, name, f"not one of the labels {list(col)}")
        present.add(col[str(name)])
    if others == "absent":
        return {c: int(c in present) for c in col.values()}
    if others != "abstain":
        raise LabelMatrixError(f"others must be 'abstain' or 'absent', got {others!r}")
    return dict.fromkeys(present, 1)
