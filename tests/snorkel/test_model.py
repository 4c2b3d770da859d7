"""weaksup.snorkel.labeling.model against Snorkel 0.10's label models, side by side."""

from __future__ import annotations

import json
import logging
import warnings

import numpy as np
import pytest
import snorkel.labeling.model as sk

import weaksup as ws
import weaksup.snorkel.labeling.model as wk


@pytest.fixture(scope="module")
def fitted(spam_L):
    L_train = spam_L[0]
    ours = wk.LabelModel(cardinality=2, verbose=False).fit(L_train=L_train, n_epochs=200, lr=0.01, log_freq=50,
                                                           seed=123, progress_bar=False)
    theirs = sk.LabelModel(cardinality=2, verbose=False)
    theirs.fit(L_train=L_train, n_epochs=200, lr=0.01, log_freq=50, seed=123, progress_bar=False)
    return ours, theirs


def test_label_model_is_matrix_completion_with_snorkels_results(fitted, spam_L):
    ours, theirs = fitted
    assert isinstance(ours, ws.MatrixCompletion)
    for L in spam_L:
        np.testing.assert_allclose(ours.predict_proba(L), theirs.predict_proba(L), atol=1e-4)
    np.testing.assert_allclose(ours.get_conditional_probs(), theirs.get_conditional_probs(), atol=1e-4)
    np.testing.assert_allclose(ours.get_weights(), theirs.get_weights(), atol=1e-4)


@pytest.mark.parametrize("policy", ["abstain", "random"])
def test_predict_and_score_follow_snorkels_tie_rules(fitted, spam_L, spam, policy):
    ours, theirs = fitted
    L_test, y_test = spam_L[2], spam[2]["label"].to_numpy()
    np.testing.assert_array_equal(ours.predict(L_test, tie_break_policy=policy),
                                  theirs.predict(L_test, tie_break_policy=policy))
    preds, probs = ours.predict(L_test, return_probs=True, tie_break_policy=policy)
    np.testing.assert_allclose(probs, theirs.predict_proba(L_test), atol=1e-4)
    metrics = ["accuracy", "coverage", "f1", "precision", "recall"]
    got = ours.score(L=L_test, Y=y_test, metrics=metrics, tie_break_policy=policy)
    want = theirs.score(L=L_test, Y=y_test, metrics=metrics, tie_break_policy=policy)
    assert got == pytest.approx(want)
    # Snorkel leaves abstained predictions out; weaksup's native score counts them as wrong
    if policy == "abstain" and got["coverage"] < 1:
        native = ws.MatrixCompletion.evaluate(ours, L_test, y_test, tie_break="abstain")["accuracy"]
        assert native < got["accuracy"]


def test_class_balance_and_dev_labels_as_snorkel(spam_L, spam):
    L_train = spam_L[0]
    y_dev = spam[1]["label"].to_numpy()
    for kwargs in ({"class_balance": [0.3, 0.7]}, {"Y_dev": y_dev}):
        ours = wk.LabelModel(verbose=False).fit(L_train, seed=1, progress_bar=False, **kwargs)
        theirs = sk.LabelModel(verbose=False)
        theirs.fit(L_train, seed=1, progress_bar=False, **kwargs)
        np.testing.assert_allclose(ours.predict_proba(spam_L[2]), theirs.predict_proba(spam_L[2]), atol=1e-4)
    with pytest.raises(ValueError, match="Class balance prior is 0"):
        wk.LabelModel(verbose=False).fit(L_train, class_balance=[0.0, 1.0])
    with pytest.raises(ValueError, match="Does not match LabelModel cardinality"):
        wk.LabelModel(verbose=False).fit(L_train, Y_dev=np.zeros(5, dtype=int))


def test_unsupported_options_raise_instead_of_being_ignored(spam_L):
    model = wk.LabelModel(verbose=False)
    for kwargs in ({"optimizer": "adamax"}, {"lr_scheduler": "linear"}, {"mu_eps": 0.01}, {"prec_init": [0.7] * 7}):
        with pytest.raises(ws.ModelInputError):
            model.fit(spam_L[0], n_epochs=1, progress_bar=False, **kwargs)
    with pytest.raises(TypeError, match="unexpected"):
        model.fit(spam_L[0], n_epoch=5)


def test_verbose_logs_the_loss(spam_L, caplog):
    with caplog.at_level(logging.INFO, logger="weaksup.snorkel.labeling.model.label_model"):
        wk.LabelModel(verbose=True).fit(spam_L[0], n_epochs=20, progress_bar=False)
    assert "loss=" in caplog.text


def test_save_and_load_never_pickle(fitted, spam_L, tmp_path):
    ours, _ = fitted
    target = ours.save(tmp_path / "label_model.pkl")  # Snorkel's usual file name: a folder of JSON + npz here
    assert sorted(p.name for p in target.iterdir()) == ["arrays.npz", "model.json"]
    assert json.loads((target / "model.json").read_text())["class"] == "LabelModel"
    fresh = wk.LabelModel(cardinality=2, verbose=False)
    fresh.load(target)  # Snorkel's call: load into an instance
    np.testing.assert_array_equal(fresh.predict(spam_L[2]), ours.predict(spam_L[2]))
    np.testing.assert_allclose(fresh.get_weights(), ours.get_weights())
    again = wk.LabelModel.load(target)  # weaksup's call: a new model
    np.testing.assert_array_equal(again.predict_proba(spam_L[2]), ours.predict_proba(spam_L[2]))
    np.testing.assert_array_equal(np.load(target / "arrays.npz", allow_pickle=False)["mu_"], ours.mu_)


def test_majority_label_voter_matches_snorkel(spam_L, spam):
    ours, theirs = wk.MajorityLabelVoter(), sk.MajorityLabelVoter()
    y = spam[2]["label"].to_numpy()
    for L in spam_L:
        np.testing.assert_allclose(ours.predict_proba(L), theirs.predict_proba(L))
        for policy in ("abstain", "random"):
            np.testing.assert_array_equal(ours.predict(L, tie_break_policy=policy),
                                          theirs.predict(L, tie_break_policy=policy))
    assert ours.score(spam_L[2], y, metrics=["accuracy", "coverage"]) == pytest.approx(
        theirs.score(spam_L[2], y, metrics=["accuracy", "coverage"]))
    three = np.array([[0, 1, 2], [2, 2, -1]])  # multiclass, any number of LFs per call
    np.testing.assert_allclose(wk.MajorityLabelVoter(cardinality=3).predict_proba(three),
                               sk.MajorityLabelVoter(cardinality=3).predict_proba(three))


def test_majority_class_and_random_voters_match_snorkel():
    L = np.array([[0, 1, 0], [1, 1, 0], [-1, -1, 1]])
    ours, theirs = wk.MajorityClassVoter(), sk.MajorityClassVoter()
    ours.fit(balance=np.array([0.2, 0.8]))
    theirs.fit(balance=np.array([0.2, 0.8]))
    np.testing.assert_allclose(ours.predict_proba(L), theirs.predict_proba(L))
    np.testing.assert_array_equal(ours.predict(L), theirs.predict(L))
    P = wk.RandomVoter(random_state=0).predict_proba(L)
    np.testing.assert_allclose(P.sum(axis=1), 1.0)
    np.testing.assert_array_equal(P, wk.RandomVoter(random_state=0).predict_proba(L))


def test_l2_fit_that_converges_is_not_refitted_and_matches_snorkel():
    # weight decay (Snorkel's l2 acts in the optimizer too) leaves the loss above its start on a converged run
    rng = np.random.RandomState(0)
    n = 1000
    y = rng.randint(0, 3, n)

    def lf(acc, cov):
        v = np.where(rng.rand(n) < acc, y, (y + rng.randint(1, 3, n)) % 3)
        return np.where(rng.rand(n) < cov, v, -1)

    L = np.stack([lf(.8, .6), lf(.7, .5), lf(.9, .3), lf(.6, .8), lf(.5, .9)], axis=1)
    ref = sk.LabelModel(cardinality=3, verbose=False)
    ref.fit(L, progress_bar=False, l2=0.5, seed=4)
    ours = wk.LabelModel(cardinality=3, verbose=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ws.WeaksupWarning)
        ours.fit(L, progress_bar=False, l2=0.5, seed=4)
    np.testing.assert_allclose(ours.predict_proba(L), ref.predict_proba(L), atol=1e-4)


def test_snorkel_habits_around_save_load_and_fit_options(tmp_path):
    mv = wk.MajorityLabelVoter(cardinality=3)
    mv.save(tmp_path / "mv")  # Snorkel's needs no fit to save
    loaded = wk.MajorityLabelVoter()
    loaded.load(tmp_path / "mv")
    assert loaded.cardinality == 3 and loaded.predict(np.array([[2, 2, -1]])).tolist() == [2]
    with pytest.raises(FileNotFoundError):  # what code written for Snorkel catches before refitting
        wk.LabelModel().load(tmp_path / "nothing here")
    L = np.array([[0, 0, -1], [1, 1, 1], [0, -1, 0], [1, 1, -1]] * 5)
    for catch in (ValueError, TypeError):  # Snorkel raises ValueError for an unknown option
        with pytest.raises(catch, match="n_epoch"):
            wk.LabelModel(verbose=False).fit(L, n_epoch=10, progress_bar=False)
