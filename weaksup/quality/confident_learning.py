"""Confident learning (Northcutt, Jiang & Chuang, JAIR 2021): find examples whose given label is likely wrong.

From out-of-sample predicted probabilities ``P`` (n x k) and given labels ``y``:

1. per-class thresholds ``t_j`` = mean of ``P[:, j]`` over examples *given* label ``j``
   (the model's average self-confidence on class ``j``);
2. the confident joint ``C[i, j]`` counts examples given label ``i`` whose probability for
   class ``j`` reaches ``t_j`` (argmax among such classes when several do);
3. calibration rescales each row of ``C`` to the number of examples given label ``i``, so
   ``Q = C / n`` estimates the joint distribution ``P(given = i, true = j)``;
4. the off-diagonal counts say how many examples to prune, per given class (``prune_by_class``)
   or per (given, true) pair (``prune_by_noise_rate``); which examples is decided by ranking
   (lowest self-confidence, or largest margin towards the likely true class).

Counting, calibration, rounding and pruning follow cleanlab 2.x's arithmetic (so ``frac_noise``,
``min_examples_per_class`` and ties flag the same examples) with one documented exception: when several
classes reach their thresholds, the example counts as the most probable *of those* (the paper's rule);
cleanlab takes its overall argmax even when that class is below its own threshold, so such an example
(k >= 3 only) can be counted, and flagged, differently.

Matrix conventions (documented once, used everywhere here): ``confident_joint`` and ``joint``
are indexed ``[given, true]``; ``noise_matrix[i, j] = P(given = i | true = j)`` and
``inverse_noise_matrix[j, i] = P(true = j | given = i)``, so both are column-stochastic.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from weaksup.errors import ModelInputError
from weaksup.quality._checks import check_labels_probs, row_ids, with_ids

METHODS = (
    "prune_by_noise_rate",
    "prune_by_class",
    "both",
    "confident_learning",
    "self_confidence",
    "normalized_margin",
    "predicted_neq_given",
)
SCORE_METHODS = ("self_confidence", "normalized_margin", "confidence_weighted_entropy")


class NoiseEstimate(NamedTuple):
    """Result of :func:`estimate_noise_matrix` (unpacks like a tuple).

    Attributes
    ----------
    noise_matrix : ndarray (k, k)
        ``P(given = i | true = j)`` at ``[i, j]``; columns sum to 1.
    inverse_noise_matrix : ndarray (k, k)
        ``P(true = j | given = i)`` at ``[j, i]``; columns sum to 1.
    py : ndarray (k,)
        Estimated prior of the *true* labels, ``P(true = j)``.
    joint : ndarray (k, k)
        ``P(given = i, true = j)`` at ``[i, j]``; sums to 1.
    confident_joint : ndarray (k, k)
        The calibrated confident joint (counts, ``[given, true]``), summing to ``n``.
    """

    noise_matrix: np.ndarray
    inverse_noise_matrix: np.ndarray
    py: np.ndarray
    joint: np.ndarray
    confident_joint: np.ndarray


def class_thresholds(labels: Any, pred_probs: Any) -> np.ndarray:
    """Per-class confidence thresholds ``t_j`` = mean ``P[:, j]`` over examples given label ``j``.

    A class nobody was given gets ``inf`` (no example can be confidently counted as it).

    Examples
    --------
    >>> class_thresholds([0, 0, 1], [[0.8, 0.2], [0.6, 0.4], [0.3, 0.7]]).tolist()
    [0.7, 0.7]
    """
    y, P = check_labels_probs(labels, pred_probs)
    return _thresholds(y, P)


def _thresholds(y: np.ndarray, P: np.ndarray) -> np.ndarray:
    k = P.shape[1]
    counts = np.bincount(y, minlength=k).astype(np.float64)
    sums = np.zeros(k)
    np.add.at(sums, y, P[np.arange(len(y)), y])
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / counts, np.inf)


def _confident_true_guess(y: np.ndarray, P: np.ndarray) -> np.ndarray:
    """For each example the class it confidently belongs to (``-1`` if no class reaches its threshold)."""
    t = _thresholds(y, P)
    above = P >= t[None, :] - 1e-6  # tolerance so an example sitting exactly on the mean counts
    guess = np.where(above, P, -np.inf).argmax(axis=1)
    guess[~above.any(axis=1)] = -1
    return guess


def _round_keep_row_totals(M: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """Integer matrix close to ``M`` whose rows sum exactly to ``totals``.

    Each entry is rounded (half to even), then a row's shortfall goes to the entries rounding moved down the
    most and its excess comes off those it moved up the most, equally moved entries taken in the order of
    numpy's default ``argsort`` (an increment from its end). That is cleanlab's rule, so counts (and the
    examples flagged from them) come out the same where the fractions tie, which they do whenever two classes
    hold equal counts.
    """
    ints = np.round(M)
    need = np.round(totals).astype(np.int64) - ints.sum(axis=1).astype(np.int64)
    out = ints.astype(np.int64)
    for i in np.flatnonzero(need):
        order = np.argsort(M[i] - ints[i])  # numpy's default sort, as cleanlab's: the same order among ties
        if need[i] > 0:
            out[i, order[::-1][: need[i]]] += 1
        else:
            out[i, order[: -need[i]]] -= 1
    return np.maximum(out, 0)


def confident_joint(labels: Any, pred_probs: Any, calibrate: bool = True) -> np.ndarray:
    """The ``k x k`` confident joint ``C[given, true]``.

    Parameters
    ----------
    labels : array-like (n,)
        Given labels ``0..k-1``.
    pred_probs : array-like (n, k)
        Out-of-sample predicted probabilities (e.g. from :func:`cross_val_predict_proba`).
    calibrate : bool
        Rescale each row to the number of examples given that label (integer counts
        preserving row totals), so the matrix sums to ``n``. Without calibration, only
        examples reaching some class threshold are counted.

    Examples
    --------
    >>> import numpy as np
    >>> labels = [0, 0, 0, 1, 1, 1]
    >>> P = np.array([[.9, .1], [.8, .2], [.1, .9], [.2, .8], [.3, .7], [.1, .9]])
    >>> confident_joint(labels, P, calibrate=False).tolist()  # row 4 reaches no threshold
    [[2, 1], [0, 2]]
    >>> confident_joint(labels, P).tolist()  # calibrated: rows sum to the given-label counts
    [[2, 1], [0, 3]]
    """
    y, P = check_labels_probs(labels, pred_probs)
    return _confident_joint(y, P, calibrate)


def _confident_joint(y: np.ndarray, P: np.ndarray, calibrate: bool) -> np.ndarray:
    k = P.shape[1]
    guess = _confident_true_guess(y, P)
    ok = guess >= 0
    C = np.bincount(y[ok] * k + guess[ok], minlength=k * k).reshape(k, k).astype(np.int64)
    if not calibrate:
        return C
    n_given = np.bincount(y, minlength=k)
    # every class keeps at least one confidently right example (as cleanlab does): a given class with no
    # confident example is assumed right, and one whose examples all look like another class keeps a trace
    Cc = C.astype(np.float64)
    np.fill_diagonal(Cc, np.maximum(np.diag(Cc), 1.0))
    scaled = Cc / Cc.sum(axis=1, keepdims=True) * n_given[:, None]
    scaled = scaled / scaled.sum() * n_given.sum()  # a no-op but for float error, which decides ties like 54.5
    return _round_keep_row_totals(scaled, n_given)


def _given_joint(confident_joint: Any, k: int) -> np.ndarray:
    """A user's confident joint: ``k x k`` finite non-negative counts (a negative one makes negative noise rates)."""
    try:
        C = np.asarray(confident_joint, dtype=np.float64)
    except (TypeError, ValueError):
        raise ModelInputError("confident_joint must be a k x k matrix of counts (numbers)") from None
    if C.shape != (k, k):
        raise ModelInputError(f"confident_joint has shape {C.shape}, expected ({k}, {k})")
    bad = ~np.isfinite(C) | (C < 0)
    if bad.any():
        i, j = (int(v) for v in np.argwhere(bad)[0])
        raise ModelInputError(f"confident_joint[{i}, {j}] is {C[i, j]}: counts must be finite and non-negative")
    return C


def estimate_noise_matrix(labels: Any, pred_probs: Any, confident_joint: np.ndarray | None = None) -> NoiseEstimate:
    """Estimate the label-noise process from the calibrated confident joint.

    Returns a :class:`NoiseEstimate` ``(noise_matrix, inverse_noise_matrix, py, joint,
    confident_joint)``; see the module docstring for the index conventions.

    Examples
    --------
    >>> import numpy as np
    >>> labels = [0, 0, 0, 1, 1, 1]
    >>> P = np.array([[.9, .1], [.8, .2], [.1, .9], [.2, .8], [.3, .7], [.1, .9]])
    >>> est = estimate_noise_matrix(labels, P)
    >>> est.joint.round(3).tolist()
    [[0.333, 0.167], [0.0, 0.5]]
    >>> est.noise_matrix.round(2).tolist()  # P(given | true): a quarter of true 1s were given 0
    [[1.0, 0.25], [0.0, 0.75]]
    >>> est.py.round(3).tolist()
    [0.333, 0.667]
    """
    y, P = check_labels_probs(labels, pred_probs)
    k = P.shape[1]
    C = _confident_joint(y, P, calibrate=True) if confident_joint is None else _given_joint(confident_joint, k)
    C = C.astype(np.float64)
    total = C.sum()
    joint = C / total if total > 0 else np.eye(k) / k
    py = joint.sum(axis=0)
    ps = joint.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        noise = np.where(py[None, :] > 0, joint / py[None, :], np.eye(k))
        inverse = np.where(ps[None, :] > 0, joint.T / ps[None, :], np.eye(k))
    return NoiseEstimate(noise, inverse, py, joint, C)


def label_quality_scores(labels: Any, pred_probs: Any, method: str = "self_confidence") -> np.ndarray:
    """Per-example label quality in ``[0, 1]``; low means the given label is likely wrong.

    Parameters
    ----------
    method : {"self_confidence", "normalized_margin", "confidence_weighted_entropy"}
        ``self_confidence``: ``P[i, y_i]``. ``normalized_margin``: ``(P[i, y_i] - max_{j != y_i}
        P[i, j] + 1) / 2``. ``confidence_weighted_entropy``: self-confidence divided by the
        row's normalised entropy, squashed to ``[0, 1]`` by ``x / (1 + x)``.

    Examples
    --------
    >>> label_quality_scores([0, 1], [[0.9, 0.1], [0.8, 0.2]]).tolist()
    [0.9, 0.2]
    >>> label_quality_scores([0, 1], [[0.9, 0.1], [0.8, 0.2]], method="normalized_margin").round(2).tolist()
    [0.9, 0.2]

    With a ``pred_probs`` DataFrame (or a ``labels`` Series) the scores come back as a Series indexed by
    those row ids:

    >>> import pandas as pd
    >>> label_quality_scores(pd.Series([1, 0], index=["b", "a"]), pd.DataFrame([[.9, .1], [.8, .2]], index=["a", "b"]))
    a    0.9
    b    0.2
    Name: label_quality, dtype: float64
    """
    y, P = check_labels_probs(labels, pred_probs)
    return with_ids(_scores(y, P, method), row_ids(labels, pred_probs), "label_quality")


def _scores(y: np.ndarray, P: np.ndarray, method: str) -> np.ndarray:
    if method not in SCORE_METHODS:
        raise ModelInputError(f"method must be one of {SCORE_METHODS}, got {method!r}")
    rows = np.arange(len(y))
    self_conf = P[rows, y]
    if method == "self_confidence":
        return self_conf
    if method == "normalized_margin":
        other = P.copy()
        other[rows, y] = -np.inf
        return (self_conf - other.max(axis=1) + 1.0) / 2.0
    with np.errstate(divide="ignore", invalid="ignore"):
        ent = -np.where(P > 0, P * np.log(P), 0.0).sum(axis=1) / np.log(P.shape[1])
        x = self_conf / np.maximum(ent, 1e-12)
    return x / (1.0 + x)


def _prune_counts(C: np.ndarray, n_given: np.ndarray, frac_noise: float,
                  min_per_class: int) -> tuple[np.ndarray, np.ndarray]:
    """How many to prune: per (given, true) off the diagonal, and per given class; cleanlab's arithmetic.

    Worked on ``C.T`` (rows true, columns given), as cleanlab does, so that ``frac_noise`` and
    ``min_examples_per_class`` flag the same examples: each given class's kept (diagonal) count is raised
    to ``min_per_class`` by taking evenly from its non-zero noise counts, the noise counts are scaled by
    ``frac_noise`` with the diagonal absorbing the rest (given-class totals unchanged), and every count is
    truncated to an integer (so a fraction flags at most that share of each count). A given class with
    ``min_per_class`` examples or fewer is not pruned at all.
    """
    T = C.T.astype(np.float64)
    diag = np.diag(T)
    kept = np.maximum(diag, min_per_class)
    n_noise = np.maximum(np.count_nonzero(T, axis=0) - 1.0, 1.0)
    T = T - (kept - diag) / n_noise
    T[T < 0] = 0.0
    np.fill_diagonal(T, kept)
    scaled = T * frac_noise
    np.fill_diagonal(scaled, np.diag(T))
    np.fill_diagonal(scaled, np.diag(T) + np.sum(T - scaled, axis=0))
    D = scaled.astype(np.int64).T  # truncated, as cleanlab's are; back to [given, true]
    by_class = np.maximum(n_given - np.diag(D), 0)
    R = D.copy()
    np.fill_diagonal(R, 0)
    small = n_given <= min_per_class
    R[small] = 0
    by_class[small] = 0
    return R, by_class


def find_label_issues(
    labels: Any,
    pred_probs: Any,
    method: str = "prune_by_noise_rate",
    return_indices_ranked_by: str | None = None,
    frac_noise: float = 1.0,
    min_examples_per_class: int = 1,
    confident_joint: np.ndarray | None = None,
    issue_count: str = "off_diagonal",
) -> np.ndarray:
    """Flag examples whose given label is likely wrong.

    Parameters
    ----------
    labels : array-like (n,)
        Given labels ``0..k-1`` (a Series is aligned to a ``pred_probs`` DataFrame's index).
    pred_probs : array-like (n, k)
        Out-of-sample predicted probabilities. In-sample probabilities from a model that
        memorised the labels will find nothing.
    method : str
        ``prune_by_noise_rate`` (default): for every (given ``i``, true ``j``) off-diagonal
        count of the calibrated confident joint, flag that many examples given ``i`` with the
        largest margin ``P[:, j] - P[:, i]``. ``prune_by_class``: per given class, flag its
        off-diagonal row total of examples with the lowest self-confidence. ``both``: the
        intersection of the two. ``confident_learning``: examples in the off-diagonal of the
        (uncalibrated) confident joint. ``self_confidence`` / ``normalized_margin``: the
        estimated number of issues (see ``issue_count``) with the lowest such score. ``predicted_neq_given``:
        argmax differs from the given label (a baseline).
    return_indices_ranked_by : None or one of :data:`SCORE_METHODS`
        ``None`` returns a boolean mask; otherwise the flagged positions, most likely
        wrong first, ranked by :func:`label_quality_scores` with that method.
    frac_noise : float in (0, 1]
        Flag only this fraction of the estimated issues (the most confident ones): each (given, true)
        count is scaled and truncated, as cleanlab does, so with many small counts fewer are flagged.
    min_examples_per_class : int
        Never flag so many that a given class keeps fewer than this many examples (the kept count is
        raised by taking evenly from that class's noise counts, as cleanlab does); a class with this
        many examples or fewer is not pruned.
    confident_joint : array (k, k), optional
        A precomputed calibrated confident joint (``[given, true]``).
    issue_count : {"off_diagonal", "calibrated"}
        How many examples the score methods (``self_confidence``, ``normalized_margin``)
        flag: ``off_diagonal`` (default) counts the off-diagonal of the *uncalibrated*
        confident joint (as ``method="confident_learning"`` does; cleanlab's default, more
        precise); ``calibrated`` uses the calibrated joint's off-diagonal (as the pruning
        methods do; flags more, so higher recall and lower precision).

    For the pruning methods an example whose argmax equals its given label is never
    flagged: the model agrees with the label.

    Returns
    -------
    ndarray of bool (n,), or of int when ranked
        The mask is in the rows' order; with a ``pred_probs`` DataFrame (or a ``labels`` Series) it is a
        Series indexed by those row ids. Ranked results are row positions (``pred_probs.index[result]``
        are their ids).

    Examples
    --------
    >>> import numpy as np
    >>> labels = [0, 0, 0, 1, 1, 1]
    >>> P = np.array([[.9, .1], [.8, .2], [.1, .9], [.2, .8], [.3, .7], [.1, .9]])
    >>> find_label_issues(labels, P).tolist()
    [False, False, True, False, False, False]
    >>> find_label_issues(labels, P, return_indices_ranked_by="self_confidence").tolist()
    [2]
    >>> import pandas as pd
    >>> ids = ["a", "b", "c", "d", "e", "f"]
    >>> mask = find_label_issues(pd.Series(labels, index=ids), pd.DataFrame(P, index=ids))
    >>> mask[mask].index.tolist()
    ['c']
    """
    if method not in METHODS:
        raise ModelInputError(f"method must be one of {METHODS}, got {method!r}")
    if isinstance(frac_noise, (bool, np.bool_)) or not isinstance(frac_noise, (int, float, np.number)) \
            or not 0.0 < frac_noise <= 1.0:  # a text or None was a bare TypeError from the comparison
        raise ModelInputError(f"frac_noise must be a number in (0, 1], got {frac_noise!r}")
    if issue_count not in ("off_diagonal", "calibrated"):
        raise ModelInputError(f"issue_count must be 'off_diagonal' or 'calibrated', got {issue_count!r}")
    if return_indices_ranked_by is not None and return_indices_ranked_by not in SCORE_METHODS:
        raise ModelInputError(f"return_indices_ranked_by must be None or one of {SCORE_METHODS}")
    if isinstance(min_examples_per_class, (bool, np.bool_)) or not isinstance(min_examples_per_class, (int, float, np.number)) \
            or not float(min_examples_per_class).is_integer() or min_examples_per_class < 0:
        raise ModelInputError(f"min_examples_per_class must be a non-negative integer, got {min_examples_per_class!r}")
    y, P = check_labels_probs(labels, pred_probs)
    n, k = P.shape
    rows = np.arange(n)
    n_given = np.bincount(y, minlength=k)
    mask = np.zeros(n, dtype=bool)

    if method == "predicted_neq_given":
        mask = P[rows, y] < P.max(axis=1)
    elif method == "confident_learning":
        guess = _confident_true_guess(y, P)
        mask = (guess >= 0) & (guess != y)
    else:
        C = _confident_joint(y, P, calibrate=True) if confident_joint is None else _given_joint(confident_joint, k)
        R, by_class_counts = _prune_counts(C, n_given, frac_noise, min_examples_per_class)
        if method in ("self_confidence", "normalized_margin"):
            if issue_count == "calibrated":
                n_issues = int(R.sum())
            else:
                # the size of the confident_learning flag set (off-diagonal, model disagrees with the label)
                guess = _confident_true_guess(y, P)
                off = (guess >= 0) & (guess != y) & (P[rows, y] < P.max(axis=1))
                n_issues = int(round(frac_noise * int(off.sum())))
            order = np.argsort(_scores(y, P, method), kind="stable")[:n_issues]
            mask[order] = True
        else:
            by_class = _prune_by_class(y, P, by_class_counts) if method in ("prune_by_class", "both") else None
            by_rate = _prune_by_noise_rate(y, P, R) if method in ("prune_by_noise_rate", "both") else None
            if method == "both":
                mask = by_class & by_rate
            else:
                mask = by_class if by_class is not None else by_rate
    if method not in ("self_confidence", "normalized_margin", "predicted_neq_given"):
        mask &= P[rows, y] < P.max(axis=1)  # the model agrees with the given label: not an issue

    if return_indices_ranked_by is None:
        return with_ids(mask, row_ids(labels, pred_probs), "is_label_issue")
    flagged = np.flatnonzero(mask)
    scores = _scores(y[flagged], P[flagged], return_indices_ranked_by)
    return flagged[np.argsort(scores, kind="stable")]


def _prune_by_class(y: np.ndarray, P: np.ndarray, counts: np.ndarray) -> np.ndarray:
    mask = np.zeros(len(y), dtype=bool)
    for i in range(P.shape[1]):
        m = int(counts[i])
        if m == 0:
            continue
        members = np.flatnonzero(y == i)
        low = np.argsort(P[members, i], kind="stable")[:m]
        mask[members[low]] = True
    return mask


def _prune_by_noise_rate(y: np.ndarray, P: np.ndarray, R: np.ndarray) -> np.ndarray:
    mask = np.zeros(len(y), dtype=bool)
    k = P.shape[1]
    for i in range(k):
        if R[i].sum() == 0:
            continue
        members = np.flatnonzero(y == i)
        Pi = P[members]
        for j in range(k):
            m = int(R[i, j])
            if j == i or m == 0:
                continue
            margin = Pi[:, j] - Pi[:, i]
            top = np.argsort(-margin, kind="stable")[:m]
            mask[members[top]] = True
    return mask
