"""Applying LFs over worker processes while this process labels rows too; rows back in input order.

The input is cut into consecutive batches. This process labels batches from the front, in
order; each worker process, once it is up and has loaded the LFs, is handed the next batch
whenever it has fewer than two in hand. Every batch is labelled by the same code
(:func:`weaksup.apply.core.vote_batch`) and its result is stored by position, so row order
and ids never depend on which process finished first (the bug of snorkel#1524). Because this
process never waits for workers that are still starting, a cold start costs the time it
overlaps with labelling, not the time it takes, and a job too small for workers simply
finishes here.

The worker processes (joblib's loky, which needs no ``if __name__ == "__main__"`` guard) are
kept for the whole session: one pool per process, reused by every applier and call, idle
workers exit after five minutes and the pool is shut down at exit. A worker imports the batch
code only (pandas, no scipy or scikit-learn); LFs travel with each batch as one cloudpickle
blob (so LFs defined in a notebook or inside a function work) and are unpickled once per
worker. An LF error in a worker comes back as the same exception type, message and
attributes (``lf_name``, ``row_id``, ``original``) as in-process, and the first failing batch
in input order is the one raised.
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import os
import pickle
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from weaksup.apply.core import Batch, LFErrorRecord, vote_batch
from weaksup.errors import LabelingFunctionError, LFPicklingError, ParameterError, ParameterTypeError
from weaksup.labeling.lf import LabelingFunction

log = logging.getLogger("weaksup.apply")

_WORKER_LFS: dict[str, list[LabelingFunction]] = {}
IDLE_TIMEOUT_S = 300  # idle workers exit after this; the next call starts fresh ones
# Seconds a cold pool takes until its first worker is ready, before this process has measured it
# (a Python start, joblib's loky bootstrap, pandas and the batch code: 0.5-1 s on an idle machine).
DEFAULT_STARTUP_S = 1.0


def effective_n_jobs(n_jobs: int | None) -> int:
    """Number of worker processes ``n_jobs`` means: ``-1`` all cores, ``-2`` all but one, ``None`` one.

    Examples
    --------
    >>> effective_n_jobs(1), effective_n_jobs(None)
    (1, 1)
    """
    if n_jobs is None or (n_jobs == 1 and not isinstance(n_jobs, str)):
        return 1
    whole = isinstance(n_jobs, (int, np.integer)) or (isinstance(n_jobs, float) and n_jobs.is_integer())
    if not whole or isinstance(n_jobs, (bool, np.bool_)):
        raise ParameterTypeError(f"n_jobs must be a whole number of processes (1, k > 1 or -1), got {n_jobs!r}")
    if n_jobs == 0:
        raise ParameterError("n_jobs=0 is not a number of processes; use 1 (in-process), k > 1 or -1 (all cores)")
    from joblib import effective_n_jobs as joblib_n_jobs

    return int(joblib_n_jobs(n_jobs))


def dump_lfs(lfs: Sequence[LabelingFunction]) -> tuple[str, bytes]:
    """Serialize LFs once with cloudpickle (lambdas and local functions included); key = content hash.

    An LF that does not pickle (it holds a lock, an open file, a client) raises
    :class:`~weaksup.errors.LFPicklingError` naming it and the part that failed.

    Examples
    --------
    >>> import threading
    >>> from weaksup.labeling.lf import LabelingFunction
    >>> locked = LabelingFunction("locked", lambda x, lock: -1, resources={"lock": threading.Lock()})
    >>> from weaksup.errors import LFPicklingError
    >>> try:
    ...     dump_lfs([locked])
    ... except LFPicklingError as err:
    ...     print(err.lf_name, "/", err.detail[:35])
    locked / its resource 'lock' does not pickle
    """
    import cloudpickle  # what joblib's loky pickles callables with

    try:
        blob = cloudpickle.dumps(list(lfs), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:
        raise _unpicklable(lfs, exc) from exc
    return hashlib.sha1(blob).hexdigest(), blob


def _unpicklable(lfs: Sequence[LabelingFunction], exc: Exception) -> LFPicklingError:
    """The error naming the first LF (and its part: function, resource, preprocessor) that does not pickle."""
    import cloudpickle

    def fails(obj: Any) -> Exception | None:
        try:
            cloudpickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as err:
            return err
        return None

    for lf in lfs:
        err = fails(lf)
        if err is None:
            continue
        parts = [(f"its resource {k!r}", v) for k, v in lf.resources.items()]
        parts += [(f"its preprocessor {p.name!r}", p) for p in lf.pre] + [("its function", lf.f)]
        what, err = next(((w, e) for w, e in ((w, fails(v)) for w, v in parts) if e is not None), ("it", err))
        return LFPicklingError(
            lf.name, f"{what} does not pickle ({type(err).__name__}: {err}); use n_jobs=1, or build the object "
            "inside the LF (e.g. once per process, lazily)"
        )
    names = ", ".join(lf.name for lf in lfs)
    return LFPicklingError(names, f"the set does not pickle ({type(exc).__name__}: {exc}); use n_jobs=1")


def load_lfs(key: str, blob: bytes) -> list[LabelingFunction]:
    """Unpickle the LF blob at most once per worker process."""
    lfs = _WORKER_LFS.get(key)
    if lfs is None:
        _WORKER_LFS.clear()  # keep only the current applier's LFs
        lfs = _WORKER_LFS[key] = pickle.loads(blob)
    return lfs


def freeze_error(exc: LabelingFunctionError) -> tuple[type, str, dict[str, Any]]:
    """A picklable snapshot of an LF error: its type, message and attributes (unpicklable ones dropped)."""
    import cloudpickle  # what loky sends results back with: an exception class defined in the user's
    # script or inside a function pickles by value (plain pickle refuses it, and ``original`` was lost)

    attrs = {}
    for name, value in vars(exc).items():
        try:
            cloudpickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # e.g. an exception holding a lock or a generator
            value = None if name == "original" else repr(value)
        attrs[name] = value
    return type(exc), str(exc.args[0]) if exc.args else str(exc), attrs


def thaw_error(frozen: tuple[type, str, dict[str, Any]]) -> LabelingFunctionError:
    """Rebuild the exception :func:`freeze_error` captured, with the same type, message and attributes."""
    cls, message, attrs = frozen
    err = cls.__new__(cls)
    Exception.__init__(err, message)
    err.__dict__.update(attrs)
    return err


def _warm_up(key: str, blob: bytes) -> tuple[str, Any]:
    """Worker task sent first: load the LFs here, so a batch is only handed over to a worker that is ready."""
    try:
        load_lfs(key, blob)
    except Exception as exc:  # e.g. an LF's module is not importable in the worker
        return "load_error", f"{type(exc).__name__}: {exc}"
    return "ready", os.getpid()


def label_chunk(
    key: str, blob: bytes, data: Any, index: pd.Index, cardinality: int | None, fault_tolerant: bool
) -> tuple[str, Any, Any, int]:
    """Worker task: label one batch.

    Returns ``("ok", votes, errors, pid)`` with dense small-integer votes, ``("error", frozen, None, pid)``
    for an LF error, or ``("load_error", message, None, pid)`` when the LFs could not be unpickled here.
    """
    try:
        lfs = load_lfs(key, blob)
    except Exception as exc:
        return "load_error", f"{type(exc).__name__}: {exc}", None, os.getpid()
    try:
        votes, errors = vote_batch(lfs, Batch(data, index), cardinality, fault_tolerant)
    except LabelingFunctionError as exc:
        return "error", freeze_error(exc), None, os.getpid()
    return "ok", votes, errors, os.getpid()


# the pool: one per process, kept between calls ----------------------------------------------------
@dataclass
class _Pool:
    executor: Any
    n_workers: int
    pid: int  # the process that made it: a forked child must not use its parent's pool
    last_used: float
    startup_s: float | None = None  # measured: seconds from the start until the first worker was ready


_pool: _Pool | None = None
_pool_lock = threading.Lock()
_startup_estimate = DEFAULT_STARTUP_S


def pool_is_warm(n_workers: int) -> bool:
    """Whether a pool of ``n_workers`` is up in this process and its workers have not idled out.

    Examples
    --------
    >>> pool_is_warm(64)
    False
    """
    p = _pool
    return (p is not None and p.pid == os.getpid() and p.n_workers == n_workers
            and time.monotonic() - p.last_used < IDLE_TIMEOUT_S * 0.9)


def idle_cores() -> float:
    """Cores free for workers now: usable cores minus the 1-minute load average (this process not counted).

    On a machine other jobs keep busy, a worker gets no core of its own: it only slows this process
    down while it starts. ``inf`` where the load average is unknown.

    Examples
    --------
    >>> idle_cores() > -1e9
    True
    """
    try:
        load = os.getloadavg()[0]
    except (OSError, AttributeError):  # not available on this platform
        return float("inf")
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return cpus - max(0.0, load - 1.0)


def startup_estimate() -> float:
    """Seconds a cold pool needs until a worker is ready: the last start measured here, else a default."""
    return _startup_estimate


def _get_pool(n_workers: int) -> tuple[_Pool, bool]:
    """This process's pool of ``n_workers`` workers, and whether it had to be started (cold)."""
    global _pool
    with _pool_lock:
        warm = pool_is_warm(n_workers)
        if _pool is not None and _pool.pid == os.getpid() and _pool.n_workers == n_workers:
            _pool.last_used = time.monotonic()
            return _pool, not warm
        if _pool is not None and _pool.pid == os.getpid():
            _pool.executor.shutdown(wait=False)
        from joblib.externals.loky.backend.context import get_context
        from joblib.externals.loky.process_executor import ProcessPoolExecutor

        cpus = os.cpu_count() or 1
        threads = str(max(1, cpus // (n_workers + 1)))  # BLAS / OpenMP in LFs: no oversubscription
        env = {name: threads for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
        executor = ProcessPoolExecutor(n_workers, context=get_context("loky"), timeout=IDLE_TIMEOUT_S, env=env)
        _pool = _Pool(executor, n_workers, os.getpid(), time.monotonic())
        return _pool, True


def shutdown_workers() -> None:
    """Stop this process's worker processes now (they are also stopped at exit, or after idling).

    Examples
    --------
    >>> shutdown_workers()
    """
    global _pool
    with _pool_lock:
        pool, _pool = _pool, None
    if pool is not None and pool.pid == os.getpid():
        pool.executor.shutdown(wait=True, kill_workers=True)


atexit.register(shutdown_workers)


# the schedule ------------------------------------------------------------------------------------
@dataclass
class ApplyPlan:
    """What one ``apply`` call chose, and what happened: processes, batches, and why.

    Examples
    --------
    >>> print(ApplyPlan(n_rows=400, max_jobs=2, chunk_size=100, n_chunks=4, reason="n_jobs=1"))
    400 rows in 4 batches of <= 100 over 1 process (n_jobs=1)
    """

    n_rows: int
    max_jobs: int  #: processes allowed (``n_jobs`` resolved)
    chunk_size: int  #: rows per batch (the first may be a smaller, timed probe)
    n_chunks: int
    reason: str  #: why workers were or were not used
    n_jobs: int = 1  #: processes that labelled rows, this one included
    chunks_here: int = 0  #: batches labelled in this process
    chunks_in_workers: int = 0
    workers_started: bool = False  #: a pool had to be started (cold) for this call
    worker_ready_s: float | None = None  #: seconds until the first worker was ready to label

    def __str__(self) -> str:
        procs = f"{self.n_jobs} process{'es' if self.n_jobs > 1 else ''}"
        return f"{self.n_rows:,} rows in {self.n_chunks} batches of <= {self.chunk_size:,} over {procs} ({self.reason})"


def label_batches(
    lfs: Sequence[LabelingFunction],
    blob: tuple[str, bytes],
    batches: Sequence[Batch],
    cardinality: int | None,
    fault_tolerant: bool,
    n_workers: int,
    plan: ApplyPlan,
    decide: Callable[[float, int], bool] | None = None,
    on_done: Callable[[int], None] | None = None,
) -> list[tuple[np.ndarray, dict[str, LFErrorRecord]]]:
    """Votes and error records of every batch, in input order, labelled here and by up to ``n_workers`` workers.

    With ``decide``, it is asked after the first batch (with its seconds and rows) whether to
    start the workers, and a worker is handed batches only once it is ready. Without it the
    workers start before the first batch and are handed their first batches at once (so
    every call with 2+ batches uses them: what a given ``chunk_size`` asks for).
    ``on_done(rows)`` is called as batches finish (for a progress bar). Raises the first
    failing batch's error, as in-process would.
    """
    key, data = blob
    results: list[Any] = [None] * len(batches)
    inflight: dict[Any, int] = {}  # future -> batch position
    warmups: list[Any] = []
    pids: set[int] = set()
    state = {"pool": None, "ready": 0, "t0": 0.0}
    failure: tuple[int, LabelingFunctionError] | None = None

    def start() -> None:
        pool, cold = _get_pool(n_workers)
        state["pool"], state["t0"] = pool, time.monotonic()
        plan.workers_started = cold
        warmups.extend(pool.executor.submit(_warm_up, key, data) for _ in range(n_workers))

    def collect(block: bool) -> None:
        nonlocal failure
        if block:
            from concurrent.futures import FIRST_COMPLETED, wait

            wait([*inflight, *(w for w in warmups if not w.done())], return_when=FIRST_COMPLETED)
        for w in [w for w in warmups if w.done()]:
            warmups.remove(w)
            status, payload = _result(w, lfs, batches[0])
            if status == "load_error":
                raise _load_error(lfs, payload)
            state["ready"] += 1
            if plan.worker_ready_s is None:
                plan.worker_ready_s = time.monotonic() - state["t0"]
                if plan.workers_started:
                    _remember_startup(plan.worker_ready_s)
        for f in [f for f in inflight if f.done()]:
            pos = inflight.pop(f)
            status, payload, errors, pid = _result(f, lfs, batches[pos])
            if status == "load_error":
                raise _load_error(lfs, payload)
            if status == "error":
                if failure is None or pos < failure[0]:
                    failure = (pos, thaw_error(payload))
                continue
            results[pos] = (payload, errors)
            pids.add(pid)
            plan.chunks_in_workers += 1
            if on_done is not None:
                on_done(len(batches[pos]))

    nxt = 0  # every batch before this one is labelled, reserved here or in a worker's hands
    here: int | None = None  # a batch reserved for this process
    if decide is None and n_workers > 0:
        start()
        here, nxt = 0, 1  # this process takes the first batch, the workers the next ones
    try:
        while ((nxt < len(batches) or here is not None) and failure is None) or inflight:
            if state["pool"] is not None:
                collect(block=False)
                capacity = 2 * (n_workers if decide is None else state["ready"])
                while failure is None and nxt < len(batches) and len(inflight) < capacity:
                    b = batches[nxt]
                    f = state["pool"].executor.submit(label_chunk, key, data, b.data, b.index, cardinality,
                                                      fault_tolerant)
                    inflight[f] = nxt
                    nxt += 1
            if failure is not None:  # only batches before the failing one still matter
                for f, pos in list(inflight.items()):
                    if pos > failure[0]:
                        f.cancel()
                        del inflight[f]
                if inflight:
                    collect(block=True)
                continue
            if here is not None or nxt < len(batches):
                if here is not None:
                    pos, here = here, None
                else:
                    pos, nxt = nxt, nxt + 1
                t = time.perf_counter()
                try:
                    results[pos] = vote_batch(lfs, batches[pos], cardinality, fault_tolerant)
                except LabelingFunctionError as exc:
                    failure = (pos, exc)
                    continue
                plan.chunks_here += 1
                if on_done is not None:
                    on_done(len(batches[pos]))
                if pos == 0 and decide is not None and n_workers > 0 and decide(time.perf_counter() - t, len(batches[0])):
                    start()
            elif inflight:
                collect(block=True)
        if failure is not None:
            raise failure[1] from failure[1].original
        while warmups:  # workers were started: their LF loading is checked even if they labelled nothing
            collect(block=True)
    finally:
        for f in inflight:
            f.cancel()
        if state["pool"] is not None:
            state["pool"].last_used = time.monotonic()
    plan.n_jobs = 1 + len(pids) if plan.chunks_here else len(pids)
    return results


def _result(future: Any, lfs: Sequence[LabelingFunction], batch: Batch) -> Any:
    """A worker task's return value; a worker that died (an LF crashed it) is an error naming the batch."""
    try:
        return future.result()
    except Exception as exc:  # loky's TerminatedWorkerError, BrokenProcessPool, an unpicklable result
        global _pool
        with _pool_lock:
            if _pool is not None and _pool.pid == os.getpid():
                _pool.executor.shutdown(wait=False, kill_workers=True)
            _pool = None
        names = ", ".join(lf.name for lf in lfs)
        first = batch.index[0] if len(batch) else None
        raise LabelingFunctionError(
            names, first, f"a worker process failed labelling the batch starting at this row "
            f"({type(exc).__name__}: {exc}); run with n_jobs=1 to see which LF and row", exc
        ) from exc


def _load_error(lfs: Sequence[LabelingFunction], payload: str) -> LFPicklingError:
    return LFPicklingError(
        ", ".join(lf.name for lf in lfs), f"a worker process could not unpickle them ({payload}); define "
        "the LFs in the script or notebook that applies them, or in a module the workers can import"
    )


def _remember_startup(seconds: float) -> None:
    global _startup_estimate
    _startup_estimate = seconds
