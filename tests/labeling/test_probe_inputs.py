"""LF-writing and LF-analysis inputs as new users hold them: each test names what went wrong before its fix."""

import numpy as np
import pandas as pd
import pytest

import weaksup as ws
from weaksup.errors import ParameterError, ParameterTypeError
from weaksup.labeling import LabelingFunction, Preprocessor, labeling_function, preprocessor
from weaksup.labeling.templates import keyword_lf, length_lf, lookup_lf, model_lf, regex_lf, threshold_lf


def _votes(lf, df):
    return ws.LFApplier([lf]).apply(df, progress=False).to_dense().ravel().tolist()


def test_lookup_lf_takes_one_string_as_one_value():
    """``lookup_lf("alice", label=1)`` was a table of the characters a, l, i, c, e: it never fired on "alice"."""
    df = pd.DataFrame({"author": ["alice", "a", "bob"]})
    assert _votes(lookup_lf("alice", label=1, field="author"), df) == [1, -1, -1]


def test_keyword_lf_with_a_non_iterable_keyword_is_a_typed_error():
    """``keyword_lf(5, 1)`` raised a bare ``TypeError: 'int' object is not iterable``."""
    with pytest.raises(ParameterTypeError, match="keywords must be a string or a list of strings, got int 5"):
        keyword_lf(5, 1)


@pytest.mark.parametrize("value", ["5", float("nan"), None, True])
def test_length_lf_checks_its_value_when_built(value):
    """``length_lf("text", "<", "5", 0)`` (or NaN) was accepted, then every batch failed with numpy's
    ``ufunc 'ceil' not supported`` (or ``cannot convert float NaN to integer``) once the LF ran."""
    with pytest.raises(ParameterError, match="value must be a finite number of words"):
        length_lf("text", "<", value, 0)
    assert _votes(length_lf("text", "<", np.float64(2.5), 0), pd.DataFrame({"text": ["a b", "a b c"]})) == [0, -1]


def test_threshold_lf_refuses_a_list_value():
    """``threshold_lf("a", ">", [1, 2], 1)`` compared the column element by element with the list, so row i
    was compared with ``value[i]`` (and batches of another length failed)."""
    with pytest.raises(ParameterTypeError, match="value must be one value"):
        threshold_lf("a", ">", [1, 2], 1)
    assert _votes(threshold_lf("a", ">", np.int64(1), 1), pd.DataFrame({"a": [1, 3]})) == [-1, 1]


def test_preprocessor_decorator_without_parentheses_is_an_error():
    """``@preprocessor`` without parentheses silently bound the name to the inner ``wrap`` function: calling it
    returned a Preprocessor, and listing it in ``pre=`` failed with a message about a function named wrap."""
    with pytest.raises(ParameterTypeError, match=r"use @preprocessor\(\) with parentheses"):
        @preprocessor
        def add_n(x):
            return x


def test_preprocessor_checks_name_f_and_resources_as_labeling_functions_do():
    """``Preprocessor(3, f)``, ``Preprocessor("p", 3)`` and ``resources=[...]`` were accepted; the error (if any)
    came much later, untyped, from inside an applier."""
    with pytest.raises(ParameterError, match="a preprocessor needs a non-empty string name, got 3"):
        Preprocessor(3, lambda x: x)
    with pytest.raises(ParameterTypeError, match="preprocessor 'p': f must be callable, got int"):
        Preprocessor("p", 3)
    with pytest.raises(ParameterTypeError, match="preprocessor 'p': resources must be a dict"):
        Preprocessor("p", lambda x: x, resources=[("k", 1)])
    with pytest.raises(ParameterError, match="a labeling function needs a non-empty string name"):
        LabelingFunction("", lambda x: 0)  # the LF's checks, now shared, are unchanged


def test_row_wise_preprocessor_called_on_a_dict_or_series_gets_a_row():
    """An LF called on a dict turned it into a Row, but its preprocessor called on the same dict got the dict:
    ``x.text`` raised ``AttributeError: 'dict' object has no attribute 'text'``."""
    @preprocessor()
    def add_len(x):
        x.n = len(x.text)
        return x

    @labeling_function(pre=[add_len])
    def long(x):
        return 1 if x.n > 3 else -1

    row = {"text": "hello"}
    assert add_len(row).n == 5
    assert row == {"text": "hello"}  # the input is not changed
    out = add_len(pd.Series({"text": "hey"}, name="r7"))
    assert (out.n, out.name) == (3, "r7")  # a Series keeps its id as x.name
    assert long(row) == 1 and long(pd.Series({"text": "hey"})) == -1


def test_lf_analysis_with_one_lf_instead_of_a_list_is_a_typed_error():
    """``LFAnalysis(L, lf)`` raised a bare ``TypeError: 'LabelingFunction' object is not iterable``, and
    ``LFAnalysis(L, "abc")`` silently named three columns "a", "b", "c"."""
    @labeling_function()
    def a(x):
        return 0

    with pytest.raises(ParameterTypeError, match=r"pass lfs=\[a\]"):
        ws.LFAnalysis(np.array([[0], [-1]]), a)
    with pytest.raises(ParameterTypeError, match=r"pass lfs=\['abc'\]"):
        ws.LFAnalysis(np.array([[0, 1, 1]]), "abc")
    assert ws.LFAnalysis(np.array([[0], [-1]]), [a]).summary().index.tolist() == ["a"]


def test_changed_resources_are_the_ones_an_lf_runs_with():
    """``bound`` was cached on first use: after ``lf.resources["k"] = 1`` (or a new ``lf.resources``) the LF
    kept voting with the old value, while its fingerprint (and so a cache of its votes) said the new one."""
    @labeling_function(resources={"k": 3})
    def longer(x, k):
        return 1 if len(x.text) > k else -1

    df = pd.DataFrame({"text": ["hello", "hi"]})
    assert _votes(longer, df) == [1, -1]
    longer.resources["k"] = 1
    assert _votes(longer, df) == [1, 1] and longer({"text": "hi"}) == 1
    longer.resources = {"k": 10}
    assert _votes(longer, df) == [-1, -1]


def test_spacy_preprocessor_with_cache_size_zero_parses_without_keeping():
    """``SpacyPreprocessor(cache_size=0)`` crashed on its first parse with a bare ``StopIteration`` (it popped
    the oldest of no kept parses); a negative or fractional size was taken as it came (``int(1.5)`` is 1)."""
    pytest.importorskip("spacy")
    from weaksup.labeling.nlp import SpacyPreprocessor

    pre = SpacyPreprocessor(language="en", cache_size=0)
    assert len(pre.parse("check it out")) == 3 and [len(d) for d in pre.pipe(["a b", "a b"])] == [2, 2]
    assert pre._docs == {}
    for bad in (-1, 1.5):
        with pytest.raises(ParameterError, match="cache_size must be a whole number"):
            SpacyPreprocessor(language="en", cache_size=bad)


def test_decorating_a_partial_or_callable_object_asks_for_a_name():
    """``labeling_function()(functools.partial(f, k=1))`` (and ``@preprocessor()`` on one, or on a callable
    object) raised a bare ``AttributeError: 'functools.partial' object has no attribute '__name__'``."""
    import functools

    def votes(x, k):
        return k

    class Voter:
        def __call__(self, x):
            return 0

    for deco, what in ((labeling_function(), "labeling_function"), (preprocessor(), "preprocessor")):
        with pytest.raises(ParameterError, match=rf"@{what}\(\) cannot name a partial .*@{what}\(name=\.\.\.\)"):
            deco(functools.partial(votes, k=1))
    with pytest.raises(ParameterError, match="cannot name a Voter"):
        labeling_function()(Voter())
    assert labeling_function(name="k1")(functools.partial(votes, k=1))({"text": "a"}) == 1


def test_regex_lf_flags_that_are_not_re_flags_are_typed_errors():
    """``regex_lf(p, 1, flags="i")`` (or ``None``) raised a bare ``TypeError: unsupported operand type(s) for &``,
    and ``flags=re.LOCALE`` a bare ``ValueError`` from ``re.compile``."""
    import re

    for bad in ("i", None, 2.0):
        with pytest.raises(ParameterTypeError, match="flags must be re flags"):
            regex_lf("check", 1, flags=bad)
    with pytest.raises(ParameterError, match="cannot use LOCALE flag"):
        regex_lf("check", 1, flags=re.LOCALE)
    df = pd.DataFrame({"text": ["Check it", "x"]})
    assert regex_lf("check", 1, flags=np.int64(re.IGNORECASE))(df).tolist() == [1, -1]


def test_model_lf_label_map_and_threshold_of_the_wrong_type_are_typed_errors():
    """``model_lf(m, None)`` / ``model_lf(m, 3)`` raised a bare ``TypeError: ... is not iterable``, and
    ``threshold="high"`` a bare ``ValueError: could not convert string to float``."""
    def model(X):
        return np.full(len(X), 0.9)

    for bad in (None, 3, "ab"):
        with pytest.raises(ParameterTypeError, match="label_map must map model classes to labels"):
            model_lf(model, bad)
    with pytest.raises(ParameterError, match="threshold must be in"):
        model_lf(model, [0, 1], threshold="high")
    assert model_lf(model, (0, 1), field="x")(pd.DataFrame({"x": [1.0, None]})).tolist() == [1, -1]
