"""DaskLFApplier against a real distributed.LocalCluster: 2 worker processes on loopback."""

import os
import signal
import threading
import time

import numpy as np
import pandas as pd
import pytest

from weaksup import (
    ABSTAIN,
    DawidSkene,
    LabelingFunctionError,
    LabelMatrix,
    LFApplier,
    MajorityVoter,
    ParameterTypeError,
    PatternCounts,
    keyword_lf,
    labeling_function,
    length_lf,
    regex_lf,
)

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")
from weaksup.apply.dask import DaskLFApplier  # noqa: E402
from weaksup.pipeline import fit_dask, predict_proba_dask  # noqa: E402


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, host="127.0.0.1", dashboard_address=None,
        silence_logs=50,
    )
    c = distributed.Client(cluster)
    yield c
    c.close()
    cluster.close()


def comments(n=240, seed=0):
    rng = np.random.default_rng(seed)
    words = np.array(["my", "song", "check", "it", "out", "http", "love", "channel", "plz", "nice", "video"])
    texts = [" ".join(rng.choice(words, size=rng.integers(1, 9))) for _ in range(n)]
    df = pd.DataFrame({"text": texts, "pos": np.arange(n)}, index=[f"row-{i}" for i in range(n)])
    return df.sample(frac=1, random_state=seed)  # shuffled string ids: order must survive


def lfs():
    @labeling_function()
    def short_or_song(x):  # a local function: reaches workers through cloudpickle
        return 0 if "song" in x.text else (1 if len(x.text.split()) < 3 else ABSTAIN)

    @labeling_function(vectorized=True)
    def even_pos(df):
        return np.where(df.pos % 2 == 0, 1, ABSTAIN)

    return [short_or_song, even_pos, keyword_lf(["my", "plz"], 1), regex_lf(r"check.*out", 1),
            length_lf("text", "<", 2, 0, name="very_short")]


def test_apply_matches_in_process_applier_with_shuffled_string_index(client):
    df = comments()
    ddf = dd.from_pandas(df, npartitions=7, sort=False)
    L = DaskLFApplier(lfs(), cardinality=2).apply(ddf, progress=False)
    expected = LFApplier(lfs(), cardinality=2).apply(df, progress=False)
    assert L == expected
    assert L.index.tolist() == df.index.tolist()
    assert L.nnz > 0



def test_explicit_client_works_without_a_default_client(client, monkeypatch):
    other = distributed.Client(client.cluster, set_as_default=False)
    try:
        def no_default():
            raise ValueError("No clients found")

        monkeypatch.setattr(distributed.client, "default_client", no_default)  # as in a process with no default
        df = comments(60, seed=3)
        L = DaskLFApplier(lfs(), cardinality=2, client=other).apply(dd.from_pandas(df, npartitions=3, sort=False),
                                                                   progress=False)
        assert L == LFApplier(lfs(), cardinality=2).apply(df, progress=False)
    finally:
        other.close()

def test_partitioned_results_stack_to_the_gathered_matrix(client, tmp_path):
    df = comments(120, seed=1)
    ddf = dd.from_pandas(df, npartitions=4, sort=False)
    applier = DaskLFApplier(lfs(), cardinality=2)
    full = applier.apply(ddf, progress=False)
    parts = client.gather(client.compute(applier.apply_partitioned(ddf)))
    assert [p.n_rows for p in parts] == [len(p) for p in ddf.partitions]
    stacked = parts[0]
    for p in parts[1:]:
        stacked = stacked.append_rows(p)
    assert stacked == full
    paths = applier.save_partitions(ddf, tmp_path / "L", progress=False)
    assert [p.name for p in paths] == [f"part-{i:05d}.npz" for i in range(4)]
    loaded = [LabelMatrix.load(p) for p in paths]
    assert pd.Index([]).append([x.index for x in loaded]).tolist() == df.index.tolist()
    assert all(x == p for x, p in zip(loaded, parts, strict=True))


def test_merged_partition_statistics_fit_the_same_model_as_the_full_matrix(client):
    df = comments(300, seed=2)
    ddf = dd.from_pandas(df, npartitions=5, sort=False)
    applier = DaskLFApplier(lfs(), cardinality=2)
    L = applier.apply(ddf, progress=False)
    stats = applier.pattern_counts(ddf, progress=False)
    assert stats == PatternCounts.from_label_matrix(L)
    assert stats.n_rows == len(df) and stats.lf_names == L.lf_names
    from_stats = fit_dask(DawidSkene(), applier, ddf, progress=False)
    full = DawidSkene(cardinality=2).fit(L)
    np.testing.assert_allclose(from_stats.predict_proba(L), full.predict_proba(L), atol=1e-10)
    mv = fit_dask(MajorityVoter(cardinality=2), applier, ddf, progress=False)
    np.testing.assert_allclose(mv.predict_proba(L), MajorityVoter(cardinality=2).predict_proba(L))


def test_lazy_probabilities_keep_index_and_match_in_process(client):
    df = comments(90, seed=3)
    ddf = dd.from_pandas(df, npartitions=3, sort=False)
    applier = DaskLFApplier(lfs(), cardinality=2)
    model = fit_dask(DawidSkene(), applier, ddf, progress=False)
    probs = predict_proba_dask(model, applier, ddf, class_names=["ham", "spam"]).compute()
    L = LFApplier(lfs(), cardinality=2).apply(df, progress=False)
    assert probs.index.tolist() == df.index.tolist()
    assert probs.columns.tolist() == ["prob_ham", "prob_spam", "label"]
    np.testing.assert_allclose(probs[["prob_ham", "prob_spam"]].to_numpy(), model.predict_proba(L))
    assert probs["label"].tolist() == model.predict(L, tie_break="abstain").tolist()


def test_lf_error_on_a_worker_names_the_lf_and_row(client):
    df = comments(60, seed=4)

    @labeling_function()
    def fragile(x):
        if x.pos == 37:
            raise KeyError("missing field")
        return ABSTAIN

    ddf = dd.from_pandas(df, npartitions=3, sort=False)
    with pytest.raises(LabelingFunctionError) as info:
        DaskLFApplier([fragile]).apply(ddf, progress=False)
    assert info.value.lf_name == "fragile" and info.value.row_id == "row-37"
    assert "KeyError" in str(info.value) and isinstance(info.value.original, KeyError)

    applier = DaskLFApplier([fragile, keyword_lf("my", 1)])
    L = applier.apply(ddf, progress=False, fault_tolerant=True)
    assert L.n_rows == 60 and applier.errors_["fragile"].count == 1
    assert applier.errors_["fragile"].first_row == "row-37"
    with pytest.raises(LabelingFunctionError, match="row-37"):
        applier.pattern_counts(ddf, progress=False)


def test_repeated_calls_on_persisted_data_do_not_interfere(client):
    df = comments(80, seed=6)
    ddf = dd.from_pandas(df, npartitions=4, sort=False).persist()
    applier = DaskLFApplier(lfs(), cardinality=2)
    first = applier.apply(ddf, progress=False)
    second = applier.apply(ddf, progress=False)  # same graph right after: no shared, cancelled futures
    assert first == second == LFApplier(lfs(), cardinality=2).apply(df, progress=False)


def test_rejects_in_memory_input(client):
    with pytest.raises(TypeError, match="dask DataFrame"):
        DaskLFApplier([keyword_lf("my", 1)]).apply(comments(5), progress=False)


def test_worker_killed_mid_apply_still_gives_complete_ordered_result(client, tmp_path):
    """Kill (SIGKILL) the worker process that is labelling a slow partition; tasks are pure, so the
    scheduler reruns them elsewhere and the result is complete and in order."""
    df = comments(160, seed=5)
    marker = str(tmp_path / "victim.pid")

    @labeling_function()
    def slow_middle(x):
        if 80 <= x.pos < 100:  # rows of one partition: the first to run it records its pid, then dawdles
            try:
                fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
                os.write(fd, str(os.getpid()).encode())
                os.close(fd)
            except FileExistsError:
                pass
            time.sleep(0.05)
        return x.pos % 2

    killed = []

    def killer():
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with open(marker) as fh:
                    pid = int(fh.read())
            except (FileNotFoundError, ValueError):
                time.sleep(0.02)
                continue
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)
            return

    by_position = df.sort_values("pos")  # partition 4 of 8 holds pos 80..99
    ddf = dd.from_pandas(by_position, npartitions=8, sort=False)
    pids_before = set(client.run(os.getpid).values())
    thread = threading.Thread(target=killer, daemon=True)
    thread.start()
    L = DaskLFApplier([slow_middle, keyword_lf("my", 1)], cardinality=2).apply(ddf, progress=False)
    thread.join(5)
    assert killed and killed[0] in pids_before  # a worker really died mid-apply
    expected = LFApplier([slow_middle, keyword_lf("my", 1)], cardinality=2).apply(by_position, progress=False)
    assert L == expected
    assert L.index.tolist() == by_position.index.tolist()
    assert L.to_dense()[:, 0].tolist() == (by_position.pos % 2).tolist()


def test_a_dask_frame_given_to_lfapplier_points_to_the_dask_applier():
    ddf = dd.from_pandas(pd.DataFrame({"text": ["a"]}), npartitions=1)
    with pytest.raises(ParameterTypeError, match="not a dask DataFrame; use weaksup.apply.dask.DaskLFApplier"):
        LFApplier([keyword_lf("a", 1)]).apply(ddf, progress=False)
