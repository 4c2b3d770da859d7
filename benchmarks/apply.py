"""Labeling at scale: weaksup appliers vs Snorkel's PandasLFApplier, side by side in one run.

The spam tutorial's LFs (keywords "my", "subscribe", "http", "please"/"plz", "song", "love",
"channel"; regex ``check.*out``; fewer than 5 words) over synthetic YouTube-style comments:

* Snorkel 0.10 ``PandasLFApplier`` (row-wise LFs written as in the Snorkel tutorial)
* weaksup ``LFApplier`` with the same row-wise LFs, one process
* weaksup templates (``keyword_lf`` / ``regex_lf`` / ``length_lf``), one process
* weaksup row-wise LFs with ``n_jobs=2`` (loky worker processes)
* weaksup ``DaskLFApplier`` on a ``distributed.LocalCluster`` of 2 single-threaded worker processes

Every applier's label matrix is checked to be identical to Snorkel's. Then, each in a fresh
subprocess so peak RSS is its own: the memory of a 10M x 100 label matrix at 10% coverage,
and an end-to-end run (10M-row parquet file -> label matrix -> fitted label model ->
probabilistic labels written to parquet) with time and peak memory.

First calls (issue 19): each contender in its own fresh process, imports and data loaded first,
timed on its first call (applier built and, for n_jobs=2, workers started inside it), then warm:
Snorkel, weaksup row-wise with n_jobs=1 and n_jobs=2, weaksup templates, on 400k rows.

Run: ``python benchmarks/apply.py`` (full: 100k and 1M rows, 10M for memory / end-to-end, 400k
first calls), ``python benchmarks/apply.py --first-calls`` (only the first calls; the rest of the
section is kept) or ``python benchmarks/apply.py --quick`` while developing. Writes its section of
``benchmarks/RESULTS.md`` (markers ``<!-- BEGIN apply -->`` / ``<!-- END apply -->``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from _results import write_section  # benchmarks/_results.py (scripts run from benchmarks/)

HERE = Path(__file__).resolve().parent
ROUNDS = 5  # interleaved rounds per size; every applier keeps its best
ABSTAIN, HAM, SPAM = -1, 0, 1
KEYWORDS = [(("my",), SPAM), (("subscribe",), SPAM), (("http",), SPAM), (("please", "plz"), SPAM),
            (("song",), HAM), (("love",), HAM), (("channel",), SPAM)]

FILLER = ("this is the best video ever lol so good i like it wow nice great music you guys are awesome "
          "haha omg watch that one more time cool amazing first view from 2015 who is here in").split()
SIGNAL = ["my", "My", "subscribe", "Subscribe", "http://youtu.be/x", "https://bit.ly/y", "please", "plz",
          "song", "Song", "love", "channel", "check", "out", "Check", "out!"]


# data ---------------------------------------------------------------------------------------------
def make_comments(n: int, seed: int = 0) -> pd.DataFrame:
    """``n`` synthetic comments (1-14 words; ~30% of words are LF keywords), with shuffled string ids."""
    import pyarrow as pa
    import pyarrow.compute as pc

    rng = np.random.default_rng(seed)
    vocab = np.array(FILLER + SIGNAL)
    p = np.r_[np.full(len(FILLER), 0.70 / len(FILLER)), np.full(len(SIGNAL), 0.30 / len(SIGNAL))]
    lengths = np.minimum(rng.geometric(0.16, size=n), 14)
    offsets = np.r_[0, np.cumsum(lengths)].astype(np.int64)
    words = pa.array(vocab, pa.large_string()).take(pa.array(rng.choice(len(vocab), size=int(offsets[-1]), p=p)))
    text = pc.binary_join(pa.LargeListArray.from_arrays(pa.array(offsets), words), pa.scalar(" ", pa.large_string()))
    ids = pd.Index(np.char.add("c", rng.permutation(n).astype(str)))
    return pd.DataFrame({"text": pd.Series(text.cast(pa.large_string()).to_pandas(), dtype="str").to_numpy()},
                        index=ids)


# labeling functions -------------------------------------------------------------------------------
def keyword_lookup(x, keywords, label):
    if any(word in x.text.lower() for word in keywords):
        return label
    return ABSTAIN


def check_out(x):
    return SPAM if re.search(r"check.*out", x.text, flags=re.I) else ABSTAIN


def short_comment(x):
    return HAM if len(x.text.split()) < 5 else ABSTAIN


def snorkel_lfs() -> list:
    from snorkel.labeling import LabelingFunction

    lfs = [LabelingFunction(f"keyword_{kw[0]}", keyword_lookup, resources={"keywords": kw, "label": y})
           for kw, y in KEYWORDS]
    return lfs + [LabelingFunction("regex_check_out", check_out), LabelingFunction("short_comment", short_comment)]


def rowwise_lfs() -> list:
    from weaksup import LabelingFunction

    lfs = [LabelingFunction(f"keyword_{kw[0]}", keyword_lookup, resources={"keywords": kw, "label": y})
           for kw, y in KEYWORDS]
    return lfs + [LabelingFunction("regex_check_out", check_out), LabelingFunction("short_comment", short_comment)]


def template_lfs() -> list:
    from weaksup import keyword_lf, length_lf, regex_lf

    lfs = [keyword_lf(list(kw), y, name=f"keyword_{kw[0]}") for kw, y in KEYWORDS]
    return lfs + [regex_lf(r"check.*out", SPAM, case_sensitive=False, name="regex_check_out"),
                  length_lf("text", "<", 5, HAM, name="short_comment")]


# timing -------------------------------------------------------------------------------------------
def timed(fn, df: pd.DataFrame):
    """Seconds of one call of ``fn(df)``, and its result (callers keep the best of their rounds)."""
    t0 = time.perf_counter()
    out = fn(df)
    return time.perf_counter() - t0, out


def _proc_status_mb(field: str) -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024  # kB
    raise KeyError(field)


def peak_rss_mb() -> float:
    """This process's peak RSS. VmHWM (reset at exec), not ru_maxrss, which Linux carries over from the parent."""
    try:
        return _proc_status_mb("VmHWM")
    except (OSError, KeyError):  # not Linux
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    try:
        return _proc_status_mb("VmRSS")
    except (OSError, KeyError):
        return float("nan")


def _burn(n: int) -> int:
    s = 0
    for i in range(n):
        s += i * i
    return s


def parallel_capacity(n: int = 3_000_000) -> float:
    """Speedup two processes get right now on a pure-CPU loop (2.0 on two idle cores): the ceiling for n_jobs=2."""
    from joblib import Parallel, delayed

    Parallel(n_jobs=2, backend="loky")(delayed(_burn)(10) for _ in range(2))  # workers up
    t0 = time.perf_counter()
    _burn(n), _burn(n)
    serial = time.perf_counter() - t0
    t0 = time.perf_counter()
    Parallel(n_jobs=2, backend="loky")(delayed(_burn)(n) for _ in range(2))
    return serial / (time.perf_counter() - t0)


def _apply_own_half(n: int, seed: int, part: int, barrier) -> float:
    """Worker: build the size-``n`` frame, keep half ``part``, wait for the other worker, time the 1-process applier."""
    from weaksup import LFApplier

    df = make_comments(n, seed=seed)
    half = df.iloc[: n // 2] if part == 0 else df.iloc[n // 2:]
    LFApplier(rowwise_lfs(), cardinality=2).apply(half.iloc[:2_000], progress=False)  # warm (imports, regexes)
    barrier.wait()
    t0 = time.perf_counter()
    LFApplier(rowwise_lfs(), cardinality=2).apply(half, progress=False)
    return time.perf_counter() - t0


def split_ceiling(n: int, seed: int) -> float:
    """Wall time of the row-wise workload split perfectly in two: each process labels its own half, no transfer.

    ``t(n_jobs=1) / this`` is the speedup two processes can reach on this workload on this machine right now
    (memory bandwidth and shared caches included), the fair ceiling for n_jobs=2 and Dask.
    """
    import multiprocessing as mp

    from joblib import Parallel, delayed

    with mp.Manager() as manager:
        barrier = manager.Barrier(2)
        times = Parallel(n_jobs=2, backend="loky")(delayed(_apply_own_half)(n, seed, p, barrier) for p in (0, 1))
    return max(times)


def label_partition(pdf: pd.DataFrame) -> int:
    """The batch function every weaksup applier runs, called directly: the floors' unit of work (returns nnz)."""
    from weaksup.apply.core import Batch, apply_lfs_to_batch

    return apply_lfs_to_batch(rowwise_lfs(), Batch(pdf, pdf.index), 2, False)[0].nnz


def _check(name: str, L, L_snorkel: np.ndarray, index: pd.Index) -> None:
    if not (np.array_equal(L.to_dense(), L_snorkel) and L.index.equals(index)):
        raise AssertionError(f"{name} disagrees with Snorkel")


def _keep_best(row: dict, name: str, seconds: float) -> None:
    row[name] = min(row.get(name, np.inf), seconds)


def _time_floor(row: dict, name: str, fn, parts, votes: int) -> None:
    """Time one floor run (``fn(parts)`` returns the number of votes) and check it labelled every row."""
    t, nnz = timed(fn, parts)
    if nnz != votes:
        raise AssertionError(f"{name} counted {nnz} votes, Snorkel {votes}")
    _keep_best(row, name, t)


def _dask_round(df: pd.DataFrame, L_snorkel: np.ndarray, votes: int, partitions: int, row: dict) -> None:
    """One round of the Dask contenders on a fresh 2-worker cluster, closed afterwards.

    The cluster lives only for its own round: an idle cluster (scheduler, worker heartbeats and
    profilers) takes a few percent of a 2-core machine, which would otherwise slow the contenders
    that do not use it.
    """
    import dask.dataframe as dd
    from distributed import Client, LocalCluster, futures_of, wait

    from weaksup.apply.dask import DaskLFApplier

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None, silence_logs=50) as cluster, Client(cluster) as client:
        warm = make_comments(2_000, seed=99)  # worker imports before timing
        DaskLFApplier(rowwise_lfs(), client=client).apply(dd.from_pandas(warm, npartitions=2, sort=False),
                                                          progress=False)
        persisted = dd.from_pandas(df, npartitions=partitions, sort=False).persist()
        wait(persisted)  # as if the workers had loaded the data themselves (e.g. dd.read_parquet)
        runs = {
            "weaksup row-wise, Dask 2 workers": lambda d: DaskLFApplier(rowwise_lfs(), 2, client=client).apply(
                dd.from_pandas(d, npartitions=partitions, sort=False), progress=False),
            "weaksup row-wise, Dask, data on workers": lambda d: DaskLFApplier(rowwise_lfs(), 2, client=client).apply(
                persisted, progress=False),
        }
        for name, fn in runs.items():
            t, L = timed(fn, df)
            _check(name, L, L_snorkel, df.index)
            _keep_best(row, name, t)
        # Dask's floor: the batch function over the persisted partitions through client.map, no applier
        _time_floor(row, "floor: Dask client.map",
                    lambda futures: sum(client.gather(client.map(label_partition, futures, pure=False))),
                    futures_of(persisted), votes)


def run_speed(sizes: list[int], dask_partitions: int, repeat: int = ROUNDS) -> list[dict]:
    from joblib import Parallel, delayed
    from snorkel.labeling import PandasLFApplier

    from weaksup import LFApplier

    warm = make_comments(2_000, seed=99)  # start the loky workers (imports) before timing
    LFApplier(rowwise_lfs(), n_jobs=2, chunk_size=500).apply(warm, progress=False)
    rows = []
    for n in sizes:
        df = make_comments(n, seed=n)
        t_snorkel, L_snorkel = timed(lambda d: PandasLFApplier(snorkel_lfs()).apply(d, progress_bar=False), df)
        runs = {
            "weaksup row-wise (1 process)": lambda d: LFApplier(rowwise_lfs(), cardinality=2).apply(d, progress=False),
            "weaksup templates (1 process)": lambda d: LFApplier(template_lfs(), cardinality=2).apply(
                d, progress=False),
            "weaksup row-wise, n_jobs=2": lambda d: LFApplier(rowwise_lfs(), cardinality=2, n_jobs=2).apply(
                d, progress=False),
        }
        row = {"n": n, "snorkel": t_snorkel, "capacity": parallel_capacity()}
        # loky's floor: the batch function over the same partitions as Dask's, shipped from here, no applier
        step = -(-n // dask_partitions)
        slices = [df.iloc[i:i + step] for i in range(0, n, step)]
        votes = int((L_snorkel != ABSTAIN).sum())
        # Rounds interleave all contenders (and the 2-process ceiling), so a burst of load from other jobs
        # hits every contender of a round rather than one of them; each keeps its best round.
        for _round in range(repeat):
            for name, fn in runs.items():
                t, L = timed(fn, df)
                _check(name, L, L_snorkel, df.index)
                _keep_best(row, name, t)
            _time_floor(row, "floor: loky", lambda parts: sum(Parallel(n_jobs=2, backend="loky")(
                delayed(label_partition)(p) for p in parts)), slices, votes)
            _keep_best(row, "split", split_ceiling(n, seed=n))
            _dask_round(df, L_snorkel, votes, dask_partitions, row)
        row["capacity_after"] = parallel_capacity()
        for name in [*runs, "weaksup row-wise, Dask 2 workers", "weaksup row-wise, Dask, data on workers",
                     "floor: loky", "floor: Dask client.map"]:
            print(f"n={n:>9,} {name:<40} {row[name]:8.3f} s  ({t_snorkel / row[name]:6.1f}x Snorkel)", flush=True)
        print(f"n={n:>9,} {'snorkel PandasLFApplier':<40} {t_snorkel:8.3f} s; 2-process capacity "
              f"{row['capacity']:.2f}x / {row['capacity_after']:.2f}x", flush=True)
        rows.append(row)
    return rows


# first calls: each contender in a fresh process, timed on its first call, then warm -----------------
FIRST_CALL = {
    "snorkel": "Snorkel PandasLFApplier",
    "rowwise1": "weaksup row-wise, n_jobs=1",
    "rowwise2": "weaksup row-wise, n_jobs=2",
    "rowwise2_forced": "weaksup row-wise, n_jobs=2, chunk_size=20000 (workers always)",
    "templates": "weaksup templates (1 process)",
}


def stage_first_call(kind: str, n: int, warm_rounds: int) -> dict:
    """Fresh process: imports and data first, then the contender's first call (cold), then warm calls.

    The applier (and its LFs) is built inside the timed call, as a script does. n_jobs=2 starts its
    worker processes inside the first call, which is what a user's first call pays.
    """
    import logging

    logging.basicConfig(level=logging.WARNING)
    applier: dict = {}
    if kind == "snorkel":
        from snorkel.labeling import PandasLFApplier

        def run(d):
            return PandasLFApplier(snorkel_lfs()).apply(d, progress_bar=False)
    else:
        from weaksup import LFApplier

        lfs = template_lfs if kind == "templates" else rowwise_lfs
        n_jobs = 2 if kind.startswith("rowwise2") else 1
        chunk_size = 20_000 if kind == "rowwise2_forced" else None

        def run(d):
            applier["last"] = LFApplier(lfs(), cardinality=2, n_jobs=n_jobs, chunk_size=chunk_size)
            return applier["last"].apply(d, progress=False)
    df = make_comments(n, seed=n)
    t_cold, L = timed(run, df)
    plan = str(applier["last"].plan_) if applier else ""
    warm, warm_plan = [], plan
    for _ in range(warm_rounds):
        t, _ = timed(run, df)
        warm.append(t)
        warm_plan = str(applier["last"].plan_) if applier else ""
    dense = np.asarray(L) if kind == "snorkel" else L.to_dense()
    digest = int(np.abs(dense.astype(np.int64) + 1).sum())  # the same for every contender (checked)
    return {"kind": kind, "n": n, "cold_s": t_cold, "warm_s": min(warm) if warm else float("nan"),
            "plan": plan, "warm_plan": warm_plan, "digest": digest, "load": os.getloadavg()[0]}


def run_first_calls(n: int, rounds: int, warm_rounds: int, kinds=tuple(FIRST_CALL)) -> dict:
    """``rounds`` rounds, each running every contender once in its own fresh process; each keeps its best."""
    best: dict[str, dict] = {}
    for round_ in range(rounds):
        for kind in kinds:
            if kind == "snorkel" and round_:  # ~1 minute a run, and steady: one run
                continue
            r = in_subprocess("--stage", "first-call", "--kind", kind, "--n", str(n),
                              "--warm", str(0 if kind == "snorkel" else warm_rounds))
            print(f"first call n={n:,} {FIRST_CALL[kind]:<32} cold {r['cold_s']:.3f} s, warm {r['warm_s']:.3f} s "
                  f"(load {r['load']:.1f}) {r['plan']}", flush=True)
            if kind not in best or r["cold_s"] < best[kind]["cold_s"]:
                warm = min(r["warm_s"], best.get(kind, {}).get("warm_s", np.inf))
                best[kind] = dict(r, warm_s=warm)
            else:
                best[kind]["warm_s"] = min(best[kind]["warm_s"], r["warm_s"])
    best["capacity"] = parallel_capacity()  # what a second process can get on this machine right now
    digests = {r["digest"] for k, r in best.items() if k != "capacity"}
    if len(digests) != 1:
        raise AssertionError(f"the contenders' label matrices differ: {best}")
    return best


FIRST_ROUNDS, WARM_ROUNDS = 3, 2
FIRST_BEGIN, FIRST_END = "<!-- BEGIN apply/first-calls -->", "<!-- END apply/first-calls -->"


def _first_calls_block(text: str) -> str:
    return f"{FIRST_BEGIN}\n{text.rstrip()}\n{FIRST_END}\n"


def splice_first_calls(text: str) -> None:
    """Put the first-call table into this script's section of RESULTS.md, keeping the rest of the section."""
    from _results import RESULTS

    old = RESULTS.read_text() if RESULTS.exists() else ""
    begin, end = "<!-- BEGIN apply -->", "<!-- END apply -->"
    body = old[old.index(begin) + len(begin): old.index(end)].strip("\n") if begin in old and end in old else ""
    if FIRST_BEGIN in body and FIRST_END in body:
        body = body[: body.index(FIRST_BEGIN)] + body[body.index(FIRST_END) + len(FIRST_END):]
    write_section("apply", body.rstrip() + "\n\n" + _first_calls_block(text))


def report_first_calls(best: dict, n: int, rounds: int, warm_rounds: int, load: tuple) -> str:
    s = best["snorkel"]["cold_s"]
    one, two, tm = best["rowwise1"], best["rowwise2"], best["templates"]
    lines = [f"### First calls: {n:,} rows, each contender in a fresh process", "",
             "Each contender runs in its own fresh process: imports and the comments frame first, then the clock "
             "starts for its first call (the applier and its LFs built inside the call, and for n_jobs=2 the worker "
             f"processes started inside it), then {warm_rounds} warm calls in the same process (best kept; "
             "n_jobs=2 reuses its workers). Snorkel one run; weaksup best of "
             f"{rounds} rounds that each run every contender once (load average {load[0]:.1f} before / "
             f"{load[1]:.1f} after on 2 shared cores). Every label matrix was checked equal to Snorkel's.", "",
             "| contender | first call (cold) | warm (best) | what it chose (first call) |", "|---|---:|---:|---|"]
    for kind, name in FIRST_CALL.items():
        r = best[kind]
        warm = "" if kind == "snorkel" else f"{r['warm_s']:.3f} s"
        lines.append(f"| {name} | {r['cold_s']:.3f} s | {warm} | {r['plan']} |")
    forced = best["rowwise2_forced"]
    par_cold, par_warm = one["cold_s"] / two["cold_s"], one["warm_s"] / two["warm_s"]
    tmpl = s / tm["cold_s"]
    lines += ["", "| target | measured | |", "|---|---|---|",
              f"| first-call n_jobs=2 >= 1.4x first-call n_jobs=1 ({n:,} rows) | {par_cold:.2f}x (warm: {par_warm:.2f}x) "
              f"| {verdict(par_cold >= 1.4)} |",
              f"| first-call templates >= 100x Snorkel PandasLFApplier | {tmpl:.0f}x (warm: "
              f"{s / tm['warm_s']:.0f}x) | {verdict(tmpl >= 100)} |", "",
              f"With workers forced (a given chunk_size), n_jobs=2 against n_jobs=1: first call "
              f"{one['cold_s'] / forced['cold_s']:.2f}x, warm {one['warm_s'] / forced['warm_s']:.2f}x: what two "
              "processes buy on this machine in this run, start-up included (a pure-CPU loop run twice in 2 "
              f"processes vs twice in one got {best['capacity']:.2f}x right after these runs; 2.0x = two idle "
              "cores). The default n_jobs=2 falls back "
              "to one process when the 1-minute load average leaves no core idle, or when the work left after "
              "the first (timed) batch is shorter than 1.5 times the workers' start-up.", ""]
    return "\n".join(lines)


# memory: 10M x 100 at 10% coverage (own process) --------------------------------------------------
def _coverage_lf(j: int, n_lfs: int):
    from weaksup import LabelingFunction

    def votes(df, j=j):
        # a fixed pseudo-random 10% of rows per LF, label by parity: cheap and deterministic
        h = (df["pos"].to_numpy() * 2654435761 + j * 40503) % 1000
        return np.where(h < 100, (h + j) % 2, ABSTAIN)

    return LabelingFunction(f"lf_{j:03d}", votes, vectorized=True)


def stage_memory(n: int, n_lfs: int) -> dict:
    from weaksup import LFApplier

    data = pd.DataFrame({"pos": np.arange(n, dtype=np.int64)})
    base = rss_mb()
    t0 = time.perf_counter()
    L = LFApplier([_coverage_lf(j, n_lfs) for j in range(n_lfs)], cardinality=2, chunk_size=250_000).apply(
        data, progress=False)
    elapsed = time.perf_counter() - t0
    return {"n": n, "n_lfs": n_lfs, "nnz": L.nnz, "coverage": L.nnz / (n * n_lfs), "nbytes_mb": L.nbytes / 2**20,
            "data_mb": data.memory_usage(deep=True).sum() / 2**20, "rss_before_mb": base,
            "peak_rss_mb": peak_rss_mb(), "seconds": elapsed,
            "dtypes": [str(L.csr.data.dtype), str(L.csr.indices.dtype), str(L.csr.indptr.dtype)]}


# end to end: parquet file -> L -> label model -> exported labels (own process) ---------------------
def stage_make_parquet(n: int, path: str) -> dict:
    import pyarrow as pa
    import pyarrow.parquet as pq

    t0 = time.perf_counter()
    writer = None
    step = 1_000_000
    for start in range(0, n, step):
        part = make_comments(min(step, n - start), seed=start)
        part.index = pd.Index(np.char.add("c", np.arange(start, start + len(part)).astype(str)))
        table = pa.Table.from_pandas(part.reset_index(names="id"), preserve_index=False)
        writer = writer or pq.ParquetWriter(path, table.schema)
        writer.write_table(table)
    writer.close()
    return {"seconds": time.perf_counter() - t0, "file_mb": os.path.getsize(path) / 2**20}


def stage_e2e(path: str, out: str, chunk_size: int) -> dict:
    from weaksup import LabelModel, PatternCounts, load_labels
    from weaksup.apply.chunked import ChunkedApplier
    from weaksup.pipeline import export_chunked

    base = rss_mb()
    ca = ChunkedApplier(template_lfs(), cardinality=2, chunk_size=chunk_size, id_column="id", columns=["text"])
    t0 = time.perf_counter()
    kept, stats = [], None
    for L in ca.iter_apply(path, progress=False):
        part = PatternCounts.from_label_matrix(L, cardinality=2)
        stats = part if stats is None else stats.merge(part)
        kept.append(L)
    t1 = time.perf_counter()
    model = LabelModel(cardinality=2).fit_from_stats(stats)
    t2 = time.perf_counter()
    export_chunked(model, ca, None, out, L=kept, class_names=["ham", "spam"], progress=False)
    t3 = time.perf_counter()
    n = sum(L.n_rows for L in kept)
    L_mb = sum(L.nbytes for L in kept) / 2**20
    peak = peak_rss_mb()
    del kept
    head = load_labels(out).head(3) if n <= 1_000_000 else None
    return {"n": n, "apply_s": t1 - t0, "fit_s": t2 - t1, "export_s": t3 - t2, "total_s": t3 - t0,
            "n_patterns": stats.n_patterns, "L_mb": L_mb, "rss_before_mb": base, "peak_rss_mb": peak,
            "out_mb": os.path.getsize(out) / 2**20, "model": type(model).__name__,
            "head_ok": head is None or list(head.columns[:2]) == ["prob_ham", "prob_spam"]}


def in_subprocess(*args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


# report -------------------------------------------------------------------------------------------
def verdict(ok: bool) -> str:
    return "met" if ok else "**MISSED**"


def report(speed: list[dict], mem: dict, e2e: dict, load: tuple, quick: bool, dask_parts: int) -> str:
    names = ["weaksup row-wise (1 process)", "weaksup templates (1 process)", "weaksup row-wise, n_jobs=2",
             "weaksup row-wise, Dask 2 workers", "weaksup row-wise, Dask, data on workers"]
    lines = ["## Labeling at scale (`benchmarks/apply.py`)", ""]
    lines.append(f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {platform.machine()}, "
                 f"{os.cpu_count()} CPU cores **shared with ~5 other agents' jobs** (load average "
                 f"{load[0]:.1f} before / {load[1]:.1f} after the speed runs), so parallel speedups are "
                 "pessimistic and timings noisy. Snorkel 0.10 (PyPI). Times in seconds: Snorkel one run per size; weaksup best of "
                 f"{ROUNDS} rounds that interleave the appliers, so load bursts hit all of them alike; ratio = Snorkel time / weaksup time. Every label matrix was checked equal to Snorkel's."
                 + (" **Quick (reduced-size) run.**" if quick else ""))
    lines += ["", "Dask columns: a `LocalCluster` of 2 single-threaded worker processes with Dask's default settings, started "
              "for each round before timing and closed after it (so an idle cluster never slows the other contenders), "
              f"{dask_parts} partitions. \"Dask 2 workers\" times `dd.from_pandas(df)` (Dask tokenizes the frame) plus "
              "shipping the rows to the workers plus applying; \"data on workers\" applies to a persisted Dask "
              "DataFrame, as when workers load the data themselves (`dd.read_parquet`).", "",
              "9 LFs: keywords my, subscribe, http, please/plz, song, love, channel; regex `check.*out`; "
              "fewer than 5 words. Synthetic comments, 1-14 words, shuffled string ids.", ""]
    lines.append("| rows | Snorkel PandasLFApplier | " + " | ".join(names) + " |")
    lines.append("|---:|---:|" + "---:|" * len(names))
    for r in speed:
        cells = [f"{r[k]:.2f} s ({r['snorkel'] / r[k]:.1f}x)" for k in names]
        lines.append(f"| {r['n']:,} | {r['snorkel']:.2f} s (1x) | " + " | ".join(cells) + " |")
    big = speed[-1]
    tmpl = min(r["snorkel"] / r[names[1]] for r in speed)
    row1 = min(r["snorkel"] / r[names[0]] for r in speed)
    par = [r[names[0]] / r[names[2]] for r in speed]
    dask_vs = big[names[2]] / big[names[3]]
    dask_on = big[names[2]] / big[names[4]]
    cap = ", ".join(f"{r['capacity']:.2f}x / {r['capacity_after']:.2f}x at {r['n']:,}" for r in speed)
    lines += ["", "| target | measured | |", "|---|---|---|",
              f"| templates >= 100x Snorkel | {tmpl:.0f}x (worst size) | {verdict(tmpl >= 100)} |",
              f"| row-wise >= 3x Snorkel, one core | {row1:.1f}x (worst size) | {verdict(row1 >= 3)} |",
              "| n_jobs=2 >= 1.7x n_jobs=1 (row-wise) | " + ", ".join(
                  f"{p:.2f}x at {r['n']:,}" for p, r in zip(par, speed, strict=True))
              + " | " + ", ".join(f"{verdict(p >= 1.7)} at {r['n']:,}" for p, r in zip(par, speed, strict=True))
              + " (see the ceilings below) |",
              f"| Dask (2 workers) no slower than n_jobs=2 at {big['n']:,} | from pandas {big[names[3]]:.2f} s, "
              f"data on workers {big[names[4]]:.2f} s vs n_jobs=2 {big[names[2]]:.2f} s ({dask_vs:.2f}x / "
              f"{dask_on:.2f}x) | from pandas {verdict(dask_vs >= 1.0)}; data on workers {verdict(dask_on >= 1.0)} |",
              f"| LabelMatrix {mem['n']:,} x {mem['n_lfs']} at {mem['coverage']:.0%} coverage < 1.5 GB | "
              f"{mem['nbytes_mb']:.0f} MiB (`L.nbytes`; CSR {'/'.join(mem['dtypes'])}); peak RSS of the process "
              f"building it {mem['peak_rss_mb']:.0f} MiB | {verdict(mem['nbytes_mb'] < 1500)} |", ""]
    lines += [f"Parallel capacity: a pure-CPU loop run twice in 2 processes vs twice in one process got {cap} "
              "(measured just before the runs of that size / right after them; 2.0x = two idle cores). "
              "n_jobs=2 and Dask cannot beat that ceiling.", ""]
    split = [(r[names[0]] / r["split"], r[names[0]] / r[names[2]], r["n"]) for r in speed]
    lines += ["Workload ceiling: the same row-wise LFs split perfectly in two, each of 2 processes labelling its own "
              "half that it built itself (no rows shipped, no results gathered, started together on a barrier), best "
              f"of {ROUNDS} rounds: " + "; ".join(
                  f"{c:.2f}x of one process at {n:,} (n_jobs=2 got {p:.2f}x, {p / c:.0%} of it)" for c, p, n in split)
              + ". Where this ceiling is below 2.0x the machine is the limit (other jobs, or the two processes "
              "slowing each other through shared caches and memory bandwidth), not the applier; the gap between "
              "n_jobs=2 and the ceiling is the applier's overhead (pickling rows to the workers and results back, "
              "the last chunk's tail). Above 2.0x means the one-process time was inflated by load.",
              ""]
    floor_l, floor_d = "floor: loky", "floor: Dask client.map"
    lines += ["Runtime floors: the batch function every applier runs (`apply_lfs_to_batch`), called directly on the "
              f"same {dask_parts} partitions with no applier around it, by joblib's loky (slices shipped from this "
              "process) and by Dask's `client.map` (partitions already on the workers), best of "
              f"{ROUNDS} rounds interleaved with the appliers: " + "; ".join(
                  f"at {r['n']:,} loky {r[floor_l]:.2f} s, Dask {r[floor_d]:.2f} s (Dask/loky "
                  f"{r[floor_l] / r[floor_d]:.2f}x); DaskLFApplier on the persisted data {r[names[4]]:.2f} s "
                  f"({r[floor_d] / r[names[4]]:.2f}x of Dask's floor), n_jobs=2 {r[names[2]]:.2f} s "
                  f"({r[floor_l] / r[names[2]]:.2f}x of loky's floor)" for r in speed)
              + ". The gap between the floors is the two runtimes' own cost on this machine, before any applier code.",
              ""]
    lines += [f"Memory run: `LFApplier` with {mem['n_lfs']} vectorized LFs over a {mem['n']:,}-row frame "
              f"({mem['data_mb']:.0f} MiB), chunk_size 250k, {mem['seconds']:.1f} s; RSS {mem['rss_before_mb']:.0f} "
              f"MiB (process RSS with the input frame) before applying, peak {mem['peak_rss_mb']:.0f} MiB (includes the input frame and the final "
              "row-stacking, which briefly holds the chunks and the result).", ""]
    lines += [f"End-to-end ({e2e['n']:,} rows, parquet file of {e2e['file_mb']:.0f} MiB written beforehand in "
              f"{e2e['make_s']:.0f} s): `ChunkedApplier` (templates, chunks of {e2e['chunk']:,} rows, one process) "
              f"-> sparse votes kept ({e2e['L_mb']:.0f} MiB) + chunk `PatternCounts` -> `{e2e['model']}` fitted from "
              f"{e2e['n_patterns']} distinct patterns -> probabilistic labels with ids written chunk by chunk to "
              f"parquet ({e2e['out_mb']:.0f} MiB).", "",
              "| stage | seconds |", "|---|---:|",
              f"| read + apply LFs + statistics | {e2e['apply_s']:.1f} |",
              f"| fit label model from statistics | {e2e['fit_s']:.2f} |",
              f"| predict + export labels | {e2e['export_s']:.1f} |",
              f"| **total** | **{e2e['total_s']:.1f}** ({e2e['n'] / e2e['total_s']:,.0f} rows/s) |", "",
              f"Peak RSS (VmHWM) {e2e['peak_rss_mb']:.0f} MiB (RSS after imports {e2e['rss_before_mb']:.0f} MiB) for "
              f"{e2e['n']:,} rows; the raw text is never all in memory.", ""]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="reduced sizes (20k/100k; 1M for memory and end-to-end)")
    ap.add_argument("--first-calls", action="store_true",
                    help="run only the first-call comparison and update its part of the section")
    ap.add_argument("--stage", choices=["memory", "parquet", "e2e", "first-call"], help=argparse.SUPPRESS)
    ap.add_argument("--kind", default="", help=argparse.SUPPRESS)
    ap.add_argument("--warm", type=int, default=3, help=argparse.SUPPRESS)
    ap.add_argument("--n", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--path", default="", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.stage == "memory":
        print(json.dumps(stage_memory(args.n, 100)))
        return
    if args.stage == "parquet":
        print(json.dumps(stage_make_parquet(args.n, args.path)))
        return
    if args.stage == "first-call":
        print(json.dumps(stage_first_call(args.kind, args.n, args.warm)))
        return
    if args.stage == "e2e":
        print(json.dumps(stage_e2e(args.path, args.path + ".labels.parquet", 250_000)))
        return

    first_n = 100_000 if args.quick else 400_000
    if args.first_calls:
        load0 = os.getloadavg()[0]
        best = run_first_calls(first_n, FIRST_ROUNDS, WARM_ROUNDS)
        text = report_first_calls(best, first_n, FIRST_ROUNDS, WARM_ROUNDS, (load0, os.getloadavg()[0]))
        splice_first_calls(text)
        print(text)
        return

    sizes = [20_000, 100_000] if args.quick else [100_000, 1_000_000]
    big_n = 1_000_000 if args.quick else 10_000_000
    load0 = os.getloadavg()[0]
    warnings.filterwarnings("ignore", message=".*large graph.*")  # from_pandas embeds the frame, on purpose
    speed = run_speed(sizes, dask_partitions=16)
    load1 = os.getloadavg()[0]
    mem = in_subprocess("--stage", "memory", "--n", str(big_n))
    print("memory:", mem, flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "comments.parquet")
        made = in_subprocess("--stage", "parquet", "--n", str(big_n), "--path", path)
        e2e = in_subprocess("--stage", "e2e", "--path", path)
    e2e.update(make_s=made["seconds"], file_mb=made["file_mb"], chunk=250_000)
    print("end-to-end:", e2e, flush=True)
    load2 = os.getloadavg()[0]
    best = run_first_calls(first_n, FIRST_ROUNDS, WARM_ROUNDS)
    first = report_first_calls(best, first_n, FIRST_ROUNDS, WARM_ROUNDS, (load2, os.getloadavg()[0]))
    text = report(speed, mem, e2e, (load0, load1), args.quick, 16) + "\n" + _first_calls_block(first)
    write_section("apply", text)
    print(text)


if __name__ == "__main__":
    main()
