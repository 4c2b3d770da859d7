import numpy as np
import pandas as pd
import pytest

from weaksup import LabelMatrix, MajorityVoter
from weaksup.errors import LabelMatrixError, ModelInputError, WeaksupWarning
from weaksup.quality import (
    class_weights,
    importance_sample,
    random_sample,
    reservoir_sample,
    stratified_sample,
    weighted_sample,
)

Y = np.array([0] * 70 + [1] * 20 + [2] * 10)


def test_stratified_sample_keeps_proportions_or_balances():
    pos = stratified_sample(Y, 20, seed=0)
    assert len(set(pos.tolist())) == 20 and (np.diff(pos) > 0).all()
    assert np.bincount(Y[pos], minlength=3).tolist() == [14, 4, 2]
    assert np.bincount(Y[stratified_sample(Y, 30, seed=0, balanced=True)]).tolist() == [10, 10, 10]
    # class 2 has only 10 rows: the shortfall goes to classes with rows to spare
    assert np.bincount(Y[stratified_sample(Y, 45, seed=0, balanced=True)]).tolist() == [18, 17, 10]
    soft = np.eye(3)[Y]
    assert stratified_sample(soft, 20, seed=0).tolist() == pos.tolist()
    with pytest.raises(ModelInputError):
        stratified_sample(Y, 101)


def test_weighted_sample_follows_weights():
    w = np.r_[np.zeros(50), np.ones(40), np.full(10, 9.0)]
    pos = weighted_sample(w, 30, seed=0)
    assert len(set(pos.tolist())) == 30 and (pos >= 50).all()
    draws = weighted_sample(w, 5000, seed=1, replace=True)
    assert abs((draws >= 90).mean() - 90 / 130) < 0.03
    with pytest.raises(ModelInputError, match="positive weight"):
        weighted_sample(w, 60)


def test_importance_sample_is_unbiased():
    rng = np.random.default_rng(0)
    f = rng.random(500)
    q = 0.1 + f  # oversample large f
    pos, w = importance_sample(q, 20000, seed=2)
    assert abs(np.mean(f[pos] * w) - f.mean()) < 0.01
    target = np.r_[np.ones(250), np.zeros(250)]
    pos, w = importance_sample(q, 20000, target=target, seed=3)
    assert abs(np.mean(f[pos] * w) - f[:250].mean()) < 0.01
    with pytest.raises(ModelInputError, match="biased"):
        importance_sample(np.r_[0.0, 1.0], 5)


def test_reservoir_sample_is_one_pass_uniform_and_seeded():
    consumed = []

    def stream(n):
        for i in range(n):
            consumed.append(i)
            yield i

    s = reservoir_sample(stream(1000), 10, seed=0)
    assert len(s) == 10 and len(set(s)) == 10 and consumed == list(range(1000))
    assert s == reservoir_sample(range(1000), 10, seed=0)
    counts = np.zeros(20)
    for seed in range(2000):
        for item in reservoir_sample(range(20), 5, seed=seed):
            counts[item] += 1
    expected = 2000 * 5 / 20
    assert np.abs(counts - expected).max() < 0.15 * expected  # uniform inclusion probability 1/4
    assert reservoir_sample(range(3), 5) == [0, 1, 2] and reservoir_sample(range(3), 0) == []


def test_random_sample_and_class_weights():
    assert random_sample(10, 3, seed=0).tolist() == random_sample(10, 3, seed=0).tolist()
    w = class_weights(Y)
    np.testing.assert_allclose(w, [100 / (3 * 70), 100 / (3 * 20), 100 / (3 * 10)])
    np.testing.assert_allclose(np.bincount(Y, weights=w[Y]), [100 / 3] * 3)  # classes weigh the same
    assert class_weights([0, 0, 2], cardinality=3)[1] == 0.0


def test_from_annotations_builds_a_label_matrix_for_label_models():
    df = pd.DataFrame({
        "tweet": ["t1", "t1", "t1", "t2", "t2", "t3", "t1"],
        "worker": ["ann", "bob", "cy", "ann", "bob", "cy", "ann"],  # last row repeats ann's t1 label
        "answer": ["pos", "pos", "neg", "neg", "neg", "pos", "pos"],
    })
    L = LabelMatrix.from_annotations(df, item="tweet", annotator="worker", label="answer", classes=["neg", "pos"])
    assert L.index.tolist() == ["t1", "t2", "t3"] and L.lf_names == ["ann", "bob", "cy"]
    assert L.to_dense().tolist() == [[1, 1, 0], [0, 0, -1], [-1, -1, 1]]
    assert MajorityVoter(cardinality=2).fit(L).predict(L).tolist() == [1, 0, 1]
    bad = df.copy()
    bad.loc[6, "answer"] = "neg"
    with pytest.raises(LabelMatrixError, match="'ann' gave item 't1' different labels"):
        LabelMatrix.from_annotations(bad, item="tweet", annotator="worker", label="answer", classes=["neg", "pos"],
                                     duplicates="error")
    with pytest.raises(LabelMatrixError, match="not one of classes"):
        LabelMatrix.from_annotations(df, item="tweet", annotator="worker", label="answer", classes=["neg", "maybe"])


@pytest.mark.parametrize(("policy", "expected"), [("majority", 1), ("first", 1), ("last", 0)])
def test_from_annotations_resolves_conflicting_repeats_by_policy_and_warns(policy, expected):
    # ann labels t1 pos, pos, neg: majority and first say pos (1), last says neg (0)
    df = pd.DataFrame({"item": ["t1", "t1", "t2", "t1"], "annotator": ["ann", "ann", "bob", "ann"],
                       "label": [1, 1, 0, 0]})
    with pytest.warns(WeaksupWarning, match="1 \\(item, annotator\\) pairs have conflicting"):
        L = LabelMatrix.from_annotations(df, cardinality=2, duplicates=policy)
    assert L.to_dense().tolist() == [[expected, -1], [-1, 0]]


def test_from_annotations_majority_ties_go_to_the_latest_label():
    df = pd.DataFrame({"item": [0, 0, 0, 0], "annotator": ["a"] * 4, "label": [2, 1, 1, 2]})
    with pytest.warns(WeaksupWarning):
        assert LabelMatrix.from_annotations(df, cardinality=3).to_dense().tolist() == [[2]]
    with pytest.raises(LabelMatrixError, match="duplicates must be one of"):
        LabelMatrix.from_annotations(df, cardinality=3, duplicates="mean")


# inputs as users hold them ------------------------------------------------------------------------------------
def test_sample_sizes_and_populations_that_are_not_counts_get_typed_errors():
    for bad in ("5", [10, 20, 30], -3):
        with pytest.raises(ModelInputError, match="n_population must be a non-negative integer"):
            random_sample(bad, 2)  # were raw TypeError / ValueError, or "cannot draw 0 rows from -3"
    for bad in (2.5, "2", None, True):
        with pytest.raises(ModelInputError, match="k must be a non-negative integer"):
            reservoir_sample(range(10), bad)  # were raw TypeError / ValueError, or True read as 1
    with pytest.raises(ModelInputError, match="weights must be numbers"):
        weighted_sample(["a", "b"], 1)
    with pytest.raises(ModelInputError, match="proposal must be numbers"):
        importance_sample(["a", "b"], 1)


def test_huge_and_tiny_weights_are_drawn_by_their_ratios():
    # huge: their sum overflowed to inf (numpy's "probabilities do not sum to 1"); tiny: every key was inf
    assert sorted(weighted_sample([1e308, 1e308], 2, seed=0).tolist()) == [0, 1]
    assert len(weighted_sample([1e308, 1e308], 5, seed=0, replace=True)) == 5
    tiny = [weighted_sample([1e-320, 1e-320], 1, seed=s)[0] for s in range(40)]
    assert set(tiny) == {0, 1}  # was always row 0
    pos, w = importance_sample([1e308, 1e308], 4, seed=0)
    assert np.allclose(w, 1.0)


def test_stratified_sample_takes_any_strata_as_scikit_learn_does():
    names = np.array(["ham", "spam", "unsure"])[Y]
    pos = stratified_sample(names, 20, seed=0)  # was "labels must hold integer class ids"
    assert pos.tolist() == stratified_sample(Y, 20, seed=0).tolist()
    weak = np.where(Y == 2, -1, Y)  # -1: abstained rows are a stratum of their own
    assert sorted(np.unique(weak[stratified_sample(weak, 20, seed=0)]).tolist()) == [-1, 0, 1]
    with pytest.raises(ModelInputError, match="no value at row 3"):
        stratified_sample([0, 1, 0, None, 1], 2)
