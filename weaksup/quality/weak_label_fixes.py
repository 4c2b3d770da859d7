"""Fix weak labels once found: relabel, prune, or hand-check and add as gold."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from weaksup._validation import check_int_labels
from weaksup.errors import ModelInputError
from weaksup.quality._checks import class_ordered
from weaksup.quality._inputs import plain, row_positions
from weaksup.utils import check_probs

POLICIES = ("relabel", "prune", "auto")


class LabelFix(NamedTuple):
    """Result of :func:`fix_weak_labels` (unpacks like a tuple).

    Attributes
    ----------
    probs : ndarray (n, k)
        The soft labels after the fix (relabelled rows changed, pruned rows unchanged).
    keep : ndarray (n,) of bool
        False for pruned rows: train the end model on ``probs[keep]``.
    relabeled : ndarray
        Positions whose label was replaced.
    pruned : ndarray
        Positions dropped from training.

    Examples
    --------
    >>> import numpy as np
    >>> fix = LabelFix(np.eye(2), np.array([True, False]), np.array([], int), np.array([1]))
    >>> probs, keep, relabeled, pruned = fix
    >>> keep.tolist(), pruned.tolist()
    ([True, False], [1])
    """

    probs: np.ndarray
    keep: np.ndarray
    relabeled: np.ndarray
    pruned: np.ndarray


def fix_weak_labels(
    probs: Any, issues: Any, policy: str = "auto", min_confidence: float = 0.6, soft: bool = True
) -> LabelFix:
    """Relabel or prune the rows flagged by :func:`~weaksup.quality.find_weak_label_issues`.

    Parameters
    ----------
    probs : array (n, k)
        The label model's soft labels, in the rows' order of ``L``; a DataFrame indexed by ``L``'s row ids
        may hold them in another order (the result then follows its rows).
    issues : WeakLabelIssues
        The flagged rows (needs ``position`` and ``suggested_label``; ``soft=True`` also uses its
        ``posterior``).
    policy : {"auto", "relabel", "prune"}
        ``relabel``: every flagged row gets the combined posterior (``soft=True``) or a one-hot
        suggested label. ``prune``: every flagged row is dropped. ``auto`` (default): relabel a
        flagged row when the combined posterior gives a suggested label other than the weak one at
        least ``min_confidence``, drop it otherwise: a confident correction keeps the row's
        information, an unsure one would only swap one noisy label for another.
    min_confidence : float in (0, 1]
        The ``auto`` threshold.
    soft : bool
        Relabel with the combined posterior rather than a one-hot label.

    Examples
    --------
    >>> import numpy as np
    >>> from weaksup.quality import find_weak_label_issues
    >>> from weaksup.models import MajorityVoter
    >>> rng = np.random.default_rng(0)
    >>> y = np.r_[np.zeros(40, int), np.ones(40, int)]
    >>> X = y[:, None] * 3.0 + rng.normal(0, 1, (80, 1))
    >>> votes = y.copy(); votes[[3, 50]] = 1 - votes[[3, 50]]
    >>> probs = MajorityVoter(cardinality=2).predict_proba(votes[:, None])
    >>> issues = find_weak_label_issues(votes[:, None], probs, X, seed=0)
    >>> fix = fix_weak_labels(probs, issues)  # auto: relabel the confident corrections, drop the unsure rows
    >>> sorted(fix.relabeled.tolist()), fix.probs[[3, 50]].argmax(1).tolist(), len(issues), len(fix.pruned)
    ([3, 50], [0, 1], 18, 16)
    >>> int(fix_weak_labels(probs, issues, policy="prune").keep.sum())
    62
    """
    if policy not in POLICIES:
        raise ModelInputError(f"policy must be one of {POLICIES}, got {policy!r}")
    if isinstance(min_confidence, (bool, np.bool_)) or not isinstance(min_confidence, (int, float, np.number)) \
            or not 0.0 < min_confidence <= 1.0:  # a text or None was a bare TypeError from the comparison
        raise ModelInputError(f"min_confidence must be a number in (0, 1], got {min_confidence!r}")
    P = check_probs(class_ordered(probs, "probs"), name="probs").copy()
    n, k = P.shape
    if not isinstance(issues, pd.DataFrame) or not {"position", "suggested_label"} <= set(issues.columns):
        raise ModelInputError("issues must be the result of find_weak_label_issues (position, suggested_label)")
    pos = issues["position"].to_numpy()
    if len(pos) and not (pos.dtype.kind in "iu" or (pos.dtype.kind == "f" and np.isfinite(pos).all()
                                                    and (pos == np.round(pos)).all())):
        # to_numpy(dtype=int64) truncated a position 1.5 to row 1
        at = next(i for i, v in enumerate(pos) if not (isinstance(v, (int, float, np.number)) and not isinstance(v, bool)
                                                      and np.isfinite(v) and float(v).is_integer()))
        raise ModelInputError(f"issues position {plain(pos[at])!r} at row {plain(issues.index[at])!r} is not a row "
                              f"number; pass the result of find_weak_label_issues")
    pos = pos.astype(np.int64)
    if len(pos) and (pos.min() < 0 or pos.max() >= n):
        raise ModelInputError(f"issue positions must be in 0..{n - 1}; were the issues found on these probs?")
    sug = check_int_labels(issues["suggested_label"].to_numpy(), name="suggested_label", cardinality=k,
                           ids=issues.index)
    at = _rows_of(probs, issues, pos)  # where each flagged row is in probs (by id for a frame in another order)
    Q = getattr(issues, "posterior", None)
    if Q is None or np.shape(Q) != (n, k):
        if policy != "prune" and (soft or policy == "auto"):  # pruning drops the rows: it needs no posterior
            raise ModelInputError("issues carry no combined posterior of shape (n, k); use soft=False, policy='relabel'"
                                  " or 'prune', or pass issues from find_weak_label_issues(method='weak')")
        Q = None
    conf = Q[pos, sug] if Q is not None else np.ones(len(pos))  # Q is in the rows' order of L, as pos is
    if policy == "prune":
        relabel = np.zeros(len(pos), bool)
    elif policy == "relabel":
        relabel = np.ones(len(pos), bool)
    else:  # a confident *change* of label; a flagged row whose suggestion is its own label stays unsure
        relabel = (conf >= min_confidence) & (sug != P[at].argmax(axis=1))
    fixed = at[relabel]
    if len(fixed):  # pruning only: there may be no posterior to relabel from
        P[fixed] = Q[pos[relabel]] if soft else np.eye(k)[sug[relabel]]
    keep = np.ones(n, bool)
    keep[at[~relabel]] = False
    return LabelFix(P, keep, fixed, at[~relabel])


def _rows_of(probs: Any, issues: pd.DataFrame, pos: np.ndarray) -> np.ndarray:
    """Positions in ``probs`` of the flagged rows: ``pos`` (their rows in ``L``), or, for a ``probs`` DataFrame
    that holds the issues' row ids in another order, where those ids are in it.

    Issues found on a label matrix without ids are indexed by their positions; those stay positions.
    """
    if not isinstance(probs, pd.DataFrame) or not len(pos):
        return pos
    ids = issues.index
    by_position = ids.dtype.kind in "iu" and np.array_equal(ids.to_numpy(), pos)
    if by_position or probs.index.equals(pd.RangeIndex(len(probs))) or not probs.index.is_unique:
        return pos
    at = probs.index.get_indexer(ids)
    if (at < 0).any():
        return pos  # probs is indexed otherwise: positional, as the shape check above already assumed
    return at.astype(np.int64)


def add_gold(probs: Any, positions: Any, labels: Any) -> np.ndarray:
    """Soft labels with hand-checked rows replaced by one-hot gold labels.

    Parameters
    ----------
    probs : array (n, k)
    positions : array of int
        Row positions that were hand-checked; with a ``probs`` DataFrame, also its row ids (a pandas Index,
        e.g. ``gold.index``, or ids that are not integers).
    labels : array of int
        Their gold labels, ``0..k-1`` (integral floats and integer text such as ``"1"`` work too). A row
        given twice must get the same label.

    Examples
    --------
    >>> add_gold([[0.6, 0.4], [0.3, 0.7]], [0], [1]).tolist()
    [[0.0, 1.0], [0.3, 0.7]]
    >>> gold = pd.Series([0], index=["b"])
    >>> add_gold(pd.DataFrame([[0.6, 0.4], [0.3, 0.7]], index=["a", "b"]), gold.index, gold).tolist()
    [[0.6, 0.4], [1.0, 0.0]]
    """
    P = check_probs(class_ordered(probs, "probs"), name="probs").copy()
    n, k = P.shape
    if isinstance(probs, pd.DataFrame) and (isinstance(positions, pd.Index)
                                            or np.asarray(positions).dtype.kind not in "biuf"):
        positions = row_positions(positions, probs.index, "positions")  # row ids of the probs frame
    pos = np.asarray(positions).ravel()
    if len(pos) and pos.dtype.kind not in "iu" and not (
            pos.dtype.kind == "f" and np.isfinite(pos).all() and (pos == np.round(pos)).all()):
        bad = pos[0] if pos.dtype.kind != "f" else pos[~(np.isfinite(pos) & (pos == np.round(pos)))][0]
        raise ModelInputError(f"positions must be integer row positions, got {plain(bad)!r}; for row ids use "
                              f"L.index.get_indexer(ids)")
    pos = pos.astype(np.int64)
    if np.ndim(labels) != 1 and not (np.ndim(labels) == 0 and len(pos) == 1):
        raise ModelInputError(f"labels must be 1-D (one gold label per position), got shape {np.shape(labels)}")
    raw = np.asarray(labels.to_numpy() if isinstance(labels, pd.Series) else labels, dtype=object).ravel()
    if len(pos) != len(raw):
        raise ModelInputError(f"{len(pos)} positions but {len(raw)} labels")
    if len(pos) and (pos.min() < 0 or pos.max() >= n):
        bad = int(pos[(pos < 0) | (pos >= n)][0])
        raise ModelInputError(f"position {bad} is out of range 0..{n - 1}")
    try:  # integers, integral floats and integer text are class ids (the one label check)
        y = check_int_labels(raw, name="gold labels", cardinality=k, ids=pos)
    except ModelInputError as e:
        at = next((i for i, v in enumerate(raw) if not _is_class(v, k)), 0)
        raise ModelInputError(f"gold label {plain(raw[at])!r} for row {int(pos[at])} is not an integer in 0..{k - 1}") from e
    order = np.argsort(pos, kind="stable")
    same = pos[order][1:] == pos[order][:-1]
    clash = same & (y[order][1:] != y[order][:-1])
    if clash.any():
        row = int(pos[order][1:][clash][0])
        raise ModelInputError(f"row {row} is given two different gold labels: "
                              f"{sorted(set(y[pos == row].tolist()))}")
    P[pos] = np.eye(k)[y]
    return P


def _is_class(v: Any, k: int) -> bool:
    try:
        return check_int_labels([v], cardinality=k).size == 1
    except ModelInputError:
        return False
