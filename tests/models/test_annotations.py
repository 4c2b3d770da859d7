"""Crowd annotation tables as users hold them: read from files, with gaps, in pandas 3, Arrow or polars."""

import io
import warnings

import numpy as np
import pandas as pd
import pytest

import weaksup as ws
from weaksup.errors import LabelMatrixError, WeaksupWarning
from weaksup.models import CrowdDawidSkene

CSV = "task,worker,label\nt1,w1,1\nt1,w2,0\nt2,w1,\nt2,w2,1\nt3,w3,0\n"


def test_a_label_column_read_with_an_empty_cell_is_used_after_dropna():
    df = pd.read_csv(io.StringIO(CSV))  # the empty cell makes the labels float64: 1.0, 0.0, nan, ...
    with pytest.raises(LabelMatrixError, match=r"row 2 has a missing 'label'; drop unlabeled rows first"):
        ws.LabelMatrix.from_annotations(df, item="task", annotator="worker")
    L = ws.LabelMatrix.from_annotations(df.dropna(subset=["label"]), item="task", annotator="worker")
    ints = ws.LabelMatrix.from_annotations(df.dropna().astype({"label": int}), item="task", annotator="worker")
    assert L.to_dense().tolist() == ints.to_dense().tolist() == [[1, 0, -1], [-1, 1, -1], [-1, -1, 0]]
    assert L.index.tolist() == ["t1", "t2", "t3"] and L.lf_names == ["w1", "w2", "w3"]
    # floats that are not class ids are still refused, naming the row, the annotator and the value
    bad = df.dropna().assign(label=[1.0, 0.0, 1.5, 0.0])
    with pytest.raises(LabelMatrixError, match=r"row 3 \(annotator 'w2'\) has label 1.5: labels must be integers"):
        ws.LabelMatrix.from_annotations(bad, item="task", annotator="worker")


def test_messages_name_rows_and_items_as_the_user_wrote_them():
    df = pd.DataFrame({"item": [7, 7, 8], "annotator": ["a", "a", "b"], "label": [0, 1, 1]})
    with pytest.raises(LabelMatrixError) as err:
        ws.LabelMatrix.from_annotations(df, duplicates="error")
    assert "gave item 7 different labels" in str(err.value) and "np." not in str(err.value)
    with pytest.warns(WeaksupWarning) as rec:
        ws.LabelMatrix.from_annotations(df)
    assert "item 7," in str(rec[0].message) and "np." not in str(rec[0].message)
    with pytest.raises(LabelMatrixError) as err:
        ws.LabelMatrix.from_annotations(df.assign(label=["x", "y", "y"]))
    assert str(err.value).startswith("annotations row 0 (annotator 'a') has label 'x'")


def test_item_ids_in_the_index_get_a_hint():
    df = pd.DataFrame({"item": ["a", "b"], "annotator": ["u", "u"], "label": [0, 1]}).set_index("item")
    with pytest.raises(LabelMatrixError, match=r"no column\(s\) \['item'\].*in the index: pass df.reset_index\(\)"):
        ws.LabelMatrix.from_annotations(df)


def test_arrow_and_polars_tables_give_the_pandas_result_and_other_objects_a_typed_error():
    df = pd.DataFrame({"item": ["a", "a", "b", "b"], "annotator": ["u", "v", "u", "v"], "label": [0, 1, 1, 1]})
    want = ws.LabelMatrix.from_annotations(df)
    pa = pytest.importorskip("pyarrow")
    tables = [pa.Table.from_pandas(df)]
    try:
        import polars as pl

        tables.append(pl.from_pandas(df))
    except ImportError:
        pass
    for table in tables:
        got = ws.LabelMatrix.from_annotations(table)
        assert got.to_dense().tolist() == want.to_dense().tolist()
        assert got.index.tolist() == want.index.tolist() and got.lf_names == want.lf_names
    with pytest.raises(LabelMatrixError, match="a pandas DataFrame .* not list; build one with pd.DataFrame"):
        ws.LabelMatrix.from_annotations(df.to_dict("records"))


def test_string_ids_in_pandas_string_dtype_come_back_exactly():
    df = pd.DataFrame({"item": ["007", "007", "10", "10", "x"], "annotator": ["u", "v", "u", "v", "u"],
                       "label": [1, 1, 0, 0, 1]}).astype({"item": "string", "annotator": "string"})
    L = ws.LabelMatrix.from_annotations(df)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", WeaksupWarning)
        frame = CrowdDawidSkene().fit(L).predict_proba_frame(L)
    assert frame.index.tolist() == ["007", "10", "x"] and L.lf_names == ["u", "v"]
    assert np.argmax(frame.to_numpy(), axis=1).tolist() == [1, 0, 1]
