"""Issue #12, item 2: no entry point writes an output over one of its inputs.

Every check runs before any work: the LF file is never run (it leaves a marker when it is),
nothing is written, every input is byte-identical afterwards, and the CLI exits 1 with one line
naming both paths. "The same file" covers the same path, a symlink, a hard link and a path
inside an input folder (a parquet dataset folder).
"""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from weaksup import ChunkedApplier, LabelingFunction, MajorityVoter, keyword_lf, label_file
from weaksup.cli import main
from weaksup.errors import UnsafeOutputError
from weaksup.pipeline import export_chunked

LF_FILE = textwrap.dedent('''
    from pathlib import Path
    from weaksup import labeling_function

    Path(__file__).with_name("lfs_were_loaded").touch()  # proves the LFs ran (the checks come first)

    @labeling_function()
    def has_link(x):
        return 1 if "http" in x.text else -1

    @labeling_function()
    def says_thanks(x):
        return 0 if "thanks" in x.text else -1
''')

TEXTS = ["see http://a.example", "thanks a lot", "thanks, http://b.example", "nice", "http://c.example"] * 4


@pytest.fixture
def project(tmp_path, monkeypatch):
    """lfs.py, data.csv (with ids), L.npz and a fitted model dir, made through the CLI itself."""
    (tmp_path / "lfs.py").write_text(LF_FILE)
    pd.DataFrame({"id": [f"r{i}" for i in range(len(TEXTS))], "text": TEXTS}).to_csv(tmp_path / "data.csv",
                                                                                     index=False)
    monkeypatch.chdir(tmp_path)
    assert main(["apply", "lfs.py", "data.csv", "-o", "L.npz", "--no-progress"]) == 0
    assert main(["fit", "L.npz", "-o", "model", "--model", "MajorityVoter", "--no-progress"]) == 0
    (tmp_path / "lfs_were_loaded").unlink()
    return tmp_path


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def assert_refused(capsys, root: Path, argv: list[str], *named: str) -> None:
    """``weaksup argv`` exits 1 with one line naming ``named`` paths, and changes no file (runs no LF)."""
    before = snapshot(root)
    capsys.readouterr()
    code = main(argv)
    err = capsys.readouterr().err.strip()
    assert code == 1, err
    assert len(err.splitlines()) == 1 and "refusing to write" in err, err
    for path in named:
        assert repr(str(path)) in err, (path, err)
    assert not (root / "lfs_were_loaded").exists(), "the check must come before any work"
    assert snapshot(root) == before  # every input byte-identical, no output created


# weaksup run ------------------------------------------------------------------------------------
def test_run_output_over_the_data_file(project, capsys):
    assert_refused(capsys, project, ["run", "lfs.py", "data.csv", "-o", "data.csv"], "data.csv")


def test_run_output_over_the_data_file_through_a_symlink(project, capsys):
    (project / "link.csv").symlink_to(project / "data.csv")
    assert_refused(capsys, project, ["run", "lfs.py", "data.csv", "-o", "link.csv"], "link.csv", "data.csv")
    # and the other way round: the data read through the link, the output named directly
    assert_refused(capsys, project, ["run", "lfs.py", "link.csv", "-o", "data.csv"], "link.csv", "data.csv")


def test_run_output_over_the_data_file_through_a_hard_link(project, capsys):
    os.link(project / "data.csv", project / "hard.csv")
    assert_refused(capsys, project, ["run", "lfs.py", "data.csv", "-o", "hard.csv"], "hard.csv", "data.csv")


def test_run_output_over_the_lf_file(project, capsys):
    os.link(project / "lfs.py", project / "lfs_copy.csv")  # the LF file under a name -o accepts
    assert_refused(capsys, project, ["run", "lfs.py", "data.csv", "-o", "lfs_copy.csv"], "lfs_copy.csv", "lfs.py")
    assert_refused(capsys, project, ["run", "lfs.py:has_link", "data.csv", "-o", "lfs_copy.csv"], "lfs.py")


def test_run_two_outputs_on_one_file(project, capsys):
    assert_refused(capsys, project, ["run", "lfs.py", "data.csv", "-o", "x.npz", "--save-matrix", "x.npz"], "x.npz")
    assert not (project / "x.npz").exists()
    assert_refused(capsys, project, ["run", "lfs.py", "data.csv", "-o", "m/arrays.npz", "--save-model", "m"],
                   "m/arrays.npz")


def test_run_save_matrix_over_the_data_file(project, capsys):
    (project / "data_link.npz").symlink_to(project / "data.csv")
    assert_refused(capsys, project, ["run", "lfs.py", "data.csv", "-o", "y.csv", "--save-matrix", "data_link.npz"],
                   "data_link.npz", "data.csv")
    # named directly, the suffix check refuses it first; the data file is still untouched
    before = snapshot(project)
    assert main(["run", "lfs.py", "data.csv", "-o", "y.csv", "--save-matrix", "data.csv"]) == 1
    assert snapshot(project) == before


def test_run_save_model_over_the_data_file(project, capsys):
    assert_refused(capsys, project, ["run", "lfs.py", "data.csv", "-o", "y.csv", "--save-model", "data.csv"],
                   "data.csv")


def test_run_through_the_console_script_exits_1(project):
    script = Path(sys.executable).with_name("weaksup")
    before = snapshot(project)
    res = subprocess.run([str(script), "run", "lfs.py", "data.csv", "-o", "data.csv"], cwd=project,
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 1
    assert res.stderr.strip().count("\n") == 0 and "'data.csv'" in res.stderr
    assert snapshot(project) == before


# weaksup apply / predict / fit / report ---------------------------------------------------------
def test_apply_output_over_an_input(project, capsys):
    (project / "d.npz").symlink_to(project / "data.csv")
    assert_refused(capsys, project, ["apply", "lfs.py", "data.csv", "-o", "d.npz"], "d.npz", "data.csv")
    os.link(project / "lfs.py", project / "lfs.npz")
    assert_refused(capsys, project, ["apply", "lfs.py", "data.csv", "-o", "lfs.npz"], "lfs.npz", "lfs.py")


def test_predict_output_over_the_label_matrix(project, capsys):
    assert_refused(capsys, project, ["predict", "model", "L.npz", "-o", "L.npz"], "L.npz")
    (project / "L_link.npz").symlink_to(project / "L.npz")
    assert_refused(capsys, project, ["predict", "model", "L.npz", "-o", "L_link.npz"], "L_link.npz", "L.npz")


def test_predict_output_over_the_model(project, capsys):
    assert_refused(capsys, project, ["predict", "model", "L.npz", "-o", "model/arrays.npz"], "model/arrays.npz")


def test_fit_output_over_its_inputs(project, capsys):
    assert_refused(capsys, project, ["fit", "L.npz", "-o", "L.npz"], "L.npz")
    os.makedirs(project / "m")
    os.link(project / "L.npz", project / "m" / "arrays.npz")  # the matrix is the file the model would replace
    assert_refused(capsys, project, ["fit", "m/arrays.npz", "-o", "m"], "m/arrays.npz")


def test_report_output_over_its_inputs(project, capsys):
    os.link(project / "data.csv", project / "r.html")
    assert_refused(capsys, project, ["report", "L.npz", "--data", "data.csv", "-o", "r.html"], "r.html", "data.csv")
    (project / "s.html").symlink_to(project / "L.npz")
    assert_refused(capsys, project, ["report", "L.npz", "-o", "s.html"], "s.html", "L.npz")


def test_distinct_outputs_are_still_written(project, capsys):
    """The checks refuse only real clashes: outputs beside the inputs, in their folder, are fine."""
    assert main(["run", "lfs.py", "data.csv", "-o", "y.csv", "--save-matrix", "L2.npz", "--save-model", "m2",
                 "--model", "MajorityVoter", "--no-progress"]) == 0
    assert main(["predict", "m2", "L2.npz", "-o", "m2/labels.csv"]) == 0  # beside the model files
    assert pd.read_csv(project / "y.csv")["id"].tolist() == pd.read_csv(project / "m2/labels.csv")["id"].tolist()


# Python API: label_file and ChunkedApplier.export_labels ------------------------------------------
def counting_lfs(calls: list[int]) -> list[LabelingFunction]:
    def link(x):
        calls.append(1)
        return 1 if "http" in x.text else -1

    return [LabelingFunction("link", link), keyword_lf("thanks", 0)]


@pytest.mark.parametrize("keep_votes", [True, False])
def test_label_file_refuses_its_input_as_output(tmp_path, keep_votes):
    data = tmp_path / "d.csv"
    pd.DataFrame({"text": TEXTS}).to_csv(data, index=False)
    before = data.read_bytes()
    os.link(data, tmp_path / "hard.csv")
    (tmp_path / "soft.csv").symlink_to(data)
    calls: list[int] = []
    for out in (data, tmp_path / "hard.csv", tmp_path / "soft.csv", tmp_path / "." / "d.csv"):
        with pytest.raises(UnsafeOutputError, match="d.csv"):
            label_file(MajorityVoter(), counting_lfs(calls), data, out, cardinality=2, keep_votes=keep_votes,
                       chunk_size=3, progress=False)
    assert calls == [], "refused before any LF ran"
    assert data.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.csv", "hard.csv", "soft.csv"]


def test_label_file_refuses_an_output_inside_a_parquet_folder(tmp_path):
    folder = tmp_path / "parts"
    folder.mkdir()
    for i in range(2):
        pd.DataFrame({"text": TEXTS}).to_parquet(folder / f"part-{i}.parquet")
    before = snapshot(folder)
    with pytest.raises(UnsafeOutputError, match="parts"):
        label_file(MajorityVoter(), counting_lfs([]), folder, folder / "labels.parquet", cardinality=2,
                   progress=False)
    assert snapshot(folder) == before
    # beside the folder is fine, and reads both parts
    out = label_file(MajorityVoter(), counting_lfs([]), folder, tmp_path / "labels.parquet", cardinality=2,
                     progress=False)
    assert len(pd.read_parquet(out)) == 2 * len(TEXTS)


def test_chunked_export_labels_refuses_its_input(tmp_path):
    data = tmp_path / "d.jsonl"
    pd.DataFrame({"text": TEXTS}).to_json(data, orient="records", lines=True)
    before = data.read_bytes()
    calls: list[int] = []
    ca = ChunkedApplier(counting_lfs(calls), cardinality=2, chunk_size=4)
    with pytest.raises(UnsafeOutputError, match="d.jsonl"):
        export_chunked(MajorityVoter(cardinality=2), ca, data, data, progress=False)
    (tmp_path / "link.jsonl").symlink_to(data)
    with pytest.raises(UnsafeOutputError, match="link.jsonl"):
        export_chunked(MajorityVoter(cardinality=2), ca, data, tmp_path / "link.jsonl", progress=False)
    assert calls == [] and data.read_bytes() == before
