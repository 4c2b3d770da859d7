"""Snorkel's ``LFAnalysis`` (``snorkel.labeling.analysis``) on weaksup's sparse :class:`~weaksup.LFAnalysis`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from weaksup.analysis import LFAnalysis as _NativeAnalysis
from weaksup.labeling.lf import LabelingFunction
from weaksup.matrix import LabelMatrix, as_label_matrix
from weaksup.utils import align_labels


class LFAnalysis(_NativeAnalysis):
    """Snorkel's ``LFAnalysis(L, lfs=None)``: every statistic from the sparse votes, in O(nnz).

    Adds Snorkel's ``lf_summary`` (indexed by LF name when ``lfs`` are given, with a ``j``
    column; by position otherwise) and ``lf_empirical_probs``; an LF that never votes has
    empirical accuracy 0, as in Snorkel (weaksup's native ``summary`` says NaN).

    Examples
    --------
    >>> L = np.array([[0, 0, -1], [1, 0, -1], [-1, -1, -1]])
    >>> LFAnalysis(L).lf_summary()["Coverage"].round(3).tolist()
    [0.667, 0.667, 0.0]
    """

    def __init__(self, L: Any, lfs: Sequence[LabelingFunction] | None = None) -> None:
        n_columns = as_label_matrix(L).n_lfs
        if lfs is not None and len(lfs) != n_columns:
            raise ValueError(f"Number of LFs ({len(lfs)}) and number of LF matrix columns ({n_columns}) are different")
        super().__init__(L, lfs)
        self._named = lfs is not None
        self._default_ids = not isinstance(L, LabelMatrix) or self.L.index.equals(pd.RangeIndex(self.L.n_rows))

    def _gold(self, Y: Any) -> Any:
        """Snorkel reads ``Y`` by position (a ``df.label`` Series of any index, an ``(n, 1)`` column) when ``L``
        has no row ids of its own (a dense array, as its appliers return); a LabelMatrix's ids still align."""
        if isinstance(Y, (pd.Series, pd.DataFrame)) and not self._default_ids:
            return Y
        y = np.asarray(Y)
        return y.ravel() if y.ndim == 2 and y.shape[1] == 1 else y

    def lf_empirical_accuracies(self, Y: Any) -> np.ndarray:
        """Per LF: its votes equal to gold ``Y`` over all its votes (0 for an LF that never votes).

        As in Snorkel, a vote on a row whose gold label is -1 counts in the denominator (the
        ``Correct`` / ``Incorrect`` columns of :meth:`lf_summary` leave those rows out); weaksup's
        native ``lf_empirical_accuracies`` leaves them out of both.

        Examples
        --------
        >>> LFAnalysis(np.array([[1], [1], [0]])).lf_empirical_accuracies(np.array([1, -1, 0])).tolist()
        [0.6666666666666666]
        """
        correct, _ = self.lf_correct_incorrect(self._gold(Y))
        votes = np.bincount(self._csr.indices, minlength=self.L.n_lfs)
        return np.divide(correct, votes, out=np.zeros(len(votes)), where=votes > 0)

    def lf_empirical_probs(self, Y: Any, k: int) -> np.ndarray:
        """``P[j, v + 1, c]``: share of rows of gold class ``c`` on which LF ``j`` voted ``v`` (``v = -1``: abstained).

        A class with no rows in ``Y`` gets NaN, as in Snorkel.

        Examples
        --------
        >>> LFAnalysis(np.array([[0], [1], [-1]])).lf_empirical_probs(np.array([0, 1, 1]), 2)[0].tolist()
        [[0.0, 0.5], [1.0, 0.0], [0.0, 0.5]]
        """
        y = align_labels(self._gold(Y), self.L.index, cardinality=k, name="Y")
        m = self.L.n_lfs
        # votes per (LF, vote + 1, gold class): stored votes from the CSR, abstains as the rest of each class
        counts = np.zeros((m, k + 1, k))
        np.add.at(counts, (self._csr.indices, self._labels + 1, y[self._row_of_vote]), 1.0)
        per_class = np.bincount(y, minlength=k).astype(np.float64)
        counts[:, 0, :] = per_class[None, :] - counts[:, 1:, :].sum(axis=1)
        # a class absent from Y has no conditional distribution: NaN, as Snorkel's 0 / 0
        return np.divide(counts, per_class[None, None, :], out=np.full_like(counts, np.nan), where=per_class > 0)

    def lf_summary(self, Y: Any = None, est_weights: Any = None) -> pd.DataFrame:
        """One row per LF: Polarity, Coverage, Overlaps, Conflicts (+ Correct, Incorrect, Emp. Acc. with ``Y``,
        + Learned Weight with ``est_weights``), as Snorkel's ``lf_summary``."""
        df = self.summary(Y=None if Y is None else self._gold(Y), est_weights=est_weights)
        if "Emp. Acc." in df:
            df["Emp. Acc."] = self.lf_empirical_accuracies(Y)  # Snorkel's (see there), 0 where an LF never votes
        if self._named:
            df.index = pd.Index(self.L.lf_names)
            return df
        return df.drop(columns="j").reset_index(drop=True)
