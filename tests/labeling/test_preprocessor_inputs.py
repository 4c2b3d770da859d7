"""Preprocessors that change a field's value in place: neither the input nor another LF sees it (as in Snorkel)."""

import numpy as np
import pandas as pd
import pytest

import weaksup as ws

snorkel_labeling = pytest.importorskip("snorkel.labeling")
snorkel_preprocess = pytest.importorskip("snorkel.preprocess")


def _tag(x):
    x.tags.append("seen")
    x.meta["n"] += 1
    return x


def _votes(x):
    return len(x.tags) * 10 + x.meta["n"]


def _frame():
    return pd.DataFrame({"tags": [["a"], ["b", "c"]], "meta": [{"n": 0}, {"n": 5}]}, index=["r1", "r2"])


def test_in_place_changes_by_a_preprocessor_reach_neither_the_input_nor_other_lfs_like_snorkel():
    df = _frame()
    s_pre = snorkel_preprocess.preprocessor()(_tag)
    s_lfs = [snorkel_labeling.LabelingFunction(n, _votes, pre=[s_pre]) for n in ("a", "b")]
    theirs = snorkel_labeling.PandasLFApplier(s_lfs).apply(df, progress_bar=False)

    w_pre = ws.preprocessor()(_tag)
    w_lfs = [ws.LabelingFunction(n, _votes, pre=[w_pre]) for n in ("a", "b")]
    ours = ws.LFApplier(w_lfs).apply(df, progress=False)
    np.testing.assert_array_equal(ours.to_dense(), theirs)
    assert ours.to_dense().tolist() == [[21, 21], [36, 36]]
    pd.testing.assert_frame_equal(df, _frame())


def test_arrays_in_a_row_are_copied_for_a_preprocessor():
    @ws.preprocessor()
    def double(x):
        x.vec *= 2
        return x

    lfs = [ws.LabelingFunction(n, lambda x: int(x.vec[0]), pre=[double]) for n in ("a", "b")]
    df = pd.DataFrame({"vec": [np.array([1]), np.array([2])]})
    assert ws.LFApplier(lfs).apply(df, progress=False).to_dense().tolist() == [[2, 2], [4, 4]]
    assert [v.tolist() for v in df.vec] == [[1], [2]]


def test_direct_calls_leave_the_row_dict_alone():
    pre = ws.preprocessor()(_tag)
    lf = ws.LabelingFunction("a", _votes, pre=[pre])
    row = {"tags": ["a"], "meta": {"n": 0}}
    assert lf(row) == lf(row) == 21
    assert row == {"tags": ["a"], "meta": {"n": 0}}


@pytest.mark.filterwarnings("ignore::UserWarning")  # a blank spaCy pipeline: no model package installed
def test_spacy_preprocessor_on_missing_text_names_the_row():
    pytest.importorskip("spacy")
    from weaksup.labeling.nlp import nlp_labeling_function

    @nlp_labeling_function(language="en", vectorized=True, name="n_tokens")
    def n_tokens(batch):
        return np.array([1 if len(d) > 1 else -1 for d in batch.doc])

    df = pd.DataFrame({"text": pd.array(["a b", None, "c"], dtype="str")}, index=["p", "q", "r"])
    with pytest.raises(ws.LabelingFunctionError, match=r"must be a str, got nan at row 'q'; fill missing texts"):
        ws.LFApplier([n_tokens]).apply(df, progress=False)
    assert ws.LFApplier([n_tokens]).apply(df.fillna(""), progress=False).to_dense().ravel().tolist() == [1, -1, -1]
