"""Which weak labels are wrong, and which LFs caused them.

The default detector combines two views of every LF-covered row:

* the **votes**: the label model's posterior ``probs`` (LF agreement, conflicts, how many LFs voted);
* the **features**: an end model cross-validated on the soft labels (10 folds), so each row is judged by
  a model that never saw that row's votes. On sparse non-negative features (counts, TF-IDF) the same end
  model is also cross-validated on the soft labels refined by naive Bayes inside each fold, and the geometric
  mean of the two ranks the rows, unless a gold-free check says the refinement pulls the end model away from
  the rows whose LFs agree (see ``refine``).

Label-model posteriors are often over- or under-confident, so before combining them the posterior is
*tempered* (``probs ** a``, ``0 <= a <= 1``) with the ``a`` that best predicts the feature view
(least cross-entropy against the out-of-fold end model; ``a = 0`` when the votes tell nothing the
features do not). The combined posterior ``q`` ranks rows by ``1 - q[weak]``; a common log-odds
shift then calibrates it into ``P(weak label wrong)`` summing to the estimated number of wrong weak
labels, the rows the cross-validated end model disagrees with (its argmax is not the weak label).
How many to flag follows from that estimated noise rate ``r`` and count ``r * n``: the longest prefix
of the ranking whose expected precision (the mean ``P(weak label wrong)``) stays at or above
``min(0.9, 2 r)`` (twice as rich in errors as a random row), each added row at least as likely wrong
as a random one; and at least the shortest prefix expected to hold 30 % of the estimated errors
(the most precise set that reaches that recall), but never more rows for that than the estimated
error count. On a set with few errors the precision rule decides; on a very noisy one (where flagging
all ``r * n`` rows would make the flagged set's precision about its recall) the recall floor does.
No gold label enters. Plain confident learning counts only *confident* disagreements against
per-class mean thresholds, which on weak labels (where the end model learnt the LFs' own keywords)
finds almost nothing.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from weaksup._validation import as_float_matrix, check_int_labels, in_row_order, is_whole_number, take_rows
from weaksup.errors import ModelInputError, WeaksupWarning
from weaksup.matrix import as_label_matrix
from weaksup.quality._checks import class_ordered
from weaksup.quality._inputs import (
    check_n_rows,
    check_numeric_features,
    check_votes_fit,
    row_positions,
)
from weaksup.quality._views import (
    RefinedTargetsClassifier,
    _precision_prefix,
    _recall_floor,
    calibrate_error_probability,
    combine_views,
    feature_view,
    unanimous_rows,
)
from weaksup.quality.confident_learning import METHODS, _scores, find_label_issues
from weaksup.quality.cross_val import check_seed, cross_val_predict_proba
from weaksup.utils import check_probs

_MIN_KAPPA = 0.05  # "no better than chance", not a tuned value
# a flagged set must be twice as rich in errors as a random row (capped: at 45 % noise that would be 90 %)
_MAX_PRECISION = 0.9
# the flagged set holds at least this share of the estimated errors (issue 21's recall), within the estimated count
_MIN_RECALL = 0.3
# 10 folds: each out-of-fold model sees 90 % of the rows, closer to the model fitted on all of them
_N_FOLDS = 10
_REFINE = ("auto", "naive_bayes", "none")


class WeakLabelIssues(pd.DataFrame):
    """The rows flagged by :func:`find_weak_label_issues` (a DataFrame), plus what was measured.

    Attributes
    ----------
    explanation : str or None
        Why nothing was flagged (with the numbers), ``None`` when something was.
    reason : str or None
        The same as a code: ``"too_few_rows"``, ``"one_class"``, ``"features_too_weak"``,
        ``"model_agrees"`` or ``None``.
    stats : dict
        ``n_judged`` (rows with a vote), ``n_disagree`` (rows whose cross-validated argmax is not the
        weak label, excluded rows not counted), ``estimated_error_rate`` (mean error probability: for
        ``method="weak"`` the share of judged rows the end model disagrees with), ``target_precision``
        (``min(0.9, 2 * estimated_error_rate)``), ``n_precision_prefix`` (how many rows the precision
        rule alone would flag), ``n_recall_floor`` (the fewest rows whose error probabilities sum to 30 %
        of the estimated error count, at most ``n_disagree``: the least flagged), ``n_flagged``
        (the larger of the two), ``expected_precision`` (mean error probability of the
        flagged rows), ``cv_agreement`` (share of rows where the end model's argmax is the weak
        label), ``majority_share`` (share of the most common weak label) and ``vote_weight``
        (the tempering exponent ``a`` of the label model's posterior), ``refined_view`` (``True`` where the ranking
        used the naive-Bayes-refined end model beside the plain one; see ``refine``),
        ``cv_kappa`` (the end
        model's agreement with the weak labels beyond chance; at 0.05 or below nothing is flagged).
    error_probability : ndarray (n,)
        ``P(weak label wrong)`` for every row of ``L`` (NaN where not judged), calibrated to sum to the
        estimated error count (it ranks well; on real weak labels its top values are conservative).
        This attribute hides the column of the same name from dot access: the flagged rows' values are
        ``issues["error_probability"]``.
    posterior : ndarray (n, k)
        The combined posterior ``q`` (NaN rows where not judged).
    pred_probs : ndarray (n, k)
        The out-of-fold probabilities of the end model on the soft labels (NaN rows where not judged); also
        in ``attrs["pred_probs"]``.
    refined_pred_probs : ndarray (n, k) or None
        The out-of-fold probabilities of the end model on the naive-Bayes-refined soft labels (``refine``;
        ``None`` where not computed). Pass both back (``pred_probs=``, ``refined_pred_probs=``) to rank again
        without refitting.

    Examples
    --------
    >>> import numpy as np
    >>> votes = np.array([0, 0, 0, 0, 0, 1, 1, 1, 1, 1])[:, None]
    >>> probs = np.eye(2)[votes[:, 0]]
    >>> issues = find_weak_label_issues(votes, probs, pred_probs=probs, warn=False)  # a model that agrees
    >>> type(issues).__name__, len(issues), issues.reason
    ('WeakLabelIssues', 0, 'model_agrees')
    """

    _metadata = ["explanation", "reason", "stats", "error_probability", "posterior", "pred_probs",
                 "refined_pred_probs"]

    @property
    def _constructor(self) -> type:
        return WeakLabelIssues

    def __finalize__(self, other: Any, method: str | None = None, **kwargs: Any) -> WeakLabelIssues:
        inputs = None if isinstance(other, pd.DataFrame) else getattr(other, "input_objs", None)
        if inputs is None:
            return super().__finalize__(other, method=method, **kwargs)
        # pd.concat / merge / join: pandas compares the inputs' attrs with ==, which the array in attrs cannot
        # answer. The measurements carry over when the results among the inputs are one (a result joined to
        # its texts, its head and tail), not from two different results.
        results = [o for o in inputs if isinstance(o, WeakLabelIssues)]
        first = results[0] if results else None
        one = first is not None and all(getattr(o, "stats", None) is getattr(first, "stats", None) for o in results)
        for name in self._metadata:
            object.__setattr__(self, name, getattr(first, name, None) if one else None)
        if one:
            self.attrs = dict(first.attrs)
        if not all(o.flags.allows_duplicate_labels for o in inputs):
            self.flags.allows_duplicate_labels = False
        return self


def _default_estimator() -> Any:
    from sklearn.linear_model import LogisticRegression

    # balanced: with imbalanced weak labels an unweighted model predicts the majority class everywhere and can
    # never disagree with a majority-class label; tol 1e-3 is converged enough for ranking and ~5x faster;
    # C=0.3 (stronger than sklearn's C=1): a model that leans less on single n-grams (the LFs' own keywords)
    # disagrees with more of the wrong weak labels
    return LogisticRegression(max_iter=1000, class_weight="balanced", tol=1e-3, C=0.3)


def find_weak_label_issues(
    L: Any,
    probs: Any,
    X: Any = None,
    estimator: Any = None,
    n_folds: int = _N_FOLDS,
    seed: int | None = 0,
    method: str = "weak",
    only_covered: bool = True,
    pred_probs: Any = None,
    warn: bool = True,
    exclude: Any = None,
    refine: str = "auto",
    refined_pred_probs: Any = None,
) -> WeakLabelIssues:
    """Rank training rows whose label-model label is likely wrong, and flag the likely-wrong ones.

    Parameters
    ----------
    L : LabelMatrix, dense array or sparse matrix (n x m)
    probs : array (n, k)
        The label model's ``predict_proba(L)``; the weak label is its argmax.
    X : features of the same rows (array, sparse matrix, DataFrame), optional with ``pred_probs``
        One row per row of ``L``, in its order; when ``L`` has row ids, a DataFrame (and a ``probs`` /
        ``pred_probs`` DataFrame) indexed by the same ids in another order is aligned to them. The default
        estimator needs finite numbers (vectorize texts first); any estimator may take raw texts.
    estimator : scikit-learn classifier, optional
        The end model, cross-validated on the soft labels (natively for a
        :class:`~weaksup.train.SoftLabelClassifier`, else through ``fit_soft``). Defaults to
        ``LogisticRegression(max_iter=1000, class_weight="balanced", tol=1e-3)``.
    n_folds, seed : cross-validation settings.
    method : str
        ``"weak"`` (default): the two-view detector of the module docstring. Any method of
        :func:`find_label_issues` runs plain confident learning of the weak labels against the
        out-of-fold end model instead (what earlier versions did).
    only_covered : bool
        Judge only rows with at least one LF vote (rows with none carry only the prior).
    pred_probs : array (n, k), optional
        Precomputed out-of-sample end-model probabilities (e.g. an earlier result's
        ``pred_probs``; rows not judged may be NaN); skips the cross-validation.
    warn : bool
        Emit a :class:`~weaksup.errors.WeaksupWarning` with the explanation when nothing is flagged.
    exclude : boolean mask (n,), positions or row ids, optional
        Rows never to flag (e.g. hand-checked gold added to ``probs``); they still train the end model.
        Non-integer values (and a pandas Index) are read as row ids of ``L``, integers as positions.
    refine : {"auto", "naive_bayes", "none"}
        A second feature view for ``method="weak"``: the same estimator cross-validated (same folds) on the
        soft labels refined by naive Bayes inside each fold (:func:`~weaksup.train.naive_bayes_refine`, as
        :class:`~weaksup.train.SelfTrainingClassifier` does). Rows are then ranked with the geometric mean of
        the two views' probabilities, unless it agrees less often than the plain end model with the weak labels
        of the rows where two or more LFs voted and all voted the weak label (a gold-free check). The
        estimated error count stays the plain end model's disagreements. ``"auto"``: when ``X`` is a sparse
        non-negative matrix (counts, TF-IDF); ``"naive_bayes"``: also dense non-negative features;
        ``"none"``: the plain end model only (earlier versions). With ``pred_probs`` nothing is refitted: the
        refined view is ``refined_pred_probs`` when given.
    refined_pred_probs : array (n, k), optional
        With ``pred_probs``: precomputed probabilities of the refined view (an earlier result's
        ``refined_pred_probs``).

    Returns
    -------
    WeakLabelIssues
        A DataFrame with one row per flagged row, most likely wrong first, indexed by the row ids
        of ``L``: ``position`` (row number), ``weak_label``, ``weak_confidence`` (label model's
        probability of it), ``suggested_label`` (the most likely other class under the combined
        posterior),
        ``error_probability`` (``P(weak label wrong)``), ``label_quality`` (``1 -
        error_probability``), ``end_model_confidence`` (the end model's probability of the weak
        label), ``n_votes``, ``n_agree`` and ``n_conflict`` (LF votes for the weak label / for
        another class). Attributes ``explanation``, ``reason``, ``stats``, ``error_probability``,
        ``posterior`` and ``pred_probs`` cover every row (see :class:`WeakLabelIssues`).

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
    >>> issues["position"].tolist()[:2], issues.explanation  # the two wrong weak labels rank first
    ([50, 3], None)
    >>> issues["error_probability"].round(2).tolist()[:4]  # then borderline rows, far less likely wrong
    [0.79, 0.59, 0.34, 0.16]
    >>> st = issues.stats  # 4 of 80 rows disagree: 5 % noise, so flag while 10 % of the flagged are wrong
    >>> st["n_disagree"], st["target_precision"], len(issues), round(st["expected_precision"], 2)
    (4, 0.1, 18, 0.17)
    >>> st["n_recall_floor"]  # 30 % of the 4 estimated errors: the top 2 rows already hold them
    2
    """
    if refine not in _REFINE:
        raise ModelInputError(f"refine must be one of {_REFINE}, got {refine!r}")
    if method != "weak" and method not in METHODS:
        raise ModelInputError(f"method must be 'weak' or one of {METHODS}, got {method!r}")
    if not is_whole_number(n_folds, 2):  # checked before it is compared with the class counts ("3" was a bare error)
        raise ModelInputError(f"n_folds must be an integer >= 2, got {n_folds!r}")
    check_seed(seed)
    L = as_label_matrix(L)
    P = check_probs(in_row_order(class_ordered(probs, "probs"), L.index, strict=False), name="probs")
    n, k = L.n_rows, P.shape[1]
    if len(P) != n:
        raise ModelInputError(f"probs has {len(P)} rows but L has {n}")
    check_votes_fit(L, k)
    skip_all = _exclude_mask(exclude, L.index)  # checked before any model is fitted
    rows = np.flatnonzero(np.diff(L.csr.indptr) > 0) if only_covered else np.arange(n)
    if not len(rows):
        raise ModelInputError("no row has an LF vote; nothing to judge")
    weak = P[rows].argmax(axis=1)
    refined_cv = None
    counts = np.bincount(weak, minlength=k)
    stats: dict[str, Any] = {"n_judged": len(rows), "majority_share": float(counts.max() / len(rows))}
    if pred_probs is not None:
        full = as_float_matrix(in_row_order(class_ordered(pred_probs), L.index, strict=False), "pred_probs")
        if full.ndim != 2 or len(full) != n:
            raise ModelInputError(f"pred_probs has shape {full.shape}, expected ({n}, {k}): one row per row of L")
        cv = check_probs(full[rows], k, name="pred_probs (judged rows)")  # NaN rows elsewhere are fine
        if refined_pred_probs is not None and method == "weak" and refine != "none":
            full = as_float_matrix(in_row_order(class_ordered(refined_pred_probs, "refined_pred_probs"), L.index,
                                                strict=False), "refined_pred_probs")
            if full.shape != (n, k):
                raise ModelInputError(f"refined_pred_probs has shape {full.shape}, expected {(n, k)}")
            refined_cv = check_probs(full[rows], k, name="refined_pred_probs (judged rows)")
    else:
        if X is None:
            raise ModelInputError("give the features X of the rows (or precomputed pred_probs)")
        X = in_row_order(X, L.index, strict=False)
        check_n_rows(X, n)
        if (counts > 0).sum() < 2:
            c = int(counts.argmax())
            return _empty(L, k, rows, stats, "one_class", f"every one of the {len(rows)} judged rows has weak label "
                          f"{c}: a model trained on one class cannot disagree with it", warn)
        if (counts > 0).sum() < 2 or np.sort(counts)[-2] < n_folds:
            small = {int(c): int(counts[c]) for c in np.flatnonzero(counts < n_folds)}
            return _empty(L, k, rows, stats, "too_few_rows", f"too few rows per class to cross-validate with "
                          f"n_folds={n_folds}: weak-label counts {counts.tolist()} (classes below {n_folds}: "
                          f"{small}); label more rows, add LFs for the rare classes or lower n_folds", warn)
        Xr = take_rows(X, rows)
        if estimator is None:
            check_numeric_features(Xr, L.index[rows])
        est = _default_estimator() if estimator is None else estimator
        cv = cross_val_predict_proba(est, Xr, P[rows], n_folds=n_folds, seed=seed, cardinality=k)
        if method == "weak" and _refines(refine, Xr):
            refined_cv = cross_val_predict_proba(RefinedTargetsClassifier(est, random_state=seed), Xr, P[rows],
                                                 n_folds=n_folds, seed=seed, cardinality=k)
    if method == "weak" and refined_cv is not None:
        view, used = feature_view(weak, unanimous_rows(L.csr[rows], weak), cv, refined_cv)
        stats["refined_view"] = used
    else:
        view, stats["refined_view"] = cv, False
    r = np.arange(len(rows))
    skip = skip_all[rows]
    pred = cv.argmax(axis=1)
    disagree = (pred != weak) & ~skip
    stats["n_disagree"] = int(disagree.sum())
    stats["cv_agreement"] = float((pred == weak).mean())
    # agreement beyond chance (Cohen's kappa): near 0, the features predict nothing and a disagreement is noise
    chance = float(np.bincount(weak, minlength=k) @ np.bincount(pred, minlength=k)) / len(rows) ** 2
    stats["cv_kappa"] = (stats["cv_agreement"] - chance) / (1.0 - chance) if chance < 1 else 0.0
    if method == "weak" and stats["cv_kappa"] <= _MIN_KAPPA:
        stats["n_disagree"] = 0
        disagree[:] = False
    if method == "weak":
        q, a = combine_views(P[rows], view)
        # the estimated error count is the rows the end model disagrees with (all judged rows, excluded or not)
        n_est = int((pred != weak).sum())
        err = calibrate_error_probability(1.0 - q[r, weak], n_est)
        order = np.flatnonzero(~skip)[np.argsort(-err[~skip], kind="stable")]
        target = min(_MAX_PRECISION, 2.0 * n_est / len(rows))
        n_flag = _precision_prefix(err[order], target, n_est / len(rows)) if disagree.any() else 0
        # at least 30 % of the estimated errors, by the shortest prefix expected to hold them, within the count
        n_floor = _recall_floor(err[order], _MIN_RECALL * n_est, int(disagree.sum())) if disagree.any() else 0
        stats["target_precision"] = target
        stats["n_precision_prefix"] = n_flag
        stats["n_recall_floor"] = n_floor
        flagged = order[: max(n_flag, n_floor)]
        stats["expected_precision"] = float(err[flagged].mean()) if len(flagged) else float("nan")
    else:
        q, a = cv, float("nan")
        err = 1.0 - _scores(weak, cv, "normalized_margin")
        flagged = np.flatnonzero(find_label_issues(weak, cv, method=method) & ~skip)
        flagged = flagged[np.argsort(-err[flagged], kind="stable")]
    stats["vote_weight"] = a
    stats["estimated_error_rate"] = float(err.mean())
    stats["n_flagged"] = len(flagged)
    V = L.csr[rows[flagged]].toarray().astype(np.int64) - 1
    pos = rows[flagged]
    out = WeakLabelIssues(
        {
            "position": pos,
            "weak_label": weak[flagged],
            "weak_confidence": P[pos, weak[flagged]],
            "suggested_label": _best_other(q[flagged], weak[flagged]),
            "error_probability": err[flagged],
            "label_quality": 1.0 - err[flagged],
            "end_model_confidence": cv[flagged, weak[flagged]],
            "n_votes": (V >= 0).sum(axis=1),
            "n_agree": (V == weak[flagged][:, None]).sum(axis=1),
            "n_conflict": ((V >= 0) & (V != weak[flagged][:, None])).sum(axis=1),
        },
        index=L.index[pos],
    )
    _attach(out, n, k, rows, stats, err, q, cv, refined_cv)
    if not len(out):
        if stats["cv_kappa"] <= _MIN_KAPPA:
            reason, why = "features_too_weak", (
                f"the features look too weak: the cross-validated end model agrees with the weak labels on "
                f"{stats['cv_agreement']:.1%} of the {len(rows)} rows, no better than chance (Cohen's kappa "
                f"{stats['cv_kappa']:.3f} <= {_MIN_KAPPA}; the majority weak label covers "
                f"{stats['majority_share']:.1%}), so its disagreements are noise; give richer features or a "
                f"stronger estimator")
        elif skip.all():
            reason, why = "model_agrees", (f"every one of the {len(rows)} judged rows is excluded (exclude=...), so "
                                           f"none is left to flag")
        elif stats["n_disagree"] == 0:
            excluded = f", not counting {int(skip.sum())} excluded rows" if skip.any() else ""
            reason, why = "model_agrees", (
                f"the cross-validated end model agrees with the weak label on all {len(rows) - int(skip.sum())} judged "
                f"rows{excluded} (mean probability of the weak label {cv[r, weak].mean():.3f}); the LFs may be "
                f"right, or the features may encode the LFs themselves (e.g. their keywords), so the model cannot "
                f"disagree")
        else:
            reason, why = "model_agrees", (
                f"confident learning (method={method!r}) found no confident disagreement among the "
                f"{stats['n_disagree']} rows where the end model's argmax is not the weak label; "
                f"method='weak' ranks and flags those")
        out.reason, out.explanation = reason, f"no weak label flagged: {why}"
        if warn:
            warnings.warn(out.explanation, WeaksupWarning, stacklevel=2)
    return out


def _best_other(Q: np.ndarray, label: np.ndarray) -> np.ndarray:
    """The most likely class other than ``label`` (what a flagged row would be relabelled to)."""
    other = Q.copy()
    other[np.arange(len(label)), label] = -np.inf
    return other.argmax(axis=1)


def _refines(refine: str, X: Any) -> bool:
    """Whether to add the naive-Bayes-refined view: ``"auto"`` on sparse non-negative features; forced with
    ``"naive_bayes"``, whose features must then be non-negative numbers (dense too)."""
    import scipy.sparse as sp

    if refine == "none":
        return False
    if sp.issparse(X):
        data = sp.csr_matrix(X).data
        usable = bool(data.dtype.kind in "iufb" and np.isfinite(data).all() and (data >= 0).all())
    elif refine == "naive_bayes":
        try:
            values = np.asarray(X.detach().cpu().numpy() if hasattr(X, "detach") else X)
        except (TypeError, ValueError):
            values = np.asarray([], dtype=object)
        usable = bool(values.ndim == 2 and values.dtype.kind in "iufb" and np.isfinite(values).all()
                      and (values >= 0).all())
    else:
        return False
    if not usable and refine == "naive_bayes":
        raise ModelInputError("refine='naive_bayes' needs non-negative numeric features (counts, TF-IDF) in X, "
                              f"got {type(X).__name__}; vectorize texts first, or pass refine='none'")
    return usable


def _exclude_mask(exclude: Any, index: pd.Index) -> np.ndarray:
    mask = np.zeros(len(index), bool)
    mask[row_positions(exclude, index, "exclude")] = True
    return mask


def _attach(out: WeakLabelIssues, n: int, k: int, rows: np.ndarray, stats: dict, err: np.ndarray | None,
            q: np.ndarray | None, cv: np.ndarray | None, refined_cv: np.ndarray | None = None) -> None:
    out.stats = stats
    out.explanation = out.reason = None
    out.error_probability = np.full(n, np.nan)
    out.posterior = np.full((n, k), np.nan)
    out.pred_probs = np.full((n, k), np.nan)
    if err is not None:
        out.error_probability[rows] = err
        out.posterior[rows] = q
        out.pred_probs[rows] = cv
    out.refined_pred_probs = None
    if refined_cv is not None:
        out.refined_pred_probs = np.full((n, k), np.nan)
        out.refined_pred_probs[rows] = refined_cv
    out.attrs["pred_probs"] = out.pred_probs


def _empty(L: Any, k: int, rows: np.ndarray, stats: dict, reason: str, why: str, warn: bool) -> WeakLabelIssues:
    cols = ["position", "weak_label", "weak_confidence", "suggested_label", "error_probability", "label_quality",
            "end_model_confidence", "n_votes", "n_agree", "n_conflict"]
    out = WeakLabelIssues({c: np.array([], dtype=np.int64 if c.startswith(("n_", "pos", "weak_l", "sugg"))
                                       else np.float64) for c in cols}, index=L.index[:0])
    _attach(out, L.n_rows, k, rows, stats, None, None, None)
    out.reason, out.explanation = reason, f"no weak label flagged: {why}"
    if warn:
        warnings.warn(out.explanation, WeaksupWarning, stacklevel=3)
    return out


def lf_error_contributions(
    L: Any, issues: Any, probs: Any, pred_probs: Any = None, posterior: Any = None
) -> pd.DataFrame:
    """Rank LFs by how many of the flagged weak-label errors they caused.

    Counts over the flagged rows: ``n_votes_on_issues`` (rows it voted on), ``n_backed_error``
    (it voted the flagged weak label), ``n_voted_suggested`` (it voted the suggested label, i.e.
    it was probably right), ``share_of_errors`` (``n_backed_error`` / number flagged),
    ``error_rate_on_issues`` (``n_backed_error / n_votes_on_issues``) and ``frac_of_lf_votes``
    (``n_backed_error`` / all of the LF's votes).

    With a posterior (``issues`` from :func:`find_weak_label_issues` carries one, or pass
    ``posterior``) every row counts, weighted by how likely it is wrong: ``expected_errors``
    (sum of ``P(weak label wrong)`` over the rows where the LF voted the weak label: the result's
    calibrated ``error_probability``, or ``1 - posterior[weak]`` for a ``posterior`` passed alone),
    ``blame_rate`` (share of the LF's votes, outvoted ones included, that the combined posterior's
    argmax contradicts: an estimate of its error rate, 1 - accuracy) and ``estimated_accuracy``
    (mean posterior probability of the LF's own votes). Sorted by ``n_backed_error``, then
    ``blame_rate``: fix the LFs at the top first.

    Parameters
    ----------
    L : LabelMatrix, dense or sparse (n x m)
    issues : WeakLabelIssues (or DataFrame with ``position``), boolean mask (n,), positions or row ids
        Row ids (values of ``L.index``, e.g. ``issues.index``) are read as ids when they are not
        integers or come as a pandas Index.
    probs : array (n, k)
        The label model's probabilities (the weak label is their argmax).
    pred_probs : array (n, k), optional
        Gives the suggested label when ``issues`` has none; without it ``n_voted_suggested``
        counts votes for any other class.
    posterior : array (n, k), optional
        Combined posterior for the soft columns (default: ``issues.posterior``).

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
    P = check_probs(in_row_order(class_ordered(probs, "probs"), L.index, strict=False), name="probs")
    n = L.n_rows
    if len(P) != n:
        raise ModelInputError(f"probs has {len(P)} rows but L has {n}")
    check_votes_fit(L, P.shape[1])
    weak = P.argmax(axis=1)
    suggested, err_given = None, None
    if posterior is None and isinstance(issues, WeakLabelIssues):
        posterior = getattr(issues, "posterior", None)
        # the result's calibrated P(weak label wrong); 1 - posterior[weak] follows the views' confidence instead
        err_given = getattr(issues, "error_probability", None)
    if isinstance(issues, pd.DataFrame):
        if "position" not in issues:
            raise ModelInputError("issues DataFrame needs a 'position' column (from find_weak_label_issues)")
        pos = row_positions(issues["position"].to_numpy(), pd.RangeIndex(n), "issues")
        if "suggested_label" in issues:  # a class of probs (5 of 2 classes was silently no LF's vote)
            suggested = check_int_labels(issues["suggested_label"].to_numpy(), name="suggested_label",
                                         cardinality=P.shape[1], ids=issues.index)
    else:
        pos = row_positions(issues, L.index, "issues")
    if suggested is None and pred_probs is not None:
        pred_probs = as_float_matrix(in_row_order(class_ordered(pred_probs), L.index, strict=False), "pred_probs")
        suggested = np.nan_to_num(check_probs(np.nan_to_num(pred_probs, nan=1.0 / P.shape[1]), P.shape[1],
                                              name="pred_probs"))[pos].argmax(axis=1)
    V = L.csr[pos].toarray().astype(np.int64) - 1  # flagged rows only: small
    voted = V >= 0
    backed = V == weak[pos][:, None]
    right = V == suggested[:, None] if suggested is not None else voted & ~backed
    n_backed, n_votes = backed.sum(axis=0), voted.sum(axis=0)
    csc = L.csr.tocsc()
    total_votes = np.diff(csc.indptr)
    cols = {
        "n_votes_on_issues": n_votes,
        "n_backed_error": n_backed,
        "n_voted_suggested": right.sum(axis=0),
        "share_of_errors": n_backed / max(len(pos), 1),
        "error_rate_on_issues": n_backed / np.maximum(n_votes, 1),
        "frac_of_lf_votes": n_backed / np.maximum(total_votes, 1),
    }
    if posterior is not None:
        # a frame by L's row ids (in any order) and its columns by class id, as probs and pred_probs are read
        Q = as_float_matrix(in_row_order(class_ordered(posterior, "posterior"), L.index, strict=False), "posterior")
        if Q.shape != P.shape:
            raise ModelInputError(f"posterior has shape {Q.shape}, expected {P.shape}")
        judged = ~np.isnan(Q).any(axis=1)
        err = np.where(judged, 1.0 - np.nan_to_num(Q)[np.arange(n), weak], 0.0)
        if err_given is not None and np.shape(err_given) == (n,):
            err = np.where(judged, np.nan_to_num(np.asarray(err_given, dtype=np.float64)), 0.0)
        best = np.nan_to_num(Q).argmax(axis=1)
        expected, acc_sum, n_judged_votes = np.zeros(L.n_lfs), np.zeros(L.n_lfs), np.zeros(L.n_lfs)
        contradicted = np.zeros(L.n_lfs)
        for j in range(L.n_lfs):  # one pass over each LF's votes (CSC column)
            r = csc.indices[csc.indptr[j]: csc.indptr[j + 1]]
            v = csc.data[csc.indptr[j]: csc.indptr[j + 1]].astype(np.int64) - 1
            ok = judged[r]
            r, v = r[ok], v[ok]
            expected[j] = err[r][v == weak[r]].sum()
            acc_sum[j] = Q[r, v].sum()
            contradicted[j] = (v != best[r]).sum()
            n_judged_votes[j] = len(r)
        cols["expected_errors"] = expected
        cols["blame_rate"] = contradicted / np.maximum(n_judged_votes, 1)
        cols["estimated_accuracy"] = np.where(n_judged_votes > 0, acc_sum / np.maximum(n_judged_votes, 1), np.nan)
    table = pd.DataFrame(cols, index=pd.Index(L.lf_names, name="lf"))
    by = ["n_backed_error", "blame_rate" if posterior is not None else "frac_of_lf_votes"]
    return table.sort_values(by, ascending=False, kind="stable")
