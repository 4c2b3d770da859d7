"""A row-wise LF's row answers the read-only pandas Series calls a Snorkel LF makes, as Snorkel 0.10's does.

Snorkel hands each LF a pandas Series (``df.apply(..., axis=1)``); weaksup a light :class:`Row`. Ported
LFs call ``len(x)``, ``x.index``, ``x.loc[...]``, ``x.isnull()`` ... on it: same answers, side by side.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from weaksup import LFApplier, labeling_function, preprocessor
from weaksup.errors import LabelingFunctionError, MissingFieldError
from weaksup.labeling import Row, make_row_type
from weaksup.labeling.row import ReadOnlyRowError


def _plain(v):
    return None if not isinstance(v, (list, tuple)) and pd.isna(v) else v  # None (weaksup) and NaN (pandas) alike


CALLS = {
    "len": lambda x: len(x),
    "index": lambda x: list(x.index),
    "values": lambda x: [_plain(v) for v in x.values],
    "items": lambda x: [(k, _plain(v)) for k, v in x.items()],
    "iter": lambda x: [_plain(v) for v in x],  # a Series iterates its values, not its labels
    "tolist": lambda x: [_plain(v) for v in x.tolist()],
    "to_list": lambda x: [_plain(v) for v in x.to_list()],
    "loc": lambda x: x.loc["label"],
    "iloc": lambda x: x.iloc[1],
    "at": lambda x: x.at["label"],
    "iat": lambda x: x.iat[1],
    "sub": lambda x: (list(x[["label", "score"]].index), x[["label", "score"]].fillna(-9).tolist()),
    "isnull": lambda x: x.isnull().tolist(),
    "isna_any": lambda x: bool(x.isna().any()),
    "notna": lambda x: x.notna().tolist(),
    "notnull": lambda x: x.notnull().tolist(),
    "in": lambda x: ("text" in x, "nope" in x),
    "dict": lambda x: {k: _plain(v) for k, v in dict(x).items()},
    "name": lambda x: x.name,
    "any_missing": lambda x: any(_plain(v) is None for v in x),
}


@pytest.fixture
def frame():
    return pd.DataFrame({"text": ["Hello world", None, "nice song"], "label": [0, 1, 0], "score": [0.5, np.nan, 2.0]},
                        index=["a", "b", "c"])


def _seen(lf_decorator, applier, frame):
    rows = []

    def record(x):
        rows.append({name: call(x) for name, call in CALLS.items()})
        return -1

    applier([lf_decorator()(record)]).apply(frame, progress_bar=False)
    return rows


def test_series_calls_answer_as_on_snorkels_row(frame):
    from snorkel.labeling import PandasLFApplier as TheirApplier
    from snorkel.labeling import labeling_function as their_lf

    from weaksup.snorkel.labeling import PandasLFApplier

    theirs = _seen(their_lf, TheirApplier, frame)
    ours = _seen(labeling_function, PandasLFApplier, frame)
    assert len(ours) == len(theirs) == 3
    for mine, snorkels in zip(ours, theirs, strict=True):
        assert mine == snorkels


def test_native_applier_gives_the_same_rows(frame):
    from weaksup.snorkel.labeling import PandasLFApplier

    native = []

    def record(x):
        native.append({name: call(x) for name, call in CALLS.items()})
        return -1

    LFApplier([labeling_function()(record)]).apply(frame, progress=False)
    assert native == _seen(labeling_function, PandasLFApplier, frame)


def test_isnull_any_lf_votes_as_snorkels(frame):
    from snorkel.labeling import PandasLFApplier as TheirApplier
    from snorkel.labeling import labeling_function as their_lf

    def incomplete(x):
        return 1 if x.isnull().any() else 0

    ours = LFApplier([labeling_function()(incomplete)]).apply(frame, progress=False).to_dense().ravel().tolist()
    theirs = TheirApplier([their_lf()(incomplete)]).apply(frame, progress_bar=False).ravel().tolist()
    assert ours == theirs == [0, 1, 0]


def test_mapping_use_keeps_working():
    x = make_row_type(("text", "n"))(("hi", 3), row_id="r1")
    assert dict(x) == {**x} == x.to_dict() == {"text": "hi", "n": 3}  # by name, through keys(), as a Series too
    assert list(x) == ["hi", 3] and list(x.keys()) == ["text", "n"] and len(x) == 2
    assert x.get("nope", 0) == 0 and "text" in x and "hi" not in x
    assert x[["n"]].tolist() == [3] and x[["n"]].name == "r1"
    assert bool(make_row_type(())(())) is True  # a row with no fields is still a row (not falsy through len)


def test_added_fields_count_and_the_id_does_not():
    @preprocessor()
    def words(x):
        x.words = x.text.split()
        return x

    seen = {}

    @labeling_function(pre=[words])
    def look(x):
        seen.update(keys=list(x.index), n=len(x), last=x.iloc[-1], words=x.loc["words"], name=x.name)
        return -1

    LFApplier([look]).apply(pd.DataFrame({"text": ["a b"]}, index=[42]), progress=False)
    assert seen == {"keys": ["text", "words"], "n": 2, "last": ["a", "b"], "words": ["a", "b"], "name": 42}


def test_a_field_named_like_a_series_attribute_wins():
    x = make_row_type(("index", "values", "loc", "items"))((1, 2, 3, 4))
    assert (x.index, x.values, x.loc, x.items) == (1, 2, 3, 4)
    assert list(Row.items(x)) == [("index", 1), ("values", 2), ("loc", 3), ("items", 4)]

    @preprocessor()
    def shadow(x):
        x.index = "mine"
        return x

    @labeling_function(pre=[shadow])
    def lf(x):
        return 1 if x.index == "mine" and x.iloc[0] == "t" else 0

    frame = pd.DataFrame({"text": ["t"]})
    assert LFApplier([lf]).apply(frame, progress=False).to_dense().ravel().tolist() == [1]
    # a frame after reset_index(): the column 'index' is the field, as on Snorkel's Series row
    df = pd.DataFrame({"text": ["t"]}, index=[5]).reset_index()
    got = LFApplier([labeling_function()(lambda x: x.index)]).apply(df, progress=False).to_dense().ravel().tolist()
    assert got == [5]


def test_missing_fields_and_writes_through_a_view_are_named():
    x = make_row_type(("text", "label"))(("hi", 1))
    with pytest.raises(MissingFieldError, match=r"no field 'nope'.*fields are \['text', 'label'\]"):
        x.loc["nope"]
    with pytest.raises(KeyError):  # an `except KeyError` in a ported LF still catches it
        x.at["nope"]
    with pytest.raises(MissingFieldError, match=r"no field\(s\) \['nope'\]"):
        x[["text", "nope"]]
    with pytest.raises(ReadOnlyRowError, match=r"x\.loc\[\.\.\.\] is read-only.*x\['text'\] = value"):
        x.loc["text"] = "changed"
    assert x.text == "hi"

    @labeling_function()
    def bad(x):
        return x.loc["missing"]

    with pytest.raises(LabelingFunctionError, match=r"'bad' failed on row 'r2'.*no field 'missing'"):
        LFApplier([bad]).apply(pd.DataFrame({"text": ["a"]}, index=["r2"]), progress=False)


def test_series_views_are_copies_that_never_change_the_row():
    x = make_row_type(("text", "n"))(("hi", 3))
    s = x[["text", "n"]]
    s["text"] = "changed"
    assert x.to_dict() == {"text": "hi", "n": 3}
    assert x[["n"]].name is None  # a row built without an id: an unnamed Series


def test_integer_column_labels_read_by_label_as_on_a_series():
    df = pd.DataFrame([["b-val", "a-val"]], columns=[1, 0])  # integer labels out of position order

    @labeling_function()
    def reads_column_0(x):
        series = df.iloc[0]
        assert x[0] == series[0] == "a-val" and x[np.int64(1)] == series[1] == "b-val"
        assert 0 in x and np.int64(1) in x and 2 not in x
        return 1

    assert LFApplier([reads_column_0]).apply(df, progress=False).to_dense().tolist() == [[1]]


def test_column_labels_that_are_not_text_read_by_label():
    for columns, key in ((pd.MultiIndex.from_tuples([("a", "b"), ("a", "c")]), ("a", "c")), ([1.5, 2.5], 2.5)):
        df = pd.DataFrame([["first", "second"]], columns=columns)
        rule = labeling_function(name="second")(lambda x, key=key: 1 if key in x and x[key] == "second" else 0)
        assert LFApplier([rule]).apply(df, progress=False).to_dense().tolist() == [[1]]
