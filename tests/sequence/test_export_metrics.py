"""Entity metrics and the writers (CoNLL, JSONL, DocBin)."""

import json

import pytest

from weaksup.errors import UnsafeOutputError, WeaksupWarning
from weaksup.sequence import entity_report, entity_scores, read_conll, to_conll, to_docbin, to_jsonl
from weaksup.sequence.spans import SpanError

TOKENS = [["Aspirin", "causes", "Reye", "syndrome", "."], ["No", "entity"]]
SPANS = [[(0, 1, "Chemical"), (2, 4, "Disease")], []]


def test_entity_scores_need_exact_bounds_and_type():
    pred = [[(0, 1, "Chemical"), (2, 3, "Disease")], [(0, 1, "Disease")]]
    s = entity_scores(pred, SPANS)
    assert (s["correct"], s["n_pred"], s["n_gold"]) == (1, 3, 2)
    assert s["precision"] == pytest.approx(1 / 3) and s["recall"] == 0.5 and s["f1"] == pytest.approx(0.4)
    assert entity_scores([[(0, 1, "Disease")], []], SPANS)["f1"] == 0.0  # right bounds, wrong type
    rep = entity_report(pred, SPANS)
    assert rep.loc["Chemical", "f1"] == 1.0 and rep.loc["micro", "support"] == 2
    with pytest.raises(SpanError, match="2 gold"):
        entity_scores(pred[:1], SPANS)


def test_conll_round_trip_and_io(tmp_path):
    p = to_conll(tmp_path / "out.conll", TOKENS, SPANS)
    lines = p.read_text().splitlines()
    assert lines[:4] == ["Aspirin\tB-Chemical", "causes\tO", "Reye\tB-Disease", "syndrome\tI-Disease"]
    assert read_conll(p) == (TOKENS, SPANS)
    adjacent = [[(0, 1, "A"), (1, 2, "A")]]
    assert read_conll(to_conll(tmp_path / "bio.conll", [["x", "y"]], adjacent))[1] == adjacent  # BIO keeps them apart
    with pytest.warns(WeaksupWarning, match="touching spans"):  # IO cannot keep them apart, and says so
        path = to_conll(tmp_path / "io.conll", [["x", "y"]], adjacent, scheme="IO")
    assert read_conll(path)[1] == [[(0, 2, "A")]]


def test_jsonl_and_atomic_refusals(tmp_path):
    p = to_jsonl(tmp_path / "out.jsonl", TOKENS, SPANS, ids=["a", "b"])
    rows = [json.loads(x) for x in p.read_text().splitlines()]
    assert rows[0] == {"id": "a", "tokens": TOKENS[0], "spans": [[0, 1, "Chemical"], [2, 4, "Disease"]]}
    src = tmp_path / "input.jsonl"
    src.write_text("precious")
    with pytest.raises(UnsafeOutputError):
        to_jsonl(src, TOKENS, SPANS, inputs=[src])
    assert src.read_text() == "precious"
    with pytest.raises(SpanError, match="out of bounds"):  # validated before the file is touched
        to_conll(src, TOKENS, [[(0, 9, "X")], []])
    assert src.read_text() == "precious" and sorted(x.name for x in tmp_path.iterdir()) == ["input.jsonl", "out.jsonl"]


def test_docbin_holds_the_entities(tmp_path):
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin

    p = to_docbin(tmp_path / "out.spacy", TOKENS, SPANS, span_key="sc")
    docs = list(DocBin().from_disk(p).get_docs(spacy.blank("en").vocab))
    assert [(e.start, e.end, e.label_) for e in docs[0].ents] == SPANS[0]
    assert [t.text for t in docs[1]] == TOKENS[1] and len(docs[0].spans["sc"]) == 2


@pytest.mark.parametrize("pred, gold, match", [
    ([[(0, 1)]], [[(0, 1, "A")]], r"predicted document 0: \(0, 1\) is not a \(start, end, type\) span"),
    ([[(0, 1, "A")]], [(0, 1, "A")], "gold document 0: 0 is not a"),
    ([[(0, 1, "A")]], ["A"], "gold document 0"),
])
def test_malformed_spans_in_scores_are_an_error_not_a_miss(pred, gold, match):
    for score in (entity_scores, entity_report):
        with pytest.raises(SpanError, match=match):
            score(pred, gold)


def test_writers_refuse_a_folder_and_ids_json_cannot_hold(tmp_path):
    import pandas as pd

    for write in (to_conll, to_jsonl):
        with pytest.raises(SpanError, match="folder"):
            write(tmp_path, TOKENS, SPANS)
    with pytest.raises(SpanError, match=r"document 1: id Timestamp"):
        to_jsonl(tmp_path / "o.jsonl", TOKENS, SPANS, ids=["a", pd.Timestamp("2020-01-01")])
    assert list(tmp_path.iterdir()) == []  # nothing written, nothing half-written


def test_read_conll_reads_bioes_and_bilou_and_refuses_a_tag_without_a_type(tmp_path):
    """S-/E- tags used to come back as the entity types 'S-PER' and 'E-PER'."""
    p = tmp_path / "x.conll"
    p.write_text("Ada B-PER\nLovelace E-PER\nin O\nParis S-LOC\nRome S-LOC\n\n")
    assert read_conll(p) == ([["Ada", "Lovelace", "in", "Paris", "Rome"]],
                             [[(0, 2, "PER"), (3, 4, "LOC"), (4, 5, "LOC")]])
    p.write_text("Ada U-PER\nNew B-LOC\nYork L-LOC\n")
    assert read_conll(p)[1] == [[(0, 1, "PER"), (1, 3, "LOC")]]
    p.write_text("E-coli E-coli\ngrows O\nin O\nmilk Food\n")  # IO types that only look prefixed
    assert read_conll(p)[1] == [[(0, 1, "E-coli"), (3, 4, "Food")]]
    p.write_text("Ada B-PER\nx B-\n")
    with pytest.raises(SpanError, match=r"x.conll:2: the tag 'B-' has no entity type"):
        read_conll(p)
    p.write_text("")
    assert read_conll(p) == ([], [])
