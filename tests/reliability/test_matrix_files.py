"""Label matrix files and user-built matrices: round trips keep everything, and nothing crashes or misreads.

Loading a tampered file used to reach scipy's unchecked kernels, which read out of bounds: wrong
values, or a segfault that takes the interpreter with it. So every case that could crash runs in
a child interpreter (this file, through :func:`_child`), and a crash fails the test instead of
killing pytest. Round trips, which cannot crash, run here.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from weaksup import LabelMatrix, LabelMatrixError

HERE = Path(__file__).resolve()
N, M, K = 6, 4, 3  # the base matrix of the tamper cases: rows, LFs, classes
BASE_DENSE = np.array([[0, -1, 2, 1], [-1, -1, -1, -1], [1, 1, -1, 0], [2, -1, 0, -1], [0, 0, 0, 0], [-1, 2, -1, -1]])


def _base() -> LabelMatrix:
    return LabelMatrix.from_dense(BASE_DENSE, lf_names=list("abcd"), index=[f"r{i}" for i in range(N)], cardinality=K)


# running cases in a child interpreter -----------------------------------------------------------------
def _run_child(*args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    code = f"import runpy, sys; runpy.run_path({str(HERE)!r})['_child'](sys.argv[1:])"
    env = {**os.environ, "PYTHONFAULTHANDLER": "1"}
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=timeout, env=env
    )


def _child(argv: list[str]) -> None:
    """Entry point of the child interpreter: ``cases DIR NAME...`` or ``fuzz KIND DIR N``."""
    if argv[0] == "cases":  # one JSON line per case, flushed: a crash loses only the case it hit
        folder = Path(argv[1])
        for name in argv[2:]:
            outcome = _outcome(lambda name=name: CASES[name](folder / f"{name}.npz"))
            print(json.dumps({"case": name, **outcome}), flush=True)
    elif argv[0] == "fuzz":
        FUZZERS[argv[1]](Path(argv[2]), int(argv[3]))
        print("fuzz ok")


def _outcome(build: Callable[[], LabelMatrix]) -> dict:
    """Build a matrix (load a file or construct one) and use it the way an analysis would."""
    from weaksup.analysis import LFAnalysis

    try:
        L = build()
    except LabelMatrixError as exc:
        return {"kind": "error", "message": str(exc)}
    except Exception as exc:  # an untyped error is a failure the parent reports
        return {"kind": "untyped", "message": f"{type(exc).__name__}: {exc}"}
    LFAnalysis(L).summary()
    return {"kind": "loaded", "dense": L.to_dense().tolist(), "same_as_base": bool(L == _base())}


# tampered files: one valid file, then one thing wrong -----------------------------------------------------
def _saved_members(tmp: Path) -> dict[str, np.ndarray]:
    path = _base().save(tmp)
    with np.load(path, allow_pickle=False) as z:
        return {k: z[k] for k in z.files}


def _meta(members: dict[str, np.ndarray]) -> dict:
    return json.loads(bytes(members["meta"]).decode())


def _with_meta(members: dict[str, np.ndarray], **changes) -> dict[str, np.ndarray]:
    meta = {**_meta(members), **changes}
    return {**members, "meta": np.frombuffer(json.dumps(meta).encode(), np.uint8)}


def _tamper(change: Callable[[dict[str, np.ndarray]], dict[str, np.ndarray]]) -> Callable[[Path], LabelMatrix]:
    def case(path: Path) -> LabelMatrix:
        members = change(_saved_members(path))
        np.savez(path, **members)
        return LabelMatrix.load(path)

    return case


def _raw(make: Callable[[bytes], bytes]) -> Callable[[Path], LabelMatrix]:
    def case(path: Path) -> LabelMatrix:
        good = path.read_bytes() if path.exists() else _base().save(path).read_bytes()
        path.write_bytes(make(good))
        return LabelMatrix.load(path)

    return case


def _set(name: str, fn: Callable[[np.ndarray], np.ndarray]):
    return _tamper(lambda m: {**m, name: fn(m[name].copy())})


def _put(arr: np.ndarray, pos: int, value) -> np.ndarray:
    arr[pos] = value
    return arr


def _drop(name: str):
    return _tamper(lambda m: {k: v for k, v in m.items() if k != name})


def _zip_with_lying_header(path: Path) -> LabelMatrix:
    # a member whose .npy header declares 10**12 entries but holds 3: must not allocate or read past the end
    members = _saved_members(path)
    np.savez(path, **members)
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "<i4", "fortran_order": False, "shape": (10**12,)})
    fake = header.getvalue() + np.arange(3, dtype="<i4").tobytes()
    with zipfile.ZipFile(path, "w") as zf:
        for name, arr in members.items():
            buf = io.BytesIO()
            np.lib.format.write_array(buf, arr, allow_pickle=False)
            zf.writestr(f"{name}.npy", fake if name == "indices" else buf.getvalue())
    return LabelMatrix.load(path)


def _pickled_member(path: Path) -> LabelMatrix:
    members = _saved_members(path)
    members["indices"] = np.array([{"a": 1}], dtype=object)  # np.savez pickles object arrays
    np.savez(path, **members)
    return LabelMatrix.load(path)


def _user_csr(data, indices, indptr, shape=(2, 3), fmt=sp.csr_matrix, build=LabelMatrix) -> Callable:
    def case(path: Path) -> LabelMatrix:
        # scipy checks some of this at construction only: arrays changed afterwards reach LabelMatrix as they are
        matrix = fmt(shape, dtype=np.int8)
        matrix.data, matrix.indices = np.asarray(data, np.int8), np.asarray(indices)
        matrix.indptr = np.asarray(indptr)
        return build(matrix)

    return case


def _user_coo_mutated(path: Path) -> LabelMatrix:
    coo = sp.coo_matrix((np.array([1, 2], np.int8), (np.array([0, 1]), np.array([0, 1]))), shape=(2, 2))
    coo.col[1] = 7  # scipy checks at construction only; tocsr would write out of bounds
    return LabelMatrix(coo)


CASES: dict[str, Callable[[Path], LabelMatrix]] = {
    # sparse structure
    "indices out of range": _set("indices", lambda a: _put(a, 0, 50)),
    "indices negative": _set("indices", lambda a: _put(a, 0, -1)),
    "indices huge int64": _set("indices", lambda a: _put(a.astype(np.int64), -1, 2**40)),
    "indices uint64 huge": _set("indices", lambda a: _put(a.astype(np.uint64), -1, 2**64 - 1)),
    "indices repeated in a row": _set("indices", lambda a: _put(a, 1, a[0])),
    "indices unsorted in a row": _set("indices", lambda a: a[[1, 0, *range(2, len(a))]]),
    "indices float": _set("indices", lambda a: a.astype(np.float64)),
    "indices 2-D": _set("indices", lambda a: a.reshape(1, -1)),
    "indices one short": _set("indices", lambda a: a[:-1]),
    "indptr not monotone": _set("indptr", lambda a: _put(a, 2, 1)),
    "indptr not from 0": _set("indptr", lambda a: _put(a, 0, 1)),
    "indptr ends early": _set("indptr", lambda a: _put(a, -1, a[-1] - 1)),
    "indptr ends past the data": _set("indptr", lambda a: _put(a, -1, a[-1] + 5)),
    "indptr huge": _set("indptr", lambda a: _put(a.astype(np.int64), 3, 2**62)),
    "indptr negative": _set("indptr", lambda a: _put(a, 2, -4)),
    "indptr one short": _set("indptr", lambda a: a[:-1]),
    "indptr empty": _set("indptr", lambda a: a[:0]),
    # votes
    "data float": _set("data", lambda a: a.astype(np.float64)),
    "data bool": _set("data", lambda a: a.astype(bool)),
    "data zero": _set("data", lambda a: _put(a, 0, 0)),
    "data negative": _set("data", lambda a: _put(a, 0, -3)),
    "data above the cardinality": _set("data", lambda a: _put(a, 0, K + 1)),
    "data wider than the meta says": _set("data", lambda a: a.astype(np.int16)),
    "data uint64 huge": _tamper(
        lambda m: _with_meta({**m, "data": _put(m["data"].astype(np.uint64), 0, 2**64 - 1)}, dtype="uint64")
    ),
    "data one short": _set("data", lambda a: a[:-1]),
    "data 2-D": _set("data", lambda a: a.reshape(-1, 1)),
    # members
    "missing data": _drop("data"),
    "missing indices": _drop("indices"),
    "missing indptr": _drop("indptr"),
    "missing meta": _drop("meta"),
    "missing index text": _drop("index.utf8"),
    "pickled member": _pickled_member,
    "member header lies about its size": _zip_with_lying_header,
    # meta
    "meta not json": _tamper(lambda m: {**m, "meta": np.frombuffer(b"{not json", np.uint8)}),
    "meta not utf-8": _tamper(lambda m: {**m, "meta": np.frombuffer(b"\xff\xfe{}", np.uint8)}),
    "meta a json list": _tamper(lambda m: {**m, "meta": np.frombuffer(b"[1, 2]", np.uint8)}),
    "meta int64 array": _tamper(lambda m: {**m, "meta": m["meta"].astype(np.int64)}),
    "meta other format": _tamper(lambda m: _with_meta(m, format="something.else")),
    "meta future version": _tamper(lambda m: _with_meta(m, version=99)),
    "meta shape strings": _tamper(lambda m: _with_meta(m, shape=["6", "4"])),
    "meta shape negative": _tamper(lambda m: _with_meta(m, shape=[-1, 4])),
    "meta shape three": _tamper(lambda m: _with_meta(m, shape=[6, 4, 1])),
    "meta shape bools": _tamper(lambda m: _with_meta(m, shape=[True, 4])),
    "meta shape more rows": _tamper(lambda m: _with_meta(m, shape=[60, 4])),
    "meta shape fewer columns": _tamper(lambda m: _with_meta(m, shape=[6, 2], lf_names=["a", "b"])),
    "meta shape null": _tamper(lambda m: _with_meta(m, shape=None)),
    "meta lf_names a string": _tamper(lambda m: _with_meta(m, lf_names="abcd")),
    "meta lf_names ints": _tamper(lambda m: _with_meta(m, lf_names=[1, 2, 3, 4])),
    "meta lf_names too few": _tamper(lambda m: _with_meta(m, lf_names=["a"])),
    "meta lf_names repeated": _tamper(lambda m: _with_meta(m, lf_names=["a", "a", "b", "c"])),
    "meta cardinality 1": _tamper(lambda m: _with_meta(m, cardinality=1)),
    "meta cardinality below the votes": _tamper(lambda m: _with_meta(m, cardinality=2)),
    "meta cardinality float": _tamper(lambda m: _with_meta(m, cardinality=3.5)),
    "meta cardinality string": _tamper(lambda m: _with_meta(m, cardinality="3")),
    "meta dtype unknown": _tamper(lambda m: _with_meta(m, dtype="object")),
    "meta dtype missing": _tamper(lambda m: _with_meta(m, dtype=None)),
    "meta index missing": _tamper(lambda m: _with_meta(m, index=None)),
    "meta index unknown kind": _tamper(lambda m: _with_meta(m, index={"kind": "pickle", "name": ["n", None]})),
    "meta index a range of the wrong length": _tamper(
        lambda m: _with_meta(m, index={"kind": "range", "start": 0, "stop": 3, "step": 1, "name": ["n", None]})
    ),
    "meta index range step 0": _tamper(
        lambda m: _with_meta(m, index={"kind": "range", "start": 0, "stop": 6, "step": 0, "name": ["n", None]})
    ),
    "meta index bad name tag": _tamper(lambda m: _with_meta(m, index={**_meta(m)["index"], "name": ["x", 1]})),
    # row ids
    "index lengths too few": _set("index.lengths", lambda a: a[:-1]),
    "index lengths past the text": _set("index.lengths", lambda a: _put(a, 0, 500)),
    "index lengths below -1": _set("index.lengths", lambda a: _put(a, 0, -7)),
    "index text not utf-8": _set("index.utf8", lambda a: np.frombuffer(b"\xff" * len(a), np.uint8)),
    "index text 2-D": _set("index.utf8", lambda a: a.reshape(1, -1)),
    # raw bytes
    "empty file": _raw(lambda good: b""),
    "not a zip": _raw(lambda good: b"hello, I am a CSV\n1,2,3\n"),
    "an .npy file": _raw(lambda good: _npy_bytes(np.arange(5))),
    "empty zip": _raw(lambda good: _empty_zip()),
    "truncated to 10%": _raw(lambda good: good[: len(good) // 10]),
    "truncated to half": _raw(lambda good: good[: len(good) // 2]),
    "truncated by one byte": _raw(lambda good: good[:-1]),
    "compressed bytes flipped": _raw(lambda good: good[:60] + bytes(b ^ 0xFF for b in good[60:90]) + good[90:]),
    # user-built matrices handed to LabelMatrix(...)
    "user csr indices out of range": _user_csr([1, 2], [0, 9], [0, 1, 2]),
    "user csr indices negative": _user_csr([1, 2], [0, -2], [0, 1, 2]),
    "user csr indptr not monotone": _user_csr([1, 2, 1], [0, 1, 2], [0, 3, 2]),
    "user csr indptr past the data": _user_csr([1, 2], [0, 1], [0, 1, 40]),
    "user csr indptr not from 0": _user_csr([1, 2], [0, 1], [1, 1, 2]),
    "user csr repeated column": _user_csr([1, 2], [1, 1], [0, 2, 2]),
    "user csc rows out of range": _user_csr([1, 2], [0, 5], [0, 1, 2, 2], shape=(2, 3), fmt=sp.csc_matrix),
    "user csc indptr not monotone": _user_csr([1, 2], [0, 1], [0, 2, 1, 2], shape=(2, 3), fmt=sp.csc_matrix),
    "user csc repeated row": _user_csr([1, 2], [1, 1], [0, 2, 2, 2], shape=(2, 3), fmt=sp.csc_matrix),
    "user csr_array indices out of range": _user_csr([1, 2], [0, 9], [0, 1, 2], fmt=sp.csr_array),
    "user coo mutated out of range": _user_coo_mutated,
    "user unshifted csr indices out of range": _user_csr(
        [1, 2], [0, 9], [0, 1, 2], build=lambda m: LabelMatrix.from_sparse(m, shifted=False)
    ),
    "user unshifted csr indptr not monotone": _user_csr(
        [1, 2, 1], [0, 1, 2], [0, 3, 2], build=lambda m: LabelMatrix.from_sparse(m, shifted=False)
    ),
}


def _npy_bytes(arr: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, arr)
    return buf.getvalue()


def _empty_zip() -> bytes:
    buf = io.BytesIO()
    zipfile.ZipFile(buf, "w").close()
    return buf.getvalue()


@pytest.fixture(scope="module")
def case_outcomes(tmp_path_factory) -> dict:
    """Every case's outcome; a case that kills the child is recorded as a crash and the rest run on."""
    folder = tmp_path_factory.mktemp("tampered")
    outcomes: dict[str, dict] = {}
    while len(outcomes) < len(CASES):
        todo = [name for name in CASES if name not in outcomes]
        proc = _run_child("cases", str(folder), *todo)
        for line in proc.stdout.splitlines():
            outcome = json.loads(line)
            outcomes[outcome.pop("case")] = outcome
        if proc.returncode != 0:
            crashed = next(name for name in todo if name not in outcomes)
            outcomes[crashed] = {"kind": "crash", "message": f"exit {proc.returncode}: {proc.stderr[-2000:]}"}
    return outcomes


@pytest.mark.parametrize("name", list(CASES))
def test_corrupt_file_or_matrix_raises_a_typed_error(case_outcomes, name):
    outcome = case_outcomes[name]
    assert outcome["kind"] == "error", f"{name}: {outcome}"
    if not name.startswith("user"):  # file errors name the file
        assert f"{name}.npz" in outcome["message"], outcome["message"]


def test_cases_start_from_a_file_that_loads(tmp_path):
    # the tamper cases change one thing each: without the change, the file loads as the base matrix
    members = _saved_members(tmp_path / "good.npz")
    np.savez(tmp_path / "resaved.npz", **members)
    assert LabelMatrix.load(tmp_path / "resaved.npz") == _base()


# the command line ---------------------------------------------------------------------------------------
def test_analyze_on_a_corrupt_file_exits_1_with_one_line(tmp_path):
    members = _saved_members(tmp_path / "L.npz")
    members["indices"] = _put(members["indices"].copy(), 0, 10**6)
    np.savez(tmp_path / "L.npz", **members)
    code = (
        "import sys; from weaksup.cli import main; "
        f"sys.exit(main(['analyze', {str(tmp_path / 'L.npz')!r}]))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("weaksup analyze: error: ") and "L.npz" in lines[0], lines
    assert "column 1000000" in lines[0]


# fuzzing, in the child -----------------------------------------------------------------------------------
def _fuzz_bytes(folder: Path, n: int) -> None:
    """Flip, cut or insert bytes anywhere in a saved file: a typed error, or the very same matrix."""
    good = _base().save(folder / "good.npz").read_bytes()
    path = folder / "fuzzed.npz"

    @settings(max_examples=n, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(
        st.lists(
            st.tuples(st.sampled_from(["flip", "cut", "insert"]), st.floats(0, 1), st.integers(1, 255)),
            min_size=1,
            max_size=3,
        )
    )
    def check(edits):
        data = bytearray(good)
        for op, where, byte in edits:
            pos = min(int(where * len(data)), max(len(data) - 1, 0))
            if op == "flip" and data:
                data[pos] ^= byte
            elif op == "cut":
                del data[pos:]
            else:
                data[pos:pos] = bytes([byte])
        path.write_bytes(bytes(data))
        outcome = _outcome(lambda: LabelMatrix.load(path))
        assert outcome["kind"] == "error" or outcome["same_as_base"], (edits, outcome)

    check()


def _reference_dense(meta: dict, data, indices, indptr) -> np.ndarray | None:
    """What the file means, by the format's rules written as plain Python; None when it breaks one."""
    n, m = meta["shape"]
    if any(a.ndim != 1 for a in (data, indices, indptr)) or data.dtype != np.dtype(meta["dtype"]):
        return None
    if indices.dtype.kind not in "iu" or indptr.dtype.kind not in "iu":
        return None
    ptr, idx, votes = indptr.tolist(), indices.tolist(), data.tolist()
    if len(ptr) != n + 1 or ptr[0] != 0 or ptr[-1] != len(votes) or len(idx) != len(votes):
        return None
    dense = np.full((n, m), -1, dtype=np.int64)
    for r in range(n):
        if ptr[r + 1] < ptr[r]:
            return None
        cols = idx[ptr[r] : ptr[r + 1]]
        if any(not 0 <= c < m for c in cols) or any(b <= a for a, b in zip(cols, cols[1:], strict=False)):
            return None
        for c, v in zip(cols, votes[ptr[r] : ptr[r + 1]], strict=True):
            if not 1 <= v <= meta["cardinality"]:
                return None
            dense[r, c] = v - 1
    return dense


def _fuzz_structure(folder: Path, n: int) -> None:
    """Random data / indices / indptr members: a typed error exactly when the format's rules are broken,
    else the matrix those arrays mean (never repeats summed, never a value read from elsewhere)."""
    members = _saved_members(folder / "good.npz")
    meta = _meta(members)
    path = folder / "structure.npz"
    rows = st.lists(st.sets(st.integers(0, M - 1)), min_size=N, max_size=N)
    edit = st.tuples(
        st.sampled_from(["data", "indices", "indptr"]),
        st.sampled_from(["set", "dtype", "shorten", "swap"]),
        st.floats(0, 1),
        st.integers(-3, 2**64 - 1) | st.integers(-3, 8),
        st.sampled_from([np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint64, np.float64, np.bool_]),
    )

    def apply(parts: dict[str, np.ndarray], edits) -> dict[str, np.ndarray]:
        for name, op, where, value, dtype in edits:
            arr = parts[name]
            pos = min(int(where * len(arr)), len(arr) - 1)
            if op == "dtype":
                arr = arr.astype(dtype)
            elif op == "shorten":
                arr = arr[:pos]
            elif len(arr) and op == "set":
                fits = arr.dtype.kind in "iu" and np.iinfo(arr.dtype).min <= value <= np.iinfo(arr.dtype).max
                arr = arr.copy() if fits else arr.astype(np.int64 if value < 2**63 else np.uint64)
                arr[pos] = value
            elif len(arr) > 1 and op == "swap":
                arr = arr.copy()
                arr[[pos - 1, pos]] = arr[[pos, pos - 1]]
            parts[name] = arr
        return parts

    @settings(max_examples=n, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(rows, st.lists(st.integers(1, K), min_size=N * M, max_size=N * M), st.lists(edit, max_size=2))
    def check(row_sets, votes, edits):
        # a valid matrix (sorted columns per row, votes 1..K), then up to two edits that may break it
        cols = [sorted(r) for r in row_sets]
        indices = np.array([c for r in cols for c in r], dtype=np.int32)
        parts = {
            "data": np.array(votes[: len(indices)], dtype=np.int8),
            "indices": indices,
            "indptr": np.cumsum([0] + [len(r) for r in cols]).astype(np.int32),
        }
        parts = apply(parts, edits)
        data, indices, indptr = parts["data"], parts["indices"], parts["indptr"]
        np.savez(path, **{**members, "data": data, "indices": indices, "indptr": indptr})
        expected = _reference_dense(meta, data, indices, indptr)
        outcome = _outcome(lambda: LabelMatrix.load(path))
        if expected is None:
            assert outcome["kind"] == "error", (parts, edits, outcome)
        else:
            assert outcome["kind"] == "loaded" and outcome["dense"] == expected.tolist(), (parts, edits, outcome)

    check()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 2**65) | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)


def _fuzz_meta(folder: Path, n: int) -> None:
    """Any JSON in one meta field: a typed error, or a matrix that carries exactly that field's value."""
    members = _saved_members(folder / "good.npz")
    meta = _meta(members)
    path = folder / "meta.npz"

    @settings(max_examples=n, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(st.sampled_from(sorted(meta) + ["extra"]), json_values)
    def check(key, value):
        np.savez(path, **_with_meta(members, **{key: value}))
        try:
            L = LabelMatrix.load(path)
        except LabelMatrixError:
            return
        from weaksup.analysis import LFAnalysis

        LFAnalysis(L).summary()
        got = {"lf_names": L.lf_names, "cardinality": L.cardinality}
        if key in got:
            assert got[key] == value, (key, value, got)
        else:  # any other field loads only when it changes nothing
            assert L == _base(), (key, value)

    check()


FUZZERS = {"bytes": _fuzz_bytes, "structure": _fuzz_structure, "meta": _fuzz_meta}


@pytest.mark.parametrize("kind, examples", [("bytes", 150), ("structure", 200), ("meta", 150)])
def test_fuzzed_files_raise_or_load_what_they_mean(tmp_path, kind, examples):
    proc = _run_child("fuzz", kind, str(tmp_path), str(examples), timeout=600)
    assert proc.returncode == 0 and "fuzz ok" in proc.stdout, (
        f"exit {proc.returncode}\n{proc.stdout[-3000:]}\n{proc.stderr[-6000:]}"
    )


# round trips (no crash possible: in-process) ---------------------------------------------------------------
def _index_of(kind: str, n: int) -> st.SearchStrategy[pd.Index]:
    unique = {"unique": True}
    if kind == "int":
        return st.lists(st.integers(-(2**63), 2**63 - 1), min_size=n, max_size=n).map(
            lambda v: pd.Index(np.array(v, dtype=np.int64))
        )
    if kind == "uint64":
        near_top = st.integers(2**64 - 2**10, 2**64 - 1) | st.integers(0, 2**64 - 1)
        return st.lists(near_top, min_size=n, max_size=n).map(
            lambda v: pd.Index(np.array(v, dtype=np.uint64))
        )
    if kind == "str":
        text = st.text(max_size=6) | st.sampled_from(["007", "", "1e3", "0000", "ü", "\x00", "x\x00"])
        return st.lists(text, min_size=n, max_size=n).map(lambda v: pd.Index(v, dtype=object))
    if kind == "str dtype":
        text = st.none() | st.text(st.characters(exclude_categories=["Cs"]), max_size=6)
        return st.lists(text, min_size=n, max_size=n).map(lambda v: pd.Index(v, dtype="str"))
    if kind == "float":
        return st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=n, max_size=n).map(pd.Index)
    if kind == "datetime":
        dates = st.datetimes(min_value=pd.Timestamp("1700-01-01").to_pydatetime())
        return st.lists(dates, min_size=n, max_size=n, **unique).map(lambda v: pd.DatetimeIndex(v).as_unit("us"))
    if kind == "bool":
        return st.lists(st.booleans(), min_size=n, max_size=n).map(lambda v: pd.Index(v, dtype=bool))
    scalars = st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.text(max_size=3) | st.floats()
    return st.lists(scalars, min_size=n, max_size=n).map(lambda v: pd.Index(v, dtype=object))


ID_KINDS = ["range", "int", "uint64", "str", "str dtype", "float", "datetime", "bool", "mixed"]


@st.composite
def matrices(draw) -> LabelMatrix:
    n, m = draw(st.integers(0, 12)), draw(st.integers(0, 5))
    k = draw(st.sampled_from([2, 3, 5, 200, 40_000, 2**31 + 1, None]))
    top = (k or 2**40) - 1
    labels = draw(arrays(np.int64, (n, m), elements=st.integers(-1, top) | st.sampled_from([-1, 0, top])))
    kind = draw(st.sampled_from(ID_KINDS))
    index = None if kind == "range" else draw(_index_of(kind, n))
    names = draw(st.lists(st.text(max_size=4), min_size=m, max_size=m, unique=True))
    index_name = draw(st.none() | st.text(max_size=3) | st.integers())
    if index is not None:
        index.name = index_name
    return LabelMatrix.from_dense(labels, lf_names=names, index=index, cardinality=k)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(matrices())
def test_round_trip_keeps_votes_ids_and_types(tmp_path, L):
    back = LabelMatrix.load(L.save(tmp_path / "L.npz"))
    assert back == L
    np.testing.assert_array_equal(back.to_dense(), L.to_dense())
    assert type(back.index) is type(L.index) and back.index.dtype == L.index.dtype
    assert back.index.equals(L.index) and back.index.name == L.index.name
    assert [type(v) for v in back.index] == [type(v) for v in L.index]
    assert back.csr.dtype == L.csr.dtype and back.cardinality == L.cardinality
