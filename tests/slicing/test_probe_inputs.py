"""Slicing on inputs as users hold them: defects a probe found."""

from __future__ import annotations

import numpy as np
import pytest

from weaksup.errors import ModelInputError
from weaksup.slicing import SliceMatrix, score_slices, slice_report


def test_score_slices_refuses_fractional_preds():
    """preds=probs[:, 1] (scores, not class ids) were truncated to class 0 by astype(int64) and scored
    silently; they are an error naming the row and the value, as fractional golds are."""
    S = SliceMatrix.from_dense([[1], [0], [1]], names=["short"])
    with pytest.raises(ModelInputError, match=r"preds.*row 0.*0\.8"):
        score_slices(S, golds=[1, 0, 1], preds=np.array([0.8, 0.1, 0.9]))
    with pytest.raises(ModelInputError, match="preds"):
        slice_report(S, golds=[1, 0, 1], preds=np.array([0.8, 0.1, 0.9]))
    ok = score_slices(S, golds=[1, 0, 1], preds=np.array([1.0, 0.0, -1.0]))  # integral floats and abstains are fine
    assert ok["accuracy"].tolist() == [2 / 3, 0.5]
