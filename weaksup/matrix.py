"""LabelMatrix: the sparse matrix of LF votes that every later stage takes."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from weaksup.errors import LabelMatrixError

ABSTAIN = -1


def _storage_dtype(max_label: int) -> np.dtype:
    """Smallest signed integer dtype that holds ``max_label + 1``."""
    for dtype in (np.int8, np.int16, np.int32):
        if max_label + 1 <= np.iinfo(dtype).max:
            return np.dtype(dtype)
    return np.dtype(np.int64)


def _index_to_json(index: pd.Index) -> tuple[str, Any]:
    """Encode an index for the .npz file without pickle."""
    if isinstance(index, pd.RangeIndex):
        return "range", [int(index.start), int(index.stop), int(index.step)]
    values = np.asarray(index)
    if values.dtype.kind in "iu":
        return "int", values.astype(np.int64)
    if values.dtype.kind == "f":
        return "float", values.astype(np.float64)
    return "str", np.asarray([str(v) for v in values], dtype=str)


class LabelMatrix:
    """Sparse matrix of labeling-function votes: ``n`` rows x ``m`` LFs, ``-1`` = abstain.

    Votes are stored as ``label + 1`` in a CSR matrix of a small integer dtype, so
    abstains cost nothing. Every row keeps the id (``index``) of the input row it
    came from, and every column the name of its LF.

    Parameters
    ----------
    csr : scipy.sparse matrix
        Votes shifted by one (``label + 1``); zeros are abstains.
    lf_names : sequence of str, optional
        One unique name per column. Defaults to ``lf_0 ... lf_{m-1}``.
    index : array-like or pandas.Index, optional
        Row ids. Defaults to ``RangeIndex(n)``.
    cardinality : int, optional
        Number of classes, when known.

    Examples
    --------
    >>> import numpy as np
    >>> L = LabelMatrix.from_dense(np.array([[0, -1], [1, 1]]), lf_names=["a", "b"])
    >>> L.shape
    (2, 2)
    >>> L.to_dense().tolist()
    [[0, -1], [1, 1]]
    """

    __slots__ = ("_csr", "lf_names", "index", "cardinality")

    def __init__(
        self,
        csr: sp.spmatrix | sp.sparray,
        lf_names: Sequence[str] | None = None,
        index: Sequence[Any] | pd.Index | None = None,
        cardinality: int | None = None,
    ) -> None:
        csr = sp.csr_matrix(csr)
        csr.eliminate_zeros()
        if csr.nnz and csr.data.min() < 0:
            raise LabelMatrixError("stored votes must be label + 1 >= 0 (abstain is an implicit zero)")
        n, m = csr.shape
        max_label = int(csr.data.max()) - 1 if csr.nnz else 0
        if cardinality is not None:
            cardinality = int(cardinality)
            if cardinality < 2:
                raise LabelMatrixError(f"cardinality must be >= 2, got {cardinality}")
            if max_label >= cardinality:
                raise LabelMatrixError(
                    f"label {max_label} is out of range for cardinality {cardinality} (labels are 0..{cardinality - 1})"
                )
        dtype = _storage_dtype(max(max_label, (cardinality or 1) - 1))
        if csr.dtype != dtype:
            csr = csr.astype(dtype)
        csr.sort_indices()
        lf_names = [f"lf_{j}" for j in range(m)] if lf_names is None else [str(s) for s in lf_names]
        if len(lf_names) != m:
            raise LabelMatrixError(f"got {len(lf_names)} LF names for {m} columns")
        dupes = pd.Index(lf_names)[pd.Index(lf_names).duplicated()].unique().tolist()
        if dupes:
            raise LabelMatrixError(f"duplicate LF names: {dupes}")
        index = pd.RangeIndex(n) if index is None else pd.Index(index)
        if len(index) != n:
            raise LabelMatrixError(f"index has {len(index)} ids for {n} rows")
        self._csr = csr
        self.lf_names = lf_names
        self.index = index
        self.cardinality = cardinality

    # construction -------------------------------------------------------------------------------
    @classmethod
    def from_dense(
        cls,
        L: np.ndarray | Sequence[Sequence[int]],
        lf_names: Sequence[str] | None = None,
        index: Sequence[Any] | pd.Index | None = None,
        cardinality: int | None = None,
    ) -> LabelMatrix:
        """Build from a dense integer array with ``-1`` for abstain.

        Examples
        --------
        >>> LabelMatrix.from_dense([[1, -1, 0]], cardinality=2).nnz
        2
        """
        arr = np.asarray(L)
        if arr.ndim != 2:
            raise LabelMatrixError(f"a label matrix must be 2-D, got shape {arr.shape}")
        if arr.size and arr.dtype.kind not in "iu":
            if arr.dtype.kind == "f" and np.isfinite(arr).all() and (arr == np.round(arr)).all():
                arr = arr.astype(np.int64)
            else:
                bad = _first_bad_position(arr)
                raise LabelMatrixError(
                    f"label matrix must hold integers; row {bad[0]}, column {bad[1]} holds {arr[bad]!r}"
                )
        if arr.size and arr.min() < ABSTAIN:
            r, c = np.argwhere(arr < ABSTAIN)[0]
            raise LabelMatrixError(f"invalid label {arr[r, c]} at row {r}, column {c}: labels are >= 0, -1 = abstain")
        return cls(sp.csr_matrix(arr.astype(np.int64) + 1), lf_names=lf_names, index=index, cardinality=cardinality)

    @classmethod
    def from_sparse(
        cls,
        matrix: sp.spmatrix | sp.sparray,
        lf_names: Sequence[str] | None = None,
        index: Sequence[Any] | pd.Index | None = None,
        cardinality: int | None = None,
        shifted: bool = True,
    ) -> LabelMatrix:
        """Build from a scipy sparse matrix.

        With ``shifted=True`` (the default, and the storage format) stored values are
        ``label + 1`` and implicit zeros are abstains. With ``shifted=False`` stored
        values are labels themselves and ``-1`` entries mark abstains; implicit zeros
        are then votes for class 0, which is rarely what you want.

        Examples
        --------
        >>> import scipy.sparse as sp
        >>> LabelMatrix.from_sparse(sp.csr_matrix([[2, 0]])).to_dense().tolist()
        [[1, -1]]
        """
        if shifted:
            return cls(matrix, lf_names=lf_names, index=index, cardinality=cardinality)
        return cls.from_dense(matrix.toarray(), lf_names=lf_names, index=index, cardinality=cardinality)

    @classmethod
    def from_columns(
        cls,
        columns: Sequence[np.ndarray],
        lf_names: Sequence[str] | None = None,
        index: Sequence[Any] | pd.Index | None = None,
        cardinality: int | None = None,
    ) -> LabelMatrix:
        """Build from one integer vote vector per LF (``-1`` = abstain), without a dense n x m copy.

        Examples
        --------
        >>> LabelMatrix.from_columns([np.array([0, -1]), np.array([-1, 1])]).to_dense().tolist()
        [[0, -1], [-1, 1]]
        """
        n = len(columns[0]) if len(columns) else (0 if index is None else len(index))
        rows, cols, data = [], [], []
        for j, col in enumerate(columns):
            col = np.asarray(col)
            if len(col) != n:
                raise LabelMatrixError(f"column {j} has {len(col)} rows, expected {n}")
            (nz,) = np.nonzero(col != ABSTAIN)
            rows.append(nz)
            cols.append(np.full(len(nz), j, dtype=np.int64))
            data.append(col[nz].astype(np.int64) + 1)
        if not columns:
            csr = sp.csr_matrix((n, 0), dtype=np.int8)
        else:
            coo = sp.coo_matrix(
                (np.concatenate(data), (np.concatenate(rows), np.concatenate(cols))), shape=(n, len(columns))
            )
            csr = coo.tocsr()
        return cls(csr, lf_names=lf_names, index=index, cardinality=cardinality)

    @classmethod
    def from_annotations(
        cls,
        df: pd.DataFrame,
        item: str = "item",
        annotator: str = "annotator",
        label: str = "label",
        cardinality: int | None = None,
        classes: Sequence[Any] | None = None,
    ) -> LabelMatrix:
        """Build from a long table of crowd annotations, one row per (item, annotator, label).

        Rows of the matrix are the unique items in order of first appearance (item ids become
        the index), columns the annotators (their names become the LF names); an annotator who
        did not label an item abstains. Labels must be integers ``0..k-1`` unless ``classes``
        maps values to ``0..k-1`` by position (then ``cardinality`` defaults to its length).
        An annotator giving one item two different labels is an error; exact repeats collapse.

        Examples
        --------
        >>> import pandas as pd
        >>> df = pd.DataFrame({"tweet": [7, 7, 9], "worker": ["ann", "bob", "bob"], "y": ["pos", "neg", "pos"]})
        >>> L = LabelMatrix.from_annotations(df, item="tweet", annotator="worker", label="y", classes=["neg", "pos"])
        >>> L.lf_names, L.index.tolist(), L.to_dense().tolist()
        (['ann', 'bob'], [7, 9], [[1, 0], [-1, 1]])
        """
        from weaksup.annotations import label_matrix_from_annotations  # kept out of this core module

        return label_matrix_from_annotations(df, item, annotator, label, cardinality=cardinality, classes=classes)

    # basic properties ---------------------------------------------------------------------------
    @property
    def csr(self) -> sp.csr_matrix:
        """The stored CSR matrix of ``label + 1`` (zeros are abstains). Do not modify in place."""
        return self._csr

    @property
    def shape(self) -> tuple[int, int]:
        return self._csr.shape

    @property
    def n_rows(self) -> int:
        return self._csr.shape[0]

    @property
    def n_lfs(self) -> int:
        return self._csr.shape[1]

    @property
    def nnz(self) -> int:
        """Number of non-abstain votes."""
        return int(self._csr.nnz)

    @property
    def nbytes(self) -> int:
        """Memory held by the sparse arrays, in bytes."""
        c = self._csr
        return int(c.data.nbytes + c.indices.nbytes + c.indptr.nbytes)

    def __len__(self) -> int:
        return self.n_rows

    def __repr__(self) -> str:
        return (
            f"LabelMatrix(n_rows={self.n_rows}, n_lfs={self.n_lfs}, nnz={self.nnz}, "
            f"cardinality={self.cardinality}, lf_names={self.lf_names[:5]}{'...' if self.n_lfs > 5 else ''})"
        )

    def infer_cardinality(self) -> int:
        """``cardinality`` if set, else ``max(label) + 1`` (at least 2)."""
        if self.cardinality is not None:
            return self.cardinality
        return max(2, int(self._csr.data.max()) if self._csr.nnz else 2)

    # conversion ---------------------------------------------------------------------------------
    def to_dense(self) -> np.ndarray:
        """Dense ``int`` array, ``-1`` = abstain.

        Examples
        --------
        >>> LabelMatrix.from_dense([[0, -1]]).to_dense().tolist()
        [[0, -1]]
        """
        dtype = np.int8 if self._csr.dtype == np.int8 else np.int32
        return self._csr.toarray().astype(dtype) - 1

    def to_frame(self) -> pd.DataFrame:
        """Dense DataFrame with LF names as columns and row ids as index."""
        return pd.DataFrame(self.to_dense(), index=self.index, columns=self.lf_names)

    # selection and combination ------------------------------------------------------------------
    def __getitem__(self, rows: Any) -> LabelMatrix:
        """Select rows by boolean mask, positions or slice; LF columns are kept."""
        if isinstance(rows, slice):
            positions = np.arange(self.n_rows)[rows]
        else:
            rows = np.asarray(rows)
            if rows.dtype == bool:
                if rows.shape != (self.n_rows,):
                    raise LabelMatrixError(f"boolean mask has shape {rows.shape}, expected ({self.n_rows},)")
                positions = np.flatnonzero(rows)
            elif rows.dtype.kind in "iu":
                positions = rows.ravel()
            else:
                raise LabelMatrixError(f"select rows with a boolean mask, integer positions or a slice, not {rows.dtype}")
        return LabelMatrix(
            self._csr[positions], lf_names=self.lf_names, index=self.index[positions], cardinality=self.cardinality
        )

    def select_rows(self, rows: Any) -> LabelMatrix:
        """Alias of ``L[rows]``."""
        return self[rows]

    def loc(self, ids: Sequence[Any]) -> LabelMatrix:
        """Select rows by row id (requires a unique index)."""
        if not self.index.is_unique:
            raise LabelMatrixError("selection by id needs unique row ids")
        positions = self.index.get_indexer(pd.Index(ids))
        if (positions < 0).any():
            missing = pd.Index(ids)[positions < 0][:5].tolist()
            raise LabelMatrixError(f"row ids not in the label matrix: {missing}")
        return self[positions]

    def select_lfs(self, lfs: Sequence[str] | Sequence[int]) -> LabelMatrix:
        """Keep only the given LF columns, by name or position, in that order."""
        cols = [self.lf_names.index(c) if isinstance(c, str) else int(c) for c in lfs]
        return LabelMatrix(
            self._csr[:, cols], lf_names=[self.lf_names[c] for c in cols], index=self.index, cardinality=self.cardinality
        )

    def add_lfs(self, other: LabelMatrix | np.ndarray, lf_names: Sequence[str] | None = None) -> LabelMatrix:
        """Return a new matrix with the columns of ``other`` appended (same rows, same order)."""
        if not isinstance(other, LabelMatrix):
            arr = np.asarray(other)
            if arr.ndim == 1:
                arr = arr[:, None]
            if lf_names is None:
                lf_names = [f"lf_{self.n_lfs + j}" for j in range(arr.shape[1])]
            other = LabelMatrix.from_dense(arr, lf_names=lf_names, index=self.index)
        if other.n_rows != self.n_rows:
            raise LabelMatrixError(f"cannot add LFs with {other.n_rows} rows to a matrix with {self.n_rows} rows")
        if not other.index.equals(self.index):
            raise LabelMatrixError("cannot add LFs whose row ids differ from this matrix's row ids")
        csr = sp.hstack([self._csr.astype(np.int32), other.csr.astype(np.int32)], format="csr")
        return LabelMatrix(csr, self.lf_names + other.lf_names, self.index, _merge_cardinality(self, other))

    def append_rows(self, other: LabelMatrix) -> LabelMatrix:
        """Return a new matrix with the rows of ``other`` (same LFs, same order) appended."""
        if other.lf_names != self.lf_names:
            raise LabelMatrixError(f"cannot append rows with LFs {other.lf_names} to a matrix with LFs {self.lf_names}")
        csr = sp.vstack([self._csr.astype(np.int32), other.csr.astype(np.int32)], format="csr")
        return LabelMatrix(csr, self.lf_names, self.index.append(other.index), _merge_cardinality(self, other))

    def with_cardinality(self, cardinality: int | None) -> LabelMatrix:
        """Same votes, with ``cardinality`` set (validated against the votes)."""
        return LabelMatrix(self._csr, self.lf_names, self.index, cardinality)

    # equality and persistence -------------------------------------------------------------------
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, LabelMatrix):
            return NotImplemented
        return (
            self.shape == other.shape
            and self.lf_names == other.lf_names
            and self.cardinality == other.cardinality
            and self.index.equals(other.index)
            and (self._csr != other.csr).nnz == 0
        )

    __hash__ = None  # type: ignore[assignment]

    def save(self, path: str | Path) -> Path:
        """Write to a ``.npz`` file (no pickle).

        Examples
        --------
        >>> import tempfile, os
        >>> L = LabelMatrix.from_dense([[0, -1]], lf_names=["a", "b"], index=["r1"])
        >>> p = L.save(os.path.join(tempfile.mkdtemp(), "L.npz"))
        >>> LabelMatrix.load(p) == L
        True
        """
        path = Path(path)
        if path.suffix != ".npz":
            path = path.with_suffix(path.suffix + ".npz") if path.suffix else path.with_suffix(".npz")
        kind, idx = _index_to_json(self.index)
        meta = {
            "format": "weaksup.LabelMatrix",
            "version": 1,
            "shape": list(self.shape),
            "lf_names": self.lf_names,
            "cardinality": self.cardinality,
            "index_kind": kind,
            "index_name": None if self.index.name is None else str(self.index.name),
            "dtype": str(self._csr.dtype),
        }
        arrays = {"data": self._csr.data, "indices": self._csr.indices, "indptr": self._csr.indptr}
        if kind == "range":
            meta["index_range"] = idx
        else:
            arrays["index"] = idx
        arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(path, **arrays)
        return path

    @classmethod
    def load(cls, path: str | Path) -> LabelMatrix:
        """Read a file written by :meth:`save`; never executes code (``allow_pickle=False``)."""
        try:
            with np.load(path, allow_pickle=False) as z:
                meta = json.loads(bytes(z["meta"]).decode())
                if meta.get("format") != "weaksup.LabelMatrix":
                    raise LabelMatrixError(f"{path} is not a weaksup label matrix")
                csr = sp.csr_matrix((z["data"], z["indices"], z["indptr"]), shape=tuple(meta["shape"]))
                kind = meta["index_kind"]
                if kind == "range":
                    index = pd.RangeIndex(*meta["index_range"])
                elif kind == "str":
                    index = pd.Index(z["index"].astype(object))
                else:
                    index = pd.Index(z["index"])
        except (KeyError, ValueError, OSError, json.JSONDecodeError) as exc:
            if isinstance(exc, LabelMatrixError):
                raise
            raise LabelMatrixError(f"cannot read label matrix from {path}: {exc}") from exc
        index.name = meta.get("index_name")
        return cls(csr, lf_names=meta["lf_names"], index=index, cardinality=meta["cardinality"])


def _merge_cardinality(a: LabelMatrix, b: LabelMatrix) -> int | None:
    if a.cardinality is None or b.cardinality is None:
        return a.cardinality if b.cardinality is None else b.cardinality
    return max(a.cardinality, b.cardinality)


def _first_bad_position(arr: np.ndarray) -> tuple[int, int]:
    for pos, value in np.ndenumerate(arr):
        if not isinstance(value, (int, np.integer)) or isinstance(value, (bool, np.bool_)):
            if isinstance(value, float) and np.isfinite(value) and value == round(value):
                continue
            return pos  # type: ignore[return-value]
    return (0, 0)


def as_label_matrix(L: Any, cardinality: int | None = None) -> LabelMatrix:
    """Coerce a LabelMatrix, dense array (``-1`` = abstain) or scipy sparse matrix (``label + 1``).

    This is the single place where label-model input is validated.

    Examples
    --------
    >>> as_label_matrix([[0, 1, -1]], cardinality=2).shape
    (1, 3)
    """
    if isinstance(L, LabelMatrix):
        if cardinality is not None and L.cardinality != cardinality:
            return L.with_cardinality(cardinality)
        return L
    if sp.issparse(L):
        return LabelMatrix.from_sparse(L, cardinality=cardinality)
    if isinstance(L, pd.DataFrame):
        return LabelMatrix.from_dense(L.to_numpy(), lf_names=[str(c) for c in L.columns], index=L.index, cardinality=cardinality)
    return LabelMatrix.from_dense(L, cardinality=cardinality)
