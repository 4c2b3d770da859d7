"""Templates on text and values as users hold them: non-ASCII text, keywords with symbols, odd columns."""

import re

import numpy as np
import pandas as pd
import pytest

import weaksup as ws
import weaksup.labeling._kernels as kernels
from weaksup.labeling.templates import keyword_lf, length_lf, lookup_lf, regex_lf, threshold_lf

TEXTS = ["naïve café", "Café au lait", "über alles", "jour férié 2024", "日本語 テキスト", "x\u00a0y z", "deux\u2003mots",
         "plain ascii words", "Ünïcode_x", "c++ rocks", "I love C++!", "cafés", "année ٢٠٢٤", "allesé", None, ""]


def _votes(lf, texts=TEXTS):
    df = pd.DataFrame({"text": pd.array(texts, dtype="str")})
    return ws.LFApplier([lf]).apply(df, progress=False).to_dense().ravel().tolist()


def _without_arrow(monkeypatch, lf, texts=TEXTS):
    monkeypatch.setattr(kernels, "_arrow", lambda: None)
    return _votes(lf, texts)


@pytest.mark.parametrize("pattern", [r"\bcafé\b", r"\w+ \w+", r"^\w+$", r"\d{4}", r"\S+\s\S+\s\S+", r"[\w]+é\b",
                                     r"\Bé", r"alles\b", r"\D\s\D"])
def test_regex_classes_are_unicode_as_in_python_re(pattern, monkeypatch):
    expected = [-1 if t is None else (1 if re.search(pattern, t) else -1) for t in TEXTS]
    assert _votes(regex_lf(pattern, 1, name="r")) == expected
    assert _without_arrow(monkeypatch, regex_lf(pattern, 1, name="r")) == expected


def test_regex_classes_with_ignorecase_and_flags():
    p = re.compile(r"^\w+ \w+$", re.IGNORECASE | re.MULTILINE)
    expected = [-1 if t is None else (1 if p.search(t) else -1) for t in TEXTS]
    assert _votes(regex_lf(p, 1, name="r")) == expected


def test_word_counts_split_like_python_on_unicode_spaces(monkeypatch):
    for op, value in (("<", 3), ("==", 2), (">=", 3), ("!=", 3)):
        compare = {"<": np.less, "==": np.equal, ">=": np.greater_equal, "!=": np.not_equal}[op]
        expected = [-1 if t is None else (0 if compare(len(t.split()), value) else -1) for t in TEXTS]
        assert _votes(length_lf("text", op, value, 0, name="n")) == expected, op
        assert _without_arrow(monkeypatch, length_lf("text", op, value, 0, name="n")) == expected, op
        monkeypatch.undo()


def test_whole_word_keywords_with_symbols_are_the_same_with_or_without_pyarrow(monkeypatch):
    lfs = [keyword_lf("c++", 1, whole_word=True, name="k"), keyword_lf("café", 1, whole_word=True, name="k2"),
           keyword_lf(["über", "x"], 1, whole_word=True, name="k3")]
    with_arrow = [_votes(lf) for lf in lfs]
    assert with_arrow[0] == [1 if t in ("c++ rocks", "I love C++!") else -1 for t in TEXTS]
    assert with_arrow[1] == [1 if t in ("naïve café", "Café au lait") else -1 for t in TEXTS]  # not "cafés"
    assert with_arrow[2] == [1 if t in ("über alles", "x\u00a0y z") else -1 for t in TEXTS]
    assert [_without_arrow(monkeypatch, lf) for lf in lfs] == with_arrow


def test_lookup_refuses_unhashable_keys_and_values_by_name():
    with pytest.raises(ws.errors.ParameterTypeError, match=r"key \['a'\] is a list"):
        lookup_lf([["a"], "b"], label=1, field="tags")
    lf = lookup_lf({"a": 1}, field="tags")
    df = pd.DataFrame({"tags": [["a"], ["b"]]}, index=["r1", "r2"])
    with pytest.raises(ws.LabelingFunctionError, match=r"'lookup_tags'.*field 'tags' holds list values"):
        ws.LFApplier([lf]).apply(df, progress=False)
    assert lookup_lf({("a", 1): 0}, field="pair")(pd.DataFrame({"pair": [("a", 1), ("b", 2)]})).tolist() == [0, -1]


def test_threshold_on_values_it_cannot_compare_names_field_and_value():
    df = pd.DataFrame({"x": [1.0, np.nan, 3.0]})
    with pytest.raises(ws.LabelingFunctionError, match=r"cannot compare field 'x' \(dtype float64\) with '2' \(str\)"):
        ws.LFApplier([threshold_lf("x", ">", "2", 1, name="t")]).apply(df, progress=False)
    assert threshold_lf("x", "!=", 1, 1, name="t")(df).tolist() == [-1, -1, 1]  # NaN abstains, even for !=


@pytest.mark.parametrize("column, value", [([1.0, np.nan, 3.0], 1), (pd.array([1, None, 3], dtype="Int64"), 1),
                                           (pd.array(["a", None, "c"], dtype="str"), "a"),
                                           (pd.to_datetime(["2020-01-01", None, "2021-01-01"]), pd.Timestamp("2020-01-01"))])
def test_threshold_not_equal_abstains_on_missing_values(column, value):
    df = pd.DataFrame({"v": column})
    assert threshold_lf("v", "!=", value, 1, name="t")(df).tolist() == [-1, -1, 1]
    assert ws.slicing.threshold_sf("v", "!=", value, name="s")(df).tolist() == [False, False, True]


def test_token_lookup_splits_words_as_python_does(monkeypatch):
    lf = lookup_lf({"café", "über", "東京"}, label=1, match="token", case_sensitive=False)
    texts = ["naïve café", "Über alles", "cafe", "nach 東京 morgen", None, "x_café"]
    expected = [1, 1, -1, 1, -1, -1]  # "x_café" is one word, as re.findall(r"\w+") says
    assert re.findall(r"\w+", texts[-1]) == ["x_café"]
    assert _votes(lf, texts) == expected
    assert _without_arrow(monkeypatch, lf, texts) == expected


def test_templates_from_sets_have_the_same_name_and_fingerprint_in_every_process():
    import os
    import subprocess
    import sys

    code = ("from weaksup.labeling.templates import keyword_lf, lookup_lf\n"
            "print(keyword_lf({'please', 'plz', 'subscribe', 'sub4sub'}, 1).name,\n"
            "      lookup_lf({'alice', 'bob', 'carol', 'dave'}, label=1, field='author').fingerprint())")
    runs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2", "3")}
    assert len(runs) == 1 and runs.pop().startswith("keyword_please_plz_sub4sub_subscribe ")


@pytest.mark.filterwarnings("ignore:Possible nested set:FutureWarning")
@pytest.mark.parametrize("pattern, texts", [
    (r"out$", ["check it out\n", "out", "out\nx", "shout\r\n", None]),  # $ before a final newline, as in re
    (r"a{,3}b", ["aab", "b", "a{,3}b", "xc"]),  # {,n} is {0,n} in Python's re, literal text in RE2
    (r"[[:alpha:]]", ["a", "a]", ":]"]),  # a plain set in Python's re, a POSIX class in RE2
    (r"(?i)istanbul", ["İSTANBUL", "ıstanbul", "Istanbul", "x"]),  # re.I folds the dotted and dotless i, RE2 not
    (r"(?i)İ", ["i", "I", "x"]),
    (r"(?i)[h-j]x", ["İx", "ıx", "ix", "kx"]),
])
def test_regex_syntax_re2_reads_differently_follows_python_re(pattern, texts):
    expected = [-1 if t is None else (1 if re.search(pattern, t) else -1) for t in texts]
    assert _votes(regex_lf(pattern, 1), texts) == expected


def test_threshold_on_a_datetime_column_compares_as_pandas_does():
    df = pd.DataFrame({"created": pd.to_datetime(["2021-01-01", "2019-05-01", None])})
    for value in ("2020-06-01", pd.Timestamp("2020-06-01")):
        assert ws.LFApplier([threshold_lf("created", ">", value, 1)]).apply(df, progress=False).to_dense().ravel().tolist() \
            == [1, -1, -1]


def test_case_insensitive_templates_find_a_dotted_capital_i_in_the_same_text():
    # Python lowers "İ" to "i" + a combining dot, Arrow (which lowers the text) to "i": keys follow the text
    df = pd.DataFrame({"text": ["İstanbul", "I love İSTANBUL!", "Ankara"]})
    for lf in (keyword_lf("İstanbul", 1), keyword_lf("İstanbul", 1, whole_word=True),
               lookup_lf({"İstanbul"}, label=1, match="token", case_sensitive=False)):
        assert ws.LFApplier([lf]).apply(df, progress=False).to_dense().ravel().tolist() == [1, 1, -1], lf.name
    value = lookup_lf({"İstanbul": 1}, field="text", case_sensitive=False)
    assert ws.LFApplier([value]).apply(df, progress=False).to_dense().ravel().tolist() == [1, -1, -1]
