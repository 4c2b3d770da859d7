"""load_wrench_sequence on small folders written by the test."""

import json

import pytest

from weaksup.datasets import load_wrench_sequence
from weaksup.errors import DataFileError, WeaksupWarning


def _folder(tmp_path, entries, meta=None):
    meta = meta or {"lf": ["dict", "phrase", "noise"], "entity_types": ["X", "Y"], "lf_rec": ["phrase", "dict"]}
    (tmp_path / "meta.json").write_text(json.dumps(meta))
    (tmp_path / "train.json").write_text(json.dumps(entries))
    return tmp_path


def _entry(tokens, label, weak):
    return {"data": {"text": tokens}, "label": label, "weak_labels": weak}


def test_recommended_lfs_order_ids_and_missing_splits(tmp_path):
    entries = {
        "10": _entry(["a", "b", "c"], [[0, 2, "X"]], [[[0, 1, "X"]], [[0, 2, "X"]], [[2, 3, "Y"]]]),
        "2": _entry(["d"], [], [[], [], []]),
    }
    ds = load_wrench_sequence(_folder(tmp_path, entries))
    assert list(ds) == ["train"] and ds.lf_names == ["phrase", "dict"] and ds.types == ["X", "Y"]
    tr = ds["train"]
    assert tr.ids == ["2", "10"] and tr.tokens == [["d"], ["a", "b", "c"]]  # numeric ids in numeric order
    assert tr.gold == [[], [(0, 2, "X")]]
    assert tr.votes.lf_names == ["phrase", "dict"] and tr.votes.spans[1] == [[(0, 2, "X")], [(0, 1, "X")]]
    assert tr.votes.doc_ids == tr.ids
    assert load_wrench_sequence(tmp_path, lfs="all")["train"].votes.n_lfs == 3
    assert load_wrench_sequence(tmp_path, lfs=["noise"])["train"].votes.spans[1] == [[(2, 3, "Y")]]


def test_bad_files_name_the_instance(tmp_path):
    bad = {"0": _entry(["a"], [[0, 5, "X"]], [[], [], []])}
    with pytest.raises(DataFileError, match="'gold' on document '0'.*out of bounds"):
        load_wrench_sequence(_folder(tmp_path, bad))
    short = {"0": _entry(["a"], [], [[]])}
    with pytest.raises(DataFileError, match="instance '0' has 1 LF span lists"):
        load_wrench_sequence(_folder(tmp_path, short))
    with pytest.raises(DataFileError, match="not in meta"):
        load_wrench_sequence(_folder(tmp_path, short), lfs=["nope"])
    with pytest.raises(FileNotFoundError, match="none of the split files"):
        load_wrench_sequence(tmp_path, splits=("test",))


def test_overlapping_or_unknown_type_spans_are_dropped_with_a_warning(tmp_path):
    entries = {"0": _entry(["a", "b", "c"], [], [[[0, 2, "X"], [1, 3, "X"]], [[0, 1, "Z"]], []])}
    with pytest.warns(WeaksupWarning) as rec:
        tr = load_wrench_sequence(_folder(tmp_path, entries), lfs="all")["train"]
    messages = " ".join(str(w.message) for w in rec)
    assert "LF 'dict' with overlapping" in messages and "LF 'phrase' with a type not in" in messages
    assert tr.votes.spans[0] == [[(0, 2, "X")], [], []]
