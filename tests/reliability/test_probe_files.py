"""Save / load and export / load paths probed as a user would: interrupted saves, chunked writers, odd columns."""

import json
import os
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from weaksup import LabelWriter, ModelInputError, ParameterError, load_labels
from weaksup.io import labels_frame
from weaksup.models import DawidSkene
from weaksup.models.base import BaseLabelModel

L = np.array([[0, 1, 0], [1, 1, -1], [0, 0, 0], [1, -1, 1], [0, 1, 1], [1, 0, 1]])


def _kill_rename_of(monkeypatch, name):
    real = os.replace

    def replace(src, dst):
        if Path(dst).name == name:
            raise KeyboardInterrupt("killed")
        real(src, dst)

    monkeypatch.setattr(os, "replace", replace)


@pytest.mark.parametrize("killed", ["model.json", "arrays.npz"])
def test_a_first_save_killed_between_its_renames_can_be_saved_again(tmp_path, monkeypatch, killed):
    """A first save killed after one rename used to leave arrays.npz alone, which every later save refused."""
    model = DawidSkene().fit(L)
    _kill_rename_of(monkeypatch, killed)
    with pytest.raises(KeyboardInterrupt):
        model.save(tmp_path / "m")
    monkeypatch.undo()
    assert not [p.name for p in (tmp_path / "m").iterdir() if ".tmp" in p.name]
    if (tmp_path / "m" / "model.json").exists():
        with pytest.raises(ModelInputError, match="arrays.npz"):
            BaseLabelModel.load(tmp_path / "m")
    model.save(tmp_path / "m")  # not UnsafeOutputError: the folder holds (part of) a weaksup save
    np.testing.assert_array_equal(BaseLabelModel.load(tmp_path / "m").predict_proba(L), model.predict_proba(L))


@pytest.mark.parametrize("killed", ["model.json", "arrays.npz"])
def test_a_torn_save_over_a_save_without_checksum_is_never_loaded_half_new(tmp_path, monkeypatch, killed):
    """Over a model.json from before checksums, new arrays used to be renamed first and loaded unchecked with the
    old parameters: a model that is neither save."""
    old, new = DawidSkene(smoothing=1.0).fit(L), DawidSkene(smoothing=5.0).fit(L[::-1])
    d = old.save(tmp_path / "m")
    meta = json.loads((d / "model.json").read_text())
    del meta["arrays.npz_sha256"]  # a folder saved before checksums were recorded
    (d / "model.json").write_text(json.dumps(meta))
    _kill_rename_of(monkeypatch, killed)
    with pytest.raises(KeyboardInterrupt):
        new.save(d)
    monkeypatch.undo()
    try:
        loaded = BaseLabelModel.load(d)
    except ModelInputError:
        return  # the new model.json's checksum does not match the old arrays: refused
    assert loaded.get_params() == old.get_params()  # else it is the old save, whole
    np.testing.assert_array_equal(loaded.predict_proba(L), old.predict_proba(L))


IDS = {
    "float": [1.5, -0.0],
    "bool": [True, False],
    "digit strings": ["1", "2"],
    "zero-padded": ["007", "8"],
    "datetime": pd.to_datetime(["2020-01-01", "2021-06-01 12:00:00.000000001"], format="ISO8601"),
    "uint64": np.array([2**64 - 1, 3], dtype=np.uint64),
}


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet", ".npz"])
@pytest.mark.parametrize("ids", IDS.values(), ids=IDS.keys())
def test_label_writer_keeps_the_type_of_raw_ids(tmp_path, suffix, ids):
    """LabelWriter wrote an ``id`` column as it was: float / bool ids came back from CSV as text, ``"1"`` as 1,
    datetimes failed in JSON lines with a raw TypeError. It types them as export_labels does."""
    if suffix == ".parquet":
        pytest.importorskip("pyarrow")
    frame = labels_frame([[0.25, 0.75], [0.5, 0.5]], index=ids)  # no file_format: the ids as they are
    out = tmp_path / f"y{suffix}"
    with LabelWriter(out) as writer:
        writer.write(frame.iloc[:1])
        writer.write(frame.iloc[1:])
    back = load_labels(out)
    expected = pd.Index(ids)
    assert back.index.tolist() == expected.tolist()
    assert [type(v) for v in back.index] == [type(v) for v in expected]
    np.testing.assert_array_equal(back[["prob_0", "prob_1"]].to_numpy(), [[0.25, 0.75], [0.5, 0.5]])


def test_label_writer_refuses_raw_ids_that_could_not_come_back(tmp_path):
    out = tmp_path / "y.csv"
    out.write_text("previous\n")
    frame = pd.DataFrame({"id": [1, "1"], "prob_0": [0.5, 0.5], "prob_1": [0.5, 0.5], "label": [-1, -1]})
    with pytest.raises(ModelInputError, match="mix types"):
        with LabelWriter(out) as writer:
            writer.write(frame)
    assert out.read_text() == "previous\n"
    assert [p.name for p in tmp_path.iterdir()] == ["y.csv"]


def test_npz_labels_typed_for_another_format_are_written_not_a_key_error(tmp_path):
    """A chunk typed for CSV (``id:str``) written to .npz was a raw KeyError: 'id'."""
    frame = labels_frame([[0.25, 0.75]], index=["1"], file_format=".csv")
    assert frame.columns[0] == "id:str"
    with LabelWriter(tmp_path / "y.npz") as writer:
        writer.write(frame)
    assert load_labels(tmp_path / "y.npz").index.tolist() == ["1"]


def test_npz_labels_never_hold_a_pickle(tmp_path):
    """A text column in a LabelWriter chunk was pickled into the .npz, which load_labels then could not read."""
    frame = pd.DataFrame({"id": ["a", "b"], "prob_0": [0.5, 0.5], "prob_1": [0.5, 0.5], "label": [-1, -1],
                          "text": pd.Series(["x", "é"], dtype=object)})
    out = tmp_path / "y.npz"
    with LabelWriter(out) as writer:
        writer.write(frame)
    with zipfile.ZipFile(out) as z:
        for name in z.namelist():
            with z.open(name) as fh:
                np.lib.format.read_magic(fh)
                assert not np.lib.format.read_array_header_1_0(fh)[2].hasobject, name
    assert load_labels(out)["text"].tolist() == ["x", "é"]
    bad = frame.assign(text=pd.Series([{"a": 1}, None], dtype=object))
    out.write_bytes(b"previous")
    with pytest.raises(ModelInputError, match="'text'.*without pickle"):
        with LabelWriter(out) as writer:
            writer.write(bad)
    assert out.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["y.npz"]


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet", ".npz"])
def test_closing_a_label_writer_twice_or_writing_after_close_leaves_no_stray_file(tmp_path, suffix):
    """close() inside the with block, then the block's own close, wrote a second temporary file that stayed in
    the user's folder; a chunk written after close went to a file never renamed (silently lost)."""
    if suffix == ".parquet":
        pytest.importorskip("pyarrow")
    frame = labels_frame([[0.25, 0.75]], index=["a"], file_format=suffix)
    with LabelWriter(tmp_path / f"y{suffix}") as writer:
        writer.write(frame)
        writer.close()
    assert [p.name for p in tmp_path.iterdir()] == [f"y{suffix}"]
    assert load_labels(tmp_path / f"y{suffix}").index.tolist() == ["a"]
    with pytest.raises(ParameterError, match="already closed"):
        writer.write(frame)
    with LabelWriter(tmp_path / f"y{suffix}") as writer:  # no rows: close() then the block's close
        writer.close()
    assert [p.name for p in tmp_path.iterdir()] == [f"y{suffix}"]


def test_writing_under_a_file_is_a_typed_error_naming_it(tmp_path):
    """export_labels / LabelWriter / LabelMatrix.save to "results.csv/y.csv" raised a bare FileExistsError
    ("File exists: results.csv", as if refusing to overwrite); it is an UnsafeOutputError naming the file in the
    way, and that file is untouched."""
    from weaksup import LabelMatrix, export_labels
    from weaksup.errors import UnsafeOutputError

    user = tmp_path / "results.csv"
    user.write_text("mine")
    writes = [lambda: export_labels(user / "y.csv", [[0.5, 0.5]], index=["a"]),
              lambda: export_labels(user / "sub" / "y.jsonl", [[0.5, 0.5]], index=["a"]),
              lambda: LabelWriter(user / "y.csv"),
              lambda: LabelMatrix.from_dense([[0]]).save(user / "L.npz")]
    for write in writes:
        with pytest.raises(UnsafeOutputError, match="results.csv' is a file, not a folder"):
            write()
    assert user.read_text() == "mine"
    assert [p.name for p in tmp_path.iterdir()] == ["results.csv"]


EDITED_CELLS = {
    "negative probability": ("0.2,0.8,1", "-0.5,0.8,1", "'prob_0', not a probability"),
    "probability above 1": ("0.2,0.8,1", "7,0.8,1", "'prob_0', not a probability"),
    "infinite probability": ("0.2,0.8,1", "0.2,inf,1", "'prob_1', not a probability"),
    "fractional label": ("0.2,0.8,1", "0.2,0.8,1.5", "'label', not a label in -1..1"),
    "label beyond the classes": ("0.2,0.8,1", "0.2,0.8,9", "'label', not a label in -1..1"),
    "label below abstain": ("0.2,0.8,1", "0.2,0.8,-7", "'label', not a label in -1..1"),
    "fractional vote": ("0.2,0.8,1,0", "0.2,0.8,1,0.5", "'lf.a', not an integer >= -1"),
}


@pytest.mark.parametrize("old, new, message", EDITED_CELLS.values(), ids=EDITED_CELLS.keys())
def test_a_labels_file_edited_to_numbers_export_labels_never_writes_is_refused(tmp_path, old, new, message):
    """A CSV labels file edited to hold a probability of -0.5 or 7, or a label of 9, loaded silently."""
    from weaksup import LabelMatrix, export_labels

    L = LabelMatrix.from_dense([[0], [1]], lf_names=["a"], index=["r1", "r2"])
    path = export_labels(tmp_path / "y.csv", [[0.2, 0.8], [0.6, 0.4]], L=L)
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(ModelInputError, match=f"y.csv: row id 'r1' holds .* in column {message}"):
        load_labels(path)


def test_labels_export_labels_writes_still_load_at_the_edges_of_its_own_check(tmp_path):
    from weaksup import export_labels

    P = np.array([[-5e-5, 1 + 5e-5], [1.0, 0.0], [0.5, 0.5]])  # within check_probs' tolerance: export takes it
    for suffix in (".csv", ".jsonl", ".npz"):
        back = load_labels(export_labels(tmp_path / f"y{suffix}", P, index=[1, 2, 3]))
        np.testing.assert_array_equal(back[["prob_0", "prob_1"]].to_numpy(), P)
        assert back["label"].tolist() == [1, 0, -1]


def _npy_declaring(shape):
    import io

    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, {"descr": "<f8", "fortran_order": False, "shape": shape})
    return buf.getvalue() + b"\x00" * 64  # a few bytes of data under a header asking for terabytes


def _replace_member(path, name, data):
    with zipfile.ZipFile(path) as z:
        members = {n: z.read(n) for n in z.namelist()}
    members[f"{name}.npy"] = data
    with zipfile.ZipFile(path, "w") as z:
        for n, b in members.items():
            z.writestr(n, b)


def test_an_npz_member_declaring_terabytes_is_a_typed_error_not_a_memory_error(tmp_path):
    """np.load allocates what a member's header declares before reading it: a 200-byte member of a saved model
    or a labels .npz declaring 10**14 floats was a MemoryError (or an allocation of the machine's memory)."""
    from weaksup import DataFileError, export_labels
    from weaksup._files import file_sha256

    d = DawidSkene().fit(L).save(tmp_path / "m")
    _replace_member(d / "arrays.npz", "class_balance_", _npy_declaring((10**14,)))
    meta = json.loads((d / "model.json").read_text())
    meta["arrays.npz_sha256"] = file_sha256(d / "arrays.npz")  # an edit whose author rewrote the checksum
    (d / "model.json").write_text(json.dumps(meta))
    with pytest.raises(ModelInputError, match="class_balance_' is truncated"):
        BaseLabelModel.load(d)
    p = export_labels(tmp_path / "y.npz", [[0.5, 0.5]], index=["a"])
    _replace_member(p, "prob_0", _npy_declaring((10**14,)))
    with pytest.raises(DataFileError, match="prob_0' is truncated"):
        load_labels(p)


def test_an_npz_zip_entry_claiming_more_bytes_than_it_compresses_is_refused(tmp_path):
    """The zip's own size field, edited to match a huge header, must not get NumPy to allocate it either."""
    import struct

    from weaksup import DataFileError, export_labels

    p = export_labels(tmp_path / "y.npz", [[0.5, 0.5]], index=["a"])
    claimed = 0xFFFFFFF0
    _replace_member(p, "prob_0", _npy_declaring(((claimed - 256) // 8,)))  # fits what the zip will claim
    raw = bytearray(p.read_bytes())
    for sig, size_at, name_len_at, name_at in ((b"PK\x03\x04", 22, 26, 30), (b"PK\x01\x02", 24, 28, 46)):
        at = raw.find(sig)
        while at != -1:  # the uncompressed size of prob_0.npy, in its local header and its directory entry
            n = struct.unpack_from("<H", raw, at + name_len_at)[0]
            if bytes(raw[at + name_at:at + name_at + n]) == b"prob_0.npy":
                struct.pack_into("<I", raw, at + size_at, claimed)
            at = raw.find(sig, at + 4)
    p.write_bytes(bytes(raw))
    with pytest.raises(DataFileError, match="prob_0' is damaged: the zip says it holds 4294967280 bytes"):
        load_labels(p)
