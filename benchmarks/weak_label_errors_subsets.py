"""Wrong weak labels on label matrices not developed on: random LF subsets of the four WRENCH sets (issue 21).

``weak_label_errors.py`` measures the detector on each set's full LF list, which is what its defaults were
chosen on. This script draws other label matrices from the same data: per draw, 16 random subsets of each
set's LFs (30-70% of them, at least 3, as in ``lf_subsets.py``); matrices whose weak labels hold fewer than 20
errors are skipped. Draw 0 is where the gold-free check of the refined view was chosen (among three checks);
draw 1 was drawn afterwards to confirm it. For each matrix: the default label model's weak labels on the
covered train rows, TF-IDF features (word 1-2-grams, as in weak_label_errors.py) and three detectors:

* ``default``: ``find_weak_label_issues(L, probs, X)`` as a user calls it (the end model on the soft labels
  and, where the gold-free check lets it, the geometric mean with the end model on the naive-Bayes-refined
  soft labels; 10 folds, seed 0);
* ``end model only``: the same call's first view alone (``refine="none"``), the default before the refined view;
* ``both views, no check``: the geometric mean on every matrix (flagged by the same rule, the count from the
  first view), to show what the check buys.

Per detector: how many matrices meet issue 21's flagged-set target (recall >= 0.3 at precision >= min(0.9,
2 x the error rate)), mean precision at recall 0.3 of the ranking (and its difference to ``end model only``),
mean F1 and how often it beats cleanlab's ``find_label_issues`` given the same weak labels and the first view's
probabilities, and LF blame (Spearman between ``blame_rate`` and 1 - gold accuracy, matrices with >= 5 LFs firing).

    python benchmarks/weak_label_errors_subsets.py             # writes the weak_label_errors_subsets section
    python benchmarks/weak_label_errors_subsets.py --no-write  # print only
"""

from __future__ import annotations

import platform
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from _results import run_and_write  # benchmarks/_results.py (scripts run from benchmarks/)
from cleanlab.filter import find_label_issues as cl_find_label_issues
from scipy.stats import spearmanr
from sklearn.feature_extraction.text import TfidfVectorizer

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import weaksup as ws  # noqa: E402
from weaksup.datasets import load_wrench  # noqa: E402
from weaksup.quality import find_weak_label_issues, lf_error_contributions  # noqa: E402
from weaksup.quality._views import (  # noqa: E402
    _precision_prefix,
    _recall_floor,
    calibrate_error_probability,
    combine_views,
)
from weaksup.quality.weak_label_errors import _MIN_RECALL, _N_FOLDS  # noqa: E402

DATA = Path(__file__).resolve().parent / "data" / "wrench"
SETS = ("youtube", "trec", "sms", "hausa")
DRAWS = {0: "develop", 1: "confirm"}
N_SUBSETS = 16
SECTION = "weak_label_errors_subsets"
VARIANTS = ("default", "end model only", "both views, no check")


def prf(flag: np.ndarray, wrong: np.ndarray) -> tuple[float, float, float]:
    tp = int((flag & wrong).sum())
    p = tp / flag.sum() if flag.sum() else 0.0
    r = tp / wrong.sum()
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def precision_at_recall(order: np.ndarray, wrong: np.ndarray, recall: float = 0.3) -> float:
    tp = np.cumsum(wrong[order])
    i = int(np.searchsorted(tp, recall * wrong.sum()))
    return float(tp[i] / (i + 1))


def both_views_unchecked(P: np.ndarray, plain: np.ndarray, refined: np.ndarray, weak: np.ndarray) -> tuple:
    """The geometric mean of the two views on every matrix, flagged by the default's rule (count: ``plain``)."""
    g = np.sqrt(plain * refined)
    q, _ = combine_views(P, g / g.sum(axis=1, keepdims=True))
    n_est = int((plain.argmax(axis=1) != weak).sum())
    err = calibrate_error_probability(1.0 - q[np.arange(len(weak)), weak], n_est)
    order = np.argsort(-err, kind="stable")
    n_flag = max(_precision_prefix(err[order], min(0.9, 2 * n_est / len(weak)), n_est / len(weak)),
                 _recall_floor(err[order], _MIN_RECALL * n_est, n_est))
    flag = np.zeros(len(weak), bool)
    flag[order[:n_flag]] = True
    return err, flag, q


def run() -> list[dict]:
    rows: list[dict] = []
    for name in SETS:
        ds = load_wrench(DATA / name, splits=("train",))
        s, k = ds["train"], len(ds.class_names)
        D = s.L.to_dense()
        X_all = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True).fit_transform(
            s.data["text"].astype(str))
        for draw in DRAWS:
            m, rng = D.shape[1], np.random.default_rng(draw)
            for share in rng.uniform(0.3, 0.7, N_SUBSETS):
                cols = np.sort(rng.choice(m, max(3, int(m * share)), replace=False))
                L = ws.LabelMatrix.from_dense(D[:, cols], cardinality=k)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    P = ws.LabelModel(cardinality=k).fit(L).predict_proba(L)
                cov = np.flatnonzero(np.diff(L.csr.indptr) > 0)
                weak = P[cov].argmax(axis=1)
                y = s.y[cov]
                wrong = weak != y
                if wrong.sum() < 20 or np.sort(np.bincount(weak, minlength=k))[-2] < _N_FOLDS:
                    continue
                need = min(0.9, 2 * wrong.mean())
                dense = D[cov][:, cols]
                fires = (dense >= 0).any(axis=0)
                acc = np.array([(dense[dense[:, j] >= 0, j] == y[dense[:, j] >= 0]).mean() if fires[j] else np.nan
                                for j in range(len(cols))])
                res = find_weak_label_issues(L, P, X_all, seed=0, warn=False)
                plain = find_weak_label_issues(L, P, pred_probs=res.pred_probs, refine="none", warn=False)
                cv = res.pred_probs[cov]
                _, _, f1_cl = prf(cl_find_label_issues(weak, cv, n_jobs=1), wrong)
                err_u, flag_u, q_u = both_views_unchecked(P[cov], cv, res.refined_pred_probs[cov], weak)
                post_u = np.full((L.n_rows, k), np.nan)
                post_u[cov] = q_u
                for variant, err, flag, posterior in (
                        ("default", res.error_probability[cov], np.isin(cov, res["position"].to_numpy()), res.posterior),
                        ("end model only", plain.error_probability[cov], np.isin(cov, plain["position"].to_numpy()),
                         plain.posterior),
                        ("both views, no check", err_u, flag_u, post_u)):
                    p, r, f1 = prf(flag, wrong)
                    blame = lf_error_contributions(L, np.zeros(L.n_rows, bool), P, posterior=posterior)
                    rho = (float(spearmanr(blame.reindex(L.lf_names)["blame_rate"].to_numpy()[fires],
                                           1 - acc[fires])[0]) if fires.sum() >= 5 else np.nan)
                    rows.append(dict(set=name, draw=draw, variant=variant, lfs=len(cols), err_rate=float(wrong.mean()),
                                     met=bool(r >= 0.3 and p >= need), f1=f1, f1_cl=f1_cl, blame=rho,
                                     refined=bool(res.stats["refined_view"]),
                                     p_r30=precision_at_recall(np.argsort(-err, kind="stable"), wrong)))
        print(f"{name}: done", flush=True)
    return rows


def render(rows: list[dict], seconds: float) -> str:
    out = [f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {platform.machine()}, Python "
           f"{platform.python_version()}, {seconds:.0f} s. Random subsets of each WRENCH set's LFs (30-70%, 16 per set "
           "and draw; draw 0: where the gold-free check of the refined view was chosen, draw 1: drawn afterwards to "
           "confirm; matrices with fewer than 20 weak-label errors skipped), train split, TF-IDF, 10 folds, seed 0. "
           "`default`: `find_weak_label_issues(L, probs, X)`; `end model only`: `refine=\"none\"` (the default "
           "before the refined view); `both views, no check`: the geometric mean of the two views on every matrix. "
           "Target met: flagged-set recall >= 0.3 at precision >= min(0.9, 2 x error rate) (issue 21). P@R0.3: "
           "precision of the ranking at recall 0.3 (difference to `end model only`: mean / worst). F1 > cleanlab: "
           "matrices where the flagged set's F1 beats cleanlab's `find_label_issues` on the same weak labels and the "
           "end model's probabilities. Blame: Spearman(blame_rate, 1 - gold accuracy) over matrices with >= 5 LFs "
           "firing (mean / worst / matrices >= 0.5). Refined view used: matrices where the check let it rank.", "",
           "| draw | detector | set | matrices | refined view used | target met | P@R0.3 | vs end model only: "
           "mean / worst | F1 | F1 > cleanlab | blame |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    summary = []
    for draw, role in DRAWS.items():
        base_all = [r for r in rows if r["draw"] == draw and r["variant"] == "end model only"]
        for variant in VARIANTS:
            for name in (*SETS, None):
                sel = [r for r in rows if r["draw"] == draw and r["variant"] == variant
                       and (name is None or r["set"] == name)]
                ref = [r for r in base_all if name is None or r["set"] == name]
                d = np.array([a["p_r30"] - b["p_r30"] for a, b in zip(sel, ref, strict=True)])
                vs = "" if variant == "end model only" else f"{d.mean():+.3f} / {d.min():+.3f}"
                bl = np.array([r["blame"] for r in sel if not np.isnan(r["blame"])])
                blame = f"{bl.mean():.3f} / {bl.min():.3f} / {(bl >= 0.5).sum()} of {len(bl)}" if len(bl) else "n/a"
                out.append(f"| {draw} ({role}) | {variant} | {name or 'all'} | {len(sel)} | "
                           f"{sum(r['refined'] for r in sel)} | {sum(r['met'] for r in sel)} | "
                           f"{np.mean([r['p_r30'] for r in sel]):.3f} | {vs} | {np.mean([r['f1'] for r in sel]):.3f} | "
                           f"{sum(r['f1'] > r['f1_cl'] for r in sel)} | {blame} |")
                if name is None and variant != "end model only":
                    summary.append(f"draw {draw} ({role}), {variant}: target met on {sum(r['met'] for r in sel)} of "
                                   f"{len(sel)} (end model only {sum(r['met'] for r in base_all)}), P@R0.3 "
                                   f"{d.mean():+.3f} on average, worst {d.min():+.3f}, F1 > cleanlab on "
                                   f"{sum(r['f1'] > r['f1_cl'] for r in sel)} (end model only "
                                   f"{sum(r['f1'] > r['f1_cl'] for r in base_all)})")
    out.append("\n- " + ";\n- ".join(summary) + ".")
    return "\n".join(out)


def main() -> None:
    run_and_write(SECTION, "## Wrong weak labels on LF sets not developed on (`benchmarks/weak_label_errors_subsets.py`)",
                  __doc__, run, render)


if __name__ == "__main__":
    main()
