"""Data files as users hold them: spreadsheet CSVs, JSON files, parquet folders, through the library and the CLI."""

import warnings

import numpy as np
import pandas as pd
import pytest

import weaksup as ws
from weaksup.cli import main
from weaksup.errors import DataFileError, WeaksupWarning
from weaksup.io import read_chunks, read_table


def _lfs():
    return [ws.keyword_lf("my", 1, name="my"), ws.keyword_lf("song", 0, name="song")]


@pytest.mark.parametrize("chunk_size", [None, 1])
def test_a_separator_at_the_end_of_every_line_keeps_ids_in_their_column(tmp_path, chunk_size):
    # pandas' default reads such rows with the first column as the index: every value one column off
    path = tmp_path / "export.csv"
    path.write_text("id,text\n007,my song,\n008,hello,\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", WeaksupWarning)
        frame = pd.concat(list(read_chunks(path, chunk_size=chunk_size)))
        L = ws.apply_file(_lfs(), path, chunk_size=chunk_size or 10, progress=False)
    assert frame.index.tolist() == ["007", "008"]
    assert frame["text"].tolist() == ["my song", "hello"]
    assert L.index.tolist() == ["007", "008"] and L.to_dense().tolist() == [[1, 0], [-1, -1]]


def test_a_row_with_more_fields_than_the_header_warns_naming_the_file(tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text("id,text\n1,my,unquoted tail\n2,song\n")
    with pytest.warns(WeaksupWarning, match="ragged.csv: some rows have more fields than the header"):
        frame = read_table(path)
    assert frame.index.tolist() == ["1", "2"] and frame["text"].tolist() == ["my", "song"]


def test_a_file_in_another_encoding_is_a_data_file_error_saying_what_to_pass(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes("id,text\n1,café my\n".encode("cp1252"))
    with pytest.raises(DataFileError, match=r"excel.csv is not utf-8 text.*encoding='cp1252'"):
        read_table(path)
    with pytest.raises(DataFileError, match="encoding="):
        ws.apply_file(_lfs(), path, progress=False)
    assert read_table(path, encoding="cp1252")["text"].tolist() == ["café my"]


@pytest.mark.parametrize(("content", "needle"), [
    ("", "is empty"),
    ('id,text\n1,"never closed\n2,x\n', "cannot parse"),
    ("id,text\n1,a\n2,b,c,d\n", "Expected 2 fields in line 3"),
])
def test_unreadable_csv_is_a_data_file_error_naming_the_file(tmp_path, content, needle):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    with pytest.raises(DataFileError, match=needle) as info:
        read_table(path)
    assert "bad.csv" in str(info.value)


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_a_json_array_is_refused_not_read_as_one_row_of_dicts(tmp_path, suffix):
    path = tmp_path / f"records{suffix}"
    pd.DataFrame({"id": [1, 2], "text": ["my", "song"]}).to_json(path, orient="records")  # one line: [{...}, ...]
    with pytest.raises(DataFileError, match="line 1 is not a JSON object.*lines=True"):
        read_table(path)


def test_json_lines_with_a_byte_order_mark(tmp_path):
    path = tmp_path / "notepad.jsonl"
    path.write_bytes('{"id": "007", "text": "my"}\r\n{"id": "7", "text": "song"}\r\n'.encode("utf-8-sig"))
    assert read_table(path).index.tolist() == ["007", "7"]
    assert [c.index.tolist() for c in read_chunks(path, chunk_size=1)] == [["007"], ["7"]]


def test_the_command_reads_a_folder_of_parquet_parts_like_the_library(tmp_path, capsys):
    pytest.importorskip("pyarrow")
    (tmp_path / "lfs.py").write_text("import weaksup as ws\nlfs = [ws.keyword_lf('my', 1, name='my'), "
                                     "ws.keyword_lf('song', 0, name='song')]\n")
    df = pd.DataFrame({"id": np.arange(100, 110), "text": ["my song", "song", "my", "x", "my my"] * 2})
    parts = tmp_path / "parts"
    parts.mkdir()
    df.iloc[:4].to_parquet(parts / "part-0.parquet", index=False)
    df.iloc[4:].to_parquet(parts / "part-1.parquet", index=False)
    (parts / "_SUCCESS").write_text("")
    assert main(["apply", str(tmp_path / "lfs.py"), str(parts), "-o", str(tmp_path / "L.npz")]) == 0
    L = ws.LabelMatrix.load(tmp_path / "L.npz")
    assert L.index.tolist() == df["id"].tolist()
    assert L.to_dense().tolist() == ws.apply_file(_lfs(), parts, progress=False).to_dense().tolist()
    (tmp_path / "empty").mkdir()
    assert main(["apply", str(tmp_path / "lfs.py"), str(tmp_path / "empty"), "-o", str(tmp_path / "L2.npz")]) == 1
    assert "holds no .parquet files" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["d.csv", "d.parquet"])
def test_columns_the_file_lacks_are_named(tmp_path, name):
    from weaksup.errors import MissingColumnError

    frame = pd.DataFrame({"id": ["a", "b"], "text": ["my", "x"]})
    path = tmp_path / name
    if name.endswith(".csv"):
        frame.to_csv(path, index=False)
    else:
        pytest.importorskip("pyarrow")
        frame.to_parquet(path, index=False)
    with pytest.raises(MissingColumnError, match="has no column 'body'.*'id', 'text'"):
        ws.apply_file(_lfs(), path, columns=["text", "body"], progress=False)
    assert ws.apply_file(_lfs(), path, columns="text", progress=False).to_dense().tolist() == [[1, -1], [-1, -1]]


def test_a_probability_frame_in_another_row_order_is_refused(tmp_path):
    probs = pd.DataFrame([[0.1, 0.9], [0.8, 0.2]], index=["b", "a"])
    with pytest.raises(ws.ModelInputError, match="index differs from the row ids"):
        ws.export_labels(tmp_path / "y.csv", probs, index=["a", "b"])
    back = ws.load_labels(ws.export_labels(tmp_path / "y.csv", probs.loc[["a", "b"]], index=["a", "b"]))
    assert back.loc["b", "prob_1"] == 0.9


def test_matching_ids_to_integer_ids_treats_every_parquet_part_alike(tmp_path):
    pytest.importorskip("pyarrow")
    (tmp_path / "gold").mkdir()
    pd.DataFrame({"id": ["7", "8"], "label": [1, 0]}).to_parquet(tmp_path / "gold" / "p0.parquet", index=False)
    pd.DataFrame({"id": ["007"], "label": [1]}).to_parquet(tmp_path / "gold" / "p1.parquet", index=False)
    index = read_table(tmp_path / "gold", like=pd.Index([7, 8])).index
    assert index.tolist() == ["7", "8", "007"] and index.dtype != object  # not [7, 8, "007"]


def test_json_lines_in_another_encoding(tmp_path):
    path = tmp_path / "cp.jsonl"
    path.write_bytes('{"id": "007", "text": "my"}\n{"id": "8", "text": "café"}\n'.encode("cp1252"))
    with pytest.raises(DataFileError, match=r"cp.jsonl is not utf-8 text.*encoding="):
        read_table(path)
    assert read_table(path, encoding="cp1252")["text"].tolist() == ["my", "café"]
    assert main(["apply", "weaksup.datasets.spam_lfs:spam_lfs", str(path), "-o", str(tmp_path / "L.npz"),
                 "--encoding", "cp1252"]) == 0
    assert ws.LabelMatrix.load(tmp_path / "L.npz").index.tolist() == ["007", "8"]


@pytest.mark.parametrize("chunk_size", [None, 1])
def test_excel_sep_line_names_the_separator(tmp_path, chunk_size):
    path = tmp_path / "excel.csv"
    path.write_bytes("sep=;\r\nid;text\r\n007;my, song\r\n8;x\r\n".encode("utf-8-sig"))
    frame = pd.concat(list(read_chunks(path, chunk_size=chunk_size)))
    assert frame.index.tolist() == ["007", "8"] and frame["text"].tolist() == ["my, song", "x"]


@pytest.mark.parametrize("chunk_size", [None, 1])
def test_parquet_written_with_the_ids_as_the_pandas_index(tmp_path, chunk_size):
    pytest.importorskip("pyarrow")
    path = tmp_path / "d.parquet"
    pd.DataFrame({"id": ["007", "8"], "text": ["my", "song"]}).set_index("id").to_parquet(path)
    frame = pd.concat(list(read_chunks(path, chunk_size=chunk_size)))
    assert frame.index.tolist() == ["007", "8"] and frame["id"].tolist() == ["007", "8"]
    assert ws.apply_file(_lfs(), path, chunk_size=chunk_size or 10, progress=False).index.tolist() == ["007", "8"]


def test_json_lines_whose_ids_start_after_the_first_chunk_fail_as_a_whole_file_read_does(tmp_path):
    path = tmp_path / "late.jsonl"
    path.write_text('{"text": "my"}\n{"text": "x"}\n{"id": "5", "text": "song"}\n')
    with pytest.raises(DataFileError, match="line 1: the id column 'id' is empty"):
        read_table(path)
    with pytest.raises(DataFileError, match="line 1: the id column 'id' is empty"):
        list(read_chunks(path, chunk_size=1))  # not positions 0, 1, 2 with the id "5" dropped


def test_a_json_lines_chunk_without_an_optional_key_reads_it_as_missing_like_a_whole_file_read(tmp_path):
    path = tmp_path / "optional.jsonl"
    path.write_text('{"id": "a", "text": "my", "title": "t"}\n{"id": "b", "text": "song"}\n')

    @ws.labeling_function()
    def has_title(x):
        return -1 if x.title is None else 1

    whole = read_table(path)
    chunks = list(read_chunks(path, chunk_size=1))
    assert chunks[1]["title"].tolist() == whole.loc[["b"], "title"].tolist() == [None]
    assert ws.apply_file([has_title], path, chunk_size=1, progress=False).to_dense().ravel().tolist() == [1, -1]


def test_parquet_of_a_filtered_frame_warns_that_its_index_is_not_the_row_ids(tmp_path):
    pytest.importorskip("pyarrow")
    df = pd.DataFrame({"text": ["my", "x", "song"]})
    df[df.text != "x"].to_parquet(tmp_path / "kept.parquet")  # index [0, 2]: labels keyed 0, 1 would not join back
    with pytest.warns(WeaksupWarning, match=r"stores a pandas index \(\[0, 2\]"):
        assert read_table(tmp_path / "kept.parquet").index.tolist() == [0, 1]
    df.to_parquet(tmp_path / "all.parquet")
    with warnings.catch_warnings():
        warnings.simplefilter("error", WeaksupWarning)
        assert read_table(tmp_path / "all.parquet").index.tolist() == [0, 1, 2]
