"""Snorkel's ``Scorer`` (``snorkel.analysis.scorer``): several metrics, overall and per slice."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from weaksup.snorkel.analysis.metrics import METRICS, metric_score


def slice_masks(S: Any) -> dict[str, np.ndarray]:
    """Slice name -> boolean membership mask, read by :func:`weaksup.slicing.matrix.as_slice_matrix`.

    Takes Snorkel's record array (one field per slicing function, as ``PandasSFApplier`` returns),
    weaksup's :class:`~weaksup.slicing.SliceMatrix`, or a boolean / 0-1 DataFrame or array; a row is in
    a slice where its value is 1 (or True).

    Examples
    --------
    >>> S = np.rec.fromarrays([np.array([1, 0]), np.array([0, 0])], names=["short", "long"])
    >>> {k: v.tolist() for k, v in slice_masks(S).items()}
    {'short': [True, False], 'long': [False, False]}
    """
    from weaksup.slicing.matrix import as_slice_matrix

    matrix = as_slice_matrix(S)
    return {name: matrix.mask(name) for name in matrix.names}


class Scorer:
    """Snorkel's ``Scorer(metrics=None, custom_metric_funcs=None, abstain_label=-1)``.

    Every metric but coverage drops the rows whose gold label or prediction is ``abstain_label``
    (Snorkel's rule; weaksup's native ``score`` counts an abstained prediction as wrong instead).

    Examples
    --------
    >>> Scorer(metrics=["accuracy", "coverage"]).score(np.array([1, 0, 1]), np.array([1, -1, 0]))
    {'accuracy': 0.5, 'coverage': 0.6666666666666666}
    """

    def __init__(self, metrics: Sequence[str] | None = None,
                 custom_metric_funcs: Mapping[str, Callable[..., float]] | None = None,
                 abstain_label: int | None = -1) -> None:
        self.metrics: dict[str, Callable[..., float]] = {}
        for metric in metrics or []:
            if metric not in METRICS:
                raise ValueError(f"Unrecognized metric: {metric}; choose from {sorted(METRICS)}")
            drop = {} if abstain_label is None or metric == "coverage" else {
                "golds": [abstain_label], "preds": [abstain_label]}
            self.metrics[metric] = partial(metric_score, metric=metric, filter_dict=drop)
        if custom_metric_funcs is not None:
            self.metrics.update(custom_metric_funcs)
        self.abstain_label = abstain_label

    def score(self, golds: np.ndarray, preds: np.ndarray | None = None,
              probs: np.ndarray | None = None) -> dict[str, float]:
        """Every metric on ``golds`` against ``preds`` / ``probs``: metric name -> value."""
        if len(golds) == 0:
            raise ValueError("Cannot score empty labels")
        out: dict[str, float] = {}
        for name, metric in self.metrics.items():
            value = metric(golds, preds, probs)
            if isinstance(value, dict):
                out.update(value)
            else:
                out[name] = value
        return out

    def score_slices(self, S: Any, golds: np.ndarray, preds: np.ndarray, probs: np.ndarray,
                     as_dataframe: bool = False) -> dict[str, dict[str, float]] | pd.DataFrame:
        """Metrics overall and on each slice of ``S`` (see :func:`slice_masks`); a DataFrame with ``as_dataframe``."""
        masks = slice_masks(S)
        if not len(S) == len(golds) == len(preds) == len(probs):
            raise ValueError("S, golds, preds, and probs must have the same number of elements")
        golds, preds, probs = np.asarray(golds), np.asarray(preds), np.asarray(probs)
        results = {"overall": self.score(golds, preds, probs)}
        for name, mask in masks.items():
            results[name] = self.score(golds[mask], preds[mask], probs[mask])
        if as_dataframe:
            return pd.DataFrame.from_dict(results).transpose()
        return results
