import pickle
import time

import numpy as np
import pandas as pd
import pytest

from weaksup import ABSTAIN, InvalidLabelError, LabelingFunctionError, LFApplier, labeling_function
from weaksup.apply.parallel import effective_n_jobs
from weaksup.labeling.templates import keyword_lf, length_lf


def frame(index=None, n=12):
    texts = [f"{'my ' * (i % 3)}song {i}" + (" http" if i % 4 == 0 else "") for i in range(n)]
    return pd.DataFrame({"text": texts, "pos": np.arange(n)}, index=index)


def lfs():
    @labeling_function()
    def song_even(x):  # a local function: needs cloudpickle to reach workers
        return 1 if x.pos % 2 == 0 and "song" in x.text else ABSTAIN

    @labeling_function(vectorized=True)
    def big_pos(df):
        return np.where(df.pos > 6, 0, ABSTAIN)

    return [song_even, big_pos, keyword_lf("my", 1), length_lf("text", "<", 3, 0, name="short")]


INDEXES = [None, [f"id{i}" for i in range(12)][::-1], [3, 1, 3, 0, 1, 2, 2, 9, 9, 0, 5, 5],
           [0.5 * i for i in range(12)], pd.MultiIndex.from_tuples([(i % 2, i) for i in range(12)])]


@pytest.mark.parametrize("index", INDEXES)
def test_parallel_equals_in_process_with_any_index(index):
    df = frame(index)
    serial = LFApplier(lfs()).apply(df, progress=False)
    par = LFApplier(lfs(), n_jobs=2, chunk_size=5).apply(df, progress=False)
    assert par == serial
    assert par.index.equals(df.index)


def test_snorkel_1524_rows_stay_in_order_when_later_chunks_finish_first():
    @labeling_function()
    def slow_start(x):
        if x.pos < 3:  # the first chunk is the slowest: it finishes last
            time.sleep(0.3)
        return x.pos % 2

    df = frame([f"r{i}" for i in range(12)]).sample(frac=1, random_state=1)
    L = LFApplier([slow_start], n_jobs=2, chunk_size=3).apply(df, progress=False)
    assert L.index.tolist() == df.index.tolist()
    assert L.to_dense()[:, 0].tolist() == (df.pos % 2).tolist()


def test_worker_error_raised_exactly_as_in_process():
    @labeling_function()
    def fragile(x):
        return 1 // (x.pos - 7)

    df = frame([f"r{i}" for i in range(12)])
    with pytest.raises(LabelingFunctionError) as local:
        LFApplier([fragile]).apply(df, progress=False)
    with pytest.raises(LabelingFunctionError) as remote:
        LFApplier([fragile], n_jobs=2, chunk_size=2).apply(df, progress=False)
    assert type(remote.value) is type(local.value)
    assert str(remote.value) == str(local.value)
    assert (remote.value.lf_name, remote.value.row_id) == ("fragile", "r7")
    assert isinstance(remote.value.original, ZeroDivisionError)


def test_worker_invalid_label_keeps_value():
    @labeling_function()
    def floaty(x):
        return 0.5 if x.pos == 9 else 0

    with pytest.raises(InvalidLabelError, match="floats") as info:
        LFApplier([floaty], n_jobs=2, chunk_size=4).apply(frame(), progress=False)
    assert info.value.row_id == 9 and info.value.value == 0.5


def test_fault_tolerant_errors_merged_across_workers():
    @labeling_function()
    def fragile(x):
        return 1 // (x.pos % 5)

    df = frame([f"r{i}" for i in range(12)])
    serial, par = LFApplier([fragile]), LFApplier([fragile], n_jobs=2, chunk_size=3)
    assert par.apply(df, progress=False, fault_tolerant=True) == serial.apply(df, progress=False, fault_tolerant=True)
    assert par.errors_ == serial.errors_
    assert par.errors_["fragile"].count == 3 and par.errors_["fragile"].first_row == "r0"


def test_errors_pickle_round_trip():
    err = LabelingFunctionError("lf", "row1", "ValueError: bad: worse")
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is LabelingFunctionError and str(back) == str(err) and back.row_id == "row1"
    inv = pickle.loads(pickle.dumps(InvalidLabelError("lf", 3, 1.5, "labels must be integers")))
    assert isinstance(inv, InvalidLabelError) and inv.lf_name == "lf" and inv.row_id == 3 and str(inv).endswith("integers")


def test_worker_error_with_colon_in_row_id_keeps_message():
    @labeling_function()
    def fragile(x):
        return 1 // (x.pos - 7)

    df = frame([f"row: {i}" for i in range(12)])
    with pytest.raises(LabelingFunctionError) as local:
        LFApplier([fragile]).apply(df, progress=False)
    with pytest.raises(LabelingFunctionError) as remote:
        LFApplier([fragile], n_jobs=2, chunk_size=4).apply(df, progress=False)
    assert str(remote.value) == str(local.value) and remote.value.row_id == "row: 7"


def test_one_progress_bar_over_all_chunks(capsys):
    LFApplier(lfs(), n_jobs=2, chunk_size=3).apply(frame(), progress=True)
    err = capsys.readouterr().err
    assert err.count("Applying LFs") >= 1 and "12/12" in err
    assert "/3 " not in err  # no per-chunk bars


def test_n_jobs_resolution_and_single_chunk_runs_in_process():
    assert effective_n_jobs(1) == 1 and effective_n_jobs(-1) >= 1
    with pytest.raises(ValueError, match="n_jobs=0"):
        effective_n_jobs(0)
    # one chunk: no worker start, same result
    L = LFApplier(lfs(), n_jobs=-1, chunk_size=100).apply(frame(), progress=False)
    assert L == LFApplier(lfs()).apply(frame(), progress=False)
