"""Snorkel 0.10 scripts run on weaksup.snorkel and on Snorkel side by side: defects a probe found."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import snorkel.augmentation as s_aug
import snorkel.labeling as s_labeling
import snorkel.preprocess as s_pre
import snorkel.slicing as s_slicing

import weaksup.snorkel.augmentation as w_aug
import weaksup.snorkel.labeling as w_labeling
import weaksup.snorkel.preprocess as w_pre
import weaksup.snorkel.slicing as w_slicing


def _memoized_words_run(labeling, pre, slicing):
    """Slice twice, then label, all sharing one memoized preprocessor (Snorkel's spaCy pattern)."""

    @pre.preprocessor(memoize=True)
    def words(x):
        x.words = x.text.split()
        return x

    @slicing.slicing_function(pre=[words])
    def short(x):
        return len(x.words) < 3

    @slicing.slicing_function(pre=[words])
    def one_word(x):
        return len(x.words) < 2

    @labeling.labeling_function(pre=[words])
    def lf_short(x):
        return 1 if len(x.words) < 3 else -1

    df = pd.DataFrame({"text": ["a b c", "hello", "x y", "p q r s t"]}, index=["d", "b", "c", "a"])
    sfs = slicing.PandasSFApplier([short, one_word])
    first = sfs.apply(df, progress_bar=False).tolist()
    again = sfs.apply(df, progress_bar=False, fault_tolerant=True).tolist()
    L = labeling.PandasLFApplier([lf_short]).apply(df, progress_bar=False).tolist()
    return first, again, L, slicing.slice_dataframe(df, short).index.tolist()


def test_memoized_preprocessor_of_slicing_functions_keeps_its_fields_as_in_snorkel():
    """A memoized Snorkel preprocessor run inside a slicing function cached a row whose fields the LF
    applier's row restore then removed: the second SF (or the next apply) raised AttributeError
    "row has no field 'words'", or with fault_tolerant=True silently stored -1 for every row."""
    assert _memoized_words_run(w_labeling, w_pre, w_slicing) == _memoized_words_run(s_labeling, s_pre, s_slicing)


def _augment_with_memoized_words(aug, pre, memoize, seed=5):
    @pre.preprocessor(memoize=memoize)
    def words(x):
        x.words = x.text.split()
        return x

    @aug.transformation_function(pre=[words])
    def reverse(x):
        x.text = " ".join(reversed(x.words))
        return x

    @aug.transformation_function(pre=[words])
    def drop_first(x):
        if len(x.words) < 2:
            return None
        x.text = " ".join(x.words[1:])
        return x

    # rows "d" and "a" have the same content, so they share the memoized preprocessor's output
    df = pd.DataFrame({"text": ["a b c", "hello", "x y", "a b c"]}, index=["d", "b", "c", "a"])
    np.random.seed(seed)
    policy = aug.RandomPolicy(2, sequence_length=2, n_per_original=3, keep_original=False)
    out = aug.PandasTFApplier([drop_first, reverse], policy).apply(df, progress_bar=False)
    return out.index.tolist(), out.text.tolist()


@pytest.mark.parametrize("seed", [0, 5])
def test_tf_does_not_change_a_memoized_preprocessors_cached_row(seed):
    """A TF changed the row its memoized preprocessor returned, which is the cached object: the native applier
    (TF by TF) then showed one row's transformation in another row with the same text ("c b a" for a row whose
    sequence never reversed it). With memoize=True the output must equal the unmemoized one (Snorkel's)."""
    expected = _augment_with_memoized_words(s_aug, s_pre, memoize=False, seed=seed)
    assert _augment_with_memoized_words(w_aug, w_pre, memoize=True, seed=seed) == expected
    assert _augment_with_memoized_words(w_aug, w_pre, memoize=False, seed=seed) == expected


def _augment_with_custom_policy(aug, policy_module):
    class GrowingPolicy(policy_module.Policy):
        """Snorkel's extension point: generate() may return sequences of any length."""

        def generate(self):
            return list(range(np.random.randint(1, self.n + 1)))

    class FixedPolicy(policy_module.Policy):
        def generate_for_example(self):
            return [[], [0], [0, 1]]

    @aug.transformation_function()
    def add_a(x):
        x.text = x.text + "A"
        return x

    @aug.transformation_function()
    def add_b(x):
        x.text = x.text + "B"
        return x

    df = pd.DataFrame({"text": ["p", "q", "r"]}, index=["z", "x", "y"])
    out = []
    for policy in (GrowingPolicy(2, n_per_original=2), FixedPolicy(2)):
        np.random.seed(0)
        frame = aug.PandasTFApplier([add_a, add_b], policy).apply(df, progress_bar=False)
        out.append((frame.index.tolist(), frame.text.tolist(), policy.generate_for_example()))
    return out


def test_custom_policy_subclass_runs_as_in_snorkel():
    """A Snorkel Policy subclass overriding generate() with sequences of varying length raised
    AugmentationError ("the applier needs one length"), and one overriding generate_for_example() raised
    NotImplementedError; Snorkel's appliers (and this port's) ask such a policy row by row."""
    import snorkel.augmentation.policy.core as s_policy

    import weaksup.snorkel.augmentation.policy.core as w_policy

    assert _augment_with_custom_policy(w_aug, w_policy) == _augment_with_custom_policy(s_aug, s_policy)
