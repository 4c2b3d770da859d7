"""The ``weaksup`` command: every command through its real entry point, and every bad input's exit code and message.

Python start-up costs ~2 s per subprocess, so the happy path is one chain of commands, the issue's list of bad
inputs runs through the installed script concurrently, and the many finer variations go through
``weaksup.cli.main`` (the function the console script calls) in-process.
"""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import weaksup as ws
from weaksup.cli import main
from weaksup.cli.files import CLIError, load_lfs, read_data, read_gold

SCRIPT = Path(sys.executable).with_name("weaksup")

LF_FILE = textwrap.dedent('''
    import numpy as np
    from weaksup import LabelingFunction, labeling_function

    @labeling_function()
    def has_link(x):
        return 1 if "http" in x.text else -1

    @labeling_function()
    def says_thanks(x):
        return 0 if "thanks" in x.text.lower() else -1

    @labeling_function(vectorized=True)
    def shouty(df):
        return np.where(df["text"].str.contains("!!", regex=False), 1, -1)

    more = [LabelingFunction("short", lambda x: 0 if len(x.text.split()) < 3 else -1), has_link]
    not_an_lf = 3
''')

TEXTS = [
    ("check http://spam.example now", 1),
    ("thanks for the video", 0),
    ("WIN BIG!! click here http://x.example", 1),
    ("nice song", 0),
    ("thanks!! see http://my.example", 1),
]


def run_cli(*args, script=False, timeout=120):
    cmd = [str(SCRIPT)] if script else [sys.executable, "-m", "weaksup.cli"]
    return subprocess.run([*cmd, *map(str, args)], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "PYTHONWARNINGS": "ignore"})


def one_line_error(out, *needles):
    """A failure: exit code 1, one line on stderr naming the cause, no traceback."""
    assert out.returncode == 1, (out.stdout, out.stderr)
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert "Traceback" not in out.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


def frame(n=60, seed=0):
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(TEXTS), n)
    ids = [f"r{i:03d}" for i in rng.permutation(n)]  # ids in no particular order
    return pd.DataFrame({"id": ids, "text": [TEXTS[p][0] for p in picks], "label": [TEXTS[p][1] for p in picks]})


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("cli")
    (d / "lfs.py").write_text(LF_FILE)
    (d / "no_lfs.py").write_text("x = 1\n")
    (d / "other_lfs.py").write_text(
        "from weaksup import labeling_function\n@labeling_function()\ndef only(x):\n    return -1\n")
    train, dev = frame(60, 0), frame(30, 1)
    train.to_csv(d / "train.csv", index=False)
    dev.to_json(d / "dev.jsonl", orient="records", lines=True)
    # gold in a separate file, rows reversed: matched by id, not by position
    train[["id", "label"]].iloc[::-1].to_csv(d / "gold.csv", index=False)
    pd.DataFrame({"id": ["a", "b"], "body": ["x", "y"]}).to_json(d / "no_text.jsonl", orient="records", lines=True)
    (d / "corrupt.npz").write_bytes(b"PK\x03\x04 this is not a zip archive")
    (d / "data.txt").write_text("id,text\n1,hello\n")
    return d


def expected_L(d, data_file="train.csv"):
    data = read_data(d / data_file)
    return ws.LFApplier(load_lfs(str(d / "lfs.py"))).apply(data, progress=False), data


def test_pipeline_through_the_command(files, tmp_path):
    d = files
    # apply, via the installed console script
    out = run_cli("apply", d / "lfs.py", d / "train.csv", "-o", tmp_path / "L.npz", "--no-progress", script=True)
    assert out.returncode == 0, out.stderr
    assert "Applied 4 labeling functions to 60 rows" in out.stdout
    L = ws.LabelMatrix.load(tmp_path / "L.npz")
    L_expected, train = expected_L(d)
    assert L == L_expected
    assert L.lf_names == ["has_link", "says_thanks", "shouty", "short"]  # found by type, each LF once, in order
    assert L.index.tolist() == train["id"].tolist()  # row ids from the id column, file order kept

    # analyze with gold from another file whose rows are in a different order
    out = run_cli("analyze", tmp_path / "L.npz", "--gold", f"{d / 'gold.csv'}:label")
    assert out.returncode == 0, out.stderr
    summary = ws.LFAnalysis(L).summary(Y=train.set_index("id")["label"].reindex(L.index).to_numpy())
    lines = {ln.split()[0]: ln.split() for ln in out.stdout.splitlines()[2:]}
    for name, row in summary.iterrows():
        assert lines[name][-1] == f"{row['Emp. Acc.']:.3f}"
        assert lines[name][3] == f"{row['Coverage']:.3f}"
    assert "gold labels for 60 rows" in out.stdout

    # apply the dev split (jsonl), fit with dev labels, predict to parquet
    assert main(["apply", str(d / "lfs.py"), str(d / "dev.jsonl"), "-o", str(tmp_path / "L_dev.npz")]) == 0
    out = run_cli("fit", tmp_path / "L.npz", "-o", tmp_path / "model", "--model", "MajorityVoter",
                  "--dev", tmp_path / "L_dev.npz", "--dev-labels", f"{d / 'dev.jsonl'}:label")
    assert out.returncode == 0, out.stderr
    dev_y = pd.read_json(d / "dev.jsonl", lines=True)["label"].to_numpy()
    model = ws.BaseLabelModel.load(tmp_path / "model")
    expected_prior = (np.bincount(dev_y, minlength=2) + 1) / (len(dev_y) + 2)
    np.testing.assert_allclose(model.class_balance_, expected_prior)
    out = run_cli("predict", tmp_path / "model", tmp_path / "L.npz", "-o", tmp_path / "labels.parquet",
                  "--class-names", "HAM,SPAM")
    assert out.returncode == 0, out.stderr
    labels = ws.load_labels(tmp_path / "labels.parquet")
    assert labels.index.tolist() == L.index.tolist()
    np.testing.assert_allclose(labels[["prob_HAM", "prob_SPAM"]].to_numpy(), model.predict_proba(L))
    assert labels["lf.shouty"].tolist() == L.to_dense()[:, 2].tolist()

    # run: all of it in one go, with a label model that learns accuracies
    out = run_cli("run", d / "lfs.py", d / "train.csv", "-o", tmp_path / "run.jsonl", "--model", "DawidSkene",
                  "--save-model", tmp_path / "ds", "--save-matrix", tmp_path / "L_run.npz")
    assert out.returncode == 0, out.stderr
    run_labels = ws.load_labels(tmp_path / "run.jsonl")
    ds = ws.BaseLabelModel.load(tmp_path / "ds")
    assert type(ds).__name__ == "DawidSkene"
    assert ws.LabelMatrix.load(tmp_path / "L_run.npz") == L
    np.testing.assert_allclose(run_labels[["prob_0", "prob_1"]].to_numpy(), ds.predict_proba(L))
    assert run_labels.index.tolist() == train["id"].tolist()
    gold = train.set_index("id")["label"]
    assert (run_labels["label"] == gold.reindex(run_labels.index)).mean() > 0.9

    # report with model, gold and data
    out = run_cli("report", tmp_path / "L.npz", "--model", tmp_path / "ds", "--gold", f"{d / 'gold.csv'}:label",
                  "--data", d / "train.csv", "-o", tmp_path / "report.html", "--class-names", "HAM,SPAM",
                  "--dev", tmp_path / "L_dev.npz", "--dev-labels", f"{d / 'dev.jsonl'}:label")
    assert out.returncode == 0, out.stderr
    page = (tmp_path / "report.html").read_text()
    # coverage, agreement heat map, accuracies, class balance, calibration
    assert page.count('src="data:image/png;base64,') == 5
    assert "thanks!! see http://my.example" in page  # a contested row, with its text
    assert all(name in page for name in L.lf_names)
    assert "Learned Acc." in page and "does not report LF accuracies" not in page
    assert "Reliability diagram on the 30 rows of the dev split" in page and "Emp. Acc. (dev)" in page


def test_help_on_every_command(capsys):
    commands = ["apply", "analyze", "fit", "predict", "run", "report", "datasets", "quickstart"]
    for command in commands:
        with pytest.raises(SystemExit) as exc:
            main([command, "--help"])
        assert exc.value.code == 0
        assert f"usage: weaksup {command}" in capsys.readouterr().out


def test_datasets_command_writes_splits_with_ids(tmp_path, capsys):
    assert main(["datasets", "youtube", "-o", str(tmp_path), "--format", "jsonl"]) == 0
    valid = read_data(tmp_path / "valid.jsonl")
    _, expected, _ = ws.datasets.load_youtube_spam()
    assert valid.index.tolist() == expected.index.tolist()
    assert valid["text"].tolist() == expected["text"].tolist()
    assert read_gold(f"{tmp_path / 'valid.jsonl'}:label", expected.index).tolist() == expected["label"].tolist()


def test_mismatched_model_and_debug(files, tmp_path, capsys):
    d = files
    assert main(["run", str(d / "other_lfs.py"), str(d / "train.csv"), "-o", str(tmp_path / "o.csv"),
                 "--save-model", str(tmp_path / "m1")]) == 0
    assert main(["apply", str(d / "lfs.py"), str(d / "train.csv"), "-o", str(tmp_path / "L4.npz")]) == 0
    capsys.readouterr()
    for command in (["predict", str(tmp_path / "m1"), str(tmp_path / "L4.npz"), "-o", str(tmp_path / "p.csv")],
                    ["report", str(tmp_path / "L4.npz"), "--model", str(tmp_path / "m1"), "-o", str(tmp_path / "r.html")]):
        assert main(command) == 1
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and "has 4 LFs" in err and "fitted on 1 LFs ['only']" in err
    assert not (tmp_path / "p.csv").exists() and not (tmp_path / "r.html").exists()
    # --debug lets the exception (and so the traceback) through
    with pytest.raises(CLIError, match="cannot read label matrix"):
        main(["analyze", str(d / "corrupt.npz"), "--debug"])
    with pytest.raises(CLIError):
        main(["--debug", "analyze", str(d / "corrupt.npz")])


def run_many(commands, timeout=180):
    """Run several console-script invocations at once (start-up dominates, so overlap it)."""
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    procs = [subprocess.Popen([str(SCRIPT), *map(str, argv)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, env=env) for argv in commands]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=timeout)
        results.append(subprocess.CompletedProcess(proc.args, proc.returncode, out, err))
    return results


def test_every_bad_input_through_the_console_script(files, tmp_path):
    """The issue's list of bad inputs, each through the installed ``weaksup`` script: exit 1, one line, no traceback."""
    d, t = files, tmp_path
    # a model fitted on other LFs, and a label matrix of the usual LFs, for the mismatch case
    assert main(["run", str(d / "other_lfs.py"), str(d / "train.csv"), "-o", str(t / "o.csv"),
                 "--save-model", str(t / "m1")]) == 0
    assert main(["apply", str(d / "lfs.py"), str(d / "train.csv"), "-o", str(t / "L4.npz")]) == 0
    cases = [
        (["apply", d / "lfs.py", d / "missing.csv", "-o", t / "L.npz"], ["no such data file", "missing.csv"]),
        (["apply", d / "lfs.py", d / "data.txt", "-o", t / "L.npz"], ["data.txt", ".csv, .tsv, .parquet"]),
        (["run", d / "lfs.py", d / "no_text.jsonl", "-o", t / "y.csv"],
         ["labeling function 'has_link' failed on row 'a'", "text"]),
        (["apply", d / "no_lfs.py", d / "train.csv", "-o", t / "L.npz"], ["no labeling functions found", "no_lfs.py"]),
        (["analyze", d / "corrupt.npz"], ["cannot read label matrix", "corrupt.npz"]),
        (["predict", t / "m1", t / "L4.npz", "-o", t / "p.csv"], ["has 4 LFs", "fitted on 1 LFs ['only']"]),
    ]
    for (argv, needles), out in zip(cases, run_many([argv for argv, _ in cases]), strict=True):
        line = one_line_error(out, *needles)
        assert line.startswith(f"weaksup {argv[0]}: error: "), line
        assert out.stdout == ""
    assert not (t / "p.csv").exists()
    # --debug: the same failure shows its traceback
    debug = run_many([["analyze", d / "corrupt.npz", "--debug"]])[0]
    assert debug.returncode == 1 and "Traceback" in debug.stderr and "CLIError" in debug.stderr


def test_usage_errors_through_the_console_script(files, tmp_path):
    """Bad usage exits 2 with argparse's usage line, also through the installed script."""
    d = files
    cases = [
        ["apply", d / "lfs.py", d / "train.csv"],  # no -o
        ["report", d / "corrupt.npz", "-o", tmp_path / "r.html", "--dev", "x.npz"],
    ]
    for argv, out in zip(cases, run_many(cases), strict=True):
        assert out.returncode == 2, (argv, out.stderr)
        assert "usage: weaksup" in out.stderr and "Traceback" not in out.stderr


@pytest.mark.parametrize("argv, needles", [
    (["apply", "{d}/lfs.py", "{d}/missing.csv", "-o", "{t}/L.npz"], ["no such data file", "missing.csv"]),
    (["apply", "{d}/lfs.py", "{d}/data.txt", "-o", "{t}/L.npz"], ["data.txt", ".csv, .tsv, .parquet"]),
    (["apply", "{d}/no_lfs.py", "{d}/train.csv", "-o", "{t}/L.npz"], ["no labeling functions found", "no_lfs.py"]),
    (["apply", "{d}/nope.py", "{d}/train.csv", "-o", "{t}/L.npz"], ["no such LF file", "nope.py"]),
    (["apply", "no_such_module_xyz:lfs", "{d}/train.csv", "-o", "{t}/L.npz"], ["cannot import module"]),
    (["apply", "{d}/lfs.py:missing", "{d}/train.csv", "-o", "{t}/L.npz"], ["has no attribute 'missing'"]),
    (["apply", "{d}/lfs.py:not_an_lf", "{d}/train.csv", "-o", "{t}/L.npz"], ["not a labeling function"]),
    (["apply", "{d}/lfs.py", "{d}/train.csv", "-o", "{t}/L.csv"], ["L.csv", "use one of .npz"]),
    (["analyze", "{d}/corrupt.npz"], ["cannot read label matrix"]),
    (["analyze", "{d}/missing.npz"], ["no such label matrix file"]),
    (["analyze", "{d}/train.csv"], ["must end in .npz"]),
    (["predict", "{d}/no_model", "{d}/corrupt.npz", "-o", "{t}/y.csv"], ["no such model directory"]),
    (["predict", "{d}", "{d}/corrupt.npz", "-o", "{t}/y.csv"], ["cannot read a label model"]),
    (["run", "{d}/lfs.py", "{d}/train.csv", "-o", "{t}/y.txt"], ["y.txt", ".parquet"]),
    (["report", "{d}/corrupt.npz", "-o", "{t}/r.pdf"], ["r.pdf", ".html"]),
])
def test_bad_input_exit_code_and_message(files, tmp_path, capsys, argv, needles):
    argv = [a.format(d=files, t=tmp_path) for a in argv]
    assert main(argv) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    for needle in needles:
        assert needle in err, err


def test_gold_as_people_have_it(files, tmp_path, capsys):
    """Partial gold, class names (--class-names), a ';'-separated cp1252 file (--sep, --encoding)."""
    d = files
    assert main(["apply", str(d / "lfs.py"), str(d / "train.csv"), "-o", str(tmp_path / "L.npz")]) == 0
    gold = pd.read_csv(d / "gold.csv", dtype={"id": str})
    names = gold.assign(label=gold["label"].map({0: "HAM", 1: "SPAM"}).where(gold.index % 3 > 0, ""))
    names["note"] = "caf\u00e9"
    names.to_csv(tmp_path / "names.csv", sep=";", index=False, encoding="cp1252")
    capsys.readouterr()
    argv = ["analyze", str(tmp_path / "L.npz"), "--gold", f"{tmp_path / 'names.csv'}:label"]
    assert main(argv) == 1  # a ';' file read as ',' has no column 'label'
    assert main([*argv, "--sep", ";", "--encoding", "cp1252"]) == 1  # names without --class-names
    assert "pass class_names=" in capsys.readouterr().err
    assert main([*argv, "--sep", ";", "--encoding", "cp1252", "--class-names", "HAM,SPAM"]) == 0
    assert f"gold labels for {int((gold.index % 3 > 0).sum())} rows" in capsys.readouterr().out
    (tmp_path / "bad.csv").write_bytes("id;text\n1;caf\xe9\n".encode("cp1252"))
    assert main(["apply", str(d / "lfs.py"), str(tmp_path / "bad.csv"), "-o", str(tmp_path / "L3.npz")]) == 1
    assert "--encoding" in capsys.readouterr().err


def test_gold_must_align_by_row_id(files, tmp_path, capsys):
    d = files
    assert main(["apply", str(d / "lfs.py"), str(d / "train.csv"), "-o", str(tmp_path / "L.npz")]) == 0
    capsys.readouterr()
    # partial gold: a gold file with some of L's ids (the other rows are unknown)
    pd.read_csv(d / "gold.csv").iloc[:10].to_csv(tmp_path / "few.csv", index=False)
    assert main(["analyze", str(tmp_path / "L.npz"), "--gold", f"{tmp_path / 'few.csv'}:label"]) == 0
    assert "gold labels for 10 rows" in capsys.readouterr().out
    # no such column
    assert main(["analyze", str(tmp_path / "L.npz"), "--gold", f"{d / 'gold.csv'}:y"]) == 1
    assert "has no column 'y'" in capsys.readouterr().err
    # without an id column, ids are positions: a file of L's rows in order lines up, others do not
    pd.read_csv(d / "train.csv").drop(columns="id").to_csv(tmp_path / "noid.csv", index=False)
    assert main(["apply", str(d / "lfs.py"), str(tmp_path / "noid.csv"), "-o", str(tmp_path / "L2.npz")]) == 0
    assert ws.LabelMatrix.load(tmp_path / "L2.npz").index.tolist() == list(range(60))
    assert main(["analyze", str(tmp_path / "L2.npz"), "--gold", f"{tmp_path / 'noid.csv'}:label"]) == 0
    capsys.readouterr()
    assert main(["analyze", str(tmp_path / "L.npz"), "--gold", f"{tmp_path / 'noid.csv'}:label"]) == 1
    assert "none of" in capsys.readouterr().err


def test_usage_errors_exit_2(files, tmp_path, capsys):
    d = files
    for argv in (
        ["analyze", str(d / "corrupt.npz"), "--gold", "no-colon"],
        ["apply", str(d / "lfs.py"), str(d / "train.csv"), "-o", "L.npz", "--n-jobs", "0"],
    ):
        with pytest.raises(SystemExit) as exc:
            main(argv)
        assert exc.value.code == 2
    capsys.readouterr()
    assert main(["fit", str(d / "corrupt.npz"), "-o", str(tmp_path / "m"), "--model", "Nope"]) == 2
    assert "unknown label model 'Nope'" in capsys.readouterr().err
    assert main(["fit", str(d / "corrupt.npz"), "-o", str(tmp_path / "m"), "--dev", "x.npz"]) == 2
    assert "--dev and --dev-labels go together" in capsys.readouterr().err
    assert main(["run", str(d / "lfs.py"), str(d / "train.csv"), "-o", str(tmp_path / "y.csv"),
                 "--model", "MajorityVoter", "--param", "bogus=1"]) == 2
    assert "has no parameter 'bogus'" in capsys.readouterr().err


def test_fault_tolerant_apply_warns_and_abstains(files, tmp_path, capsys):
    d = files
    (tmp_path / "flaky.py").write_text(textwrap.dedent('''
        from weaksup import labeling_function

        @labeling_function()
        def flaky(x):
            if x.text.startswith("nice"):
                raise RuntimeError("boom")
            return 1
    '''))
    argv = ["apply", str(tmp_path / "flaky.py"), str(d / "train.csv"), "-o", str(tmp_path / "L.npz")]
    assert main(argv) == 1
    assert "labeling function 'flaky' failed on row" in capsys.readouterr().err
    assert main([*argv, "--fault-tolerant"]) == 0
    err = capsys.readouterr().err
    assert "warning: labeling function 'flaky' raised on" in err and "boom" in err
    L = ws.LabelMatrix.load(tmp_path / "L.npz")
    nice = read_data(d / "train.csv")["text"].str.startswith("nice").to_numpy()
    assert (L.to_dense()[nice, 0] == -1).all() and (L.to_dense()[~nice, 0] == 1).all()


def test_module_attribute_spec_and_list_models(capsys):
    lfs = load_lfs("weaksup.datasets.spam_lfs:spam_lfs")
    assert [lf.name for lf in lfs] == [lf.name for lf in ws.datasets.spam_lfs()]
    assert main(["fit", "--list-models"]) == 0
    listed = capsys.readouterr().out
    assert "MajorityVoter" in listed and "DawidSkene" in listed and "LogTableModel" not in listed
    assert "(default)" in listed


def test_predict_writes_every_format(files, tmp_path, capsys):
    d = files
    assert main(["run", str(d / "lfs.py"), str(d / "train.csv"), "-o", str(tmp_path / "y.csv"),
                 "--save-model", str(tmp_path / "m"), "--save-matrix", str(tmp_path / "L.npz")]) == 0
    reference = ws.load_labels(tmp_path / "y.csv")
    for suffix in (".parquet", ".jsonl", ".npz"):
        out = tmp_path / f"y{suffix}"
        assert main(["predict", str(tmp_path / "m"), str(tmp_path / "L.npz"), "-o", str(out)]) == 0
        got = ws.load_labels(out)
        assert got.index.tolist() == reference.index.tolist()
        np.testing.assert_allclose(got["prob_1"].to_numpy(), reference["prob_1"].to_numpy())
    meta = json.loads((tmp_path / "m" / "model.json").read_text())
    assert meta["class"] == ws.models.LabelModel.__name__  # the default model is the recommended one


def test_parallel_chunked_and_dask_apply_give_the_same_matrix(files, tmp_path):
    d = files
    L_expected, _ = expected_L(d)
    for extra in (["--n-jobs", "2", "--chunk-size", "7"], ["--dask", "local", "--n-jobs", "1", "--chunk-size", "25"]):
        out = tmp_path / f"L{len(extra)}{extra[0]}.npz"
        assert main(["apply", str(d / "lfs.py"), str(d / "train.csv"), "-o", str(out), "--no-progress", *extra]) == 0
        L = ws.LabelMatrix.load(out)
        assert L == L_expected and L.index.tolist() == L_expected.index.tolist()


def test_missing_optional_dependencies_fail_before_any_work_with_an_install_line_that_works(files, tmp_path,
                                                                                               capsys, monkeypatch):
    import builtins

    import weaksup.cli.files as cli_files

    d = files
    marker = tmp_path / "lfs_ran"
    (tmp_path / "lfs.py").write_text(LF_FILE + f"\nopen({str(marker)!r}, 'w').close()\n")
    monkeypatch.setattr(cli_files, "has_module", lambda name: name != "pyarrow")
    assert main(["run", str(tmp_path / "lfs.py"), str(d / "train.csv"), "-o", str(tmp_path / "y.parquet")]) == 1
    err = capsys.readouterr().err
    assert 'pip install pyarrow (in a clone of weaksup: pip install -e ".[parquet]")' in err
    assert not marker.exists() and not (tmp_path / "y.parquet").exists()  # refused before the LFs were loaded

    real_import = builtins.__import__

    def no_matplotlib(name, *args, **kwargs):
        if name.split(".")[0] == "matplotlib":
            raise ImportError("No module named 'matplotlib'")
        return real_import(name, *args, **kwargs)

    assert main(["apply", str(d / "lfs.py"), str(d / "train.csv"), "-o", str(tmp_path / "L.npz")]) == 0
    capsys.readouterr()
    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    monkeypatch.delitem(__import__("sys").modules, "matplotlib", raising=False)
    assert main(["report", str(tmp_path / "L.npz"), "-o", str(tmp_path / "r.html")]) == 1
    err = capsys.readouterr().err
    assert 'pip install matplotlib (in a clone of weaksup: pip install -e ".[plot]")' in err
    assert not (tmp_path / "r.html").exists()


def test_an_output_that_is_a_folder_or_a_model_path_that_is_a_file_fails_before_any_work(files, tmp_path, capsys):
    (tmp_path / "y.csv").mkdir()
    (tmp_path / "model_file").write_text("not a folder")
    argv = ["run", str(files / "lfs.py"), str(files / "train.csv")]
    assert main([*argv, "-o", str(tmp_path / "y.csv")]) == 1
    assert "it is a folder" in capsys.readouterr().err
    assert main([*argv, "-o", str(tmp_path / "y.jsonl"), "--save-model", str(tmp_path / "model_file")]) == 1
    assert "it is a file" in capsys.readouterr().err
    assert not (tmp_path / "y.jsonl").exists() and (tmp_path / "model_file").read_text() == "not a folder"


def test_class_names_given_twice_are_a_usage_error(files, tmp_path, capsys):
    with pytest.raises(SystemExit) as info:
        main(["run", str(files / "lfs.py"), str(files / "train.csv"), "-o", str(tmp_path / "y.csv"),
              "--class-names", "HAM,HAM"])
    assert info.value.code == 2 and "each class name must be different" in capsys.readouterr().err
    assert not (tmp_path / "y.csv").exists()


def test_a_label_matrix_output_in_upper_case_is_refused_not_written_under_another_name(files, tmp_path, capsys):
    assert main(["apply", str(files / "lfs.py"), str(files / "train.csv"), "-o", str(tmp_path / "L.NPZ")]) == 1
    assert "lower case" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []  # no L.NPZ.npz beside a message naming L.NPZ


def test_fault_tolerant_warning_names_an_integer_row_id_plainly(tmp_path, capsys):
    pytest.importorskip("pyarrow")
    (tmp_path / "lfs.py").write_text("from weaksup import labeling_function\n@labeling_function()\n"
                                     "def bad(x):\n    raise ValueError('nope')\n")
    pd.DataFrame({"id": [102, 7], "text": ["a", "b"]}).to_parquet(tmp_path / "d.parquet", index=False)
    assert main(["apply", str(tmp_path / "lfs.py"), str(tmp_path / "d.parquet"), "-o", str(tmp_path / "L.npz"),
                 "--fault-tolerant"]) == 0
    err = capsys.readouterr().err
    assert "first on row 102:" in err and "np.int64" not in err


def test_python_dash_m_weaksup_and_version(files, tmp_path):
    """``python -m weaksup`` is the ``weaksup`` command, as ``python -m weaksup.cli`` is; --version answers."""
    import gzip

    data = tmp_path / "train.csv.gz"  # data as people ship it: compressed
    data.write_bytes(gzip.compress((files / "train.csv").read_bytes()))
    out = subprocess.run([sys.executable, "-m", "weaksup", "--version"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == f"weaksup {ws.__version__}", out.stderr
    out = subprocess.run([sys.executable, "-m", "weaksup", "apply", str(files / "lfs.py"), str(data), "-o",
                          str(tmp_path / "L.npz")], capture_output=True, text=True, timeout=120,
                         env={**os.environ, "PYTHONWARNINGS": "ignore"})
    assert out.returncode == 0, out.stderr
    expected, _ = expected_L(files)
    got = ws.LabelMatrix.load(tmp_path / "L.npz")
    assert got.index.equals(expected.index) and (got.to_dense() == expected.to_dense()).all()


def test_compressed_data_files_through_the_commands(files, tmp_path, capsys):
    import bz2

    gold = tmp_path / "gold.csv.bz2"
    gold.write_bytes(bz2.compress((files / "gold.csv").read_bytes()))
    assert main(["apply", str(files / "lfs.py"), str(files / "train.csv"), "-o", str(tmp_path / "L.npz")]) == 0
    assert main(["analyze", str(tmp_path / "L.npz"), "--gold", f"{gold}:label"]) == 0
    assert "gold labels for 60 rows" in capsys.readouterr().out
    (tmp_path / "d.parquet.gz").write_bytes(b"x")
    assert main(["apply", str(files / "lfs.py"), str(tmp_path / "d.parquet.gz"), "-o", str(tmp_path / "L2.npz")]) == 1
    assert "may be compressed" in capsys.readouterr().err


@pytest.mark.parametrize("sep", ["\\t", "tab"])
def test_sep_tab_typed_without_dollar_quotes_is_a_tab(files, tmp_path, capsys, sep):
    train = pd.read_csv(files / "train.csv", dtype={"id": str})
    train.to_csv(tmp_path / "train.txt.csv", sep="\t", index=False)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no fallback to pandas' regex (python-engine) separator
        assert main(["apply", str(files / "lfs.py"), str(tmp_path / "train.txt.csv"), "--sep", sep, "-o",
                     str(tmp_path / "L.npz")]) == 0, capsys.readouterr().err
    expected, _ = expected_L(files)
    assert ws.LabelMatrix.load(tmp_path / "L.npz").index.equals(expected.index)


def test_datasets_into_a_file_is_one_typed_line(tmp_path, capsys):
    (tmp_path / "data").write_text("mine")
    assert main(["datasets", "youtube", "-o", str(tmp_path / "data")]) == 1
    err = capsys.readouterr().err.strip()
    assert err.endswith("it is a file; give a folder (-o DIR)") and "FileExistsError" not in err
    assert (tmp_path / "data").read_text() == "mine"


def test_a_pickled_snorkel_model_gets_a_pointer_not_no_such_directory(files, tmp_path, capsys):
    (tmp_path / "label_model.pkl").write_bytes(b"\x80\x04N.")  # what Snorkel's LabelModel.save writes: a file
    assert main(["apply", str(files / "lfs.py"), str(files / "train.csv"), "-o", str(tmp_path / "L.npz")]) == 0
    capsys.readouterr()
    for model in (tmp_path / "label_model.pkl", tmp_path):
        assert main(["predict", str(model), str(tmp_path / "L.npz"), "-o", str(tmp_path / "y.csv")]) == 1
        err = capsys.readouterr().err
        assert "cannot read a label model" in err and "fit it again with 'weaksup fit'" in err, err
    assert not (tmp_path / "y.csv").exists()


def test_a_label_model_warning_is_one_line_naming_the_command(tmp_path, capsys):
    # youtube's LFs 3-7 and 9: both SPAM LFs come out at chance and the fit falls back to majority vote; the
    # warning says so on one line, not in Python's file:line format
    wrench = Path(__file__).resolve().parents[1] / "benchmarks" / "data" / "wrench" / "youtube"
    train = ws.datasets.load_wrench(wrench, splits=("train",))["train"].L
    keep = [3, 4, 5, 6, 7, 9]
    L = ws.LabelMatrix.from_dense(train.to_dense()[:, keep], lf_names=[train.lf_names[j] for j in keep])
    L.save(tmp_path / "L.npz")
    assert main(["fit", str(tmp_path / "L.npz"), "-o", str(tmp_path / "model")]) == 0
    err = capsys.readouterr().err
    assert "weaksup fit: warning: AgreementModel fit: one class's LFs at chance" in err, err
    assert ".py:" not in err and len(err.strip().splitlines()) == 1
