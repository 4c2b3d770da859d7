"""Snorkel's ``metric_score`` (``snorkel.analysis.metrics``): scikit-learn metrics on golds, preds and probs."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np

from weaksup.snorkel.utils.core import filter_labels, to_int_label_array


class Metric(NamedTuple):
    """A metric function and the label sets it takes (``"golds"``, ``"preds"``, ``"probs"``)."""

    func: Callable[..., float]
    inputs: Sequence[str] = ("golds", "preds")


def _coverage(preds: np.ndarray) -> float:
    return float(np.sum(preds != -1) / len(preds))


def _roc_auc(golds: np.ndarray, probs: np.ndarray, **kwargs: Any) -> float:
    from sklearn.metrics import roc_auc_score

    if probs.shape[1] != 2:
        raise ValueError("Metric roc_auc is currently only defined for binary problems.")
    return float(roc_auc_score(golds, probs[:, 1], **kwargs))


def _f1(golds: np.ndarray, preds: np.ndarray, **kwargs: Any) -> float:
    from sklearn.metrics import f1_score

    if golds.max() > 1:
        raise ValueError("f1 not supported for multiclass. Try f1_micro or f1_macro instead.")
    return float(f1_score(golds, preds, **kwargs))


def _sk(name: str, **fixed: Any) -> Callable[..., float]:
    def score(golds: np.ndarray, preds: np.ndarray, **kwargs: Any) -> float:
        from sklearn import metrics

        return float(getattr(metrics, name)(golds, preds, **{**fixed, **kwargs}))

    score.__name__ = name
    return score


METRICS: Mapping[str, Metric] = {
    "accuracy": Metric(_sk("accuracy_score")),
    "coverage": Metric(_coverage, ("preds",)),
    "precision": Metric(_sk("precision_score")),
    "recall": Metric(_sk("recall_score")),
    "f1": Metric(_f1),
    "f1_micro": Metric(_sk("f1_score", average="micro")),
    "f1_macro": Metric(_sk("f1_score", average="macro")),
    "fbeta": Metric(_sk("fbeta_score", beta=1.0)),
    "matthews_corrcoef": Metric(_sk("matthews_corrcoef")),
    "roc_auc": Metric(_roc_auc, ("golds", "probs")),
}


def metric_score(golds: np.ndarray | None = None, preds: np.ndarray | None = None, probs: np.ndarray | None = None,
                 metric: str = "accuracy", filter_dict: Mapping[str, Sequence[int]] | None = None,
                 **kwargs: Any) -> float:
    """One metric on gold labels, predictions and/or probabilities, optionally dropping rows first.

    ``filter_dict`` maps ``"golds"`` / ``"preds"`` to labels whose rows are dropped (Snorkel's
    scorer drops rows where either is -1). Metrics: ``accuracy``, ``coverage``, ``precision``,
    ``recall``, ``f1`` (binary), ``f1_micro``, ``f1_macro``, ``fbeta``, ``matthews_corrcoef``,
    ``roc_auc`` (binary, from ``probs``); ``kwargs`` go to the scikit-learn function.

    Examples
    --------
    >>> metric_score(np.array([1, 0, 1]), np.array([1, -1, 0]), metric="accuracy", filter_dict={"preds": [-1]})
    0.5
    """
    if metric not in METRICS:
        raise ValueError(f"The metric you provided ({metric}) is not currently implemented; choose from "
                         f"{sorted(METRICS)}")
    labels: dict[str, Any] = {
        "golds": None if golds is None else to_int_label_array(golds),
        "preds": None if preds is None else to_int_label_array(preds),
        "probs": None if probs is None else np.asarray(probs),
    }
    if filter_dict:
        unknown = set(filter_dict) - set(labels)
        if unknown:
            raise ValueError(f"filter_dict must only include keys in ['golds', 'preds', 'probs'], got {sorted(unknown)}")
        labels = filter_labels(labels, filter_dict)
    func, inputs = METRICS[metric]
    for name in inputs:
        if labels[name] is None:
            raise ValueError(f"Metric {metric} requires access to {name}.")
    return func(*(labels[name] for name in inputs), **kwargs)
