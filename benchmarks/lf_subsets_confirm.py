"""The confirmation set of the label model's majority-vote fallback (issue 13): label matrices kept out of development.

``lf_subsets.py`` is what the fallback for fits that put every LF of a class at chance was developed on; these 80
matrices were drawn afterwards to confirm it, and no default has been chosen on them: 16 random subsets (30-80% of
the LFs, seed 100) of WRENCH youtube, sms and tennis, and of the two LF sets on the bundled YouTube spam comments
(``weaksup.datasets.spam_lfs()`` and the held-out LFs of ``end_models.py``). Fitted on train, scored on the test rows
with a vote (F1 of class 1 for sms and tennis), ties to ``row index mod #tied`` as in label_suite. Prints the default
minus majority vote per set and over all (mean, worst, matrices more than 0.5 below); writes nothing.

    python benchmarks/lf_subsets_confirm.py

Measured when the fallback was added (2026-12-01): before it, all 80: mean +0.08, worst -9.22, 22 below; with it:
mean -0.01, worst -7.59, 16 below (README, "Label models").
"""

from __future__ import annotations

import warnings

import numpy as np
from end_models import heldout_spam_lfs  # benchmarks/ (scripts run from benchmarks/)
from lf_subsets import DATA, METRIC, score

import weaksup as ws


def label_sets():
    for name in ("youtube", "sms", "tennis"):
        ds = ws.datasets.load_wrench(DATA / name, splits=("train", "test"))
        yield name, METRIC[name], ds["train"].L.to_dense(), ds["test"].L.to_dense(), ds["test"].y
    train, _, test = ws.datasets.load_youtube_spam()
    for name, lfs in (("spam, spam_lfs()", ws.datasets.spam_lfs()), ("spam, held-out LFs", heldout_spam_lfs())):
        applier = ws.LFApplier(lfs, cardinality=2)
        yield (name, "acc", applier.apply(train, progress=False).to_dense(),
               applier.apply(test, progress=False).to_dense(), test["label"].to_numpy())


def main() -> None:
    every = []
    for name, metric, L_fit, L_eval, y in label_sets():
        m, rng, diffs = L_fit.shape[1], np.random.default_rng(100), []
        for share in rng.uniform(0.3, 0.8, 16):
            cols = np.sort(rng.choice(m, max(3, int(m * share)), replace=False))
            A, B = L_fit[:, cols], L_eval[:, cols]
            voted = (B >= 0).any(axis=1)
            if voted.sum() < 20:
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ours = score(metric, y, ws.LabelModel(cardinality=2).fit(A).predict_proba(B), voted)
            diffs.append(ours - score(metric, y, ws.MajorityVoter(cardinality=2).predict_proba(B), voted))
        d = np.array(diffs)
        every.append(d)
        print(f"{name}: {len(d)} matrices, default - majority vote: mean {d.mean():+.2f}, worst {d.min():+.2f}, "
              f"{(d < -0.5).sum()} more than 0.5 below")
    d = np.concatenate(every)
    print(f"all {len(d)}: mean {d.mean():+.2f}, worst {d.min():+.2f}, {(d < -0.5).sum()} more than 0.5 below")


if __name__ == "__main__":
    main()
