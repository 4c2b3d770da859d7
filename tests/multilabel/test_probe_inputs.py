"""Probed multi-label inputs: LFs given as a generator or as plain functions, names given as one string, NumPy
parameters saved, scalar row selections, bad training options. Each test pins a defect found through the public API."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from weaksup.errors import LabelMatrixError, ModelInputError, ParameterError, ParameterTypeError
from weaksup.multilabel import (
    MultiLabelApplier,
    MultiLabelLF,
    MultiLabelMatrix,
    MultiLabelModel,
    MultiLabelSoftClassifier,
    export_multilabel,
    simulate_multilabel,
)

FRAME = pd.DataFrame({"text": ["goal", "vote"]}, index=["r2", "r1"])
SPORT = MultiLabelLF("sport", lambda x: {"sports"} if "goal" in x.text else None)


def test_lfs_given_as_a_generator_are_all_applied():
    """MultiLabelApplier(lf for lf in lfs) spent the generator on its name check and applied no LF at all."""
    M = MultiLabelApplier((lf for lf in [SPORT]), ["sports"]).apply(FRAME)
    assert M.lf_names == ["sport"] and M.to_dense()[:, 0, 0].tolist() == [1, -1]


def test_an_applier_given_plain_functions_says_what_it_takes():
    """A plain function among the LFs raised AttributeError: 'function' object has no attribute 'name'."""
    with pytest.raises(ParameterTypeError, match="MultiLabelLF"):
        MultiLabelApplier([lambda x: None], ["sports"])


def test_a_model_fitted_with_numpy_parameters_saves_and_loads(tmp_path):
    """max_iter=np.int64(5) passed fit's checks, then save raised a bare TypeError (int64 is not JSON
    serializable) and left no model.json."""
    M, _ = simulate_multilabel(300, seed=0)
    model = MultiLabelModel(max_iter=np.int64(5), smoothing=np.float64(1.0)).fit(M)
    back = MultiLabelModel.load(model.save(tmp_path / "m"))
    assert back.max_iter == 5 and np.allclose(back.predict_proba(M), model.predict_proba(M))


def test_names_given_as_one_string_are_refused_not_split_into_characters(tmp_path):
    """label_names="ab" became the labels 'a' and 'b' (and lf_names="ab" two LFs), silently; an index given as
    one string raised pandas' bare TypeError."""
    with pytest.raises(LabelMatrixError, match="the string 'xy'"):
        MultiLabelMatrix(sp.csr_matrix((1, 2)), ["lf"], "xy")
    with pytest.raises(LabelMatrixError, match="the string 'ab'"):
        MultiLabelMatrix(sp.csr_matrix((1, 2)), "ab", ["x"])
    with pytest.raises(ParameterError, match="the string 'ab'"):
        export_multilabel(tmp_path / "y.csv", [[0.1, 0.2]], ["r1"], "ab")
    with pytest.raises(ParameterError, match="index"):
        export_multilabel(tmp_path / "y.csv", [[0.1], [0.2]], "ab", ["a"])
    assert not (tmp_path / "y.csv").exists()


def test_select_rows_with_one_position_and_from_sets_with_a_scalar_row():
    """select_rows(1) raised pandas' bare TypeError; from_sets with a row that is a number raised 'object of type
    int has no len()'."""
    M = MultiLabelMatrix.from_dense(np.array([[[1, -1]], [[0, 1]]]), label_names=["x", "y"], index=["r1", "r0"])
    assert M.select_rows(1).index.tolist() == ["r0"]
    assert M.select_rows(np.int64(-1)).to_dense().tolist() == [[[0, 1]]]
    with pytest.raises(LabelMatrixError, match="row 1"):
        MultiLabelMatrix.from_sets([[{"x"}], 5], ["x"])


@pytest.mark.parametrize("params", [{"model": "mlp", "batch_size": 0}, {"max_epochs": -1}, {"hidden_size": 0,
                                                                                              "model": "mlp"}])
def test_soft_classifier_options_out_of_range_are_typed_errors(params):
    """batch_size=0 raised a bare ValueError from range(); negative epochs or a zero-width hidden layer were accepted silently."""
    X = np.random.default_rng(0).normal(size=(10, 2))
    with pytest.raises(ModelInputError, match=next(iter(k for k in params if k != "model"))):
        MultiLabelSoftClassifier(**params).fit(X, (X > 0).astype(float))
