"""LFAnalysis: coverage, overlaps, conflicts, polarity and empirical accuracy of LFs, in O(nnz)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from weaksup._votes import classes_cast
from weaksup.errors import ParameterError
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
    lfs : sequence of LabelingFunction, optional
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

    def __init__(self, L: Any, lfs: Sequence[LabelingFunction] | None = None) -> None:
        self.L = as_label_matrix(L)
        if lfs is not None:
            names = [lf.name for lf in lfs]
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
        counts = np.bincount(self._csr.indices, weights=per_vote.astype(np.float64), minlength=self.L.n_lfs)
        return counts.astype(np.float64)  # bincount of no votes is int

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
        return [np.flatnonzero(row).tolist() for row in classes_cast(self._csr, k)]

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
        y = align_labels(Y, self.L.index, name="Y", allow_abstain=True)
        gold = y[self._row_of_vote]
        known = gold >= 0
        correct = self._per_lf((self._labels == gold) & known)
        incorrect = self._per_lf((self._labels != gold) & known)
        return correct.astype(np.int64), incorrect.astype(np.int64)

    def lf_empirical_accuracies(self, Y: Any) -> np.ndarray:
        """Per LF: share of its votes that equal gold ``Y`` (NaN for an LF that never votes)."""
        correct, incorrect = self.lf_correct_incorrect(Y)
        total = correct + incorrect
        return np.divide(correct, total, out=np.full(len(total), np.nan), where=total > 0)

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
        + Learned Weight with est_weights)."""
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
            table["Emp. Acc."] = self.lf_empirical_accuracies(Y)
        if est_weights is not None:
            w = np.asarray(est_weights, dtype=np.float64)
            if w.shape != (self.L.n_lfs,):
                raise ParameterError(f"est_weights must have one value per LF ({self.L.n_lfs}), got shape {w.shape}")
            table["Learned Weight"] = w
        return pd.DataFrame(table, index=pd.Index(self.L.lf_names, name="lf"))

    def lf_summary(self, Y: Any = None, est_weights: Any = None) -> pd.DataFrame:
        """:meth:`summary` under Snorkel's name (``LFAnalysis(L, lfs).lf_summary(Y)``), so ported code runs."""
        return self.summary(Y=Y, est_weights=est_weights)


def _is_default(names: list[str]) -> bool:
    return names == [f"lf_{j}" for j in range(len(names))]
