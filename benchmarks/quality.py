"""Benchmark weaksup.quality: label-error detection vs cleanlab, CleanTrainer vs plain training, active learning.

Run:  python benchmarks/quality.py [--quick] [--only al|weak]   (--only al reruns just the active-learning part)
Writes the ``quality`` section of benchmarks/RESULTS.md; ``--only weak`` runs only part 4 and writes
its own ``weak_label_errors`` section (the code is in ``benchmarks/weak_label_errors.py``).

1. Label-error detection with known injected noise. Datasets: a synthetic 4-class Gaussian
   problem and the WRENCH youtube / sms / trec *test* splits (gold labels), plus the larger
   *train* splits. Noise: 5 / 10 / 20 % of labels flipped, symmetric (to a uniformly drawn
   other class) or class-conditional (each class c flips to class c+1 mod k, at per-class
   rates drawn around the target rate). ``pred_probs`` = 5-fold cross-validated logistic
   regression on TF-IDF of the text (on the features for synthetic). Every method of
   ``weaksup.quality.find_label_issues`` runs against ``cleanlab.filter.find_label_issues``
   with the matching ``filter_by`` on the same ``pred_probs``; we report precision / recall of
   the flagged set against the truly flipped rows, the Jaccard overlap of the two flagged sets,
   and the timing ratio (median of repeated calls).
2. CleanTrainer vs plain training: logistic regression on the noisy train-split labels, test
   accuracy on the clean test split (synthetic: a held-out clean half).
3. Active learning on youtube and trec: logistic regression on TF-IDF, refitted after each small
   acquisition batch, in two settings: ``hand`` (trained on the hand labels only) and
   ``weak+hand`` (majority-vote weak labels of the LF-covered train rows, hand labels replacing
   them); every strategy starts from the same 10 random labels per seed; test accuracy at
   10..300 labels, averaged over seeds.
4. Weak-label errors (issue 21): on every WRENCH train split, the default label model's weak labels
   against gold; our default detector vs cleanlab's ``find_label_issues`` on the same weak labels
   and the same cross-validated probabilities; LF blame against each LF's gold accuracy.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import cleanlab  # noqa: E402
from _results import write_section  # noqa: E402
from cleanlab.filter import find_label_issues as cl_find_label_issues  # noqa: E402

from weaksup.datasets import load_wrench  # noqa: E402
from weaksup.models import MajorityVoter  # noqa: E402
from weaksup.quality import (  # noqa: E402
    CleanTrainer,
    cross_val_predict_proba,
    find_label_issues,
    suggest_labels,
)
from weaksup.quality.cross_val import proba_in_class_order  # noqa: E402

# (row label, weaksup kwargs, cleanlab filter_by): every method against its cleanlab counterpart
METHODS = [
    ("prune_by_noise_rate", {"method": "prune_by_noise_rate"}, "prune_by_noise_rate"),
    ("prune_by_class", {"method": "prune_by_class"}, "prune_by_class"),
    ("both", {"method": "both"}, "both"),
    ("confident_learning", {"method": "confident_learning"}, "confident_learning"),
    ("self_confidence", {"method": "self_confidence"}, "low_self_confidence"),
    ("normalized_margin", {"method": "normalized_margin"}, "low_normalized_margin"),
    ("predicted_neq_given", {"method": "predicted_neq_given"}, "predicted_neq_given"),
    # our optional larger issue count (calibrated joint) against cleanlab's default count
    ("self_confidence, issue_count=calibrated", {"method": "self_confidence", "issue_count": "calibrated"},
     "low_self_confidence"),
]
DATA = ROOT / "benchmarks" / "data" / "wrench"


def lr() -> LogisticRegression:
    # tol 1e-3: converged enough for ranking, ~5x faster than the default on TF-IDF bigrams
    return LogisticRegression(max_iter=1000, C=10.0, tol=1e-3)


def inject_noise(y: np.ndarray, k: int, rate: float, kind: str, rng: np.random.Generator) -> np.ndarray:
    noisy = y.copy()
    n = len(y)
    if kind == "symmetric":
        flip = rng.choice(n, size=int(round(rate * n)), replace=False)
        shift = rng.integers(1, k, size=len(flip))
        noisy[flip] = (y[flip] + shift) % k
        return noisy
    # class-conditional: class c -> c+1 mod k with per-class rates around `rate`, total = rate * n
    per = rng.uniform(0.5, 1.5, size=k)
    counts = np.bincount(y, minlength=k)
    per = per * rate * n / max((per * counts).sum(), 1e-12)
    for c in range(k):
        members = np.flatnonzero(y == c)
        m = min(int(round(per[c] * len(members))), len(members) - 1)
        if m > 0:
            flip = rng.choice(members, size=m, replace=False)
            noisy[flip] = (c + 1) % k
    return noisy


def timed(fn, repeats: int) -> tuple[object, float]:
    out, times = None, []
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return out, float(np.median(times))


def prec_rec(mask: np.ndarray, truth: np.ndarray) -> tuple[float, float]:
    tp = int((mask & truth).sum())
    p = tp / mask.sum() if mask.sum() else float("nan")
    r = tp / truth.sum() if truth.sum() else float("nan")
    return p, r


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    u = (a | b).sum()
    return float((a & b).sum() / u) if u else 1.0


def load_text(name: str) -> dict:
    ds = load_wrench(DATA / name)
    out = {"k": len(ds.class_names), "names": ds.class_names}
    for split in ("train", "test"):
        s = ds[split]
        out[split] = (s.data["text"].astype(str).tolist(), s.y, s.L)
    return out


def tfidf(train_text: list[str], other: list[str] | None = None):
    vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
    Xtr = vec.fit_transform(train_text)
    return (Xtr, vec.transform(other)) if other is not None else (Xtr, None)


def synthetic(n: int, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    k, d = 4, 10
    centers = rng.normal(0, 1.6, size=(k, d))
    y = rng.integers(0, k, size=2 * n)
    X = centers[y] + rng.normal(0, 1.0, size=(2 * n, d))
    return {"k": k, "X_train": X[:n], "y_train": y[:n], "X_test": X[n:], "y_test": y[n:]}


# ---------------------------------------------------------------------------------------------
def detection_runs(quick: bool, seeds: list[int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    rates = [0.1] if quick else [0.05, 0.1, 0.2]
    kinds = ["symmetric", "class_conditional"]
    repeats = 3 if quick else 7
    det_rows, train_rows = [], []
    problems = []
    syn = synthetic(600 if quick else 1000, seed=0)
    problems.append(("synthetic", "train", syn["X_train"], syn["y_train"], syn["k"], syn["X_test"], syn["y_test"]))
    for name in ["youtube", "sms", "trec"]:
        d = load_text(name)
        Xtr, Xte = tfidf(d["train"][0], d["test"][0])
        Xtest_only, _ = tfidf(d["test"][0])
        problems.append((name, "test", Xtest_only, d["test"][1], d["k"], None, None))
        problems.append((name, "train", Xtr, d["train"][1], d["k"], Xte, d["test"][1]))
    for name, split, X, y, k, X_eval, y_eval in problems:
        for kind in kinds:
            for rate in rates:
                for seed in seeds:
                    rng = np.random.default_rng(1000 * seed + int(rate * 100) + (7 if kind == "symmetric" else 0))
                    noisy = inject_noise(y, k, rate, kind, rng)
                    truth = noisy != y
                    P = cross_val_predict_proba(lr(), X, noisy, n_folds=5, seed=seed, cardinality=k)
                    for ours, kwargs, theirs in METHODS:
                        m_ours, t_ours = timed(partial(find_label_issues, noisy, P, **kwargs), repeats)
                        m_cl, t_cl = timed(partial(cl_find_label_issues, noisy, P, filter_by=theirs, n_jobs=1), repeats)
                        po, ro = prec_rec(m_ours, truth)
                        pc, rc = prec_rec(m_cl, truth)
                        det_rows.append(dict(dataset=name, split=split, noise=kind, rate=rate, seed=seed, method=ours,
                                             n=len(y), n_flipped=int(truth.sum()), n_ours=int(m_ours.sum()),
                                             n_cl=int(m_cl.sum()), p_ours=po, r_ours=ro, p_cl=pc, r_cl=rc,
                                             jaccard=jaccard(m_ours, m_cl), t_ours=t_ours, t_cl=t_cl))
                    if X_eval is not None:
                        plain = lr().fit(X, noisy)
                        acc_plain = float((proba_in_class_order(plain, X_eval, k).argmax(1) == y_eval).mean())
                        ct = CleanTrainer(lr(), cv_folds=5, seed=seed).fit(X, noisy, pred_probs=P)
                        acc_clean = ct.score(X_eval, y_eval)
                        oracle = lr().fit(X[~truth], noisy[~truth])
                        acc_oracle = float((proba_in_class_order(oracle, X_eval, k).argmax(1) == y_eval).mean())
                        train_rows.append(dict(dataset=name, noise=kind, rate=rate, seed=seed, acc_plain=acc_plain,
                                               acc_clean=acc_clean, acc_oracle=acc_oracle,
                                               n_dropped=int(ct.label_issues_.sum())))
                print(f"  detection {name}/{split} {kind} done", flush=True)
    return pd.DataFrame(det_rows), pd.DataFrame(train_rows)


# ---------------------------------------------------------------------------------------------
AL_BUDGETS = [10, 20, 30, 40, 50, 75, 100, 150, 200, 250, 300]
# "+stochastic": suggest_labels(batch="stochastic"), power acquisition instead of the top-n batch
AL_STRATEGIES = ["random", "entropy", "margin", "committee", "lf_disagreement", "entropy+stochastic",
                 "margin+stochastic"]


def active_learning_runs(quick: bool, seeds: list[int]) -> pd.DataFrame:
    """Learning curves: acquire in small batches (the gaps between AL_BUDGETS), refit after each.

    Two end-model settings. ``hand``: logistic regression on the hand labels only.
    ``weak+hand``: the weak-supervision setting: trained on the majority-vote label of every
    LF-covered pool row, with hand labels replacing weak ones (and adding uncovered rows).
    Every strategy starts from the same 10 random hand labels per seed.
    """
    budgets = [10, 30, 50, 100, 150, 300] if quick else AL_BUDGETS
    rows = []
    for name in ["youtube", "trec"]:
        d = load_text(name)
        text, y_pool, L_pool = d["train"]
        Xp, Xt = tfidf(text, d["test"][0])
        y_test, k = d["test"][1], d["k"]
        mv = MajorityVoter(cardinality=k).predict_proba(L_pool)
        weak = mv.argmax(axis=1)
        covered = np.diff(L_pool.csr.indptr) > 0
        for setting in ["hand", "weak+hand"]:
            for strategy in AL_STRATEGIES:
                for seed in seeds:
                    labeled = np.random.default_rng(seed).choice(len(y_pool), size=budgets[0], replace=False)
                    for i, b in enumerate(budgets):
                        if setting == "hand":
                            probs_pool, probs_test = _fit_hand(Xp, Xt, y_pool, labeled, k)
                        else:
                            probs_pool, probs_test = _fit_weak_hand(Xp, Xt, weak, covered, y_pool, labeled, k)
                        acc = float((probs_test.argmax(1) == y_test).mean())
                        rows.append(dict(dataset=name, setting=setting, strategy=strategy, seed=seed, n_labels=b,
                                         acc=acc))
                        if i + 1 == len(budgets):
                            break
                        committee = [mv] if strategy == "committee" else None
                        base, _, batch = strategy.partition("+")
                        sug = suggest_labels(L_pool, probs_pool, budgets[i + 1] - b, strategy=base,
                                             batch=batch or "top",
                                             exclude=np.isin(np.arange(len(y_pool)), labeled), seed=seed,
                                             committee_probs=committee)
                        labeled = np.r_[labeled, sug.positions]
            print(f"  active learning {name} {setting} done", flush=True)
    return pd.DataFrame(rows)


def _fit_hand(Xp, Xt, y, labeled, k):
    ys = y[labeled]
    if len(np.unique(ys)) < 2:  # one class seen: predict it everywhere
        return np.eye(k)[np.full(Xp.shape[0], ys[0])], np.eye(k)[np.full(Xt.shape[0], ys[0])]
    model = lr().fit(Xp[labeled], ys)
    return proba_in_class_order(model, Xp, k), proba_in_class_order(model, Xt, k)


def _fit_weak_hand(Xp, Xt, weak, covered, y, labeled, k):
    rows, target = covered.copy(), weak.copy()
    rows[labeled] = True
    target[labeled] = y[labeled]
    model = lr().fit(Xp[rows], target[rows])
    return proba_in_class_order(model, Xp, k), proba_in_class_order(model, Xt, k)


# ---------------------------------------------------------------------------------------------
def fmt(v: float, d: int = 3) -> str:
    return "—" if v != v else f"{v:.{d}f}"


def render(det: pd.DataFrame, tr: pd.DataFrame, al: pd.DataFrame, seeds: list[int], quick: bool, wall: float) -> str:
    out = []
    out.append(f"Run: `python benchmarks/quality.py{' --quick' if quick else ''}` on {platform.machine()} "
               f"({platform.python_version()}), weaksup vs cleanlab {cleanlab.__version__}, seeds {seeds}, "
               f"{wall:.0f} s wall. All numbers measured in this run.\n")
    out.append("### Label-error detection (injected noise), weaksup vs cleanlab on the same pred_probs\n")
    out.append("Mean over datasets x splits x noise kinds x rates x seeds. P/R = precision/recall of the flagged set "
               "against the truly flipped labels; Jaccard = overlap of the two flagged sets; "
               "time ratio = weaksup time / cleanlab time (median of repeated calls; < 1 means weaksup is faster).\n")
    g = det.groupby("method", sort=False)
    summ = pd.DataFrame({
        "P weaksup": g.p_ours.mean(), "P cleanlab": g.p_cl.mean(),
        "R weaksup": g.r_ours.mean(), "R cleanlab": g.r_cl.mean(),
        "Jaccard": g.jaccard.mean(),
        "time ratio (median)": (det.t_ours / det.t_cl).groupby(det.method, sort=False).median(),
        "weaksup ms": g.t_ours.mean() * 1e3, "cleanlab ms": g.t_cl.mean() * 1e3,
    })
    out.append(_md(summ.reset_index(), {"P weaksup": 3, "P cleanlab": 3, "R weaksup": 3, "R cleanlab": 3,
                                        "Jaccard": 3, "time ratio (median)": 2, "weaksup ms": 2, "cleanlab ms": 2}))
    out.append("\nPer dataset/split/noise, default method `prune_by_noise_rate` (mean over rates and seeds):\n")
    d0 = det[det.method == "prune_by_noise_rate"]
    per = d0.groupby(["dataset", "split", "noise", "rate"]).agg(
        n=("n", "first"), flipped=("n_flipped", "mean"), P_weaksup=("p_ours", "mean"), P_cleanlab=("p_cl", "mean"),
        R_weaksup=("r_ours", "mean"), R_cleanlab=("r_cl", "mean"), jaccard=("jaccard", "mean")).reset_index()
    out.append(_md(per, {"flipped": 0, "P_weaksup": 3, "P_cleanlab": 3, "R_weaksup": 3, "R_cleanlab": 3,
                         "jaccard": 3, "rate": 2}))
    # target check
    dp = (det.p_ours - det.p_cl).groupby(det.method, sort=False).mean()
    dr = (det.r_ours - det.r_cl).groupby(det.method, sort=False).mean()
    ratio = (det.t_ours / det.t_cl).groupby(det.method, sort=False).median()
    ok = [m for m in dp.index if dp[m] >= -0.005 and dr[m] >= -0.005 and ratio[m] <= 1.0]
    bad = [m for m in dp.index if m not in ok]
    out.append("\n**Target (precision and recall no worse than cleanlab's, at least as fast):** "
               + (f"met for {', '.join(ok)}" if ok else "met for no method")
               + (f"; NOT met for {', '.join(f'{m} (ΔP {dp[m]:+.3f}, ΔR {dr[m]:+.3f}, time ratio {ratio[m]:.2f})' for m in bad)}"
                  if bad else "") + ". (Tolerance: mean difference >= -0.005.)\n")

    out.append("### CleanTrainer vs plain training (logistic regression, noisy train labels, clean test accuracy)\n")
    out.append("`oracle` drops exactly the flipped rows (upper bound).\n")
    t = tr.groupby(["dataset", "noise", "rate"]).agg(plain=("acc_plain", "mean"), clean=("acc_clean", "mean"),
                                                     oracle=("acc_oracle", "mean"),
                                                     dropped=("n_dropped", "mean")).reset_index()
    t["gain"] = t.clean - t.plain
    out.append(_md(t, {"plain": 3, "clean": 3, "oracle": 3, "dropped": 0, "gain": 3, "rate": 2}))
    wins = int((t.gain > 0).sum())
    out.append(f"\nCleanTrainer beat plain training in {wins} of {len(t)} settings "
               f"(mean gain {t.gain.mean():+.3f}).\n")

    out.append(render_al(al))
    return "\n".join(out) + "\n"


def render_al(al: pd.DataFrame, run_line: str = "") -> str:
    out = []
    out.append("### Active learning: test accuracy vs number of hand labels (mean over seeds)\n")
    if run_line:
        out.append(run_line)
    out.append("Logistic regression on TF-IDF, refitted after every acquisition batch (batches = the gaps between "
               "the columns). `hand`: trained on the hand labels only. `weak+hand`: trained on the majority-vote "
               "weak label of every LF-covered train row, hand labels replacing weak ones. All strategies start "
               "from the same 10 random labels per seed; `committee` = end model + majority vote; "
               "`+stochastic` = `suggest_labels(batch=\"stochastic\")` (batch drawn with probability proportional "
               "to score**4) instead of the top-n rows.\n")
    curve = al.groupby(["dataset", "setting", "strategy", "n_labels"]).acc.mean().unstack("n_labels")
    out.append(_md(curve.reset_index(), {c: 3 for c in curve.columns}))
    out.append("")
    out.append("**Target (best strategy reaches random's accuracy at 300 labels with at most half the labels):**\n")
    for (name, setting), c in curve.groupby(level=[0, 1]):
        c = c.droplevel([0, 1])
        top = c.columns.max()
        target = c.loc["random", top]
        best, best_n = None, None
        for s in c.index:
            if s == "random":
                continue
            reach = [n for n in c.columns if c.loc[s, n] >= target]
            if reach and (best_n is None or min(reach) < best_n):
                best, best_n = s, min(reach)
        if best_n is not None and best_n <= top / 2:
            out.append(f"- {name} / {setting}: target **met** — `{best}` reaches random's accuracy at {top} labels "
                       f"({target:.3f}) with {best_n} labels.")
        elif best_n is not None:
            out.append(f"- {name} / {setting}: target **NOT met** — best strategy `{best}` needs {best_n} labels to "
                       f"reach random's accuracy at {top} ({target:.3f}); the target was <= {top // 2}.")
        else:
            out.append(f"- {name} / {setting}: target **NOT met** — no strategy reaches random's accuracy at {top} "
                       f"({target:.3f}) within {top} labels.")
    return "\n".join(out) + "\n"


def _md(df: pd.DataFrame, digits: dict) -> str:
    cols = [str(c) for c in df.columns]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for _, r in df.iterrows():
        cells = []
        for c in df.columns:
            v = r[c]
            if c in digits and isinstance(v, (float, np.floating)):
                cells.append(fmt(float(v), digits[c]))
            else:
                cells.append(str(v))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def replace_al_subsection(al_text: str, name: str = "quality") -> None:
    """Swap the active-learning part of an existing section (for ``--only al``)."""
    path = ROOT / "benchmarks" / "RESULTS.md"
    old = path.read_text()
    start = old.index("### Active learning", old.index(f"<!-- BEGIN {name} -->"))
    end = old.index(f"<!-- END {name} -->")
    path.write_text(old[:start] + al_text + old[end:])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="fewer rates/seeds/budgets")
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--only", choices=["al", "weak"],
                    help="al: rerun only the active-learning part and replace its subsection; "
                         "weak: run only the weak-label-error benchmark (its own section)")
    args = ap.parse_args()
    if args.only == "weak":
        from weak_label_errors import main as weak_main  # noqa: E402

        weak_main(quick=args.quick, write=not args.no_write)
        return
    seeds = [0] if args.quick else [0, 1, 2]
    t0 = time.time()
    if args.only == "al":
        al = active_learning_runs(args.quick, seeds)
        text = render_al(al, f"Run: `python benchmarks/quality.py --only al{' --quick' if args.quick else ''}` "
                             f"(seeds {seeds}, {time.time() - t0:.0f} s wall), a separate run from the sections "
                             "above.\n")
        print(text)
        if not args.no_write:
            replace_al_subsection(text)
        return
    det, tr = detection_runs(args.quick, seeds)
    al = active_learning_runs(args.quick, seeds)
    text = render(det, tr, al, seeds, args.quick, time.time() - t0)
    print(text)
    if not args.no_write:
        write_section("quality", "## quality\n\n" + text)
    from weak_label_errors import main as weak_main  # noqa: E402

    weak_main(quick=args.quick, write=not args.no_write)


if __name__ == "__main__":
    main()
