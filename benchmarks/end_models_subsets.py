"""Does self-training's default hold on label matrices it was not developed on?

The self-training defaults (issue 15) were chosen on the full LF lists of the WRENCH sets in end_models.py.
This script refits them on random subsets of each set's LFs (40-80% of them, four per set, seed 7; the LFs'
real correlations kept): the label model, ``SelfTrainingClassifier()`` (default: the naive Bayes refinement of
the soft labels first) and ``SelfTrainingClassifier(refine="none")``, on TF-IDF features as in end_models.py,
seed 0, WRENCH's metric on test. No gold label is used by any model.

    python benchmarks/end_models_subsets.py             # writes the end_models_subsets section of RESULTS.md
    python benchmarks/end_models_subsets.py --no-write  # print only
"""

from __future__ import annotations

import platform
import time
import warnings

import numpy as np
from _results import run_and_write  # benchmarks/_results.py (scripts run from benchmarks/)
from end_models import DATA, vectorizer, wrench_metric

import weaksup as ws
from weaksup.utils import probs_to_preds

SECTION = "end_models_subsets"
SETS = ("youtube", "sms", "trec", "hausa")
N_SUBSETS = 4


def run() -> list[dict]:
    rows = []
    for name in SETS:
        d = ws.datasets.load_wrench(str(DATA / name))
        tr, te = d["train"], d["test"]
        k = len(d.class_names)
        vec = vectorizer("tfidf").fit(tr.data["text"])
        X, X_te = vec.transform(tr.data["text"]).tocsr(), vec.transform(te.data["text"])
        L_tr, L_te = tr.L.to_dense(), te.L.to_dense()
        m = L_tr.shape[1]
        rng = np.random.default_rng(7)
        for share in rng.uniform(0.4, 0.8, N_SUBSETS):
            cols = np.sort(rng.choice(m, max(3, int(m * share)), replace=False))
            A, B = L_tr[:, cols], L_te[:, cols]
            cov = (A >= 0).any(axis=1)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                lm = ws.LabelModel(cardinality=k).fit(A)
                row = {"set": name, "lfs": len(cols),
                       "label model": wrench_metric(name, te.y, probs_to_preds(lm.predict_proba(B), tie_break="index"))}
                P = lm.predict_proba(A)[cov]
                for label, refine in (("self-trained", "auto"), ("self-trained, refine='none'", "none")):
                    st = ws.train.SelfTrainingClassifier(refine=refine, random_state=0)
                    st.fit(X[cov], P, X_unlabeled=X[~cov])
                    row[label] = wrench_metric(name, te.y, st.predict(X_te))
            rows.append(row)
            print(row, flush=True)
    return rows


def render(rows: list[dict], seconds: float) -> str:
    cols = ["label model", "self-trained", "self-trained, refine='none'"]
    out = [f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {platform.machine()}, Python "
           f"{platform.python_version()}, {seconds:.0f} s. Random subsets of each WRENCH set's LFs (40-80%, four per "
           "set, seed 7), TF-IDF features, seed 0, test metric in % (F1 of class 1 for sms, accuracy otherwise).", "",
           "| set | LFs | " + " | ".join(cols) + " |", "|---|---|" + "---|" * len(cols)]
    for r in rows:
        out.append(f"| {r['set']} | {r['lfs']} | " + " | ".join(f"{r[c]:.2f}" for c in cols) + " |")
    for c in cols[1:]:
        d = np.array([r[c] - r["label model"] for r in rows])
        out.append(f"\n- {c} - label model: mean {d.mean():+.2f}, worst {d.min():+.2f}; at least +1 (issue 15's "
                   f"target) on {(d >= 1).sum()} of {len(d)} matrices.")
    d = np.array([r[cols[1]] - r[cols[2]] for r in rows])
    out.append(f"- the refinement (default - refine='none'): mean {d.mean():+.2f}, worst {d.min():+.2f}, "
               f"best {d.max():+.2f}.")
    return "\n".join(out)


def main() -> None:
    run_and_write(SECTION, "## Self-training on LF sets not developed on (`benchmarks/end_models_subsets.py`)", __doc__, run, render)


if __name__ == "__main__":
    main()
