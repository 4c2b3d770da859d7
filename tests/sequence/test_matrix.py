"""The span label matrix and the applier."""

import numpy as np
import pytest

from weaksup.sequence import (
    GazetteerSpanLF,
    RegexSpanLF,
    SpanApplier,
    SpanError,
    SpanLabelMatrix,
    SpanLFAnalysis,
)


def _votes():
    spans = [
        [[(0, 2, "A")], [(0, 1, "A"), (1, 2, "A")], [(1, 3, "B")]],
        [[], [(2, 3, "A")], []],
    ]
    return SpanLabelMatrix(spans, [4, 3], ["x", "y", "z"], ["A", "B"], doc_ids=["d0", "d1"])


def test_bio_and_io_tag_matrices():
    V = _votes()
    assert V.shape == (7, 3) and V.csr.dtype == np.int16 and V.csr.nnz == 7
    assert V.to_dense()[:4].tolist() == [[1, 1, 0], [2, 1, 3], [0, 0, 4], [0, 0, 0]]
    io = V.with_scheme("IO")
    assert io.to_dense()[:4].tolist() == [[1, 1, 0], [1, 1, 2], [0, 0, 2], [0, 0, 0]]
    assert list(V.token_index()[4:]) == [("d1", 0), ("d1", 1), ("d1", 2)]
    assert V.token_doc.tolist() == [0, 0, 0, 0, 1, 1, 1]


def test_selection_keeps_ids_and_spans():
    V = _votes()
    sub = V.select_docs([1]).select_lfs(["y"])
    assert sub.doc_ids == ["d1"] and sub.lf_names == ["y"] and sub.spans == [[[(2, 3, "A")]]]


def test_malformed_votes_are_refused_with_names():
    with pytest.raises(SpanError, match="'x' on document 'd0'.*overlap"):
        SpanLabelMatrix([[[(0, 2, "A"), (1, 3, "A")]]], [3], ["x"], ["A"], doc_ids=["d0"])
    with pytest.raises(SpanError, match="duplicate LF names"):
        SpanLabelMatrix([[[], []]], [1], ["x", "x"], ["A"])
    with pytest.raises(SpanError, match="span lists for 1 LFs, expected 2"):
        SpanLabelMatrix([[[]]], [1], ["x", "y"], ["A"])


def test_applier_on_text_and_parallel_order():
    lfs = [GazetteerSpanLF("chem", {"CHEM": ["aspirin", "sodium chloride"]}),
           RegexSpanLF("num", r"\b\d+\b", "NUM")]
    docs = [f"doc {i} : aspirin and sodium chloride" if i % 3 else f"nothing {i}" for i in range(40)]
    serial = SpanApplier(lfs, types=["CHEM", "NUM"], tokenizer="plain").apply(docs, doc_ids=[f"id{i}" for i in range(40)])
    assert serial.lf_spans("chem")[1] == [(3, 4, "CHEM"), (5, 7, "CHEM")]
    assert serial.lf_spans("num")[0] == [(1, 2, "NUM")]
    parallel = SpanApplier(lfs, types=["CHEM", "NUM"], tokenizer="plain", n_jobs=2, chunk_size=7).apply(
        docs, doc_ids=[f"id{i}" for i in range(40)])
    assert parallel == serial and parallel.doc_ids == [f"id{i}" for i in range(40)]
    with pytest.raises(SpanError, match="unique"):
        SpanApplier([lfs[0], lfs[0]])


def test_analysis_against_hand_counts():
    V = _votes()
    gold = [[(0, 2, "A")], [(2, 3, "A")]]
    df = SpanLFAnalysis(V).summary(gold=gold)
    assert df.loc["x", "coverage"] == pytest.approx(2 / 7)
    assert df.loc["y", "coverage"] == pytest.approx(3 / 7)
    # token 1 of d0: x and y say A, z says B -> every LF there is in conflict; token 2: only z
    assert df.loc["z", "conflicts"] == pytest.approx(1 / 7) and df.loc["x", "conflicts"] == pytest.approx(1 / 7)
    assert df.loc["z", "overlaps"] == pytest.approx(1 / 7)
    assert df.loc["x", "entity_precision"] == 1.0 and df.loc["x", "entity_recall"] == 0.5
    assert df.loc["y", "entity_precision"] == pytest.approx(1 / 3) and df.loc["y", "token_recall"] == 1.0
    assert df.loc["z", "token_precision"] == 0.0


def test_a_span_type_that_is_not_a_name_is_an_error_naming_the_lf_and_document():
    """None or 5 used to become the entity types "None" and "5"."""
    from weaksup.sequence import SpanLabelingFunction

    for bad in (None, 5, ""):
        lf = SpanLabelingFunction("typeless", lambda d, bad=bad: [(0, 1, bad)])
        with pytest.raises(SpanError, match=r"'typeless' on document 'doc7'.*entity type name"):
            SpanApplier([lf]).apply([["Ada"]], doc_ids=["doc7"])


def test_an_unknown_scheme_is_refused_when_the_applier_is_made():
    with pytest.raises(SpanError, match="unknown tag scheme 'bio'"):
        SpanApplier([RegexSpanLF("r", "x", "A")], scheme="bio")


def test_select_docs_by_id_says_it_takes_positions():
    V = SpanApplier([RegexSpanLF("r", "x", "A")]).apply([["x"], ["y"]], doc_ids=["d1", "d2"])
    with pytest.raises(SpanError, match="select_docs takes document positions"):
        V.select_docs(["d2"])
    assert V.select_docs([]).n_docs == 0 and V.select_docs([1]).doc_ids == ["d2"]


@pytest.mark.parametrize("lengths, match", [([-1], "length -1"), ([1.5], "length 1.5"), (["x"], "one token count")])
def test_a_matrix_with_impossible_lengths_is_refused(lengths, match):
    with pytest.raises(SpanError, match=match):
        SpanLabelMatrix([[[]]], lengths, ["a"], ["A"])
    with pytest.raises(SpanError, match="the string 'ab'"):
        SpanLabelMatrix([[[], []]], [1], "ab", ["A"])
