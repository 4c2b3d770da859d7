"""weaksup.snorkel.utils and .analysis against Snorkel 0.10, side by side."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import snorkel.analysis as sk_analysis
import snorkel.utils as sk_utils

import weaksup.snorkel.analysis as wk_analysis
import weaksup.snorkel.utils as wk_utils


@pytest.mark.parametrize("policy", ["random", "abstain"])
def test_probs_to_preds_matches_snorkel(ties_probs, policy):
    np.testing.assert_array_equal(wk_utils.probs_to_preds(ties_probs, tie_break_policy=policy),
                                  sk_utils.probs_to_preds(ties_probs, tie_break_policy=policy))


def test_probs_to_preds_default_is_snorkels_random(ties_probs):
    ours = wk_utils.probs_to_preds(ties_probs)
    np.testing.assert_array_equal(ours, sk_utils.probs_to_preds(ties_probs))
    assert (ours >= 0).all()  # the native default would abstain on these ties
    rng_preds = wk_utils.probs_to_preds(ties_probs, tie_break_policy="true-random")
    tied = np.isclose(ties_probs, ties_probs.max(axis=1, keepdims=True))
    assert tied[np.arange(len(rng_preds)), rng_preds].all()  # a draw among the tied classes
    with pytest.raises(ValueError, match="policy not recognized"):
        wk_utils.probs_to_preds(ties_probs, tie_break_policy="negative")
    with pytest.raises(ValueError, match="probs must have probabilities"):
        wk_utils.probs_to_preds(np.array([[0.3], [0.7]]))


def test_label_conversions_match_snorkel():
    np.testing.assert_array_equal(wk_utils.preds_to_probs(np.array([1, 0, 2]), 3),
                                  sk_utils.preds_to_probs(np.array([1, 0, 2]), 3))
    X = np.array([[1], [0], [2.0]])
    for flatten in (True, False):
        np.testing.assert_array_equal(wk_utils.to_int_label_array(X, flatten_vector=flatten),
                                      sk_utils.to_int_label_array(X, flatten_vector=flatten))
    with pytest.raises(ValueError, match="non-integer value"):
        wk_utils.to_int_label_array(np.array([1.5]))
    with pytest.raises(ValueError, match="1d np.array"):
        wk_utils.to_int_label_array(np.array([[1, 0], [0, 1]]))
    labels = {"golds": np.array([-1, 0, 0, 1, 1]), "preds": np.array([0, 0, 1, 1, -1]),
              "probs": np.eye(2)[[0, 0, 1, 1, 0]]}
    drop = {"golds": [-1], "preds": [-1]}
    ours, theirs = wk_utils.filter_labels(labels, drop), sk_utils.filter_labels(labels, drop)
    for key in labels:
        np.testing.assert_array_equal(ours[key], theirs[key])


@pytest.mark.parametrize("metric", ["accuracy", "coverage", "precision", "recall", "f1", "f1_micro", "f1_macro",
                                    "fbeta", "matthews_corrcoef", "roc_auc"])
def test_metric_score_matches_snorkel(metric):
    rng = np.random.default_rng(3)
    golds = rng.integers(0, 2, 50)
    preds = np.where(rng.random(50) < 0.8, golds, 1 - golds)
    preds[::7] = -1
    probs = np.column_stack([1 - rng.random(50), np.zeros(50)])
    probs[:, 1] = 1 - probs[:, 0]
    for filt in (None, {"preds": [-1]}):
        kwargs = dict(golds=golds, preds=preds, probs=probs, metric=metric, filter_dict=filt)
        if metric in ("precision", "recall", "f1", "fbeta", "matthews_corrcoef", "f1_micro", "f1_macro") and not filt:
            kwargs["preds"] = np.abs(preds)  # binary metrics need binary predictions
        if metric == "fbeta":
            kwargs["beta"] = 0.5  # Snorkel has no default beta (weaksup's is 1)
        assert wk_analysis.metric_score(**kwargs) == pytest.approx(sk_analysis.metric_score(**kwargs))
    with pytest.raises(ValueError, match="not currently implemented"):
        wk_analysis.metric_score(golds, preds, metric="f2")


def test_scorer_drops_abstains_like_snorkel():
    golds = np.array([1, 0, 1, 0, -1, 1])
    preds = np.array([-1, 0, 1, 1, 0, 1])
    probs = np.eye(2)[[0, 0, 1, 1, 0, 1]]
    for abstain, metrics in ((-1, ["accuracy", "coverage", "f1"]), (None, ["accuracy", "coverage"])):
        ours = wk_analysis.Scorer(metrics=metrics, abstain_label=abstain)
        theirs = sk_analysis.Scorer(metrics=metrics, abstain_label=abstain)
        assert ours.score(golds, preds, probs) == pytest.approx(theirs.score(golds, preds, probs))
    assert wk_analysis.Scorer(metrics=["accuracy"]).score(golds, preds)["accuracy"] == 0.75  # 3 of 4 kept rows
    custom = {"n_pos": lambda g, p, pr: int((p == 1).sum())}
    assert wk_analysis.Scorer(custom_metric_funcs=custom).score(golds, preds) == {"n_pos": 3}
    with pytest.raises(ValueError, match="Unrecognized metric"):
        wk_analysis.Scorer(metrics=["f2"])
    with pytest.raises(ValueError, match="Cannot score"):
        wk_analysis.Scorer().score([], [], [])


def test_score_slices_takes_snorkels_record_array_and_the_native_slice_matrix():
    from weaksup.slicing import SliceMatrix

    golds = np.array([0, 1, 0, 1, 0, 1])
    preds = np.array([0, 0, 0, 1, -1, 1])
    probs = np.eye(2)[np.abs(preds)]
    S = np.rec.fromarrays([np.array([1, 1, 1, 0, 0, 0]), np.array([0, 0, 1, 1, 1, 1])], names=["short", "long"])
    ours = wk_analysis.Scorer(metrics=["accuracy"])
    theirs = sk_analysis.Scorer(metrics=["accuracy"])
    expected = theirs.score_slices(S, golds, preds, probs)
    assert ours.score_slices(S, golds, preds, probs) == expected
    native = SliceMatrix.from_dense(np.column_stack([S["short"], S["long"]]).astype(bool), names=["short", "long"])
    assert ours.score_slices(native, golds, preds, probs) == expected
    frame = ours.score_slices(S, golds, preds, probs, as_dataframe=True)
    pd.testing.assert_frame_equal(frame, theirs.score_slices(S, golds, preds, probs, as_dataframe=True))
    with pytest.raises(ValueError, match="same number of elements"):
        ours.score_slices(S, golds[:2], preds, probs)


def test_label_buckets_match_snorkel():
    rng = np.random.default_rng(4)
    y1, y2, y3 = rng.integers(0, 3, 30), rng.integers(0, 2, 30).reshape(-1, 1), rng.integers(-1, 2, 30)
    for arrays in ((y1, y2), (y1, y2, y3)):
        ours, theirs = wk_analysis.get_label_buckets(*arrays), sk_analysis.get_label_buckets(*arrays)
        assert ours.keys() == theirs.keys()
        for key in theirs:
            np.testing.assert_array_equal(ours[key], theirs[key])
    x = np.arange(30) * 10
    np.testing.assert_array_equal(wk_analysis.get_label_instances((1, 0), x, y1, y2),
                                  sk_analysis.get_label_instances((1, 0), x, y1, y2))
    with pytest.raises(ValueError, match="same number of elements"):
        wk_analysis.get_label_buckets(np.array([0, 1, 1]), np.array([1, 1]))
