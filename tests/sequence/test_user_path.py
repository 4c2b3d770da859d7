"""Inputs as users hold them and their mistakes: spaCy Docs, pandas Series, types that differ between splits,
empty corpora, exports read back. Each test pins a defect found by using the public API."""

import json
import warnings

import numpy as np
import pandas as pd
import pytest

from weaksup.errors import ParameterTypeError, WeaksupError, WeaksupWarning
from weaksup.sequence import (
    GazetteerSpanLF,
    RegexSpanLF,
    SequenceHMM,
    SequenceLabelModel,
    SequenceMajorityVoter,
    SpanApplier,
    SpanError,
    SpanLabelingFunction,
    SpanLabelMatrix,
    SpanLFAnalysis,
    TokenPatternLF,
    read_conll,
    span_labeling_function,
    spans_to_tags,
    to_conll,
    to_jsonl,
)

MODELS = [SequenceLabelModel, SequenceHMM, SequenceMajorityVoter]
CITIES = GazetteerSpanLF("cities", {"LOC": ["paris", "new york"]})
PEOPLE = GazetteerSpanLF("people", {"PER": ["ada", "alan turing"]})


def test_spacy_docs_are_documents_with_their_own_tokens():
    spacy = pytest.importorskip("spacy")
    nlp = spacy.blank("en")
    docs = [nlp("I love New York ."), nlp("Paris\n\nis  big")]
    caps = RegexSpanLF("caps", r"[A-Z][a-z]+", "X")
    V = SpanApplier([CITIES, caps]).apply(docs)
    # spans index the user's Doc tokens, whitespace tokens included, so they map straight back
    assert V.tokens == [[t.text for t in d] for d in docs]
    assert V.lf_spans("cities") == [[(2, 4, "LOC")], [(0, 1, "LOC")]]
    assert V.lf_spans("caps") == [[(2, 3, "X"), (3, 4, "X")], [(0, 1, "X")]]
    assert CITIES(docs[0]) == [(2, 4, "LOC")]
    # a skweak-style annotator reads spaCy's token attributes through doc.spacy_doc
    numbers = SpanLabelingFunction("num", lambda d: [(t.i, t.i + 1, "NUM") for t in d.spacy_doc if t.like_num])
    assert SpanApplier([numbers]).apply([nlp("two or 3 cats")]).lf_spans("num") == [[(0, 1, "NUM"), (2, 3, "NUM")]]


def test_numpy_token_arrays_are_token_lists():
    V = SpanApplier([CITIES]).apply([np.array(["to", "Paris"]), ("New", "York")])
    assert V.lf_spans("cities") == [[(1, 2, "LOC")], [(0, 2, "LOC")]]


def test_a_series_keeps_its_index_as_document_ids():
    s = pd.Series(["I love Paris", "", "New York"], index=["a", "b", "c"], dtype="string")
    V = SpanApplier([CITIES]).apply(s)
    assert V.doc_ids == ["a", "b", "c"]
    assert V.lf_spans("cities") == [[(2, 3, "LOC")], [], [(0, 2, "LOC")]]
    assert SpanApplier([CITIES]).apply(s, doc_ids=[1, 2, 3]).doc_ids == [1, 2, 3]


def test_a_dataframe_or_a_generator_of_documents():
    df = pd.DataFrame({"text": ["Paris", "here"]})
    with pytest.raises(SpanError, match=r"DataFrame.*\['text'\]"):
        SpanApplier([CITIES]).apply(df)
    assert SpanApplier([CITIES]).apply(t for t in ["Paris", "x"]).lf_spans("cities") == [[(0, 1, "LOC")], []]


def test_types_must_be_a_list_of_distinct_names():
    with pytest.raises(SpanError, match="list of entity type names"):
        SpanApplier([CITIES], types="LOC")
    with pytest.raises(SpanError, match="repeated.*LOC"):
        SpanApplier([CITIES], types=["LOC", "LOC"])
    with pytest.raises(SpanError, match="repeated.*LOC"):
        SpanLabelMatrix([[[]]], [1], ["a"], ["LOC", "LOC"])


@pytest.mark.parametrize("model", MODELS)
def test_predict_on_a_split_where_a_type_never_fires(model):
    """Types default to the ones seen, so a test split often lacks one: it is the same vocabulary."""
    lfs = [CITIES, PEOPLE]
    train = SpanApplier(lfs).apply(["Ada in Paris", "Alan Turing", "New York"])
    test = SpanApplier(lfs).apply(["to Paris", "nothing"], doc_ids=["t1", "t2"])
    assert test.types == ["LOC"]
    fitted = model().fit(train)
    assert fitted.predict_spans(test) == [[(1, 2, "LOC")], []]
    proba = fitted.predict_proba(test)
    assert [p.shape for p in proba] == [(2, 5), (1, 5)]  # over the fitted BIO tags
    # the same types in another order are the same vocabulary too
    reordered = SpanApplier(lfs, types=["PER", "LOC"]).apply(["Ada in Paris"])
    assert fitted.predict_spans(reordered) == [[(0, 1, "PER"), (2, 3, "LOC")]]
    # a type the model never saw cannot be predicted: the error names it and the fix
    other = SpanApplier([GazetteerSpanLF("cities", {"GPE": ["paris"]}), PEOPLE]).apply(["Paris"])
    with pytest.raises(WeaksupError, match=r"'GPE'.*types="):
        fitted.predict_spans(other)


@pytest.mark.parametrize("model", MODELS)
def test_lfs_that_never_fire_and_empty_documents(model):
    nothing = SpanApplier([CITIES]).apply(["nothing here", "", "x"])
    assert nothing.types == []
    fitted = model().fit(nothing)
    assert fitted.predict_spans(nothing) == [[], [], []]
    assert [p.shape for p in fitted.predict_proba(nothing)] == [(2, 1), (0, 1), (1, 1)]
    empty_docs = SpanApplier([CITIES], types=["LOC"]).apply(["", ""])
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        fitted = model().fit(empty_docs)
    assert fitted.predict_spans(empty_docs) == [[], []]
    assert [p.shape for p in fitted.predict_proba(empty_docs)] == [(0, 3), (0, 3)]


@pytest.mark.parametrize("model", MODELS)
def test_a_corpus_ending_with_an_empty_document(model):
    V = SpanApplier([CITIES]).apply(["to Paris", ""], doc_ids=["a", "b"])  # the HMM's fit indexed past the end
    assert model().fit(V).predict_spans(V) == [[(1, 2, "LOC")], []]


def test_gazetteer_entries_are_lists_per_type():
    with pytest.raises(SpanError, match=r"'LOC'.*\['paris'\]"):
        GazetteerSpanLF("g", {"LOC": "paris"})  # was: one entry per character, "a" matched tokens
    with pytest.raises(SpanError, match="mapping"):
        GazetteerSpanLF("g", ["paris"])


def test_constructor_mistakes_are_typed_errors():
    for make in (lambda: GazetteerSpanLF("g", {"LOC": ["x"]}, case="lower"),
                 lambda: TokenPatternLF("t", [{"LOWER": "x"}], "X"), lambda: TokenPatternLF("t", [], "X"),
                 lambda: SpanLabelingFunction(3, lambda d: []), lambda: SequenceLabelModel(prior=(0, 1)).fit(
                     SpanApplier([CITIES]).apply(["Paris"]))):
        with pytest.raises(WeaksupError):
            make()
    with pytest.raises(ParameterTypeError, match=r"@span_labeling_function\(\)"):
        span_labeling_function(lambda d: [])


def test_an_lf_returning_one_span_instead_of_a_list():
    one = SpanLabelingFunction("one", lambda d: (0, 1, "X"))
    with pytest.raises(SpanError, match=r"'one'.*a list of spans"):
        one(["a", "b"])


def test_selection_by_mask_and_bad_names():
    V = SpanApplier([CITIES, PEOPLE]).apply(["Paris", "Ada", "x"], doc_ids=["p", "a", "x"])
    assert V.select_docs(np.array([False, True, True])).doc_ids == ["a", "x"]  # was [0, 1, 1]: wrong documents
    with pytest.raises(SpanError, match="3 documents"):
        V.select_docs(np.array([True, False]))
    with pytest.raises(SpanError, match="position 5"):
        V.select_docs([5])
    with pytest.raises(SpanError, match="'nope'.*cities"):
        V.select_lfs(["nope"])
    with pytest.raises(SpanError, match="'nope'"):
        V.lf_spans("nope")
    with pytest.raises(SpanError, match="'B'"):
        spans_to_tags([(0, 1, "B")], 2, ["A"])


def test_analysis_of_an_empty_corpus_is_zeros_not_nan():
    V = SpanApplier([CITIES], types=["LOC"]).apply(["", ""])
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        s = SpanLFAnalysis(V).summary()
    assert s["coverage"].tolist() == [0.0]


def test_jsonl_ids_from_numpy_come_back_as_plain_values(tmp_path):
    V = SpanApplier([CITIES]).apply(["Paris", "x"], doc_ids=np.array([10, 11]))
    p = to_jsonl(tmp_path / "o.jsonl", V.tokens, V.lf_spans("cities"), ids=V.doc_ids)
    rows = [json.loads(line) for line in p.read_text().splitlines()]
    assert [r["id"] for r in rows] == [10, 11] and rows[0]["spans"] == [[0, 1, "LOC"]]


def test_conll_cannot_hold_empty_documents_or_tokens(tmp_path):
    with pytest.warns(WeaksupWarning, match=r"document 1.*no tokens"):
        p = to_conll(tmp_path / "o.conll", [["Paris"], [], ["x"]], [[(0, 1, "LOC")], [], []])
    assert read_conll(p) == ([["Paris"], ["x"]], [[(0, 1, "LOC")], []])
    with pytest.raises(SpanError, match="empty token"):
        to_conll(tmp_path / "e.conll", [["a", ""]], [[]])
    assert not (tmp_path / "e.conll").exists()


def test_read_conll_skips_docstart_and_a_bom(tmp_path):
    p = tmp_path / "c.conll"
    p.write_text("-DOCSTART- -X- -X- O\n\nEU NNP B-NP B-ORG\nrejects VBZ B-VP O\n\n", encoding="utf-8-sig")
    assert read_conll(p) == ([["EU", "rejects"]], [[(0, 1, "ORG")]])


def test_analysis_against_gold_with_a_type_no_lf_tagged():
    V = SpanApplier([CITIES]).apply(["Ada in Paris", "x"])
    s = SpanLFAnalysis(V).summary(gold=[[(0, 1, "PER"), (2, 3, "LOC")], []])
    assert s.loc["cities", ["token_precision", "token_recall", "entity_precision", "entity_recall"]].tolist() == [
        1.0, 0.5, 1.0, 0.5]


def test_read_conll_of_a_missing_file_names_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.conll"):
        read_conll(tmp_path / "nope.conll")
    with pytest.raises(WeaksupError):
        read_conll(tmp_path / "nope.conll")


def test_io_export_warns_when_touching_spans_would_merge(tmp_path):
    spans = [[(0, 1, "LOC"), (1, 2, "LOC")]]
    with pytest.warns(WeaksupWarning, match="touching spans"):
        to_conll(tmp_path / "io.conll", [["Paris", "London"]], spans, scheme="IO")
    assert read_conll(tmp_path / "io.conll")[1] == [[(0, 2, "LOC")]]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        to_conll(tmp_path / "bio.conll", [["Paris", "London"]], spans)
    assert read_conll(tmp_path / "bio.conll")[1] == spans


def test_documents_keep_their_own_ids_unless_ids_are_given():
    from weaksup.sequence import Document

    docs = [Document.from_tokens(["Paris"], doc_id="p"), Document.from_tokens(["x"], doc_id="q")]
    assert SpanApplier([CITIES]).apply(docs).doc_ids == ["p", "q"]  # was [0, 1]
    boom = SpanLabelingFunction("boom", lambda d: 1 / 0)
    with pytest.raises(WeaksupError, match="row 'id1'"):
        SpanApplier([boom]).apply(docs, doc_ids=["id1", "id2"])


def test_token_patterns_with_several_repeats_stay_fast():
    calls = []

    def alpha(tok):
        calls.append(tok)
        return tok.isalpha()

    stars = [{"pred": alpha, "op": "*"}] * 3 + [{"text": "Inc"}]
    lf = TokenPatternLF("company", stars, "ORG")
    assert lf(["word"] * 60) == []
    # each (token, element) pair is tried a bounded number of times; backtracking without memory made
    # millions of calls here (5 s; a 300-token document never finished)
    assert len(calls) < 60 * 60 * 3
    assert lf(["Acme", "Widgets", "Inc", "sued"]) == [(0, 3, "ORG")]


def test_regex_on_a_long_document_is_not_quadratic():
    import time

    from weaksup.sequence import Document

    doc = Document.from_text(" ".join(["Paris is nice and warm"] * 4000), tokenizer="plain")
    t0 = time.perf_counter()
    spans = RegexSpanLF("p", r"Paris", "LOC")(doc)
    assert len(spans) == 4000 and spans[1] == (5, 6, "LOC")
    assert time.perf_counter() - t0 < 1.0  # a scan of every token per match took ~3 s here


def test_a_spacy_span_is_a_document_of_its_own():
    spacy = pytest.importorskip("spacy")
    sent = spacy.blank("en")("I love New York and Paris")[2:6]
    V = SpanApplier([CITIES, RegexSpanLF("re", "Paris", "LOC")]).apply([sent])
    assert V.tokens == [["New", "York", "and", "Paris"]]
    assert V.lf_spans("cities") == [[(0, 2, "LOC"), (3, 4, "LOC")]] and V.lf_spans("re") == [[(3, 4, "LOC")]]
