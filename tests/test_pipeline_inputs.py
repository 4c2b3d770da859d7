"""Exported labels and the file pipeline on the inputs users hold: named probability frames, odd ids, no rows."""

import re

import numpy as np
import pandas as pd
import pytest

from weaksup import MajorityVoter, export_labels, keyword_lf, labeling_function, load_labels
from weaksup.errors import LabelingFunctionError, ModelInputError, ParameterError
from weaksup.io import LabelWriter, labels_frame
from weaksup.pipeline import label_file

P = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]])
IDS = ["a", "b", "c"]
LFS = [keyword_lf("my", 1), keyword_lf("song", 0)]


def _leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet", ".npz"])
def test_a_probability_frame_is_matched_to_class_names_by_column_name(tmp_path, suffix):
    pytest.importorskip("pyarrow")
    frame = pd.DataFrame(P[:, ::-1], columns=["SPAM", "HAM"], index=IDS)
    got = load_labels(export_labels(tmp_path / f"y{suffix}", frame, index=IDS, class_names=["HAM", "SPAM"]))
    # was written by position: prob_HAM held SPAM's probabilities
    assert got["prob_HAM"].tolist() == P[:, 0].tolist() and got["prob_SPAM"].tolist() == P[:, 1].tolist()
    assert got["label"].tolist() == [0, 1, 0]
    named = load_labels(export_labels(tmp_path / f"n{suffix}", frame, index=IDS))  # the columns name the classes
    assert named.columns.tolist() == ["prob_SPAM", "prob_HAM", "label"]
    assert named["prob_HAM"].tolist() == P[:, 0].tolist()


def test_probability_frame_columns_that_are_class_ids_or_differ_from_class_names():
    flipped = pd.DataFrame(P[:, ::-1], columns=[1, 0], index=IDS)  # column "1" first: class 1's probabilities
    assert labels_frame(flipped, index=IDS)["prob_1"].tolist() == P[:, 1].tolist()
    assert labels_frame(flipped, index=IDS, class_names=["H", "S"])["prob_S"].tolist() == P[:, 1].tolist()
    plain = pd.DataFrame(P, index=IDS)  # pd.DataFrame(probs): columns 0..k-1, named by class_names
    assert labels_frame(plain, index=IDS, class_names=["H", "S"])["prob_S"].tolist() == P[:, 1].tolist()
    loaded = pd.DataFrame(P, columns=["prob_H", "prob_S"], index=IDS)  # as load_labels gives them back
    assert labels_frame(loaded, index=IDS, class_names=["S", "H"])["prob_S"].tolist() == P[:, 1].tolist()
    with pytest.raises(ModelInputError, match="do not match class_names"):
        labels_frame(pd.DataFrame(P, columns=["spam", "ham"], index=IDS), index=IDS, class_names=["HAM", "SPAM"])


def test_ids_that_are_not_a_sequence_of_ids_get_the_error_that_says_what_to_do(tmp_path):
    with pytest.raises(ModelInputError, match="MultiIndex"):  # pandas 3 flattened it: "ids of type tuple"
        export_labels(tmp_path / "y.csv", P, index=pd.MultiIndex.from_arrays([IDS, [1, 2, 3]]))
    with pytest.raises(ModelInputError, match="sequence of row ids"):  # was a raw TypeError from pd.Index
        export_labels(tmp_path / "y.csv", P, index="abc")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".npz"])
def test_a_labels_file_of_no_rows_reads_back_with_the_column_types_of_rows(tmp_path, suffix):
    pytest.importorskip("pyarrow")
    got = load_labels(export_labels(tmp_path / f"y{suffix}", np.zeros((0, 3)), index=pd.Index([], dtype=str)))
    assert got.columns.tolist() == ["prob_0", "prob_1", "prob_2", "label"]
    assert got.dtypes.tolist() == [np.float64] * 3 + [np.int64]  # CSV gave text columns
    assert pd.api.types.is_string_dtype(got.index)


def test_an_empty_jsonl_labels_file_has_text_ids(tmp_path):
    export_labels(tmp_path / "y.jsonl", np.zeros((0, 2)), index=[])
    assert pd.api.types.is_string_dtype(load_labels(tmp_path / "y.jsonl").index)  # was float64


def test_label_writer_lines_up_chunks_whose_columns_come_in_another_order(tmp_path):
    out = tmp_path / "y.csv"
    with LabelWriter(out) as w:
        w.write(pd.DataFrame({"id": ["a"], "prob_0": [0.1], "prob_1": [0.9]}))
        w.write(pd.DataFrame({"prob_1": [0.2], "prob_0": [0.8], "id": ["b"]}))  # was written by position
    got = load_labels(out)
    assert got.index.tolist() == ["a", "b"] and got["prob_0"].tolist() == [0.1, 0.8]


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_label_writer_refuses_a_chunk_that_cannot_line_up_and_keeps_the_old_file(tmp_path, suffix):
    pytest.importorskip("pyarrow")
    out = tmp_path / f"y{suffix}"
    out.write_text("the user's file")
    with pytest.raises(ModelInputError, match="has column 'label'"):
        with LabelWriter(out) as w:
            w.write(pd.DataFrame({"id": ["a"], "prob_0": [1.0]}))
            w.write(pd.DataFrame({"id": ["b"], "prob_0": [1.0], "label": [0]}))
    with pytest.raises(ModelInputError, match="needs an id column"):  # the ids were dropped with the index
        with LabelWriter(out) as w:
            w.write(pd.DataFrame(P, index=IDS, columns=["prob_0", "prob_1"]))
    assert out.read_text() == "the user's file" and _leftovers(tmp_path) == []


def test_label_writer_parquet_chunks_of_other_types_are_a_typed_error(tmp_path):
    pytest.importorskip("pyarrow")
    with pytest.raises(ModelInputError, match="types of the first chunk"):  # was a raw ArrowInvalid
        with LabelWriter(tmp_path / "y.parquet") as w:
            w.write(pd.DataFrame({"id": [1], "prob_0": [1.0]}))
            w.write(pd.DataFrame({"id": [2**63 + 1], "prob_0": [1.0]}))
    assert list(tmp_path.iterdir()) == []


def test_csv_chunks_whose_ids_look_like_integers_in_one_chunk_only_keep_text_ids(tmp_path):
    data = tmp_path / "d.csv"
    data.write_text("id,text\n1,my\n2,song\n007,my\nx,song\n3,my\n")
    for suffix in (".csv", ".jsonl", ".parquet", ".npz"):  # .npz: was "use one of .parquet, .csv, .jsonl"
        got = load_labels(label_file(MajorityVoter(cardinality=2), LFS, data, tmp_path / f"y{suffix}", chunk_size=2,
                                     progress=False))
        assert got.index.tolist() == ["1", "2", "007", "x", "3"], suffix
        assert got["label"].tolist() == [1, 0, 1, 0, 1]


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".npz"])
def test_a_data_file_with_only_a_header_gives_a_labels_table_with_its_columns(tmp_path, suffix):
    pytest.importorskip("pyarrow")
    data = tmp_path / "d.csv"
    data.write_text("id,text\n")
    out = label_file(MajorityVoter(cardinality=2), LFS, data, tmp_path / f"y{suffix}", fit=False,
                     include_votes=True, class_names=["HAM", "SPAM"], progress=False)
    got = load_labels(out)  # was a file holding the column "id" alone
    assert got.shape == (0, 5)
    assert got.columns.tolist() == ["prob_HAM", "prob_SPAM", "label", "lf.keyword_my", "lf.keyword_song"]


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet", ".npz"])
def test_an_lf_failing_in_a_late_chunk_leaves_the_users_file_and_no_temporary_file(tmp_path, suffix):
    pytest.importorskip("pyarrow")
    data = tmp_path / "d.csv"
    pd.DataFrame({"id": [f"r{i}" for i in range(9)], "text": ["my song", "my", "song"] * 3}).to_csv(data, index=False)

    @labeling_function()
    def fails_on_r7(x):
        if x.id == "r7":
            raise RuntimeError("bad row")
        return -1

    out = tmp_path / f"y{suffix}"
    out.write_text("the user's file")
    for keep_votes in (True, False):
        with pytest.raises(LabelingFunctionError, match="r7"):
            label_file(MajorityVoter(cardinality=2), [*LFS, fails_on_r7], data, out, chunk_size=2,
                       keep_votes=keep_votes, progress=False)
        assert out.read_text() == "the user's file" and _leftovers(tmp_path) == []


def test_a_folder_as_the_output_is_named_a_folder(tmp_path):
    with pytest.raises(ParameterError, match="it is a folder"):  # was "use one of .parquet, .csv, .jsonl"
        LabelWriter.check_writable(tmp_path)


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet", ".npz"])
@pytest.mark.parametrize("k", [1, 2, 7, 20])
def test_probabilities_of_any_number_of_classes_round_trip_exactly(tmp_path, suffix, k):
    pytest.importorskip("pyarrow")
    probs = np.random.default_rng(k).dirichlet(np.ones(k), 6)
    ids = pd.Index(["a,b", 'q"t', "new\nline", "ünï😀", "", "NA"])
    got = load_labels(export_labels(tmp_path / f"y{suffix}", probs, index=ids))
    assert got.index.tolist() == ids.tolist()
    assert np.array_equal(got[[f"prob_{c}" for c in range(k)]].to_numpy(), probs)


def test_label_file_checks_class_names_before_labelling_the_file(tmp_path):
    data = tmp_path / "d.csv"
    data.write_text("id,text\na,my\nb,song\n")
    calls = []

    @labeling_function()
    def counted(x):
        calls.append(x.id)
        return -1

    for names, match in ((["HAM"], "1 class names for 2 classes"), (["HAM", "HAM"], "twice")):
        with pytest.raises(ParameterError, match=match):  # was found at the first chunk written, after the fit
            label_file(MajorityVoter(cardinality=2), [*LFS, counted], data, tmp_path / "y.csv", class_names=names,
                       progress=False)
    assert calls == [] and not (tmp_path / "y.csv").exists()


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet", ".npz"])
def test_chunks_of_votes_whose_ids_change_type_are_refused(tmp_path, suffix):
    pytest.importorskip("pyarrow")
    from weaksup import LabelMatrix
    from weaksup.apply.chunked import ChunkedApplier
    from weaksup.pipeline import export_chunked

    names = ["keyword_my", "keyword_song"]
    text = LabelMatrix.from_dense(np.array([[0, 1], [1, -1]]), lf_names=names, index=["x", "y"])
    ints = LabelMatrix.from_dense(np.array([[0, 1]]), lf_names=names, index=[5])
    with pytest.raises(ModelInputError, match="ids of one type"):  # CSV read 5 back as "5"
        export_chunked(MajorityVoter(cardinality=2), ChunkedApplier(LFS, cardinality=2), None, tmp_path / f"y{suffix}",
                       L=[text, ints], progress=False)
    assert list(tmp_path.iterdir()) == []
    with LabelWriter(tmp_path / "z.csv") as w:  # a float id, then text ids: two different id headers
        w.write(labels_frame(P[:1], index=[1.5], file_format=".csv"))
        with pytest.raises(ModelInputError, match="ids of one type"):
            w.write(labels_frame(P[1:], index=["b", "c"], file_format=".csv"))
        w.abort()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("suffix", "content", "shown"), [
    (".csv", "id,prob_0,prob_1,label\na,0.5,0.5,-1\nb,0.5\n", "row 2 (id 'b') holds '' in column 'prob_1'"),
    (".csv", "id,prob_0,prob_1,label\na,,0.5,-1\n", "row 1 (id 'a') holds '' in column 'prob_0'"),
    (".csv", "id,prob_0,label,lf.x\na,1.0,0,x\n", "holds 'x' in column 'lf.x'"),
    (".jsonl", '{"id": "a", "prob_0": null, "label": 0}\n', "holds None in column 'prob_0'"),
    (".jsonl", '{"id": "a", "prob_0": "0.5", "label": 0}\n', "holds '0.5' in column 'prob_0'"),
])
def test_a_labels_file_with_a_cell_that_is_not_a_number_names_the_row_and_column(tmp_path, suffix, content, shown):
    from weaksup.errors import DataFileError

    path = tmp_path / f"y{suffix}"
    path.write_text(content)
    with pytest.raises(DataFileError, match=re.escape(shown)):  # came back as a text column
        load_labels(path)


def test_a_jsonl_labels_file_saved_with_a_byte_order_mark_loads(tmp_path):
    path = export_labels(tmp_path / "y.jsonl", P, index=IDS)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())  # as an editor on Windows saves it
    assert load_labels(path).index.tolist() == IDS  # was "line 1 is not JSON: Unexpected UTF-8 BOM"


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet", ".npz"])
def test_export_labels_failing_mid_write_leaves_the_old_file_and_no_partial_one(tmp_path, suffix, monkeypatch):
    pytest.importorskip("pyarrow")
    import weaksup.io.labels as labels_module

    real = labels_module._write_frame

    def half_then_fail(frame, path, suffix):
        real(frame.iloc[:1], path, suffix)  # part of the table is on disk
        raise OSError("disk full")

    monkeypatch.setattr(labels_module, "_write_frame", half_then_fail)
    out = tmp_path / "sub" / f"y{suffix}"
    out.parent.mkdir()
    out.write_text("the user's file")
    with pytest.raises(OSError, match="disk full"):
        export_labels(out, P, index=IDS)
    assert out.read_text() == "the user's file" and _leftovers(out.parent) == []


def test_a_probability_frame_indexed_by_ids_needs_no_index(tmp_path):
    frame = pd.DataFrame(P, index=pd.Index(IDS, name="doc"))
    assert load_labels(export_labels(tmp_path / "y.csv", frame)).index.tolist() == IDS  # was "pass index="
    with pytest.raises(ModelInputError, match="pass index="):  # 0..n-1 may be positions, not ids
        export_labels(tmp_path / "z.csv", pd.DataFrame(P))
