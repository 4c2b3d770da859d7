"""Issue #12, LF and applier items: votes stay on their rows, bad labels are named, LFs cannot leak changes.

Items covered here: 6 (Series returned by a vectorized LF must carry the batch's index), 8 (labels
the storage cannot hold), 9 (an LF changing its row or batch), 11 (LF parts: pickling, duplicate
columns, pd.NA, np.longlong / IntEnum labels, columns named like Row methods, sys.exit in an LF).
"""

from __future__ import annotations

import enum
import importlib.util
import sys
import threading
import time

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from weaksup import ABSTAIN, LFApplier, Row, labeling_function, preprocessor
from weaksup.apply.core import balanced_chunk_size
from weaksup.errors import (
    ApplyInputError,
    InvalidLabelError,
    LabelingFunctionError,
    LFPicklingError,
    WeaksupError,
)
from weaksup.labeling import make_row_type


def shuffled(n=10):
    return pd.DataFrame({"n": np.arange(n), "text": [f"t{i}" for i in range(n)]}).sample(frac=1, random_state=0)


def apply(lfs, df, **kw):
    return LFApplier(lfs, **kw).apply(df, progress=False)


# item 6 --------------------------------------------------------------------------------------------
def test_series_with_reset_index_on_shuffled_frame_is_an_error_not_a_realignment():
    @labeling_function(vectorized=True)
    def big(df):  # pd.Series(values) has index 0..n-1, a permutation of the shuffled frame's index
        return pd.Series(np.where(df.n > 4, 1, 0))

    df = shuffled()
    with pytest.raises(LabelingFunctionError, match=r"'big'.*index differs") as info:
        apply([big], df)
    assert info.value.lf_name == "big" and info.value.row_id == df.index[0]


def test_series_with_reset_index_on_later_batch_is_an_error():
    @labeling_function(vectorized=True)
    def reset(df):
        return pd.Series(np.where(df.n > 4, 1, 0))  # index 0..k-1: right for the first batch only

    df = pd.DataFrame({"n": np.arange(10)})
    with pytest.raises(LabelingFunctionError, match="index differs") as info:
        apply([reset], df, chunk_size=4)
    assert info.value.row_id == 4


@pytest.mark.parametrize("kind", ["array", "list", "series_own_index", "one_column_frame"])
def test_outputs_in_batch_order_keep_votes_on_their_rows(kind):
    @labeling_function(vectorized=True)
    def big(df):
        votes = np.where(df.n > 4, 1, 0)
        if kind == "list":
            return votes.tolist()
        if kind == "series_own_index":
            return pd.Series(votes, index=df.index)
        if kind == "one_column_frame":
            return pd.DataFrame({"v": votes}, index=df.index)
        return votes

    df = shuffled()
    L = apply([big], df, chunk_size=3)
    assert L.index.equals(df.index)
    assert L.to_dense()[:, 0].tolist() == np.where(df.n > 4, 1, 0).tolist()


def test_series_reordered_within_the_batch_is_an_error():
    @labeling_function(vectorized=True)
    def sorted_out(df):
        return pd.Series(np.where(df.n > 4, 1, 0), index=df.index).sort_index()

    with pytest.raises(LabelingFunctionError, match="index differs"):
        apply([sorted_out], shuffled())


# item 8 (LF part) ---------------------------------------------------------------------------------
BAD_LABELS = [2**40, 2**63, np.uint64(2**63), -2, 2**31, -(2**70)]


def _lfs_returning(value, at=3):
    @labeling_function(name="rowwise")
    def rowwise(x):
        return value if x.n == at else 0

    @labeling_function(name="vec_list", vectorized=True)
    def vec_list(df):
        return [value if n == at else 0 for n in df.n]

    @labeling_function(name="vec_array", vectorized=True)
    def vec_array(df):
        return np.array([value if n == at else 0 for n in df.n], dtype=object if isinstance(value, int) else type(value))

    return [rowwise, vec_list, vec_array]


@pytest.mark.parametrize("value", BAD_LABELS, ids=repr)
def test_labels_the_storage_cannot_hold_are_named(value):
    df = shuffled()
    for lf in _lfs_returning(value):
        with pytest.raises(InvalidLabelError, match="-1 to abstain") as info:
            apply([lf], df)
        err = info.value
        assert (err.lf_name, err.row_id) == (lf.name, 3)
        assert err.value == value and type(err.value) is type(value)


def test_unsigned_array_beyond_int64_keeps_its_value():
    @labeling_function(vectorized=True)
    def huge(df):
        return np.where(df.n == 3, np.uint64(2**63), np.uint64(0))

    with pytest.raises(InvalidLabelError) as info:
        apply([huge], shuffled())
    assert info.value.row_id == 3 and info.value.value == np.uint64(2**63)  # not wrapped to a negative


def test_largest_storable_label_round_trips():
    @labeling_function()
    def top(x):
        return 2**31 - 2

    assert apply([top], shuffled(3)).to_dense().ravel().tolist() == [2**31 - 2] * 3


@pytest.mark.parametrize("value", [2**40, np.uint64(2**63), -2], ids=repr)
def test_bad_labels_named_from_workers(value):
    # the bad row is in the last batch: an error that cancels running tasks restarts the workers (slow)
    df = pd.DataFrame({"n": np.arange(12)}, index=[f"r{i}" for i in range(12)])
    for lf in _lfs_returning(value, at=11)[:2]:
        with pytest.raises(InvalidLabelError) as info:
            apply([lf], df, n_jobs=2, chunk_size=3)
        assert (info.value.lf_name, info.value.row_id) == (lf.name, "r11") and info.value.value == value


def test_worker_error_stops_the_remaining_batches_at_once(tmp_path):
    @labeling_function()
    def marks(x):  # every row leaves a mark; row 0 fails
        if x.n == 0:
            raise ValueError("boom")
        time.sleep(0.01)
        (tmp_path / f"{x.n}").touch()
        return 0

    df = pd.DataFrame({"n": np.arange(60)})
    with pytest.raises(LabelingFunctionError, match="boom") as info:
        apply([marks], df, n_jobs=2, chunk_size=2)
    kept = info.value  # a notebook keeps the last traceback (and the frames it references) alive
    time.sleep(2.0)  # the 59 other rows take ~0.3 s over two workers: all marked if the workers went on
    assert len(list(tmp_path.iterdir())) < 30 and kept.row_id == 0


# item 9 --------------------------------------------------------------------------------------------
@labeling_function()
def overwrites(x):
    x.text = "changed"
    x["added"] = 1
    return 1


@labeling_function()
def reads(x):
    return 1 if x.text == "changed" or "added" in x else 0


def test_row_changes_do_not_reach_later_lfs():
    df = shuffled()
    first = apply([overwrites, reads], df)
    second = apply([reads, overwrites], df)
    assert first.to_dense()[:, 1].tolist() == second.to_dense()[:, 0].tolist() == [0] * len(df)
    assert df.text.tolist() == [f"t{i}" for i in df.n]


def test_row_changes_do_not_reach_lfs_sharing_a_memoized_preprocessor():
    @preprocessor(memoize=True)
    def upper(x):
        x.up = x.text.upper()
        return x

    @labeling_function(pre=[upper])
    def clobber(x):
        x.up = "CLOBBERED"
        return 0

    @labeling_function(pre=[upper])
    def check(x):
        return 1 if x.up == x.text.upper() else 0

    assert apply([clobber, check], shuffled()).to_dense()[:, 1].tolist() == [1] * 10


@given(st.permutations(range(4)))
@settings(max_examples=12, deadline=None)
def test_votes_do_not_depend_on_lf_order(order):
    @labeling_function(name="inc")
    def inc(x):
        x.n = x.n + 100
        return x.n % 2

    @labeling_function(name="mark")
    def mark(x):
        x.seen = True
        return 0 if "seen" in x else 1

    @labeling_function(name="small")
    def small(x):
        return 1 if x.n < 5 else 0

    @labeling_function(name="text", vectorized=True)
    def text(df):
        out = np.where(df.n < 5, 0, 1)
        df["n"] = 1000  # changes the batch: must not reach anyone
        return out

    lfs = [inc, mark, small, text]
    df = shuffled()
    reference = apply(lfs, df).to_dense()
    L = apply([lfs[i] for i in order], df, chunk_size=3)
    names = [lfs[i].name for i in order]
    for j, lf in enumerate(lfs):
        assert L.to_dense()[:, names.index(lf.name)].tolist() == reference[:, j].tolist()
    assert reference[:, 2].tolist() == (df.n < 5).astype(int).tolist()
    assert df.n.tolist() != [1000] * 10


def test_vectorized_lf_changing_its_batch_reaches_neither_the_input_nor_later_lfs():
    @labeling_function(vectorized=True)
    def vandal(df):
        df["text"] = "z"
        df.loc[df.index[0], "n"] = 99
        df["new"] = 1
        return np.zeros(len(df), dtype=int)

    @labeling_function(vectorized=True)
    def honest(df):
        return np.where((df.text == "z") | (df.n == 99) | ("new" in df.columns), 1, 0)

    df = shuffled()
    before = df.copy()
    assert apply([vandal, honest], df, chunk_size=4).to_dense()[:, 1].tolist() == [0] * 10
    pd.testing.assert_frame_equal(df, before)


def test_lf_writing_into_a_numpy_row_is_refused_and_the_input_kept():
    X = np.arange(6).reshape(3, 2)

    @labeling_function()
    def writes(x):
        x[0] = 100
        return 1

    @labeling_function(vectorized=True)
    def writes_batch(batch):
        batch[:, 0] = 100
        return np.ones(len(batch), dtype=int)

    for lf in (writes, writes_batch):
        with pytest.raises(LabelingFunctionError, match="read-only") as info:
            apply([lf], X)
        assert info.value.lf_name == lf.name
    assert X.tolist() == [[0, 1], [2, 3], [4, 5]]


def test_preprocessor_on_numpy_rows_gets_a_copy():
    X = np.arange(6).reshape(3, 2)

    @preprocessor()
    def double(x):
        x *= 2
        return x

    @labeling_function(pre=[double])
    def first(x):
        return int(x[0])

    assert apply([first], X).to_dense().ravel().tolist() == [0, 4, 8]
    assert X.tolist() == [[0, 1], [2, 3], [4, 5]]


# item 11 (LF parts) -------------------------------------------------------------------------------
def test_unpicklable_lf_with_workers_is_named():
    @labeling_function(resources={"lock": threading.Lock()})
    def locked(x, lock):
        return 1

    @labeling_function()
    def fine(x):
        return 0

    with pytest.raises(LFPicklingError, match=r"'locked'.*resource 'lock'.*_thread\.lock") as info:
        apply([fine, locked], shuffled(12), n_jobs=2, chunk_size=3)
    assert info.value.lf_name == "locked"
    assert apply([fine, locked], shuffled(12)).shape == (12, 2)  # in-process it works


def test_lfs_a_worker_cannot_import_are_a_typed_error(tmp_path):
    source = tmp_path / "ws_lfs_only_here.py"
    source.write_text("def vote(x):\n    return 1\n")
    spec = importlib.util.spec_from_file_location("ws_lfs_only_here", source)
    module = importlib.util.module_from_spec(spec)
    sys.modules["ws_lfs_only_here"] = module  # importable here by name, not in a fresh worker
    try:
        spec.loader.exec_module(module)
        lf = labeling_function(name="elsewhere")(module.vote)
        with pytest.raises(LFPicklingError, match="could not unpickle.*ws_lfs_only_here") as info:
            apply([lf], shuffled(12), n_jobs=2, chunk_size=3)
        assert info.value.lf_name == "elsewhere"
    finally:
        del sys.modules["ws_lfs_only_here"]


@pytest.mark.parametrize("columns", [["text", "text"], [1, "1"]], ids=["same", "same-as-str"])
def test_duplicate_column_names_are_a_clear_error(columns):
    df = pd.DataFrame([["a", "b"], ["c", "d"]], columns=columns)

    @labeling_function()
    def rowwise(x):
        return 1

    @labeling_function(vectorized=True)
    def vec(df):
        return np.ones(len(df), dtype=int)

    for lf in (rowwise, vec):
        with pytest.raises(ApplyInputError, match="duplicate column names"):
            apply([lf], df)
    with pytest.raises(ApplyInputError, match="duplicate column names"):
        apply([rowwise], pd.concat([df] * 3), n_jobs=2, chunk_size=2)


def test_nullable_int_values_and_pd_na_are_named_as_missing_not_float():
    df = pd.DataFrame({"label": pd.array([1, None, 0], dtype="Int64")}, index=["a", "b", "c"])

    @labeling_function()
    def copies(x):
        return x.label

    @labeling_function(vectorized=True)
    def copies_column(batch):
        return batch.label

    @labeling_function(vectorized=True)
    def copies_array(batch):
        return batch.label.array

    for lf in (copies, copies_column, copies_array):
        with pytest.raises(InvalidLabelError, match=r"<NA> \(NAType\): a missing value") as info:
            apply([lf], df)
        assert info.value.row_id == "b" and info.value.value is pd.NA
        assert "float" not in str(info.value)
    full = pd.DataFrame({"label": pd.array([1, 0], dtype="Int64")})
    assert apply([copies, copies_column], full).to_dense().tolist() == [[1, 1], [0, 0]]


class Sentiment(enum.IntEnum):
    NEG = 0
    POS = 1


@pytest.mark.parametrize(
    "value", [np.longlong(1), Sentiment.POS, np.intc(1), np.ulonglong(1)], ids=["longlong", "IntEnum", "intc", "ulonglong"]
)
def test_every_integer_type_is_a_label(value):
    @labeling_function()
    def rowwise(x):
        return value

    @labeling_function(vectorized=True)
    def vec_list(df):
        return [value] * len(df)

    @labeling_function(vectorized=True)
    def vec_object(df):
        return np.array([value] * len(df), dtype=object)

    L = apply([rowwise, vec_list, vec_object], shuffled(4), cardinality=2)
    assert L.to_dense().tolist() == [[1, 1, 1]] * 4


@pytest.mark.parametrize("value", [True, np.True_, False], ids=repr)
def test_booleans_stay_an_error(value):
    @labeling_function()
    def rowwise(x):
        return value

    @labeling_function(vectorized=True)
    def vec(df):
        return np.full(len(df), value)

    for lf in (rowwise, vec):
        with pytest.raises(InvalidLabelError, match="booleans"):
            apply([lf], shuffled(3))


def test_columns_named_like_row_methods_read_as_the_column():
    names = ["keys", "copy", "get", "items", "values", "to_dict"]
    df = pd.DataFrame([[f"v_{n}" for n in names]], columns=names)

    @preprocessor()
    def add(x):  # the preprocessor copies the row: a "copy" column must not break that
        x.extra = x.copy
        return x

    @labeling_function(pre=[add])
    def reads_all(x):
        assert [getattr(x, n) for n in names] == [f"v_{n}" for n in names]
        assert x.extra == "v_copy" and Row.keys(x) == [*names, "extra"]
        return 1

    assert apply([reads_all], df).to_dense().tolist() == [[1]]


def test_fields_added_by_preprocessors_win_over_row_methods():
    @preprocessor()
    def add_keys(x):
        x.keys = ["k1", "k2"]
        return x

    @labeling_function(pre=[add_keys])
    def uses_keys(x):
        return len(x.keys)

    assert apply([uses_keys], shuffled(2)).to_dense().ravel().tolist() == [2, 2]
    row = make_row_type(("text",))(("a",))
    assert row.keys() == ["text"] and row.get("text") == "a" and row.to_dict() == {"text": "a"}


def test_lf_calling_sys_exit_is_reported_not_obeyed():
    @labeling_function()
    def quits(x):
        sys.exit(5)

    with pytest.raises(LabelingFunctionError, match="'quits'.*SystemExit") as info:
        apply([quits], shuffled(3))
    assert info.value.row_id == shuffled(3).index[0]


# property: the applier equals a naive loop, or raises the first error a naive loop meets -------------
BAD_VALUES = [True, None, 1.5, float("nan"), 2**40, 2**63, -2, pd.NA, "1"]
CARDINALITY = 3
MODES = ["row", "list", "array", "series", "series_reset"]


@st.composite
def frames(draw):
    n = draw(st.integers(1, 12))
    kind = draw(st.sampled_from(["range", "shuffled", "str", "float", "dup_int", "mixed"]))
    if kind == "range":
        index = pd.RangeIndex(n)
    elif kind == "shuffled":
        index = pd.Index(draw(st.permutations(range(n))))
    elif kind == "str":
        index = pd.Index([f"r{i}" for i in draw(st.permutations(range(n)))])
    elif kind == "float":
        index = pd.Index([i / 2 for i in range(n)][::-1])
    elif kind == "dup_int":
        index = pd.Index(draw(st.lists(st.integers(0, 3), min_size=n, max_size=n)))
    else:
        index = pd.Index([i if i % 2 else str(i) for i in range(n)], dtype=object)
    return pd.DataFrame({"pos": np.arange(n)}, index=index)


@st.composite
def lf_specs(draw, n):
    good = st.integers(-1, CARDINALITY - 1)
    value = st.one_of(good, good, good, st.sampled_from(BAD_VALUES)) if draw(st.booleans()) else good
    return draw(st.sampled_from(MODES)), draw(st.lists(value, min_size=n, max_size=n))


def make_lf(name, mode, table):
    if mode == "row":
        return labeling_function(name=name)(lambda x: table[x.pos])
    if mode == "list":
        return labeling_function(name=name, vectorized=True)(lambda df: [table[p] for p in df.pos])
    if mode == "array":
        return labeling_function(name=name, vectorized=True)(lambda df: np.array([table[p] for p in df.pos], dtype=object))
    if mode == "series":
        return labeling_function(name=name, vectorized=True)(
            lambda df: pd.Series([table[p] for p in df.pos], index=df.index, dtype=object))
    return labeling_function(name=name, vectorized=True)(lambda df: pd.Series([table[p] for p in df.pos], dtype=object))


def is_label(v):
    return type(v) is int and -1 <= v < CARDINALITY


def first_error(df, specs, step):
    """(lf name, row id, value) of the first failure a naive loop meets: batches in order, LFs in order.

    A Series with a reset index fails as a whole batch: row id and value are then None.
    """
    for start in range(0, len(df), step):
        part = df.iloc[start:start + step]
        for j, (mode, table) in enumerate(specs):
            if mode == "series_reset" and not part.index.equals(pd.RangeIndex(len(part))):
                return f"lf{j}", None, None
            for rid, p in zip(part.index, part.pos, strict=True):
                if not is_label(table[p]):
                    return f"lf{j}", rid, table[p]
    return None


def check_against_naive_loop(df, specs, chunk_size, n_jobs):
    lfs = [make_lf(f"lf{j}", mode, table) for j, (mode, table) in enumerate(specs)]
    step = chunk_size if n_jobs == 1 else balanced_chunk_size(len(df), chunk_size, n_jobs)
    expected = first_error(df, specs, step)
    try:
        L = LFApplier(lfs, cardinality=CARDINALITY, chunk_size=chunk_size, n_jobs=n_jobs).apply(df, progress=False)
    except WeaksupError as err:
        assert isinstance(err, LabelingFunctionError) and expected is not None, err
        name, row_id, value = expected
        assert err.lf_name == name
        if row_id is not None:
            assert isinstance(err, InvalidLabelError) and err.row_id == row_id and repr(err.value) == repr(value)
        return
    assert expected is None
    assert L.index.equals(df.index) and L.lf_names == [lf.name for lf in lfs]
    naive = [[table[p] for _, table in specs] for p in df.pos]
    assert L.to_dense().tolist() == naive


@given(st.data())
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_applier_equals_naive_loop_or_raises_its_first_error(data):
    df = data.draw(frames())
    specs = data.draw(st.lists(lf_specs(len(df)), min_size=1, max_size=4))
    check_against_naive_loop(df, specs, data.draw(st.integers(1, 5)), n_jobs=1)


@given(st.data())
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_applier_with_workers_equals_naive_loop_or_raises_its_first_error(data):
    df = data.draw(frames().filter(lambda f: len(f) >= 4))
    specs = data.draw(st.lists(lf_specs(len(df)), min_size=1, max_size=3))
    check_against_naive_loop(df, specs, 2, n_jobs=2)


def test_naive_reference_flags_what_it_should():
    assert first_error(pd.DataFrame({"pos": [0, 1]}, index=["a", "b"]), [("row", [0, True])], 5) == ("lf0", "b", True)
    assert first_error(pd.DataFrame({"pos": [0]}, index=[7]), [("series_reset", [0])], 5) == ("lf0", None, None)
    assert first_error(pd.DataFrame({"pos": [0]}), [("row", [ABSTAIN])], 5) is None
