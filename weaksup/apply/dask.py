"""DaskLFApplier: apply labeling functions to a Dask DataFrame, partition by partition, on a cluster.

Each partition is labelled on a worker with the same batch code the in-process applier
uses (:func:`weaksup.apply.core.apply_lfs_to_batch`), so votes, error messages and row
ids are identical to :class:`~weaksup.apply.LFApplier`. Results are gathered by
partition number, never by completion order, so rows come back in the order and with
the index of the Dask DataFrame (the ordering bug of snorkel#1589 cannot happen).

Every task is a pure function of its partition and the LFs, so when a worker dies the
scheduler simply reruns its tasks elsewhere and the result is still complete and ordered.
For data larger than one machine's memory, keep results partitioned
(:meth:`DaskLFApplier.apply_partitioned`, :meth:`DaskLFApplier.save_partitions`) and fit
label models from per-partition :class:`~weaksup.patterns.PatternCounts` merged on
the client (:meth:`DaskLFApplier.pattern_counts`; :func:`weaksup.pipeline.fit_dask` fits from them and
:func:`weaksup.pipeline.predict_proba_dask` scores partitions on the workers), so the rows never sit in one process.

This module imports Dask; ``import weaksup`` does not import it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from weaksup._deps import install_hint
from weaksup.apply.applier import stack_rows
from weaksup.apply.base import BaseApplier
from weaksup.apply.core import Batch, LFErrorRecord, apply_lfs_to_batch, merge_errors
from weaksup.apply.parallel import dump_lfs, freeze_error, load_lfs, thaw_error
from weaksup.errors import LabelingFunctionError, ParameterTypeError
from weaksup.labeling.lf import LabelingFunction
from weaksup.matrix import LabelMatrix
from weaksup.patterns import PatternCounts

try:
    import dask
    import dask.dataframe as dd
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError(f"weaksup.apply.dask needs Dask, which is not installed: {install_hint('dask')}") from exc


# worker tasks (module-level and pure: the scheduler may rerun them after a worker is lost) ---------
def _lf_payload(key: str, blob: bytes) -> tuple[str, bytes]:
    """Graph node holding the pickled LFs, fetched once per worker and unpickled once per process."""
    return key, blob


def label_partition(payload: tuple[str, bytes], pdf: pd.DataFrame, cardinality: int | None,
           fault_tolerant: bool) -> tuple[LabelMatrix, dict[str, LFErrorRecord]]:
    lfs = load_lfs(*payload)
    if len(pdf) == 0:  # e.g. a partition emptied by a filter
        empty = LabelMatrix.from_columns([np.zeros(0, np.int64)] * len(lfs), [lf.name for lf in lfs],
                                         pdf.index, cardinality)
        return empty, {}
    return apply_lfs_to_batch(lfs, Batch(pdf, pdf.index), cardinality, fault_tolerant)


def _label_task(payload: tuple[str, bytes], pdf: pd.DataFrame, cardinality: int | None, fault_tolerant: bool,
                what: str, path: str | None = None) -> tuple[str, Any, Any]:
    """Label one partition and return ``("ok", result, errors)`` or ``("error", frozen_error, None)``.

    ``what`` picks the result: ``"matrix"`` (the partition's LabelMatrix), ``"stats"`` (its
    PatternCounts) or ``"save"`` (write the LabelMatrix to ``path`` and return ``(path, n_rows)``).
    """
    try:
        L, errors = label_partition(payload, pdf, cardinality, fault_tolerant)
    except LabelingFunctionError as exc:
        return "error", freeze_error(exc), None
    if what == "stats":
        return "ok", PatternCounts.from_label_matrix(L, cardinality=cardinality), errors
    if what == "save":
        assert path is not None
        # LabelMatrix.save is atomic: a worker killed mid-write leaves no partial part file
        return "ok", (str(L.save(path)), L.n_rows), errors
    return "ok", L, errors


def _matrix_or_raise(result: tuple[str, Any, Any]) -> LabelMatrix:
    status, payload, _ = result
    if status == "error":
        err = thaw_error(payload)
        raise err from err.original
    return payload


class DaskLFApplier(BaseApplier):
    """Apply labeling functions to a Dask DataFrame on a Dask cluster (or Dask's local scheduler).

    Parameters
    ----------
    lfs : sequence of LabelingFunction
        LFs with unique names; the label matrix columns follow this order.
    cardinality : int, optional
        Number of classes; when given, votes outside ``0..cardinality-1`` are errors.
    client : distributed.Client, optional
        Where to run. Defaults to the current default client (``distributed.Client(...)``
        makes itself the default); without one, Dask's local scheduler runs the tasks.

    Attributes
    ----------
    errors_ : dict
        After a ``fault_tolerant=True`` run: LF name -> :class:`~weaksup.apply.LFErrorRecord`
        merged over partitions in partition order.

    Notes
    -----
    The applier's own work is one task per partition and stacking the gathered parts; on 2
    local workers it took 1-15% longer than calling the same batch function with
    ``client.map`` (``benchmarks/apply.py``, "runtime floors"; about this machine's run-to-run
    noise). Dask's runtime has costs of its own that show most with pure-Python row-wise LFs
    on few cores, measured on a 2-core machine: that ``client.map`` took 10-30% longer than
    the same batch function over the same partitions through joblib's loky (three runs); each
    worker's statistical profiler samples the running task 100 times a second (tasks 3-7%
    slower; ``distributed.worker.profile.enabled: False`` turns it off); work stealing
    sometimes leaves one worker idle at the end; and ``dd.from_pandas`` hashes the whole
    frame (0.9 s for a million short texts). For data that fits in this machine's memory,
    :class:`~weaksup.apply.LFApplier` with ``n_jobs`` is the faster choice; use Dask when the
    data lives on a cluster or outgrows one machine.

    Examples
    --------
    >>> import pandas as pd, dask.dataframe as dd
    >>> from weaksup import keyword_lf
    >>> df = pd.DataFrame({"text": ["check my channel", "nice song", "my my"]}, index=["c", "a", "b"])
    >>> ddf = dd.from_pandas(df, npartitions=2, sort=False)
    >>> applier = DaskLFApplier([keyword_lf("my", 1), keyword_lf("song", 0)], cardinality=2)
    >>> L = applier.apply(ddf, progress=False)
    >>> L.index.tolist(), L.to_dense().tolist()
    (['c', 'a', 'b'], [[1, -1], [-1, 0], [1, -1]])
    >>> applier.pattern_counts(ddf, progress=False).n_rows
    3
    """

    def __init__(self, lfs: Sequence[LabelingFunction], cardinality: int | None = None, client: Any = None) -> None:
        super().__init__(lfs, cardinality)
        self.client = client

    # plumbing ----------------------------------------------------------------------------------
    def _client(self) -> Any:
        if self.client is not None:
            return self.client
        try:
            from distributed import default_client
        except ImportError:
            return None
        try:
            return default_client()
        except ValueError:  # no client started: use Dask's local scheduler
            return None

    def _tasks(self, ddf: Any, fault_tolerant: bool, what: str, folder: Path | None = None) -> list[Any]:
        if not isinstance(ddf, dd.DataFrame):
            raise ParameterTypeError(
                f"DaskLFApplier applies to a dask DataFrame, not {type(ddf).__name__}; "
                "use dask.dataframe.from_pandas(...) or LFApplier for in-memory data"
            )
        key, blob = dump_lfs(self.lfs)
        payload = dask.delayed(_lf_payload, pure=True)(key, blob, dask_key_name=f"weaksup-lfs-{key}")
        # fresh keys per call: a later call never shares (or has cancelled) the futures of an earlier one;
        # tasks are still pure functions, so the scheduler can rerun them after losing a worker
        task = dask.delayed(_label_task, pure=False)
        return [
            task(payload, part, self.cardinality, fault_tolerant, what,
                 None if folder is None else str(folder / f"part-{i:05d}.npz"))
            for i, part in enumerate(ddf.to_delayed())
        ]

    def _run(self, tasks: list[Any], progress: bool) -> list[tuple[str, Any, Any]]:
        """Compute per-partition tasks; results in partition order. Stops at the first LF error."""
        from tqdm.auto import tqdm

        client = self._client()
        if client is None:
            results = list(dask.compute(*tasks))
            first_error = next((r for r in results if r[0] == "error"), None)
            if first_error is not None:
                _matrix_or_raise(first_error)
            return results
        from distributed import as_completed

        futures = client.compute(tasks)
        position = {f.key: i for i, f in enumerate(futures)}
        results: list[Any] = [None] * len(futures)
        try:
            with tqdm(total=len(futures), disable=not progress, desc="Applying LFs", unit="partitions") as bar:
                for future in as_completed(futures, loop=client.loop):  # not default_client(): self.client may be another
                    result = future.result()  # re-raises a task's own exception (not LF errors: those are values)
                    if result[0] == "error":
                        _matrix_or_raise(result)
                    results[position[future.key]] = result
                    bar.update(1)
        except BaseException:
            client.cancel(futures)  # stop the partitions still running; their results are not needed
            raise
        return results

    def _collect_errors(self, results: list[tuple[str, Any, Any]]) -> None:
        self.errors_ = {}
        for _, _, errors in results:
            merge_errors(self.errors_, errors)

    # public API --------------------------------------------------------------------------------
    def apply(self, ddf: Any, progress: bool = True, fault_tolerant: bool = False) -> LabelMatrix:
        """Label every row of ``ddf`` and gather one LabelMatrix (rows in order, index preserved).

        Parameters
        ----------
        ddf : dask.dataframe.DataFrame
        progress : bool
            Show a progress bar over partitions.
        fault_tolerant : bool
            Turn an LF's exception (or its preprocessor's) into an abstain and record it in ``errors_``; otherwise
            raise :class:`~weaksup.errors.LabelingFunctionError` naming the LF and row id.

        Returns
        -------
        LabelMatrix

        Examples
        --------
        >>> import pandas as pd, dask.dataframe as dd
        >>> from weaksup import regex_lf
        >>> ddf = dd.from_pandas(pd.DataFrame({"text": ["check it out", "ok"]}), npartitions=2)
        >>> DaskLFApplier([regex_lf("check.*out", 1)]).apply(ddf, progress=False).to_dense().ravel().tolist()
        [1, -1]
        """
        results = self._run(self._tasks(ddf, fault_tolerant, "matrix"), progress)
        self._collect_errors(results)
        parts = [r[1] for r in results]
        index = parts[0].index.append([p.index for p in parts[1:]]) if len(parts) > 1 else parts[0].index
        return stack_rows(parts, self.lf_names, index, self.cardinality)

    def apply_partitioned(self, ddf: Any, fault_tolerant: bool = False) -> list[Any]:
        """One lazy ``dask.delayed`` LabelMatrix per partition, in partition order; nothing is computed.

        Compute them where they are needed (``client.compute(parts)`` keeps the results on
        the workers as futures). An LF error raises :class:`~weaksup.errors.LabelingFunctionError`
        when the partition is computed. Error records of ``fault_tolerant`` runs are not kept.

        Examples
        --------
        >>> import dask, pandas as pd, dask.dataframe as dd
        >>> from weaksup import keyword_lf
        >>> ddf = dd.from_pandas(pd.DataFrame({"text": ["my", "no", "my"]}), npartitions=2)
        >>> parts = DaskLFApplier([keyword_lf("my", 1)]).apply_partitioned(ddf)
        >>> [L.n_rows for L in dask.compute(*parts)]
        [2, 1]
        """
        unwrap = dask.delayed(_matrix_or_raise, pure=True)
        return [unwrap(t) for t in self._tasks(ddf, fault_tolerant, "matrix")]

    def save_partitions(self, ddf: Any, folder: str | Path, progress: bool = True,
                        fault_tolerant: bool = False) -> list[Path]:
        """Label each partition on its worker and write it to ``folder/part-NNNNN.npz``.

        Only file names travel back to the client, so the label matrix never has to fit in
        one process. The folder must be reachable by every worker (a shared file system, or
        the local disk for a ``LocalCluster``). Read a part back with :meth:`LabelMatrix.load`.

        Returns
        -------
        list of Path
            One file per partition, in partition order.

        Examples
        --------
        >>> import tempfile, pandas as pd, dask.dataframe as dd
        >>> from weaksup import LabelMatrix, keyword_lf
        >>> ddf = dd.from_pandas(pd.DataFrame({"text": ["my", "no", "my"]}), npartitions=2)
        >>> paths = DaskLFApplier([keyword_lf("my", 1)]).save_partitions(ddf, tempfile.mkdtemp(), progress=False)
        >>> [LabelMatrix.load(p).n_rows for p in paths]
        [2, 1]
        """
        folder = Path(folder).resolve()
        folder.mkdir(parents=True, exist_ok=True)
        results = self._run(self._tasks(ddf, fault_tolerant, "save", folder), progress)
        self._collect_errors(results)
        return [Path(r[1][0]) for r in results]

    def pattern_counts(self, ddf: Any, progress: bool = True, fault_tolerant: bool = False) -> PatternCounts:
        """Sufficient statistics of the whole label matrix: computed per partition on the workers, merged here.

        Only the distinct vote patterns and their counts leave the workers; merging is exact,
        so the result equals ``PatternCounts.from_label_matrix(self.apply(ddf))``.

        Examples
        --------
        >>> import pandas as pd, dask.dataframe as dd
        >>> from weaksup import keyword_lf
        >>> ddf = dd.from_pandas(pd.DataFrame({"text": ["my", "no", "my", "my"]}), npartitions=3)
        >>> s = DaskLFApplier([keyword_lf("my", 1)]).pattern_counts(ddf, progress=False)
        >>> s.n_rows, sorted(s.counts.tolist())
        (4, [1, 3])
        """
        results = self._run(self._tasks(ddf, fault_tolerant, "stats"), progress)
        self._collect_errors(results)
        stats = sum((r[1] for r in results[1:]), results[0][1])
        stats.lf_names = self.lf_names
        return stats
