"""LFAnalysis: coverage, overlaps, conflicts, polarity and empirical accuracy of LFs, in O(nnz)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from weaksup._votes import classes_cast
from weaksup.errors import ParameterError, ParameterTypeError
from weaksup.labeling.lf import LabelingFunction
from weaksup.matrix import LabelMatrix, as_label_matrix
from weaksup.utils import align_labels


class LFAnalysis:
    """Statistics of labeling functions computed on the sparse label matrix.

    Every statistic touches each stored vote a constant number of times (O(nnz)); no
    dense n x m array is built.

    Parameters
    ----------
    L : LabelMatrix, dense int array or scipy sparse
    lfs : sequence of LabelingFunction (or of LF names), optional
        If given, their names must match the label matrix's columns.

    Examples
    --------
    >>> import numpy as np
    >>> L = np.array([[0, 0, -1], [1, 0, -1], [-1, -1, -1]])
    >>> LFAnalysis(L).lf_conflicts().tolist()
    [0.3333333333333333, 0.3333333333333333, 0.0]
    >>> LFAnalysis(L).label_coverage()
    0.6666666666666666
    """

    def __init__(self, L: Any, lfs: Sequence[LabelingFunction | str] | None = None) -> None:
        self.L = as_label_matrix(L)
        if lfs is not None:
            if isinstance(lfs, str) or not isinstance(lfs, Iterable):  # one LF (or name): not a list of them
                one = getattr(lfs, "name", lfs)
                raise ParameterTypeError(f"lfs must be a list of labeling functions (or LF names), got "
                                         f"{type(lfs).__name__} {one!r}; pass lfs=[{one if lfs is not one else repr(one)}]")
            names = [_lf_name(lf) for lf in lfs]
            if names != self.L.lf_names:
                if len(names) != self.L.n_lfs:
                    raise ParameterError(f"got {len(names)} LFs for a label matrix with {self.L.n_lfs} columns")
                if not _is_default(self.L.lf_names):
                    raise ParameterError(f"LF names {names} do not match the label matrix's columns {self.L.lf_names}")
                self.L = LabelMatrix(self.L.csr, names, self.L.index, self.L.cardinality)
        csr = self.L.csr
        self._csr = csr
        self._n = csr.shape[0]
        self._row_of_vote = np.repeat(np.arange(self._n), np.diff(csr.indptr))
        self._labels = csr.data.astype(np.int64) - 1
        self._votes_per_row = np.diff(csr.indptr)

    # per-row quantities -------------------------------------------------------------------------
    def _row_conflict(self) -> np.ndarray:
        """Rows holding at least two different labels. A vote in such a row disagrees with some other vote."""
        counts = self._votes_per_row
        out = np.zeros(self._n, dtype=bool)
        nonempty = counts > 0
        if not nonempty.any():
            return out
        starts = self._csr.indptr[:-1][nonempty]
        lo = np.minimum.reduceat(self._labels, starts)
        hi = np.maximum.reduceat(self._labels, starts)
        out[nonempty] = lo != hi
        return out

    def _per_lf(self, per_vote: np.ndarray) -> np.ndarray:
        # the votes a mask keeps, counted per LF: no float weight per vote
        counts = np.bincount(self._csr.indices[per_vote], minlength=self.L.n_lfs)
        return counts.astype(np.float64)

    def _lf_counts(self) -> np.ndarray:
        return np.bincount(self._csr.indices, minlength=self.L.n_lfs).astype(np.float64)

    # label-level statistics ---------------------------------------------------------------------
    def label_coverage(self) -> float:
        """Share of rows with at least one vote."""
        return float(np.mean(self._votes_per_row > 0)) if self._n else 0.0

    def label_overlap(self) -> float:
        """Share of rows with at least two votes."""
        return float(np.mean(self._votes_per_row > 1)) if self._n else 0.0

    def label_conflict(self) -> float:
        """Share of rows with at least two different labels."""
        return float(np.mean(self._row_conflict())) if self._n else 0.0

    # LF-level statistics ------------------------------------------------------------------------
    def lf_polarities(self) -> list[list[int]]:
        """Sorted distinct labels each LF emits."""
        k = int(self._csr.data.max()) if self._csr.nnz else 1
        m = self.L.n_lfs
        if m * k <= max(1 << 20, 4 * self._csr.nnz):  # an m x k table no larger than the votes: one counting pass
            return [np.flatnonzero(row).tolist() for row in classes_cast(self._csr, k)]
        # labels far above the number of votes (ids as labels, 2**40): distinct (LF, label) pairs, not an m x k table
        pairs = np.unique(np.stack([self._csr.indices.astype(np.int64), self._labels]), axis=1)
        ends = np.searchsorted(pairs[0], np.arange(m + 1))
        return [pairs[1, a:b].tolist() for a, b in zip(ends[:-1], ends[1:], strict=True)]

    def lf_coverages(self) -> np.ndarray:
        """Share of rows each LF labels."""
        return self._lf_counts() / max(self._n, 1)

    def lf_overlaps(self, normalize_by_coverage: bool = False) -> np.ndarray:
        """Share of rows each LF labels where at least one other LF also votes."""
        overlap = self._per_lf(self._votes_per_row[self._row_of_vote] > 1)
        if normalize_by_coverage:
            return np.divide(overlap, self._lf_counts(), out=np.zeros_like(overlap), where=self._lf_counts() > 0)
        return overlap / max(self._n, 1)

    def lf_conflicts(self, normalize_by_overlaps: bool = False) -> np.ndarray:
        """Share of rows each LF labels where another LF votes a different label."""
        conflict = self._per_lf(self._row_conflict()[self._row_of_vote])
        if normalize_by_overlaps:
            overlap = self._per_lf(self._votes_per_row[self._row_of_vote] > 1)
            return np.divide(conflict, overlap, out=np.zeros_like(conflict), where=overlap > 0)
        return conflict / max(self._n, 1)

    def lf_correct_incorrect(self, Y: Any) -> tuple[np.ndarray, np.ndarray]:
        """Per LF: number of votes equal to and different from gold ``Y`` (rows with ``Y == -1`` skipped)."""
        y = align_labels(_gold_column(Y), self.L.index, name="Y", allow_abstain=True)
        gold = y[self._row_of_vote]
        known = gold >= 0
        correct = self._per_lf((self._labels == gold) & known)
        incorrect = self._per_lf((self._labels != gold) & known)
        return correct.astype(np.int64), incorrect.astype(np.int64)

    def lf_empirical_accuracies(self, Y: Any) -> np.ndarray:
        """Per LF: share of its votes that equal gold ``Y`` (NaN for an LF that never votes)."""
        return _accuracies(*self.lf_correct_incorrect(Y))

    def lf_dependencies(self, **params: Any) -> pd.DataFrame:
        """Dependent LF pairs learned from the votes alone: LFs, strength, kind, group, co-votes, agreement.

        See :class:`weaksup.models.structure.StructureLearner` (``params`` go to it) and
        :func:`weaksup.plot.dependencies.dependencies` for the figure.

        Examples
        --------
        >>> rng = np.random.default_rng(0)
        >>> y = rng.integers(0, 2, 4000)
        >>> L = np.stack([np.where(rng.random(4000) < a, y, 1 - y) for a in (0.9, 0.8, 0.7)], axis=1)
        >>> LFAnalysis(np.column_stack([L, L[:, 2]])).lf_dependencies()[["lf_a", "lf_b", "kind"]].values.tolist()
        [['lf_2', 'lf_3', 'duplicate']]
        """
        # imported here: the models stage sits after analysis and imports its inputs, not the reverse
        from weaksup.models.structure import StructureLearner

        return StructureLearner(cardinality=self.L.cardinality, **params).fit(self.L).table()

    def summary(self, Y: Any = None, est_weights: Any = None) -> pd.DataFrame:
        """One row per LF: j, Polarity, Coverage, Overlaps, Conflicts (+ Correct, Incorrect, Emp. Acc. with Y,
        + Learned Weight with est_weights).

        ``Y`` is aligned as in :meth:`lf_correct_incorrect` (an ``(n, 1)`` column is taken too);
        ``est_weights`` holds one number per LF in column order, or is a Series / dict keyed by LF
        name (aligned by name).

        Examples
        --------
        >>> L = LabelMatrix.from_dense([[0, 1], [1, -1]], lf_names=["a", "b"])
        >>> LFAnalysis(L).summary(est_weights={"b": 0.2, "a": 0.9})["Learned Weight"].tolist()
        [0.9, 0.2]
        """
        table = {
            "j": np.arange(self.L.n_lfs),
            "Polarity": self.lf_polarities(),
            "Coverage": self.lf_coverages(),
            "Overlaps": self.lf_overlaps(),
            "Conflicts": self.lf_conflicts(),
        }
        if Y is not None:
            correct, incorrect = self.lf_correct_incorrect(Y)
            table["Correct"] = correct
            table["Incorrect"] = incorrect
            table["Emp. Acc."] = _accuracies(correct, incorrect)  # from the counts: Y is read once
        if est_weights is not None:
            table["Learned Weight"] = self._weights(est_weights)
        return pd.DataFrame(table, index=pd.Index(self.L.lf_names, name="lf"))

    def _weights(self, est_weights: Any) -> np.ndarray:
        """One float per LF, in column order; a Series or dict keyed by LF name is aligned by name."""
        names = self.L.lf_names
        if isinstance(est_weights, dict):
            est_weights = pd.Series(est_weights, dtype=object)
        if isinstance(est_weights, pd.Series) and _positions(est_weights.index, len(names)):
            est_weights = est_weights.sort_index()  # keyed by column position
        if isinstance(est_weights, pd.Series) and not est_weights.index.equals(pd.RangeIndex(len(est_weights))):
            keys = [str(k) for k in est_weights.index]
            if sorted(keys) != sorted(names):  # keyed by something else: by position they would be misread
                raise ParameterError(f"est_weights is keyed by {keys[:5]}, not by this matrix's LF names {names[:5]}; "
                                     "key it by LF name, or pass one value per LF in column order (a list or array)")
            est_weights = pd.Series(est_weights.to_numpy(), index=keys).reindex(names)
        try:
            w = np.asarray(est_weights, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise ParameterError(f"est_weights must be numbers, one per LF: {exc}") from exc
        if w.shape != (self.L.n_lfs,):
            raise ParameterError(f"est_weights must have one value per LF ({self.L.n_lfs}), got shape {w.shape}")
        return w

    def lf_summary(self, Y: Any = None, est_weights: Any = None) -> pd.DataFrame:
        """:meth:`summary` under Snorkel's name (``LFAnalysis(L, lfs).lf_summary(Y)``), so ported code runs."""
        return self.summary(Y=Y, est_weights=est_weights)


def _positions(keys: pd.Index, m: int) -> bool:
    """Whether ``keys`` are the positions ``0 .. m - 1`` in some order."""
    return keys.dtype.kind in "iu" and len(keys) == m and keys.sort_values().equals(pd.RangeIndex(m))


def _accuracies(correct: np.ndarray, incorrect: np.ndarray) -> np.ndarray:
    total = correct + incorrect
    return np.divide(correct, total, out=np.full(len(total), np.nan), where=total > 0)


def _lf_name(lf: Any) -> str:
    """The name of an LF given as a LabelingFunction (or anything with a ``name``) or as its name."""
    if isinstance(lf, str):
        return lf
    name = getattr(lf, "name", None)
    if not isinstance(name, str):
        raise ParameterTypeError(f"lfs must be labeling functions or LF names, got {type(lf).__name__} {lf!r}")
    return name


def _gold_column(Y: Any) -> Any:
    """Gold labels as Snorkel takes them too: an ``(n, 1)`` column, or a one-column DataFrame (keeping its ids)."""
    if isinstance(Y, pd.DataFrame) and Y.shape[1] == 1:
        return Y.iloc[:, 0]
    if not isinstance(Y, pd.Series) and np.ndim(Y) == 2 and np.shape(Y)[1] == 1:
        return np.asarray(Y).ravel()
    return Y


def _is_default(names: list[str]) -> bool:
    # lf_0, lf_1 ... or 0, 1 ...: the columns of pd.DataFrame(L) for an unnamed array L
    return names == [f"lf_{j}" for j in range(len(names))] or names == [str(j) for j in range(len(names))]
