import numpy as np
import pandas as pd
import pytest

from weaksup import (
    ABSTAIN,
    InvalidLabelError,
    LabelingFunctionError,
    LFApplier,
    labeling_function,
    preprocessor,
)


@labeling_function()
def first_char(x):
    return int(x.text[0]) if x.text[0].isdigit() else ABSTAIN


@labeling_function(vectorized=True)
def long_text(df):
    return np.where(df.text.str.len() > 3, 1, ABSTAIN)


def frame(index=None):
    return pd.DataFrame({"text": ["1abc", "x", "0", "zzzzz", "1"]}, index=index)


EXPECTED = [[1, 1], [-1, -1], [0, -1], [-1, 1], [1, -1]]


@pytest.mark.parametrize(
    "index",
    [None, ["e", "d", "c", "b", "a"], [3, 1, 3, 0, 1], pd.Index([5, 4, 3, 2, 1]), [0.5, 0.1, 0.2, 9.0, 3.3]],
)
@pytest.mark.parametrize("chunk_size", [1, 2, 100])
def test_order_and_index_preserved(index, chunk_size):
    df = frame(index)
    L = LFApplier([first_char, long_text], chunk_size=chunk_size).apply(df, progress=False)
    assert L.to_dense().tolist() == EXPECTED
    assert L.index.equals(df.index)
    assert L.lf_names == ["first_char", "long_text"]


def test_shuffled_frame_keeps_row_alignment():
    df = frame([f"r{i}" for i in range(5)]).sample(frac=1, random_state=0)
    L = LFApplier([first_char, long_text], chunk_size=2).apply(df, progress=False)
    expected = dict(zip([f"r{i}" for i in range(5)], EXPECTED, strict=True))
    for rid, row in zip(L.index, L.to_dense().tolist(), strict=True):
        assert expected[rid] == row


def test_records_and_numpy_inputs():
    records = [{"text": t} for t in frame().text]
    assert LFApplier([first_char, long_text]).apply(records, progress=False).to_dense().tolist() == EXPECTED

    @labeling_function()
    def pos(x):
        return 1 if x[0] > 0 else 0

    @labeling_function(vectorized=True)
    def big(X):
        return np.where(X[:, 1] > 5, 1, ABSTAIN)

    X = np.array([[1, 10], [-1, 0]])
    assert LFApplier([pos, big]).apply(X, progress=False).to_dense().tolist() == [[1, 1], [0, -1]]
    with pytest.raises(TypeError, match="DataFrame, a list of dicts, a numpy array, an Arrow table"):
        LFApplier([pos]).apply("text", progress=False)


def test_lf_exception_names_lf_and_row():
    @labeling_function()
    def fragile(x):
        return 1 // (len(x.text) - 1)

    df = frame(["a", "b", "c", "d", "e"])
    with pytest.raises(LabelingFunctionError, match=r"'fragile' failed on row 'b'.*ZeroDivisionError") as info:
        LFApplier([fragile]).apply(df, progress=False)
    assert info.value.lf_name == "fragile" and info.value.row_id == "b"
    assert isinstance(info.value.original, ZeroDivisionError)


def test_fault_tolerant_records_errors():
    @labeling_function()
    def fragile(x):
        return 1 // (len(x.text) - 1)

    df = frame(["a", "b", "c", "d", "e"])
    applier = LFApplier([fragile, first_char], chunk_size=2)
    L = applier.apply(df, progress=False, fault_tolerant=True)
    assert L.to_dense()[:, 0].tolist() == [0, -1, -1, 0, -1]
    rec = applier.errors_["fragile"]
    assert rec.count == 3 and rec.first_row == "b" and "ZeroDivisionError" in rec.message
    assert "first_char" not in applier.errors_


def test_vectorized_exception_and_fault_tolerance():
    @labeling_function(vectorized=True)
    def broken(df):
        raise KeyError("nope")

    with pytest.raises(LabelingFunctionError, match="'broken'"):
        LFApplier([broken]).apply(frame(), progress=False)
    applier = LFApplier([broken], chunk_size=2)
    L = applier.apply(frame(), progress=False, fault_tolerant=True)
    assert L.nnz == 0 and applier.errors_["broken"].count == 5


@pytest.mark.parametrize(
    "value, match",
    [(True, "booleans"), (float("nan"), "NaN"), (None, "None"), (1.0, "not floats"), ("1", "integers"), (-3, "-1 to abstain")],
)
def test_bad_return_values_named(value, match):
    @labeling_function()
    def bad(x):
        return value if x.text == "x" else 0

    with pytest.raises(InvalidLabelError, match=match) as info:
        LFApplier([bad]).apply(frame(list("abcde")), progress=False)
    assert info.value.lf_name == "bad" and info.value.row_id == "b"


def test_out_of_range_with_cardinality_and_vectorized_checks():
    @labeling_function()
    def three(x):
        return 3

    with pytest.raises(InvalidLabelError, match=r"labels are 0\.\.1"):
        LFApplier([three], cardinality=2).apply(frame(), progress=False)

    @labeling_function(vectorized=True)
    def floats(df):
        return np.full(len(df), 0.5)

    with pytest.raises(InvalidLabelError, match="floats"):
        LFApplier([floats]).apply(frame(), progress=False)

    @labeling_function(vectorized=True)
    def wrong_len(df):
        return np.zeros(len(df) + 1, dtype=int)

    with pytest.raises(LabelingFunctionError, match="shape"):
        LFApplier([wrong_len]).apply(frame(), progress=False)


def test_vectorized_series_must_carry_the_batch_index():
    # was test_vectorized_series_output_aligned_by_index, which asserted the realignment by label (#12 item 6)
    @labeling_function(vectorized=True)
    def same_index(df):
        return pd.Series(np.where(df.text.str.len() > 3, 1, -1), index=df.index)

    @labeling_function(vectorized=True)
    def reversed_series(df):
        return pd.Series(np.where(df.text.str.len() > 3, 1, -1), index=df.index)[::-1]

    L = LFApplier([same_index], chunk_size=2).apply(frame(list("abcde")), progress=False)
    assert L.to_dense().ravel().tolist() == [1, -1, -1, 1, -1]
    with pytest.raises(LabelingFunctionError, match="'reversed_series'.*index differs") as info:
        LFApplier([reversed_series]).apply(frame(list("abcde")), progress=False)
    assert info.value.lf_name == "reversed_series" and info.value.row_id == "a"


def test_duplicate_names_and_non_lfs_rejected():
    with pytest.raises(ValueError, match="duplicate labeling function names"):
        LFApplier([first_char, first_char])
    with pytest.raises(TypeError, match="LabelingFunction"):
        LFApplier([lambda x: 1])
    with pytest.raises(ValueError, match="no labeling functions"):
        LFApplier([])


def test_memoized_preprocessor_runs_once_per_row():
    calls = []

    @preprocessor(memoize=True)
    def count(x):
        calls.append(x.text)
        x.n = len(x.text)
        return x

    @labeling_function(pre=[count])
    def a(x):
        return 1 if x.n > 2 else ABSTAIN

    @labeling_function(pre=[count])
    def b(x):
        return 0 if x.n <= 2 else ABSTAIN

    df = frame()
    L = LFApplier([a, b]).apply(df, progress=False)
    assert len(calls) == len(df)
    assert L.to_dense().tolist() == [[1, -1], [-1, 0], [-1, 0], [1, -1], [-1, 0]]
    assert list(df.columns) == ["text"]  # input untouched


def test_preprocessor_returning_none_is_an_error():
    @preprocessor()
    def forgot_return(x):
        x.n = 1

    @labeling_function(pre=[forgot_return])
    def uses(x):
        return 1

    with pytest.raises(LabelingFunctionError, match="returned None"):
        LFApplier([uses]).apply(frame(), progress=False)


def test_empty_frame():
    L = LFApplier([first_char]).apply(pd.DataFrame({"text": []}), progress=False)
    assert L.shape == (0, 1)


def test_garbage_collector_is_paused_while_labelling_and_restored_after():
    import gc

    seen = []

    @labeling_function()
    def records_gc_state(x):
        seen.append(gc.isenabled())
        return ABSTAIN

    @labeling_function()
    def fails_on_zero(x):
        return 1 // int(x.text[0]) if x.text[0].isdigit() else ABSTAIN

    assert gc.isenabled()
    LFApplier([records_gc_state]).apply(frame(), progress=False)
    assert seen == [False] * 5 and gc.isenabled()
    with pytest.raises(LabelingFunctionError):
        LFApplier([fails_on_zero]).apply(frame(), progress=False)
    assert gc.isenabled()  # restored after an LF error too
    gc.disable()  # a caller that turned the collector off keeps it off
    try:
        LFApplier([records_gc_state]).apply(frame(), progress=False)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_one_process_plan_is_reported():
    df = pd.DataFrame({"text": ["1abc", "x"] * 12_500})
    applier = LFApplier([first_char, long_text])
    L = applier.apply(df, progress=False)
    plan = applier.plan_
    assert (plan.n_rows, plan.n_chunks, plan.chunk_size, plan.n_jobs) == (25_000, 2, 20_000, 1)
    assert plan.chunks_here == 2 and plan.chunks_in_workers == 0 and plan.reason == "n_jobs=1"
    assert L.to_dense()[:2].tolist() == [[1, 1], [-1, -1]]


def test_arrow_tables_and_polars_frames_apply_with_their_id_column():
    import pyarrow as pa

    from weaksup import LFApplier, keyword_lf

    lfs = [keyword_lf("spam", 1, name="spam"), keyword_lf("ham", 0, name="ham")]
    frame = pd.DataFrame({"id": ["007", "7", "x"], "text": ["spam here", "ham", None]})
    expected = LFApplier(lfs).apply(frame.set_index("id", drop=False), progress=False)
    table = pa.Table.from_pandas(frame, preserve_index=False)
    got = LFApplier(lfs).apply(table, progress=False)
    assert got.index.tolist() == ["007", "7", "x"] and got == expected
    no_ids = LFApplier(lfs).apply(table.drop(["id"]), progress=False)
    assert no_ids.index.tolist() == [0, 1, 2]
    pl = pytest.importorskip("polars")
    assert LFApplier(lfs).apply(pl.from_arrow(table), progress=False) == expected


def test_an_lf_failing_on_an_empty_cell_is_told_which_field_is_empty(tmp_path):
    import weaksup as ws

    @ws.labeling_function()
    def lower_has_a(x):
        return 1 if "a" in x.text.lower() else -1

    path = tmp_path / "d.csv"
    path.write_text("id,text,n\nr1,abc,1\nr2,,2\n")
    frame = ws.read_table(path)
    assert frame.loc["r2", "text"] is None  # an empty text cell reads as None, not a float NaN
    with pytest.raises(ws.LabelingFunctionError, match=r"row 'r2': AttributeError: 'NoneType'.*field 'text' is empty"):
        LFApplier([lower_has_a]).apply(frame, progress=False)


def test_hugging_face_datasets_apply_with_their_id_column():
    datasets = pytest.importorskip("datasets")
    from weaksup import LFApplier, keyword_lf

    ds = datasets.Dataset.from_dict({"id": ["007", "7"], "text": ["spam here", "ham"]})
    L = LFApplier([keyword_lf("spam", 1, name="spam")]).apply(ds, progress=False)
    assert L.index.tolist() == ["007", "7"] and L.to_dense().ravel().tolist() == [1, -1]


def test_row_wise_lfs_see_missing_text_as_none_in_memory_as_from_files():
    # pandas' string dtype stores None as NaN; `x.text and ...` must not meet a float
    from weaksup import LFApplier, labeling_function

    @labeling_function()
    def has_link(x):
        return 1 if x.text and "http" in x.text else -1

    frame = pd.DataFrame({"text": ["see http://x", None, "hi"]})
    L = LFApplier([has_link]).apply(frame, progress=False)
    assert L.to_dense()[:, 0].tolist() == [1, -1, -1]
