"""Two-class fits mixing LFs that vote one class (keywords) with LFs that vote both (classifiers)."""

from pathlib import Path

import numpy as np
import pytest

import weaksup as ws
from weaksup.utils import probs_to_preds

WRENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "wrench"
CLASSIFIERS = ((0.75, 0.3), (0.7, 0.25), (0.8, 0.2))  # (accuracy, coverage) of the simulated classifier LFs
# classifiers that cast most of the votes: then the LFs voting both classes get confusion matrices
CROWD_LIKE = ((0.75, 0.9), (0.7, 0.9), (0.8, 0.9), (0.72, 0.9), (0.78, 0.9))


def _classifier_lf(y: np.ndarray, acc: float, cov: float, rng: np.random.Generator) -> np.ndarray:
    votes = np.where(rng.random(len(y)) < acc, y, 1 - y)
    return np.where(rng.random(len(y)) < cov, votes, -1)


def _mixed(n: int = 6000, seed: int = 0, classifiers=CLASSIFIERS, balance: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """Four SPAM keyword LFs that fire together often, two HAM keyword LFs, noisy classifiers;
    every LF independent of the others given the class."""
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < balance).astype(int)
    cols = []
    for label, count, on, off in ((1, 4, 0.35, 0.03), (0, 2, 0.25, 0.05)):
        for _ in range(count):
            cols.append(np.where(rng.random(n) < np.where(y == label, on, off), label, -1))
    cols += [_classifier_lf(y, acc, cov, rng) for acc, cov in classifiers]
    return np.stack(cols, axis=1), y


def _gold_accuracy(L: np.ndarray, y: np.ndarray) -> np.ndarray:
    return np.array([(L[L[:, j] >= 0, j] == y[L[:, j] >= 0]).mean() for j in range(L.shape[1])])


def test_the_side_whose_lfs_overlap_less_is_not_driven_to_chance():
    # judged by the other keyword LFs, the HAM LFs (gold 0.82 / 0.86) ended at chance (0.50) and the model
    # scored 0.75 against majority vote's 0.87; the classifiers' votes judge them instead
    L, y = _mixed()
    model = ws.LabelModel(cardinality=2).fit(L)
    gold = _gold_accuracy(L, y)
    assert np.all(np.abs(model.lf_accuracy_[:6] - gold[:6]) < 0.1), (model.lf_accuracy_, gold)
    voted = (L >= 0).any(axis=1)
    ours = probs_to_preds(model.predict_proba(L), tie_break="index")[voted]
    mv = probs_to_preds(ws.MajorityVoter(cardinality=2).predict_proba(L), tie_break="index")[voted]
    assert (ours == y[voted]).mean() >= (mv == y[voted]).mean()


def test_a_lone_keyword_vote_is_its_lfs_accuracy_whatever_the_learned_balance():
    # the share of a keyword LF's votes that are right already holds the class balance: the learned
    # balance is not counted again on its vote (it was: 0.44 for a HAM LF fitted at 0.50)
    L, _ = _mixed(classifiers=CROWD_LIKE, balance=0.35)
    model = ws.LabelModel(cardinality=2).fit(L)
    assert model.class_conditional_lfs_[6:].all()
    assert abs(model.class_balance_[1] - 0.5) > 0.03  # learned from the classifiers
    for j, label in ((0, 1), (4, 0)):
        row = np.full((1, L.shape[1]), -1)
        row[0, j] = label
        assert model.predict_proba(row)[0, label] == pytest.approx(model.lf_accuracy_[j], abs=1e-6)


def test_a_mixed_fit_saves_and_loads_to_the_same_probabilities(tmp_path):
    L, _ = _mixed(n=3000)
    model = ws.LabelModel(cardinality=2).fit(L)
    model.save(tmp_path / "model")
    loaded = ws.LabelModel.load(tmp_path / "model")
    np.testing.assert_allclose(loaded.predict_proba(L), model.predict_proba(L))


def test_keyword_lfs_alone_fit_as_before_the_classifiers_rule():
    # without an LF voting both classes there is nothing to judge by: the rule does not apply
    L, _ = _mixed()
    keywords = L[:, :6]
    fitted = ws.LabelModel(cardinality=2).fit(keywords)
    never = ws.LabelModel(cardinality=2, class_conditional="never").fit(keywords)
    np.testing.assert_allclose(fitted.weights_, never.weights_)
    np.testing.assert_allclose(fitted.class_balance_, [0.5, 0.5])


def test_a_classifier_lf_at_chance_does_not_judge_the_keyword_lfs():
    # judges that cannot tell the classes apart count for nothing: their noise is not read as evidence
    # (it was, in a first version of the rule: youtube's keyword LFs plus one such LF, 83.7 -> 74.0)
    L, y = _mixed()
    keywords = L[:, :6]
    rng = np.random.default_rng(1)
    chance = np.where(rng.random(len(y)) < 0.3, rng.integers(0, 2, len(y)), -1)[:, None]
    alone = ws.LabelModel(cardinality=2).fit(keywords).lf_accuracy_
    judged = ws.LabelModel(cardinality=2).fit(np.hstack([keywords, chance])).lf_accuracy_[:6]
    np.testing.assert_allclose(judged, alone, atol=0.02)


def test_keyword_lfs_with_a_few_classifiers_keep_one_accuracy_each():
    # youtube's ten keyword LFs plus three simulated classifier LFs (a quarter of the votes): with confusion
    # matrices and a balance learned from the classifiers the model scored 74.6 against majority vote's
    # 82.8 on the test rows with a vote; one accuracy per LF, judged as before, scores above it
    from weaksup.datasets import load_wrench

    ds = load_wrench(WRENCH / "youtube", splits=("train", "test"))
    train, test = ds["train"], ds["test"]
    specs = ((0.665, 0.154, 444329031), (0.623, 0.26, 874268231), (0.782, 0.116, 945137575))

    def with_classifiers(L, y, shift):
        extra = [_classifier_lf(y, a, c, np.random.default_rng(s + shift)) for a, c, s in specs]
        return np.hstack([L.to_dense()] + [e[:, None] for e in extra])

    A, B = with_classifiers(train.L, train.y, 0), with_classifiers(test.L, test.y, 1)
    model = ws.LabelModel(cardinality=2).fit(A)
    assert not model.class_conditional_lfs_.any()
    np.testing.assert_allclose(model.class_balance_, [0.5, 0.5])
    voted = (B >= 0).any(axis=1)
    ours = probs_to_preds(model.predict_proba(B), tie_break="index")[voted]
    mv = probs_to_preds(ws.MajorityVoter(cardinality=2).predict_proba(B), tie_break="index")[voted]
    assert (ours == test.y[voted]).mean() > (mv == test.y[voted]).mean()


def test_annotators_with_a_few_one_class_lfs_keep_confusion_matrices():
    # crowd-like data (LFs voting both classes cast most votes): the Dawid-Skene part stays on
    L, y = _mixed(classifiers=CROWD_LIKE)
    model = ws.LabelModel(cardinality=2).fit(L)
    assert model.class_conditional_lfs_.tolist() == [False] * 6 + [True] * 5
