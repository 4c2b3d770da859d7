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


# issue 19: workers kept and reused, chosen from the data, reported -------------------------------------
from weaksup.apply import parallel  # noqa: E402


def test_workers_are_kept_and_reused_across_calls_and_appliers():
    parallel.shutdown_workers()
    first = LFApplier(lfs(), n_jobs=2, chunk_size=3)
    L = first.apply(frame(), progress=False)
    assert L == LFApplier(lfs()).apply(frame(), progress=False)
    plan = first.plan_
    assert plan.workers_started and plan.worker_ready_s is not None
    assert plan.chunks_in_workers >= 2 and plan.chunks_here >= 1 and plan.n_jobs == 2
    executor = parallel._pool.executor
    again = LFApplier(lfs()[:2], n_jobs=2, chunk_size=3)  # another applier, other LFs: same workers
    again.apply(frame(), progress=False)
    assert parallel._pool.executor is executor and not again.plan_.workers_started
    assert again.plan_.chunks_in_workers >= 2


def test_default_chunking_keeps_small_inputs_in_this_process():
    import threading

    parallel.shutdown_workers()
    applier = LFApplier(lfs(), n_jobs=2)
    assert applier.apply(frame(), progress=False) == LFApplier(lfs()).apply(frame(), progress=False)
    assert applier.plan_.n_jobs == 1 and "too few for workers" in applier.plan_.reason
    assert parallel._pool is None  # no worker was started

    @labeling_function(resources={"lock": threading.Lock()})
    def locked(x, lock):
        return 1

    from weaksup import LFPicklingError

    with pytest.raises(LFPicklingError, match="locked"):  # n_jobs > 1 promises LFs that pickle, whatever the size
        LFApplier([locked], n_jobs=2).apply(frame(), progress=False)


def test_default_chunking_times_the_first_batch_to_choose(monkeypatch):
    import weaksup.apply.applier as applier_module

    df = frame(n=5_000)
    expected = LFApplier(lfs()).apply(df, progress=False)
    parallel.shutdown_workers()
    monkeypatch.setattr(applier_module, "idle_cores", lambda: 1.0)  # as on an idle machine
    monkeypatch.setattr(applier_module, "startup_estimate", lambda: 1e6)  # workers could never pay off
    slow_start = LFApplier(lfs(), n_jobs=2)
    assert slow_start.apply(df, progress=False) == expected
    plan = slow_start.plan_
    assert plan.reason.startswith("one process: work left") and plan.n_jobs == 1
    assert plan.chunks_here == plan.n_chunks > 2 and parallel._pool is None
    monkeypatch.setattr(applier_module, "startup_estimate", lambda: 0.0)  # workers always pay off...
    monkeypatch.setattr(applier_module, "idle_cores", lambda: 0.2)  # ...but not on a busy machine
    busy = LFApplier(lfs(), n_jobs=2)
    assert busy.apply(df, progress=False) == expected
    assert busy.plan_.reason.startswith("one process: the machine is busy") and parallel._pool is None
    monkeypatch.setattr(applier_module, "idle_cores", lambda: 1.0)
    eager = LFApplier(lfs(), n_jobs=2)
    assert eager.apply(df, progress=False) == expected
    assert eager.plan_.reason.startswith("workers started") and eager.plan_.workers_started
    assert eager.plan_.chunks_here + eager.plan_.chunks_in_workers == eager.plan_.n_chunks


def test_the_choice_is_in_the_progress_bar_and_the_log(capsys, caplog):
    import logging

    caplog.set_level(logging.INFO, logger="weaksup.apply")
    applier = LFApplier(lfs(), n_jobs=2, chunk_size=3)
    applier.apply(frame(), progress=True)
    assert "2 processes" in capsys.readouterr().err
    assert any(str(applier.plan_) in r.getMessage() for r in caplog.records)
    assert str(applier.plan_).startswith("12 rows in ")


def test_an_earlier_batch_failing_later_in_a_worker_is_the_error_raised():
    @labeling_function()
    def two_faults(x):
        if x.pos == 2:  # batch 1, in a worker: fails late
            time.sleep(0.5)
            raise KeyError("late")
        if x.pos == 6:  # batch 3, here: fails at once
            raise KeyError("early")
        return 1

    df = frame([f"r{i}" for i in range(12)])
    with pytest.raises(LabelingFunctionError) as local:
        LFApplier([two_faults]).apply(df, progress=False)
    with pytest.raises(LabelingFunctionError) as remote:
        LFApplier([two_faults], n_jobs=2, chunk_size=2).apply(df, progress=False)
    assert remote.value.row_id == local.value.row_id == "r2" and str(remote.value) == str(local.value)


def test_a_worker_that_dies_is_a_typed_error_and_the_next_call_recovers():
    import os

    here = os.getpid()

    @labeling_function()
    def crash_in_worker(x, here=here):
        if os.getpid() != here:
            os._exit(3)
        return 0

    with pytest.raises(LabelingFunctionError, match="worker process failed") as info:
        LFApplier([crash_in_worker], n_jobs=2, chunk_size=3).apply(frame(), progress=False)
    assert info.value.lf_name == "crash_in_worker"
    assert LFApplier(lfs(), n_jobs=2, chunk_size=3).apply(frame(), progress=False) == LFApplier(lfs()).apply(
        frame(), progress=False)


def test_worker_processes_import_neither_models_nor_torch():
    LFApplier(lfs(), n_jobs=2, chunk_size=3).apply(frame(), progress=False)
    loaded = parallel._pool.executor.submit(lambda: sorted(__import__("sys").modules)).result()
    assert "weaksup.apply.core" in loaded
    assert not [m for m in loaded if m.split(".")[0] in ("sklearn", "torch", "scipy") or m.startswith("weaksup.models")]


@pytest.mark.parametrize("n, probe, step, procs", [(10_000, 100, 2_000, 2), (400_000, 4_000, 12_375, 2),
                                                   (2_001, 500, 1_000, 16), (7, 7, 1_000, 2)])
def test_guided_batches_cover_every_row_once_and_shrink_at_the_end(n, probe, step, procs):
    from weaksup.apply.applier import guided_bounds

    b = guided_bounds(n, probe, step, procs)
    sizes = np.diff(b)
    assert b[0] == 0 and b[-1] == n and (sizes > 0).all() and sizes[0] == min(probe, n)
    assert (sizes[1:] <= step).all() and (np.diff(sizes[1:-1]) <= 0).all()



SCRIPT_ERROR = """
import pandas as pd
from weaksup import ABSTAIN, LFApplier, labeling_function

class QuotaError(Exception):  # at the top of the user's script, as users write it
    pass

@labeling_function()
def over_quota(x):
    if x.pos == 2:  # batch 1 of 2 rows: the first handed to a worker
        raise QuotaError("quota hit")
    return ABSTAIN

df = pd.DataFrame({"pos": range(12)}, index=[f"r{i}" for i in range(12)])
for n_jobs in (1, 2):
    try:
        LFApplier([over_quota], n_jobs=n_jobs, chunk_size=2).apply(df, progress=False)
    except Exception as exc:
        print(n_jobs, exc.row_id, type(exc.original).__name__, isinstance(exc.original, QuotaError))
"""


def test_worker_error_keeps_the_lf_exception_of_a_class_defined_in_the_script(tmp_path):
    # a worker's __main__ is not the script's: plain pickle could not send such an exception back, so
    # ``original`` was None with n_jobs=2 (and Snorkel's parallel applier raised our error, not the LF's)
    import subprocess
    import sys

    script = tmp_path / "label.py"
    script.write_text(SCRIPT_ERROR)
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert out.stdout.splitlines()[:2] == ["1 r2 QuotaError True", "2 r2 QuotaError True"], out.stdout + out.stderr
