"""Span LFs, tokenization and tag conversion."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from weaksup.errors import LabelingFunctionError
from weaksup.sequence import (
    Document,
    DocumentContextLF,
    GazetteerSpanLF,
    ModelSpanLF,
    RegexSpanLF,
    SpanError,
    SpanLabelingFunction,
    TokenPatternLF,
    span_labeling_function,
    spans_to_tags,
    tags_to_spans,
    tokenize,
)


def test_plain_tokenizer_offsets_point_at_the_tokens():
    text = "Aspirin (100 mg) reduced pain in 3/4 patients."
    toks, offs = tokenize(text, "plain")
    assert [text[a:b] for a, b in offs] == toks
    assert toks[:5] == ["Aspirin", "(", "100", "mg", ")"]


def test_spacy_tokenizer_is_used_when_installed():
    spacy = pytest.importorskip("spacy")
    toks, offs = tokenize("Dr. Smith isn't here.", "spacy")
    assert toks == [t.text for t in spacy.blank("en")("Dr. Smith isn't here.")]


def test_regex_maps_character_matches_to_the_tokens_they_touch():
    lf = RegexSpanLF("dose", r"\d+\s*mg", "DOSE")
    doc = Document.from_text("Took 100 mg then 5mg daily", tokenizer="plain")
    # "5mg" is one token with the plain tokenizer; "100 mg" two
    assert lf(doc) == [(1, 3, "DOSE"), (4, 5, "DOSE")]
    lf_ci = RegexSpanLF("drug", r"aspirin", "CHEM", flags=re.IGNORECASE)
    assert lf_ci(Document.from_text("ASPIRIN and aspirin", tokenizer="plain")) == [(0, 1, "CHEM"), (2, 3, "CHEM")]


def test_gazetteer_longest_match_and_case_modes():
    entries = {"CHEM": ["sodium", "sodium chloride", "NaCl"], "DIS": ["heart failure"]}
    toks = ["Sodium", "chloride", "and", "nacl", "cause", "Heart", "failure", "NaCl"]
    assert GazetteerSpanLF("g", entries, case="insensitive")(toks) == [
        (0, 2, "CHEM"), (3, 4, "CHEM"), (5, 7, "DIS"), (7, 8, "CHEM")]
    assert GazetteerSpanLF("g", entries, case="sensitive")(toks) == [(7, 8, "CHEM")]
    # smart: lower-case entries match any case, "NaCl" only itself
    assert GazetteerSpanLF("g", entries, case="smart")(toks) == [(0, 2, "CHEM"), (5, 7, "DIS"), (7, 8, "CHEM")]
    assert GazetteerSpanLF("g", entries, longest_match=False)(toks)[0] == (0, 1, "CHEM")


def test_token_pattern_with_operators():
    lf = TokenPatternLF("dose", [{"is_digit": True}, {"lower_in": {"mg", "g"}}, {"text": "/", "op": "?"},
                                 {"lower": "day", "op": "?"}], "DOSE")
    assert lf(["take", "5", "mg", "/", "day", "or", "2", "g"]) == [(1, 5, "DOSE"), (6, 8, "DOSE")]
    with pytest.raises(ValueError, match="unknown pattern keys"):
        TokenPatternLF("bad", [{"colour": "red"}], "X")


def test_function_and_model_lfs():
    @span_labeling_function()
    def caps(doc):
        return [(i, i + 1, "ORG") for i, t in enumerate(doc.tokens) if t.isupper() and len(t) > 1]

    assert caps.name == "caps" and caps(["IBM", "a", "NASA"]) == [(0, 1, "ORG"), (2, 3, "ORG")]
    tagger = ModelSpanLF("ner", lambda toks: [(0, 1, "PERSON"), (1, 2, "GPE")], label_map={"PERSON": "PER"})
    assert tagger(["Ada", "London"]) == [(0, 1, "PER")]


def test_document_context_labels_later_mentions_only():
    # the seed finds the name once (a title pattern: "Countess Ada Lovelace")
    seed = TokenPatternLF("title", [{"text": "Countess"}, {"is_title": True, "op": "+"}], "PER")
    toks = ["Lovelace", "met", "Countess", "Ada", "Lovelace", ";", "Ada", "Lovelace", "and", "Lovelace", "left"]
    assert seed(toks) == [(2, 5, "PER")]
    seed = SpanLabelingFunction("seed", lambda d: [(s + 1, e, t) for s, e, t in TokenPatternLF(
        "title", [{"text": "Countess"}, {"is_title": True, "op": "+"}], "PER")(d)])
    toks = ["Lovelace", "met", "Countess", "Ada", "Lovelace", ";", "Ada", "Lovelace", "and", "Lovelace", "left"]
    assert seed(toks) == [(3, 5, "PER")]
    assert DocumentContextLF("ctx", seed)(toks) == [(6, 8, "PER")]
    assert DocumentContextLF("ctx", seed, last_token=True)(toks) == [(6, 8, "PER"), (9, 10, "PER")]
    assert (0, 1, "PER") in DocumentContextLF("ctx", seed, last_token=True, later_only=False)(toks)


def test_bad_spans_name_the_lf_and_document():
    lf = SpanLabelingFunction("oob", lambda d: [(0, 9, "X")])
    with pytest.raises(SpanError, match=r"'oob' on document 'd7'.*out of bounds"):
        lf(Document.from_tokens(["a", "b"], doc_id="d7"))
    with pytest.raises(SpanError, match="not one of"):
        SpanLabelingFunction("t", lambda d: [(0, 1, "Y")])(["a"], types=["X"])
    boom = SpanLabelingFunction("boom", lambda d: 1 / 0)
    with pytest.raises(LabelingFunctionError, match="boom") as err:
        boom(Document.from_tokens(["a"], doc_id=3))
    assert err.value.row_id == 3


@given(st.lists(st.integers(0, 4), min_size=0, max_size=30))
def test_bio_tags_round_trip_through_spans(tags):
    types = ["A", "B"]
    spans = tags_to_spans(tags, types, "BIO")
    again = tags_to_spans(spans_to_tags(spans, len(tags), types, "BIO"), types, "BIO")
    assert again == spans
    # IO decoding merges adjacent same-type spans: never more spans than BIO
    assert len(tags_to_spans(spans_to_tags(spans, len(tags), types, "IO"), types, "IO")) <= len(spans)


def test_lf_mistakes_are_span_errors_naming_the_lf():
    from weaksup.sequence import RegexSpanLF, SpanApplier, SpanLabelingFunction, TokenPatternLF
    from weaksup.sequence.spans import SpanError

    with pytest.raises(SpanError, match=r"'count' on document 'd1': returned 5 \(int\)"):
        SpanApplier([SpanLabelingFunction("count", lambda d: 5)]).apply([["a"]], doc_ids=["d1"])
    with pytest.raises(SpanError, match="'yr': invalid regular expression"):
        RegexSpanLF("yr", "(19", "DATE")
    with pytest.raises(SpanError, match=r"'ada': each pattern element is a dict.*\{'text': 'Ada'\}"):
        TokenPatternLF("ada", ["Ada"], "PER")


def test_tag_helpers_refuse_what_they_would_misread():
    from weaksup.sequence import spans_to_tags, tag_names, tags_to_spans
    from weaksup.sequence.spans import SpanError

    with pytest.raises(SpanError, match="got 'PER'; for one type write"):
        tag_names("PER")  # not the types P, E, R
    for tags in ([5], [-1, 1], [[1, 2]]):  # -1 was read as a span, 5 an IndexError
        with pytest.raises(SpanError, match="tags must be one integer tag index per token"):
            tags_to_spans(tags, ["A"])
    with pytest.raises(SpanError, match="out of bounds for 2 tokens"):  # was clipped to the sentence
        spans_to_tags([(0, 5, "A")], 2, ["A"])
    with pytest.raises(SpanError, match="unknown tag scheme"):  # was read as BIO
        spans_to_tags([(0, 1, "A")], 2, ["A"], scheme="bioes")
    assert tags_to_spans([], ["A"]) == []
