"""The ``weaksup`` command on the files and pipes users give it: its own labels files as inputs, usage
errors found before any work, errors that name the row, a closed output pipe, a header naming a column twice."""

import os
import subprocess
import sys
import textwrap

import pandas as pd
import pytest

import weaksup as ws
from weaksup.cli import main

# each call leaves a mark, so a test can tell whether the LFs ran
LF_FILE = textwrap.dedent('''
    from weaksup import labeling_function

    MARK = {mark!r}

    @labeling_function()
    def buy(x):
        open(MARK, "a").write(".")
        return 1 if "buy" in x.text else -1

    @labeling_function()
    def short(x):
        return 0 if len(x.text.split()) < 3 else -1
''')


@pytest.fixture
def project(tmp_path, monkeypatch, write_cli_project):
    write_cli_project(tmp_path, LF_FILE.format(mark=str(tmp_path / "lf_calls")))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def lfs_ran(project):
    return (project / "lf_calls").exists()


def usage_error(capsys, *needles):
    err = capsys.readouterr().err
    assert "usage: weaksup" in err and "Traceback" not in err, err
    for needle in needles:
        assert needle in err, err


def test_weaksups_own_labels_csv_is_read_by_its_ids_as_gold_exclude_and_data(project, capsys):
    # ids that look like integers: the labels CSV names them id:str, which every reader must take as the ids
    assert main(["run", "lfs.py", "d.csv", "-o", "labels.csv", "--save-matrix", "L.npz", "--no-progress"]) == 0
    assert (project / "labels.csv").read_text().startswith("id:str,")
    capsys.readouterr()
    assert main(["analyze", "L.npz", "--gold", "labels.csv:label"]) == 0
    assert "gold labels for" in capsys.readouterr().out
    # partial gold: two of the four rows, matched by id (not by position, which would need four rows)
    labels = ws.load_labels("labels.csv")
    ws.export_labels("some.csv", labels[["prob_0", "prob_1"]].iloc[[3, 1]].to_numpy(), index=labels.index[[3, 1]])
    assert main(["analyze", "L.npz", "--gold", "some.csv:label"]) == 0, capsys.readouterr().err
    assert main(["suggest", "L.npz", "--exclude", "some.csv", "-n", "4", "--batch", "top"]) == 0, \
        capsys.readouterr().err
    out = capsys.readouterr().out
    assert "2 of 4 rows suggested" in out
    assert ws.io.read_table("labels.csv").index.tolist() == ["10", "11", "12", "13"]


@pytest.mark.parametrize("balance", ["0.5,0.6", "1.5,-0.5", "1", "nan,0.5"])
def test_a_class_balance_that_is_no_distribution_is_a_usage_error_before_the_lfs_run(project, capsys, balance):
    assert main(["run", "lfs.py", "d.csv", "-o", "y.csv", "--class-balance", balance, "--save-matrix", "L.npz",
                 "--save-model", "m"]) == 2
    usage_error(capsys, "--class-balance must be two or more non-negative numbers summing to 1")
    assert not lfs_ran(project)
    assert main(["apply", "lfs.py", "d.csv", "-o", "L0.npz"]) == 0
    capsys.readouterr()
    assert main(["fit", "L0.npz", "-o", "m", "--class-balance", balance]) == 2
    usage_error(capsys, "--class-balance must be")
    assert not (project / "m").exists() and not (project / "L.npz").exists()


def test_class_counts_are_usage_errors_before_the_lfs_run_when_the_classes_are_known(project, capsys):
    for option in (["--class-names", "A,B,C"], ["--class-balance", "0.2,0.3,0.5"]):
        assert main(["run", "lfs.py", "d.csv", "-o", "y.csv", "--cardinality", "2", *option]) == 2
        usage_error(capsys, "for a 2-class model")
        assert not lfs_ran(project)


def test_a_class_count_found_wrong_after_applying_leaves_no_saved_matrix_or_model(project, capsys):
    for option in (["--class-names", "A,B,C"], ["--class-balance", "0.2,0.3,0.5"]):
        assert main(["run", "lfs.py", "d.csv", "-o", "y.csv", "--save-matrix", "L.npz", "--save-model", "m",
                     *option]) == 2
        assert not any((project / name).exists() for name in ("y.csv", "L.npz", "m"))
        usage_error(capsys, "for a 2-class model", "--cardinality K")
    assert main(["run", "lfs.py", "d.csv", "-o", "y.csv", "--save-matrix", "L.npz", "--save-model", "m",
                 "--class-names", "HAM,SPAM"]) == 0
    assert all((project / name).exists() for name in ("y.csv", "L.npz", "m/model.json"))
    capsys.readouterr()
    assert main(["fit", "L.npz", "-o", "m2", "--class-balance", "0.2,0.3,0.5"]) == 2
    usage_error(capsys, "--class-balance gives 3 numbers for a 2-class model", "--param cardinality=K")
    assert main(["fit", "L.npz", "-o", "m2", "--class-names", "A,B,C"]) == 2
    usage_error(capsys, "got 3 class names for a 2-class model")
    assert not (project / "m2").exists()


def test_fit_names_the_row_id_of_an_out_of_range_dev_label(project, capsys):
    pd.DataFrame({"id": ["007", "7", "a", "b", "0010"], "text": ["buy now", "hi there", "buy things", "ok",
                                                                 "something long enough text"]}).to_csv(
        "r.csv", index=False)
    assert main(["apply", "lfs.py", "r.csv", "-o", "L.npz"]) == 0
    # unknown labels (-1, empty) before the bad one: its position among the known labels is not its row
    (project / "gold.csv").write_text("id,label\n007,-1\n7,\na,0\nb,0\n0010,2\n")
    capsys.readouterr()
    assert main(["fit", "L.npz", "-o", "m", "--dev", "L.npz", "--dev-labels", "gold.csv:label"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "row '0010' has label 2, out of range for a 2-class model" in err and "--param cardinality=K" in err


def test_output_piped_into_a_reader_that_has_gone_ends_quietly_with_141():
    proc = subprocess.Popen([sys.executable, "-m", "weaksup", "fit", "--list-models"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    proc.stdout.close()  # as `| head -0` does: every write to stdout now fails with EPIPE
    err = proc.stderr.read()
    proc.stderr.close()
    assert proc.wait(timeout=120) == 141 and err == b""


def test_a_data_file_whose_header_names_a_column_twice_is_one_error_line(project, capsys):
    (project / "two.csv").write_text("id,id,text\n1,2,buy\n3,4,hi\n")
    assert main(["run", "lfs.py", "two.csv", "-o", "y.csv"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "the header names column 'id' twice" in err and "two.csv" in err
    assert not (project / "y.csv").exists() and not lfs_ran(project)
