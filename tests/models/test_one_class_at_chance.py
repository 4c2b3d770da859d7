"""Two classes, every LF voting one class: a fit that puts every LF of one class at chance falls back to majority vote."""

import warnings
from pathlib import Path

import numpy as np
import pytest

import weaksup as ws
from weaksup.errors import WeaksupWarning
from weaksup.utils import probs_to_preds

WRENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "wrench"


def _accuracy(model, L: np.ndarray, y: np.ndarray) -> float:
    voted = (L >= 0).any(axis=1)
    return float((probs_to_preds(model.predict_proba(L), tie_break="index")[voted] == y[voted]).mean())


def test_youtube_lf_subset_whose_accurate_side_overlaps_less():
    # two SPAM LFs (gold accuracy 0.98, 1.00) and four HAM LFs (0.57-0.73): EM put both SPAM LFs at chance and
    # scored 9.7 points below majority vote on test; now it is majority vote, and says why
    ds = ws.datasets.load_wrench(WRENCH / "youtube", splits=("train", "test"))
    cols = [3, 4, 5, 6, 7, 9]
    names = [ds["train"].L.lf_names[j] for j in cols]
    A = ws.LabelMatrix.from_dense(ds["train"].L.to_dense()[:, cols], lf_names=names)
    B, y = ds["test"].L.to_dense()[:, cols], ds["test"].y
    with pytest.warns(WeaksupWarning, match="every LF voting only class 1") as record:
        model = ws.LabelModel(cardinality=2).fit(A)
    message = str(record[0].message)
    assert names[0] in message and names[2] in message and names[1] not in message
    assert model.chance_classes_.tolist() == [False, True]
    assert np.flatnonzero(model.chance_lfs_).tolist() == [0, 2]
    assert np.allclose(model.weights_, model.weights_[0])
    row = model.diagnose().set_index("check").loc["one class's LFs at chance"]
    assert not row.ok and names[0] in row.detail
    mv = ws.MajorityVoter(cardinality=2)
    assert _accuracy(model, B, y) >= _accuracy(mv, B, y) - 1e-12


def test_full_youtube_keeps_its_asymmetric_fit():
    # youtube's HAM LFs are its weak ones (gold 0.57-0.84); one of them keeps a weight, so nothing falls back
    ds = ws.datasets.load_wrench(WRENCH / "youtube", splits=("train",))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", WeaksupWarning)
        model = ws.LabelModel(cardinality=2).fit(ds["train"].L)
    assert not model.chance_classes_.any() and not model.chance_lfs_.any()
    assert model.diagnose().set_index("check").loc["one class's LFs at chance"].ok
    assert model.weights_.max() > 2 * model.weights_.min() + 1.0


def test_both_sides_fitted_or_lfs_voting_both_classes_are_left_alone():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 4000)
    two_class = np.stack([np.where(rng.random(4000) < a, y, 1 - y) for a in (0.9, 0.8, 0.7)], axis=1)
    model = ws.LabelModel(cardinality=2).fit(two_class)
    assert not model.chance_classes_.any()
    one_class = np.stack([np.where((y == c) & (rng.random(4000) < 0.4), c, -1) for c in (0, 0, 1, 1)], axis=1)
    assert not ws.LabelModel(cardinality=2).fit(one_class).chance_classes_.any()


def test_several_classes_whose_lfs_are_all_at_chance():
    # six classes, keyword LFs that fire independently given the class (4-20 per class, as benchmarks/balance_gap.py):
    # EM put every LF of some classes at chance and scored below majority vote (0.537 vs 0.600 over its seeds)
    rng = np.random.default_rng(0)
    n, per_class = 30000, (4, 20, 10, 15, 12, 7)
    y = rng.integers(0, 6, n)
    cls = np.repeat(np.arange(6), per_class)
    tpr, fpr = rng.uniform(0.02, 0.2, len(cls)), rng.uniform(0.005, 0.03, len(cls))
    fires = rng.random((n, len(cls))) < np.where(y[:, None] == cls[None, :], tpr, fpr)
    L = np.where(fires, cls[None, :], -1)
    with pytest.warns(WeaksupWarning, match="every LF voting only class"):
        model = ws.LabelModel(cardinality=6).fit(L)
    dead = np.flatnonzero(model.chance_classes_)
    assert len(dead) and set(cls[model.chance_lfs_]) == set(dead.tolist())
    assert _accuracy(model, L, y) >= _accuracy(ws.MajorityVoter(cardinality=6), L, y) - 1e-12
