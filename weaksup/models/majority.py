"""Majority vote: every LF counts the same; ties split the probability mass."""

from __future__ import annotations

from typing import Any

import numpy as np

from weaksup.errors import ModelInputError
from weaksup.matrix import LabelMatrix
from weaksup.models.base import BaseLabelModel
from weaksup.patterns import PatternCounts
from weaksup.utils import vote_counts


class MajorityVoter(BaseLabelModel):
    """Majority vote over non-abstaining LFs.

    ``predict_proba`` gives each row the share of tied top classes (1 for a clear
    winner, 1/2 each for a two-way tie); rows with no votes get the class prior
    (uniform unless given to ``fit`` as ``class_balance`` or via ``Y_dev``). It needs
    no fit: calling ``predict_proba`` directly uses a uniform prior.

    Parameters
    ----------
    cardinality : int, optional
        Number of classes (inferred from the votes if omitted).

    Examples
    --------
    >>> import numpy as np
    >>> L = np.array([[0, 0, 1], [1, -1, -1], [-1, -1, -1]])
    >>> MajorityVoter(cardinality=2).predict_proba(L).tolist()
    [[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]]
    """

    stateless = True

    def __init__(self, cardinality: int | None = None) -> None:
        super().__init__(cardinality=cardinality)

    def _fit(self, L: LabelMatrix, class_balance: np.ndarray | None, seed: int | None, progress: bool) -> None:
        self.class_balance_ = class_balance

    def fit_from_stats(self, stats: PatternCounts, class_balance: Any = None, seed: int | None = None,
                       progress: bool = False, *, Y_dev: Any = None) -> MajorityVoter:
        """Fit from :class:`~weaksup.patterns.PatternCounts`: only the LFs and classes matter, so the distinct
        patterns are enough (no expansion back to one row per count, as the base class does).

        Examples
        --------
        >>> from weaksup.patterns import PatternCounts
        >>> MajorityVoter().fit_from_stats(PatternCounts.from_label_matrix([[0, 1], [1, 1]] * 50)).n_lfs_
        2
        """
        if not isinstance(stats, PatternCounts):
            raise ModelInputError(f"fit_from_stats takes PatternCounts, not {type(stats).__name__}")
        return self.fit(stats.to_label_matrix(), Y_dev=Y_dev, class_balance=class_balance, seed=seed,
                        progress=progress)

    def _predict_proba(self, L: LabelMatrix, weights: Any = None) -> np.ndarray:
        counts = vote_counts(L, self.cardinality_, weights)
        top = counts.max(axis=1, keepdims=True)
        winners = np.isclose(counts, top) & (top > 0)
        n_win = winners.sum(axis=1, keepdims=True)
        return np.divide(winners, n_win, out=np.zeros_like(counts), where=n_win > 0)
