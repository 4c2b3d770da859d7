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
