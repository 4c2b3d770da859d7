"""Tie-breaking and diverse batches of ``suggest_labels`` (issue 18): does the default waste labels on ties?

Setting ("weak+hand"): logistic regression on TF-IDF, trained on the majority-vote label of every
LF-covered train row with hand labels replacing weak ones; refitted after each batch of 10 hand labels.
The acquisition scores come from the label model (majority vote, fixed), where every uncovered row
ties. Variants:

- ``random``: uniform draw.
- ``top, ties at random``: ``suggest_labels`` as before issue 18 (no features, no second model).
- ``top, ties by end model + X``: ``tiebreak_probs`` = the end model's probabilities, ``X`` = TF-IDF.
- ``diverse``: the same plus ``batch="diverse"`` (near-duplicate texts / cosine >= 0.9 skipped).
- ``end-model entropy, top`` / ``..., diverse``: ``probs`` = the end model's (uncertainty sampling).

Run: ``nice -n 10 python benchmarks/active_learning_diverse.py [--seeds 0 1 2]``.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _results import write_section  # noqa: E402
from quality import load_text, lr, tfidf  # noqa: E402

from weaksup.models import MajorityVoter  # noqa: E402
from weaksup.quality import suggest_labels  # noqa: E402
from weaksup.quality.cross_val import proba_in_class_order  # noqa: E402

VARIANTS = ["random", "top, ties at random", "top, ties by end model + X", "diverse",
            "end-model entropy, top", "end-model entropy, diverse"]
DATASETS = ["youtube", "sms", "trec"]
START, STEP, STOP = 10, 10, 110


def fit(Xp, Xt, weak, covered, y, labeled, k):
    rows, target = covered.copy(), weak.copy()
    rows[labeled] = True
    target[labeled] = y[labeled]
    model = lr().fit(Xp[rows], target[rows])
    return proba_in_class_order(model, Xp, k), proba_in_class_order(model, Xt, k)


def run(seeds: list[int], variants: list[str]) -> pd.DataFrame:
    out = []
    for name in DATASETS:
        d = load_text(name)
        text, y_pool, L_pool = d["train"]
        Xp, Xt = tfidf(text, d["test"][0])
        y_test, k = d["test"][1], d["k"]
        mv = MajorityVoter(cardinality=k).predict_proba(L_pool)
        weak, covered = mv.argmax(1), np.diff(L_pool.csr.indptr) > 0
        for variant in variants:
            for seed in seeds:
                labeled = np.random.default_rng(seed).choice(len(y_pool), size=START, replace=False)
                for b in range(START, STOP + 1, STEP):
                    pp, pt = fit(Xp, Xt, weak, covered, y_pool, labeled, k)
                    out.append(dict(dataset=name, variant=variant, seed=seed, n_labels=b,
                                    acc=float((pt.argmax(1) == y_test).mean()),
                                    uncovered_share=float((~covered[labeled]).mean())))
                    if b == STOP:
                        break
                    ex = np.isin(np.arange(len(y_pool)), labeled)
                    kw: dict = dict(exclude=ex, seed=seed)
                    if variant == "random":
                        kw.update(strategy="random")
                    elif variant.startswith("top, ties by"):
                        kw.update(tiebreak_probs=pp, X=Xp)
                    elif variant == "diverse":
                        kw.update(tiebreak_probs=pp, X=Xp, texts=text, batch="diverse")
                    elif variant == "end-model entropy, diverse":
                        kw.update(X=Xp, texts=text, batch="diverse")
                    probs = pp if variant.startswith("end-model") else mv
                    sug = suggest_labels(L_pool, probs, STEP, **kw)
                    labeled = np.r_[labeled, sug.positions]
        print(f"  {name} done", flush=True)
    return pd.DataFrame(out)


def render(df: pd.DataFrame, seeds: list[int], wall: float) -> str:
    lines = [f"Run: `python benchmarks/active_learning_diverse.py --seeds {' '.join(map(str, seeds))}` on "
             f"{platform.machine()} (Python {platform.python_version()}), {wall:.0f} s wall. "
             "Weak+hand setting (majority-vote weak labels of covered rows + hand labels, logistic regression on "
             f"TF-IDF), {START} random starting labels, batches of {STEP} up to {STOP}; acquisition on the "
             "label model's probabilities unless the variant says end model. All numbers measured in this run.\n",
             "Mean test accuracy over the budgets (area under the learning curve / number of budgets), and at "
             f"{STOP} labels; mean over seeds. `uncovered` = share of the hand-labeled rows no LF votes on.\n"]
    g = df.groupby(["dataset", "variant"], sort=False)
    t = pd.DataFrame({"mean acc": g.acc.mean(),
                      f"acc @{STOP}": df[df.n_labels == STOP].groupby(["dataset", "variant"], sort=False).acc.mean(),
                      "uncovered": df[df.n_labels == STOP].groupby(["dataset", "variant"], sort=False)
                      .uncovered_share.mean()}).reset_index()
    lines.append(f"| dataset | variant | mean acc | acc @{STOP} | uncovered |\n|---|---|---|---|---|")
    for r in t.itertuples(index=False):
        lines.append(f"| {r[0]} | {r[1]} | {r[2]:.3f} | {r[3]:.3f} | {r[4]:.2f} |")
    piv = t.pivot(index="dataset", columns="variant", values="mean acc")
    lines.append("\nGain in mean accuracy over `top, ties at random` (the pre-issue-18 default): worst case / mean "
                 "over the data sets\n")
    lines.append("| variant | worst | mean |\n|---|---|---|")
    for v in piv.columns:
        gain = piv[v] - piv["top, ties at random"]
        lines.append(f"| {v} | {gain.min():+.3f} | {gain.mean():+.3f} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--variants", nargs="+", default=VARIANTS, choices=VARIANTS, metavar="NAME",
                    help="a subset of the variants (quote each name)")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    t0 = time.perf_counter()
    df = run(args.seeds, args.variants)
    text = render(df, args.seeds, time.perf_counter() - t0)
    print(text)
    if not args.no_write:
        write_section("active_learning_diverse", "## Active learning: tie-breaking and diverse batches\n\n" + text)


if __name__ == "__main__":
    main()
