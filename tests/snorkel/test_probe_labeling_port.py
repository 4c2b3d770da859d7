"""Snorkel 0.10 labeling scripts on weaksup.snorkel and on Snorkel side by side: defects a probe found."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import snorkel.labeling as s_labeling
import snorkel.labeling.model as s_model

import weaksup as ws
import weaksup.snorkel.labeling as w_labeling
import weaksup.snorkel.labeling.model as w_model
from weaksup.errors import ModelInputError
from weaksup.snorkel.utils import probs_to_preds


@pytest.mark.parametrize("policy", ["random", "abstain", "true-random"])
@pytest.mark.parametrize("bad", [[np.nan, 0.5], [0.5, np.nan], [np.inf, 0.5], [-np.inf, -np.inf]])
def test_probs_to_preds_names_a_non_finite_row(policy, bad):
    """A NaN row was silently called a class (NumPy's argmax of [nan, 0.5] is 0; Snorkel raised
    ZeroDivisionError); it is now a typed error naming the row and its values."""
    P = np.array([[0.2, 0.8], bad, [0.7, 0.3]])
    with pytest.raises(ModelInputError, match=r"probs row 1 holds NaN or inf where a number is needed: \["):
        probs_to_preds(P, tie_break_policy=policy)
    assert probs_to_preds(P[[0, 2]], tie_break_policy=policy).tolist() == [1, 0]


@pytest.mark.parametrize("policy", ["random", "abstain"])
def test_probs_to_preds_takes_minus_inf_as_snorkel(policy):
    """-inf (a log-probability of 0) is never the top class, in Snorkel and here."""
    from snorkel.utils import probs_to_preds as theirs

    P = np.array([[-np.inf, 0.5], [0.2, 0.8], [0.0, -np.inf]])
    assert probs_to_preds(P, tie_break_policy=policy).tolist() == theirs(P, tie_break_policy=policy).tolist()


def test_score_lines_up_a_gold_series_with_a_label_matrix_s_row_ids():
    """``score(L, df.label)`` with a native LabelMatrix (row ids) read the Series by position, so gold labels in
    another order scored 0.0 where LFAnalysis and the native model score 1.0; a dense L still reads by position."""
    df = pd.DataFrame({"a": [1, 0, 1, 0, 1], "label": [1, 0, 1, 0, 1]}, index=["v", "w", "x", "y", "z"])

    @ws.labeling_function()
    def copy_a(x):
        return int(x.a)

    L = ws.LFApplier([copy_a]).apply(df, progress=False)
    gold = df["label"].iloc[[3, 0, 4, 1, 2]]  # the same ids, another order
    assert w_model.MajorityLabelVoter().score(L, gold, metrics=["accuracy"]) == {"accuracy": 1.0}
    assert w_labeling.LFAnalysis(L).lf_empirical_accuracies(gold).tolist() == [1.0]
    dense = L.to_dense()  # what Snorkel's applier returns: no ids, Y by position, as in Snorkel
    theirs = s_model.MajorityLabelVoter().score(dense, gold, metrics=["accuracy"])
    assert w_model.MajorityLabelVoter().score(dense, gold, metrics=["accuracy"]) == theirs
    with pytest.raises(ModelInputError, match="row ids"):
        w_model.MajorityLabelVoter().score(L, gold.set_axis(["p", "q", "r", "s", "t"]), metrics=["accuracy"])


def test_majority_class_voter_balance_must_match_cardinality():
    """A balance of 3 shares on a cardinality-2 voter silently gave 3 columns (Snorkel gives 2, or an
    IndexError): a Snorkel script's later steps then saw another shape. Now a typed error naming both."""
    L = np.array([[0, 1], [1, -1]])
    with pytest.raises(ModelInputError, match=r"balance has 3 shares .* cardinality=2"):
        w_model.MajorityClassVoter().fit(balance=np.array([0.2, 0.5, 0.3]))
    ours = w_model.MajorityClassVoter(cardinality=3).fit(balance=np.array([0.2, 0.5, 0.3]))
    theirs = s_model.MajorityClassVoter(cardinality=3)
    theirs.fit(balance=np.array([0.2, 0.5, 0.3]))
    np.testing.assert_allclose(ours.predict_proba(L), theirs.predict_proba(L))


@pytest.mark.parametrize("kind", ["series", "frame"])
def test_filter_unlabeled_dataframe_keeps_a_pandas_y_as_snorkel(kind):
    """Snorkel returns ``y[mask]``: a Series or DataFrame of probabilities stays one (with its index); the port
    returned a bare array, so ``y_filtered.index`` / ``.values`` in a Snorkel script raised AttributeError."""
    X = pd.DataFrame({"text": ["a", "b", "c", "d"]}, index=[7, 3, 9, 1])
    probs = np.array([[0.5, 0.5], [0.1, 0.9], [0.8, 0.2], [0.3, 0.7]])
    y = pd.Series(probs[:, 1], index=X.index) if kind == "series" else pd.DataFrame(probs, index=X.index)
    L = np.array([[-1, -1], [1, -1], [-1, 0], [1, 1]])
    X_w, y_w = w_labeling.filter_unlabeled_dataframe(X=X, y=y, L=L)
    X_s, y_s = s_labeling.filter_unlabeled_dataframe(X=X, y=y, L=L)
    pd.testing.assert_frame_equal(X_w, X_s)
    assert type(y_w) is type(y_s)
    if kind == "series":
        pd.testing.assert_series_equal(y_w, y_s)
    else:
        pd.testing.assert_frame_equal(y_w, y_s)
    X_a, y_a = w_labeling.filter_unlabeled_dataframe(X=X, y=probs, L=L)  # an array stays an array
    assert isinstance(y_a, np.ndarray) and y_a.tolist() == probs[1:].tolist()
