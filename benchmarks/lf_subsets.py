"""Does the default label model hold against majority vote on LF sets we did not develop on?

Issue 13 asks for a default that is never more than 0.5 points below majority vote, on label
matrices from other people's LFs. We hold few such sets, so this script makes more from the real
ones: random subsets of each WRENCH set's LFs (30-70% of them; the LFs' real correlations and
one-sidedness kept), and each set's full LF list plus one or three simulated LFs voting both
classes (a classifier used as an LF: accuracy U(0.6, 0.85), coverage U(5%, 40%), independent
of the other LFs given the class; binary sets with train gold: youtube, sms), or one at chance
(accuracy 0.5, coverage 30%: a classifier LF that learned nothing); on trec and hausa, one or three
classifiers voting every class (accuracy U(0.5, 0.8), wrong votes spread over the other classes); and on every set, two or
four near-copies of one of its six most used LFs (each copy keeps each vote with probability 0.9: a keyword
written twice, a regex and its variant). Every model is fitted on the train votes and scored on the
test rows with a vote (rows without one are coin flips for every model); ties go to tied class
``row index mod #tied`` as in label_suite. No gold label is used by any model.

    python benchmarks/lf_subsets.py             # writes the lf_subsets section of RESULTS.md
    python benchmarks/lf_subsets.py --no-write  # print only
"""

from __future__ import annotations

import platform
import time
import warnings
from pathlib import Path

import numpy as np
from _results import run_and_write  # benchmarks/_results.py (scripts run from benchmarks/)
from sklearn.metrics import f1_score

import weaksup as ws
from weaksup.utils import probs_to_preds

DATA = Path(__file__).resolve().parent / "data" / "wrench"
SECTION = "lf_subsets"
METRIC = {"youtube": "acc", "sms": "f1", "trec": "acc", "hausa": "acc", "tennis": "f1"}
N_SUBSETS = 16
MODELS = {
    "default (LabelModel)": lambda k: ws.LabelModel(cardinality=k),
    "MatrixCompletion (Snorkel's)": lambda k: ws.MatrixCompletion(cardinality=k),
    "majority vote": lambda k: ws.MajorityVoter(cardinality=k),
}


def score(metric: str, y: np.ndarray, P: np.ndarray, rows: np.ndarray) -> float:
    pred = probs_to_preds(P, tie_break="index")[rows]
    if metric == "f1":
        return 100 * float(f1_score(y[rows], pred, pos_label=1, zero_division=0))
    return 100 * float((pred == y[rows]).mean())


def simulated_lf(y: np.ndarray, acc: float, cov: float, seed: int, k: int = 2) -> np.ndarray:
    """A classifier used as an LF: right with probability ``acc`` (wrong votes spread over the other classes)."""
    rng = np.random.default_rng(seed)
    wrong = 1 - y if k == 2 else (y + rng.integers(1, k, len(y))) % k
    votes = np.where(rng.random(len(y)) < acc, y, wrong)
    return np.where(rng.random(len(y)) < cov, votes, -1)[:, None]


def near_copy(votes: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """An LF that votes as ``votes`` on a random 90% of its rows and abstains on the rest."""
    return np.where(rng.random(len(votes)) < 0.9, votes, -1)[:, None]


def settings(name: str, L_fit: np.ndarray, L_eval: np.ndarray, y_fit: np.ndarray, y: np.ndarray):
    """(kind, L_fit, L_eval) label matrices made from one set."""
    m = L_fit.shape[1]
    rng = np.random.default_rng(0)
    for share in rng.uniform(0.3, 0.7, N_SUBSETS):
        cols = np.sort(rng.choice(m, max(3, int(m * share)), replace=False))
        yield "random LF subsets", L_fit[:, cols], L_eval[:, cols]
    # near-copies of one LF (a keyword written twice, a regex and its variant): each copy keeps each of
    # the LF's votes with probability 0.9; the six LFs with the most votes, two or four copies each
    for j in np.argsort(-(L_fit >= 0).sum(axis=0), kind="stable")[:6]:
        for n_copies in (2, 4):
            r = np.random.default_rng(int(j) * 10 + n_copies)
            yield (f"all LFs + {n_copies} near-copies of one LF",
                   np.hstack([L_fit] + [near_copy(L_fit[:, j], r) for _ in range(n_copies)]),
                   np.hstack([L_eval] + [near_copy(L_eval[:, j], r) for _ in range(n_copies)]))
    if (y_fit < 0).any():  # the simulated LFs need the train gold
        return
    k = int(max(L_fit.max(), y.max())) + 1
    if k > 2:  # classifiers voting every class (accuracy U(0.5, 0.8)) next to the keyword LFs
        for n_extra in (1, 3):
            for seed in range(6):
                r = np.random.default_rng(seed)
                specs = [(r.uniform(0.5, 0.8), r.uniform(0.05, 0.4), int(r.integers(1 << 30))) for _ in range(n_extra)]
                yield (f"all LFs + {n_extra} simulated classifier LF{'s' if n_extra > 1 else ''} ({k} classes)",
                       np.hstack([L_fit] + [simulated_lf(y_fit, a, c, s, k) for a, c, s in specs]),
                       np.hstack([L_eval] + [simulated_lf(y, a, c, s + 1, k) for a, c, s in specs]))
        return
    for n_extra in (1, 3, -1):  # -1: one useless two-class LF (a classifier at chance)
        for seed in range(6):
            r = np.random.default_rng(seed)
            specs = [(r.uniform(0.6, 0.85), r.uniform(0.05, 0.4), int(r.integers(1 << 30))) for _ in range(n_extra)]
            kind = f"all LFs + {n_extra} simulated two-class LF{'s' if n_extra > 1 else ''}"
            if n_extra < 0:
                specs, kind = [(0.5, 0.3, int(r.integers(1 << 30)))], "all LFs + 1 two-class LF at chance"
            yield (kind, np.hstack([L_fit] + [simulated_lf(y_fit, a, c, s) for a, c, s in specs]),
                   np.hstack([L_eval] + [simulated_lf(y, a, c, s + 1) for a, c, s in specs]))


def run() -> list[dict]:
    rows = []
    for name, metric in METRIC.items():
        ds = ws.datasets.load_wrench(DATA / name, splits=("train", "test"))
        L_fit, L_eval, y = ds["train"].L.to_dense(), ds["test"].L.to_dense(), ds["test"].y
        for kind, A, B in settings(name, L_fit, L_eval, ds["train"].y, y):
            voted = (B >= 0).any(axis=1)
            if voted.sum() < 20:
                continue
            k = int(max(A.max(), B.max(), y.max())) + 1
            row = {"set": name, "kind": kind}
            for model, make in MODELS.items():
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    row[model] = score(metric, y, make(k).fit(A).predict_proba(B), voted)
            rows.append(row)
    return rows


def render(rows: list[dict], seconds: float) -> str:
    groups = sorted({(r["set"], r["kind"]) for r in rows}, key=lambda g: (list(METRIC).index(g[0]), g[1]))
    others = [m for m in MODELS if m != "majority vote"]
    out = [f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {platform.machine()}, Python "
           f"{platform.python_version()}, {seconds:.0f} s. Test rows with a vote; metric as in label_suite (F1 of class 1 "
           "for sms and tennis). Each cell: mean difference to majority vote over the matrices of that row, "
           "worst difference, and how many matrices are more than 0.5 points below majority vote.", "",
           "| set | matrices | n | " + " | ".join(f"{m} - MV: mean / worst / below" for m in others) + " |",
           "|---|---|---|" + "---|" * len(others)]
    for name, kind in groups:
        sel = [r for r in rows if r["set"] == name and r["kind"] == kind]
        cells = []
        for m in others:
            d = np.array([r[m] - r["majority vote"] for r in sel])
            cells.append(f"{d.mean():+.2f} / {d.min():+.2f} / {(d < -0.5).sum()}")
        out.append(f"| {name} | {kind} | {len(sel)} | " + " | ".join(cells) + " |")
    for m in others:
        d = np.array([r[m] - r["majority vote"] for r in rows])
        out.append(f"\n- {m}, all {len(d)} matrices: mean {d.mean():+.2f} vs majority vote, worst {d.min():+.2f}, "
                   f"{(d < -0.5).sum()} more than 0.5 below it.")
    return "\n".join(out)


def main() -> None:
    run_and_write(SECTION, "## Default against majority vote on LF sets not developed on (`benchmarks/lf_subsets.py`)", __doc__, run, render)


if __name__ == "__main__":
    main()
