"""LFApplier: apply labeling functions to in-memory data and build a LabelMatrix."""

from __future__ import annotations

import time
from collections.abc import Sequence
from itertools import pairwise
from typing import Any

import pandas as pd
import scipy.sparse as sp
from tqdm.auto import tqdm

from weaksup.apply.base import BaseApplier, check_chunk_size
from weaksup.apply.core import (
    Batch,
    apply_lfs_to_batch,
    as_frame_or_array,
    balanced_chunk_size,
    merge_errors,
    slice_batches,
)
from weaksup.apply.parallel import (
    DEFAULT_STARTUP_S,
    ApplyPlan,
    dump_lfs,
    effective_n_jobs,
    idle_cores,
    label_batches,
    log,
    pool_is_warm,
    startup_estimate,
)
from weaksup.labeling.lf import LabelingFunction
from weaksup.matrix import LabelMatrix

DEFAULT_CHUNK = 20_000  # rows per batch in one process: bounds memory, sets progress granularity
MIN_CHUNK = 1_000  # rows per batch at least when workers may help: below this, shipping a batch costs too much
BATCHES_PER_PROCESS = 4  # with workers: batches per process (guided shrinking keeps the tail short); 16 was measured
# slower at 100k rows (0.55 vs 0.48 s, n_jobs=2, warm workers), equal at 400k
PROBE_SHARE = 100  # with workers possible, the first batch (1/100 of the rows) is timed here to choose
WARM_MIN_S = 0.05  # warm workers help once the work left is longer than this (a batch's round trip)
COLD_MARGIN = 1.5  # cold workers are started once the work left is 1.5 times their start-up
MIN_IDLE_CORES = 0.5  # workers need a core others leave idle (load average below usable cores - 0.5)


class LFApplier(BaseApplier):
    """Apply labeling functions to a DataFrame, a list of dicts or a numpy array.

    Rows come back in input order with the input's index (any dtype, unsorted or
    duplicated). Row-wise LFs run over light row objects, one LF at a time over a
    batch; vectorized LFs run once per batch.

    Parameters
    ----------
    lfs : sequence of LabelingFunction
        LFs with unique names; the label matrix columns follow this order.
    cardinality : int, optional
        Number of classes; when given, votes outside ``0..cardinality-1`` are errors.
    chunk_size : int, optional
        Most rows per batch. ``None`` (default) chooses from the data: 20,000 rows in one
        process; with ``n_jobs > 1``, batches of 1,000-20,000 rows, about 16 per process, and
        workers only where they pay off (see ``n_jobs``). A given value is used as it is, cut
        into even batches (at least four per process), and workers are used whenever there is
        more than one batch.
    n_jobs : int
        Most processes: ``1`` runs in this process; ``k > 1`` this process and up to ``k - 1``
        worker processes, ``-1`` all cores (joblib's loky, kept for the session and reused by
        every call). This process labels batches itself and hands the next ones to workers as
        they become ready, so a cold start never stalls the call. With the default
        ``chunk_size`` the first batch is timed first: workers are started only when the rest
        of the work is longer than their start-up (measured once per session; about a
        second) and the machine has a core idle (1-minute load average), and a warm pool is
        used when the rest takes more than 50 ms. Chunks come
        back in input order, and an LF error in a worker is raised here exactly as
        in-process. LFs must pickle: one that does not raises
        :class:`~weaksup.errors.LFPicklingError` naming it, whatever the data size.

    Attributes
    ----------
    errors_ : dict
        After ``apply(..., fault_tolerant=True)``: LF name -> :class:`LFErrorRecord`
        (count, first row id, message) for every LF that raised.
    plan_ : ApplyPlan
        What the last ``apply`` chose and did: processes used, batches, how many were labelled
        here and in workers, whether workers had to be started and how long they took, and
        why. Also shown in the progress bar and logged (logger ``weaksup.apply``, level INFO).

    Examples
    --------
    >>> import pandas as pd
    >>> from weaksup import labeling_function
    >>> @labeling_function()
    ... def has_http(x):
    ...     return 1 if "http" in x.text else -1
    >>> df = pd.DataFrame({"text": ["http://a", "hi"]}, index=["a", "b"])
    >>> applier = LFApplier([has_http], n_jobs=2)
    >>> L = applier.apply(df, progress=False)
    >>> L.to_dense().ravel().tolist(), L.index.tolist()
    ([1, -1], ['a', 'b'])
    >>> print(applier.plan_)
    2 rows in 1 batches of <= 20,000 over 1 process (2 rows: too few for workers to pay off)
    """

    def __init__(
        self,
        lfs: Sequence[LabelingFunction],
        cardinality: int | None = None,
        chunk_size: int | None = None,
        n_jobs: int = 1,
    ) -> None:
        super().__init__(lfs, cardinality)
        self.chunk_size = check_chunk_size(chunk_size)
        self.n_jobs = n_jobs

    def apply(self, data: Any, progress: bool = True, fault_tolerant: bool = False) -> LabelMatrix:
        """Label every row with every LF.

        Parameters
        ----------
        data : pandas.DataFrame, list of dict, numpy.ndarray, Arrow table or polars DataFrame
            An array's rows are what LFs get: rows of a 2-D array, elements of a 1-D one
            (texts, or records of a structured array, whose fields templates read by name).
        progress : bool
            Show a progress bar over rows.
        fault_tolerant : bool
            Turn an LF's exception (or its preprocessor's) into an abstain and record it in
            ``errors_``; otherwise raise :class:`~weaksup.errors.LabelingFunctionError`.

        Returns
        -------
        LabelMatrix

        Raises
        ------
        LabelingFunctionError
            An LF or its preprocessor raised (or returned None), an LF returned a Series whose index
            is not the batch's, or a vectorized preprocessor dropped or reordered the batch's rows.
        InvalidLabelError
            An LF returned something that is not a label (named with the LF, row id and value).
        ApplyInputError
            The input has duplicate column names (``a`` twice, or ``1`` and ``"1"``).
        LFPicklingError
            ``n_jobs > 1`` and an LF does not pickle, or a worker cannot unpickle it.
        """
        frame, index = as_frame_or_array(data)
        self.errors_ = {}
        n = len(index)
        max_jobs = effective_n_jobs(self.n_jobs)
        blob = dump_lfs(self.lfs) if max_jobs > 1 else None  # n_jobs > 1 promises LFs that pickle
        batches, plan, decide = self._plan(frame, index, max_jobs)
        self.plan_ = plan
        t0 = time.perf_counter()
        with tqdm(total=n, disable=not progress, desc="Applying LFs", unit="rows") as bar:
            if blob is None or plan.n_chunks < 2:
                parts = []
                for batch in batches:
                    L_part, errors = apply_lfs_to_batch(self.lfs, batch, self.cardinality, fault_tolerant)
                    merge_errors(self.errors_, errors)
                    parts.append(L_part)
                    bar.update(len(batch))
                plan.chunks_here = len(batches)
                L = stack_rows(parts, self.lf_names, index, self.cardinality)
            else:
                bar.set_postfix_str(f"up to {max_jobs} processes", refresh=False)
                n_workers = min(max_jobs, plan.n_chunks) - 1  # no more processes than batches
                results = label_batches(self.lfs, blob, batches, self.cardinality, fault_tolerant, n_workers,
                                        plan, decide, bar.update)
                parts = []
                for batch, (votes, errors) in zip(batches, results, strict=True):
                    merge_errors(self.errors_, errors)  # in input order: the first failure wins, as in-process
                    parts.append(LabelMatrix.from_dense(votes, self.lf_names, batch.index, self.cardinality))
                L = stack_rows(parts, self.lf_names, index, self.cardinality)
            bar.set_postfix_str(f"{plan.n_jobs} process{'es' if plan.n_jobs > 1 else ''}")
        log.info("LFApplier: %s; %.2f s", plan, time.perf_counter() - t0)
        return L

    def _plan(self, frame: Any, index: pd.Index, max_jobs: int) -> tuple[list, ApplyPlan, Any]:
        """Batches, the plan, and (default chunking with workers possible) the rule that decides after batch 0."""
        n = len(index)
        if max_jobs == 1 or self.chunk_size is not None:
            step = self.chunk_size or DEFAULT_CHUNK
            if max_jobs > 1:
                step = balanced_chunk_size(n, step, max_jobs)
            batches = slice_batches(frame, index, step)
            reason = "n_jobs=1" if max_jobs == 1 else (
                "chunk_size given: workers for every call with 2+ batches" if len(batches) > 1 else "one batch")
            return batches, ApplyPlan(n, max_jobs, step, len(batches), reason), None
        if n < 2 * MIN_CHUNK:
            batches = slice_batches(frame, index, DEFAULT_CHUNK)
            return batches, ApplyPlan(n, max_jobs, DEFAULT_CHUNK, len(batches),
                                      f"{n:,} rows: too few for workers to pay off"), None
        probe = max(MIN_CHUNK // 4, n // PROBE_SHARE)
        step = min(DEFAULT_CHUNK, max(MIN_CHUNK, -(-(n - probe) // (BATCHES_PER_PROCESS * max_jobs))))
        batches = cut_batches(frame, index, guided_bounds(n, probe, step, max_jobs))
        plan = ApplyPlan(n, max_jobs, step, len(batches), "")
        n_workers = min(max_jobs, len(batches)) - 1

        def decide(seconds: float, rows: int) -> bool:
            rest_s = seconds / max(rows, 1) * (n - rows)
            idle = idle_cores()
            if idle < MIN_IDLE_CORES:
                plan.reason = f"one process: the machine is busy ({idle:.1f} cores idle)"
                return False
            if pool_is_warm(n_workers):
                use, need = rest_s > WARM_MIN_S, f"warm workers: work left ~{rest_s:.2f} s vs {WARM_MIN_S} s"
            else:
                start = startup_estimate()
                use = rest_s > COLD_MARGIN * start
                measured = "assumed" if start == DEFAULT_STARTUP_S else "measured"
                need = f"work left ~{rest_s:.2f} s vs worker start-up {start:.2f} s ({measured}) x {COLD_MARGIN}"
            plan.reason = ("workers started: " if use else "one process: ") + need
            return use

        return batches, plan, decide


def guided_bounds(n: int, probe: int, step: int, n_procs: int) -> list[int]:
    """Batch boundaries: a probe, batches of ``step`` rows, then shrinking ones (a share of what is left).

    Whoever takes the last batch waits for the batches still in other processes' hands; batches
    that shrink towards the end keep that wait short (guided self-scheduling).

    Examples
    --------
    >>> guided_bounds(10_000, 100, 2_000, 2)
    [0, 100, 2100, 4075, 5557, 6668, 7501, 8126, 8626, 9126, 9626, 10000]
    """
    bounds, start = [0, min(probe, n)], min(probe, n)
    while start < n:
        size = min(step, max(MIN_CHUNK // 2, -(-(n - start) // (2 * n_procs))))
        start = min(n, start + size)
        bounds.append(start)
    return bounds


def cut_batches(data: Any, index: pd.Index, bounds: Sequence[int]) -> list[Batch]:
    """Consecutive batches between ``bounds`` (views, not copies)."""
    frame = isinstance(data, pd.DataFrame)
    return [Batch(data.iloc[a:b] if frame else data[a:b], index[a:b]) for a, b in pairwise(bounds)]


def stack_rows(parts: Sequence[LabelMatrix], lf_names: list[str], index: Any, cardinality: int | None) -> LabelMatrix:
    """Concatenate per-batch label matrices (already in row order) into one."""
    if len(parts) == 1:
        return LabelMatrix(parts[0].csr, lf_names, index, cardinality)
    csr = sp.vstack([p.csr for p in parts], format="csr")
    return LabelMatrix(csr, lf_names, index, cardinality)
