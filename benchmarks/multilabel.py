"""Multi-label weak supervision: MultiLabelModel vs per-label majority vote and one-vs-rest binary label models.

Writes the ``multilabel`` section of benchmarks/RESULTS.md; every number is measured in this run, side by
side on the same matrices (Snorkel's LabelModel per label from PyPI, ``pip install weaksup[bench]``).

    python benchmarks/multilabel.py            # 3 seeds x 4 settings, n = 20000
    python benchmarks/multilabel.py --small

Data: ``weaksup.multilabel.simulate_multilabel``: topic labels and sub-labels (a sub-label only occurs
with its topic; a row has one main topic, or none), keyword-like LFs that only say "present",
classifier-like LFs that say present or absent on a share of rows, and annotator LFs voting whole label
sets. Scores: micro and macro F1 of the 0/1 labels (probability > 0.5) against the true label sets.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from _results import write_section  # benchmarks/_results.py (scripts run from benchmarks/)

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))
SECTION = "multilabel"
SETTINGS = [("3 topics, 2 LFs per label", {}), ("3 topics, 1 LF per label", {"lfs_per_label": 1}),
            ("4 topics, sub-label rate 0.3", {"n_topics": 4, "child_rate": 0.3}),
            ("3 topics, 3 LFs per label, no annotators", {"lfs_per_label": 3, "n_annotators": 0})]


class SnorkelPerLabel:
    """Snorkel 0.10's LabelModel fitted on each label's binary votes (one-vs-rest, the peer)."""

    def fit(self, M):
        from snorkel.labeling.model import LabelModel

        self.models = []
        for c in range(len(M.label_names)):
            lm = LabelModel(cardinality=2, verbose=False)
            lm.fit(M.binary(c).to_dense(), seed=0, progress_bar=False)
            self.models.append(lm)
        return self

    def predict(self, M):
        return np.column_stack([(lm.predict_proba(M.binary(c).to_dense())[:, 1] > 0.5)
                                for c, lm in enumerate(self.models)]).astype(int)


def contenders():
    from weaksup.multilabel import MultiLabelMajorityVoter, MultiLabelModel, OneVsRestLabelModel

    return {
        "weaksup MultiLabelModel": MultiLabelModel(),
        "weaksup MultiLabelModel(correlations=False)": MultiLabelModel(correlations=False),
        "per-label majority vote": MultiLabelMajorityVoter(),
        "one-vs-rest weaksup AgreementModel (default)": OneVsRestLabelModel("AgreementModel"),
        "one-vs-rest weaksup AgreementModel(learn_class_balance=True)": OneVsRestLabelModel(
            "AgreementModel", {"learn_class_balance": True}),
        "one-vs-rest weaksup DawidSkene": OneVsRestLabelModel("DawidSkene"),
        "one-vs-rest Snorkel LabelModel": SnorkelPerLabel(),
    }


def main() -> None:
    from sklearn.metrics import f1_score

    from weaksup.multilabel import MultiLabelModel, MultiLabelSoftClassifier, simulate_multilabel

    ap = argparse.ArgumentParser()
    ap.add_argument("--small", action="store_true")
    args = ap.parse_args()
    n, seeds = (5000, (0,)) if args.small else (20000, (0, 1, 2))
    t0 = time.time()
    results = {}  # (setting, model) -> list of (micro, macro, seconds)
    for label, kw in SETTINGS:
        for seed in seeds:
            M, Y = simulate_multilabel(n, seed=seed, **kw)
            for name, model in contenders().items():
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    t = time.perf_counter()
                    P = model.fit(M).predict(M)
                    secs = time.perf_counter() - t
                results.setdefault((label, name), []).append(
                    (f1_score(Y, P, average="micro"), f1_score(Y, P, average="macro"), secs))
            print(label, seed, f"{time.time() - t0:.0f}s", flush=True)
    # the soft outputs feed an end model: features that carry the labels, held-out rows no LF saw
    rng = np.random.default_rng(0)
    M, Y = simulate_multilabel(n, seed=0)
    _, Y_test = simulate_multilabel(n // 4, seed=100)
    X, X_test = (Yi + rng.normal(scale=0.5, size=Yi.shape) for Yi in (Y, Y_test))
    Q = MultiLabelModel().fit(M).predict_proba(M)
    end = MultiLabelSoftClassifier(random_state=0).fit(X, Q)
    end_f1 = (f1_score(Y_test, end.predict(X_test), average="micro"), f1_score(Y_test, end.predict(X_test), average="macro"))
    lm_f1 = (f1_score(Y, (Q > 0.5).astype(int), average="micro"), f1_score(Y, (Q > 0.5).astype(int), average="macro"))
    text = render(results, seeds, n, end_f1, lm_f1, time.time() - t0)
    write_section(SECTION, text)
    print(text)


def render(results, seeds, n, end_f1, lm_f1, total):
    lines = ["## Multi-label weak supervision (`weaksup.multilabel`)", "",
             f"`python benchmarks/multilabel.py` ({total:.0f} s): n = {n} rows per matrix, seeds {list(seeds)}, mean "
             "(worst seed) micro / macro F1 of the 0/1 labels against the true label sets, and fit + predict seconds. "
             "All contenders see the same matrices in one run.", "",
             "| setting | model | micro F1 | macro F1 | seconds |", "|---|---|---|---|---|"]
    settings = list(dict.fromkeys(s for s, _ in results))
    wins = []
    for s in settings:
        ours = np.array(results[(s, "weaksup MultiLabelModel")])
        for (s2, name), vals in results.items():
            if s2 != s:
                continue
            v = np.array(vals)
            lines.append(f"| {s} | {name} | {v[:, 0].mean():.3f} ({v[:, 0].min():.3f}) | "
                         f"{v[:, 1].mean():.3f} ({v[:, 1].min():.3f}) | {v[:, 2].mean():.2f} |")
            if name in ("per-label majority vote",) or name.startswith("one-vs-rest"):
                wins.append((ours[:, 0] > v[:, 0]).all() and (ours[:, 1] > v[:, 1]).all())
    lines += ["", f"**Target** (beats per-label majority vote and every one-vs-rest binary label model on micro and "
              f"macro F1, on every seed of every setting): **{'met' if all(wins) else 'missed'}** "
              f"({sum(wins)}/{len(wins)} comparisons). The label model enumerates the 2^K label sets, so its cost "
              "grows with 2^K (K = 8 in the 4-topic setting); it refuses more than `max_labels=14` labels.", "",
              f"End model on the soft outputs (`MultiLabelSoftClassifier`, logistic, features = true labels + N(0, 0.5) "
              f"noise, evaluated on {n // 4} held-out rows): micro / macro F1 {end_f1[0]:.3f} / {end_f1[1]:.3f}, "
              f"against the label model's own {lm_f1[0]:.3f} / {lm_f1[1]:.3f} on the rows it labelled: the end model "
              f"{'beats' if end_f1[1] > lm_f1[1] else 'does not beat'} the label model here (synthetic features, so this "
              "checks the plumbing from soft multi-label outputs to an end model, not a real-data gain)."]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
