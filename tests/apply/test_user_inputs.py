"""Inputs and LFs as users hold and write them: arrays, structured arrays, wrong-length votes, name clashes."""

import warnings

import numpy as np
import pandas as pd
import pytest
import snorkel.labeling as sk

import weaksup as ws
import weaksup.snorkel.labeling as wk
from weaksup import ABSTAIN, LabelingFunction, LFApplier, labeling_function
from weaksup.errors import LabelingFunctionError, MissingFieldError, ParameterError, WeaksupError
from weaksup.labeling.templates import keyword_lf, threshold_lf


def votes(lfs, data, **kwargs):
    return LFApplier(lfs, **kwargs).apply(data, progress=False).to_dense().tolist()


@labeling_function()
def says_spam(x):
    return 1 if "spam" in x.lower() else ABSTAIN


def test_rows_of_a_1d_array_are_its_elements_as_in_snorkel():
    texts = np.array(["spam a", "ham", "SPAM b"])
    assert votes([says_spam], texts) == [[1], [-1], [1]]
    assert votes([says_spam], texts, n_jobs=2, chunk_size=1) == [[1], [-1], [1]]
    assert votes([keyword_lf("spam", 1, field=0)], texts) == [[1], [-1], [1]]  # a 1-D array is one field
    assert wk.LFApplier([says_spam]).apply(texts, progress_bar=False).tolist() == [[1], [-1], [1]]


def test_substring_test_on_a_1d_array_row_is_not_elementwise():
    @labeling_function()
    def has_spam(x):
        return 1 if "spam" in x else ABSTAIN  # on a 1-element array this would be ==, never a substring test

    assert votes([has_spam], np.array(["spam a", "b"])) == [[1], [-1]]


def test_structured_array_rows_are_records_and_templates_read_fields():
    data = np.array([(1, "spam a"), (5, "ham")], dtype=[("n", int), ("text", "U10")])

    @labeling_function()
    def spam_field(x):
        return 1 if "spam" in x["text"] else ABSTAIN

    assert votes([spam_field], data) == [[1], [-1]]
    assert votes([keyword_lf("spam", 1), threshold_lf("n", ">", 2, 0)], data) == [[1, -1], [-1, 0]]
    with pytest.raises(LabelingFunctionError, match="fields are \\['n', 'text'\\]") as info:
        votes([keyword_lf("spam", 1, field="body")], data)
    assert isinstance(info.value.original, MissingFieldError)


def test_a_0d_array_is_refused_with_a_typed_error():
    with pytest.raises(ws.ParameterTypeError, match="scalar array"):
        votes([says_spam], np.array("spam"))


@pytest.mark.parametrize("out", [[1, -1], (1, -1), [1, -1, 1, 1]])
def test_vectorized_lf_returning_a_list_of_the_wrong_length_names_the_lf(out):
    lf = LabelingFunction("wrong_len", lambda df: out, vectorized=True)
    df = pd.DataFrame({"text": ["a", "b", "c"]}, index=["r1", "r2", "r3"])
    with pytest.raises(LabelingFunctionError, match=f"'wrong_len' failed on row 'r1': returned {len(out)} labels "
                                                    "for a batch of 3 rows"):
        votes([lf], df)


def test_vectorized_lf_returning_a_tuple_of_labels_is_taken_by_position():
    lf = LabelingFunction("tup", lambda df: (1, ABSTAIN, 0), vectorized=True)
    assert votes([lf], pd.DataFrame({"text": ["a", "b", "c"]})) == [[1], [-1], [0]]


def test_duplicate_or_missing_lfs_are_weaksup_errors():
    with pytest.raises(ParameterError, match="duplicate labeling function names: \\['says_spam'\\]"):
        LFApplier([says_spam, says_spam])
    with pytest.raises(ParameterError, match="no labeling functions"):
        LFApplier([])
    with pytest.raises(WeaksupError):  # the Snorkel-style appliers share the check
        wk.PandasLFApplier([says_spam, says_spam])
    with pytest.raises(ValueError):  # and stay ValueErrors, as code catching them expects
        ws.IncrementalApplier([says_spam, says_spam]).apply(pd.DataFrame({"text": ["a"]}), progress=False)


def test_lf_empirical_probs_of_a_class_absent_from_gold_match_snorkel():
    L = np.array([[0, -1], [1, 1], [-1, 0], [0, 0]])
    Y = np.array([0, 0, 2, 2])  # class 1 never occurs
    ours = wk.LFAnalysis(L).lf_empirical_probs(Y, 3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # Snorkel divides 0 by 0
        theirs = sk.LFAnalysis(L).lf_empirical_probs(Y, 3)
    assert np.isnan(ours[:, :, 1]).all()
    np.testing.assert_allclose(ours, theirs)


@pytest.mark.parametrize("dtype", ["str", "object", "category"])
def test_missing_text_is_none_in_object_and_categorical_columns_too(dtype):
    @labeling_function()
    def empty(x):
        return 0 if x.text is None else ABSTAIN

    df = pd.DataFrame({"text": pd.Series(["spam", None, np.nan], dtype=dtype), "n": [1.0, np.nan, 2.0]})

    @labeling_function()
    def n_missing(x):
        return 1 if x.n != x.n else ABSTAIN  # a numeric column keeps its NaN

    assert votes([empty, n_missing], df) == [[-1, -1], [0, 1], [0, -1]]


def test_appending_rows_whose_ids_are_already_in_the_matrix_warns():
    inc = ws.IncrementalApplier([keyword_lf("spam", 1)])
    L = inc.apply(pd.DataFrame({"text": ["spam", "ham"]}), progress=False)  # ids 0, 1
    with pytest.warns(ws.WeaksupWarning, match=r"1 of the 2 appended rows have ids already in L \(e\.g\. \[1\]\)"):
        L2 = inc.append(L, pd.DataFrame({"text": ["x", "spam"]}, index=[2, 1]), progress=False)
    assert L2.index.tolist() == [0, 1, 2, 1] and L2.to_dense().ravel().tolist() == [1, -1, -1, 1]
    with warnings.catch_warnings():
        warnings.simplefilter("error", ws.WeaksupWarning)  # fresh ids: no warning
        inc.append(L, pd.DataFrame({"text": ["x"]}, index=[7]), progress=False)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"cardinality": 1}, ParameterError, "cardinality must be >= 2"),
        ({"cardinality": 0}, ParameterError, "cardinality must be >= 2"),
        ({"cardinality": "2"}, ws.ParameterTypeError, "cardinality must be an integer"),
        ({"cardinality": True}, ws.ParameterTypeError, "cardinality must be an integer"),
        ({"chunk_size": 0}, ParameterError, "chunk_size must be at least 1 row, got 0"),
        ({"chunk_size": "10"}, ws.ParameterTypeError, "chunk_size must be a whole number"),
        ({"n_jobs": "2"}, ws.ParameterTypeError, "n_jobs must be a whole number"),
        ({"n_jobs": 0}, ParameterError, "n_jobs=0"),
    ],
)
def test_bad_applier_settings_are_named_before_any_work(kwargs, error, match):
    with pytest.raises(error, match=match):
        LFApplier([keyword_lf("spam", 1)], **kwargs).apply(pd.DataFrame({"text": ["spam"]}), progress=False)


def test_applier_settings_users_pass_as_floats_or_defaults_work():
    assert LFApplier([says_spam], cardinality=2.0).cardinality == 2
    assert votes([keyword_lf("spam", 1)], pd.DataFrame({"text": ["spam"]}), n_jobs=None) == [[1]]
    with pytest.raises(ParameterError, match="chunk_size"):
        ws.ChunkedApplier([says_spam], chunk_size=0)
    with pytest.raises(ParameterError, match="cardinality"):
        ws.IncrementalApplier([says_spam], cardinality=1)


def test_a_single_lf_not_in_a_list_is_named():
    with pytest.raises(ws.ParameterTypeError, match=r"got the single LF 'says_spam'; pass \[says_spam\]"):
        LFApplier(says_spam)


def test_error_names_a_numpy_integer_row_id_as_a_plain_number():
    import pickle

    from weaksup.errors import LabelingFunctionError

    err = LabelingFunctionError("lf_a", np.int64(10), "boom: bad")
    assert "failed on row 10: boom: bad" in str(err) and "np.int64" not in str(err)
    assert isinstance(err.row_id, np.int64)  # the id itself is kept as it was
    assert str(pickle.loads(pickle.dumps(err))) == str(err)


@pytest.mark.parametrize("backend", ["pyarrow", "numpy_nullable"])
def test_missing_text_is_none_in_frames_read_with_a_dtype_backend(backend):
    import io

    import pyarrow as pa

    df = pd.read_csv(io.StringIO("text,n\nspam,1\n,\nham,5\n"), dtype_backend=backend)  # Arrow strings: pd.NA

    @labeling_function()
    def says_spam(x):
        return 1 if x.text and "spam" in x.text else ABSTAIN  # raised "boolean value of NA is ambiguous"

    assert votes([says_spam], df) == [[1], [-1], [-1]]
    assert votes([says_spam], df.astype({"text": pd.ArrowDtype(pa.large_string())})) == [[1], [-1], [-1]]

    @labeling_function()
    def big(x):
        return 0 if x.n > 2 else ABSTAIN  # a missing number stays pandas' NA, as in Snorkel's Series

    with pytest.raises(LabelingFunctionError, match=r"row 1: .*field.* 'n' .*empty in this row"):
        votes([big], df)


@pytest.mark.parametrize(("data", "match"), [
    (pd.Series(["spam a", "ham"], name="text"), r"not Series; pass text.to_frame\(\)"),
    (["spam a", "ham"], r"not list; for rows that are plain values \(texts\), pass np.asarray"),
    ([{"text": "spam"}, None], "a list of dicts, but row 1 is a NoneType"),
])
def test_inputs_the_applier_does_not_take_say_what_to_pass(data, match):
    with pytest.raises(ws.ParameterTypeError, match=match):
        votes([says_spam], data)


def test_a_preprocessor_returning_none_raises_what_snorkel_raises():
    import snorkel.preprocess as skp

    import weaksup.snorkel.preprocess as wkp

    df = pd.DataFrame({"text": ["spam", "ham"]})
    for labeling, preprocess in ((sk, skp), (wk, wkp)):
        @preprocess.preprocessor()
        def lost(x):
            return None

        @labeling.labeling_function(pre=[lost])
        def after_lost(x):
            return 1

        with pytest.raises(ValueError, match="Preprocessor should not return None"):  # was LabelingFunctionError
            labeling.PandasLFApplier([after_lost]).apply(df, progress_bar=False)
    with pytest.raises(LabelingFunctionError, match="preprocessor 'lost' returned None") as info:
        votes([after_lost], df)
    assert isinstance(info.value.original, ValueError)
