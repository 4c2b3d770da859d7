import numpy as np
import pandas as pd
import pytest

from weaksup import LabelMatrix, ModelInputError, export_labels, load_labels


@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".jsonl", ".npz"])
@pytest.mark.parametrize("index", [pd.Index(["b", "a", "007"]), pd.Index([30, 10, 20]), pd.RangeIndex(3)])
def test_round_trip_exact(tmp_path, suffix, index):
    rng = np.random.default_rng(0)
    P = rng.dirichlet(np.ones(3), size=3)
    P[0] = [0.5, 0.5, 0.0]
    L = LabelMatrix.from_dense([[0, -1], [2, 2], [-1, -1]], lf_names=["kw", "re"], index=index)
    path = export_labels(tmp_path / f"labels{suffix}", P, index=index, L=L, class_names=["a", "b", "c"])
    back = load_labels(path)
    assert back.index.tolist() == index.tolist()
    np.testing.assert_array_equal(back[["prob_a", "prob_b", "prob_c"]].to_numpy(), P)
    assert back["label"].tolist() == [-1, int(P[1].argmax()), int(P[2].argmax())]
    assert back["lf.kw"].tolist() == [0, 2, -1] and back["lf.re"].tolist() == [-1, 2, -1]


def test_export_validates_alignment_and_format(tmp_path):
    P = np.array([[0.2, 0.8], [1.0, 0.0]])
    with pytest.raises(ModelInputError, match="pass index"):
        export_labels(tmp_path / "a.csv", P)
    with pytest.raises(ModelInputError, match="1 ids but probs has 2"):
        export_labels(tmp_path / "a.csv", P, index=["x"])
    with pytest.raises(ModelInputError, match="index differs from L.index"):
        export_labels(tmp_path / "a.csv", P, index=["x", "y"], L=LabelMatrix.from_dense([[0], [1]], index=["y", "x"]))
    with pytest.raises(ValueError, match="use one of"):
        export_labels(tmp_path / "a.xlsx", P, index=["x", "y"])
    with pytest.raises(ModelInputError, match="row 0 sums"):
        export_labels(tmp_path / "a.csv", [[0.2, 0.2]], index=["x"])
    with pytest.raises(FileNotFoundError):
        load_labels(tmp_path / "missing.csv")


def test_written_files_get_a_plain_writes_mode(tmp_path):
    import os

    import weaksup as ws

    mask = os.umask(0o022)
    os.umask(mask)
    new = ws.export_labels(tmp_path / "y.csv", [[0.1, 0.9]], index=["a"])
    assert os.stat(new).st_mode & 0o777 == 0o666 & ~mask  # not mkstemp's 0600
    os.chmod(new, 0o640)
    ws.export_labels(new, [[0.2, 0.8]], index=["a"])  # rewriting keeps the file's own mode
    assert os.stat(new).st_mode & 0o777 == 0o640


@pytest.mark.parametrize("sep", [";", "\t", "|"])
def test_csv_separator_is_found_from_a_header_without_commas(tmp_path, sep):
    from weaksup.io import read_table

    path = tmp_path / "data.csv"
    # a spreadsheet export: BOM, CRLF line ends, a comma inside a text cell
    path.write_bytes(f"\ufeffid{sep}text\r\n007{sep}hi, you\r\n8{sep}yo\r\n".encode())
    frame = read_table(path)
    assert frame.index.tolist() == ["007", "8"]
    assert frame["text"].tolist() == ["hi, you", "yo"]


def test_comma_header_and_explicit_sep_win_over_detection(tmp_path):
    from weaksup.io import read_table

    path = tmp_path / "data.csv"
    path.write_text("id,text\n1,a;b\n")
    assert read_table(path)["text"].tolist() == ["a;b"]
    path.write_text("id;text\n1;a\n")
    assert read_table(path, sep=",").columns.tolist() == ["id;text"]


def test_tsv_files_are_tab_separated(tmp_path):
    from weaksup.io import read_table

    path = tmp_path / "data.tsv"
    path.write_text("id\ttext\n1\ta, b; c\n")
    assert read_table(path).loc["1", "text"] == "a, b; c"


def test_loading_a_missing_label_matrix_is_a_file_not_found_error(tmp_path):
    from weaksup.errors import MissingFileError

    with pytest.raises(FileNotFoundError, match="no such label matrix file") as info:
        LabelMatrix.load(tmp_path / "nope.npz")
    assert isinstance(info.value, MissingFileError)


def test_export_labels_takes_the_label_matrix_as_third_argument(tmp_path):
    L = LabelMatrix.from_dense(np.array([[0, 1], [1, -1]]), index=pd.Index(["a", "b"]))
    path = export_labels(tmp_path / "y.csv", [[0.4, 0.6], [0.1, 0.9]], L)  # Snorkel-style positional call
    back = load_labels(path)
    assert back.index.tolist() == ["a", "b"]
    assert back["lf.lf_1"].tolist() == [1, -1]


def test_a_class_name_given_twice_is_refused_not_a_lost_column(tmp_path):
    with pytest.raises(ModelInputError, match="'HAM' is given twice"):
        export_labels(tmp_path / "y.csv", [[0.2, 0.8]], index=["a"], class_names=["HAM", "HAM"])
    assert not (tmp_path / "y.csv").exists()


@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".jsonl"])
def test_a_labels_file_with_no_rows_still_loads(tmp_path, suffix):
    from weaksup.io import LabelWriter

    if suffix == ".parquet":
        pytest.importorskip("pyarrow")
    with LabelWriter(tmp_path / f"y{suffix}"):
        pass
    assert len(load_labels(tmp_path / f"y{suffix}")) == 0


def test_a_labels_path_that_is_a_folder_fails_before_any_work(tmp_path):
    import weaksup as ws
    from weaksup.errors import ParameterError

    (tmp_path / "y.csv").mkdir()
    with pytest.raises(ParameterError, match="it is a folder"):
        export_labels(tmp_path / "y.csv", [[0.2, 0.8]], index=["a"])
    (tmp_path / "d.csv").write_text("text\nmy\n")
    with pytest.raises(ParameterError, match="it is a folder"):
        ws.label_file(ws.MajorityVoter(cardinality=2), [ws.keyword_lf("my", 1)], tmp_path / "d.csv",
                      tmp_path / "y.csv", progress=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.csv", "y.csv"]  # no temporary file left


@pytest.mark.parametrize("ext", [".gz", ".bz2", ".xz"])
@pytest.mark.parametrize("chunk_size", [None, 1])
def test_compressed_csv_and_jsonl_read_as_the_plain_files(tmp_path, ext, chunk_size):
    import bz2
    import gzip
    import lzma

    from weaksup.io import read_chunks

    opener = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}[ext]
    files = {"d.csv": b"\xef\xbb\xbfid;text\r\n007;hi, you\r\n7;\r\n", "d.jsonl": b'{"id": "007", "text": "hi, you"}\n'
             b'{"id": 7}\n', "d.tsv": b"id\ttext\n007\thi, you\n7\t\n"}
    for name, raw in files.items():
        (tmp_path / name).write_bytes(raw)
        with opener(tmp_path / (name + ext), "wb") as fh:
            fh.write(raw)
        plain = list(read_chunks(tmp_path / name, chunk_size=chunk_size))
        packed = list(read_chunks(tmp_path / (name + ext), chunk_size=chunk_size))
        assert [i for c in packed for i in c.index] == ["007", "7"]
        assert [t for c in packed for t in c["text"]] == ["hi, you", None]
        for a, b in zip(packed, plain, strict=True):
            pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_a_chunk_whose_text_cells_are_all_empty_still_gives_none(tmp_path, suffix):
    """An LF sees None for an empty text cell whatever the chunk size (pandas reads an all-empty chunk as NaN)."""
    from weaksup.io import read_chunks

    path = tmp_path / f"d{suffix}"
    if suffix == ".csv":
        path.write_text("id,text\n1,a\n2,\n3,\n")
    else:
        path.write_text('{"id": 1, "text": "a"}\n{"id": 2, "text": null}\n{"id": 3, "text": null}\n')
    for size in (None, 1, 2):
        cells = [t for c in read_chunks(path, chunk_size=size) for t in c["text"]]
        assert cells == ["a", None, None], size


def test_a_damaged_compressed_file_or_utf16_is_a_data_file_error_saying_what_to_do(tmp_path):
    from weaksup.errors import DataFileError
    from weaksup.io import read_table

    (tmp_path / "plain.csv.gz").write_bytes(b"id,text\n1,a\n")  # named .gz but not compressed
    (tmp_path / "plain.jsonl.gz").write_bytes(b'{"id": 1}\n')
    for name in ("plain.csv.gz", "plain.jsonl.gz"):
        with pytest.raises(DataFileError, match="cannot decompress .*plain"):
            read_table(tmp_path / name)
    (tmp_path / "d.parquet.gz").write_bytes(b"x")  # parquet compresses inside the file, never as .gz
    with pytest.raises(DataFileError, match="may be compressed"):
        read_table(tmp_path / "d.parquet.gz")
    (tmp_path / "excel.csv").write_bytes("id\ttext\n1\tcafé\n".encode("utf-16"))  # Excel's "Unicode text"
    with pytest.raises(DataFileError, match="encoding='utf-16'"):
        read_table(tmp_path / "excel.csv")
    assert read_table(tmp_path / "excel.csv", encoding="utf-16")["text"].tolist() == ["café"]


def test_pandas_usecols_reads_like_columns(tmp_path):
    from weaksup.errors import ParameterError
    from weaksup.io import read_table

    (tmp_path / "d.csv").write_text("id,text,label\n007,a,1\n8,b,0\n")
    frame = read_table(tmp_path / "d.csv", usecols=["text"])  # a pandas habit: a raw TypeError before
    assert frame.index.tolist() == ["007", "8"] and frame.columns.tolist() == ["id", "text"]
    with pytest.raises(ParameterError, match="once"):
        read_table(tmp_path / "d.csv", columns=["text"], usecols=["label"])


def test_a_parse_error_names_the_separator_it_was_read_with(tmp_path):
    from weaksup.errors import DataFileError
    from weaksup.io import read_table

    (tmp_path / "d.csv").write_text("id,text\n1,hi\n2,a;b;c;d\n")  # a comma file, read with the wrong sep
    with pytest.raises(DataFileError, match="read with sep=';': is that its separator"):
        read_table(tmp_path / "d.csv", sep=";")


def test_votes_as_a_numpy_array_take_the_ids_of_index(tmp_path):
    """A Snorkel user's L is a dense array: it has no ids to disagree with, so index= names its rows."""
    import scipy.sparse as sp

    L = np.array([[0, -1], [1, 1], [-1, -1]])
    P = np.array([[0.9, 0.1], [0.2, 0.8], [0.5, 0.5]])
    for votes in (L, sp.csr_matrix(L + 1)):
        back = load_labels(export_labels(tmp_path / "y.csv", P, index=pd.Index(["b", "a", "007"]), L=votes))
        assert back.index.tolist() == ["b", "a", "007"] and back["lf.lf_0"].tolist() == [0, 1, -1]
    with pytest.raises(ModelInputError, match="index differs from L.index"):  # a LabelMatrix's ids must agree
        export_labels(tmp_path / "y.csv", P, index=["b", "a", "007"], L=LabelMatrix.from_dense(L))


def _damaged_labels_files(d):
    """Labels files a user may hand to load_labels: damaged, or not labels at all; with what the error says."""
    import json

    good = export_labels(d / "y.npz", [[0.2, 0.8]], index=["a"]).read_bytes()
    (d / "trunc.npz").write_bytes(good[: len(good) // 2])
    LabelMatrix.from_dense([[0, 1]], index=["a"]).save(d / "matrix.npz")
    (d / "empty.csv").write_text("")
    (d / "quote.csv").write_text('id,prob_0\n"a,1\n')
    (d / "latin1.jsonl").write_bytes(b'{"id": "\xe9", "prob_0": 1}\n')
    (d / "array.jsonl").write_text("[1, 2]\n")
    (d / "keys.jsonl").write_text('{"id": "a", "prob_0": 1}\n{"id": "b", "prob_0": 1, "x": 2}\n')
    (d / "dir.csv").mkdir()

    def columns(names):
        return np.frombuffer(names.encode(), dtype=np.uint8)

    np.savez(d / "badjson.npz", id=np.array(["a"]), __columns__=columns('["id",'))
    np.savez(d / "member.npz", id=np.array(["a"]), __columns__=columns(json.dumps(["id", "prob_0"])))
    np.savez(d / "ragged.npz", id=np.array(["a", "b"]), prob_0=np.array([1.0]),
             __columns__=columns(json.dumps(["id", "prob_0"])))
    cases = {"trunc.npz": "not a readable .npz file", "matrix.npz": "LabelMatrix.load", "empty.csv": "is empty",
             "quote.csv": "cannot parse", "latin1.jsonl": "not UTF-8", "array.jsonl": "line 1 is a JSON list",
             "keys.jsonl": "line 2 has key 'x'", "dir.csv": "folder", "badjson.npz": "not a JSON list",
             "member.npz": "'prob_0' is named in '__columns__'", "ragged.npz": "has 1 values"}
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return cases
    good = export_labels(d / "y.parquet", [[0.2, 0.8]], index=["a"]).read_bytes()
    (d / "trunc.parquet").write_bytes(good[: len(good) // 2])
    return {**cases, "trunc.parquet": "not a readable parquet file"}


def test_a_damaged_or_wrong_labels_file_is_one_typed_error_naming_the_file(tmp_path):
    from weaksup.errors import WeaksupError

    for name, needle in _damaged_labels_files(tmp_path).items():
        with pytest.raises(WeaksupError) as info:
            load_labels(tmp_path / name)
        assert isinstance(info.value, ValueError), (name, info.value)  # DataFileError / ModelInputError
        assert name in str(info.value) and needle in str(info.value), (name, str(info.value))


def test_export_labels_keeps_duplicate_row_ids_in_order(tmp_path):
    # rows of a concatenated frame share ids: they are written and read back as they went in, never merged
    for suffix in (".csv", ".jsonl", ".npz"):
        back = load_labels(export_labels(tmp_path / f"y{suffix}", [[0.2, 0.8], [0.5, 0.5], [0.9, 0.1]],
                                         index=["x", "y", "x"]))
        assert back.index.tolist() == ["x", "y", "x"] and back["prob_1"].tolist() == [0.8, 0.5, 0.1]


# every id:<type> header export_labels writes (JSON lines shows numbers and booleans itself)
@pytest.mark.parametrize("suffix, index, header", [
    (".csv", pd.Index(["10", "11", "12"]), "id:str"),
    (".csv", pd.Index([1.5, 2.0, 0.1]), "id:float"),
    (".csv", pd.Index([True, False]), "id:bool"),
    (".csv", pd.DatetimeIndex(["2020-01-01", "2021-02-03 04:05:06.5"]), "id:datetime"),
    (".jsonl", pd.DatetimeIndex(["2020-01-01", "2021-02-03 04:05:06.5"]), "id:datetime"),
])
def test_the_data_readers_read_the_typed_id_header_of_weaksups_own_labels_file(tmp_path, suffix, index, header):
    from weaksup.io import read_table
    from weaksup.io.tables import read_chunks

    path = export_labels(tmp_path / f"y{suffix}", [[0.5, 0.5]] * len(index), index=index)
    assert header in path.read_text().splitlines()[0]
    expected = load_labels(path).index
    frame = read_table(path)
    assert frame.index.equals(expected) and frame.index.dtype == expected.dtype
    assert frame.index.name == "id" and frame["id"].tolist() == expected.tolist()
    chunked = pd.concat(list(read_chunks(path, chunk_size=1)))
    assert chunked.index.equals(expected) and chunked.index.dtype == expected.dtype


def test_a_typed_id_that_does_not_decode_names_its_row(tmp_path):
    from weaksup.errors import DataFileError
    from weaksup.io import read_table

    (tmp_path / "y.csv").write_text("id:float,prob_0\n1.5,1\nabc,1\n")
    with pytest.raises(DataFileError, match=r"y.csv: row 2: the id 'abc' in column 'id:float' is not a float"):
        read_table(tmp_path / "y.csv")


def test_a_csv_header_naming_a_column_twice_is_refused_but_a_column_named_id_dot_1_is_kept(tmp_path):
    from weaksup.errors import DataFileError
    from weaksup.io import read_table

    (tmp_path / "two.csv").write_text("id,id,text\n1,2,buy\n3,4,hi\n")
    with pytest.raises(DataFileError, match=r"two.csv: the header names column 'id' twice \(columns 1 and 2\)"):
        read_table(tmp_path / "two.csv")
    (tmp_path / "semi.csv").write_text("sep=;\nid;text;text\n1;a;b\n")  # Excel's separator line first
    with pytest.raises(DataFileError, match="column 'text' twice"):
        read_table(tmp_path / "semi.csv")
    (tmp_path / "dot.csv").write_text("id,id.1,text\n1,2,buy\n3,4,hi\n")
    frame = read_table(tmp_path / "dot.csv")
    assert frame.index.tolist() == ["1", "3"] and frame["id.1"].tolist() == [2, 4]


def test_chunked_csv_reads_a_column_with_some_text_as_text_in_every_chunk(tmp_path):
    """pandas infers types per chunk: zip codes must not turn into numbers (0 dropped) in chunks without text."""
    from weaksup.io.tables import read_chunks

    p = tmp_path / "z.csv"
    p.write_text("id,zip,n,x\na,01234,1,0.5\nb,01299,2,\nc,N/A-0,3,1.5\nd,7,,2\n")
    whole = next(read_chunks(p, chunk_size=None))
    for size in (1, 2, 3):
        parts = pd.concat(list(read_chunks(p, chunk_size=size)))
        assert parts["zip"].tolist() == whole["zip"].tolist() == ["01234", "01299", "N/A-0", "7"]
        assert parts["n"].tolist()[:3] == [1, 2, 3] and parts["x"].tolist()[0] == 0.5  # numbers stay numbers
    # a dtype the caller gives is theirs
    assert next(read_chunks(p, chunk_size=1, dtype={"zip": str}))["zip"].tolist() == ["01234"]
