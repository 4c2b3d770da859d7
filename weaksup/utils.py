"""Array helpers shared by every stage: probabilities <-> predictions, label alignment and validation."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from weaksup._validation import (  # noqa: F401  (align_labels, check_probs: re-exported)
    align_labels,
    as_float_matrix,
    as_rng,
    check_int_labels,
    check_probs,
    columns_in_class_order,
    in_row_order,
    is_whole_number,
)
from weaksup.errors import ModelInputError
from weaksup.matrix import ABSTAIN, LabelMatrix, as_label_matrix

TIE_BREAKS = ("abstain", "random", "prior", "index")


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
    if isinstance(tol, (bool, np.bool_)) or not isinstance(tol, (int, float, np.number)) or not tol >= 0:
        raise ModelInputError(f"tol must be a non-negative number, got {tol!r}")
    ids = probs.index if isinstance(probs, pd.DataFrame) and not isinstance(probs.index, pd.RangeIndex) else None
    probs = columns_in_class_order(probs)  # a frame's columns named by class id, in another order: by id
    P = as_float_matrix(probs, "probs")  # text, ragged rows: a typed error, not NumPy's
    if P.ndim != 2:
        raise ModelInputError(f"probs must be 2-D, got shape {P.shape}")
    nan = np.isnan(P).any(axis=1)
    if nan.any():  # argmax would silently call the NaN (or the class after it) the row's label
        row = int(np.argmax(nan))
        where = f"row {ids[row]!r}" if ids is not None else f"row {row}"
        raise ModelInputError(f"probs {where} holds NaN, which has no most likely class: {P[row].tolist()}")
    preds = P.argmax(axis=1)
    tied = np.abs(P - P.max(axis=1, keepdims=True)) <= tol
    is_tie = tied.sum(axis=1) > 1
    if not is_tie.any():
        return preds.astype(np.int64)
    rows = np.flatnonzero(is_tie)
    if tie_break == "abstain":
        preds[rows] = ABSTAIN
    elif tie_break == "prior":
        try:
            p = np.full(P.shape[1], 1.0 / P.shape[1]) if prior is None else np.asarray(prior, dtype=np.float64)
        except (TypeError, ValueError):
            raise ModelInputError(f"prior must be k = {P.shape[1]} numbers (one per class), got {prior!r:.80}") from None
        if p.shape != (P.shape[1],):
            raise ModelInputError(f"prior has shape {p.shape}, expected ({P.shape[1]},): one number per class")
        preds[rows] = np.where(tied[rows], p[None, :], -np.inf).argmax(axis=1)
    elif tie_break == "random":
        rng = as_rng(seed)  # a seed NumPy cannot take is a ParameterTypeError naming it
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
    if not is_whole_number(cardinality, 1):
        raise ModelInputError(f"cardinality must be a positive integer (the number of classes), got {cardinality!r}")
    # class ids as the one label check reads them: 1.0 and "1" are class 1; 1.5, NaN and text are typed errors
    # (1.5 was silently class 1, NaN an IndexError)
    y = check_int_labels(np.asarray(preds), name="preds", cardinality=cardinality)
    out = np.zeros((len(y), cardinality))
    out[np.arange(len(y)), y.astype(np.int64)] = 1.0
    return out


def filter_unlabeled(data: Any, probs: np.ndarray, L: Any) -> tuple[Any, np.ndarray]:
    """Drop rows on which every LF abstained (their probabilities are only the prior).

    Returns the rows of ``data`` (DataFrame, array or list) and ``probs`` that have at
    least one vote, in order; a DataFrame keeps its index. A DataFrame or Series (``data``, or
    ``probs`` as a frame) indexed by ``L``'s row ids in another order is lined up by id, one
    indexed by other ids is refused; pandas objects indexed ``0..n-1``, and every input where
    ``L`` has no row ids (a plain array), are taken in row order.

    Examples
    --------
    >>> d, p = filter_unlabeled(np.array([10, 20]), np.array([[0.5, 0.5], [0.0, 1.0]]), np.array([[-1], [1]]))
    >>> d.tolist(), p.tolist()
    ([20], [[0.0, 1.0]])
    """
    L = as_label_matrix(L)
    data = in_row_order(data, L.index, "data")
    try:
        probs = np.asarray(in_row_order(probs, L.index, "probs"))
    except (TypeError, ValueError) as exc:  # ragged rows: NumPy's message names no argument
        raise ModelInputError(f"probs must be an n x k matrix, one row per row of L: {exc}") from None
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
