"""Per-slice scores and the slice report: how a model does on each slice, against the whole set."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from weaksup._validation import align_labels, check_int_labels, in_row_order
from weaksup.slicing.matrix import SliceMatrix, as_slice_matrix
from weaksup.slicing.sf import SliceError

Metric = str | Callable[[np.ndarray, np.ndarray, np.ndarray | None], float]
METRICS = ("accuracy", "f1", "precision", "recall", "f1_macro", "f1_micro", "coverage", "roc_auc", "log_loss",
           "brier")


def _metric(name: str, y: np.ndarray, pred: np.ndarray, probs: np.ndarray | None, pos_label: int) -> float:
    from sklearn import metrics as skm

    if len(y) == 0:
        return float("nan")
    if name == "accuracy":
        return float(np.mean(pred == y))
    if name == "coverage":
        return float(np.mean(pred != -1))
    if name in ("f1", "precision", "recall"):
        fn = {"f1": skm.f1_score, "precision": skm.precision_score, "recall": skm.recall_score}[name]
        return float(fn(y, pred, labels=[pos_label], average=None, zero_division=0)[0])
    if name in ("f1_macro", "f1_micro"):
        labels = np.unique(np.concatenate([y, pred[pred >= 0]]))
        return float(skm.f1_score(y, pred, labels=labels, average=name[3:], zero_division=0))
    if probs is None:
        raise SliceError(f"metric {name!r} needs probs")
    if name == "roc_auc":
        if len(np.unique(y)) < 2:
            return float("nan")  # one class in the slice: undefined
        return float(skm.roc_auc_score(y, probs[:, pos_label]))
    if name == "log_loss":
        return float(skm.log_loss(y, np.clip(probs, 1e-12, 1), labels=np.arange(probs.shape[1])))
    if name == "brier":
        return float(np.mean(np.sum((probs - np.eye(probs.shape[1])[y]) ** 2, axis=1)))
    raise SliceError(f"unknown metric {name!r}; choose from {METRICS} or pass a callable")


def _check_metrics(metrics: Any) -> list[Metric]:
    """The metrics as a list, unknown names refused before any scoring (a lone name is one metric)."""
    metrics = [metrics] if isinstance(metrics, str) or callable(metrics) else list(metrics)
    for m in metrics:
        if not callable(m) and m not in METRICS:
            raise SliceError(f"unknown metric {m!r}; choose from {METRICS} or pass a callable")
    return metrics


def _inputs(S: Any, golds: Any, preds: Any, probs: Any) -> tuple[Any, np.ndarray, np.ndarray, np.ndarray | None]:
    # gold labels as everywhere else: partial (-1, NaN, None = unknown), integer text accepted, and a
    # Series lined up by row id with a slice matrix that has ids (Snorkel's record arrays have none)
    if isinstance(S, (SliceMatrix, pd.DataFrame)):  # rows with ids: preds and probs with ids line up by them too
        S = as_slice_matrix(S)
        preds, probs = (in_row_order(v, S.index, name, error=SliceError, owner="S")
                        for v, name in ((preds, "preds"), (probs, "probs")))
    if isinstance(golds, pd.Series) and isinstance(S, SliceMatrix):
        golds = align_labels(golds, S.index, name="golds", allow_abstain=True)
    elif np.ndim(golds) == 1:
        golds = align_labels(golds, None, name="golds", allow_abstain=True)
    golds = np.asarray(golds)
    if golds.ndim != 1:
        raise SliceError(f"golds must be 1-D, got shape {golds.shape}")
    if probs is not None:
        probs = np.asarray(probs, dtype=float)
        if probs.ndim != 2 or len(probs) != len(golds):
            raise SliceError(f"probs must be {len(golds)} x k, got shape {probs.shape}")
        if golds.size and int(golds.max()) >= probs.shape[1]:
            raise SliceError(f"golds hold class {int(golds.max())} but probs has {probs.shape[1]} classes")
    if preds is None:
        if probs is None:
            raise SliceError("give preds or probs")
        preds = probs.argmax(axis=1)
    preds = np.asarray(preds)
    if preds.shape != golds.shape:
        raise SliceError(f"preds ({preds.shape}) and golds ({golds.shape}) differ in shape")
    # class ids or -1 (abstain); a score such as probs[:, 1] must not be truncated to class 0
    preds = check_int_labels(preds, name="preds", allow_abstain=True)
    return as_slice_matrix(S, n_rows=len(golds)), golds.astype(np.int64), preds.astype(np.int64), probs


def score_slices(
    S: Any,
    golds: Any,
    preds: Any = None,
    probs: Any = None,
    metrics: Sequence[Metric] = ("accuracy",),
    pos_label: int = 1,
    as_dataframe: bool = True,
) -> pd.DataFrame | dict[str, dict[str, float]]:
    """Metrics on the whole set (``overall``) and on each slice.

    Parameters
    ----------
    S : SliceMatrix, Snorkel's record array, or a boolean DataFrame / array
    golds : array of int
        Gold labels; rows whose gold is unknown (``-1``, NaN, None) are left out of every score.
        A pandas Series is lined up with ``S``'s row ids when ``S`` has them (a :class:`SliceMatrix`
        or a DataFrame); Snorkel's record arrays have none, so there it is taken in row order.
    preds : array of int, optional
        Predictions (``-1`` = abstain, counted wrong; ``coverage`` reports their share).
        Defaults to ``probs.argmax(axis=1)``.
    probs : array, n x k, optional
        Needed for ``roc_auc``, ``log_loss``, ``brier``.
    metrics : sequence of str or callable
        Names from ``METRICS``, or ``f(golds, preds, probs) -> float`` (named by ``__name__``).
    pos_label : int
        The positive class of f1, precision, recall and roc_auc.
    as_dataframe : bool
        A DataFrame (rows ``overall`` then each slice; an ``n`` column, then one per metric),
        or a dict ``{slice: {metric: value}}`` as Snorkel's ``Scorer.score_slices`` gives.

    Examples
    --------
    >>> from weaksup.slicing import SliceMatrix
    >>> S = SliceMatrix.from_dense([[1], [1], [0], [0]], names=["short"])
    >>> score_slices(S, golds=[1, 0, 1, 1], preds=[1, 1, 1, 1], metrics=("accuracy", "f1"))
             n  accuracy        f1
    overall  4      0.75  0.857143
    short    2      0.50  0.666667
    """
    metrics = _check_metrics(metrics)
    S, golds, preds, probs = _inputs(S, golds, preds, probs)
    known = golds != -1
    masks = {"overall": known}
    for name in S.names:
        masks[name] = S.mask(name) & known
    out: dict[str, dict[str, float]] = {}
    for name, m in masks.items():
        row: dict[str, float] = {"n": int(m.sum())} if as_dataframe else {}
        p = probs[m] if probs is not None else None
        for metric in metrics:
            if callable(metric):
                row[getattr(metric, "__name__", "metric")] = float(metric(golds[m], preds[m], p))
            else:
                row[metric] = _metric(metric, golds[m], preds[m], p, pos_label)
        out[name] = row
    if not as_dataframe:
        return out
    frame = pd.DataFrame.from_dict(out, orient="index")
    frame["n"] = frame["n"].astype(np.int64)
    return frame


def slice_report(
    S: Any,
    golds: Any,
    preds: Any = None,
    probs: Any = None,
    metric: Metric = "accuracy",
    pos_label: int = 1,
) -> pd.DataFrame:
    """One row per slice, worst first: its size, the metric in it and outside it, and the gap to overall.

    Columns: ``n`` (labelled rows in the slice), ``share`` (of all labelled rows), the metric in
    the slice, ``rest`` (the metric on the rows outside it), ``gap`` (slice minus overall) and
    ``overlap`` (share of the slice's rows that are in another slice too).

    Examples
    --------
    >>> from weaksup.slicing import SliceMatrix
    >>> S = SliceMatrix.from_dense([[1, 0], [1, 1], [0, 1], [0, 0]], names=["a", "b"])
    >>> slice_report(S, golds=[1, 0, 1, 1], preds=[1, 1, 1, 1])
       n  share  accuracy  rest   gap  overlap
    a  2    0.5       0.5   1.0 -0.25      0.5
    b  2    0.5       0.5   1.0 -0.25      0.5
    """
    _check_metrics([metric])
    S, golds, preds, probs = _inputs(S, golds, preds, probs)
    name = metric if isinstance(metric, str) else getattr(metric, "__name__", "metric")

    def score(m: np.ndarray) -> float:
        p = probs[m] if probs is not None else None
        return float(metric(golds[m], preds[m], p)) if callable(metric) else _metric(metric, golds[m], preds[m], p,
                                                                                   pos_label)

    known = golds != -1
    overall = score(known)
    per_row = np.asarray(S.csr.sum(axis=1)).ravel()
    rows = []
    for s in S.names:
        m = S.mask(s) & known
        n = int(m.sum())
        value = score(m)
        rows.append({"slice": s, "n": n, "share": n / max(int(known.sum()), 1), name: value,
                     "rest": score(known & ~m), "gap": value - overall,
                     "overlap": float(np.mean(per_row[m] > 1)) if n else float("nan")})
    report = pd.DataFrame(rows, columns=["slice", "n", "share", name, "rest", "gap", "overlap"]).set_index("slice")
    report.index.name = None
    return report.sort_values("gap", kind="stable")


__all__ = ["METRICS", "score_slices", "slice_report"]
