"""Reliability of IncrementalApplier's disk cache (issue #12, item 5).

The cache may lose entries, never data: a process killed while storing, a torn, truncated,
edited or foreign file, a damaged manifest or two processes sharing the folder must all
end with votes equal to a fresh apply, no file outside ``cache_dir`` touched, and
``clear_cache()`` deleting only what the cache wrote.
"""

import hashlib
import io
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from weaksup import LFApplier
from weaksup.apply.cache import IncrementalApplier
from weaksup.errors import WeaksupWarning
from weaksup.labeling.templates import keyword_lf

needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="fault injection forks and kills processes")
ROOT = Path(__file__).resolve().parents[2]
MANIFEST = "weaksup-cache.json"
FORK = multiprocessing.get_context("fork") if hasattr(os, "fork") else None


def frame(n=30):
    words = ["my", "song", "http", "love", "plz", "channel"]
    return pd.DataFrame({"text": [f"{words[i % 6]} {words[(i * 5) % 6]}" for i in range(n)]},
                        index=[f"r{i}" for i in range(n)])


def lfs():
    return [keyword_lf("my", 1), keyword_lf("song", 0), keyword_lf("love", 1)]


def fresh(df=None):
    return LFApplier(lfs(), cardinality=2).apply(frame() if df is None else df, progress=False)


def applier(cache):
    return IncrementalApplier(lfs(), cardinality=2, cache_dir=cache)


def tree(root):
    """Every path under ``root`` with its bytes (None for folders), links as their target."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            rel = p.relative_to(root).as_posix()
            if p.is_symlink():
                out[rel] = ("link", os.readlink(p))
            else:
                out[rel] = p.read_bytes() if p.is_file() else None
    return out


def user_files(base):
    """A tmp tree with the user's own files around and inside the cache folder."""
    cache = base / "cache"
    (cache / "mine").mkdir(parents=True)
    (cache / "empty").mkdir()
    buf = io.BytesIO()
    np.savez(buf, rows=np.arange(3), votes=np.ones(3, np.int16), n=np.int64(3))
    (cache / "mine" / "data.npz").write_bytes(buf.getvalue())
    (cache / "top.npz").write_bytes(buf.getvalue())
    # what the old layout wrote (cache_dir/<key>/<fingerprint>.npz): not the new cache's, so it stays
    (cache / "train-v1").mkdir()
    (cache / "train-v1" / f"{lfs()[0].fingerprint()}.npz").write_bytes(buf.getvalue())
    (base / "outside.npz").write_bytes(b"outside")
    return cache


def cache_file(cache, lf):
    """The cache's file of ``lf`` (not the user's old-layout copy in ``train-v1``)."""
    return next(p for p in cache.rglob(f"{lf.fingerprint()}.npz") if p.parent.name != "train-v1")


def check_after(base, cache, before, keys=(None,)):
    """A new applier gives fresh votes for every key; clear_cache leaves the user's tree as it was."""
    for key in keys:
        inc = applier(cache)
        assert inc.apply(frame(), progress=False, dataset_key=key) == fresh()
        again = applier(cache)
        assert again.apply(frame(), progress=False, dataset_key=key) == fresh()
        assert again.last_run_stats_["ran"] == []  # the cache healed
    applier(cache).clear_cache()
    assert tree(base) == before  # every cache file, temporary file and folder gone; the user's all kept


# --- fault injection: SIGKILL while storing ------------------------------------------------------------
def _killed_child(cache, point, nth):
    """Store into ``cache``, SIGKILL-ing this process at the ``nth`` rename or write (``point``)."""
    calls = {"n": 0}

    def due():
        calls["n"] += 1
        return calls["n"] == nth

    real_replace, real_wb, real_wt = os.replace, Path.write_bytes, Path.write_text

    def replace(src, dst, *a, **k):
        if point == "before-rename" and due():
            os.kill(os.getpid(), signal.SIGKILL)
        real_replace(src, dst, *a, **k)
        if point == "after-rename" and due():
            os.kill(os.getpid(), signal.SIGKILL)

    def torn(self, data, *a, **k):
        if point == "mid-write" and due():
            raw = data.encode() if isinstance(data, str) else data
            with open(self, "wb") as fh:
                fh.write(raw[: len(raw) // 2])
                fh.flush()
                os.fsync(fh.fileno())
            os.kill(os.getpid(), signal.SIGKILL)
        return (real_wt if isinstance(data, str) else real_wb)(self, data, *a, **k)

    os.replace, Path.write_bytes, Path.write_text = replace, torn, torn
    applier(cache).apply(frame(), progress=False)


# one store of 3 LFs in a new folder: manifest (folder record), 3 files, manifest: 5 writes, 5 renames
KILL_POINTS = [(point, nth) for point in ("before-rename", "after-rename", "mid-write")
               for nth in range(1, 6)]


@needs_fork
@pytest.mark.parametrize(("point", "nth"), KILL_POINTS)
def test_killed_while_storing_then_a_new_applier_gives_correct_votes(tmp_path, point, nth):
    cache = user_files(tmp_path)
    before = tree(tmp_path)
    proc = FORK.Process(target=_killed_child, args=(cache, point, nth))
    proc.start()
    proc.join(60)
    assert proc.exitcode == -signal.SIGKILL  # it died mid-store, holding the lock
    check_after(tmp_path, cache, before)


CHILD = """
import sys, pandas as pd
from weaksup.apply.cache import IncrementalApplier
from weaksup.labeling.templates import keyword_lf
words = ["my", "song", "http", "love", "plz", "channel"]
df = pd.DataFrame({"text": [f"{words[i % 6]} {words[(i * 5) % 6]}" for i in range(30)]},
                  index=[f"r{i}" for i in range(30)])
inc = IncrementalApplier([keyword_lf("my", 1), keyword_lf("song", 0), keyword_lf("love", 1)], cardinality=2,
                         cache_dir=sys.argv[1])
i = 0
while True:
    inc.apply(df, progress=False, dataset_key=f"{sys.argv[2]}{i}")
    i += 1
"""


@needs_fork
def test_fresh_interpreter_killed_at_random_moments(tmp_path):
    cache = user_files(tmp_path)
    before = tree(tmp_path)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    for tag, delay in (("a", 0.0), ("b", 0.137)):  # right after a store, and somewhere inside a later one
        proc = subprocess.Popen([sys.executable, "-c", CHILD, str(cache), tag], env=env)
        try:
            deadline = time.monotonic() + 120
            while not _stored(cache, tag) and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.005)
            time.sleep(delay)
            assert proc.poll() is None, "the child must still be storing when it is killed"
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait(30)
        assert proc.returncode == -signal.SIGKILL
    stored = json.loads((cache / MANIFEST).read_text())["entries"]
    keys = sorted({e["key"] for e in stored.values()}) + ["never-stored"]
    assert any(k.startswith("a") for k in keys) and any(k.startswith("b") for k in keys)
    check_after(tmp_path, cache, before, keys=keys)


def _stored(cache, tag):
    try:
        entries = json.loads((cache / MANIFEST).read_text())["entries"]
    except (OSError, ValueError):
        return False
    return any(e["key"].startswith(tag) for e in entries.values())


# --- two processes on one cache_dir ---------------------------------------------------------------------
def _store_many(cache, tag, go):
    go.wait(30)
    inc = applier(cache)
    for i in range(12):
        inc.apply(frame(), progress=False, dataset_key=f"{tag}-{i}")


@needs_fork
def test_two_processes_sharing_cache_dir_keep_every_entry(tmp_path):
    cache = user_files(tmp_path)
    before = tree(tmp_path)
    go = FORK.Event()
    procs = [FORK.Process(target=_store_many, args=(cache, tag, go)) for tag in "ab"]
    for p in procs:
        p.start()
    go.set()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    entries = json.loads((cache / MANIFEST).read_text())["entries"]
    assert len(entries) == 2 * 12 * 3  # no writer lost another's entries
    for key in [f"{tag}-{i}" for tag in "ab" for i in range(12)]:
        inc = applier(cache)
        assert inc.apply(frame(), progress=False, dataset_key=key) == fresh()
        assert inc.last_run_stats_["ran"] == []
    applier(cache).clear_cache()
    assert tree(tmp_path) == before  # every cache file and folder gone, every user file kept


# --- damaged and tampered cache files -------------------------------------------------------------------
def _cache_with_files(base):
    cache = base / "cache"
    assert applier(cache).apply(frame(), progress=False) == fresh()
    files = {lf.name: cache_file(cache, lf) for lf in lfs()}
    return cache, files


# where (a fraction of the file's length) and how (a non-zero xor mask) to flip bytes
FRACTION = st.floats(0, 1, exclude_max=True)
FLIPS = st.lists(st.tuples(FRACTION, st.integers(1, 255)), min_size=1, max_size=6)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(which=st.integers(0, 2), truncate=st.booleans(), cut=FRACTION, flips=FLIPS)
def test_byte_flips_and_truncation_are_detected_and_recomputed(which, truncate, cut, flips):
    with tempfile.TemporaryDirectory() as tmp:
        cache, files = _cache_with_files(Path(tmp))
        name = lfs()[which].name
        blob = bytearray(files[name].read_bytes())
        if truncate:
            blob = blob[: int(cut * len(blob))]
        else:
            for pos, xor in flips:
                blob[int(pos * len(blob))] ^= xor
        assume(bytes(blob) != files[name].read_bytes())  # two flips of one byte may cancel out
        files[name].write_bytes(bytes(blob))
        inc = applier(cache)
        assert inc.apply(frame(), progress=False) == fresh()
        assert inc.last_run_stats_["ran"] == [name]  # detected, never reused
        assert applier(cache).apply(frame(), progress=False) == fresh()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(truncate=st.booleans(), cut=FRACTION, flips=FLIPS)
def test_a_damaged_manifest_is_never_fatal_and_never_deletes_user_files(truncate, cut, flips):
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        cache = user_files(base)
        before = tree(base)
        applier(cache).apply(frame(), progress=False)
        blob = bytearray((cache / MANIFEST).read_bytes())
        if truncate:
            blob = blob[: int(cut * len(blob))]
        else:
            for pos, xor in flips:
                blob[int(pos * len(blob))] ^= xor
        (cache / MANIFEST).write_bytes(bytes(blob))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", WeaksupWarning)  # "not a weaksup cache manifest": disk cache off
            assert applier(cache).apply(frame(), progress=False) == fresh()
            applier(cache).clear_cache()
            assert applier(cache).apply(frame(), progress=False) == fresh()
        after = tree(base)
        assert all(after.get(rel) == content for rel, content in before.items())


def _npz(**arrays):
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def _arrays(path):
    with np.load(path) as z:
        return {k: z[k] for k in z.files}


TAMPER = {  # each takes the stored arrays and returns the bytes of a valid .npz with wrong contents
    "other votes": lambda a: _npz(**{**a, "votes": 1 - a["votes"]}),
    "votes out of range": lambda a: _npz(**{**a, "votes": a["votes"] + 5}),
    "negative votes": lambda a: _npz(**{**a, "votes": a["votes"] - 3}),
    "float votes": lambda a: _npz(**{**a, "votes": a["votes"].astype(float)}),
    "rows out of range": lambda a: _npz(**{**a, "rows": a["rows"] + 1000}),
    "negative rows": lambda a: _npz(**{**a, "rows": a["rows"] - 1000}),
    "unsorted rows": lambda a: _npz(**{**a, "rows": a["rows"][::-1].copy()}),
    "repeated rows": lambda a: _npz(**{**a, "rows": np.zeros_like(a["rows"])}),
    "float rows": lambda a: _npz(**{**a, "rows": a["rows"].astype(float)}),
    "2-D rows": lambda a: _npz(**{**a, "rows": a["rows"][:, None]}),
    "fewer votes than rows": lambda a: _npz(**{**a, "votes": a["votes"][:-1]}),
    "other row count": lambda a: _npz(**{**a, "n": np.int64(a["n"] + 1)}),
    "missing member": lambda a: _npz(rows=a["rows"], n=a["n"]),
    "extra member": lambda a: _npz(**a, extra=np.zeros(2)),
    "pickled objects": lambda a: _npz(**{**a, "votes": np.array([{"x": 1}] * len(a["votes"]), dtype=object)}),
    "not a zip": lambda a: b"PK\x03\x04 not really",
}


# in-range votes under a matching checksum are indistinguishable from real ones: only the file-edited case
TAMPER_CASES = [pytest.param(kind, False, id=f"{kind}-file-edited") for kind in sorted(TAMPER)] + [
    pytest.param(kind, True, id=f"{kind}-file-and-manifest-edited") for kind in sorted(TAMPER) if kind != "other votes"]


@pytest.mark.parametrize(("kind", "manifest_updated"), TAMPER_CASES)
def test_valid_npz_with_wrong_contents_is_recomputed(tmp_path, kind, manifest_updated):
    cache, files = _cache_with_files(tmp_path)
    target = files["keyword_my"]
    blob = TAMPER[kind](_arrays(target))
    target.write_bytes(blob)
    if manifest_updated:  # a deliberate edit that also fixed the checksum: the arrays are still checked
        doc = json.loads((cache / MANIFEST).read_text())
        doc["entries"][target.relative_to(cache).as_posix()]["sha256"] = hashlib.sha256(blob).hexdigest()
        (cache / MANIFEST).write_text(json.dumps(doc))
    inc = applier(cache)
    assert inc.apply(frame(), progress=False) == fresh()
    assert inc.last_run_stats_["ran"] == ["keyword_my"]


def test_a_cache_file_swapped_for_another_lfs_is_recomputed(tmp_path):
    cache, files = _cache_with_files(tmp_path)
    files["keyword_my"].write_bytes(files["keyword_song"].read_bytes())  # valid, ours, but for another LF
    inc = applier(cache)
    assert inc.apply(frame(), progress=False) == fresh()
    assert inc.last_run_stats_["ran"] == ["keyword_my"]


# --- clear_cache deletes only what the cache wrote -------------------------------------------------------
def test_foreign_files_and_folders_survive_clear_cache(tmp_path):
    cache = user_files(tmp_path)
    inc = applier(cache)
    inc.apply(frame(), progress=False)
    ours = cache_file(cache, lfs()[0]).parent
    (ours / "notes.npz").write_bytes(b"the user's file in the cache's folder")
    edited = next(ours.glob(f"{lfs()[1].fingerprint()}.npz"))
    edited.write_bytes(edited.read_bytes() + b"user edit")  # no longer what the cache wrote
    before = tree(tmp_path)
    inc.clear_cache()
    after = tree(tmp_path)
    cache_files = {f"{ours.relative_to(tmp_path).as_posix()}/{lf.fingerprint()}.npz" for lf in lfs()}
    kept = cache_files - {edited.relative_to(tmp_path).as_posix()}
    assert not any(rel in after for rel in kept)  # the unchanged cache files are gone ...
    assert {rel: after[rel] for rel in after} == {rel: c for rel, c in before.items() if rel not in kept
                                                  and not rel.endswith(MANIFEST)}  # ... and nothing else
    inc.apply(frame(), progress=False)
    assert inc.last_run_stats_["ran"] == [lf.name for lf in lfs()]  # forgotten, the edited file included


def test_a_tampered_manifest_cannot_point_clear_cache_at_other_files(tmp_path):
    cache = user_files(tmp_path)
    applier(cache).apply(frame(), progress=False, dataset_key="evil")
    ours = cache_file(cache, lfs()[0])
    for f in ours.parent.iterdir():
        f.unlink()
    ours.parent.rmdir()
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / ours.name).write_bytes(b"precious")
    ours.parent.symlink_to(outside, target_is_directory=True)  # the cache's own folder, now a link outside
    sha = hashlib.sha256(b"precious").hexdigest()
    doc = json.loads((cache / MANIFEST).read_text())
    doc["entries"][ours.relative_to(cache).as_posix()]["sha256"] = sha
    for rel in ["mine/data.npz", "../outside.npz", str(tmp_path / "outside.npz"), "top.npz"]:
        doc["entries"][rel] = {"sha256": sha, "key": "evil", "n": 30}
    doc["folders"] += ["mine", "empty", "..", str(outside)]
    (cache / MANIFEST).write_text(json.dumps(doc))
    before = tree(tmp_path)
    applier(cache).clear_cache()
    assert tree(tmp_path) == {rel: c for rel, c in before.items() if rel != f"cache/{MANIFEST}"}


def test_a_symlinked_key_folder_is_not_written_through(tmp_path):
    cache, files = _cache_with_files(tmp_path)
    folder = files["keyword_my"].parent
    for f in folder.iterdir():
        f.unlink()
    folder.rmdir()
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    folder.symlink_to(outside, target_is_directory=True)
    with pytest.warns(WeaksupWarning, match="not a folder of this cache"):
        assert applier(cache).apply(frame(), progress=False) == fresh()
    assert list(outside.iterdir()) == []
    applier(cache).clear_cache()
    assert folder.is_symlink() and outside.is_dir()


def test_a_user_file_named_like_the_manifest_is_left_alone(tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / MANIFEST).write_text('{"my": "own settings"}')
    with pytest.warns(WeaksupWarning, match="not a weaksup cache manifest"):
        assert applier(cache).apply(frame(), progress=False) == fresh()
    applier(cache).clear_cache()
    assert tree(tmp_path) == {"cache": None, f"cache/{MANIFEST}": b'{"my": "own settings"}'}


# --- dataset keys never escape cache_dir ----------------------------------------------------------------
NASTY_KEYS = ["../k", "../../k", "..", ".", "", "a/b", "a\\b", "/abs", "C:\\x", "a\x00b", "\ud800", "con",
              "~", " ", "\n", "é" * 300, ".hidden", "-", "k" * 5000]


def _check_key_stays_inside(base, key):
    cache = base / "deep" / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    (cache / "mine.npz").write_bytes(b"mine")
    before = tree(base)
    inc = applier(cache)
    assert inc.apply(frame(), progress=False, dataset_key=key) == fresh()
    again = applier(cache)
    assert again.apply(frame(), progress=False, dataset_key=key) == fresh()
    assert again.last_run_stats_["ran"] == [] and again.last_run_stats_["data_key"] == key
    after = tree(base)
    new = {rel for rel in after if rel not in before}
    assert new and all(rel.startswith("deep/cache/") for rel in new)  # written, and only inside
    assert all(after[rel] == content for rel, content in before.items())
    assert applier(cache).apply(frame(), progress=False, dataset_key=key + "x") == fresh()  # no collision
    again.clear_cache()
    assert tree(base) == before


@pytest.mark.parametrize("key", NASTY_KEYS, ids=lambda k: repr(k)[:16])
def test_odd_dataset_keys_stay_inside_cache_dir(tmp_path, key):
    _check_key_stays_inside(tmp_path, key)


def test_absolute_dataset_key_stays_inside_cache_dir(tmp_path):
    _check_key_stays_inside(tmp_path, str(tmp_path / "outside"))


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(key=st.text(min_size=0, max_size=60) | st.sampled_from(["..", "../", "/", "./.."]).flatmap(
    lambda head: st.text(max_size=10).map(lambda tail: head + tail)))
def test_any_dataset_key_stays_inside_cache_dir(key):
    with tempfile.TemporaryDirectory() as tmp:
        _check_key_stays_inside(Path(tmp), key)
