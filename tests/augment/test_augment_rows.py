"""TFApplier on rows as users hold them: row ids a TF reads, what a TF returns, MultiIndex ids."""

import numpy as np
import pandas as pd
import pytest

import weaksup.augment as wa
from weaksup.errors import WeaksupError
from weaksup.labeling.preprocessor import preprocessor as ws_preprocessor

snorkel_aug = pytest.importorskip("snorkel.augmentation")


def _tag_with_id(x):
    x.text = f"{x.name}:{x.text}"
    return x


def test_row_wise_tf_reads_the_row_id_as_name_like_snorkel():
    df = pd.DataFrame({"text": ["hi", "yo", "ok"], "n": [1, 2, 3]}, index=[10, 20, 10])
    theirs = snorkel_aug.PandasTFApplier([snorkel_aug.transformation_function(name="tag")(_tag_with_id)],
                                         snorkel_aug.ApplyOnePolicy()).apply(df, progress_bar=False)
    native = wa.transformation_function(name="tag")(_tag_with_id)
    ours = wa.TFApplier([native], wa.ApplyOnePolicy()).apply(df, progress=False)
    pd.testing.assert_frame_equal(ours, theirs)
    assert ours.text.tolist() == ["hi", "10:hi", "yo", "20:yo", "ok", "10:ok"]

    # also when a vectorized TF in the same applier makes the rows live in a DataFrame
    @wa.transformation_function(vectorized=True)
    def keep(batch):
        return None

    mixed = wa.TFApplier([native, keep], wa.ApplyAllPolicy(2)).apply(df, progress=False)
    assert mixed.text.tolist() == ours.text.tolist()


@pytest.mark.parametrize("returned", ["HI", True, 3, ["text", "HI"]])
def test_tf_returning_something_other_than_a_row_names_the_tf_and_row(returned):
    df = pd.DataFrame({"text": ["hi", "yo"]}, index=["r1", "r2"])
    tf = wa.transformation_function(name="bad")(lambda x: returned)
    with pytest.raises(wa.TransformationFunctionError, match=r"'bad' failed on row 'r1': returned .*or None"):
        wa.TFApplier([tf], wa.ApplyOnePolicy()).apply(df, progress=False)


def test_tf_may_return_a_dict_or_series_of_fields():
    df = pd.DataFrame({"text": ["hi"], "n": [1]}, index=["r1"])
    for make in (lambda x: {"text": x.text.upper(), "n": x.n}, lambda x: pd.Series({"text": x.text.upper(), "n": x.n})):
        out = wa.TFApplier([wa.transformation_function(name="up")(make)], wa.ApplyOnePolicy()).apply(df, progress=False)
        assert out.text.tolist() == ["hi", "HI"] and out.n.tolist() == [1, 1]


def test_vectorized_tf_batch_is_indexed_by_the_row_ids():
    df = pd.DataFrame({"text": ["a", "b", "c", "d"]}, index=["u1", "u2", "u3", "u4"])
    country = pd.Series({"u2": "fr", "u4": "de"})  # metadata a TF looks up by row id
    seen = []

    @wa.transformation_function(vectorized=True)
    def add_country(batch):
        seen.append(batch.index.tolist())
        hit = batch.index.isin(country.index)
        return batch[hit].assign(text=batch.text[hit] + "@" + country.reindex(batch.index[hit]).to_numpy())

    out = wa.TFApplier([add_country], wa.ApplyOnePolicy()).apply(df, progress=False)
    assert seen == [["u1", "u2", "u3", "u4"]]
    assert out.text.tolist() == ["a", "b", "b@fr", "c", "d", "d@de"]
    assert out.index.tolist() == ["u1", "u2", "u2", "u3", "u4", "u4"]

    # a batch given to a TF for part of the rows only (each TF alone) still carries their ids
    @wa.transformation_function()
    def shout(x):
        x.text = x.text.upper()
        return x

    seen.clear()
    out = wa.TFApplier([add_country, shout], wa.MeanFieldPolicy(2, p=[0.5, 0.5], n_per_original=4, random_state=0)).apply(
        df, progress=False)
    assert seen and all(set(ids) <= set(df.index) for ids in seen)
    tagged = out[out.text.str.contains("@")]
    expected = {"u2": "b@fr", "u4": "d@de"}
    assert len(tagged) and all(expected.get(i) == t for t, i in zip(tagged.text, tagged.index, strict=True))


def test_vectorized_tf_that_resets_the_index_is_refused_not_misaligned():
    df = pd.DataFrame({"text": ["a", "b", "c"]}, index=["u1", "u2", "u3"])

    @wa.transformation_function(vectorized=True)
    def last_two(batch):
        return batch.iloc[1:].reset_index(drop=True).assign(text="X")  # positions 0, 1: the wrong rows

    with pytest.raises(wa.AugmentationError, match="'last_two' returned rows that are not in its batch"):
        wa.TFApplier([last_two], wa.ApplyOnePolicy()).apply(df, progress=False)


def test_vectorized_tf_with_repeated_ids_gets_positions():
    df = pd.DataFrame({"text": ["a", "b", "c"]}, index=["u1", "u1", "u2"])

    @wa.transformation_function(vectorized=True)
    def second(batch):
        return batch.iloc[[1]].assign(text="B")

    out = wa.TFApplier([second], wa.ApplyOnePolicy()).apply(df, progress=False)
    assert out.text.tolist() == ["a", "b", "B", "c"] and out.index.tolist() == ["u1", "u1", "u1", "u2"]


def test_unique_index_of_a_multiindex_input_adds_the_copy_level():
    idx = pd.MultiIndex.from_tuples([("x", 1), ("x", 2), ("y", 1)], names=["group", "item"])
    df = pd.DataFrame({"text": ["hi", "yo!", "ok"]}, index=idx)

    @wa.transformation_function()
    def bang(x):
        if x.text.endswith("!"):
            return None
        x.text += "!"
        return x

    applier = wa.TFApplier([bang], wa.ApplyOnePolicy(), index="unique")
    out = applier.apply(df, progress=False)
    assert out.index.names == ["group", "item", "copy"]
    assert out.index.tolist() == [("x", 1, 0), ("x", 1, 1), ("x", 2, 0), ("y", 1, 0), ("y", 1, 1)]
    assert out.loc[("x", 1, 1), "text"] == "hi!"
    assert applier.provenance_.source.tolist() == [("x", 1), ("x", 1), ("x", 2), ("y", 1), ("y", 1)]
    assert np.array_equal(applier.provenance_.index, out.index)


def test_snorkel_objects_given_to_the_native_applier_get_a_pointer():
    tf = wa.transformation_function(name="keep")(lambda x: x)
    with pytest.raises(TypeError, match="a Snorkel policy: use weaksup.augment's policy") as info:
        wa.TFApplier([tf], snorkel_aug.ApplyOnePolicy())
    assert isinstance(info.value, WeaksupError)
    with pytest.raises(TypeError, match="a Snorkel TF: decorate it with weaksup.augment.transformation_function"):
        wa.TFApplier([snorkel_aug.transformation_function(name="st")(lambda x: x)], wa.ApplyOnePolicy())


def _n_words(x):
    x.n_words = len(x.text.split())
    return x


def _drop_first_word(x):
    if x.n_words < 2:
        return None
    x.text = x.text.split(" ", 1)[1]
    return x


@pytest.mark.filterwarnings("ignore::UserWarning")  # pandas, on Snorkel's Series getting an attribute
def test_fields_a_tfs_preprocessor_adds_are_not_columns_of_the_output_like_snorkel():
    snorkel_pre = pytest.importorskip("snorkel.preprocess")
    df = pd.DataFrame({"text": ["a b c", "x"]}, index=["p", "r"])
    theirs = snorkel_aug.PandasTFApplier(
        [snorkel_aug.transformation_function(name="drop", pre=[snorkel_pre.preprocessor()(_n_words)])(_drop_first_word)],
        snorkel_aug.ApplyOnePolicy()).apply(df, progress_bar=False)
    tf = wa.transformation_function(name="drop", pre=[ws_preprocessor()(_n_words)])(_drop_first_word)
    ours = wa.TFApplier([tf], wa.ApplyOnePolicy()).apply(df, progress=False)
    pd.testing.assert_frame_equal(ours, theirs)
    assert ours.columns.tolist() == ["text"] and ours.text.tolist() == ["a b c", "b c", "x"]

    @wa.transformation_function(pre=[ws_preprocessor()(_n_words)])
    def record_words(x):  # a field the TF itself sets stays
        x.n_words = x.n_words * 10
        return x

    out = wa.TFApplier([record_words], wa.ApplyOnePolicy(keep_original=False)).apply(df, progress=False)
    assert out.n_words.tolist() == [30, 10]

    @ws_preprocessor(vectorized=True)
    def n_words_batch(batch):
        return batch.assign(n_words=batch.text.str.split().str.len())

    @wa.transformation_function(pre=[n_words_batch], vectorized=True)
    def long_ones(batch):
        return batch[batch.n_words > 1].assign(text="long")

    out = wa.TFApplier([long_ones], wa.ApplyOnePolicy()).apply(df, progress=False)
    assert out.columns.tolist() == ["text"] and out.text.tolist() == ["a b c", "long", "x"]


@pytest.mark.parametrize("vectorized_too", [False, True])
def test_a_tf_returning_only_the_fields_it_changed_keeps_the_others(vectorized_too):
    """A dict of the changed fields must not blank the label (it came back None, a silent loss)."""
    df = pd.DataFrame({"text": ["hi", "yo"], "label": [1, 0], "meta": [{"k": 1}, {"k": 2}]}, index=["a", "b"])
    bang = wa.transformation_function(name="bang")(lambda x: {"text": x.text + "!"})
    tfs = [bang]
    if vectorized_too:  # a vectorized TF in the set runs row-wise TFs on the frame path
        tfs.append(wa.transformation_function(name="noop", vectorized=True)(lambda b: None))
    out = wa.TFApplier(tfs, wa.ApplyAllPolicy(len(tfs))).apply(df, progress=False)
    assert out.to_dict("list") == {"text": ["hi", "hi!", "yo", "yo!"], "label": [1, 1, 0, 0],
                                   "meta": [{"k": 1}, {"k": 1}, {"k": 2}, {"k": 2}]}
    assert out["label"].dtype == df["label"].dtype


def test_a_random_policy_over_no_tfs_is_a_clear_error():
    with pytest.raises(wa.AugmentationError, match="n_tfs=0 but draws sequences"):
        wa.TFApplier([], wa.RandomPolicy(0)).apply(pd.DataFrame({"text": ["a"]}), progress=False)
