"""Applying LFs over worker processes (joblib's loky), rows back in input order.

The input is cut into consecutive chunks; each worker labels whole chunks with the same
batch code the in-process applier uses (:func:`weaksup.apply.core.apply_lfs_to_batch`), and
results are consumed in submission order, so row order and ids never depend on which
worker finished first (the bug of snorkel#1524). LFs travel once per chunk as one
cloudpickle blob (so LFs defined in a notebook or inside a function work) and are
unpickled once per worker. An LF error in a worker comes back as the same exception
type, message and attributes (``lf_name``, ``row_id``, ``original``) as in-process.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from weaksup.apply.core import Batch, LFErrorRecord, apply_lfs_to_batch
from weaksup.errors import LabelingFunctionError, LFPicklingError
from weaksup.labeling.lf import LabelingFunction

_WORKER_LFS: dict[str, list[LabelingFunction]] = {}


def effective_n_jobs(n_jobs: int | None) -> int:
    """Number of worker processes ``n_jobs`` means: ``-1`` all cores, ``-2`` all but one, ``None`` one.

    Examples
    --------
    >>> effective_n_jobs(1), effective_n_jobs(None)
    (1, 1)
    """
    if n_jobs is None or n_jobs == 1:
        return 1
    if n_jobs == 0:
        raise ValueError("n_jobs=0 is not a number of processes; use 1 (in-process), k > 1 or -1 (all cores)")
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
    import cloudpickle  # a dependency of joblib (scikit-learn) and of dask

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
    attrs = {}
    for name, value in vars(exc).items():
        try:
            pickle.dumps(value)
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


def label_chunk(
    key: str, blob: bytes, data: Any, index: pd.Index, cardinality: int | None, fault_tolerant: bool
) -> tuple[str, Any, Any]:
    """Worker task: label one chunk.

    Returns ``("ok", (data, indices, indptr, shape), errors)``, ``("error", frozen, None)`` for an LF
    error, or ``("load_error", message, None)`` when the LFs could not be unpickled here.
    """
    try:
        lfs = load_lfs(key, blob)
    except Exception as exc:  # e.g. an LF's module is not importable in the worker
        return "load_error", f"{type(exc).__name__}: {exc}", None
    try:
        L, errors = apply_lfs_to_batch(lfs, Batch(data, index), cardinality, fault_tolerant)
    except LabelingFunctionError as exc:
        return "error", freeze_error(exc), None
    csr = L.csr
    return "ok", (csr.data, csr.indices, csr.indptr, csr.shape), errors


def iter_parallel(
    lfs: Sequence[LabelingFunction],
    batches: Sequence[Batch],
    cardinality: int | None,
    fault_tolerant: bool,
    n_jobs: int,
) -> Iterator[tuple[sp.csr_matrix, dict[str, LFErrorRecord]]]:
    """Label ``batches`` over ``n_jobs`` loky workers; yields ``(csr, errors)`` per batch in input order.

    Raises the first failing batch's :class:`LabelingFunctionError`, as in-process would.
    """
    from joblib import Parallel, delayed

    key, blob = dump_lfs(lfs)
    task = delayed(label_chunk)
    parallel = Parallel(n_jobs=n_jobs, backend="loky", return_as="generator", pre_dispatch="2*n_jobs")
    results = parallel(task(key, blob, b.data, b.index, cardinality, fault_tolerant) for b in batches)
    try:
        for status, payload, errors in results:
            if status == "load_error":
                raise LFPicklingError(
                    ", ".join(lf.name for lf in lfs), f"a worker process could not unpickle them ({payload}); define "
                    "the LFs in the script or notebook that applies them, or in a module the workers can import"
                )
            if status == "error":
                err = thaw_error(payload)
                raise err from err.original
            data, indices, indptr, shape = payload
            yield sp.csr_matrix((np.asarray(data), np.asarray(indices), np.asarray(indptr)), shape=shape), errors
    finally:  # stop the remaining tasks now, in this thread: an abandoned joblib generator, closed later
        results.close()  # by the garbage collector, can shut the shared executor down under the next call
