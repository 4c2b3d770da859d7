"""End-to-end workflows as a new user writes them from the README: rows must stay paired with their own votes."""

import numpy as np
import pandas as pd
import pytest

import weaksup as ws
from weaksup import ABSTAIN, ModelInputError, labeling_function


@labeling_function()
def has_buy(x):
    return 1 if "buy" in x.text else ABSTAIN


@labeling_function()
def has_hi(x):
    return 0 if "hi" in x.text else ABSTAIN


@pytest.fixture
def frame():
    return pd.DataFrame({"text": ["buy", "hi", "buy hi", "zz", "hi"]}, index=["a", "b", "c", "d", "e"])


def _labelled(frame):
    L = ws.LFApplier([has_buy, has_hi]).apply(frame, progress=False)
    return L, ws.MajorityVoter(cardinality=2).predict_proba(L)


def test_filter_unlabeled_lines_up_a_reordered_frame_by_row_id(frame):
    L, probs = _labelled(frame)
    rows, soft = ws.filter_unlabeled(frame.iloc[::-1], probs, L)  # e.g. the frame sorted after applying
    assert "d" not in rows.index  # the row no LF voted on is dropped, not another one
    by_id = dict(zip(rows.index, soft.tolist(), strict=True))
    assert by_id == {"a": [0.0, 1.0], "b": [1.0, 0.0], "c": [0.5, 0.5], "e": [1.0, 0.0]}


def test_filter_unlabeled_lines_up_a_probs_frame_by_row_id(frame):
    L, probs = _labelled(frame)
    probs_frame = pd.DataFrame(probs, index=L.index).iloc[::-1]
    rows, soft = ws.filter_unlabeled(frame, probs_frame, L)
    assert rows.index.tolist() == ["a", "b", "c", "e"]
    assert soft.tolist() == [[0.0, 1.0], [1.0, 0.0], [0.5, 0.5], [1.0, 0.0]]


def test_filter_unlabeled_refuses_a_frame_of_other_row_ids(frame):
    L, probs = _labelled(frame)
    other = frame.set_axis(["v", "w", "x", "y", "z"])
    with pytest.raises(ModelInputError, match="not L's"):
        ws.filter_unlabeled(other, probs, L)
    kept, _ = ws.filter_unlabeled(frame.reset_index(drop=True), probs, L)  # rows without ids: in order
    assert kept.index.tolist() == [0, 1, 2, 4]
    L_plain = np.asarray(L)
    kept, _ = ws.filter_unlabeled(other, probs, L_plain)  # L without ids (Snorkel's array): in order
    assert kept.index.tolist() == ["v", "w", "x", "z"]
