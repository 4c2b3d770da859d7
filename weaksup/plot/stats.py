"""The numbers behind the plots and the HTML report; numpy only, so they work without matplotlib."""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from weaksup._validation import as_float_matrix, columns_in_class_order, is_whole_number
from weaksup.errors import ParameterError
from weaksup.matrix import LabelMatrix, as_label_matrix
from weaksup.utils import align_labels, check_probs, probs_to_preds


def agreement_matrix(L: Any) -> tuple[np.ndarray, np.ndarray]:
    """Pairwise LF agreement: for LFs ``i, j``, the share of rows both label on which they vote the same.

    Returns ``(agreement, overlap)``, both ``m x m``: ``overlap[i, j]`` counts rows where
    both vote and ``agreement[i, j]`` is NaN where that count is zero. Computed with
    sparse products, without a dense ``n x m`` array.

    Examples
    --------
    >>> agree, both = agreement_matrix(np.array([[0, 0, -1], [1, 0, 1], [1, 1, -1]]))
    >>> round(agree[0, 1], 3), int(both[0, 2]), agree[1, 2]
    (np.float64(0.667), 1, np.float64(0.0))
    """
    L = as_label_matrix(L)
    csr = L.csr
    voted = sp.csr_matrix((np.ones(csr.nnz, dtype=np.float64), csr.indices, csr.indptr), shape=csr.shape)
    overlap = (voted.T @ voted).toarray()
    same = np.zeros_like(overlap)
    for value in np.unique(csr.data):
        mask = (csr.data == value).astype(np.float64)
        B = sp.csr_matrix((mask, csr.indices, csr.indptr), shape=csr.shape)
        same += (B.T @ B).toarray()
    with np.errstate(invalid="ignore", divide="ignore"):
        agreement = np.where(overlap > 0, same / np.where(overlap > 0, overlap, 1), np.nan)
    return agreement, overlap


def learned_accuracies(model: Any, L: Any) -> tuple[np.ndarray, str]:
    """Per-LF accuracies a fitted label model learned, and where they came from.

    Uses ``model.get_accuracies()`` or ``model.accuracies_`` when the model exposes them;
    otherwise (e.g. majority vote) the share of each LF's votes that agree with the
    model's predicted label, which is what the model effectively trusts.

    Returns ``(accuracies, source)`` with ``source`` one of ``"model"`` or ``"agreement with predictions"``.

    Examples
    --------
    >>> from weaksup.models import MajorityVoter
    >>> L = np.array([[0, 0, 1], [1, 1, 1], [0, 0, -1]])
    >>> acc, source = learned_accuracies(MajorityVoter().fit(L), L)
    >>> acc.round(2).tolist(), source
    ([1.0, 1.0, 0.5], 'agreement with predictions')
    """
    L = as_label_matrix(L)
    for getter in ("get_accuracies", "accuracies_"):
        value = getattr(model, getter, None)
        if value is None:
            continue
        try:
            value = value() if callable(value) else value
        except Exception:  # a model that cannot report them falls back to agreement with its predictions
            continue
        acc = np.asarray(value, dtype=np.float64)
        if acc.shape == (L.n_lfs,):
            return acc, "model"
    pred = _predictions(model, L, tie_break="abstain")
    return _agreement_with(L, pred), "agreement with predictions"


def _predictions(model: Any, L: LabelMatrix, tie_break: str) -> np.ndarray:
    """Hard labels of a fitted model with the ``tie_break`` policy of :func:`weaksup.utils.probs_to_preds`.

    A model whose ``predict`` takes other arguments (Snorkel's, or the ``weaksup.snorkel`` port's
    ``tie_break_policy=``) is asked for its probabilities instead.

    Examples
    --------
    >>> from weaksup.models import MajorityVoter
    >>> L = np.array([[0, 0], [1, -1], [0, 1]])
    >>> _predictions(MajorityVoter().fit(L), as_label_matrix(L), "abstain").tolist()
    [0, 1, -1]
    """
    try:
        native = "tie_break" in inspect.signature(model.predict).parameters
    except (TypeError, ValueError):  # a builtin or C-implemented predict
        native = False
    if native:
        return np.asarray(model.predict(L, tie_break=tie_break))
    return probs_to_preds(model.predict_proba(L), tie_break=tie_break, prior=getattr(model, "class_balance_", None))


def _agreement_with(L: LabelMatrix, labels: np.ndarray) -> np.ndarray:
    csr = L.csr
    row_of_vote = np.repeat(np.arange(L.n_rows), np.diff(csr.indptr))
    target = labels[row_of_vote]
    known = target >= 0
    hits = np.bincount(csr.indices, weights=((csr.data.astype(np.int64) - 1) == target) & known, minlength=L.n_lfs)
    total = np.bincount(csr.indices, weights=known.astype(np.float64), minlength=L.n_lfs)
    return np.divide(hits, total, out=np.full(L.n_lfs, np.nan), where=total > 0)


def empirical_accuracies(L: Any, Y: Any) -> np.ndarray:
    """Share of each LF's votes equal to gold ``Y`` (``-1`` in ``Y`` = unknown; NaN for an LF with no scored votes).

    Examples
    --------
    >>> empirical_accuracies(np.array([[0, 1], [1, -1]]), [0, -1]).tolist()
    [1.0, 0.0]
    """
    L = as_label_matrix(L)
    y = align_labels(Y, L.index, name="Y", allow_abstain=True)
    return _agreement_with(L, y)


def calibration_curve(probs: Any, Y: Any, n_bins: int = 10) -> dict[str, np.ndarray]:
    """Reliability curve of probabilistic labels against gold ``Y`` (rows with ``Y == -1`` skipped).

    Binary: predicted probability of class 1 vs the share of rows that are class 1.
    Multiclass: confidence (top probability) vs accuracy of the top class. Returns
    ``mean_predicted``, ``observed`` and ``count`` per non-empty bin, ``edges``, and the
    expected calibration error ``ece`` (count-weighted mean gap).

    Examples
    --------
    >>> c = calibration_curve([[0.9, 0.1], [0.2, 0.8], [0.3, 0.7]], [0, 1, 0], n_bins=2)
    >>> c["observed"].tolist(), c["count"].tolist()
    ([0.0, 0.5], [1.0, 2.0])
    """
    # a frame of probabilities names its rows: gold given as a Series is matched to them by id, not position
    ids = probs.index if isinstance(probs, pd.DataFrame) and not isinstance(probs.index, pd.RangeIndex) else None
    probs = columns_in_class_order(probs)  # columns named by class id in another order: column j is not class j
    P = as_float_matrix(probs, "probs", ParameterError)  # text or ragged rows: a typed error, not NumPy's
    n_gold = len(Y) if hasattr(Y, "__len__") and np.ndim(Y) >= 1 else None
    if P.ndim != 2 or P.shape[1] < 2 or len(P) != n_gold:
        raise ParameterError(f"probs must be n x k (k >= 2) with one gold label per row; got {P.shape} and "
                             f"{'no list of' if n_gold is None else n_gold} labels")
    if not is_whole_number(n_bins, 1):
        raise ParameterError(f"n_bins must be a whole number of bins, at least 1; got {n_bins!r}")
    n_bins = int(n_bins)
    # one rule for gold labels (NaN / pd.NA / -1 = unknown, a label >= k is an error naming its row)
    y = align_labels(Y, ids, cardinality=P.shape[1], name="Y", allow_abstain=True)
    bad = ~np.isfinite(P).all(axis=1)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise ParameterError(f"probs must be finite; row {row} holds {P[row].tolist()}")
    check_probs(probs)  # rows that are not probabilities (negative, not summing to 1) have no calibration
    keep = y >= 0
    P, y = P[keep], y[keep]
    if P.shape[1] == 2:
        score, hit = P[:, 1], (y == 1).astype(np.float64)
    else:
        score, hit = P.max(axis=1), (P.argmax(axis=1) == y).astype(np.float64)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    which = np.clip(np.digitize(score, edges[1:-1]), 0, n_bins - 1)
    count = np.bincount(which, minlength=n_bins).astype(np.float64)
    mean_pred = np.bincount(which, weights=score, minlength=n_bins)
    observed = np.bincount(which, weights=hit, minlength=n_bins)
    full = count > 0
    mean_pred, observed, count = mean_pred[full] / count[full], observed[full] / count[full], count[full]
    ece = float(np.sum(count * np.abs(mean_pred - observed)) / count.sum()) if count.sum() else float("nan")
    return {"mean_predicted": mean_pred, "observed": observed, "count": count, "edges": edges, "ece": np.float64(ece)}


def disagreement_ranking(L: Any, top: int = 20) -> np.ndarray:
    """Positions of the rows LFs disagree on most, most contested first.

    A row's score is the share of its votes that are not for its most-voted label
    (ties broken by more votes first, then by position), so rows with many split votes
    come first and unanimous rows never appear.

    Examples
    --------
    >>> disagreement_ranking(np.array([[0, 0, 1], [0, 1, -1], [1, 1, 1]])).tolist()
    [1, 0]
    """
    if not is_whole_number(top, 0):
        raise ParameterError(f"top must be a whole number of rows, 0 or more; got {top!r}")  # [:-1] drops a row
    L = as_label_matrix(L)
    csr = L.csr
    k = int(csr.data.max()) if csr.nnz else 1
    counts = np.zeros((L.n_rows, k), dtype=np.float64)
    row_of_vote = np.repeat(np.arange(L.n_rows), np.diff(csr.indptr))
    np.add.at(counts, (row_of_vote, csr.data.astype(np.int64) - 1), 1.0)
    total = counts.sum(axis=1)
    score = np.divide(total - counts.max(axis=1), total, out=np.zeros(L.n_rows), where=total > 0)
    order = np.lexsort((np.arange(L.n_rows), -total, -score))
    order = order[score[order] > 0]
    return order[:top]
