import numpy as np
import pandas as pd
import pytest

from weaksup import ModelInputError, filter_unlabeled, preds_to_probs, probs_to_preds
from weaksup.utils import align_labels, check_probs


def test_probs_to_preds_policies():
    P = np.array([[0.5, 0.5, 0.0], [0.1, 0.2, 0.7], [1 / 3, 1 / 3, 1 / 3]])
    assert probs_to_preds(P).tolist() == [-1, 2, -1]
    assert probs_to_preds(P, tie_break="prior", prior=[0.1, 0.6, 0.3]).tolist() == [1, 2, 1]
    assert probs_to_preds(P, tie_break="index").tolist() == [0, 2, 2]
    r = probs_to_preds(P, tie_break="random", seed=1)
    assert r[0] in (0, 1) and r[1] == 2
    with pytest.raises(ModelInputError, match="tie_break"):
        probs_to_preds(P, tie_break="coin")


def test_preds_to_probs_and_errors():
    np.testing.assert_array_equal(preds_to_probs(np.array([1, 0]), 2), [[0, 1], [1, 0]])
    with pytest.raises(ModelInputError, match="out of range"):
        preds_to_probs(np.array([2]), 2)


def test_check_probs_errors_name_rows():
    with pytest.raises(ModelInputError, match="row 1 sums to"):
        check_probs([[0.5, 0.5], [0.5, 0.6]])
    with pytest.raises(ModelInputError, match="row 0 holds a non-finite"):
        check_probs([[np.nan, 1.0]])
    with pytest.raises(ModelInputError, match="expected k = 3"):
        check_probs([[0.5, 0.5]], cardinality=3)


def test_align_labels_by_index():
    y = align_labels(pd.Series([1, 0, 1], index=["c", "a", "b"]), pd.Index(["a", "b", "c"]))
    assert y.tolist() == [0, 1, 1]
    with pytest.raises(ModelInputError, match="labels for 1 row ids the label matrix does not have"):
        align_labels(pd.Series([1], index=["z"]), pd.Index(["a"]))
    with pytest.raises(ModelInputError, match="no label for 1 of the 2 rows"):
        align_labels(pd.Series([1], index=["b"]), pd.Index(["a", "b"]))
    with pytest.raises(ModelInputError, match="3 labels for 2 rows"):
        align_labels([0, 1, 1], pd.Index(["a", "b"]))
    with pytest.raises(ModelInputError, match="row 1 holds"):
        align_labels(np.array([0, "x"], dtype=object))


def test_gold_labels_as_people_have_them():
    index = pd.Index(["r1", "r2", "r3", "r4"])
    # partial gold: a Series of some ids; the others (and NaN / None / empty cells) are unknown
    partial = pd.Series([1.0, np.nan], index=["r3", "r1"])
    assert align_labels(partial, index, allow_abstain=True).tolist() == [-1, -1, 1, -1]
    # class names instead of ids, with a typo named by its row id
    names = pd.Series(["SPAM", "HAM", None, ""], index=index)
    assert align_labels(names, index, allow_abstain=True, class_names=["HAM", "SPAM"]).tolist() == [1, 0, -1, -1]
    with pytest.raises(ModelInputError, match=r"row 'r2' holds 'HAMM'.*class names are \['HAM', 'SPAM'\]"):
        align_labels(pd.Series(["SPAM", "HAMM"], index=["r1", "r2"]), index, allow_abstain=True,
                     class_names=["HAM", "SPAM"])
    with pytest.raises(ModelInputError, match="map class names to ids"):
        align_labels(pd.Series(["SPAM"], index=["r1"]), index, allow_abstain=True)


def test_filter_unlabeled_keeps_ids():
    df = pd.DataFrame({"t": [1, 2, 3]}, index=["a", "b", "c"])
    L = np.array([[-1], [0], [1]])
    kept, probs = filter_unlabeled(df, np.array([[0.5, 0.5], [1, 0], [0, 1]]), L)
    assert kept.index.tolist() == ["b", "c"] and probs.tolist() == [[1, 0], [0, 1]]


def test_probability_errors_name_the_row_id_and_refuse_text():
    """A probabilities frame's bad row is named by its id; text is a typed error naming the argument."""
    with pytest.raises(ModelInputError, match=r"probs row 'y' sums to 1.1"):
        check_probs(pd.DataFrame([[0.5, 0.5], [0.2, 0.9]], index=["x", "y"]))
    with pytest.raises(ModelInputError, match=r"pred_probs must be an n x k matrix of probabilities"):
        check_probs([["a", "b"]], name="pred_probs")
