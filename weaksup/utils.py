"""Array helpers shared by every stage: probabilities <-> predictions, label alignment and validation."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from weaksup.errors import ModelInputError
from weaksup.matrix import ABSTAIN, LabelMatrix, as_label_matrix

TIE_BREAKS = ("abstain", "random", "prior", "index")


def check_probs(probs: Any, cardinality: int | None = None, name: str = "probs", atol: float = 1e-4) -> np.ndarray:
    """Validate an ``n x k`` matrix of class probabilities and return it as float64.

    Raises :class:`~weaksup.errors.ModelInputError` naming the first bad row.

    Examples
    --------
    >>> check_probs([[0.2, 0.8]]).shape
    (1, 2)
    """
    if isinstance(probs, pd.DataFrame):
        probs = probs.to_numpy()
    arr = np.asarray(probs, dtype=np.float64)
    if arr.ndim != 2:
        raise ModelInputError(f"{name} must be a 2-D n x k array, got shape {arr.shape}")
    if cardinality is not None and arr.shape[1] != cardinality:
        raise ModelInputError(f"{name} has {arr.shape[1]} columns, expected k = {cardinality}")
    if arr.size:
        finite = np.isfinite(arr).all(axis=1)
        if not finite.all():
            row = int(np.argmin(finite))
            raise ModelInputError(f"{name} row {row} holds a non-finite value: {arr[row].tolist()}")
        neg = (arr < -atol).any(axis=1)
        if neg.any():
            row = int(np.argmax(neg))
            raise ModelInputError(f"{name} row {row} holds a negative probability: {arr[row].tolist()}")
        sums = arr.sum(axis=1)
        off = np.abs(sums - 1) > atol
        if off.any():
            row = int(np.argmax(off))
            raise ModelInputError(f"{name} row {row} sums to {sums[row]:.6g}, not 1: {arr[row].tolist()}")
    return arr


def probs_to_preds(
    probs: Any,
    tie_break: str = "abstain",
    prior: np.ndarray | None = None,
    seed: int | None = None,
    tol: float = 1e-5,
) -> np.ndarray:
    """Hard labels from probabilities, with an explicit tie-break policy.

    Parameters
    ----------
    probs : array (n, k)
    tie_break : {"abstain", "random", "prior", "index"}
        ``abstain``: -1 on ties; ``random``: a seeded draw among tied classes;
        ``prior``: the tied class with the largest ``prior``; ``index``: Snorkel's
        deterministic rule (tied class number ``row % n_tied``).
    prior : array (k,), optional
        Class prior for ``tie_break="prior"`` (uniform if omitted).
    seed : int, optional
        Seed for ``tie_break="random"``.

    Examples
    --------
    >>> probs_to_preds([[0.5, 0.5], [0.1, 0.9]]).tolist()
    [-1, 1]
    >>> probs_to_preds([[0.5, 0.5]], tie_break="prior", prior=[0.3, 0.7]).tolist()
    [1]
    """
    if tie_break not in TIE_BREAKS:
        raise ModelInputError(f"tie_break must be one of {TIE_BREAKS}, got {tie_break!r}")
    P = np.asarray(probs, dtype=np.float64)
    if P.ndim != 2:
        raise ModelInputError(f"probs must be 2-D, got shape {P.shape}")
    preds = P.argmax(axis=1)
    tied = np.abs(P - P.max(axis=1, keepdims=True)) <= tol
    is_tie = tied.sum(axis=1) > 1
    if not is_tie.any():
        return preds.astype(np.int64)
    rows = np.flatnonzero(is_tie)
    if tie_break == "abstain":
        preds[rows] = ABSTAIN
    elif tie_break == "prior":
        p = np.full(P.shape[1], 1.0 / P.shape[1]) if prior is None else np.asarray(prior, dtype=np.float64)
        preds[rows] = np.where(tied[rows], p[None, :], -np.inf).argmax(axis=1)
    elif tie_break == "random":
        rng = np.random.default_rng(seed)
        noise = rng.random((len(rows), P.shape[1]))
        preds[rows] = np.where(tied[rows], noise, -1.0).argmax(axis=1)
    else:  # index
        for r in rows:
            cands = np.flatnonzero(tied[r])
            preds[r] = cands[r % len(cands)]
    return preds.astype(np.int64)


def preds_to_probs(preds: Any, cardinality: int) -> np.ndarray:
    """One-hot probabilities from hard labels ``0..k-1``.

    Examples
    --------
    >>> preds_to_probs([0, 1], 2).tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    y = np.asarray(preds)
    if y.ndim != 1:
        raise ModelInputError(f"preds must be 1-D, got shape {y.shape}")
    if y.size and (y.min() < 0 or y.max() >= cardinality):
        row = int(np.argmax((y < 0) | (y >= cardinality)))
        raise ModelInputError(f"label {y[row]} at row {row} is out of range 0..{cardinality - 1}")
    out = np.zeros((len(y), cardinality))
    out[np.arange(len(y)), y.astype(np.int64)] = 1.0
    return out


def align_labels(Y: Any, index: pd.Index | None = None, cardinality: int | None = None, name: str = "Y",
                 allow_abstain: bool = False) -> np.ndarray:
    """Gold labels as an int array aligned to ``index``.

    A pandas Series is aligned by row id (so a shuffled Series still lines up); arrays
    must already be in row order. Labels must be integers in ``0..k-1`` (``-1`` allowed
    only with ``allow_abstain``).

    Examples
    --------
    >>> align_labels(pd.Series([1, 0], index=["b", "a"]), pd.Index(["a", "b"])).tolist()
    [0, 1]
    """
    if isinstance(Y, pd.Series):
        if index is not None and not Y.index.equals(index):
            if not (Y.index.is_unique and index.is_unique and len(Y) == len(index) and Y.index.isin(index).all()):
                raise ModelInputError(f"{name}'s row ids do not match the label matrix's row ids")
            Y = Y.reindex(index)
        Y = Y.to_numpy()
    y = np.asarray(Y)
    if y.ndim != 1:
        raise ModelInputError(f"{name} must be 1-D, got shape {y.shape}")
    if index is not None and len(y) != len(index):
        raise ModelInputError(f"{name} has {len(y)} labels for {len(index)} rows")
    if y.size and y.dtype.kind not in "iu":
        if y.dtype.kind == "f" and np.isfinite(y).all() and (y == np.round(y)).all():
            y = y.astype(np.int64)
        else:
            row = next(i for i, v in enumerate(y) if not (isinstance(v, (int, np.integer)) and not isinstance(v, bool)))
            raise ModelInputError(f"{name} must hold integer labels; row {row} holds {y[row]!r}")
    y = y.astype(np.int64)
    low = ABSTAIN if allow_abstain else 0
    bad = y < low
    if cardinality is not None:
        bad |= y >= cardinality
    if bad.any():
        row = int(np.argmax(bad))
        top = f"0..{cardinality - 1}" if cardinality is not None else ">= 0"
        raise ModelInputError(f"{name} label {y[row]} at row {row} is out of range ({top})")
    return y


def filter_unlabeled(data: Any, probs: np.ndarray, L: Any) -> tuple[Any, np.ndarray]:
    """Drop rows on which every LF abstained (their probabilities are only the prior).

    Returns the rows of ``data`` (DataFrame, array or list) and ``probs`` that have at
    least one vote, in order; a DataFrame keeps its index.

    Examples
    --------
    >>> d, p = filter_unlabeled(np.array([10, 20]), np.array([[0.5, 0.5], [0.0, 1.0]]), np.array([[-1], [1]]))
    >>> d.tolist(), p.tolist()
    ([20], [[0.0, 1.0]])
    """
    L = as_label_matrix(L)
    probs = np.asarray(probs)
    n_data = data.shape[0] if hasattr(data, "shape") else len(data)  # len() of a scipy sparse matrix raises
    if len(probs) != L.n_rows or n_data != L.n_rows:
        raise ModelInputError(f"data ({n_data}), probs ({len(probs)}) and L ({L.n_rows}) must have the same rows")
    mask = np.diff(L.csr.indptr) > 0
    if isinstance(data, (pd.DataFrame, pd.Series)):
        kept = data[mask]
    elif isinstance(data, np.ndarray) or hasattr(data, "tocsr"):
        kept = data[mask]
    else:
        kept = [d for d, m in zip(data, mask, strict=True) if m]
    return kept, probs[mask]


def vote_counts(L: LabelMatrix, cardinality: int, weights: np.ndarray | None = None) -> np.ndarray:
    """``n x k`` matrix of (weighted) votes per class, computed in O(nnz)."""
    csr = L.csr
    rows = np.repeat(np.arange(csr.shape[0]), np.diff(csr.indptr))
    labels = csr.data.astype(np.int64) - 1
    w = np.ones(len(labels)) if weights is None else np.asarray(weights, dtype=np.float64)[csr.indices]
    n = csr.shape[0]
    counts = np.bincount(rows * cardinality + labels, weights=w, minlength=n * cardinality)
    return counts.astype(np.float64).reshape(n, cardinality)  # bincount of no votes is int
