"""Augmentation: the native TF applier and the Snorkel-compatible one, side by side with Snorkel 0.10."""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

import weaksup.augment as wa
import weaksup.snorkel.augmentation as wsa

snorkel_aug = pytest.importorskip("snorkel.augmentation")


# TF bodies shared by every implementation: they read and set fields as attributes
def _swap_words(x):
    words = x.text.split()
    if len(words) < 2:
        return None
    words[0], words[-1] = words[-1], words[0]
    x.text = " ".join(words)
    return x


def _shout(x):
    x.text = x.text.upper()
    return x


def _add_n(x):
    if x.n % 3 == 0:
        return None
    x.n = x.n + 100
    return x


BODIES = [_swap_words, _shout, _add_n]


def _frame(n=60):
    rng = np.random.RandomState(7)
    words = np.array(["check", "out", "my", "channel", "nice", "song", "love", "it"])
    texts = [" ".join(rng.choice(words, size=rng.randint(1, 6))) for _ in range(n)]
    return pd.DataFrame({"text": texts, "n": np.arange(n), "f": rng.rand(n)},
                        index=[f"id{i}" for i in range(n)])


def _tfs(decorate):
    return [decorate(name=b.__name__.strip("_"))(b) for b in BODIES]


POLICIES = [
    lambda m: ("RandomPolicy", dict(n_tfs=m, sequence_length=2, n_per_original=2, keep_original=True)),
    lambda m: ("RandomPolicy", dict(n_tfs=m, sequence_length=3, n_per_original=1, keep_original=False)),
    lambda m: ("MeanFieldPolicy", dict(n_tfs=m, sequence_length=2, p=[0.2, 0.5, 0.3], n_per_original=3)),
    lambda m: ("ApplyAllPolicy", dict(n_tfs=m, n_per_original=2, keep_original=False)),
    lambda m: ("ApplyEachPolicy", dict(n_tfs=m, keep_original=True)),
]


@pytest.mark.parametrize("make", POLICIES)
def test_pandas_tf_applier_equals_snorkel(make):
    df = _frame()
    name, kwargs = make(3)
    np.random.seed(11)
    expected = snorkel_aug.PandasTFApplier(_tfs(snorkel_aug.transformation_function),
                                          getattr(snorkel_aug, name)(**kwargs)).apply(df, progress_bar=False)
    np.random.seed(11)
    got = wsa.PandasTFApplier(_tfs(wsa.transformation_function),
                              getattr(wsa, name)(**kwargs)).apply(df, progress_bar=False)
    pd.testing.assert_frame_equal(got, expected)
    # the native applier with native TFs gives the same rows (same global draws)
    np.random.seed(11)
    native = wa.TFApplier(_tfs(wa.transformation_function), getattr(wa, name)(**kwargs)).apply(df, progress=False)
    pd.testing.assert_frame_equal(native, expected)


def test_tf_applier_on_objects_equals_snorkel():
    points = [SimpleNamespace(text=t, n=i) for i, t in enumerate(_frame(20).text)]
    np.random.seed(3)
    expected = snorkel_aug.TFApplier(_tfs(snorkel_aug.transformation_function),
                                    snorkel_aug.RandomPolicy(3, sequence_length=2, n_per_original=2)).apply(
        points, progress_bar=False)
    np.random.seed(3)
    got = wsa.TFApplier(_tfs(wsa.transformation_function), wsa.RandomPolicy(3, sequence_length=2, n_per_original=2))
    assert got.apply(points, progress_bar=False) == expected
    assert [p.n for p in points] == list(range(20))  # inputs untouched


def test_policy_draws_equal_snorkel_stream():
    np.random.seed(5)
    expected = [snorkel_aug.MeanFieldPolicy(4, sequence_length=3, p=[0.1, 0.2, 0.3, 0.4]).generate() for _ in range(6)]
    np.random.seed(5)
    got = wa.MeanFieldPolicy(4, sequence_length=3, p=[0.1, 0.2, 0.3, 0.4], n_per_original=2).sequences(3)
    assert got.reshape(6, 3).tolist() == expected


def test_provenance_and_unique_index():
    df = _frame(30)
    applier = wa.TFApplier(_tfs(wa.transformation_function), wa.RandomPolicy(3, sequence_length=2, n_per_original=2,
                                                                              random_state=0), index="unique")
    out = applier.apply(df, progress=False)
    prov = applier.provenance_
    assert out.index.is_unique and out.index.names == [None, "copy"]
    assert prov.index.equals(out.index)
    assert (prov.source.to_numpy() == out.index.get_level_values(0).to_numpy()).all()
    # each source's rows are contiguous, the original (copy 0) first and unchanged
    originals = out.xs(0, level="copy")
    pd.testing.assert_frame_equal(originals, df)
    assert list(dict.fromkeys(prov.source)) == list(df.index)
    # replaying the recorded transforms on the source row reproduces every output row
    by_name = {tf.name: tf for tf in applier.tfs}
    for (src, copy), row in out.iterrows():
        x = df.loc[src].to_dict()
        for name in prov.loc[(src, copy), "transforms"]:
            x = by_name[name](x).to_dict()
        assert x == row.to_dict()
    # a copy is kept only when some TF applied
    assert all(len(t) > 0 for c, t in zip(prov["copy"], prov.transforms, strict=True) if c > 0)


def test_random_state_int_reproducible_and_generator_equals_apply():
    df = _frame(25)
    policy = wa.RandomPolicy(3, sequence_length=2, n_per_original=2, random_state=42)
    applier = wa.TFApplier(_tfs(wa.transformation_function), policy)
    a = applier.apply(df, progress=False)
    np.random.seed(0)  # the global generator plays no part
    b = applier.apply(df, progress=False)
    pd.testing.assert_frame_equal(a, b)
    batches = list(applier.apply_generator(df, batch_size=7))
    assert len(batches) == 4
    pd.testing.assert_frame_equal(pd.concat(batches), a)


def test_vectorized_tf_equals_row_wise_and_mixes():
    df = _frame(40)

    @wa.transformation_function(vectorized=True)
    def add_n(batch):
        hit = batch.n % 3 != 0
        return batch[hit].assign(n=batch.n[hit] + 100)

    @wa.transformation_function(vectorized=True)
    def shout(batch):
        return batch.assign(text=batch.text.str.upper())

    row_tfs = _tfs(wa.transformation_function)
    mixed = [row_tfs[0], shout, add_n]
    for policy in (wa.RandomPolicy(3, sequence_length=2, n_per_original=2, random_state=1), wa.ApplyEachPolicy(3)):
        a = wa.TFApplier(row_tfs, policy)
        b = wa.TFApplier(mixed, policy)
        pd.testing.assert_frame_equal(b.apply(df, progress=False), a.apply(df, progress=False))
        pd.testing.assert_frame_equal(b.provenance_, a.provenance_)


def test_inputs_are_never_changed_nested_values_included():
    df = pd.DataFrame({"d": [{"k": 1}, {"k": 2}], "tags": [["a"], ["b"]]})

    @wa.transformation_function()
    def poke(x):
        x.d["k"] = 0
        x.tags.append("new")
        return x

    @wa.transformation_function(vectorized=True)
    def poke_batch(batch):
        for d in batch.d:
            d["k"] = -1
        return batch

    for tf in (poke, poke_batch):
        out = wa.TFApplier([tf], wa.ApplyOnePolicy(n_per_original=2)).apply(df, progress=False)
        assert df.d.tolist() == [{"k": 1}, {"k": 2}] and df.tags.tolist() == [["a"], ["b"]]
        assert out.d.tolist()[0] == {"k": 1}  # the kept original is the input row
    assert out.d.tolist() == [{"k": 1}, {"k": -1}, {"k": -1}, {"k": 2}, {"k": -1}, {"k": -1}]


def test_dtypes_kept():
    df = pd.DataFrame({"n": np.array([1, 2, 3], dtype=np.int32), "c": pd.Categorical(["a", "b", "a"]),
                       "t": ["x", "y", "z"]})
    out = wa.TFApplier(_tfs(wa.transformation_function)[1:2], wa.ApplyAllPolicy(1)).apply(
        df.rename(columns={"t": "text"}), progress=False)
    assert out.dtypes.tolist() == df.dtypes.tolist() and out.n.dtype == np.int32
    assert out.text.tolist() == ["x", "X", "y", "Y", "z", "Z"]


def test_errors_name_the_tf_and_row():
    df = pd.DataFrame({"text": ["ok", None]}, index=["r1", "r2"])
    with pytest.raises(wa.TransformationFunctionError, match=r"'shout' failed on row 'r2'.*AttributeError"):
        wa.TFApplier(_tfs(wa.transformation_function)[1:2], wa.ApplyAllPolicy(1)).apply(df, progress=False)

    @wa.transformation_function(vectorized=True)
    def strays(batch):
        return batch.set_axis([f"{i}_stray" for i in batch.index])

    with pytest.raises(wa.AugmentationError, match="'strays' returned rows that are not in its batch"):
        wa.TFApplier([strays], wa.ApplyOnePolicy()).apply(df, progress=False)
    with pytest.raises(wa.AugmentationError, match="policy names TF index 2"):
        wa.TFApplier([strays], wa.ApplyAllPolicy(3)).apply(df, progress=False)
    with pytest.raises(wa.AugmentationError, match="p must be 2 non-negative probabilities"):
        wa.MeanFieldPolicy(2, p=[0.5, 0.6])
    with pytest.raises(wa.AugmentationError, match="unique"):
        wa.TFApplier([strays, strays], wa.ApplyAllPolicy(2))
    with pytest.raises(ValueError, match="missing parentheses"):
        wsa.transformation_function(_shout)


def test_custom_snorkel_style_policy_with_generate_only():
    class EveryOther(wa.Policy):
        def __init__(self):
            super().__init__(2, n_per_original=1, keep_original=False)
            self.calls = 0

        def generate(self):
            self.calls += 1
            return [self.calls % 2]

    df = pd.DataFrame({"text": ["a b", "c d", "e f"], "n": [1, 2, 4]})
    out = wa.TFApplier(_tfs(wa.transformation_function)[1:], EveryOther()).apply(df, progress=False)
    assert out.text.tolist() == ["a b", "C D", "e f"] and out.n.tolist() == [101, 2, 104]


def test_mapper_style_tf_and_memoize_equal_snorkel():
    class SwapTF:  # Snorkel's Mapper style: run(**fields) -> new fields
        def run(self, text):
            words = text.split()
            return None if len(words) < 2 else dict(text=" ".join(words[::-1]))

    ours_cls = type("Swap", (SwapTF, wsa.TransformationFunction), {})
    theirs_cls = type("Swap", (SwapTF, snorkel_aug.TransformationFunction), {})
    df = _frame(30)
    np.random.seed(2)
    expected = snorkel_aug.PandasTFApplier([theirs_cls("swap")], snorkel_aug.ApplyOnePolicy(2)).apply(
        df, progress_bar=False)
    np.random.seed(2)
    got = wsa.PandasTFApplier([ours_cls("swap")], wsa.ApplyOnePolicy(2)).apply(df, progress_bar=False)
    pd.testing.assert_frame_equal(got, expected)

    calls = []

    def counted(x):
        calls.append(1)
        return _shout(x)

    tf = wsa.transformation_function(name="shout", memoize=True)(counted)
    first, second = tf(SimpleNamespace(text="a", n=1)), tf(SimpleNamespace(text="a", n=1))
    assert first.text == second.text == "A" and len(calls) == 1
    tf.reset_cache()
    tf(SimpleNamespace(text="a", n=1))
    assert len(calls) == 2
