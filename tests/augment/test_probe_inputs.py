"""Augmentation on inputs as users hold them: defects a probe found."""

from __future__ import annotations

import pandas as pd
import pytest

import weaksup.augment as wa
import weaksup.snorkel.preprocess as w_pre


@wa.transformation_function()
def bang(x):
    x.text = x.text + "!"
    return x


def test_unique_index_refuses_rows_whose_ids_repeat():
    """index="unique" promises a unique (id, copy) index; with a repeated input id it silently returned a
    repeated one ((1, 0), (1, 1), (1, 0), (1, 1)), so .loc on it picked rows of two different inputs."""
    df = pd.DataFrame({"text": ["a", "b", "c"]}, index=[1, 1, 2])
    with pytest.raises(wa.AugmentationError, match=r"id 1 repeats"):
        wa.TFApplier([bang], wa.ApplyOnePolicy(), index="unique").apply(df, progress=False)
    out = wa.TFApplier([bang], wa.ApplyOnePolicy(), index="source").apply(df, progress=False)
    assert out.index.tolist() == [1, 1, 1, 1, 2, 2]


def test_native_tf_does_not_change_a_memoized_mappers_cached_row():
    """A native TF with a memoized Snorkel mapper in ``pre`` changed the mapper's cached row (and the applier
    then dropped the preprocessor's field from it): the next row with the same text failed with
    TransformationFunctionError "row has no field 'words'"."""

    @w_pre.preprocessor(memoize=True)
    def words(x):
        x.words = x.text.split()
        return x

    @wa.transformation_function(pre=[words])
    def shout_words(x):
        x.text = " ".join(x.words) + "!"
        x.words.append("!")
        return x

    df = pd.DataFrame({"text": ["a", "a", "b"]}, index=["p", "q", "r"])
    out = wa.TFApplier([shout_words], wa.ApplyOnePolicy(n_per_original=2, keep_original=False)).apply(
        df, progress=False)
    assert out.text.tolist() == ["a!", "a!", "a!", "a!", "b!", "b!"]
