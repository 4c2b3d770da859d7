"""Snorkel users' calls on weaksup.snorkel and on Snorkel 0.10, side by side: the cases a conformance sweep found."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pytest
import snorkel.analysis as s_analysis
import snorkel.augmentation as s_aug
import snorkel.labeling.model as s_model
import snorkel.preprocess as s_pre
import snorkel.slicing as s_slicing
import torch

import weaksup.snorkel.analysis as w_analysis
import weaksup.snorkel.augmentation as w_aug
import weaksup.snorkel.labeling.model as w_model
import weaksup.snorkel.preprocess as w_pre
import weaksup.snorkel.slicing as w_slicing
from weaksup.snorkel.classification import cross_entropy_with_probs


@pytest.fixture()
def comments():
    return pd.DataFrame({"text": ["Hello world", "Check out my channel", "nice song"], "label": [0, 1, 0]},
                        index=[7, 3, 9])


def _tfs(aug, pre):
    """The same TFs in either library: a Mapper preprocessor adds ``words`` (as Snorkel's SpacyPreprocessor
    adds ``doc``) and a TF sets a new attribute of its own."""

    class Words(pre.Preprocessor):
        def run(self, text):
            return dict(words=text.split())

    words = Words("words")

    @aug.transformation_function(pre=[words])
    def drop_first_word(x):
        if len(x.words) < 2:
            return None
        x.text = " ".join(x.words[1:])
        return x

    @aug.transformation_function()
    def shout(x):
        x.text = x.text.upper()
        x.shouted = True
        return x

    return [drop_first_word, shout]


@pytest.mark.parametrize("policy", ["one", "each"])
def test_tf_applier_output_keeps_the_inputs_columns_as_snorkel(comments, policy):
    def run(aug, pre):
        tfs = _tfs(aug, pre)
        pol = aug.ApplyOnePolicy(n_per_original=1, keep_original=True) if policy == "one" else \
            aug.ApplyEachPolicy(len(tfs), keep_original=True)
        return aug.PandasTFApplier(tfs[:1] if policy == "one" else tfs, pol).apply(comments, progress_bar=False)

    ours, theirs = run(w_aug, w_pre), run(s_aug, s_pre)
    assert list(ours.columns) == list(theirs.columns) == ["text", "label"]
    pd.testing.assert_frame_equal(ours, theirs, check_dtype=False)
    assert ours["label"].dtype == np.int64
    batches = list(w_aug.PandasTFApplier(_tfs(w_aug, w_pre), w_aug.ApplyEachPolicy(2)).apply_generator(comments, 2))
    assert [list(b.columns) for b in batches] == [["text", "label"]] * 2


def test_slicing_functions_raise_their_own_exception_as_in_snorkel(comments):
    def make(sl):
        @sl.slicing_function()
        def needs_body(x):
            return len(x.body) > 3  # no such field

        return needs_body

    with pytest.raises(AttributeError):
        s_slicing.PandasSFApplier([make(s_slicing)]).apply(comments, progress_bar=False)
    with pytest.raises(AttributeError, match="body") as info:
        w_slicing.PandasSFApplier([make(w_slicing)]).apply(comments, progress_bar=False)
    notes = getattr(info.value, "__notes__", [])
    assert not notes or notes == ["slicing function 'needs_body' failed on row 7"]
    S = w_slicing.PandasSFApplier([make(w_slicing)]).apply(comments, progress_bar=False, fault_tolerant=True)
    assert S["needs_body"].tolist() == [-1, -1, -1]


def test_label_buckets_come_in_snorkels_order():
    golds = np.array([1, 0, 1, 0, -1, 1, 1])
    preds = np.array([1, 1, -1, 0, 0, 0, 1])
    ours, theirs = w_analysis.get_label_buckets(golds, preds), s_analysis.get_label_buckets(golds, preds)
    assert list(ours) == list(theirs)  # first-appearance order, what printing the dict shows
    for key in theirs:
        np.testing.assert_array_equal(ours[key], theirs[key])


def test_label_instances_of_a_missing_bucket_like_snorkel(caplog):
    x = np.array(["a", "b", "c"])
    golds, preds = np.array([1, 0, 1]), np.array([1, 1, 1])
    with caplog.at_level(logging.WARNING):
        ours = w_analysis.get_label_instances((0, 0), x, golds, preds)
    assert [r.getMessage() for r in caplog.records] == ["Bucket(0, 0) does not exist."]
    theirs = s_analysis.get_label_instances((0, 0), x, golds, preds)
    assert ours.shape == theirs.shape == (0,)
    np.testing.assert_array_equal(w_analysis.get_label_instances((0, 1), x, golds, preds),
                                  s_analysis.get_label_instances((0, 1), x, golds, preds))


def test_score_reads_a_gold_column_as_snorkel_does():
    L = np.array([[0, 0, -1], [1, 1, 1], [0, -1, 0], [1, 1, -1], [1, 0, 1]])
    Y = np.array([[0], [1], [0], [1], [0]])  # df[["label"]].values
    for metrics in (["accuracy"], ["accuracy", "f1", "coverage"]):
        ours = w_model.MajorityLabelVoter().score(L=L, Y=Y, metrics=metrics, tie_break_policy="random")
        theirs = s_model.MajorityLabelVoter().score(L=L, Y=Y, metrics=metrics, tie_break_policy="random")
        assert ours == pytest.approx(theirs)


def test_decorator_without_parentheses_names_the_decorator_used():
    with pytest.raises(ValueError, match=r"missing parentheses: use @preprocessor\(\)"):
        @w_pre.preprocessor
        def lower(x):
            return x


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("weighted", [False, True])
def test_cross_entropy_with_probs_matches_snorkel(reduction, weighted):
    from snorkel.classification import cross_entropy_with_probs as theirs

    gen = torch.Generator().manual_seed(0)
    logits = torch.randn(9, 3, generator=gen)
    target = torch.softmax(torch.randn(9, 3, generator=gen), dim=1)
    weight = torch.tensor([1.0, 2.0, 0.5]) if weighted else None
    torch.testing.assert_close(cross_entropy_with_probs(logits, target, weight, reduction),
                               theirs(logits, target, weight, reduction))
    with pytest.raises(ValueError, match="reduction"):
        cross_entropy_with_probs(logits, target, reduction="avg")


def test_label_model_l2_matches_snorkel(spam_L):
    L_train = spam_L[0]
    for optimizer in ("sgd", "adam"):
        ours = w_model.LabelModel(verbose=False).fit(L_train, n_epochs=200, l2=0.5, seed=123, optimizer=optimizer,
                                                     progress_bar=False)
        theirs = s_model.LabelModel(verbose=False)
        theirs.fit(L_train, n_epochs=200, l2=0.5, seed=123, optimizer=optimizer, progress_bar=False)
        np.testing.assert_allclose(ours.predict_proba(spam_L[2]), theirs.predict_proba(spam_L[2]), atol=1e-4)


def test_empirical_accuracy_with_unknown_gold_is_snorkels():
    from snorkel.labeling import LFAnalysis as Theirs

    from weaksup.snorkel.labeling import LFAnalysis as Ours

    rng = np.random.default_rng(0)
    L = rng.integers(-1, 2, size=(40, 3))
    L[:, 2] = -1  # an LF that never votes: 0, as in Snorkel
    Y = rng.integers(0, 2, size=40)
    Y[::4] = -1  # rows without a gold label
    np.testing.assert_allclose(Ours(L).lf_empirical_accuracies(Y), Theirs(L).lf_empirical_accuracies(Y))
    pd.testing.assert_frame_equal(Ours(L).lf_summary(Y), Theirs(L).lf_summary(Y))


def test_tf_applier_raises_the_tfs_own_exception_as_snorkel(comments):
    def make(aug):
        @aug.transformation_function()
        def needs_body(x):
            x.text = x.body  # no such field
            return x

        return needs_body

    with pytest.raises(AttributeError):
        s_aug.PandasTFApplier([make(s_aug)], s_aug.ApplyOnePolicy()).apply(comments, progress_bar=False)
    for run in (lambda a: a.apply(comments, progress_bar=False), lambda a: next(a.apply_generator(comments, 2))):
        with pytest.raises(AttributeError, match="body") as info:
            run(w_aug.PandasTFApplier([make(w_aug)], w_aug.ApplyOnePolicy()))
        notes = getattr(info.value, "__notes__", [])
        assert not notes or "transformation function 'needs_body' failed on row 7" in notes[0]
    with pytest.raises(TypeError, match="DataFrame, not list; for a list of data points use TFApplier"):
        w_aug.PandasTFApplier([make(w_aug)], w_aug.ApplyOnePolicy()).apply(comments.to_dict("records"))


def test_lf_applier_given_a_dataframe_names_pandas_lf_applier(comments):
    from snorkel.labeling import LFApplier as Theirs
    from snorkel.labeling import labeling_function as theirs_lf

    from weaksup.snorkel.labeling import LFApplier, labeling_function

    def has_check(x):
        return 1 if "Check" in x.text else -1

    with pytest.raises(AttributeError, match="'str' object has no attribute 'text'"):  # Snorkel: the column names
        Theirs([theirs_lf()(has_check)]).apply(comments, progress_bar=False)
    with pytest.raises(TypeError, match="not a DataFrame; for a pandas DataFrame use PandasLFApplier"):
        LFApplier([labeling_function()(has_check)]).apply(comments, progress_bar=False)


def test_row_answers_the_series_calls_snorkel_lfs_make(comments):
    from snorkel.labeling import PandasLFApplier as Theirs
    from snorkel.labeling import labeling_function as theirs_lf

    from weaksup.snorkel.labeling import PandasLFApplier, labeling_function

    calls = {
        "len": lambda x: len(x),
        "index": lambda x: list(x.index),
        "values": lambda x: list(x.values),
        "items": lambda x: list(x.items()),
        "tolist": lambda x: x.tolist(),
        "loc": lambda x: x.loc["text"],
        "iloc": lambda x: x.iloc[0],
        "at": lambda x: x.at["label"],
    }

    def seen(library_lf, applier):
        out = {}

        def record(x):
            out.setdefault("rows", []).append({name: call(x) for name, call in calls.items()})
            return -1

        applier([library_lf()(record)]).apply(comments, progress_bar=False)
        return out["rows"]

    assert seen(labeling_function, PandasLFApplier) == seen(theirs_lf, Theirs)


@pytest.mark.parametrize(("module", "name"), [("slicing", "SliceAwareClassifier"), ("classification", "Trainer"),
                                              ("classification", "MultitaskClassifier")])
def test_snorkel_names_not_provided_say_so_on_import(module, name):
    import importlib

    from weaksup.snorkel._missing import NotProvidedError

    importlib.import_module(f"snorkel.{module}").__getattribute__(name)  # Snorkel has it
    ours = importlib.import_module(f"weaksup.snorkel.{module}")
    with pytest.raises(NotProvidedError, match=rf"snorkel\.{module}\.{name} is not provided by weaksup\.snorkel: .*"
                                               r"weaksup\.SoftLabelClassifier"):
        getattr(ours, name)
    assert not hasattr(ours, "no_such_name")  # every other missing name is a plain AttributeError


def test_list_tf_applier_names_a_policy_made_for_more_tfs():
    from types import SimpleNamespace

    from weaksup.augment import AugmentationError

    @w_aug.transformation_function()
    def upper(x):
        x.text = x.text.upper()
        return x

    with pytest.raises(AugmentationError, match=r"holds 1 TF\(s\) \(\['upper'\]\); give the policy n_tfs=1"):
        w_aug.TFApplier([upper], w_aug.RandomPolicy(3, sequence_length=2)).apply([SimpleNamespace(text="a")],
                                                                                 progress_bar=False)
