"""Second probe of the span, multi-label and crowd-annotation stages: unicode text, odd entity type names, gold
spans read from files, reports over Series, targets given as frames. Each test pins a defect found through the
public API."""

import numpy as np
import pandas as pd
import pytest

from weaksup.errors import ModelInputError
from weaksup.sequence import (
    Document,
    RegexSpanLF,
    SpanError,
    entity_report,
    entity_scores,
    read_conll,
    to_conll,
    tokenize,
)


def test_plain_tokenizer_keeps_combining_marks_in_their_word():
    """The plain rule cut decomposed 'café' into 'cafe' + an accent token, and Hindi into single letters (vowel
    signs and viramas are combining marks, not \\w), so spans covered parts of words."""
    assert tokenize("cafe\u0301 ok", "plain") == (["cafe\u0301", "ok"], [(0, 5), (6, 8)])
    assert tokenize("हिन्दी भाषा", "plain")[0] == ["हिन्दी", "भाषा"]
    assert tokenize("👍🏽 ok, no.", "plain")[0] == ["👍🏽", "ok", ",", "no", "."]
    doc = Document.from_text("la cafe\u0301 est", tokenizer="plain")
    assert RegexSpanLF("c", "caf", "X")(doc) == [(1, 2, "X")] and doc.tokens[1] == "cafe\u0301"


@pytest.mark.parametrize("types", [["O"], ["B-X"], ["E-coli"], ["PER", "I-X"]])
def test_io_conll_refuses_types_it_would_read_back_as_others(tmp_path, types):
    """Under scheme='IO' a type is its bare tag: 'O' was read back as outside (the spans vanished), 'B-X' as the
    type 'X', and 'E-coli' alone as a BIOES tag of the type 'coli'."""
    spans = [[(0, 1, types[0]), (2, 3, types[-1])]]
    with pytest.raises(SpanError, match="scheme='IO'"):
        to_conll(tmp_path / "a.conll", [["a", "b", "c"]], spans, scheme="IO")
    assert not (tmp_path / "a.conll").exists()
    assert read_conll(to_conll(tmp_path / "b.conll", [["a", "b", "c"]], spans))[1] == spans  # BIO keeps them
    mixed = [[(0, 1, "E-coli"), (2, 3, "PER")]]  # among plain types 'E-coli' stays itself
    assert read_conll(to_conll(tmp_path / "c.conll", [["a", "b", "c"]], mixed, scheme="IO"))[1] == mixed


def test_gold_span_types_that_are_not_names_are_span_errors():
    """A NaN type (a gap in a CSV of gold spans) silently counted as a miss; None made entity_report raise a
    bare TypeError from sorting the types."""
    for bad in (None, float("nan"), 5, ""):
        with pytest.raises(SpanError, match="entity type name"):
            entity_scores([[(0, 1, "A")]], [[(0, 1, bad)]])
        with pytest.raises(SpanError, match="entity type name"):
            entity_report([[(0, 1, "A")]], [[(0, 1, bad)]])
    assert entity_scores([[(0, 1, np.str_("A"))]], [[(0, 1, "A")]])["f1"] == 1.0


def test_entity_report_per_type_rows_match_series_by_document_id():
    """entity_report on two Series matched the micro row by document id but the per-type rows by position: the
    type 'A' scored F1 0 beside a micro F1 of 1."""
    pred = pd.Series([[(0, 1, "A")], [(1, 2, "A"), (2, 3, "B")]], index=["a", "b"])
    gold = pd.Series([[(1, 2, "A"), (2, 3, "B")], [(0, 1, "A")]], index=["b", "a"])
    report = entity_report(pred, gold)
    assert report["f1"].tolist() == [1.0, 1.0, 1.0]


def _targets():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3))
    Q = pd.DataFrame({"a": (X[:, 0] > 0) * 1.0, "b": (X[:, 1] > 0) * 1.0})
    return X, Q


def test_soft_classifier_scores_a_label_frame_by_column_name():
    """score(X, Y) with Y a 0/1 frame whose columns are in another order than the fitted targets' scored each
    label against another (F1 0.5 for a perfect model); other columns were taken by position too."""
    from weaksup.multilabel import MultiLabelSoftClassifier

    X, Q = _targets()
    clf = MultiLabelSoftClassifier().fit(X, Q)
    Y = Q.astype(int)
    assert clf.score(X, Y) == clf.score(X, Y[["b", "a"]]) == 1.0
    assert clf.score(X, Y.add_prefix("prob_")[["prob_b", "prob_a"]]) == 1.0  # predict_proba_frame's names
    with pytest.raises(ModelInputError, match=r"columns \['c', 'b'\]"):
        clf.score(X, Y.rename(columns={"a": "c"}))
    assert clf.score(X, Y.to_numpy()) == 1.0  # an array: by position, as before


def test_soft_classifier_with_label_name_lists_is_a_typed_error():
    """y as lists of label names (ragged) raised numpy's bare ValueError (inhomogeneous shape)."""
    from weaksup.multilabel import MultiLabelSoftClassifier

    X, Q = _targets()
    clf = MultiLabelSoftClassifier().fit(X, Q)
    with pytest.raises(ModelInputError, match="0/1 labels"):
        clf.score(X, [["a"], ["a", "b"]] * 30)


def test_soft_classifier_pairs_target_rows_with_feature_rows_by_id():
    """X and Q as frames indexed by the same row ids in other orders were paired by position: each row was
    trained (and scored) on another row's targets."""
    from weaksup.multilabel import MultiLabelSoftClassifier

    X, Q = _targets()
    Xf = pd.DataFrame(X, index=[f"r{i}" for i in range(len(X))])
    Qf = Q.set_axis(Xf.index)
    shuffled = MultiLabelSoftClassifier().fit(Xf, Qf.iloc[::-1])
    assert np.allclose(shuffled.predict_proba(Xf), MultiLabelSoftClassifier().fit(Xf, Qf).predict_proba(Xf))
    assert shuffled.score(Xf, Qf.astype(int).sample(frac=1, random_state=0)) == 1.0
    with pytest.raises(ModelInputError, match="row ids"):
        MultiLabelSoftClassifier().fit(Xf, Qf.set_axis([f"z{i}" for i in range(len(X))]))


def test_read_conll_keeps_tokens_with_unicode_spaces_whole(tmp_path):
    """Columns were split on any whitespace: a token holding a no-break or ideographic space ('10\\u00a0000',
    a French number) was read as its first part, silently."""
    p = tmp_path / "a.conll"
    p.write_text("10\u00a0000\tB-NUM\n東京\u3000タワー I-NUM\nx O\n\n  y \t B-A  \n", encoding="utf-8")
    assert read_conll(p) == ([["10\u00a0000", "東京\u3000タワー", "x"], ["y"]], [[(0, 2, "NUM")], [(0, 1, "A")]])


def test_names_given_as_a_set_are_refused_not_ordered_by_hash():
    """types={'A', 'B'} or label_names={'a', 'b'} took the set's iteration order, which changes with the
    process's hash seed: tag indices and probability columns came out in another order in each run."""
    from weaksup.errors import LabelMatrixError, ParameterError
    from weaksup.multilabel import MultiLabelApplier, MultiLabelLF, MultiLabelMatrix
    from weaksup.sequence import GazetteerSpanLF, SpanApplier, SpanLabelMatrix, tag_names

    with pytest.raises(SpanError, match="not a set"):
        SpanApplier([GazetteerSpanLF("g", {"A": ["x"]})], types={"A", "B"})
    with pytest.raises(SpanError, match="not a set"):
        SpanLabelMatrix([[[]]], [1], ["lf"], frozenset({"A"}))
    with pytest.raises(SpanError, match="not a set"):
        tag_names({"A", "B"})
    with pytest.raises(LabelMatrixError, match="not a set"):
        MultiLabelMatrix.from_sets([[{"a"}]], {"a", "b"})
    with pytest.raises(LabelMatrixError, match="not a set"):
        MultiLabelMatrix(np.zeros((1, 2)), ["lf"], {"a", "b"})
    with pytest.raises(ParameterError, match="not a set"):
        MultiLabelApplier([MultiLabelLF("x", lambda r: None)], {"a", "b"})
    assert MultiLabelMatrix.from_sets([[{"a"}]], ("b", "a")).label_names == ["b", "a"]  # tuples are ordered
