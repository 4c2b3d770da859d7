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
from weaksup.errors import LabelingFunctionError
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
    """Serialize LFs once with cloudpickle (lambdas and local functions included); key = content hash."""
    import cloudpickle  # a dependency of joblib (scikit-learn) and of dask

    blob = cloudpickle.dumps(list(lfs), protocol=pickle.HIGHEST_PROTOCOL)
    return hashlib.sha1(blob).hexdigest(), blob


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
    """Worker task: label one chunk; returns ``("ok", (data, indices, indptr, shape), errors)`` or ``("error", frozen, None)``."""
    lfs = load_lfs(key, blob)
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
    for status, payload, errors in results:
        if status == "error":
            err = thaw_error(payload)
            raise err from err.original
        data, indices, indptr, shape = payload
        yield sp.csr_matrix((np.asarray(data), np.asarray(indices), np.asarray(indptr)), shape=shape), errors
