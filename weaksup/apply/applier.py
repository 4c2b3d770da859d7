"""LFApplier: apply labeling functions to in-memory data and build a LabelMatrix."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import scipy.sparse as sp
from tqdm.auto import tqdm

from weaksup.apply.core import (
    LFErrorRecord,
    apply_lfs_to_batch,
    as_frame_or_array,
    balanced_chunk_size,
    check_lfs,
    merge_errors,
    slice_batches,
)
from weaksup.apply.parallel import effective_n_jobs, iter_parallel
from weaksup.labeling.lf import LabelingFunction
from weaksup.matrix import LabelMatrix


class LFApplier:
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
    chunk_size : int
        Most rows per batch (bounds memory and sets progress granularity). With ``n_jobs > 1``
        the rows are cut into even chunks, at least four per worker, so no worker idles at the end.
    n_jobs : int
        Worker processes: ``1`` runs in this process; ``k > 1`` uses ``k`` processes,
        ``-1`` all cores (joblib's loky). Chunks come back in input order, and an LF error
        in a worker is raised here exactly as in-process (chunks still running are cancelled,
        so the next call may start fresh workers). LFs must pickle: one that does not
        raises :class:`~weaksup.errors.LFPicklingError` naming it.

    Attributes
    ----------
    errors_ : dict
        After ``apply(..., fault_tolerant=True)``: LF name -> :class:`LFErrorRecord`
        (count, first row id, message) for every LF that raised.

    Examples
    --------
    >>> import pandas as pd
    >>> from weaksup import labeling_function
    >>> @labeling_function()
    ... def has_http(x):
    ...     return 1 if "http" in x.text else -1
    >>> df = pd.DataFrame({"text": ["http://a", "hi"]}, index=["a", "b"])
    >>> L = LFApplier([has_http]).apply(df, progress=False)
    >>> L.to_dense().ravel().tolist(), L.index.tolist()
    ([1, -1], ['a', 'b'])
    """

    def __init__(
        self,
        lfs: Sequence[LabelingFunction],
        cardinality: int | None = None,
        chunk_size: int = 20_000,
        n_jobs: int = 1,
    ) -> None:
        self.lfs = check_lfs(lfs)
        self.cardinality = cardinality
        self.chunk_size = chunk_size
        self.n_jobs = n_jobs
        self.errors_: dict[str, LFErrorRecord] = {}

    @property
    def lf_names(self) -> list[str]:
        return [lf.name for lf in self.lfs]

    def apply(self, data: Any, progress: bool = True, fault_tolerant: bool = False) -> LabelMatrix:
        """Label every row with every LF.

        Parameters
        ----------
        data : pandas.DataFrame, list of dict or numpy.ndarray
        progress : bool
            Show a progress bar over rows.
        fault_tolerant : bool
            Turn an LF's exception into an abstain and record it in ``errors_``;
            otherwise raise :class:`~weaksup.errors.LabelingFunctionError`.

        Returns
        -------
        LabelMatrix

        Raises
        ------
        LabelingFunctionError
            An LF raised, or returned a Series whose index is not the batch's.
        InvalidLabelError
            An LF returned something that is not a label (named with the LF, row id and value).
        ApplyInputError
            The input has duplicate column names (``a`` twice, or ``1`` and ``"1"``).
        """
        frame, index = as_frame_or_array(data)
        self.errors_ = {}
        parts: list[LabelMatrix] = []
        n_jobs = effective_n_jobs(self.n_jobs)
        step = self.chunk_size if n_jobs == 1 else balanced_chunk_size(len(index), self.chunk_size, n_jobs)
        batches = slice_batches(frame, index, step)
        with tqdm(total=len(index), disable=not progress, desc="Applying LFs", unit="rows") as bar:
            if n_jobs > 1 and len(batches) > 1:
                results = iter_parallel(self.lfs, batches, self.cardinality, fault_tolerant, min(n_jobs, len(batches)))
                for batch, (csr, errors) in zip(batches, results, strict=True):
                    merge_errors(self.errors_, errors)
                    parts.append(LabelMatrix(csr, self.lf_names, batch.index, self.cardinality))
                    bar.update(len(batch))
                return stack_rows(parts, self.lf_names, index, self.cardinality)
            for batch in batches:
                L_part, errors = apply_lfs_to_batch(self.lfs, batch, self.cardinality, fault_tolerant)
                merge_errors(self.errors_, errors)
                parts.append(L_part)
                bar.update(len(batch))
        return stack_rows(parts, self.lf_names, index, self.cardinality)


def stack_rows(parts: Sequence[LabelMatrix], lf_names: list[str], index: Any, cardinality: int | None) -> LabelMatrix:
    """Concatenate per-batch label matrices (already in row order) into one."""
    if len(parts) == 1:
        return LabelMatrix(parts[0].csr, lf_names, index, cardinality)
    csr = sp.vstack([p.csr for p in parts], format="csr")
    return LabelMatrix(csr, lf_names, index, cardinality)
