"""Issue #12, item 3: every output is written to a temporary file and renamed into place when complete.

Fault injection: a process killed (SIGKILL) while ``label_file`` writes, an LF raising during
the export pass, writers failing half-way (disk full), a save torn between its two renames and
tampered model files. Afterwards a target is either absent, the previous complete file, or the
new complete file: never partial, never a mix of old and new.
"""

import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import weaksup.io.labels
from weaksup import (
    ChunkedApplier,
    DawidSkene,
    LabelingFunction,
    LabelMatrix,
    MajorityVoter,
    export_labels,
    keyword_lf,
    label_file,
    load_labels,
)
from weaksup.cli import main
from weaksup.errors import LabelingFunctionError, ModelInputError
from weaksup.pipeline import export_chunked

FORMATS = [".csv", ".jsonl", ".parquet"]


def leftovers(folder: Path) -> list[str]:
    """Temporary files (hidden, ``.tmp``) still in ``folder``."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") and ".tmp" in p.name)


def half_then_fail(real, method=False):
    """Wrap a writer ``real(target, ...)`` (``frame.real(target, ...)`` for a method): write, cut the
    result to half its size, raise (a full disk)."""

    def writer(*args, **kwargs):
        real(*args, **kwargs)
        target = args[1] if method else args[0]
        if hasattr(target, "truncate"):  # an open file
            target.flush()
            target.truncate(max(1, target.tell() // 2))
        else:
            with open(target, "r+b") as fh:
                fh.truncate(max(1, os.path.getsize(target) // 2))
        raise OSError(28, "No space left on device")

    return writer


# (a) a process killed in the middle of label_file -----------------------------------------------
KILLER = textwrap.dedent('''
    import os, sys
    from weaksup import LabelingFunction, MajorityVoter, label_file

    data, out, kill_at = sys.argv[1], sys.argv[2], int(sys.argv[3])
    calls = [0]

    def parity(x):
        calls[0] += 1
        if calls[0] == kill_at:  # in the export pass, after many chunks were written
            os.kill(os.getpid(), 9)
        return int(x.text[-1]) % 2

    label_file(MajorityVoter(), [LabelingFunction("parity", parity)], data, out, cardinality=2,
               keep_votes=False, chunk_size=500, progress=False)
''')


@pytest.mark.parametrize(("suffix", "previous"), [(".csv", True), (".jsonl", True), (".parquet", True),
                                                  (".csv", False)])
def test_killed_label_file_leaves_the_previous_output_or_none(tmp_path, suffix, previous):
    n = 12_000
    data = tmp_path / "data.csv"
    pd.DataFrame({"text": [f"row {i}" for i in range(n)]}).to_csv(data, index=False)
    (tmp_path / "killer.py").write_text(KILLER)
    out = tmp_path / f"labels{suffix}"
    old = None
    if previous:  # a complete output from an earlier run, over a smaller file
        small = tmp_path / "small.csv"
        pd.DataFrame({"text": ["row 1", "row 2", "row 3"]}).to_csv(small, index=False)
        label_file(MajorityVoter(), [keyword_lf("1", 1)], small, out, cardinality=2, progress=False)
        old = out.read_bytes()
    # fit pass: n calls; the export pass dies after writing ~12 chunks of 500
    res = subprocess.run([sys.executable, str(tmp_path / "killer.py"), str(data), str(out), str(n + 6_100)],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == -9, res.stderr
    if previous:
        assert out.read_bytes() == old
        assert len(load_labels(out)) == 3
    else:
        assert not out.exists()
    # the killed writer's rows went to a hidden temporary file, never to the target
    (tmp,) = leftovers(tmp_path)
    assert (tmp_path / tmp).stat().st_size > 0


# (b) an LF raising during export ------------------------------------------------------------------
@pytest.mark.parametrize("suffix", FORMATS)
def test_lf_error_during_export_keeps_the_previous_output(tmp_path, suffix):
    data = tmp_path / "d.csv"
    pd.DataFrame({"text": [f"t{i}" for i in range(100)]}).to_csv(data, index=False)
    out = tmp_path / f"y{suffix}"
    label_file(MajorityVoter(), [keyword_lf("t1", 1), keyword_lf("t2", 0)], data, out, cardinality=2,
               progress=False)
    old = out.read_bytes()
    calls = [0]

    def flaky(x):
        calls[0] += 1
        if calls[0] > 100 + 55:  # the fit pass passes; the export pass fails after 5 chunks of 10
            raise RuntimeError("boom")
        return 1

    with pytest.raises(LabelingFunctionError, match="flaky"):
        label_file(MajorityVoter(), [LabelingFunction("flaky", flaky)], data, out, cardinality=2,
                   keep_votes=False, chunk_size=10, progress=False)
    assert out.read_bytes() == old
    assert leftovers(tmp_path) == []


def test_chunked_export_error_keeps_the_previous_output(tmp_path):
    out = tmp_path / "y.csv"
    out.write_text("id,prob_0,prob_1,label\n0,0.5,0.5,-1\n")
    old = out.read_bytes()
    L = LabelMatrix.from_dense(np.tile([[0, 1], [1, 1]], (20, 1)), lf_names=["a", "b"])

    class FailsOnSecondChunk(MajorityVoter):
        calls = 0

        def predict_proba(self, L):
            type(self).calls += 1
            if type(self).calls == 2:
                raise ValueError("model failed")
            return super().predict_proba(L)

    ca = ChunkedApplier([keyword_lf("a", 0), keyword_lf("b", 1)], cardinality=2, chunk_size=8)
    with pytest.raises(ValueError, match="model failed"):
        export_chunked(FailsOnSecondChunk(cardinality=2), ca, None, out, L=L, progress=False)
    assert out.read_bytes() == old and leftovers(tmp_path) == []
    export_chunked(MajorityVoter(cardinality=2), ca, None, out, L=L, progress=False)  # and then a good run lands
    assert len(load_labels(out)) == 40


# export_labels, all four formats: a property over data and failure points ---------------------------
class FailingJson:
    """``json`` whose ``dumps`` fails after ``ok`` calls (the JSON-lines writer, mid-file)."""

    def __init__(self, ok: int) -> None:
        self.ok = ok

    def __getattr__(self, name):
        return getattr(json, name)

    def dumps(self, *args, **kwargs):
        self.ok -= 1
        if self.ok < 0:
            raise OSError(28, "No space left on device")
        return json.dumps(*args, **kwargs)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    suffix=st.sampled_from([".csv", ".jsonl", ".parquet", ".npz"]),
    n=st.integers(1, 25),
    k=st.integers(2, 4),
    str_ids=st.booleans(),
    seed=st.integers(0, 2**16),
    previous=st.booleans(),
    fail=st.booleans(),
)
def test_export_labels_is_all_or_nothing(suffix, n, k, str_ids, seed, previous, fail):
    rng = np.random.default_rng(seed)
    probs = rng.dirichlet(np.ones(k), size=n)
    ids = [f"r{i}" for i in rng.permutation(n)] if str_ids else rng.permutation(n).tolist()
    with tempfile.TemporaryDirectory() as d, pytest.MonkeyPatch.context() as mp:
        out = Path(d) / f"y{suffix}"
        old = None
        if previous:
            export_labels(out, [[0.25, 0.75]], index=["old"])
            old = out.read_bytes()
        if fail:
            if suffix == ".csv":
                mp.setattr(pd.DataFrame, "to_csv", half_then_fail(pd.DataFrame.to_csv, method=True))
            elif suffix == ".parquet":
                mp.setattr(pd.DataFrame, "to_parquet", half_then_fail(pd.DataFrame.to_parquet, method=True))
            elif suffix == ".npz":
                mp.setattr(np, "savez_compressed", half_then_fail(np.savez_compressed))
            else:
                mp.setattr(weaksup.io.labels, "json", FailingJson(ok=int(rng.integers(0, n))))
            with pytest.raises(OSError):
                export_labels(out, probs, index=ids)
            mp.undo()
            assert out.read_bytes() == old if previous else not out.exists()
        else:
            export_labels(out, probs, index=ids)
            back = load_labels(out)
            assert back.index.tolist() == ids
            np.testing.assert_allclose(back[[f"prob_{c}" for c in range(k)]].to_numpy(), probs, rtol=1e-12)
        assert leftovers(Path(d)) == []


# (c) a failed model save keeps the previous model; (d) tampered or torn pairs are refused ----------
def two_models():
    L1 = np.array([[0, 0, 1], [1, 1, 1], [0, 0, 0], [1, -1, 0]] * 10)
    L2 = np.array([[1, 0, 1], [0, 0, 1], [1, 1, 0], [-1, 1, 0]] * 10)
    a, b = DawidSkene(cardinality=2).fit(L1), DawidSkene(cardinality=2).fit(L2)
    probe = np.array([[0, 1, 0], [1, 0, 1], [0, 0, 1]])
    assert np.abs(a.predict_proba(probe) - b.predict_proba(probe)).max() > 0.05  # the test can tell them apart
    return a, b, probe


def test_failed_model_save_keeps_the_previous_model(tmp_path, monkeypatch):
    a, b, probe = two_models()
    a.save(tmp_path / "m")
    before = {p.name: p.read_bytes() for p in (tmp_path / "m").iterdir()}
    monkeypatch.setattr(np, "savez", half_then_fail(np.savez))
    with pytest.raises(OSError):
        b.save(tmp_path / "m")
    monkeypatch.undo()
    assert {p.name: p.read_bytes() for p in (tmp_path / "m").iterdir()} == before
    back = DawidSkene.load(tmp_path / "m")
    np.testing.assert_array_equal(back.predict_proba(probe), a.predict_proba(probe))


def test_model_save_torn_between_its_renames_is_refused(tmp_path, monkeypatch):
    """Killed after arrays.npz was renamed but before model.json: the new arrays do not match the old json."""
    a, b, _ = two_models()
    a.save(tmp_path / "m")
    real_replace = os.replace

    def replace(src, dst):
        if Path(dst).name == "model.json":
            raise OSError("killed")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OSError, match="killed"):
        b.save(tmp_path / "m")
    monkeypatch.undo()
    with pytest.raises(ModelInputError, match="arrays.npz"):
        DawidSkene.load(tmp_path / "m")


def test_tampered_model_arrays_are_refused(tmp_path):
    a, _, _ = two_models()
    d = a.save(tmp_path / "m")
    with np.load(d / "arrays.npz") as z:
        arrays = {key: z[key] for key in z.files}
    arrays["class_balance_"] = arrays["class_balance_"][::-1].copy()  # a valid file with other numbers
    np.savez(d / "arrays.npz", **arrays)
    with pytest.raises(ModelInputError, match="checksum"):
        DawidSkene.load(d)
    (d / "arrays.npz").write_bytes(b"PK\x03\x04 torn")
    with pytest.raises(ModelInputError, match="arrays.npz"):
        DawidSkene.load(d)


def test_model_saved_without_a_checksum_still_loads(tmp_path):
    a, _, probe = two_models()
    d = a.save(tmp_path / "m")
    meta = json.loads((d / "model.json").read_text())
    assert "arrays.npz_sha256" in meta
    del meta["arrays.npz_sha256"]  # a directory saved before checksums were recorded
    (d / "model.json").write_text(json.dumps(meta))
    np.testing.assert_array_equal(DawidSkene.load(d).predict_proba(probe), a.predict_proba(probe))


@pytest.fixture
def two_classifiers():
    pytest.importorskip("torch")
    from weaksup.train import SoftLabelClassifier

    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3))
    y = (X[:, 0] > 0).astype(int)
    a = SoftLabelClassifier(max_epochs=3, random_state=0).fit(X, y)
    b = SoftLabelClassifier(max_epochs=3, random_state=1).fit(X, 1 - y)
    assert np.abs(a.predict_proba(X) - b.predict_proba(X)).max() > 0.05
    return SoftLabelClassifier, a, b, X


def test_failed_classifier_save_keeps_the_previous_one(tmp_path, monkeypatch, two_classifiers):
    cls, a, b, X = two_classifiers
    a.save(tmp_path / "c")
    monkeypatch.setattr(np, "savez", half_then_fail(np.savez))
    with pytest.raises(OSError):
        b.save(tmp_path / "c")
    monkeypatch.undo()
    np.testing.assert_array_equal(cls.load(tmp_path / "c").predict_proba(X), a.predict_proba(X))


def test_tampered_classifier_weights_are_refused(tmp_path, two_classifiers):
    cls, a, b, _ = two_classifiers
    a.save(tmp_path / "a")
    b.save(tmp_path / "b")
    (tmp_path / "a" / "weights.npz").write_bytes((tmp_path / "b" / "weights.npz").read_bytes())
    with pytest.raises(ModelInputError, match="weights.npz"):
        cls.load(tmp_path / "a")


# reports, Dask partitions and the CLI's own writes ----------------------------------------------------
def fail_half_way_text(monkeypatch):
    real = Path.write_text

    def write_text(self, data, *args, **kwargs):
        real(self, data[: len(data) // 2], *args, **kwargs)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_text", write_text)


def test_failed_report_keeps_the_previous_page(tmp_path, monkeypatch):
    pytest.importorskip("matplotlib")
    from weaksup.plot import report

    L = np.array([[0, 1], [1, 1], [-1, 0], [0, 0]])
    page = report(tmp_path / "r.html", L, model=MajorityVoter().fit(L))
    old = page.read_bytes()
    fail_half_way_text(monkeypatch)
    with pytest.raises(OSError):
        report(tmp_path / "r.html", L, model=MajorityVoter().fit(L), title="second")
    monkeypatch.undo()
    assert page.read_bytes() == old and leftovers(tmp_path) == []


def test_failed_dask_partition_write_keeps_the_previous_parts(tmp_path, monkeypatch):
    dd = pytest.importorskip("dask.dataframe")
    from weaksup.apply.dask import DaskLFApplier

    ddf = dd.from_pandas(pd.DataFrame({"text": ["my", "no", "my", "x"] * 5}), npartitions=3)
    applier = DaskLFApplier([keyword_lf("my", 1)])
    paths = applier.save_partitions(ddf, tmp_path, progress=False)
    old = {p.name: p.read_bytes() for p in paths}
    monkeypatch.setattr(np, "savez_compressed", half_then_fail(np.savez_compressed))
    with pytest.raises(OSError):
        applier.save_partitions(ddf, tmp_path, progress=False)
    monkeypatch.undo()
    # Dask raises on the first failed partition while its other threads may still be cleaning up theirs, or
    # (a partition that started late, after the undo) still writing: wait until no temporary file has been
    # seen for half a second (on a loaded machine one check could fall between two of those)
    deadline, quiet_since = time.monotonic() + 30, time.monotonic()
    while time.monotonic() < deadline and time.monotonic() - quiet_since < 0.5:
        if leftovers(tmp_path):
            quiet_since = time.monotonic()
        time.sleep(0.02)
    assert {p.name: p.read_bytes() for p in paths} == old and leftovers(tmp_path) == []
    assert sum(LabelMatrix.load(p).n_rows for p in paths) == 20


@pytest.fixture
def cli_project(tmp_path, monkeypatch):
    (tmp_path / "lfs.py").write_text("from weaksup import keyword_lf\nlfs = [keyword_lf('my', 1), keyword_lf('no', 0)]\n")
    pd.DataFrame({"id": ["a", "b", "c", "d"], "text": ["my", "no", "my no", "x"]}).to_csv(tmp_path / "d.csv",
                                                                                        index=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_cli_failed_matrix_write_keeps_the_previous_one(cli_project, monkeypatch):
    assert main(["apply", "lfs.py", "d.csv", "-o", "L.npz", "--no-progress"]) == 0
    assert main(["run", "lfs.py", "d.csv", "-o", "y.csv", "--save-matrix", "M.npz", "--no-progress",
                 "--model", "MajorityVoter"]) == 0
    old = {name: (cli_project / name).read_bytes() for name in ("L.npz", "M.npz")}
    monkeypatch.setattr(np, "savez_compressed", half_then_fail(np.savez_compressed))
    assert main(["apply", "lfs.py", "d.csv", "-o", "L.npz", "--no-progress"]) == 1
    assert main(["run", "lfs.py", "d.csv", "-o", "y.csv", "--save-matrix", "M.npz", "--no-progress",
                 "--model", "MajorityVoter"]) == 1
    monkeypatch.undo()
    assert {name: (cli_project / name).read_bytes() for name in old} == old
    assert leftovers(cli_project) == []


def test_cli_failed_report_keeps_the_previous_page(cli_project, monkeypatch):
    pytest.importorskip("matplotlib")
    assert main(["apply", "lfs.py", "d.csv", "-o", "L.npz", "--no-progress"]) == 0
    assert main(["report", "L.npz", "-o", "r.html"]) == 0
    old = (cli_project / "r.html").read_bytes()
    fail_half_way_text(monkeypatch)
    assert main(["report", "L.npz", "-o", "r.html", "--title", "again"]) == 1
    monkeypatch.undo()
    assert (cli_project / "r.html").read_bytes() == old and leftovers(cli_project) == []


def test_cli_failed_datasets_write_keeps_the_previous_files(tmp_path, monkeypatch):
    assert main(["datasets", "youtube", "-o", str(tmp_path)]) == 0
    old = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    monkeypatch.setattr(pd.DataFrame, "to_csv", half_then_fail(pd.DataFrame.to_csv, method=True))
    assert main(["datasets", "youtube", "-o", str(tmp_path)]) == 1
    monkeypatch.undo()
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == old


def test_a_killed_writers_temp_file_in_a_parquet_folder_is_not_read_as_a_part(tmp_path):
    pytest.importorskip("pyarrow")
    from weaksup.io import read_chunks

    folder = tmp_path / "parts"
    folder.mkdir()
    pd.DataFrame({"text": ["a", "b"]}).to_parquet(folder / "part-0.parquet")
    pd.DataFrame({"text": ["c"]}).to_parquet(folder / "part-1.parquet")
    (folder / ".part-2.parquet.x1y2.tmp.parquet").write_bytes(b"PAR1 torn")  # what a SIGKILL mid-write leaves
    (folder / "_SUCCESS.parquet").write_bytes(b"")
    rows = pd.concat(read_chunks(folder, chunk_size=10))
    assert rows.text.tolist() == ["a", "b", "c"]
