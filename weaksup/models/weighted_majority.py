"""Weighted majority vote: each LF's vote counts with a weight, given or from estimated accuracies."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from weaksup.errors import ModelInputError, WeaksupWarning
from weaksup.models._table import LogTableModel
from weaksup.models.stats import PatternCounts


class WeightedMajorityVoter(LogTableModel):
    """Weighted majority vote with calibrated probabilities.

    A row's score for class ``c`` is the summed weight of the LFs voting ``c``;
    ``predict_proba`` is ``softmax(log prior + scores)``, the naive-Bayes posterior when
    weight ``w_j = log((k - 1) acc_j / (1 - acc_j))`` for an LF of accuracy ``acc_j`` whose
    errors are uniform. With ``weights=None`` the accuracies are estimated from the votes
    by a :class:`~weaksup.models.GenerativeModel` fit.

    Parameters
    ----------
    cardinality : int, optional
        Number of classes.
    weights : array-like (m,), optional
        One non-negative weight per LF, in column order, or keyed by LF name (a dict, or a Series whose
        index holds the LF names); estimated if omitted.

    Examples
    --------
    >>> import numpy as np
    >>> L = np.array([[0, 1, 1], [-1, 1, 1]])
    >>> WeightedMajorityVoter(weights=[3.0, 1.0, 1.0]).fit(L).predict(L).tolist()
    [0, 1]
    """

    _state_rules = {"weights_": (("m",), None, None)}

    def __init__(self, cardinality: int | None = None, weights: Any = None) -> None:
        super().__init__(cardinality=cardinality)
        self.weights = weights

    @property
    def min_lfs(self) -> int:  # type: ignore[override]
        return 1 if self.weights is not None else 3

    def _fit_stats(self, stats: PatternCounts, class_balance: np.ndarray | None, seed: int | None,
                   progress: bool) -> None:
        k, m = self.cardinality_, stats.n_lfs
        if self.weights is not None:
            try:
                w = np.asarray(_by_lf_name(self.weights, stats.lf_names), dtype=np.float64)
            except (TypeError, ValueError):
                w = None
            if w is None or w.shape != (m,) or not np.isfinite(w).all():
                raise ModelInputError(f"WeightedMajorityVoter parameter weights must be {m} finite numbers (one per LF, "
                                      f"or keyed by the LF names {stats.lf_names[:8]}); got {str(self.weights)[:200]}")
            prior = class_balance if class_balance is not None else np.full(k, 1.0 / k)
        else:
            from weaksup.models.generative import GenerativeModel

            gen = GenerativeModel(cardinality=k)
            # its checks are this model's (fit warns once, under this model's name, from the weights learned);
            # only its convergence is not visible from here
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", WeaksupWarning)
                gen.fit_from_stats(stats, class_balance=class_balance)
            if gen.n_iter_ >= gen.max_iter:
                warnings.warn(f"WeightedMajorityVoter fit: the GenerativeModel that estimates the weights did not "
                              f"converge (stopped at max_iter={gen.max_iter}); pass weights= to set them",
                              WeaksupWarning, stacklevel=4)
            acc = np.clip(gen.accuracies_, 1e-3, 1 - 1e-3)
            w = np.log((k - 1) * acc / (1 - acc))
            prior = gen.class_balance_
        self.weights_ = w
        table = np.zeros((m, k + 1, k))
        table[:, 1:, :] = w[:, None, None] * np.eye(k)[None, :, :]
        self.log_table_ = table
        self.class_balance_ = np.asarray(prior, dtype=np.float64)


def _by_lf_name(weights: Any, lf_names: list[str]) -> Any:
    """``weights`` in column order: a dict or a Series keyed by the LF names is taken by name, not by position.

    A Series with an integer index is keyed by column (0..m-1); other keys raise ``ValueError`` (refused).
    """
    if isinstance(weights, pd.Series) and pd.api.types.is_integer_dtype(weights.index.dtype):
        if sorted(weights.index.tolist()) != list(range(len(lf_names))):
            raise ValueError("weights keyed by other columns than 0..m-1")
        return weights.sort_index().to_numpy()
    if isinstance(weights, (dict, pd.Series)):
        keys = [str(key) for key in weights.keys()]
        if sorted(keys) != sorted(lf_names):
            raise ValueError("weights keyed by other names than the LFs'")
        by_name = dict(zip(keys, list(weights.values()) if isinstance(weights, dict) else weights.tolist(),
                           strict=True))
        return [by_name[name] for name in lf_names]
    return weights
