from pathlib import Path

import numpy as np

import weaksup as ws

WRENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "wrench"


def test_youtube_spam_split_sizes_and_hidden_labels():
    train, valid, test = ws.datasets.load_youtube_spam()
    assert (len(train), len(valid), len(test)) == (1586, 120, 250)
    assert (train.label == -1).all() and set(valid.label) == {0, 1} and set(test.label) == {0, 1}
    assert train.index.is_unique and not set(train.index) & set(test.index)
    assert {"text", "label", "author", "comment_id"} <= set(train.columns)
    gold_train, _, _ = ws.datasets.load_youtube_spam(hide_train_labels=False)
    assert gold_train.index.equals(train.index) and set(gold_train.label) == {0, 1}
    # stratified split of file 05 (174 spam of 370)
    assert abs(test.label.mean() - 174 / 370) < 0.01


def test_youtube_spam_matches_wrench_test_texts():
    _, _, test = ws.datasets.load_youtube_spam()
    wrench = ws.datasets.load_wrench(WRENCH / "youtube", splits=("test",))["test"]
    clean = {t.replace("\ufeff", "").strip() for t in wrench.data.text}
    assert sum(t.replace("\ufeff", "").strip() in clean for t in test.text) >= 245


def test_load_wrench_shapes_and_alignment():
    ds = ws.datasets.load_wrench(WRENCH / "trec")
    assert ds.class_names == ["DESC", "ENTY", "HUM", "ABBR", "LOC", "NUM"]
    train = ds["train"]
    assert train.L.shape == (5033, 68) and train.y.shape == (5033,) and train.L.cardinality == 6
    assert train.L.index.equals(train.data.index)
    assert np.all(train.L.to_dense() >= -1)
