"""weaksup.snorkel.labeling against the installed snorkel package, side by side."""

from __future__ import annotations

import sys
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import snorkel.labeling as sk
import snorkel.preprocess as sk_pre

import weaksup as ws
import weaksup.snorkel.labeling as wk
import weaksup.snorkel.preprocess as wk_pre
from weaksup.snorkel.labeling.apply.core import ApplierMetadata


@pytest.fixture()
def lfs_of(lf_functions):
    return lambda lib: [lib.LabelingFunction(f.__name__, f) for f in lf_functions]


def test_pandas_applier_matches_snorkel_on_spam(spam, spam_L, lfs_of):
    train = spam[0]
    L = wk.PandasLFApplier(lfs_of(wk)).apply(df=train, progress_bar=False)
    assert isinstance(L, np.ndarray) and L.dtype == np.int64
    np.testing.assert_array_equal(L, spam_L[0])
    assert (L != -1).any()


def test_our_lfs_run_in_the_native_applier_too(spam, spam_L, lfs_of):
    L = ws.LFApplier(lfs_of(wk)).apply(spam[0], progress=False)
    np.testing.assert_array_equal(L.to_dense(), spam_L[0])
    assert L.index.equals(spam[0].index)  # the native applier keeps row ids


def test_lf_applier_over_arbitrary_objects_matches_snorkel():
    class Point:  # not a dict, not a namespace: an arbitrary object with attributes
        def __init__(self, num):
            self.num = num

    def big(x):
        return 1 if x.num > 42 else -1

    def in_db(x, db):
        return 0 if x.num in db else -1

    points = [Point(n) for n in (3, 43, 12, 9, 3, 100)]
    ours = wk.LFApplier([wk.LabelingFunction("big", big), wk.LabelingFunction("in_db", in_db,
                                                                              resources={"db": [3, 9]})])
    theirs = sk.LFApplier([sk.LabelingFunction("big", big), sk.LabelingFunction("in_db", in_db,
                                                                                resources={"db": [3, 9]})])
    np.testing.assert_array_equal(ours.apply(points, progress_bar=False), theirs.apply(points, progress_bar=False))
    # a list of sequences stays a list of points (numpy must not turn it into a 2-D array)
    pairs = [(1, 2), (3, 4)]
    first = wk.LFApplier([wk.LabelingFunction("first", lambda x: x[0] % 2)]).apply(pairs, progress_bar=False)
    assert first.tolist() == [[1], [1]]


def test_lf_applier_takes_a_generator_of_points_as_snorkel_does():
    def big(x):
        return 1 if x > 2 else -1

    ours = wk.LFApplier([wk.LabelingFunction("big", big)]).apply((n for n in range(5)), progress_bar=False)
    theirs = sk.LFApplier([sk.LabelingFunction("big", big)]).apply((n for n in range(5)), progress_bar=False)
    np.testing.assert_array_equal(ours, theirs)


def test_fault_tolerance_and_errors_match_snorkel():
    def bad(x):
        return 0 if x.mum > 42 else -1

    def good(x):
        return 0 if x.num > 42 else -1

    points = [SimpleNamespace(num=n) for n in (3, 43, 12)]
    ours = wk.LFApplier([wk.LabelingFunction("good", good), wk.LabelingFunction("bad", bad)])
    theirs = sk.LFApplier([sk.LabelingFunction("good", good), sk.LabelingFunction("bad", bad)])
    L, meta = ours.apply(points, progress_bar=False, fault_tolerant=True, return_meta=True)
    L_sk, meta_sk = theirs.apply(points, progress_bar=False, fault_tolerant=True, return_meta=True)
    np.testing.assert_array_equal(L, L_sk)
    assert meta == ApplierMetadata({"bad": 3}) and meta.faults == meta_sk.faults
    with pytest.raises(AttributeError) as info:  # the LF's own exception, as Snorkel raises it ...
        ours.apply(points, progress_bar=False)
    if sys.version_info >= (3, 11):  # ... with a note naming the LF and the row
        assert any("'bad'" in note and "row 0" in note for note in info.value.__notes__)
    with pytest.raises(AttributeError):
        wk.PandasLFApplier([wk.LabelingFunction("bad", bad)]).apply(pd.DataFrame({"num": [1]}), progress_bar=False)


def test_invalid_votes_are_named_not_cast():
    lf = wk.LabelingFunction("returns_none", lambda x: None)
    with pytest.raises(ws.InvalidLabelError, match="returns_none"):
        wk.PandasLFApplier([lf]).apply(pd.DataFrame({"num": [1]}), progress_bar=False)


def test_memoized_preprocessor_hits_like_snorkel():
    data = [3, 43, 12, 9, 3]
    counts = {}

    def build(lib, lib_pre, key):
        counts[key] = 0

        @lib_pre.preprocessor(memoize=True)
        def square(x):
            counts[key] += 1
            x.num_squared = x.num ** 2
            return x

        @lib.labeling_function(pre=[square])
        def fp(x):
            return 0 if x.num_squared > 42 else -1

        @lib.labeling_function()
        def f(x):
            return 0 if x.num > 42 else -1

        return [f, fp]

    df = pd.DataFrame({"num": data})
    L = wk.PandasLFApplier(build(wk, wk_pre, "ours")).apply(df, progress_bar=False)
    L_sk = sk.PandasLFApplier(build(sk, sk_pre, "theirs")).apply(df, progress_bar=False)
    np.testing.assert_array_equal(L, L_sk)
    assert counts["ours"] == counts["theirs"] == 4  # the repeated point (3) is computed once
    # and over objects, with the memoized result reused on a second apply
    points = [SimpleNamespace(num=n) for n in data]
    applier = wk.LFApplier(build(wk, wk_pre, "objects"))
    applier.apply(points, progress_bar=False)
    assert counts["objects"] == 4


def test_parallel_and_dask_appliers_match_the_pandas_one(spam, spam_L, lfs_of):
    import dask.dataframe as dd

    from weaksup.snorkel.labeling.apply.dask import DaskLFApplier, PandasParallelLFApplier

    df = spam[2]  # test split, 250 rows
    with pytest.raises(ValueError, match="n_parallel"):
        PandasParallelLFApplier(lfs_of(wk)).apply(df, n_parallel=1)
    L = DaskLFApplier(lfs_of(wk)).apply(dd.from_pandas(df, npartitions=3, sort=False), scheduler="synchronous")
    np.testing.assert_array_equal(L, spam_L[2])


def test_lf_summary_matches_snorkel(spam, spam_L, lfs_of):
    L_valid = spam_L[1]
    Y = spam[1]["label"].to_numpy()
    for lfs in (None, "named"):
        ours = wk.LFAnalysis(L_valid, None if lfs is None else lfs_of(wk))
        theirs = sk.LFAnalysis(L_valid, None if lfs is None else lfs_of(sk))
        for kwargs in ({}, {"Y": Y}, {"Y": Y, "est_weights": np.linspace(0.1, 0.9, L_valid.shape[1])}):
            pd.testing.assert_frame_equal(ours.lf_summary(**kwargs), theirs.lf_summary(**kwargs), check_dtype=False)
    ours, theirs = wk.LFAnalysis(L_valid), sk.LFAnalysis(L_valid)
    for name in ("label_coverage", "label_overlap", "label_conflict"):
        assert getattr(ours, name)() == pytest.approx(getattr(theirs, name)())
    np.testing.assert_allclose(ours.lf_empirical_probs(Y, 2), theirs.lf_empirical_probs(Y, 2))
    np.testing.assert_allclose(ours.lf_empirical_accuracies(Y), theirs.lf_empirical_accuracies(Y))
    with pytest.raises(ValueError, match="Number of LFs"):
        wk.LFAnalysis(L_valid, lfs_of(wk)[:2])


def test_lf_empirical_probs_multiclass_matches_snorkel():
    rng = np.random.default_rng(1)
    L = rng.integers(-1, 3, size=(60, 4))
    Y = rng.integers(0, 3, size=60)
    np.testing.assert_allclose(wk.LFAnalysis(L).lf_empirical_probs(Y, 3), sk.LFAnalysis(L).lf_empirical_probs(Y, 3))


def test_filter_unlabeled_dataframe_matches_snorkel(spam, spam_L):
    X = spam[1]
    L = spam_L[1]
    probs = np.tile([0.3, 0.7], (len(X), 1))
    X_ours, y_ours = wk.filter_unlabeled_dataframe(X=X, y=probs, L=L)
    X_sk, y_sk = sk.filter_unlabeled_dataframe(X=X, y=probs, L=L)
    pd.testing.assert_frame_equal(X_ours, X_sk)
    np.testing.assert_array_equal(y_ours, y_sk)
    assert len(X_ours) < len(X)


def test_decorator_without_parentheses_is_refused():
    with pytest.raises(ValueError, match="parentheses"):

        @wk.labeling_function
        def f(x):
            return -1


def test_gold_labels_as_snorkel_users_pass_them_are_read_by_position():
    L = np.array([[0, -1], [1, 1], [-1, 0], [0, 0]])
    Y = pd.Series([0, 1, 0, 1], index=[10, 11, 12, 13])  # df_dev.label after a split: not 0..n-1
    ours, theirs = wk.LFAnalysis(L), sk.LFAnalysis(L)
    np.testing.assert_allclose(ours.lf_empirical_accuracies(Y), theirs.lf_empirical_accuracies(Y))
    np.testing.assert_allclose(ours.lf_empirical_probs(Y, 2), theirs.lf_empirical_probs(Y, 2))
    column = Y.to_numpy()[:, None]  # an (n, 1) column
    pd.testing.assert_frame_equal(ours.lf_summary(column), theirs.lf_summary(column), check_dtype=False)


def test_gold_series_still_aligns_by_id_to_a_label_matrix_with_ids():
    L = ws.LabelMatrix.from_dense(np.array([[0], [1], [1]]), index=["a", "b", "c"])
    Y = pd.Series([1, 0, 1], index=["c", "a", "b"])  # same ids, shuffled
    assert wk.LFAnalysis(L).lf_empirical_accuracies(Y).tolist() == [1.0]
    assert wk.LFAnalysis(L).lf_summary(Y)["Correct"].tolist() == [3]


@pytest.mark.parametrize("pkg", [sk, wk], ids=["snorkel", "weaksup.snorkel"])
def test_appliers_call_a_subclass_own_call_as_snorkel_does(pkg):
    class CallOverride(pkg.LabelingFunction):
        def __call__(self, x):
            y = super().__call__(x)
            return 1 if y == -1 and "now" in x.text else y

    lf = CallOverride("co", f=lambda x: -1)
    df = pd.DataFrame({"text": ["subscribe now", "hello"]})
    assert pkg.PandasLFApplier([lf]).apply(df, progress_bar=False).tolist() == [[1], [-1]]
    assert pkg.LFApplier([lf]).apply([SimpleNamespace(text=t) for t in df.text], progress_bar=False).tolist() == [
        [1], [-1]]


@pytest.mark.parametrize("pkg", [(sk, sk_pre), (wk, None)], ids=["snorkel", "weaksup.snorkel"])
def test_appliers_call_a_mapper_subclass_own_call(pkg):
    lab, pre = pkg
    if pre is None:
        import weaksup.snorkel.preprocess as pre

    class Flagging(pre.LambdaPreprocessor):
        def __call__(self, x):
            x = super().__call__(x)
            x["flag"] = 1
            return x

    flag = Flagging("flag", lambda x: x)
    lf = lab.LabelingFunction("reads_flag", lambda x: x["flag"], pre=[flag])
    df = pd.DataFrame({"text": ["a", "b"]})
    assert lab.PandasLFApplier([lf]).apply(df, progress_bar=False).ravel().tolist() == [1, 1]


def test_a_memoized_preprocessor_gives_a_direct_caller_its_own_type_back():
    import weaksup.snorkel.preprocess as pre

    @pre.preprocessor(memoize=True)
    def lower(x):
        x.text = x.text.lower()
        return x

    lf = wk.LabelingFunction("lf", lambda x: -1, pre=[lower])
    df = pd.DataFrame({"text": ["Hello World", "Foo"]})
    wk.PandasLFApplier([lf]).apply(df, progress_bar=False)  # caches the applier's rows
    out = lower(df.iloc[0])
    assert isinstance(out, pd.Series) and out.text == "hello world"
    assert pd.DataFrame([lower(r) for _, r in df.iterrows()]).columns.tolist() == ["text"]


def test_an_lf_returning_a_float_or_minus_two_is_refused_where_snorkel_takes_it():
    # docs/snorkel_migration.md: the one deliberate difference in what LFs may return
    df = pd.DataFrame({"x": [1.0, 2.0]})
    for value in (1.0, -2):
        f = sk.LabelingFunction("f", lambda r, v=value: v)
        assert sk.PandasLFApplier([f]).apply(df, progress_bar=False).shape == (2, 1)
        with pytest.raises(ws.InvalidLabelError, match=r"'f'.*returned"):
            wk.PandasLFApplier([wk.LabelingFunction("f", lambda r, v=value: v)]).apply(df, progress_bar=False)
