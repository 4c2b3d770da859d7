"""weaksup.snorkel.map / .preprocess against Snorkel 0.10's mappers, side by side."""

from __future__ import annotations

import pickle
from types import SimpleNamespace

import cloudpickle
import numpy as np
import pandas as pd
import pytest
import snorkel.map as sk_map
import snorkel.map.core as sk_core

import weaksup.snorkel.map as wk_map
import weaksup.snorkel.map.core as wk_core
from weaksup.labeling import Preprocessor
from weaksup.labeling.row import make_row_type


def _split_words(lib):
    class SplitWords(lib.Mapper):
        def run(self, text):
            return dict(lower=text.lower(), words=text.split())

    return SplitWords


def test_mapper_field_mapping_matches_snorkel():
    x = SimpleNamespace(num=8, text="Henry has fun")
    for kwargs in ({}, {"field_names": {"text": "text"}, "mapped_field_names": {"lower": "text", "words": "w"}}):
        ours = _split_words(wk_map)("split", **kwargs)(x)
        theirs = _split_words(sk_map)("split", **kwargs)(x)
        assert ours == theirs
    assert x == SimpleNamespace(num=8, text="Henry has fun")  # the input point is never changed
    assert isinstance(_split_words(wk_map)("split"), Preprocessor)  # a native preprocessor too

    class WithArgs(wk_map.Mapper):
        def run(self, text, *args):
            return None

    with pytest.raises(ValueError, match="args"):
        WithArgs("bad")


def test_deep_copy_and_memoization_match_snorkel():
    calls = {"ours": 0, "theirs": 0}

    def build(lib, key):
        @lib.lambda_mapper(memoize=True)
        def mutate(x):
            calls[key] += 1
            x.d["k"] = 0
            x.n_sq = x.n ** 2
            return x

        return mutate

    ours, theirs = build(wk_map, "ours"), build(sk_map, "theirs")
    for n in (3, 3, 4, 3):
        x = SimpleNamespace(n=n, d={"k": 1})
        assert ours(x) == theirs(x)
        assert x.d == {"k": 1}  # nested values of the input are untouched
    assert calls["ours"] == calls["theirs"] == 2
    ours.reset_cache()
    ours(SimpleNamespace(n=3, d={"k": 1}))
    assert calls["ours"] == 3
    with pytest.raises(ValueError, match="parentheses"):
        wk_map.lambda_mapper(lambda x: x)


def test_memoize_key_and_pre_chain():
    seen = []

    @wk_map.lambda_mapper()
    def square(x):
        seen.append(x.num)
        x.num_sq = x.num ** 2
        return x

    @wk_map.lambda_mapper(pre=[square], memoize=True, memoize_key=lambda x: x.uid)
    def double(x):
        x.double = 2 * x.num_sq
        return x

    a = double(SimpleNamespace(uid="a", num=3, frame=pd.DataFrame({"v": [1]})))
    b = double(SimpleNamespace(uid="a", num=99, frame=pd.DataFrame({"v": [2]})))  # same key: cached
    assert a.double == b.double == 18 and seen == [3]


def test_get_hashable_matches_snorkel():
    values = [(8, "abc"), {"a": 8, "b": {"c": 9}}, [8, {"c": 9}], pd.Series({"a": 8, "b": {"c": 9}}, name="x"),
              (8, {"a": np.array([[3.0, 6.0]])}), SimpleNamespace(a=1, b=[2])]
    for v in values:
        assert wk_core.get_hashable(v) == sk_core.get_hashable(v)
    row = make_row_type(("a", "b"))((8, [1, 2]))
    assert wk_core.get_hashable(row) == sk_core.get_hashable(pd.Series({"a": 8, "b": [1, 2]}))
    with pytest.raises(ValueError):
        wk_core.get_hashable((8, {"a": pd.DataFrame({"v": [1]})}))


def test_mappers_pickle_for_worker_processes():
    mapper = _split_words(wk_map)("split", memoize=True)
    mapper(SimpleNamespace(text="A b"))
    clone = pickle.loads(cloudpickle.dumps(mapper))  # what the process-parallel applier sends to workers
    assert clone(SimpleNamespace(text="C d")).words == ["C", "d"]
    assert clone.f.__self__ is clone  # the native applier calls .f: bound to the copy, not the original
