"""Out-of-core labeling: apply LFs to a CSV / Parquet / JSON-lines file chunk by chunk.

Only one chunk of raw rows is in memory at a time. The label matrix (sparse, a few bytes
per vote) can be gathered (:meth:`ChunkedApplier.apply`), or reduced chunk by chunk to
:class:`~weaksup.patterns.PatternCounts` (:meth:`ChunkedApplier.pattern_counts`), from which
any label model fits without the rows (:mod:`weaksup.pipeline` does the fitting and exporting:
``fit_file``, ``label_file``).

Rows are read by :func:`weaksup.io.read_chunks`, the one reader: ids are the ``id_column``,
else the file's ``id`` column, else positions; CSV and JSON-lines ids are text exactly as written.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from weaksup.apply.applier import LFApplier, stack_rows
from weaksup.apply.base import BaseApplier, check_chunk_size
from weaksup.apply.core import merge_errors
from weaksup.errors import ParameterError, ParameterTypeError
from weaksup.io.tables import count_rows, read_chunks
from weaksup.labeling.lf import LabelingFunction
from weaksup.matrix import LabelMatrix
from weaksup.patterns import PatternCounts


class ChunkedApplier(BaseApplier):
    """Apply LFs to a data file chunk by chunk, never holding more than one chunk of rows.

    Parameters
    ----------
    lfs : sequence of LabelingFunction
    cardinality : int, optional
    chunk_size : int
        Rows read (and labelled) at a time.
    id_column : str, optional
        Column with the row ids, read as :func:`weaksup.io.read_chunks` does (default: the file's
        ``id`` column when it has one, else row positions; CSV / JSON-lines ids are text as written).
    columns : sequence of str, optional
        Columns the LFs need (read only these).
    n_jobs : int
        Worker processes per chunk, as in :class:`~weaksup.apply.LFApplier`.
    read_kwargs : dict, optional
        Reader options passed to :func:`weaksup.io.read_chunks` (``encoding="cp1252"``, ``sep=";"`` ...).

    Attributes
    ----------
    errors_ : dict
        After a ``fault_tolerant=True`` pass: LF name -> :class:`~weaksup.apply.LFErrorRecord`.

    Examples
    --------
    >>> import tempfile, os, pandas as pd
    >>> from weaksup import keyword_lf
    >>> p = os.path.join(tempfile.mkdtemp(), "d.csv")
    >>> pd.DataFrame({"id": ["a", "b", "c"], "text": ["my", "song", "my song"]}).to_csv(p, index=False)
    >>> ca = ChunkedApplier([keyword_lf("my", 1), keyword_lf("song", 0)], cardinality=2, chunk_size=2)
    >>> ca.apply(p, progress=False).index.tolist()
    ['a', 'b', 'c']
    >>> ca.pattern_counts(p, progress=False).n_rows
    3
    """

    def __init__(
        self,
        lfs: Sequence[LabelingFunction],
        cardinality: int | None = None,
        chunk_size: int = 100_000,
        id_column: str | None = None,
        columns: Sequence[str] | None = None,
        n_jobs: int = 1,
        read_kwargs: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(lfs, cardinality)
        self.chunk_size = check_chunk_size(chunk_size, allow_none=False)
        self.id_column = id_column
        self.columns = columns
        self.n_jobs = n_jobs
        if read_kwargs is not None and not isinstance(read_kwargs, dict):
            raise ParameterTypeError(f"read_kwargs must be a dict of reader options, got {type(read_kwargs).__name__}")
        self.read_kwargs = dict(read_kwargs or {})

    def iter_apply(self, path: str | Path, progress: bool = True, fault_tolerant: bool = False) -> Iterator[LabelMatrix]:
        """Yield one LabelMatrix per chunk of the file, in file order, with the chunk's row ids.

        Examples
        --------
        >>> import tempfile, os, pandas as pd
        >>> from weaksup import keyword_lf
        >>> p = os.path.join(tempfile.mkdtemp(), "d.jsonl")
        >>> pd.DataFrame({"text": ["my", "x", "my"]}).to_json(p, orient="records", lines=True)
        >>> [L.n_rows for L in ChunkedApplier([keyword_lf("my", 1)], chunk_size=2).iter_apply(p, progress=False)]
        [2, 1]
        """
        from tqdm.auto import tqdm

        path = Path(path)
        n_jobs = self.n_jobs if self.n_jobs is not None else 1
        inner = self.chunk_size if n_jobs == 1 else max(1, -(-self.chunk_size // (4 * max(n_jobs, 2))))
        applier = LFApplier(self.lfs, cardinality=self.cardinality, chunk_size=inner, n_jobs=n_jobs)
        self.errors_ = {}
        with tqdm(total=count_rows(path), disable=not progress, desc="Applying LFs", unit="rows") as bar:
            for chunk in read_chunks(path, self.chunk_size, self.columns, self.id_column, **self.read_kwargs):
                L = applier.apply(chunk, progress=False, fault_tolerant=fault_tolerant)
                merge_errors(self.errors_, applier.errors_)
                bar.update(len(chunk))
                yield L

    def apply(self, path: str | Path, progress: bool = True, fault_tolerant: bool = False) -> LabelMatrix:
        """The whole file's LabelMatrix (only the sparse votes are kept, never the rows).

        Examples
        --------
        >>> import tempfile, os, pandas as pd
        >>> from weaksup import keyword_lf
        >>> p = os.path.join(tempfile.mkdtemp(), "d.parquet")
        >>> pd.DataFrame({"text": ["my", "x", "my"]}).to_parquet(p)
        >>> ChunkedApplier([keyword_lf("my", 1)], chunk_size=2).apply(p, progress=False).to_dense().ravel().tolist()
        [1, -1, 1]
        """
        parts = list(self.iter_apply(path, progress=progress, fault_tolerant=fault_tolerant))
        if not parts:
            raise ParameterError(f"{path} has no rows")
        index = parts[0].index.append([p.index for p in parts[1:]]) if len(parts) > 1 else parts[0].index
        return stack_rows(parts, self.lf_names, index, self.cardinality)

    def pattern_counts(self, path: str | Path, progress: bool = True, fault_tolerant: bool = False,
                       keep: list[LabelMatrix] | None = None) -> PatternCounts:
        """Sufficient statistics of the file's label matrix, merged chunk by chunk (no matrix kept).

        ``keep``: a list to append each chunk's (sparse) label matrix to, for a later export pass.

        Examples
        --------
        >>> import tempfile, os, pandas as pd
        >>> from weaksup import keyword_lf
        >>> p = os.path.join(tempfile.mkdtemp(), "d.csv")
        >>> pd.DataFrame({"text": ["my", "x", "my"]}).to_csv(p, index=False)
        >>> ChunkedApplier([keyword_lf("my", 1)], chunk_size=1).pattern_counts(p, progress=False).n_rows
        3
        """
        stats: PatternCounts | None = None
        for L in self.iter_apply(path, progress=progress, fault_tolerant=fault_tolerant):
            part = PatternCounts.from_label_matrix(L, cardinality=self.cardinality)
            stats = part if stats is None else stats.merge(part)
            if keep is not None:
                keep.append(L)
        if stats is None:
            raise ParameterError(f"{path} has no rows")
        stats.lf_names = self.lf_names
        return stats


def apply_file(lfs: Sequence[LabelingFunction], path: str | Path, chunk_size: int = 100_000,
               cardinality: int | None = None, id_column: str | None = None, columns: Sequence[str] | None = None,
               n_jobs: int = 1, progress: bool = True, fault_tolerant: bool = False,
               read_kwargs: dict[str, Any] | None = None) -> LabelMatrix:
    """Label a CSV / Parquet / JSON-lines file chunk by chunk; see :class:`~weaksup.apply.ChunkedApplier`.

    ``read_kwargs`` are reader options (``{"encoding": "cp1252"}``, ``{"sep": ";"}`` ...).

    Examples
    --------
    >>> import tempfile, os, pandas as pd
    >>> from weaksup import keyword_lf
    >>> p = os.path.join(tempfile.mkdtemp(), "d.csv")
    >>> pd.DataFrame({"text": ["my", "x"]}).to_csv(p, index=False)
    >>> apply_file([keyword_lf("my", 1)], p, progress=False).to_dense().ravel().tolist()
    [1, -1]
    """
    ca = ChunkedApplier(lfs, cardinality, chunk_size, id_column, columns, n_jobs, read_kwargs)
    return ca.apply(path, progress=progress, fault_tolerant=fault_tolerant)
