"""``~`` in every path a user gives is their home folder, as in pandas' readers and writers.

Each test points HOME at a temporary folder and runs from another one, so a path left unexpanded
either fails to be found or lands under ``./~/``, which the tests check is never created.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import weaksup as ws
from weaksup.errors import UnsafeOutputError


@pytest.fixture
def home(tmp_path, monkeypatch):
    """HOME is ``tmp/home``; the working folder is ``tmp/work`` (where an unexpanded ``~`` would go)."""
    home, work = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    work.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(work)
    yield home
    assert not (work / "~").exists(), "a '~' path was written under the working folder"


def test_readers_expand_home(home):
    frame = pd.DataFrame({"id": ["007", "7"], "text": ["a", None]})
    frame.to_csv("~/d.csv", index=False)  # pandas expands ~: the file a user has
    assert (home / "d.csv").is_file()
    got = ws.read_table("~/d.csv")
    assert got.index.tolist() == ["007", "7"] and got["text"].tolist() == ["a", None]
    assert [c.index.tolist() for c in ws.read_chunks("~/d.csv", chunk_size=1)] == [["007"], ["7"]]
    frame.to_json(home / "d.jsonl.gz", orient="records", lines=True)
    assert ws.read_table(Path("~/d.jsonl.gz")).index.tolist() == ["007", "7"]


def test_readers_of_parquet_expand_home(home):
    pytest.importorskip("pyarrow")
    from weaksup.io.tables import count_rows

    pd.DataFrame({"id": [3, 1], "text": ["a", "b"]}).to_parquet(home / "d.parquet", index=False)
    assert ws.read_table("~/d.parquet").index.tolist() == [3, 1]
    assert count_rows("~/d.parquet") == 2


def test_export_and_load_labels_expand_home(home):
    L = ws.LabelMatrix.from_dense([[0, -1], [1, 1]], lf_names=["a", "b"], index=["r1", "r2"])
    for suffix in (".csv", ".jsonl", ".npz"):
        out = ws.export_labels(f"~/y{suffix}", [[0.9, 0.1], [0.2, 0.8]], L=L)
        assert out == home / f"y{suffix}" and out.is_file()
        assert ws.load_labels(f"~/y{suffix}").index.tolist() == ["r1", "r2"]


def test_label_writer_expands_home(home):
    with ws.LabelWriter("~/y.jsonl") as writer:
        writer.write(ws.io.labels_frame([[0.3, 0.7]], index=["a"]))
    assert ws.load_labels(home / "y.jsonl").index.tolist() == ["a"]


def test_label_matrix_save_load_expand_home(home):
    L = ws.LabelMatrix.from_dense([[0, -1]], lf_names=["a", "b"], index=["007"])
    assert L.save("~/L.npz") == home / "L.npz"
    assert L.save("~/L2") == home / "L2.npz"  # the .npz suffix is added to the expanded path
    assert ws.LabelMatrix.load("~/L.npz") == L
    assert ws.LabelMatrix.load(Path("~/L2.npz")) == L


def test_model_save_load_expand_home(home):
    model = ws.MajorityVoter().fit(np.array([[0, 1], [1, 1], [0, -1]]))
    assert model.save("~/mv") == home / "mv"
    assert (home / "mv" / "model.json").is_file()
    again = ws.MajorityVoter.load("~/mv")
    assert again.predict(np.array([[1, 1]])).tolist() == [1]


def test_output_over_input_is_refused_through_home(home):
    from weaksup._files import check_not_input, same_file

    (home / "d.csv").write_text("id,text\n1,a\n")
    assert same_file("~/d.csv", home / "d.csv")
    with pytest.raises(UnsafeOutputError, match="over the input"):
        check_not_input("~/d.csv", str(home / "d.csv"))
    with pytest.raises(UnsafeOutputError, match="inside the input folder"):
        check_not_input(home / "sub" / "x.csv", "~")


def test_cli_file_helpers_expand_home(home):
    from weaksup.cli.files import check_output_suffix, load_label_matrix, read_data

    pd.DataFrame({"id": ["b", "a"], "text": ["x", "y"]}).to_csv(home / "d.csv", index=False)
    assert read_data("~/d.csv").index.tolist() == ["b", "a"]
    ws.LabelMatrix.from_dense([[0, 1]]).save(home / "L.npz")
    assert load_label_matrix("~/L.npz").shape == (1, 2)
    assert check_output_suffix("~/y.csv", (".csv",), "labels") == home / "y.csv"


def test_cli_command_with_quoted_home_paths(home):
    from weaksup.cli import main

    pd.DataFrame({"id": ["c1", "c2"], "text": ["check http://x", "thanks"]}).to_csv(home / "d.csv", index=False)
    (home / "lfs.py").write_text(
        "from weaksup import labeling_function\n"
        "@labeling_function()\n"
        "def has_link(x):\n"
        "    return 1 if 'http' in x.text else -1\n"
    )
    # quoted (or after '='), the shell leaves ~ to the program, as pandas and most tools expand it
    assert main(["apply", "~/lfs.py", "~/d.csv", "--output=~/L.npz", "--no-progress"]) == 0
    assert ws.LabelMatrix.load(home / "L.npz").index.tolist() == ["c1", "c2"]


def test_user_path_leaves_other_paths_alone(home):
    from weaksup._files import user_path

    assert user_path("~") == home and user_path(Path("~/a/b.csv")) == home / "a" / "b.csv"
    assert user_path("data/~x.csv") == Path("data/~x.csv")  # only a leading ~ is the home
    assert user_path("~no_such_user_weaksup/x") == Path("~no_such_user_weaksup/x")
    assert os.fspath(user_path("a.csv")) == "a.csv"


def test_cli_predict_reads_a_model_saved_under_home(home):
    from weaksup.cli import main

    ws.LabelMatrix.from_dense([[0, 1, 0], [1, -1, 1], [0, 0, 1]], lf_names=["a", "b", "c"]).save(home / "L.npz")
    assert main(["fit", "~/L.npz", "--model", "MajorityVoter", "-o", "~/m", "--no-progress"]) == 0
    assert (home / "m" / "model.json").is_file()
    assert main(["predict", "~/m", "~/L.npz", "-o", "~/y.csv"]) == 0
    assert ws.load_labels(home / "y.csv").shape[0] == 3
