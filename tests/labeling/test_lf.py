import pandas as pd
import pytest

from weaksup import ABSTAIN, LabelingFunction, Row, labeling_function, preprocessor
from weaksup.labeling import make_row_type
from weaksup.labeling.row import rows_restored


def test_decorator_names_and_resources():
    @labeling_function(resources={"words": {"spam"}})
    def has_word(x, words):
        return 1 if set(x.text.split()) & words else ABSTAIN

    assert has_word.name == "has_word" and not has_word.vectorized
    assert has_word({"text": "buy spam"}) == 1
    assert LabelingFunction("other", has_word.f, resources={"words": {"x"}})({"text": "buy spam"}) == ABSTAIN


def test_decorator_requires_parentheses_and_callable():
    with pytest.raises(TypeError, match="parentheses"):
        labeling_function(lambda x: 1)
    with pytest.raises(TypeError, match="callable"):
        LabelingFunction("x", 3)


def test_preprocessor_gets_a_copy_and_kind_must_match():
    @preprocessor()
    def add_len(x):
        x.n = len(x.text)
        return x

    @labeling_function(pre=[add_len])
    def long_text(x):
        return 1 if x.n > 3 else 0

    row = make_row_type(("text",))(("hello",))
    assert long_text(row) == 1
    assert "n" not in row  # the original row is untouched

    @preprocessor(vectorized=True)
    def batch_pre(df):
        return df

    with pytest.raises(TypeError, match="row-wise but preprocessor"):
        LabelingFunction("bad", lambda x: 0, pre=[batch_pre])


def test_row_access_and_mutation():
    RowT = make_row_type(("text", "my field", "class"))
    x = RowT(("a", 2, 3))
    assert isinstance(x, Row)
    assert x.text == "a" and x["my field"] == 2 and x["class"] == 3 and x[0] == "a"
    y = x.copy()
    y.text = "b"
    y.extra = 5
    assert x.text == "a" and y.text == "b" and y.extra == 5 and y["extra"] == 5
    assert y.to_dict() == {"text": "b", "my field": 2, "class": 3, "extra": 5}
    with pytest.raises(AttributeError, match="no field 'missing'"):
        _ = x.missing
    with pytest.raises(KeyError):
        _ = x["missing"]
    assert x.get("missing", 7) == 7


def test_vectorized_lf_on_frame():
    @labeling_function(vectorized=True)
    def short(df):
        return (df.text.str.len() < 3).astype(int) * 1 - (df.text.str.len() >= 3).astype(int)

    out = short(pd.DataFrame({"text": ["ab", "abcd"]}))
    assert out.tolist() == [1, -1]


def test_columns_named_like_row_methods_or_internals_read_as_columns():
    RowT = make_row_type(("_values", "_fields", "keys", "copy", "class", "my field"))
    x = RowT((1, 2, 3, 4, 5, 6))
    assert (x._values, x._fields, x.keys, x.copy) == (1, 2, 3, 4)
    assert getattr(x, "class") == 5 and getattr(x, "my field") == 6
    assert Row.keys(x) == ["_values", "_fields", "keys", "copy", "class", "my field"]
    y = Row.copy(x)
    y.keys = 9
    assert x.keys == 3 and y.keys == 9 and Row.to_dict(y)["keys"] == 9 and y != x
    assert repr(x).startswith("Row({'_values': 1")


def test_rows_restored_undoes_changes_made_in_the_block_in_this_thread_only():
    import threading

    RowT = make_row_type(("text",))
    x, other = RowT(("a",)), RowT(("a",))
    with rows_restored():
        x.text = "b"
        x["n"] = 1
        with rows_restored():
            x.text = "inner"
        assert x.text == "b" and x.n == 1  # the inner block undid only its own change
        t = threading.Thread(target=lambda: setattr(other, "text", "from another thread"))
        t.start()
        t.join()
    assert x.to_dict() == {"text": "a"} and other.text == "from another thread"
    x.text = "kept"  # outside a block changes stay
    assert x.text == "kept"


def test_resources_and_pre_given_in_the_wrong_shape_are_named():
    import pytest

    from weaksup import LabelingFunction, preprocessor
    from weaksup.errors import ParameterTypeError

    @preprocessor()
    def lower(x):
        return x

    with pytest.raises(ParameterTypeError, match=r"'lf': pre must be a list of preprocessors; pass pre=\[lower\]"):
        LabelingFunction("lf", lambda x: 1, pre=lower)
    with pytest.raises(ParameterTypeError, match="'lf': resources must be a dict of keyword arguments for f, got list"):
        LabelingFunction("lf", lambda x: 1, resources=[("k", 1)])


def test_a_missing_field_read_as_a_key_names_the_fields_and_stays_a_key_error():
    import pandas as pd
    import pytest

    from weaksup import LabelingFunction, LabelingFunctionError, LFApplier
    from weaksup.errors import MissingFieldError

    lf = LabelingFunction("body_lf", lambda x: 1 if x["body"] else -1)
    with pytest.raises(LabelingFunctionError, match=r"'body_lf' failed on row 0: MissingFieldError: row has no field "
                                                    r"'body'; fields are \['text'\]") as info:
        LFApplier([lf]).apply(pd.DataFrame({"text": ["a"]}), progress=False)
    assert isinstance(info.value.original, KeyError) and isinstance(info.value.original, MissingFieldError)
    guarded = LabelingFunction("guarded", lambda x: x.get("body", -1))
    assert LFApplier([guarded]).apply(pd.DataFrame({"text": ["a"]}), progress=False).to_dense().tolist() == [[-1]]


def test_x_name_is_the_row_id_as_on_the_series_a_snorkel_lf_gets():
    import snorkel.labeling as sk

    from weaksup import LFApplier
    from weaksup.snorkel.labeling import PandasLFApplier

    df = pd.DataFrame({"text": ["a", "b", "c"]}, index=["r1", "r2", "r3"])
    gold = {"r2": 1}

    def by_id(x):
        return gold.get(x.name, ABSTAIN)

    ours = PandasLFApplier([LabelingFunction("by_id", by_id)]).apply(df, progress_bar=False)
    theirs = sk.PandasLFApplier([sk.LabelingFunction("by_id", by_id)]).apply(df, progress_bar=False)
    assert ours.ravel().tolist() == theirs.ravel().tolist() == [-1, 1, -1]
    assert LFApplier([LabelingFunction("by_id", by_id)]).apply(df, progress=False).to_dense().ravel().tolist() == [
        -1, 1, -1]

    # the id is not a field: not a key, not a position, not in to_dict / keys, kept by a preprocessor's copy
    @preprocessor()
    def count(x):
        x.n = len(x.text)
        return x

    def check(x):
        assert x.to_dict() == {"text": x.text, "n": 1} and list(x.keys()) == ["text", "n"] and x[0] == x.text
        assert list(x) == [x.text, 1]  # values, as iterating a Series; the row id is not among them
        assert "name" not in x and x.get("name") is None
        return int(x.name == "r3")

    L = LFApplier([LabelingFunction("check", check, pre=[count])]).apply(df, progress=False)
    assert L.to_dense().ravel().tolist() == [0, 0, 1]
    # a column called name wins; a Series called directly keeps its label; a dict has no id
    named = pd.DataFrame({"name": ["x", "y"]}, index=[5, 6])
    lf = LabelingFunction("is_y", lambda x: int(x.name == "y"))
    assert LFApplier([lf]).apply(named, progress=False).to_dense().ravel().tolist() == [0, 1]
    assert LabelingFunction("id", lambda x: x.name)(df.iloc[1]) == "r2"
    with pytest.raises(AttributeError, match="no field 'name'"):
        LabelingFunction("id", lambda x: x.name)({"text": "a"})


def test_fingerprint_follows_helpers_reached_through_a_module_or_a_class(tmp_path, monkeypatch):
    import importlib
    import sys

    (tmp_path / "lf_helpers_probe.py").write_text("LIMIT = 3\ndef score(text):\n    return 1 if 'a' in text else -1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    helpers = importlib.import_module("lf_helpers_probe")
    try:
        @labeling_function()
        def via_module(x):
            return helpers.score(x.text) if len(x.text) < helpers.LIMIT else ABSTAIN

        before = via_module.fingerprint()
        (tmp_path / "lf_helpers_probe.py").write_text("LIMIT = 3\ndef score(text):\n    return 1 if 'bc' in text else -1\n")
        importlib.reload(helpers)
        edited = via_module.fingerprint()
        helpers.LIMIT = 4
        assert len({before, edited, via_module.fingerprint()}) == 3
    finally:
        sys.modules.pop("lf_helpers_probe", None)

    class Scorer:
        def score(self, text):
            return 1 if "a" in text else -1

    scorer = Scorer()

    @labeling_function()
    def via_object(x):
        return scorer.score(x.text)

    before = via_object.fingerprint()
    Scorer.score = lambda self, text: 1 if "b" in text else -1
    assert via_object.fingerprint() != before
