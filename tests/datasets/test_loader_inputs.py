"""Loaders on damaged installs and hand-made WRENCH folders: typed errors naming the file and the row."""

import json
import shutil

import numpy as np
import pytest

import weaksup as ws
from weaksup.datasets import youtube
from weaksup.errors import DataFileError, LabelMatrixError, MissingFileError


@pytest.fixture
def bundled_copy(tmp_path, monkeypatch):
    """A copy of the bundled YouTube files that the loader reads instead of the installed ones."""
    for name in (*youtube.FILES, youtube.TEST_FILE):
        with youtube._data_dir().joinpath(name).open("rb") as src, open(tmp_path / name, "wb") as dst:
            shutil.copyfileobj(src, dst)
    monkeypatch.setattr(youtube, "_data_dir", lambda: tmp_path)
    return tmp_path


def test_youtube_copy_loads_the_same_rows(bundled_copy):
    train, valid, test = ws.datasets.load_youtube_spam(hide_train_labels=False)
    assert (len(train), len(valid), len(test)) == (1586, 120, 250)
    assert train.label.dtype == np.int64 and str(train.text.dtype) in {"str", "string", "object"}


@pytest.mark.parametrize("damage, error, match", [
    ("delete", MissingFileError, "Youtube03-LMFAO.csv is missing"),
    ("truncate", DataFileError, "Youtube03-LMFAO.csv"),
    ("binary", DataFileError, "cannot be read"),
    ("no_class", DataFileError, r"lacks the column\(s\) \['CLASS'\]"),
    ("bad_class", DataFileError, "CLASS 'spam' at data row 0"),
])
def test_damaged_bundled_file_is_a_typed_error(bundled_copy, damage, error, match):
    path = bundled_copy / "Youtube03-LMFAO.csv"
    text = path.read_text(encoding="utf-8")
    header, first, rest = text.split("\n", 2)
    if damage == "delete":
        path.unlink()
    elif damage == "truncate":
        path.write_text("", encoding="utf-8")
    elif damage == "binary":
        path.write_bytes(b"\xff\xfe\x00\x81" * 100)
    elif damage == "no_class":
        path.write_text(text.replace(",CLASS", ",KLASS", 1), encoding="utf-8")
    else:
        path.write_text(header + "\n" + first.rsplit(",", 1)[0] + ",spam\n" + rest, encoding="utf-8")
    with pytest.raises(error, match=match):
        ws.datasets.load_youtube_spam()


def _folder(tmp_path, train, label=None):
    (tmp_path / "train.json").write_text(train if isinstance(train, str) else json.dumps(train), encoding="utf-8")
    if label is not None:
        (tmp_path / "label.json").write_text(json.dumps(label), encoding="utf-8")
    return tmp_path


GOOD = {"7": {"label": 1, "weak_labels": [1, -1], "data": {"text": "héllo wörld"}},
        "3": {"label": 0, "weak_labels": [-1, 0], "data": {"text": "b"}}}


def test_load_wrench_one_split_as_a_string_and_utf8(tmp_path):
    ds = ws.datasets.load_wrench(_folder(tmp_path, GOOD, {"0": "HAM", "1": "SPAM"}), splits="train")
    split = ds["train"]
    assert list(ds) == ["train"] and ds.class_names == ["HAM", "SPAM"]
    assert split.L.index.tolist() == split.data.index.tolist() == ["7", "3"]
    assert split.data.text.tolist() == ["héllo wörld", "b"] and split.y.tolist() == [1, 0]


@pytest.mark.parametrize("train, label, error, match", [
    ('{"0": {"label": 1,', None, DataFileError, "not valid UTF-8 JSON"),
    ([1, 2], None, DataFileError, "must map each row id to a record"),
    ({"0": {"label": 1, "weak_labels": [1, -1]}, "x9": {"label": 0, "weak_labels": [0]}}, None, DataFileError,
     "row 'x9' has 1 weak labels"),
    ({"0": {"label": 1}}, None, DataFileError, "row '0' needs 'label' and a 'weak_labels' list"),
    ({"0": {"label": None, "weak_labels": [1]}}, None, DataFileError, "row '0' holds a label or weak label"),
    (GOOD, ["HAM", "SPAM"], DataFileError, "label.json must map the class ids"),
    ({"0": {"label": 1, "weak_labels": [5]}}, {"0": "a", "1": "b"}, LabelMatrixError, r"train.json: LF 'lf_0' votes label 5 at row '0'"),
])
def test_load_wrench_bad_files_are_typed_errors(tmp_path, train, label, error, match):
    with pytest.raises(error, match=match):
        ws.datasets.load_wrench(_folder(tmp_path, train, label), splits=("train",))


def test_load_wrench_empty_split(tmp_path):
    split = ws.datasets.load_wrench(_folder(tmp_path, {}), splits=("train",))["train"]
    assert split.L.shape == (0, 0) and len(split.y) == 0


def _seq_folder(tmp_path, meta, test):
    (tmp_path / "meta.json").write_text(meta if isinstance(meta, str) else json.dumps(meta), encoding="utf-8")
    (tmp_path / "test.json").write_text(test if isinstance(test, str) else json.dumps(test), encoding="utf-8")
    return tmp_path


SEQ_META = {"lf": ["a", "b"], "entity_types": ["CHEM"]}
SEQ_TEST = {"0": {"data": {"text": ["α-tocopherol", "is", "fine"]}, "label": [[0, 1, "CHEM"]],
                  "weak_labels": [[[0, 1, "CHEM"]], []]}}


def test_load_wrench_sequence_one_split_as_a_string_and_utf8(tmp_path):
    ds = ws.datasets.load_wrench_sequence(_seq_folder(tmp_path, SEQ_META, SEQ_TEST), splits="test")
    assert list(ds) == ["test"] and ds["test"].tokens == [["α-tocopherol", "is", "fine"]]
    assert ds["test"].ids == ["0"] and ds["test"].gold == [[(0, 1, "CHEM")]]


@pytest.mark.parametrize("meta, test, match", [
    ('{"lf": [', SEQ_TEST, "meta.json is not valid UTF-8 JSON"),
    (["a", "b"], SEQ_TEST, "meta.json: missing key"),
    (SEQ_META, "[1, 2]", "must map each instance id"),
    (SEQ_META, {"0": {"data": {"text": ["x"]}, "label": [], "weak_labels": None}}, "instance '0' has None LF span"),
])
def test_load_wrench_sequence_bad_files_are_typed_errors(tmp_path, meta, test, match):
    with pytest.raises(DataFileError, match=match):
        ws.datasets.load_wrench_sequence(_seq_folder(tmp_path, meta, test), splits=("test",))
