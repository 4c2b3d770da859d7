"""Confident learning on weak labels: which label-model labels look wrong, and which LFs caused them."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from weaksup.errors import ModelInputError
from weaksup.matrix import as_label_matrix
from weaksup.quality.confident_learning import _scores, find_label_issues
from weaksup.quality.cross_val import cross_val_predict_proba, take_rows
from weaksup.utils import check_probs


def find_weak_label_issues(
    L: Any,
    probs: Any,
    X: Any,
    estimator: Any = None,
    n_folds: int = 5,
    seed: int | None = 0,
    method: str = "prune_by_noise_rate",
    only_covered: bool = True,
    pred_probs: Any = None,
) -> pd.DataFrame:
    """Rank training rows whose label-model label is likely wrong.

    An end model is cross-validated on the label model's probabilistic labels; confident
    learning then compares its out-of-fold probabilities with the weak labels (their argmax).
    Where the end model, which generalises from features rather than LF votes, confidently
    disagrees, the weak label is suspect.

    Parameters
    ----------
    L : LabelMatrix, dense array or sparse matrix (n x m)
    probs : array (n, k)
        The label model's ``predict_proba(L)``.
    X : features of the same rows (array, sparse matrix, DataFrame)
    estimator : scikit-learn classifier, optional
        Defaults to ``LogisticRegression(max_iter=1000, class_weight="balanced")``. Fitted on soft
        labels. Class-balanced because weak labels are usually imbalanced, and an unweighted model
        that predicts the majority class everywhere can never disagree with a majority-class label.
    n_folds, seed : cross-validation settings.
    method : str
        Passed to :func:`find_label_issues`.
    only_covered : bool
        Judge only rows with at least one LF vote (rows with none carry only the prior).
    pred_probs : array (n, k), optional
        Precomputed out-of-sample end-model probabilities; skips the cross-validation.

    Returns
    -------
    pandas.DataFrame
        One row per flagged row, most likely wrong first, indexed by the row ids of ``L``:
        ``position`` (row number), ``weak_label``, ``weak_confidence`` (label model's prob of
        it), ``suggested_label`` (end model's argmax), ``label_quality`` (normalized margin of
        the weak label under the end model). The full out-of-fold matrix is in
        ``result.attrs["pred_probs"]``.

    Examples
    --------
    >>> import numpy as np
    >>> from weaksup.models import MajorityVoter
    >>> rng = np.random.default_rng(0)
    >>> y = np.r_[np.zeros(40, int), np.ones(40, int)]
    >>> X = y[:, None] * 3.0 + rng.normal(0, 1, (80, 1))
    >>> votes = y.copy(); votes[[3, 50]] = 1 - votes[[3, 50]]  # one LF, wrong on rows 3 and 50
    >>> L = votes[:, None]
    >>> probs = MajorityVoter(cardinality=2).predict_proba(L)
    >>> issues = find_weak_label_issues(L, probs, X, seed=0)
    >>> sorted(issues["position"].tolist())
    [3, 50]
    """
    L = as_label_matrix(L)
    P = check_probs(probs, name="probs")
    if len(P) != L.n_rows:
        raise ModelInputError(f"probs has {len(P)} rows but L has {L.n_rows}")
    rows = np.flatnonzero(np.diff(L.csr.indptr) > 0) if only_covered else np.arange(L.n_rows)
    if not len(rows):
        raise ModelInputError("no row has an LF vote; nothing to judge")
    weak = P[rows].argmax(axis=1)
    if pred_probs is None:
        if estimator is None:
            from sklearn.linear_model import LogisticRegression

            estimator = LogisticRegression(max_iter=1000, class_weight="balanced")
        cv = cross_val_predict_proba(estimator, take_rows(X, rows), P[rows], n_folds=n_folds, seed=seed)
    else:
        full = check_probs(pred_probs, P.shape[1], name="pred_probs")
        if len(full) != L.n_rows:
            raise ModelInputError(f"pred_probs has {len(full)} rows but L has {L.n_rows}")
        cv = full[rows]
    mask = find_label_issues(weak, cv, method=method)
    flagged = np.flatnonzero(mask)
    quality = _scores(weak[flagged], cv[flagged], "normalized_margin")
    order = np.argsort(quality, kind="stable")
    flagged, quality = flagged[order], quality[order]
    pos = rows[flagged]
    out = pd.DataFrame(
        {
            "position": pos,
            "weak_label": weak[flagged],
            "weak_confidence": P[pos, weak[flagged]],
            "suggested_label": cv[flagged].argmax(axis=1),
            "label_quality": quality,
        },
        index=L.index[pos],
    )
    all_cv = np.full((L.n_rows, P.shape[1]), np.nan)
    all_cv[rows] = cv
    out.attrs["pred_probs"] = all_cv
    return out


def lf_error_contributions(L: Any, issues: Any, probs: Any, pred_probs: Any = None) -> pd.DataFrame:
    """Rank LFs by how much they contribute to the flagged weak-label errors.

    For each LF, among the flagged rows: ``n_votes_on_issues`` (rows it voted on),
    ``n_backed_error`` (it voted the flagged weak label), ``n_voted_suggested`` (it voted the
    end model's suggested label, i.e. it was probably right), ``share_of_errors``
    (``n_backed_error`` / number of flagged rows), ``error_rate_on_issues``
    (``n_backed_error / n_votes_on_issues``) and ``frac_of_lf_votes`` (``n_backed_error`` /
    all of the LF's votes: how much of the LF's output looks wrong). Sorted by
    ``n_backed_error``: fix the LFs at the top first.

    Parameters
    ----------
    L : LabelMatrix, dense or sparse (n x m)
    issues : DataFrame from :func:`find_weak_label_issues`, boolean mask (n,) or positions
    probs : array (n, k)
        The label model's probabilities (the weak label is their argmax).
    pred_probs : array (n, k), optional
        End-model probabilities giving the suggested label when ``issues`` is not the
        DataFrame; without them ``n_voted_suggested`` counts votes for any other class.

    Examples
    --------
    >>> import numpy as np
    >>> L = np.array([[1, 1, -1], [1, -1, 0], [0, 0, 0]])
    >>> probs = np.array([[0, 1.0], [0, 1.0], [1.0, 0]])
    >>> t = lf_error_contributions(L, np.array([True, True, False]), probs)
    >>> t["n_backed_error"].tolist(), t.index.tolist()
    ([2, 1, 0], ['lf_0', 'lf_1', 'lf_2'])
    """
    L = as_label_matrix(L)
    P = check_probs(probs, name="probs")
    if len(P) != L.n_rows:
        raise ModelInputError(f"probs has {len(P)} rows but L has {L.n_rows}")
    weak = P.argmax(axis=1)
    suggested = None
    if isinstance(issues, pd.DataFrame):
        if "position" not in issues:
            raise ModelInputError("issues DataFrame needs a 'position' column (from find_weak_label_issues)")
        pos = issues["position"].to_numpy(dtype=np.int64)
        if "suggested_label" in issues:
            suggested = issues["suggested_label"].to_numpy(dtype=np.int64)
    else:
        arr = np.asarray(issues)
        if arr.dtype == bool:
            if arr.shape != (L.n_rows,):
                raise ModelInputError(f"issues mask has shape {arr.shape}, expected ({L.n_rows},)")
            pos = np.flatnonzero(arr)
        else:
            pos = arr.astype(np.int64).ravel()
    if len(pos) and (pos.min() < 0 or pos.max() >= L.n_rows):
        raise ModelInputError(f"issue positions must be in 0..{L.n_rows - 1}")
    if suggested is None and pred_probs is not None:
        suggested = check_probs(pred_probs, P.shape[1], name="pred_probs")[pos].argmax(axis=1)
    V = L.csr[pos].toarray().astype(np.int64) - 1  # flagged rows only: small
    voted = V >= 0
    backed = V == weak[pos][:, None]
    if suggested is not None:
        right = V == suggested[:, None]
    else:
        right = voted & ~backed
    n_backed = backed.sum(axis=0)
    n_votes = voted.sum(axis=0)
    total_votes = np.diff(L.csr.tocsc().indptr)
    with np.errstate(invalid="ignore", divide="ignore"):
        table = pd.DataFrame(
            {
                "n_votes_on_issues": n_votes,
                "n_backed_error": n_backed,
                "n_voted_suggested": right.sum(axis=0),
                "share_of_errors": n_backed / max(len(pos), 1),
                "error_rate_on_issues": np.where(n_votes > 0, n_backed / np.maximum(n_votes, 1), 0.0),
                "frac_of_lf_votes": np.where(total_votes > 0, n_backed / np.maximum(total_votes, 1), 0.0),
            },
            index=pd.Index(L.lf_names, name="lf"),
        )
    return table.sort_values(["n_backed_error", "frac_of_lf_votes"], ascending=False, kind="stable")
