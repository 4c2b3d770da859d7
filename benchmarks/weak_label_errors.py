"""Benchmark: finding the wrong weak labels and the LFs behind them (issue 21), beside cleanlab.

Run:  python benchmarks/weak_label_errors.py [--quick] [--no-write]   (also: benchmarks/quality.py --only weak)
Writes the ``weak_label_errors`` section of benchmarks/RESULTS.md.

On every shared WRENCH train split (youtube, sms, trec, hausa): the weak label of a row with a vote is
the default label model's argmax (``ws.LabelModel(cardinality=k).fit(L)``, deterministic); it is wrong where it
differs from gold. Features: TF-IDF (1-2 grams, min_df 2, sublinear tf).

* ours: ``find_weak_label_issues(L, probs, X, seed=seed)`` with its defaults, as a user calls it: out-of-fold
  probabilities of the default end model (logistic regression with balanced classes and C=0.3, 10-fold
  cross-validated on the soft labels) and of the same model on the soft labels refined by naive Bayes inside
  each fold; rows ranked by the label model's posterior combined with the geometric mean of the two views
  (unless a gold-free check refuses the refined view), error probabilities calibrated to sum to the estimated
  error count (rows the first view disagrees with), flagged: the longest prefix whose expected precision stays
  >= min(0.9, 2 x the estimated error rate), and at least the shortest prefix expected to hold 30 % of the
  estimated errors (at most the estimated error count);
* "weaksup, end model only" is the same on the first view alone (``refine="none"``), the default before the
  refined view;
* "weaksup prev." is the default before this change, measured in the same run: logistic regression with C=1,
  5 folds, and at least as many rows flagged as the end model disagrees with (the rest of the rule the same);
* cleanlab: ``cleanlab.filter.find_label_issues(weak, cv)`` (its defaults; ``cv`` = our first view), ranked for
  top-k by ``cleanlab.rank.get_label_quality_scores`` (its default score);
* the row "weaksup before" is what ``find_weak_label_issues`` did before issue 21 (confident learning,
  ``method="prune_by_noise_rate"``) on the same inputs.

LF blame: Spearman correlation, over the LFs that fire, between ``lf_error_contributions``'s
``blame_rate`` (and, for comparison, the flag-count rate ``frac_of_lf_votes``) and 1 - the LF's gold
accuracy on the train split. Nothing is tuned per set; the detector was developed on youtube and trec
and confirmed on sms and hausa. The refined view and its check were added after all four full sets had been
looked at, chosen on draw 0 of weak_label_errors_subsets.py's LF-subset matrices and confirmed on its draw 1.

Levers tried for trec's target, measured beside the default and not adopted (see the section's levers table):
(b) the logistic regression's out-of-fold probabilities averaged with a multinomial naive Bayes's; (a) error
probabilities whose log-odds slope is fitted to the end model's disagreement (a gold-free noisy target).

Diagnostic, not a method: ``ceiling`` is the precision at recall 0.3 of a gradient-boosted classifier fitted on
gold (5-fold cross-validated) to predict "weak label wrong" from the same inputs the detector sees (the label
model's posterior, the out-of-fold probabilities, the weak label, the LF votes): a reference for how well a
combination of these inputs can rank (not a strict bound: with few errors it overfits).
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import cleanlab  # noqa: E402
from _results import write_section  # noqa: E402
from cleanlab.filter import find_label_issues as cl_find_label_issues  # noqa: E402
from cleanlab.rank import get_label_quality_scores  # noqa: E402
from scipy.stats import spearmanr  # noqa: E402

import weaksup as ws  # noqa: E402
from weaksup.datasets import load_wrench  # noqa: E402
from weaksup.quality import cross_val_predict_proba, find_weak_label_issues, lf_error_contributions  # noqa: E402
from weaksup.quality._views import _precision_prefix, _recall_floor, calibrate_error_probability  # noqa: E402
from weaksup.quality.weak_label_errors import _N_FOLDS  # noqa: E402

DATA = ROOT / "benchmarks" / "data" / "wrench"
SETS = [("youtube", "develop"), ("trec", "develop"), ("sms", "confirm"), ("hausa", "confirm")]


def prf(flag: np.ndarray, wrong: np.ndarray) -> tuple[float, float, float]:
    tp = int((flag & wrong).sum())
    p = tp / flag.sum() if flag.sum() else float("nan")
    r = tp / wrong.sum() if wrong.sum() else float("nan")
    f1 = 2 * p * r / (p + r) if flag.sum() and (p + r) > 0 else 0.0
    return p, r, f1


def precision_at(order: np.ndarray, wrong: np.ndarray, top: int) -> float:
    return float(wrong[order[:top]].mean())


def precision_at_recall(order: np.ndarray, wrong: np.ndarray, recall: float = 0.3) -> float:
    tp = np.cumsum(wrong[order])
    i = int(np.searchsorted(tp, recall * wrong.sum()))
    return float(tp[i] / (i + 1))


def ceiling(P: np.ndarray, cv: np.ndarray, weak: np.ndarray, dense: np.ndarray, wrong: np.ndarray, seed: int) -> float:
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from threadpoolctl import threadpool_limits

    r = np.arange(len(weak))
    F = np.c_[P, cv, np.eye(P.shape[1])[weak], dense, cv[r, weak], P[r, weak]]
    folds = StratifiedKFold(5, shuffle=True, random_state=seed)
    with threadpool_limits(1):  # OpenMP threads on a shared machine made this 50x slower
        s = cross_val_predict(HistGradientBoostingClassifier(max_iter=200, random_state=seed), F, wrong, cv=folds,
                              method="predict_proba")[:, 1]
    return precision_at_recall(np.argsort(-s, kind="stable"), wrong)


def slope_calibrated(score: np.ndarray, disagree: np.ndarray) -> np.ndarray:
    """Diagnostic, not the default: the log-odds of ``score`` rescaled by the slope of a logistic regression
    of the end model's disagreement on them (a gold-free noisy target), then shifted to sum to the count."""
    from scipy.optimize import minimize
    from scipy.special import expit, log_expit, logit

    ls = logit(np.clip(score, 1e-6, 1 - 1e-6))
    z = (ls - ls.mean()) / ls.std()
    t = disagree.astype(float)
    w = minimize(lambda w: -(t * log_expit(w[0] * z + w[1]) + (1 - t) * log_expit(-w[0] * z - w[1])).mean(),
                 np.array([1.0, 0.0])).x
    return calibrate_error_probability(expit(ls * max(w[0] / ls.std(), 1e-3)), disagree.sum())


def levers(L, P: np.ndarray, X, cov: np.ndarray, cv: np.ndarray, q: np.ndarray, wrong: np.ndarray,
           seed: int) -> dict:
    """The two levers tried for trec (issue 21 follow-up), measured beside the default; neither is the default."""
    from sklearn.naive_bayes import MultinomialNB

    k, weak, r = P.shape[1], P[cov].argmax(1), np.arange(len(cov))
    nb = cross_val_predict_proba(MultinomialNB(), X[cov], P[cov], n_folds=_N_FOLDS, seed=seed, cardinality=k)
    full = np.full((L.n_rows, k), 1.0 / k)
    full[cov] = (cv + nb) / 2
    ens = find_weak_label_issues(L, P, pred_probs=full, warn=False)
    order = np.argsort(-(1 - ens.posterior[cov][r, weak]), kind="stable")
    score = 1 - q[r, weak]  # the default's combined posterior (logistic regression alone)
    disagree = cv.argmax(1) != weak
    err = slope_calibrated(score, disagree)
    o = np.argsort(-score, kind="stable")
    target = min(0.9, 2 * disagree.mean())
    n = max(_precision_prefix(err[o], target, disagree.mean()), _recall_floor(err[o], 0.3 * disagree.sum(),
                                                                                int(disagree.sum())))
    flag = np.zeros(len(cov), bool)
    flag[o[:n]] = True
    p, rec, _ = prf(flag, wrong)
    return dict(nb_p_at_r30=precision_at_recall(order, wrong), nb_p_top50=precision_at(order, wrong, 50),
                slope_n=n, slope_p=p, slope_r=rec, slope_expected=float(err[o[:n]].mean()))


def previous_default(L, P: np.ndarray, X, cov: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The default before the recall floor and the C=0.3 / 10-fold end model: C=1, 5 folds, at least as many
    rows flagged as the end model disagrees with. Returns (error probabilities, flagged mask) on the rows in cov."""
    from sklearn.linear_model import LogisticRegression

    k = P.shape[1]
    est = LogisticRegression(max_iter=1000, class_weight="balanced", tol=1e-3)
    cv = cross_val_predict_proba(est, X[cov], P[cov], n_folds=5, seed=seed, cardinality=k)
    full = np.full((L.n_rows, k), 1.0 / k)
    full[cov] = cv
    res = find_weak_label_issues(L, P, pred_probs=full, warn=False)
    err = res.error_probability[cov]
    flag = np.zeros(len(cov), bool)
    flag[np.argsort(-err, kind="stable")[: max(res.stats["n_precision_prefix"], res.stats["n_disagree"])]] = True
    return err, flag, res


def run_set(name: str, seeds: list[int]) -> tuple[list[dict], list[dict], float]:
    t0 = time.perf_counter()
    ds = load_wrench(DATA / name, splits=("train",))
    s, k = ds["train"], len(ds.class_names)
    L, y = s.L, s.y
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        P = ws.LabelModel(cardinality=k).fit(L).predict_proba(L)
    cov = np.flatnonzero(np.diff(L.csr.indptr) > 0)
    X = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True).fit_transform(s.data["text"].astype(str))
    weak = P[cov].argmax(axis=1)
    wrong = weak != y[cov]
    dense = L.csr[cov].toarray().astype(np.int64) - 1
    fires = (dense >= 0).any(axis=0)
    acc = np.array([(dense[dense[:, j] >= 0, j] == y[cov][dense[:, j] >= 0]).mean() if fires[j] else np.nan
                    for j in range(L.n_lfs)])
    det, blame = [], []
    for seed in seeds:
        t = time.perf_counter()
        fitted = find_weak_label_issues(L, P, X, seed=seed, warn=False)  # the default, as a user calls it
        t_cv = time.perf_counter() - t
        cv = fitted.pred_probs[cov]  # the end model on the soft labels: what cleanlab and the other rows get
        full = np.full((L.n_rows, k), 1.0 / k)
        full[cov] = cv
        pos_in_cov = np.full(L.n_rows, -1)
        pos_in_cov[cov] = np.arange(len(cov))
        t = time.perf_counter()
        ours = find_weak_label_issues(L, P, pred_probs=fitted.pred_probs, refined_pred_probs=fitted.refined_pred_probs,
                                      warn=False)
        t_ours = time.perf_counter() - t
        assert np.array_equal(ours["position"].to_numpy(), fitted["position"].to_numpy())
        before = find_weak_label_issues(L, P, pred_probs=full, method="prune_by_noise_rate", warn=False)
        plain = find_weak_label_issues(L, P, pred_probs=full, refine="none", warn=False)  # the end model alone
        prev, prev_flag, prev_res = previous_default(L, P, X, cov, seed)
        t = time.perf_counter()
        cl_mask = cl_find_label_issues(weak, cv, n_jobs=1)
        t_cl = time.perf_counter() - t
        err = ours.error_probability[cov]
        tried = levers(L, P, X, cov, cv, ours.posterior[cov], wrong, seed)
        top_ceiling = ceiling(P[cov], cv, weak, dense, wrong, seed)
        est = dict(refined_view=float(ours.stats["refined_view"]), est_rate=ours.stats["estimated_error_rate"], target_p=ours.stats["target_precision"],
                   expected_p=ours.stats["expected_precision"], mean_err_top50=float(np.sort(err)[::-1][:50].mean()))
        ranks = {"weaksup": np.argsort(-err, kind="stable"),
                 "cleanlab": np.argsort(get_label_quality_scores(weak, cv), kind="stable"),
                 "weaksup before": np.argsort(-before.error_probability[cov], kind="stable"),
                 "weaksup, end model only": np.argsort(-plain.error_probability[cov], kind="stable"),
                 "weaksup prev.": np.argsort(-prev, kind="stable")}
        flags = {"weaksup": np.isin(np.arange(len(cov)), pos_in_cov[ours["position"].to_numpy()]),
                 "cleanlab": cl_mask,
                 "weaksup before": np.isin(np.arange(len(cov)), pos_in_cov[before["position"].to_numpy()]),
                 "weaksup, end model only": np.isin(np.arange(len(cov)), pos_in_cov[plain["position"].to_numpy()]),
                 "weaksup prev.": prev_flag}
        for method, flag in flags.items():
            p, r, f1 = prf(flag, wrong)
            order = ranks[method]
            det.append(dict(dataset=name, role=dict(SETS)[name], seed=seed, method=method, n=len(cov),
                            n_wrong=int(wrong.sum()), err_rate=float(wrong.mean()), n_flagged=int(flag.sum()),
                            precision=p, recall=r, f1=f1, p_top50=precision_at(order, wrong, 50),
                            p_top200=precision_at(order, wrong, 200),
                            p_at_r30=precision_at_recall(order, wrong),
                            **(dict(est, ceiling=top_ceiling, **tried) if method == "weaksup" else {}),
                            seconds={"weaksup": t_ours, "cleanlab": t_cl}.get(method, float("nan")), cv_seconds=t_cv))
        table = lf_error_contributions(L, ours, P).reindex(L.lf_names)
        table_prev = lf_error_contributions(L, prev_res, P).reindex(L.lf_names)
        table_plain = lf_error_contributions(L, plain, P).reindex(L.lf_names)
        m = fires
        blame.append(dict(dataset=name, seed=seed, n_lfs_firing=int(m.sum()),
                          spearman_blame_rate=float(spearmanr(table["blame_rate"].to_numpy()[m], 1 - acc[m])[0]),
                          spearman_frac_flagged=float(spearmanr(table["frac_of_lf_votes"].to_numpy()[m],
                                                                1 - acc[m])[0]),
                          spearman_blame_prev=float(spearmanr(table_prev["blame_rate"].to_numpy()[m], 1 - acc[m])[0]),
                          spearman_blame_plain=float(spearmanr(table_plain["blame_rate"].to_numpy()[m],
                                                               1 - acc[m])[0])))
    return det, blame, time.perf_counter() - t0


def fmt(v: float, d: int = 3) -> str:
    return "—" if v != v else f"{v:.{d}f}"


HELD_OUT = (" Held out (measured once, outside this script: 63 label matrices from random subsets of the four sets' LFs, drawn as in lf_subsets.py, seed 0): the flagged-set target (recall >= 0.3 at the needed precision) met on 22 -> 24 matrices (the flag rule alone 22, the end model alone 23), F1 above cleanlab's on 63 of 63 before and after; mean F1 0.435 -> 0.405 (smaller flagged sets), mean P@R0.3 0.635 -> 0.629: the end-model change lowers the ranking on the trec, sms and hausa subsets (-0.015, -0.017, -0.007; youtube +0.019; worst single matrix -0.50, an sms subset with few errors), so C=0.3 with 10 folds partly fits the full trec matrix. trec's margin was thin (three more seeds gave P 0.845, 0.845 and 0.840 against the 0.839 needed) and is gone since the label model fits near-copies of an LF as one (2026-12-02: trec's duplicated LFs; 2017 weak-label errors instead of 2009, so 0.842 needed): the flagged set's precision is below it on a seed (mean in the targets below). The held-out matrices are now a script of their own, `weak_label_errors_subsets.py`, with its own section.")


def default_vs_prev(det: pd.DataFrame) -> str:
    """The paragraph on what changed against the previous default, with this run's numbers."""
    g = det.groupby(["dataset", "method"], sort=False).mean(numeric_only=True)
    cells = [f"{name} {g.loc[(name, 'weaksup prev.'), 'n_flagged']:.0f} -> {g.loc[(name, 'weaksup, end model only'), 'n_flagged']:.0f} "
             f"rows, P {g.loc[(name, 'weaksup prev.'), 'precision']:.3f} -> {g.loc[(name, 'weaksup, end model only'), 'precision']:.3f}, "
             f"R {g.loc[(name, 'weaksup prev.'), 'recall']:.3f} -> {g.loc[(name, 'weaksup, end model only'), 'recall']:.3f}, "
             f"F1 {g.loc[(name, 'weaksup prev.'), 'f1']:.3f} -> {g.loc[(name, 'weaksup, end model only'), 'f1']:.3f}, P@R0.3 "
             f"{g.loc[(name, 'weaksup prev.'), 'p_at_r30']:.3f} -> {g.loc[(name, 'weaksup, end model only'), 'p_at_r30']:.3f}"
             for name, _ in SETS]
    return ("\n### The default against the previous one (`weaksup prev.` -> `weaksup, end model only`)\n\n"
            "Two changes. (1) The flag count: the previous rule flagged at least as many rows as the end model "
            "disagrees with, so on a very noisy set the flagged set's precision was about its recall. Now the "
            "floor is the shortest prefix of the ranking whose error probabilities sum to 30 % of the estimated "
            "error count (the most precise set expected to hold that share of the errors), at most that count; "
            "the precision rule (expected precision >= min(0.9, 2 x estimated rate)) is unchanged and decides on "
            "the sets with few errors. (2) The end model: logistic regression with C=0.3 instead of sklearn's "
            "C=1 and 10 folds instead of 5 (picked on youtube and trec from eight settings of C, 0.1 to 10, and "
            "5 or 10 folds; confirmed on sms and hausa). The previous end model's ranking (P@R0.3 of `weaksup prev.`) "
            "stays below trec's need at recall 0.3 on average, so no flag count alone could meet trec's target on "
            "every seed; the end model lifts the ranking. On trec "
            "the flagged set is smaller, so its F1 falls (still far above cleanlab's), and its expected precision "
            "stays conservative (`expected_p` vs `precision` above). Per set, mean over seeds: "
            + "; ".join(cells) + "." + HELD_OUT)



def refined_vs_plain(det: pd.DataFrame, blame: pd.DataFrame) -> str:
    """The paragraph on the refined view (`weaksup, end model only` -> `weaksup`), with this run's numbers."""
    g = det.groupby(["dataset", "method"], sort=False).mean(numeric_only=True)
    b = blame.groupby("dataset", sort=False).mean(numeric_only=True)
    a, o = "weaksup, end model only", "weaksup"
    cells = [f"{name} P {g.loc[(name, a), 'precision']:.3f} -> {g.loc[(name, o), 'precision']:.3f}, "
             f"R {g.loc[(name, a), 'recall']:.3f} -> {g.loc[(name, o), 'recall']:.3f}, "
             f"F1 {g.loc[(name, a), 'f1']:.3f} -> {g.loc[(name, o), 'f1']:.3f}, "
             f"P@R0.3 {g.loc[(name, a), 'p_at_r30']:.3f} -> {g.loc[(name, o), 'p_at_r30']:.3f}, "
             f"p_top50 {g.loc[(name, a), 'p_top50']:.3f} -> {g.loc[(name, o), 'p_top50']:.3f}, "
             f"blame {b.loc[name, 'spearman_blame_plain']:.3f} -> {b.loc[name, 'spearman_blame_rate']:.3f} "
             f"(refined view used on {g.loc[(name, o), 'refined_view'] * 100:.0f} % of seeds)" for name, _ in SETS]
    return ("\n### The refined view (`weaksup, end model only` -> `weaksup`, 2026-12-06)\n\n"
            "On sparse non-negative features the default now cross-validates the same end model twice: on the "
            "soft labels and on the soft labels refined by naive Bayes inside each fold (`naive_bayes_refine`, the "
            "self-training default's first step, fitted on the training folds only). Rows are ranked with the "
            "geometric mean of the two views unless it agrees less often than the end model alone with the weak "
            "labels of the rows where two or more LFs voted, all for the weak label (a gold-free check); the "
            "estimated error count stays the first view's. Chosen on draw 0 of `weak_label_errors_subsets.py` "
            "(three checks compared there) and confirmed on its draw 1 (that section). Per set, mean over seeds: "
            + "; ".join(cells) + ".")


def render(det: pd.DataFrame, blame: pd.DataFrame, seeds: list[int], wall: float, quick: bool) -> str:
    out = [f"Run: `python benchmarks/weak_label_errors.py{' --quick' if quick else ''}` on {platform.machine()} "
           f"(Python {platform.python_version()}), weaksup vs cleanlab {cleanlab.__version__}, seeds {seeds} "
           f"(the cross-validation folds), {wall:.0f} s wall in all. All numbers measured in this run.\n",
           "Weak label = the default label model's argmax on rows with a vote; an error = it differs from gold. "
           "Both detectors get the same weak labels. `weaksup` is `find_weak_label_issues(L, probs, X)` with its "
           "defaults: out-of-fold probabilities of logistic regression (balanced classes, C=0.3, 10-fold on the soft "
           "labels, TF-IDF) and, as a second view, of the same model on the soft labels refined by naive Bayes inside "
           "each fold; rows ranked with the geometric mean of the two unless a gold-free check refuses it (the mean "
           "view agrees less than the end model with the weak labels of rows where >= 2 LFs voted, all the weak "
           "label). cleanlab, `weaksup before` and `weaksup, end model only` (the default before the refined view: "
           "`refine=\"none\"`) get the first view's probabilities. `weaksup prev.` = the default before the "
           "recall floor (C=1, 5 folds, at least as many rows flagged as the end model disagrees with), measured on "
           "its own out-of-fold probabilities in this run. `weaksup before` = the pre-issue-21 default "
           "(confident learning on the weak labels). P@R0.3 = precision of the ranking at recall 0.3. Mean over "
           "seeds. Developed on youtube and trec; sms and hausa were held out to confirm.\n"]
    g = det.groupby(["dataset", "role", "method"], sort=False).mean(numeric_only=True).reset_index()
    cols = ["dataset", "role", "method", "n", "n_wrong", "err_rate", "n_flagged", "precision", "recall", "f1",
            "p_top50", "p_top200", "p_at_r30"]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for _, r in g[cols].iterrows():
        lines.append("| " + " | ".join(fmt(r[c], 0) if c in ("n", "n_wrong", "n_flagged") else
                                       fmt(r[c]) if isinstance(r[c], float) else str(r[c]) for c in cols) + " |")
    out.append("\n".join(lines))
    out.append("\n### What the detector estimated without gold (weaksup rows)\n")
    out.append("`refined_view`: share of seeds where the gold-free check let the naive-Bayes-refined view rank; "
               "`est_rate`: estimated weak-label error rate (share of rows the out-of-fold end model disagrees with; "
               "true rate: `err_rate`); `target_p` = min(0.9, 2 x est_rate), the precision the flagged set aims at; "
               "`expected_p`: mean error probability of the flagged rows (measured: `precision`); `err_top50`: mean "
               "error probability of the top 50 (measured: `p_top50`); `ceiling`: P@R0.3 of a ranker fitted on gold "
               "(5-fold) to the same inputs: a reference for how far these inputs can go, not a method and not a strict "
               "bound (with few errors, as on sms, it overfits).\n")
    w = g[g.method == "weaksup"]
    c2 = ["dataset", "refined_view", "err_rate", "est_rate", "target_p", "n_flagged", "expected_p", "precision", "mean_err_top50",
          "p_top50", "p_at_r30", "ceiling"]
    lines = ["| " + " | ".join(c2).replace("mean_err_top50", "err_top50") + " |", "|" + "---|" * len(c2)]
    for _, r in w[c2].iterrows():
        lines.append("| " + " | ".join(fmt(r[c], 0) if c == "n_flagged" else fmt(r[c]) if isinstance(r[c], float)
                                       else str(r[c]) for c in c2) + " |")
    out.append("\n".join(lines))
    short = [f"{r.dataset} ({r.ceiling:.3f} < {min(0.9, 2 * r.err_rate):.2f})" for _, r in w.iterrows()
             if r.ceiling < min(0.9, 2 * r.err_rate)]
    if short:
        out.append("\nEven the gold-fitted ranker stays below the precision needed at recall 0.3 on "
                   + ", ".join(short) + ": there the target needs better inputs (features, end model, LFs), not only "
                   "a better combination of these.")
    out.append("\n### Levers tried for trec, measured here, neither the default\n")
    out.append("(b) a second end model: the out-of-fold probabilities of the logistic regression averaged with a "
               "multinomial naive Bayes's (sklearn defaults, same folds) before combining with the label model: "
               "`nb P@R0.3`, `nb p_top50` (default: `p_at_r30`, `p_top50` above). (a) a calibration with a slope: "
               "the default's score, its log-odds rescaled by the slope of a logistic regression of the end "
               "model's disagreement with the weak label on them (a gold-free noisy target), shifted to the same "
               "count, flagged by the same rule: `slope n / P / R`, and `slope exp_p` its expected precision.\n")
    c3 = ["dataset", "need", "p_at_r30", "nb_p_at_r30", "p_top50", "nb_p_top50", "n_flagged", "precision", "recall",
          "slope_n", "slope_p", "slope_r", "slope_expected"]
    w = w.assign(need=np.minimum(0.9, 2 * w.err_rate))
    lines = ["| " + " | ".join(c3).replace("slope_expected", "slope exp_p").replace("_p_at_r30", " P@R0.3")
             .replace("nb_p_top50", "nb p_top50").replace("slope_", "slope ") + " |", "|" + "---|" * len(c3)]
    for _, r in w[c3].iterrows():
        lines.append("| " + " | ".join(fmt(r[c], 0) if c in ("n_flagged", "slope_n") else fmt(r[c])
                                       if isinstance(r[c], float) else str(r[c]) for c in c3) + " |")
    out.append("\n".join(lines))
    yt, tr, ha = (w.set_index("dataset").loc[name] for name in ("youtube", "trec", "hausa"))
    out.append(f"\nNot adopted. (b) costs youtube, a develop set, much of its precision at recall 0.3 "
               f"({yt.nb_p_at_r30:.3f} vs {yt.p_at_r30:.3f}) for a small lift elsewhere (trec "
               f"{tr.nb_p_at_r30:.3f} vs {tr.p_at_r30:.3f}, hausa {ha.nb_p_at_r30:.3f} vs {ha.p_at_r30:.3f}); "
               "the worst case decides a default. (a): where the "
               "disagreement is almost a function of the score (the score already holds the end model) its expected "
               "precision is far above the measured one (compare `slope exp_p` with `slope p`; on trec "
               f"{tr.slope_expected:.3f} vs {tr.slope_p:.3f}), so its precision rule flags far more rows than the "
               "default: the noisy target is not independent of what it calibrates.")
    out.append(refined_vs_plain(det, blame))
    out.append(default_vs_prev(det))
    b = blame.groupby("dataset", sort=False).mean(numeric_only=True).reset_index()
    out.append("\n### LF blame: Spearman(blame, 1 - gold accuracy) over the LFs that fire\n")
    out.append("| dataset | LFs firing | `blame_rate` (share of its votes the combined posterior contradicts) | "
               "`frac_of_lf_votes` (flagged errors it backed / its votes) | `blame_rate`, end model only | "
               "`blame_rate`, weaksup prev. |\n|---|---|---|---|---|---|")
    for _, r in b.iterrows():
        out.append(f"| {r.dataset} | {r.n_lfs_firing:.0f} | {fmt(r.spearman_blame_rate)} | "
                   f"{fmt(r.spearman_frac_flagged)} | {fmt(r.spearman_blame_plain)} | {fmt(r.spearman_blame_prev)} |")
    out.append("\n### Targets\n")
    ws_rows = det[det.method == "weaksup"]
    for name, _ in SETS:
        d = ws_rows[ws_rows.dataset == name]
        c = det[(det.dataset == name) & (det.method == "cleanlab")]
        need = min(0.9, 2 * float(d.err_rate.iloc[0]))
        ok_flag = bool(((d.recall >= 0.3) & (d.precision >= need)).all())
        ok_curve = bool((d.p_at_r30 >= need).all())
        ok_f1 = bool((d.f1.to_numpy() > c.f1.to_numpy()).all())
        bl = blame[blame.dataset == name]
        ok_blame = bool((bl.spearman_blame_rate >= 0.5).all()) if bl.n_lfs_firing.iloc[0] >= 5 else None
        out.append(
            f"- {name}: precision needed {need:.2f}. Flagged set recall >= 0.3 at that precision: "
            f"**{'met' if ok_flag else 'NOT met'}** (P {d.precision.mean():.3f}, R {d.recall.mean():.3f}; by seed P "
            f"{' / '.join(f'{v:.3f}' for v in d.precision)}, R {' / '.join(f'{v:.3f}' for v in d.recall)}); "
            f"ranking precision at recall 0.3: **{'met' if ok_curve else 'NOT met'}** ({d.p_at_r30.mean():.3f}); "
            f"F1 above cleanlab's on every seed: **{'met' if ok_f1 else 'NOT met'}** ({d.f1.mean():.3f} vs "
            f"{c.f1.mean():.3f}); LF blame Spearman >= 0.5 on every seed: "
            + ("n/a (< 5 LFs fire)" if ok_blame is None else
               f"**{'met' if ok_blame else 'NOT met'}** ({bl.spearman_blame_rate.mean():.3f}; by seed "
               f"{' / '.join(f'{v:.3f}' for v in bl.spearman_blame_rate)})") + ".")
    t = det[det.method.isin(["weaksup", "cleanlab"])].groupby("method").seconds.mean()
    out.append(f"\nDetection time given the probabilities (mean per set and seed): weaksup {t['weaksup']:.3f} s, "
               f"cleanlab {t['cleanlab']:.3f} s; weaksup's cross-validation (both views; cleanlab is given the first) took "
               f"{det.cv_seconds.mean():.1f} s. Runtime target (< 8 min for the whole benchmark): "
               f"**{'met' if wall < 480 else 'NOT met'}** ({wall:.0f} s).\n")
    return "\n".join(out) + "\n"


def main(quick: bool = False, write: bool = True) -> str:
    seeds = [0] if quick else [0, 1, 2]
    t0 = time.perf_counter()
    det, blame = [], []
    for name, _ in SETS:
        d, b, sec = run_set(name, seeds)
        det += d
        blame += b
        print(f"  weak-label errors {name} done ({sec:.0f} s)", flush=True)
    text = render(pd.DataFrame(det), pd.DataFrame(blame), seeds, time.perf_counter() - t0, quick)
    print(text)
    if write:
        write_section("weak_label_errors", "## weak_label_errors\n\n" + text)
    return text


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="one seed")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    main(quick=args.quick, write=not args.no_write)
