import os
import re
import subprocess
import sys

import weaksup as ws


def test_quickstart_command(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "weaksup.cli", "quickstart", "--out", str(tmp_path), "--no-progress"],
        capture_output=True, text=True, timeout=300,
    )
    assert out.returncode == 0, out.stderr
    assert "Majority vote test accuracy" in out.stdout
    # label model beside majority vote, then the end model's test accuracy as the last result line
    accuracy = dict(re.findall(r"^(Majority vote|Label model|End model).*test accuracy: ([\d.]+)%$", out.stdout, re.M))
    assert set(accuracy) == {"Majority vote", "Label model", "End model"}, out.stdout
    assert float(accuracy["Majority vote"]) > 80 and float(accuracy["Label model"]) > 80
    assert float(accuracy["End model"]) > float(accuracy["Majority vote"])
    lines = out.stdout.strip().splitlines()
    assert lines[-2].startswith("End model") and lines[-1].startswith("Done in")
    labels = ws.load_labels(tmp_path / "train_labels.csv")
    assert len(labels) == 1586 and {"prob_HAM", "prob_SPAM", "label"} <= set(labels.columns)
    train, _, _ = ws.datasets.load_youtube_spam()
    assert labels.index.tolist() == train.index.tolist()
    assert ws.LabelMatrix.load(tmp_path / "L_train.npz").index.equals(train.index)


def test_import_does_not_pull_heavy_dependencies():
    code = "import sys, weaksup; print(sorted(m for m in ('torch', 'dask', 'matplotlib') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_quickstart_into_a_file_fails_before_any_work(tmp_path, capsys):
    from weaksup.cli import main

    (tmp_path / "notes.txt").write_text("mine")
    assert main(["quickstart", "--out", str(tmp_path / "notes.txt"), "--no-progress"]) == 1
    captured = capsys.readouterr()
    assert "it is a file" in captured.err and "Loaded" not in captured.out  # refused before loading anything
    assert (tmp_path / "notes.txt").read_text() == "mine"
