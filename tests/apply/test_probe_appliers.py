"""Defects found by probing the appliers and readers with inputs as users hold them (one test per defect)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from weaksup.apply import ChunkedApplier, LFApplier
from weaksup.apply.cache import IncrementalApplier, data_key
from weaksup.errors import LabelingFunctionError
from weaksup.io import read_chunks, read_table
from weaksup.labeling import labeling_function, preprocessor


def test_a_reordering_vectorized_preprocessor_names_the_rows_as_plain_ids():
    """The error showed the rows as ``np.int64(12)`` and ``np.int64(10)`` instead of ``12`` and ``10``."""

    @preprocessor(vectorized=True)
    def backwards(X):
        return X.iloc[::-1]

    @labeling_function(pre=[backwards], vectorized=True)
    def long_text(X):
        return (X.text.str.len() > 1).astype(int).to_numpy()

    df = pd.DataFrame({"text": ["a b", "c", "d e f"]}, index=[10, 11, 12])
    with pytest.raises(LabelingFunctionError, match="reordered the rows") as info:
        LFApplier([long_text]).apply(df, progress=False)
    assert "row 12 where the batch has 10" in str(info.value) and "np.int64" not in str(info.value)


def test_a_vectorized_lf_returning_a_series_with_other_ids_names_them_as_plain_ids():
    """The error showed the mismatched ids as ``np.int64(0)`` / ``np.int64(10)`` instead of ``0`` / ``10``."""

    @labeling_function(vectorized=True)
    def renumbered(X):
        return (X.text.str.len() > 1).astype(int).reset_index(drop=True)

    df = pd.DataFrame({"text": ["a b", "c", "d e f"]}, index=[10, 11, 12])
    with pytest.raises(LabelingFunctionError, match="index differs") as info:
        LFApplier([renumbered]).apply(df, progress=False)
    assert "it is 0, the batch's row id is 10" in str(info.value) and "np.int64" not in str(info.value)


def test_an_lf_reading_a_field_off_a_dict_its_preprocessor_returned_is_told_which_preprocessor():
    """A row-wise preprocessor returning a plain dict gave only ``AttributeError: 'dict' object has no
    attribute 'n'``, with no word of the preprocessor that returned it; dict access still works, as in Snorkel."""

    @preprocessor()
    def as_dict(x):
        return {"text": x.text, "n": len(x.text)}

    @labeling_function(pre=[as_dict])
    def by_attribute(x):
        return 1 if x.n > 1 else 0

    @labeling_function(pre=[as_dict])
    def by_key(x):
        return 1 if x["n"] > 1 else 0

    df = pd.DataFrame({"text": ["a b", "c"]}, index=["r1", "r2"])
    with pytest.raises(LabelingFunctionError, match="preprocessor 'as_dict' returned a dict") as info:
        LFApplier([by_attribute]).apply(df, progress=False)
    assert info.value.lf_name == "by_attribute" and info.value.row_id == "r1"
    applier = LFApplier([by_attribute])
    applier.apply(df, progress=False, fault_tolerant=True)
    assert "preprocessor 'as_dict' returned a dict" in applier.errors_["by_attribute"].message
    assert LFApplier([by_key]).apply(df, progress=False).to_dense().ravel().tolist() == [1, 0]


@pytest.mark.parametrize(("a", "b"), [
    ([1, "x"], ["1", "x"]),
    ([None, "x"], [np.nan, "x"]),
    ([True, "x"], ["True", "x"]),
])
def test_incremental_applier_does_not_reuse_votes_across_cells_of_other_types(a, b):
    """``data_key`` hashed an object column's cells by their text, so ``1`` and ``"1"`` (``None`` and NaN,
    ``True`` and ``"True"``) made one key, and the second data set silently got the first one's cached votes."""
    first = pd.DataFrame({"v": pd.Series(a, dtype=object)})
    second = pd.DataFrame({"v": pd.Series(b, dtype=object)})
    assert data_key(first) != data_key(second)

    @labeling_function()
    def is_text(x):
        return 1 if isinstance(x.v, str) else 0

    inc = IncrementalApplier([is_text])
    inc.apply(first, progress=False)
    got = inc.apply(second, progress=False).to_dense().ravel().tolist()
    assert got == LFApplier([is_text]).apply(second, progress=False).to_dense().ravel().tolist()
    assert inc.last_run_stats_["reused"] == []


def test_incremental_applier_tells_object_ids_of_other_types_apart():
    """Row ids ``1`` and ``"1"`` in an object index hashed alike, so cached votes came back under other ids."""
    ints = pd.DataFrame({"v": [1, 2]}, index=pd.Index([1, 2], dtype=object))
    texts = pd.DataFrame({"v": [1, 2]}, index=pd.Index(["1", "2"], dtype=object))
    assert data_key(ints) != data_key(texts)
    assert data_key(ints) == data_key(ints.copy())


def test_csv_chunks_give_a_number_column_one_type_whatever_the_chunk_size(tmp_path):
    """A number column with an empty cell read as floats in the chunk holding it and as integers in the others
    (``7`` there, ``7.0`` in a whole-file read), so an LF's vote depended on ``chunk_size``."""
    path = tmp_path / "d.csv"
    path.write_text("id,text,n\na,x,7\nb,y,\nc,z,12\n", encoding="utf-8")
    whole = read_table(path)["n"].tolist()
    parts = [chunk["n"].tolist() for chunk in read_chunks(path, chunk_size=1)]
    assert [type(v) for part in parts for v in part] == [float, float, float]
    assert sum(parts, [])[::2] == whole[::2] == [7.0, 12.0]

    @labeling_function()
    def written_as_seven(x):
        return 1 if str(x.n) == "7" else 0

    small = ChunkedApplier([written_as_seven], chunk_size=1).apply(path, progress=False)
    large = ChunkedApplier([written_as_seven], chunk_size=10).apply(path, progress=False)
    assert small.to_dense().tolist() == large.to_dense().tolist()
    assert small.index.tolist() == ["a", "b", "c"]


def _wrench_folder(tmp_path, train, classes=("ham", "spam")):
    import json

    (tmp_path / "label.json").write_text(json.dumps({str(i): c for i, c in enumerate(classes)}), encoding="utf-8")
    (tmp_path / "train.json").write_text(json.dumps(train), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("record", [
    {"label": 1.5, "weak_labels": [1, -1]},
    {"label": 1, "weak_labels": [0.7, -1]},
    {"label": True, "weak_labels": [1, -1]},
    {"label": 1, "weak_labels": [False, -1]},
])
def test_load_wrench_refuses_labels_that_are_not_integers(tmp_path, record):
    """A gold label 1.5 loaded as 1, a weak label 0.7 as 0 and ``true`` as 1: numpy cut them down silently."""
    from weaksup.datasets import load_wrench
    from weaksup.errors import DataFileError

    with pytest.raises(DataFileError, match="row 'r7' holds a label or weak label that is not an integer"):
        load_wrench(_wrench_folder(tmp_path, {"r7": {**record, "data": {"text": "a"}}}), splits="train")


def test_load_wrench_refuses_a_gold_label_beyond_the_classes_of_label_json(tmp_path):
    """With label.json naming 2 classes, a gold label 7 loaded as it was, a class no model or score knows."""
    from weaksup.datasets import load_wrench
    from weaksup.errors import DataFileError

    train = {"a": {"label": 1, "weak_labels": [1, -1], "data": {}}, "b": {"label": 7, "weak_labels": [0, -1]}}
    with pytest.raises(DataFileError, match="row 'b' has label 7, but label.json names 2 classes"):
        load_wrench(_wrench_folder(tmp_path, train), splits="train")
    train["b"]["label"] = -1  # no label: kept
    assert load_wrench(_wrench_folder(tmp_path, train), splits="train")["train"].y.tolist() == [1, -1]
