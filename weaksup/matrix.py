"""LabelMatrix: the sparse matrix of LF votes that every later stage takes."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from weaksup import _dense_cache as dense_cache
from weaksup import _matrix_file as mf
from weaksup._dense_convert import _wrapped_abstain, dense_csr, dense_csr_digest, unmasked
from weaksup._files import atomic_path, user_path
from weaksup._matrix_checks import (
    MAX_STORED,
    canonical_csr,
    file_csr,
    int64_labels,
    lf_positions,
    ragged_rows,
    row_positions,
)
from weaksup._matrix_inputs import dense_where, frame_votes, holds, lf_name, named_where, row_ids, series_ids
from weaksup._matrix_interop import ArrayInteropMixin
from weaksup._votes import ABSTAIN
from weaksup.errors import LabelMatrixError, MissingFileError, ParameterError


def _storage_dtype(max_label: int) -> np.dtype:
    """Smallest signed integer dtype that holds ``max_label + 1``."""
    for dtype in (np.int8, np.int16, np.int32):
        if max_label + 1 <= np.iinfo(dtype).max:
            return np.dtype(dtype)
    return np.dtype(np.int64)


class LabelMatrix(ArrayInteropMixin):
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

    __slots__ = ("_csr", "_lf_names", "_index", "_cardinality")

    def __init__(
        self,
        csr: sp.spmatrix | sp.sparray,
        lf_names: Sequence[str] | None = None,
        index: Sequence[Any] | pd.Index | None = None,
        cardinality: int | None = None,
    ) -> None:
        if not sp.issparse(csr):  # a dense array here would be read as label + 1: every 0 vote an abstain
            raise LabelMatrixError(
                f"LabelMatrix(...) takes a scipy sparse matrix of votes stored as label + 1, got {type(csr).__name__}; "
                "for a dense array, DataFrame or list of rows with -1 = abstain use LabelMatrix.from_dense(L)")
        # the structure is checked before any scipy kernel reads it; repeats raise instead of summing
        name = None if lf_names is None and index is None else named_where(lf_names, index)
        self._setup(canonical_csr(csr, name=name), lf_names, index, cardinality)

    @classmethod
    def _trusted(
        cls, csr: sp.csr_matrix, lf_names: Sequence[str] | None, index: Any, cardinality: int | None
    ) -> LabelMatrix:
        """Build from a CSR already known canonical (checked integer votes >= 1, in-range, strictly
        increasing indices per row), skipping the structural check: for row selections of a valid
        matrix and for files :meth:`load` has just checked."""
        self = cls.__new__(cls)
        self._setup(csr, lf_names, index, cardinality)
        return self

    def _setup(
        self, csr: sp.csr_matrix, lf_names: Sequence[str] | None, index: Any, cardinality: int | None
    ) -> None:
        n, m = csr.shape
        max_label = int(csr.data.max()) - 1 if csr.nnz else 0
        if cardinality is not None:
            whole = isinstance(cardinality, (int, np.integer)) or (
                isinstance(cardinality, (float, np.floating)) and float(cardinality).is_integer()
            )
            if not whole or isinstance(cardinality, (bool, np.bool_)):
                raise LabelMatrixError(f"cardinality must be an integer >= 2, got {cardinality!r}")
            cardinality = int(cardinality)
            if not 2 <= cardinality <= MAX_STORED:  # labels 0..k-1 are stored as label + 1 in int64
                raise LabelMatrixError(f"cardinality must be >= 2 and at most {MAX_STORED}, got {cardinality}")
        dtype = _storage_dtype(max(max_label, (cardinality or 1) - 1))
        if csr.dtype != dtype:
            csr = csr.astype(dtype)
            csr.has_sorted_indices = True
        if isinstance(lf_names, str):  # one name, not one LF per letter
            lf_names = [lf_names]
        lf_names = [f"lf_{j}" for j in range(m)] if lf_names is None else [lf_name(s) for s in lf_names]
        if len(lf_names) != m:
            raise LabelMatrixError(f"got {len(lf_names)} LF names for {m} columns")
        # a set, not a pandas Index: a first string Index costs ~40 ms of pyarrow set-up on a first call
        dupes = [] if len(set(lf_names)) == m else list(dict.fromkeys(s for i, s in enumerate(lf_names)
                                                                      if s in lf_names[:i]))
        if dupes:
            raise LabelMatrixError(f"duplicate LF names: {dupes}")
        index = pd.RangeIndex(n) if index is None else row_ids(index)
        if len(index) != n:
            raise LabelMatrixError(f"index has {len(index)} ids for {n} rows")
        if cardinality is not None and max_label >= cardinality:  # name the first such vote: its LF, row, value
            at = int(np.argmax(csr.data > cardinality))  # stored as label + 1
            row = int(np.searchsorted(csr.indptr, at, side="right") - 1)
            raise LabelMatrixError(
                f"LF {lf_names[int(csr.indices[at])]!r} votes label {int(csr.data[at]) - 1} at row {index[row]!r}, "
                f"out of range for cardinality {cardinality} (labels are 0..{cardinality - 1}; -1 = abstain)"
            )
        self._csr = csr
        self._lf_names = lf_names
        self._index = index
        self._cardinality = cardinality

    # the metadata: set as one would set a DataFrame's index or columns, checked as the constructor checks it
    @property
    def lf_names(self) -> list[str]:
        """The LF names, one per column; ``L.lf_names = [...]`` renames them (one unique name per column)."""
        return self._lf_names

    @lf_names.setter
    def lf_names(self, names: Sequence[str] | None) -> None:
        self._setup(self._csr, names, self._index, self._cardinality)  # checked whole: nothing changes on error

    @property
    def index(self) -> pd.Index:
        """The row ids; ``L.index = ids`` sets them (one per row, kept exactly as given; None: positions)."""
        return self._index

    @index.setter
    def index(self, ids: Sequence[Any] | pd.Index | None) -> None:
        self._setup(self._csr, self._lf_names, ids, self._cardinality)

    @property
    def cardinality(self) -> int | None:
        """The number of classes, when known; setting it checks the votes, as :meth:`with_cardinality` does."""
        return self._cardinality

    @cardinality.setter
    def cardinality(self, cardinality: int | None) -> None:
        self._setup(self._csr, self._lf_names, self._index, cardinality)

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

        A pandas DataFrame (or a LabelMatrix) keeps its column names as LF names and its index
        as row ids, unless ``lf_names`` / ``index`` are given.

        Examples
        --------
        >>> LabelMatrix.from_dense([[1, -1, 0]], cardinality=2).nnz
        2
        """
        if isinstance(L, pd.DataFrame):  # its ids and names, as as_label_matrix keeps them: not positions
            lf_names = [str(c) for c in L.columns] if lf_names is None else lf_names
            index = L.index if index is None else index
            L = frame_votes(L)
        elif isinstance(L, LabelMatrix):  # np.asarray(L) would keep its votes only
            lf_names = L.lf_names if lf_names is None else lf_names
            index = L.index if index is None else index
            cardinality = L.cardinality if cardinality is None else cardinality
        where = dense_where if lf_names is None and index is None else named_where(lf_names, index)
        L = unmasked(L, where)  # np.asarray drops a mask: a masked (missing) vote would read as the value under it
        try:
            arr = np.asarray(L)
        except ValueError as exc:  # rows of different lengths: numpy's "inhomogeneous shape" names no row
            raise LabelMatrixError(f"a label matrix must be 2-D with one vote per LF in every row; {ragged_rows(L)}") from exc
        if arr.dtype.kind in "US" and not isinstance(L, np.ndarray):
            arr = np.asarray(L, dtype=object)  # one string among int votes: name it, not a vote numpy made a string
        if arr.ndim != 2:
            hint = {1: "; one LF's votes: votes[:, None], or LabelMatrix.from_columns([votes])",
                    0: f" ({type(L).__name__})" + ("; a mapping of LF name to votes: LabelMatrix.from_columns(mapping)"
                                                   if isinstance(L, Mapping) else "")}
            raise LabelMatrixError(f"a label matrix must be 2-D, got shape {arr.shape}{hint.get(arr.ndim, '')}")
        # one blocked pass to a canonical CSR of the smallest dtype: no need to check its structure again
        csr = dense_csr(arr, where)
        return cls._trusted(csr, lf_names, index, cardinality)

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
        dense = canonical_csr(matrix, votes=False).toarray()  # toarray() trusts the structure: check it first
        return cls.from_dense(dense, lf_names=lf_names, index=index, cardinality=cardinality)

    @classmethod
    def from_columns(
        cls,
        columns: Sequence[np.ndarray],
        lf_names: Sequence[str] | None = None,
        index: Sequence[Any] | pd.Index | None = None,
        cardinality: int | None = None,
    ) -> LabelMatrix:
        """Build from one integer vote vector per LF (``-1`` = abstain), without a dense n x m copy.

        ``columns`` may be a mapping of LF name to votes (its keys are the LF names unless
        ``lf_names``). pandas Series columns bring their ids as the row ids (unless ``index``);
        they must all carry the same ids, in the same order: they are never combined by position.

        Examples
        --------
        >>> LabelMatrix.from_columns([np.array([0, -1]), np.array([-1, 1])]).to_dense().tolist()
        [[0, -1], [-1, 1]]
        >>> LabelMatrix.from_columns({"a": [0, -1], "b": [-1, 1]}).lf_names
        ['a', 'b']
        """
        if isinstance(columns, Mapping):
            lf_names = [str(k) for k in columns] if lf_names is None else lf_names
            columns = columns.values()
        elif isinstance(columns, (str, bytes)) or not hasattr(columns, "__iter__"):
            raise LabelMatrixError(f"columns must be a sequence of vote vectors, one per LF, got {type(columns).__name__}")
        # a generator: read once; a masked array keeps its mask until its masked votes are refused below
        columns = [c if isinstance(c, (pd.Series, np.ma.MaskedArray)) else np.asarray(c) for c in columns]
        for j, col in enumerate(columns):
            if col.ndim != 1:
                raise LabelMatrixError(f"column {j} must be 1-D, got shape {col.shape}")
        index = None if index is None else row_ids(index)  # a generator of ids: read once
        ids = series_ids(columns, index)  # Series columns checked against the ids, or giving them
        index = ids if index is None else index
        n = len(columns[0]) if len(columns) else (0 if index is None else len(index))
        where = named_where(lf_names, index)
        rows, cols, data = [], [], []
        for j, col in enumerate(columns):
            col = np.asarray(unmasked(col, lambda pos, j=j: where((pos[0], j))))
            if len(col) != n:
                raise LabelMatrixError(f"column {j} has {len(col)} rows, expected {n}")
            labels = int64_labels(col, lambda pos, j=j: where((pos[0], j)))
            if col.dtype.kind == "u" and col.size and col.max() == np.iinfo(col.dtype).max:
                _wrapped_abstain(col, 0, lambda pos, j=j: where((pos[0], j)))  # as from_dense refuses it
            col = labels
            (nz,) = np.nonzero(col != ABSTAIN)
            rows.append(nz)
            cols.append(np.full(len(nz), j, dtype=np.int64))
            data.append(col[nz] + 1)
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
        duplicates: str = "majority",
    ) -> LabelMatrix:
        """Build from a long table of crowd annotations, one row per (item, annotator, label).

        Rows of the matrix are the unique items in order of first appearance (item ids become
        the index), columns the annotators (their names become the LF names); an annotator who
        did not label an item abstains. Labels must be integers ``0..k-1`` unless ``classes``
        maps values to ``0..k-1`` by position (then ``cardinality`` defaults to its length).
        Exact repeats of an (item, annotator) pair collapse; when an annotator gave one item different
        labels, ``duplicates`` decides: ``"majority"`` (default: the label given most often, ties to the
        latest), ``"first"``, ``"last"`` or ``"error"``; resolved conflicts are counted in a ``WeaksupWarning``.

        Examples
        --------
        >>> import pandas as pd
        >>> df = pd.DataFrame({"tweet": [7, 7, 9], "worker": ["ann", "bob", "bob"], "y": ["pos", "neg", "pos"]})
        >>> L = LabelMatrix.from_annotations(df, item="tweet", annotator="worker", label="y", classes=["neg", "pos"])
        >>> L.lf_names, L.index.tolist(), L.to_dense().tolist()
        (['ann', 'bob'], [7, 9], [[1, 0], [-1, 1]])
        """
        from weaksup.annotations import parse_annotations  # a parser below this module, imported when used

        csr, names, index, k = parse_annotations(df, item, annotator, label, cardinality=cardinality,
                                                 classes=classes, duplicates=duplicates)
        return cls(csr, lf_names=names, index=index, cardinality=k)

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

        The dtype holds every stored label: ``int8`` for small label sets, ``int64`` when
        labels need it, ``int32`` otherwise.

        Examples
        --------
        >>> LabelMatrix.from_dense([[0, -1]]).to_dense().tolist()
        [[0, -1]]
        >>> LabelMatrix.from_dense([[2**31, -1]]).to_dense().tolist()
        [[2147483648, -1]]
        """
        stored = self._csr.dtype
        dtype = stored if stored in (np.int8, np.int64) else np.dtype(np.int32)
        return self._csr.toarray().astype(dtype, copy=False) - 1

    def to_frame(self) -> pd.DataFrame:
        """Dense DataFrame with LF names as columns and row ids as index."""
        return pd.DataFrame(self.to_dense(), index=self.index, columns=self.lf_names)

    # selection and combination ------------------------------------------------------------------
    def __getitem__(self, rows: Any) -> LabelMatrix:
        """Select rows by boolean mask, positions or slice; LF columns are kept."""
        if isinstance(rows, slice) and not all(b is None or hasattr(b, "__index__")
                                               for b in (rows.start, rows.stop, rows.step)):  # L["r1":"r5"]: ids
            raise LabelMatrixError(f"a slice of rows takes integer positions, got {rows!r}; to select rows by id use "
                                   "L.loc(ids)")
        positions = row_positions(rows, self.n_rows, self.index)
        # rows of a canonical CSR, in any order or repeated, form a canonical CSR
        return LabelMatrix._trusted(self._csr[positions], self.lf_names, self.index[positions], self.cardinality)

    def select_rows(self, rows: Any) -> LabelMatrix:
        """Alias of ``L[rows]``."""
        return self[rows]

    def loc(self, ids: Sequence[Any]) -> LabelMatrix:
        """Select rows by row id (requires a unique index)."""
        if not self.index.is_unique:
            repeated = self.index[self.index.duplicated()].unique()[:5].tolist()
            raise LabelMatrixError(f"selection by id needs unique row ids; repeated ids include {repeated}")
        if isinstance(ids, str) or not pd.api.types.is_list_like(ids):
            ids = [ids]  # one id: pd.Index("r7") would raise a TypeError
        elif isinstance(ids, tuple) and holds(self.index, ids):
            ids = [ids]  # one tuple id (a MultiIndex row), not a list of ids
        ids = row_ids(ids)
        positions = self.index.get_indexer(ids)
        if (positions < 0).any():
            missing = ids[positions < 0][:5].tolist()
            raise LabelMatrixError(f"row ids not in the label matrix: {missing}")
        return self[positions]

    def select_lfs(self, lfs: Sequence[str] | Sequence[int]) -> LabelMatrix:
        """Keep only the given LF columns, by name or position, in that order."""
        cols = lf_positions(lfs, self.lf_names)
        return LabelMatrix(
            self._csr[:, cols], lf_names=[self.lf_names[c] for c in cols], index=self.index, cardinality=self.cardinality
        )

    def add_lfs(self, other: LabelMatrix | np.ndarray, lf_names: Sequence[str] | None = None) -> LabelMatrix:
        """Return a new matrix with the columns of ``other`` appended (same rows, same order).

        A pandas DataFrame or Series brings its column names (unless ``lf_names``) and must
        carry this matrix's row ids, in order.
        """
        if isinstance(other, pd.Series):
            other = other.to_frame(other.name if other.name is not None else f"lf_{self.n_lfs}")
        if isinstance(other, pd.DataFrame):  # its ids are checked below: never appended by position
            other = LabelMatrix.from_dense(other, lf_names=lf_names)
        elif sp.issparse(other):  # label + 1, as everywhere a sparse matrix of votes is taken
            if other.shape[0] != self.n_rows:
                raise LabelMatrixError(f"cannot add LFs with {other.shape[0]} rows to a matrix with {self.n_rows} rows")
            if lf_names is None:
                lf_names = [f"lf_{self.n_lfs + j}" for j in range(other.shape[1])]
            other = LabelMatrix.from_sparse(other, lf_names=lf_names, index=self.index)
        elif not isinstance(other, LabelMatrix):
            arr = np.asarray(other)
            if arr.ndim == 1:
                arr = arr[:, None]
            if arr.ndim == 2 and arr.shape[0] != self.n_rows:  # before from_dense, which would blame the ids
                raise LabelMatrixError(f"cannot add LFs with {arr.shape[0]} rows to a matrix with {self.n_rows} rows")
            if lf_names is None:
                lf_names = [f"lf_{self.n_lfs + j}" for j in range(arr.shape[1])]
            other = LabelMatrix.from_dense(arr, lf_names=lf_names, index=self.index)
        if other.n_rows != self.n_rows:
            raise LabelMatrixError(f"cannot add LFs with {other.n_rows} rows to a matrix with {self.n_rows} rows")
        if not other.index.equals(self.index):
            raise LabelMatrixError("cannot add LFs whose row ids differ from this matrix's row ids (a frame in "
                                   "another order: .reindex(L.index); votes by position: .to_numpy())")
        dtype = np.result_type(self._csr.dtype, other.csr.dtype)  # never narrower than either side
        csr = sp.hstack([self._csr.astype(dtype), other.csr.astype(dtype)], format="csr")
        return LabelMatrix(csr, self.lf_names + other.lf_names, self.index, _merge_cardinality(self, other))

    def append_rows(self, other: LabelMatrix) -> LabelMatrix:
        """Return a new matrix with the rows of ``other`` (same LFs, same order) appended."""
        if not isinstance(other, LabelMatrix):  # a bare array has no row ids to append
            raise LabelMatrixError(
                f"append_rows takes a LabelMatrix, got {type(other).__name__}; build one with its row ids first: "
                "LabelMatrix.from_dense(votes, lf_names=L.lf_names, index=ids)")
        if other.lf_names != self.lf_names:
            raise LabelMatrixError(f"cannot append rows with LFs {other.lf_names} to a matrix with LFs {self.lf_names}")
        dtype = np.result_type(self._csr.dtype, other.csr.dtype)
        csr = sp.vstack([self._csr.astype(dtype), other.csr.astype(dtype)], format="csr")
        return LabelMatrix(csr, self.lf_names, self.index.append(other.index), _merge_cardinality(self, other))

    def with_cardinality(self, cardinality: int | None) -> LabelMatrix:
        """Same votes, with ``cardinality`` set (validated against the votes)."""
        return LabelMatrix._trusted(self._csr, self.lf_names, self.index, cardinality)

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
        path = user_path(path)
        if path.is_dir():  # else a raw IsADirectoryError, or (no suffix) a file beside the folder named "<folder>.npz"
            raise ParameterError(f"cannot save the label matrix to {str(path)!r}: it is a folder; name the .npz "
                                 f"file to write, e.g. {str(path / 'L.npz')!r}")
        if path.suffix.lower() != ".npz":  # "L.NPZ" is an npz file already: not "L.NPZ.npz"
            path = path.with_suffix(path.suffix + ".npz") if path.suffix else path.with_suffix(".npz")
            if path.is_dir():
                raise ParameterError(f"cannot save the label matrix to {str(path)!r}: it is a folder")
        index_spec, index_arrays = mf.encode_index(self.index)  # may refuse: before anything is written
        meta = {
            "format": "weaksup.LabelMatrix",
            "version": 2,
            "shape": list(self.shape),
            "lf_names": self.lf_names,
            "cardinality": self.cardinality,
            "dtype": str(self._csr.dtype),
            "index": index_spec,
        }
        nnz = self.nnz
        arrays = {"data": self._csr.data[:nnz], "indices": self._csr.indices[:nnz], "indptr": self._csr.indptr}
        arrays.update(index_arrays)
        arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
        with atomic_path(path) as tmp:  # a reader sees the old file or the whole new one, never a part
            with open(tmp, "wb") as f:  # a file object: numpy appends nothing to the name
                np.savez_compressed(f, **arrays)
        return path

    @classmethod
    def load(cls, path: str | Path) -> LabelMatrix:
        """Read a file written by :meth:`save`; never executes code (no pickle).

        Everything is checked before the matrix is built: the meta's types, every member's
        presence and size, the sparse structure (``indptr`` monotone from 0 to nnz, indices in
        range and strictly increasing per row), the votes' dtype and range, and the row ids.

        Raises
        ------
        LabelMatrixError
            Naming the file and what is wrong, for any file that is not a valid label matrix
            (truncated, empty, not a zip, tampered with).

        Examples
        --------
        >>> import tempfile, os
        >>> p = os.path.join(tempfile.mkdtemp(), "L.npz")
        >>> _ = open(p, "wb").write(b"PK")
        >>> LabelMatrix.load(p)
        Traceback (most recent call last):
        ...
        weaksup.errors.LabelMatrixError: cannot read label matrix from ...: BadZipFile: File is not a zip file
        """
        if not user_path(path).is_file():
            raise MissingFileError(f"no such label matrix file: {path}")
        path = user_path(path)
        try:
            with mf.NpzReader(path) as z:
                meta = z.meta()
                shape, lf_names, cardinality, dtype = mf.check_meta(meta)
                csr = file_csr(z.member("data"), z.member("indices"), z.member("indptr"), shape, dtype, cardinality)
                if meta["version"] == 1:
                    index = mf.decode_v1_index(meta, z.member, shape[0])
                else:
                    index = mf.decode_index(meta.get("index"), z.member, shape[0])
            return cls._trusted(csr, lf_names, index, cardinality)
        except LabelMatrixError as exc:
            raise LabelMatrixError(f"cannot read label matrix from {path}: {exc}{_foreign_npz(path)}") from exc
        except Exception as exc:  # the bytes are untrusted: any failure to parse them means a bad file
            raise LabelMatrixError(f"cannot read label matrix from {path}: {type(exc).__name__}: {exc}") from exc


def _foreign_npz(path: Path) -> str:
    """What an ``.npz`` file without a label matrix's meta holds instead, for the error: the probabilistic labels
    that ``weaksup predict`` / ``run`` and ``export_labels`` write, a ``scipy.sparse.save_npz`` matrix, or other
    arrays. Only the member names are read (no array, no pickle); "" for a file that has the meta or is no zip."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            members = {name.removesuffix(".npy") for name in z.namelist()}
    except (OSError, zipfile.BadZipFile, ValueError):
        return ""
    if "meta" in members:
        return ""
    made = "a label matrix is what 'weaksup apply' (or 'weaksup run --save-matrix') and LabelMatrix.save write"
    if "__columns__" in members or any(name.startswith("prob_") for name in members):
        return f" (it holds probabilistic labels, as 'weaksup predict' / 'weaksup run' write them, not votes; {made})"
    if {"format", "shape", "indptr", "indices", "data"} <= members:
        return (" (it is a scipy sparse matrix from scipy.sparse.save_npz: LabelMatrix.from_sparse(scipy.sparse."
                "load_npz(path)) reads one of votes stored as label + 1, then .save() it)")
    shown = ", ".join(sorted(members)[:6]) + (", ..." if len(members) > 6 else "")
    return (f" (it holds the arrays {shown}, not a label matrix; {made}; for a dense array of votes, "
            "LabelMatrix.from_dense(np.load(path)[name]).save(...))")


def _merge_cardinality(a: LabelMatrix, b: LabelMatrix) -> int | None:
    if a.cardinality is None or b.cardinality is None:
        return a.cardinality if b.cardinality is None else b.cardinality
    return max(a.cardinality, b.cardinality)


def as_label_matrix(L: Any, cardinality: int | None = None) -> LabelMatrix:
    """Coerce a LabelMatrix, dense array (``-1`` = abstain) or scipy sparse matrix (``label + 1``).

    This is the single place where label-model input is validated. The conversion of the last
    large dense array (a million entries or more) is kept while that array lives, so ``fit(L)``
    then ``predict_proba(L)`` on one array convert it once; the array's contents are
    fingerprinted on every call, so one changed in place in between is converted afresh.

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
    if isinstance(L, (pd.DataFrame, np.ma.MaskedArray)):  # names and ids kept; masked votes refused, not cached
        return LabelMatrix.from_dense(L, cardinality=cardinality)
    if not dense_cache.cacheable(L):
        return LabelMatrix.from_dense(L, cardinality=cardinality)
    kept = None
    if dense_cache.holds(L):  # this very array was converted: is every byte still the same?
        fp = dense_cache.fingerprint(L)
        kept = dense_cache.get(L, fp)
    if kept is None:  # convert, fingerprinting each block on the way (one read of the array)
        csr, fp = dense_csr_digest(np.asarray(L), dense_where)  # asarray: np.matrix and other subclasses
        kept = LabelMatrix._trusted(csr, None, None, cardinality)
        dense_cache.put(L, dense_cache.fingerprint(L) if fp is None else fp, kept)
    return kept if kept.cardinality == cardinality else kept.with_cardinality(cardinality)

