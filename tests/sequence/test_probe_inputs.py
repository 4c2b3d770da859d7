"""Probed inputs: ties between overlapping spans, gold spans by document id, spans and tokens as users hold them,
exports read back. Each test pins a defect found through the public API."""

import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from weaksup.errors import ParameterTypeError
from weaksup.sequence import (
    SequenceLabelModel,
    SpanApplier,
    SpanError,
    SpanLabelingFunction,
    SpanLabelMatrix,
    SpanLFAnalysis,
    entity_scores,
    read_conll,
    spans_to_tags,
    to_conll,
    to_docbin,
    to_jsonl,
)


def test_equal_spans_of_two_types_resolve_the_same_in_every_process():
    """Two spans with the same bounds and different types were settled by set iteration order, which depends on
    the process's string hash seed: the same LF gave 'A' in one run and 'B' in the next."""
    code = ("from weaksup.sequence import SpanLabelingFunction as F; "
            "print(F('x', lambda d: [(0, 1, 'B'), (0, 1, 'A'), (1, 2, 'A'), (1, 2, 'B')])(['a', 'b']))")
    outs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": str(seed)}).stdout for seed in range(8)}
    assert len(outs) == 1


def _corpus():
    caps = SpanLabelingFunction("caps", lambda d: [(i, i + 1, "ORG") for i, t in enumerate(d.tokens) if t.isupper()])
    docs = pd.Series([["IBM", "and", "x"], ["y", "NASA"]], index=["d1", "d2"])
    return SpanApplier([caps]).apply(docs)


def test_gold_spans_in_a_series_are_matched_by_document_id():
    """A Series of gold spans indexed by the document ids in another order was read by position: each document
    was scored against another's gold (F1 0 instead of 1)."""
    V = _corpus()
    gold = pd.Series([[(1, 2, "ORG")], [(0, 1, "ORG")]], index=["d2", "d1"])
    model = SequenceLabelModel().fit(V)
    assert model.score(V, gold)["f1"] == 1.0
    summary = SpanLFAnalysis(V).summary(gold=gold)
    assert summary.loc["caps", "entity_f1"] == 1.0 and summary.loc["caps", "token_precision"] == 1.0
    pred = pd.Series(model.predict_spans(V), index=V.doc_ids)
    assert entity_scores(pred, gold)["f1"] == 1.0
    with pytest.raises(SpanError, match="row ids"):
        model.score(V, pd.Series([[], []], index=["d1", "zz"]))


def test_span_bounds_that_are_not_integers_are_an_error_not_a_miss():
    """Spans read from a CSV hold their bounds as text: ('0', '1', 'A') silently counted as a wrong prediction."""
    with pytest.raises(SpanError, match="integer token bounds"):
        entity_scores([[("0", "1", "A")]], [[(0, 1, "A")]])
    assert entity_scores([[(np.int64(0), np.int64(1), "A")]], [[(0, 1, "A")]])["f1"] == 1.0


def test_spans_to_tags_with_bad_spans_is_a_span_error():
    """Float bounds or a two-element span raised a bare numpy IndexError / unpacking ValueError."""
    with pytest.raises(SpanError, match="integer token bounds"):
        spans_to_tags([(0.0, 1.0, "A")], 2, ["A"])
    with pytest.raises(SpanError, match="not a .start, end, type. span"):
        spans_to_tags([(0, 1)], 2, ["A"])
    assert spans_to_tags([(0, 2, "A"), (1, 2, "A")], 2, ["A"]).tolist() == [1, 1]  # later spans still overwrite


def test_doc_tags_takes_positions_like_select_docs():
    """doc_tags(-1) silently returned an empty array and doc_tags(5) raised a bare IndexError."""
    V = _corpus()
    assert V.doc_tags(-1).tolist() == V.doc_tags(1).tolist() == [[0], [1]]
    with pytest.raises(SpanError, match="out of range"):
        V.doc_tags(5)


def test_an_applier_given_plain_functions_says_what_it_takes():
    """A plain function among the LFs raised AttributeError: 'function' object has no attribute 'name'."""
    with pytest.raises(ParameterTypeError, match="SpanLabelingFunction"):
        SpanApplier([lambda d: []])


def test_lfs_given_as_a_generator_are_all_applied():
    """SpanApplier(lf for lf in lfs) spent the generator on its name check and applied no LF at all."""
    caps = SpanLabelingFunction("caps", lambda d: [(0, 1, "ORG")])
    V = SpanApplier(lf for lf in [caps]).apply([["IBM"]])
    assert V.lf_names == ["caps"] and V.lf_spans("caps") == [[(0, 1, "ORG")]]


def test_conll_refuses_entity_types_it_cannot_read_back(tmp_path):
    """A type with a space ('MY TYPE') was written as 'B-MY TYPE' and read back as the type 'TYPE'."""
    with pytest.raises(SpanError, match="whitespace"):
        to_conll(tmp_path / "a.conll", [["a", "b"]], [[(0, 1, "MY TYPE")]])
    assert not (tmp_path / "a.conll").exists()
    p = to_conll(tmp_path / "b.conll", [["a", "b"]], [[(0, 1, "MY_TYPE")]])
    assert read_conll(p) == ([["a", "b"]], [[(0, 1, "MY_TYPE")]])


def test_a_document_given_as_a_string_is_not_split_into_characters(tmp_path):
    """to_conll / to_jsonl took ["Ada wrote"] as the tokens 'A', 'd', 'a', ... (a span over 'characters')."""
    for write, name in ((to_conll, "a.conll"), (to_jsonl, "a.jsonl")):
        with pytest.raises(SpanError, match="list of tokens"):
            write(tmp_path / name, ["Ada wrote"], [[(0, 1, "PER")]])


def test_tokens_that_are_not_strings_are_a_span_error(tmp_path):
    """to_conll on tokens [1, 2] raised a bare TypeError ('int' object is not iterable)."""
    with pytest.raises(SpanError, match="token 0"):
        to_conll(tmp_path / "a.conll", [[1, 2]], [[]])


def test_docbin_with_an_empty_token_is_a_span_error(tmp_path):
    """spaCy's bare ValueError [E031] named neither the document nor the token."""
    pytest.importorskip("spacy")
    with pytest.raises(SpanError, match="document 0"):
        to_docbin(tmp_path / "a.spacy", [["a", "", "b"]], [[(0, 1, "A")]])


def test_matrix_ids_and_names_of_the_wrong_kind_are_span_errors():
    """doc_ids=5 or lf_names=None raised a bare TypeError; tokens=["xy"] became the tokens 'x', 'y'."""
    with pytest.raises(SpanError, match="doc_ids"):
        SpanLabelMatrix([[[]]], [1], ["a"], ["A"], doc_ids=5)
    with pytest.raises(SpanError, match="lf_names"):
        SpanLabelMatrix([[[]]], [1], None, ["A"])
    with pytest.raises(SpanError, match="the string 'xy'"):
        SpanLabelMatrix([[[]]], [2], ["a"], ["A"], tokens=["xy"])


def test_jsonl_of_a_token_series_keeps_its_ids_and_matches_spans_by_id(tmp_path):
    """to_jsonl(df.tokens, spans) wrote the ids 0..n-1 instead of the frame's, and a Series of spans indexed by
    those ids in another order was paired by position (each document got another's spans)."""
    import json

    tokens = pd.Series([["Ada", "wrote"], ["x"]], index=["d2", "d1"])
    spans = pd.Series([[], [(0, 1, "PER")]], index=["d1", "d2"])
    rows = [json.loads(x) for x in open(to_jsonl(tmp_path / "a.jsonl", tokens, spans))]
    assert [(r["id"], r["spans"]) for r in rows] == [("d2", [[0, 1, "PER"]]), ("d1", [])]


def test_gazetteer_entries_from_a_pandas_column_with_gaps_are_a_span_error():
    """{"LOC": df.city.tolist()} with a NaN (or a number, None) raised TypeError: 'float' object is not iterable."""
    from weaksup.sequence import GazetteerSpanLF

    for bad in (np.nan, None, 5, ["new", 5]):
        with pytest.raises(SpanError, match="'cities': entry .* of type 'LOC'"):
            GazetteerSpanLF("cities", {"LOC": ["paris", bad]})
    assert GazetteerSpanLF("cities", {"LOC": pd.Series(["paris"])})(["Paris"]) == [(0, 1, "LOC")]


def test_texts_in_a_numpy_array_or_a_dict_are_labeled():
    """An array of texts (df.text.to_numpy()) raised spaCy's bare TypeError on numpy.str_ (or tokenized wrongly);
    a dict {id: text} was read as its keys: the ids were labeled as if they were the texts."""
    from weaksup.sequence import RegexSpanLF

    lf = RegexSpanLF("year", r"\d{4}", "DATE")
    assert SpanApplier([lf]).apply(np.array(["in 1999 .", "no"])).lf_spans("year") == [[(1, 2, "DATE")], []]
    V = SpanApplier([lf]).apply({"d1": "no", "d2": "in 2001"})
    assert V.doc_ids == ["d1", "d2"] and V.lf_spans("year") == [[], [(1, 2, "DATE")]]
    with pytest.raises(SpanError, match="takes a string"):
        from weaksup.sequence import tokenize

        tokenize(None)


def test_bad_patterns_are_span_errors_naming_the_lf():
    """A bad regex in a token pattern raised a bare re.error; flags with a compiled regex a bare ValueError."""
    import re

    from weaksup.sequence import RegexSpanLF, TokenPatternLF

    with pytest.raises(SpanError, match="'tp'"):
        TokenPatternLF("tp", [{"regex": "("}], "A")
    with pytest.raises(SpanError, match="'rx'"):
        RegexSpanLF("rx", re.compile("a"), "A", flags=re.IGNORECASE)
