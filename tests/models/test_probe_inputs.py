"""Inputs users hold that the label models and the crowd-annotation parser mishandled (found by probing)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from weaksup import LabelMatrix
from weaksup.errors import LabelMatrixError, ModelInputError
from weaksup.models import CrowdDawidSkene, DawidSkene, MajorityVoter

L = np.array([[0, 0, 1], [1, 1, 1], [0, -1, 0], [1, 1, -1]] * 5)


@pytest.mark.parametrize("class_balance", [{0: 0.5, 1: 0.5}, "abc", [0.5, [0.5]], [0.5 + 0j, 0.5]])
def test_class_balance_that_is_not_numbers_is_a_typed_error(class_balance):
    """A dict, a string, a ragged list or complex numbers as class_balance raised numpy's bare TypeError /
    ValueError ("float() argument must be ... not 'dict'") from inside fit, naming neither the argument nor k."""
    with pytest.raises(ModelInputError, match="class_balance must be 2 non-negative numbers"):
        DawidSkene().fit(L, class_balance=class_balance)


def test_evaluate_with_metrics_none_uses_the_default():
    """evaluate(L, Y, metrics=None) raised TypeError: 'NoneType' object is not iterable; None is the default."""
    mv = MajorityVoter().fit(L)
    y = np.array([0, 1, 0, 1] * 5)
    assert mv.evaluate(L, y, metrics=None) == mv.evaluate(L, y)


def test_class_names_as_one_string_is_refused():
    """predict_proba_frame(L, class_names="ab") silently named the columns 'a' and 'b' (the string's letters)."""
    with pytest.raises(ModelInputError, match="class_names"):
        MajorityVoter().fit(L).predict_proba_frame(L, class_names="ab")


def test_classes_given_as_a_set_is_refused():
    """classes={"cat", "dog"} mapped labels to ids in the set's iteration order, which for strings changes
    from one Python process to the next (hash randomisation): the same table gave other class ids each run."""
    df = pd.DataFrame({"task": ["a", "a", "b"], "worker": ["u", "v", "u"], "label": ["cat", "dog", "dog"]})
    with pytest.raises(LabelMatrixError, match="ordered"):
        LabelMatrix.from_annotations(df, item="task", annotator="worker", classes={"cat", "dog"})


def test_classes_given_as_a_mapping_follow_its_ids():
    """classes={"dog": 1, "cat": 0} (a name -> id mapping) took the keys in insertion order, so "dog" became
    class 0: every label silently swapped. A mapping of names to the ids 0..k-1 is now read by its ids."""
    df = pd.DataFrame({"task": ["a", "a", "b"], "worker": ["u", "v", "u"], "label": ["cat", "dog", "dog"]})
    L_map = LabelMatrix.from_annotations(df, item="task", annotator="worker", classes={"dog": 1, "cat": 0})
    L_list = LabelMatrix.from_annotations(df, item="task", annotator="worker", classes=["cat", "dog"])
    np.testing.assert_array_equal(L_map.to_dense(), L_list.to_dense())
    with pytest.raises(LabelMatrixError, match="the ids being 0..1"):
        LabelMatrix.from_annotations(df, item="task", annotator="worker", classes={"dog": 1, "cat": 5})
    CrowdDawidSkene().fit(L_map)


@pytest.mark.parametrize("cls", [MajorityVoter, CrowdDawidSkene, DawidSkene])
def test_fit_from_stats_takes_y_dev_in_every_model(cls):
    """fit_from_stats(stats, Y_dev=y) worked for the statistics-fitting models (DawidSkene) but raised a bare
    TypeError ("unexpected keyword argument 'Y_dev'") for the others (MajorityVoter, the crowd aggregators),
    though all share one fit protocol; it now sets the prior as fit(L, Y_dev=y) does."""
    from weaksup.patterns import PatternCounts

    y = np.array([0, 0, 0, 1])
    model = cls().fit_from_stats(PatternCounts.from_label_matrix(L), Y_dev=y)
    np.testing.assert_allclose(model.class_balance_, cls().fit(L, Y_dev=y).class_balance_)


def test_weighted_majority_weights_keyed_by_lf_name():
    """WeightedMajorityVoter(weights=pd.Series(w, index=names)) took the values by position, ignoring the index:
    a Series in another LF order silently gave each LF another LF's weight (a dict by name was refused). And a
    model fitted with Series weights could not be saved ("cannot save Series without pickle")."""
    import tempfile

    from weaksup.models import BaseLabelModel, WeightedMajorityVoter

    votes = LabelMatrix.from_dense(L, lf_names=["a", "b", "c"])
    expected = WeightedMajorityVoter(weights=[1.0, 2.0, 3.0]).fit(votes).weights_
    for weights in (pd.Series([3.0, 2.0, 1.0], index=["c", "b", "a"]), {"c": 3.0, "a": 1.0, "b": 2.0},
                    pd.Series([3.0, 1.0, 2.0], index=[2, 0, 1]), pd.Series([1.0, 2.0, 3.0])):
        model = WeightedMajorityVoter(weights=weights).fit(votes)
        np.testing.assert_array_equal(model.weights_, expected)
        loaded = BaseLabelModel.load(model.save(tempfile.mkdtemp()))
        np.testing.assert_array_equal(loaded.fit(votes).weights_, expected)
    with pytest.raises(ModelInputError, match="keyed by the LF names"):
        WeightedMajorityVoter(weights={"a": 1.0, "b": 2.0, "zz": 3.0}).fit(votes)


def test_save_under_a_file_is_a_typed_error(tmp_path):
    """model.save("results.csv/model") (a folder path through an existing file) raised a bare NotADirectoryError
    from the temporary-file step; it is now an UnsafeOutputError naming the file in the way, and nothing is written."""
    from weaksup.errors import UnsafeOutputError

    (tmp_path / "results.csv").write_text("x")
    with pytest.raises(UnsafeOutputError, match="results.csv' is a file"):
        MajorityVoter().fit(L).save(tmp_path / "results.csv" / "deeper" / "model")
    assert (tmp_path / "results.csv").read_text() == "x"


@pytest.mark.parametrize("dtype", [complex, "M8[s]"])
def test_saved_arrays_of_complex_or_dates_are_refused(tmp_path, dtype):
    """A saved model whose learned table was rewritten as complex numbers (or dates), with the checksum updated,
    loaded with at most a ComplexWarning and predicted from the real parts; it is now refused on load."""
    import json

    from weaksup._files import file_sha256
    from weaksup.models import AgreementModel, BaseLabelModel

    d = AgreementModel().fit(L).save(tmp_path / "m")
    arrays = dict(np.load(d / "arrays.npz"))
    arrays["log_table_"] = arrays["log_table_"].astype(dtype)
    with open(d / "arrays.npz", "wb") as fh:
        np.savez(fh, **arrays)
    meta = json.loads((d / "model.json").read_text())
    meta["arrays.npz_sha256"] = file_sha256(d / "arrays.npz")
    (d / "model.json").write_text(json.dumps(meta))
    with pytest.raises(ModelInputError, match="log_table_ must be a numeric array"):
        BaseLabelModel.load(d)
