import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from weaksup import LabelMatrix, LFAnalysis, labeling_function

matrices = st.integers(1, 25).flatmap(
    lambda n: st.integers(1, 5).flatmap(lambda m: arrays(np.int64, (n, m), elements=st.integers(-1, 3)))
)


def naive(L, Y=None):
    n, m = L.shape
    voted = L != -1
    out = {
        "coverage": voted.mean(0),
        "overlap": np.array([np.mean(voted[:, j] & (voted.sum(1) > 1)) for j in range(m)]),
        "conflict": np.array(
            [
                np.mean([voted[i, j] and any(L[i, k] not in (-1, L[i, j]) for k in range(m)) for i in range(n)])
                for j in range(m)
            ]
        ),
        "polarity": [sorted(set(L[:, j][voted[:, j]].tolist())) for j in range(m)],
        "label_cov": np.mean(voted.any(1)),
        "label_overlap": np.mean(voted.sum(1) > 1),
        "label_conflict": np.mean([len(set(r[r != -1].tolist())) > 1 for r in L]),
    }
    if Y is not None:
        out["acc"] = np.array(
            [np.mean(L[voted[:, j], j] == Y[voted[:, j]]) if voted[:, j].any() else np.nan for j in range(m)]
        )
    return out


@settings(max_examples=80, deadline=None)
@given(matrices, st.data())
def test_matches_naive_dense_computation(L, data):
    Y = np.array(data.draw(st.lists(st.integers(0, 3), min_size=len(L), max_size=len(L))))
    a = LFAnalysis(L)
    ref = naive(L, Y)
    np.testing.assert_allclose(a.lf_coverages(), ref["coverage"])
    np.testing.assert_allclose(a.lf_overlaps(), ref["overlap"])
    np.testing.assert_allclose(a.lf_conflicts(), ref["conflict"])
    assert a.lf_polarities() == ref["polarity"]
    assert a.label_coverage() == pytest.approx(ref["label_cov"])
    assert a.label_overlap() == pytest.approx(ref["label_overlap"])
    assert a.label_conflict() == pytest.approx(ref["label_conflict"])
    np.testing.assert_allclose(a.lf_empirical_accuracies(Y), ref["acc"], equal_nan=True)
    cov = ref["coverage"] * len(L)
    np.testing.assert_allclose(
        a.lf_overlaps(normalize_by_coverage=True),
        np.divide(ref["overlap"] * len(L), cov, out=np.zeros_like(cov), where=cov > 0),
    )


def test_summary_table():
    L = LabelMatrix.from_dense([[0, 0, -1], [1, 0, -1], [1, -1, -1]], lf_names=["a", "b", "c"])
    table = LFAnalysis(L).summary(Y=np.array([0, 1, 1]), est_weights=[0.9, 0.5, 0.1])
    assert table.index.tolist() == ["a", "b", "c"]
    assert table.loc["a", "Polarity"] == [0, 1]
    assert table.loc["b", "Correct"] == 1 and table.loc["b", "Incorrect"] == 1
    assert table.loc["a", "Emp. Acc."] == 1.0 and np.isnan(table.loc["c", "Emp. Acc."])
    assert table.loc["c", "Coverage"] == 0
    assert list(table.columns) == [
        "j", "Polarity", "Coverage", "Overlaps", "Conflicts", "Correct", "Incorrect", "Emp. Acc.", "Learned Weight"
    ]

    pd.testing.assert_frame_equal(LFAnalysis(L).lf_summary(Y=np.array([0, 1, 1])),
                                  LFAnalysis(L).summary(Y=np.array([0, 1, 1])))  # Snorkel's name


def test_lf_names_from_lfs_and_mismatch():
    @labeling_function()
    def a(x):
        return 0

    L = np.array([[0]])
    assert LFAnalysis(L, [a]).summary().index.tolist() == ["a"]
    with pytest.raises(ValueError, match="do not match"):
        LFAnalysis(LabelMatrix.from_dense(L, lf_names=["z"]), [a])


def test_unknown_gold_rows_are_skipped():
    a = LFAnalysis(np.array([[1], [0]]))
    assert a.lf_empirical_accuracies(np.array([1, -1])).tolist() == [1.0]


def test_pattern_counts_refuses_a_chunk_size_that_is_not_a_positive_int():
    from weaksup.errors import ModelInputError
    from weaksup.patterns import PatternCounts

    for bad in (0, -5, 2.5, True):
        with pytest.raises(ModelInputError, match="chunk_size must be a positive int"):
            PatternCounts.from_label_matrix([[0, 1]], chunk_size=bad)
