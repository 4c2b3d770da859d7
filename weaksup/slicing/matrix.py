"""SliceMatrix: which rows belong to which slices (sparse, rows x slices, with row ids and slice names)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from weaksup.slicing.sf import SliceError


class SliceMatrix:
    """Slice membership: a sparse boolean ``n rows x k slices`` matrix, with row ids and slice names.

    Only members are stored, so a slice costs its size. ``S["name"]`` is a slice's boolean mask
    (as with Snorkel's record array); :meth:`to_recarray` gives Snorkel's format itself.

    Parameters
    ----------
    csr : scipy.sparse matrix
        Nonzero where a row is in a slice.
    names : sequence of str
        One unique name per slice (column).
    index : array-like or pandas.Index, optional
        Row ids; defaults to ``RangeIndex(n)``.

    Examples
    --------
    >>> S = SliceMatrix.from_dense([[True, False], [True, True], [False, False]], names=["a", "b"])
    >>> S
    SliceMatrix(3 rows x 2 slices: a=2, b=1)
    >>> S["a"].tolist(), S.sizes().to_dict()
    ([True, True, False], {'a': 2, 'b': 1})
    """

    __slots__ = ("csr", "names", "index")

    def __init__(self, csr: Any, names: Sequence[str], index: Any = None) -> None:
        csr = sp.csr_matrix(csr, dtype=bool)
        csr.eliminate_zeros()
        names = [str(n) for n in names]
        if len(names) != csr.shape[1]:
            raise SliceError(f"{len(names)} slice names for {csr.shape[1]} columns")
        if len(set(names)) != len(names):
            dup = sorted({n for n in names if names.count(n) > 1})
            raise SliceError(f"slice names must be unique; repeated: {dup}")
        index = pd.RangeIndex(csr.shape[0]) if index is None else pd.Index(index)
        if len(index) != csr.shape[0]:
            raise SliceError(f"{len(index)} row ids for {csr.shape[0]} rows")
        self.csr, self.names, self.index = csr, names, index

    @classmethod
    def from_dense(cls, S: Any, names: Sequence[str] | None = None, index: Any = None) -> SliceMatrix:
        """From a boolean (or 0/1) array, a DataFrame of them, or Snorkel's record array of slice labels."""
        if isinstance(S, pd.DataFrame):
            return cls.from_dense(S.to_numpy(), names=list(map(str, S.columns)) if names is None else names,
                                  index=S.index if index is None else index)
        if isinstance(S, np.ndarray) and S.dtype.names:
            names = list(S.dtype.names) if names is None else names
            S = np.column_stack([np.asarray(S[n]) for n in S.dtype.names]) if S.dtype.names else S
        arr = np.asarray(S)
        if arr.ndim == 1:
            arr = arr.reshape(-1, 1)
        if arr.ndim != 2:
            raise SliceError(f"a slice matrix is 2-D (rows x slices), got shape {arr.shape}")
        if arr.dtype != bool:
            # Snorkel's SF applier stores 1 (in), 0 (out) and -1 (an SF that returned -1): 1 is membership
            if arr.dtype.kind not in "iub":
                raise SliceError(f"slice membership must be boolean or 0/1, got dtype {arr.dtype}")
            bad = ~np.isin(arr, (-1, 0, 1))
            if bad.any():  # a 2 (a class id, a count) is not a membership: never read as "not in the slice"
                r, j = (int(v) for v in np.argwhere(bad)[0])
                raise SliceError(f"row {r}, slice {j}: membership {arr[r, j].item()!r} is not 1 (in) or 0 / -1 (out)")
            arr = arr == 1
        names = [f"slice_{j}" for j in range(arr.shape[1])] if names is None else names
        return cls(sp.csr_matrix(arr), names, index)

    @property
    def shape(self) -> tuple[int, int]:
        return self.csr.shape

    def __len__(self) -> int:
        return self.csr.shape[0]

    def __repr__(self) -> str:
        sizes = ", ".join(f"{n}={c}" for n, c in zip(self.names, self._counts(), strict=True))
        return f"SliceMatrix({self.shape[0]} rows x {self.shape[1]} slices: {sizes})"

    def _counts(self) -> np.ndarray:
        return np.bincount(self.csr.indices, minlength=self.shape[1])

    def _col(self, key: str | int) -> int:
        if isinstance(key, str):
            try:
                return self.names.index(key)
            except ValueError:
                raise KeyError(f"no slice named {key!r}; slices are {self.names}") from None
        if isinstance(key, (int, np.integer)) and not isinstance(key, bool) and -self.shape[1] <= key < self.shape[1]:
            return int(key) % self.shape[1]
        raise KeyError(f"slice key must be a name or a column position, got {key!r}")

    def __getitem__(self, key: str | int) -> np.ndarray:
        """The boolean membership mask of one slice (by name or position)."""
        return self.mask(key)

    def mask(self, key: str | int) -> np.ndarray:
        """The boolean membership mask of one slice, in row order."""
        j = self._col(key)
        out = np.zeros(self.shape[0], dtype=bool)
        csc = self.csr[:, [j]]
        out[csc.nonzero()[0]] = True
        return out

    def ids(self, key: str | int) -> pd.Index:
        """The ids of the rows in one slice."""
        return self.index[self.mask(key)]

    def sizes(self) -> pd.Series:
        """Rows in each slice."""
        return pd.Series(self._counts(), index=self.names, name="n")

    def to_dense(self) -> np.ndarray:
        """Boolean array, rows x slices."""
        return self.csr.toarray()

    def to_frame(self) -> pd.DataFrame:
        """Boolean DataFrame: one column per slice, indexed by row id."""
        return pd.DataFrame(self.to_dense(), columns=self.names, index=self.index)

    def to_recarray(self) -> np.recarray:
        """Snorkel's format: a record array with one int64 field (1 = in the slice, 0 = not) per slice."""
        dense = self.to_dense()
        rec = np.recarray(self.shape[0], dtype=[(n, np.int64) for n in self.names])
        for j, n in enumerate(self.names):
            rec[n] = dense[:, j]
        return rec

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, SliceMatrix) and self.names == other.names and self.index.equals(other.index)
                and self.shape == other.shape and (self.csr != other.csr).nnz == 0)

    __hash__ = None  # type: ignore[assignment]


def as_slice_matrix(S: Any, n_rows: int | None = None) -> SliceMatrix:
    """A :class:`SliceMatrix` from one, Snorkel's record array, a boolean DataFrame or array.

    Examples
    --------
    >>> import numpy as np
    >>> rec = np.rec.fromarrays([[1, 0, 1]], names="short")
    >>> as_slice_matrix(rec).sizes().to_dict()
    {'short': 2}
    """
    out = S if isinstance(S, SliceMatrix) else SliceMatrix.from_dense(S)
    if n_rows is not None and out.shape[0] != n_rows:
        raise SliceError(f"the slice matrix has {out.shape[0]} rows but the labels have {n_rows}")
    return out


__all__ = ["SliceMatrix", "as_slice_matrix"]
