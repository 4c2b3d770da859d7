"""The bundled end-to-end demo behind ``weaksup quickstart``: spam LFs -> analysis -> label model -> export -> end model."""

from __future__ import annotations

import time
import warnings
from pathlib import Path

import pandas as pd

from weaksup.analysis import LFAnalysis
from weaksup.apply import LFApplier
from weaksup.datasets import load_youtube_spam
from weaksup.datasets.spam_lfs import spam_lfs
from weaksup.datasets.youtube import CLASS_NAMES
from weaksup.errors import ParameterError, WeaksupWarning
from weaksup.io import export_labels
from weaksup.models import LabelModel, MajorityVoter
from weaksup.utils import filter_unlabeled


def run_quickstart(out_dir: str | Path = "weaksup_out", progress: bool = True, echo=print) -> dict[str, float]:
    """Run the YouTube spam demo and write probabilistic labels for train into ``out_dir``.

    Applies the example LFs, compares majority vote with the default ``LabelModel`` on
    test, exports the label model's probabilistic labels for train, then trains a TF-IDF
    + :class:`~weaksup.train.SoftLabelClassifier` end model on them (rows with at least
    one vote; the valid split stops training early and picks the class weighting) and
    scores it on test. Returns the test-split scores it printed.

    Examples
    --------
    >>> import tempfile
    >>> scores = run_quickstart(tempfile.mkdtemp(), progress=False, echo=lambda *a: None)
    >>> scores["majority_vote_accuracy"] > 0.8, scores["end_model_accuracy"] > 0.8
    (True, True)
    """
    start = time.perf_counter()
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():  # found now, not after the work, when the labels are written
        raise ParameterError(f"cannot write the quickstart's files into {str(out_dir)!r}: it is a file; "
                             "give a folder (--out)")
    train, valid, test = load_youtube_spam()
    echo(f"Loaded YouTube spam comments: train {len(train)}, valid {len(valid)}, test {len(test)} rows")
    lfs = spam_lfs()
    applier = LFApplier(lfs, cardinality=2)
    L_train = applier.apply(train, progress=progress)
    L_test = applier.apply(test, progress=False)
    y_valid, y_test = valid["label"].to_numpy(), test["label"].to_numpy()

    echo("\nLabeling functions on the test split (gold labels used for the accuracy columns only):")
    with pd.option_context("display.width", 140, "display.max_columns", 20, "display.precision", 3):
        echo(LFAnalysis(L_test, lfs).summary(Y=y_test).to_string())
    echo(f"\nTrain label coverage: {LFAnalysis(L_train).label_coverage():.1%}")

    scores: dict[str, float] = {}
    majority = MajorityVoter(cardinality=2).fit(L_train)
    scores["majority_vote_accuracy"] = majority.score(L_test, y_test)
    echo(f"Majority vote test accuracy: {scores['majority_vote_accuracy']:.1%}")
    with warnings.catch_warnings(record=True) as caught:  # shown below as a note, not as a raw warning
        warnings.simplefilter("always", WeaksupWarning)
        label_model = LabelModel(cardinality=2).fit(L_train, seed=0)
    scores["label_model_accuracy"] = label_model.score(L_test, y_test)
    echo(f"Label model ({type(label_model).__name__}) test accuracy: {scores['label_model_accuracy']:.1%}")
    for w in caught:
        if issubclass(w.category, WeaksupWarning):
            echo(f"  note: {w.message}")

    probs = label_model.predict_proba(L_train)
    path = export_labels(out_dir / "train_labels.csv", probs, index=L_train.index, L=L_train, class_names=CLASS_NAMES)
    L_train.save(out_dir / "L_train.npz")
    echo(f"\nWrote probabilistic labels for {len(probs)} train rows to {path}")

    scores["end_model_accuracy"] = _end_model_accuracy(train, probs, L_train, valid, y_valid, test, y_test, echo)
    echo(f"End model (TF-IDF + SoftLabelClassifier on the label model's soft labels) test accuracy: "
         f"{scores['end_model_accuracy']:.1%}")
    echo(f"Done in {time.perf_counter() - start:.1f} s")
    return scores


def _end_model_accuracy(train, probs, L_train, valid, y_valid, test, y_test, echo) -> float:
    """Train logistic regression on TF-IDF features and soft labels; early stopping and class weighting on valid."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from weaksup.train import SoftLabelClassifier

    covered, probs_covered = filter_unlabeled(train, probs, L_train)
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
    X_train = vectorizer.fit_transform(covered["text"])
    X_valid, X_test = vectorizer.transform(valid["text"]), vectorizer.transform(test["text"])
    echo(f"Training the end model on the {len(covered)} train rows with at least one LF vote")
    fits = [SoftLabelClassifier(class_weight=cw, max_epochs=60, patience=5, random_state=0)
            .fit(X_train, probs_covered, X_dev=X_valid, y_dev=y_valid) for cw in (None, "balanced")]
    best = max(fits, key=lambda clf: clf.best_dev_score_)
    return float(best.score(X_test, y_test))
