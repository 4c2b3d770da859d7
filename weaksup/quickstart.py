"""The bundled end-to-end demo behind ``weaksup quickstart``: spam LFs -> analysis -> label model -> export."""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd

from weaksup.analysis import LFAnalysis
from weaksup.apply import LFApplier
from weaksup.datasets import load_youtube_spam
from weaksup.datasets.spam_lfs import spam_lfs
from weaksup.datasets.youtube import CLASS_NAMES
from weaksup.io import export_labels
from weaksup.models import MajorityVoter


def run_quickstart(out_dir: str | Path = "weaksup_out", progress: bool = True, echo=print) -> dict[str, float]:
    """Run the YouTube spam demo and write probabilistic labels for train into ``out_dir``.

    Returns the test-split scores it printed.

    Examples
    --------
    >>> import tempfile
    >>> scores = run_quickstart(tempfile.mkdtemp(), progress=False, echo=lambda *a: None)
    >>> scores["majority_vote_accuracy"] > 0.8
    True
    """
    start = time.perf_counter()
    out_dir = Path(out_dir)
    train, valid, test = load_youtube_spam()
    echo(f"Loaded YouTube spam comments: train {len(train)}, valid {len(valid)}, test {len(test)} rows")
    lfs = spam_lfs()
    applier = LFApplier(lfs, cardinality=2)
    L_train = applier.apply(train, progress=progress)
    L_test = applier.apply(test, progress=False)

    echo("\nLabeling functions on the test split (gold labels used for the accuracy columns only):")
    with pd.option_context("display.width", 140, "display.max_columns", 20, "display.precision", 3):
        echo(LFAnalysis(L_test, lfs).summary(Y=test["label"].to_numpy()).to_string())
    echo(f"\nTrain label coverage: {LFAnalysis(L_train).label_coverage():.1%}")

    scores: dict[str, float] = {}
    majority = MajorityVoter(cardinality=2).fit(L_train)
    scores["majority_vote_accuracy"] = majority.score(L_test, test["label"].to_numpy())["accuracy"]
    echo(f"Majority vote test accuracy: {scores['majority_vote_accuracy']:.1%}")

    probs = majority.predict_proba(L_train)
    path = export_labels(out_dir / "train_labels.csv", probs, index=L_train.index, L=L_train, class_names=CLASS_NAMES)
    L_train.save(out_dir / "L_train.npz")
    echo(f"\nWrote probabilistic labels for {len(probs)} train rows to {path}")
    echo(f"Done in {time.perf_counter() - start:.1f} s")
    return scores
