"""Found by probing as a new user would: the ``weaksup`` command on odd files, and the label matrix next to
NumPy and pandas (masked arrays, metadata set as on a DataFrame, columns by a sequence of LF names, slices of ids)."""

import textwrap

import numpy as np
import pandas as pd
import pytest

import weaksup as ws
from weaksup import LabelMatrix
from weaksup._dense_cache import MIN_ENTRIES
from weaksup.analysis import LFAnalysis
from weaksup.cli import main
from weaksup.errors import LabelMatrixError
from weaksup.matrix import as_label_matrix

LF_FILE = textwrap.dedent('''
    from weaksup import labeling_function

    @labeling_function()
    def buy(x):
        return 1 if "buy" in x.text else -1

    @labeling_function()
    def short(x):
        return 0 if len(x.text.split()) < 3 else -1
''')


@pytest.fixture
def project(tmp_path, monkeypatch, write_cli_project):
    write_cli_project(tmp_path, LF_FILE)
    monkeypatch.chdir(tmp_path)
    assert main(["apply", "lfs.py", "d.csv", "-o", "L.npz", "--no-progress"]) == 0
    return tmp_path


def one_error_line(capsys, *needles):
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    for needle in needles:
        assert needle in err, err
    return err


# the command line -------------------------------------------------------------------------------------
def test_report_names_the_file_and_row_id_of_a_gold_label_beyond_the_models_classes(project, capsys):
    # row '12' (the third row) has label 7 for a 2-class model: "row 2" (a position) named neither file nor id
    pd.DataFrame({"id": ["10", "11", "12"], "label": [1, 0, 7]}).to_csv("gold.csv", index=False)
    capsys.readouterr()
    assert main(["report", "L.npz", "-o", "r.html", "--gold", "gold.csv:label"]) == 1
    one_error_line(capsys, "gold.csv:label", "row '12'", "label 7", "2-class")
    assert main(["report", "L.npz", "-o", "r.html", "--dev", "L.npz", "--dev-labels", "gold.csv:label"]) == 1
    one_error_line(capsys, "gold.csv:label", "row '12'", "label 7")
    assert not (project / "r.html").exists()


def test_sep_for_the_csv_files_is_no_error_on_json_lines_gold(project, capsys):
    # one --sep reads DATA, --gold and --dev-labels: a JSON lines gold file ignores it, as a parquet one does
    pd.DataFrame({"id": ["10", "11", "12", "13"], "text": ["buy now please", "hi", "ok then go home", "buy it"]}
                 ).to_csv("semi.csv", sep=";", index=False)
    pd.DataFrame({"id": ["13", "10"], "label": [1, 1]}).to_json("gold.jsonl", orient="records", lines=True)
    assert main(["apply", "lfs.py", "semi.csv", "-o", "L2.npz", "--sep", ";", "--no-progress"]) == 0
    capsys.readouterr()
    assert main(["analyze", "L2.npz", "--gold", "gold.jsonl:label", "--sep", ";"]) == 0
    assert "gold labels for 2 rows" in capsys.readouterr().out
    assert main(["apply", "lfs.py", "gold.jsonl", "-o", "L3.npz", "--sep", ";", "--no-progress"]) == 1
    one_error_line(capsys, "no field 'text'")  # read, and then the LFs find no text: not read_json's TypeError


# masked arrays ----------------------------------------------------------------------------------------
def test_a_masked_vote_is_refused_not_read_as_the_value_under_it():
    votes = np.ma.masked_array([[0, 1], [1, 0]], mask=[[False, True], [False, False]])
    with pytest.raises(LabelMatrixError, match=r"row 0, column 1 .*masked.*filled\(-1\)"):
        LabelMatrix.from_dense(votes)
    with pytest.raises(LabelMatrixError, match=r"LF 'b', row id 'r1'.*masked"):
        LabelMatrix.from_dense(votes, lf_names=["a", "b"], index=["r1", "r2"])
    with pytest.raises(LabelMatrixError, match="masked"):
        as_label_matrix(votes)
    with pytest.raises(LabelMatrixError, match="masked"):  # a label model's input too
        ws.MajorityVoter().fit(votes)
    with pytest.raises(LabelMatrixError, match=r"row 1, column 0 \(LF 'a', row id 's'\) is masked"):
        LabelMatrix.from_columns([np.ma.masked_array([0, 1], mask=[False, True]), np.array([1, -1])],
                                 lf_names=["a", "b"], index=["r", "s"])
    # nothing masked: the votes as they are
    assert LabelMatrix.from_dense(votes.filled(-1)).to_dense().tolist() == [[0, -1], [1, 0]]
    assert as_label_matrix(np.ma.masked_array([[0, 1]])).to_dense().tolist() == [[0, 1]]


def test_a_large_masked_array_is_refused_on_every_call_not_kept_with_its_mask_unseen():
    n = MIN_ENTRIES // 2 + 1
    votes = np.ma.masked_array(np.zeros((n, 2), dtype=np.int8), mask=np.zeros((n, 2), dtype=bool))
    assert as_label_matrix(votes).nnz == 2 * n
    votes[5, 1] = np.ma.masked  # the data under it is still 0: only the mask says it is missing
    with pytest.raises(LabelMatrixError, match="row 5, column 1 is masked"):
        as_label_matrix(votes)


# metadata set as on a DataFrame -----------------------------------------------------------------------
def test_setting_row_ids_lf_names_or_cardinality_is_checked_as_the_constructor_checks_them():
    L = LabelMatrix.from_dense([[0, -1, 1], [1, 1, -1], [-1, -1, 2]], lf_names=["a", "b", "c"], index=["x", "y", "z"])
    with pytest.raises(LabelMatrixError, match="2 ids for 3 rows"):
        L.index = ["p", "q"]
    with pytest.raises(LabelMatrixError, match="1 LF names for 3 columns"):
        L.lf_names = ["only"]
    with pytest.raises(LabelMatrixError, match="duplicate LF names"):
        L.lf_names = ["a", "a", "b"]
    with pytest.raises(LabelMatrixError, match=r"LF 'c' votes label 2 at row 'z'.*cardinality 2"):
        L.cardinality = 2
    # a failed assignment changes nothing
    assert L.index.tolist() == ["x", "y", "z"] and L.lf_names == ["a", "b", "c"] and L.cardinality is None
    L.index = ["007", "8", "9"]  # a list becomes an Index of exactly those ids: loc, to_frame and save work
    L.lf_names = ["u", "v", "w"]
    L.cardinality = 3
    assert isinstance(L.index, pd.Index) and L.loc(["8"]).to_dense().tolist() == [[1, 1, -1]]
    assert L.to_frame().columns.tolist() == ["u", "v", "w"] and L[:, "w"].tolist() == [1, -1, 2]
    assert L.cardinality == 3 and L == LabelMatrix.from_dense(L.to_dense(), lf_names=["u", "v", "w"],
                                                              index=["007", "8", "9"], cardinality=3)


# columns by LF name -----------------------------------------------------------------------------------
def test_columns_by_a_tuple_array_or_pandas_index_of_lf_names():
    L = LabelMatrix.from_dense([[0, -1, 1], [1, 1, -1], [-1, -1, -1]], lf_names=["a", "b", "c"])
    expected = L.to_dense()[:, [0, 2]]
    for names in (("a", "c"), np.array(["a", "c"]), pd.Index(["a", "c"]), ["a", 2]):
        assert np.array_equal(L[:, names], expected), names
    table = LFAnalysis(L).lf_summary()
    strong = table.index[table["Coverage"] > 0.5]  # the LFs of a summary table, by name
    assert np.array_equal(L[:, strong], L.to_dense()[:, [table.index.get_loc(s) for s in strong]])
    assert L[[0, 1], ["a", "c"]].tolist() == [0, -1]  # with row positions: NumPy's pairs, as for positions
    with pytest.raises(LabelMatrixError, match="no LF named 'zz'"):
        L[:, ("a", "zz")]


def test_a_slice_of_row_ids_points_at_loc():
    L = LabelMatrix.from_dense([[0], [1], [-1]], index=["x", "y", "z"])
    with pytest.raises(LabelMatrixError, match=r"integer positions.*L\.loc"):
        L["x":"y"]
    assert L[np.int64(1):].index.tolist() == ["y", "z"] and L[::-1].index.tolist() == ["z", "y", "x"]


# an .npz that is no label matrix ----------------------------------------------------------------------
def test_an_npz_of_labels_or_of_scipy_says_what_it_holds_not_only_that_meta_is_missing(project, capsys):
    import scipy.sparse as sp

    assert main(["run", "lfs.py", "d.csv", "-o", "labels.npz", "--no-progress"]) == 0
    sp.save_npz("scipy.npz", sp.csr_matrix(np.eye(2)))
    np.savez("plain.npz", votes=np.array([[0, -1]]))
    capsys.readouterr()
    assert main(["fit", "labels.npz", "-o", "model"]) == 1
    one_error_line(capsys, "labels.npz", "probabilistic labels", "weaksup apply")
    assert main(["analyze", "scipy.npz"]) == 1
    one_error_line(capsys, "scipy.npz", "scipy.sparse.save_npz", "from_sparse")
    with pytest.raises(LabelMatrixError, match=r"plain\.npz.*the arrays votes.*from_dense"):
        LabelMatrix.load("plain.npz")
