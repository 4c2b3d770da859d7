"""Out-of-core labeling: apply LFs to a CSV / Parquet / JSON-lines file chunk by chunk and fit from statistics.

Only one chunk of raw rows is in memory at a time. The label matrix (sparse, a few bytes
per vote) can be gathered (:meth:`ChunkedApplier.apply`), or reduced chunk by chunk to
:class:`~weaksup.models.stats.PatternCounts` so a label model fits without any rows
(:meth:`ChunkedApplier.fit`). Probabilistic labels are written chunk by chunk, with their
row ids, by :meth:`ChunkedApplier.export_labels` / :func:`label_file`.

Row ids are the values of ``id_column`` when given, else the row's position in the file. In
CSV and JSON lines they are text exactly as written (``007`` stays ``"007"``), in parquet
they keep the column's type, and an empty or duplicate id is an error: the rule of every
weaksup reader (see :func:`read_chunks`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pandas as pd

from weaksup._files import atomic_path, check_not_input
from weaksup._ids import RowIds, csv_columns, csv_options, missing_column, read_jsonl
from weaksup.apply.applier import LFApplier, stack_rows
from weaksup.apply.core import LFErrorRecord, check_lfs, merge_errors
from weaksup.errors import ModelInputError
from weaksup.io import labels_frame
from weaksup.labeling.lf import LabelingFunction
from weaksup.matrix import LabelMatrix
from weaksup.models.stats import PatternCounts

_READABLE = (".csv", ".parquet", ".pq", ".jsonl", ".json")
_WRITABLE = (".parquet", ".csv", ".jsonl")


def _parquet_files(path: Path) -> list[Path]:
    # Hidden and "_" files are not parts (pyarrow's rule): among them the ".name.<random>.tmp.parquet" a killed
    # atomic write leaves behind, which must never be read as data.
    files = (sorted(p for p in path.iterdir() if p.suffix in (".parquet", ".pq") and p.name[:1] not in "._")
             if path.is_dir() else [path])
    if not files:
        raise FileNotFoundError(f"no .parquet files in {path}")
    return files


def read_chunks(
    path: str | Path,
    chunk_size: int = 100_000,
    columns: Sequence[str] | None = None,
    id_column: str | None = None,
    **read_kwargs: Any,
) -> Iterator[pd.DataFrame]:
    """Yield a data file as DataFrames of at most ``chunk_size`` rows, indexed by row id.

    Parameters
    ----------
    path : str or Path
        ``.csv``, ``.parquet`` (a file or a folder of part files, read with pyarrow's
        ``iter_batches``) or ``.jsonl``.
    chunk_size : int
    columns : sequence of str, optional
        Read only these columns (plus ``id_column``).
    id_column : str, optional
        Column holding the row ids; it becomes the index. In CSV and JSON lines the ids
        are text exactly as written (``007`` stays ``"007"``, ``1e3`` stays ``"1e3"``), in
        parquet they keep the column's type; every chunk gets the same kind of index. An
        empty or duplicate id (across chunks too) raises
        :class:`~weaksup.errors.DataFileError` naming its row (for JSON lines, its line).
        Without ``id_column`` the index is the row's position in the file (0, 1, ... across chunks).
    **read_kwargs
        Passed to :func:`pandas.read_csv` / :func:`pandas.read_json` (they apply to the
        other columns; the id column is always read as written).

    Examples
    --------
    >>> import tempfile, os, pandas as pd
    >>> p = os.path.join(tempfile.mkdtemp(), "d.csv")
    >>> pd.DataFrame({"text": ["a", "b", "c"]}).to_csv(p, index=False)
    >>> [c.index.tolist() for c in read_chunks(p, chunk_size=2)]
    [[0, 1], [2]]
    >>> _ = open(p, "w").write("id,text\\n007,a\\n1e3,b\\n7,c\\n")
    >>> [c.index.tolist() for c in read_chunks(p, chunk_size=2, id_column="id")]
    [['007', '1e3'], ['7']]
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no data file at {path}")
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be >= 1, got {chunk_size}")
    suffix = path.suffix.lower() if path.is_file() else ".parquet"
    if suffix not in _READABLE:
        raise ValueError(f"cannot read {path.name!r} in chunks: use one of {', '.join(_READABLE)}")
    cols = None if columns is None else list(dict.fromkeys([*columns, *([id_column] if id_column else [])]))
    # (frame, positions): JSON lines name each row by its line number, the others by its row number
    chunks: Iterator[tuple[pd.DataFrame, list[int] | None]]
    if suffix in (".parquet", ".pq"):
        try:
            import pyarrow.parquet as pq
        except ImportError as exc:  # pragma: no cover
            raise ImportError("reading parquet needs pyarrow: pip install 'weaksup[parquet]'") from exc
        files = _parquet_files(path)
        names = pq.read_schema(files[0]).names
        if id_column is not None and id_column not in names:
            raise missing_column(path, id_column, names)
        chunks = (
            (batch.to_pandas(), None)
            for f in files
            for batch in pq.ParquetFile(f).iter_batches(batch_size=chunk_size, columns=cols)
        )
    elif suffix == ".csv":
        kwargs = dict(read_kwargs)
        if id_column is not None:
            header = csv_columns(path, kwargs)
            if id_column not in header:
                raise missing_column(path, id_column, header)
            kwargs = csv_options(header, id_column, kwargs)
        chunks = ((f, None) for f in pd.read_csv(path, chunksize=chunk_size, usecols=cols, **kwargs))
    else:
        chunks = read_jsonl(path, chunk_size, id_column, read_kwargs)
    ids = RowIds(path, id_column, where="line" if suffix in (".jsonl", ".json") else "row")
    offset = 0
    for frame, positions in chunks:
        if id_column is not None:
            if id_column not in frame.columns:
                if offset == 0:
                    raise missing_column(path, id_column, frame.columns)
                frame[id_column] = None  # JSON lines or a parquet part without it: empty ids, named by RowIds
            index = ids.take(frame[id_column], first=offset + 1, positions=positions)
            frame = frame.drop(columns=id_column)
            frame.index = index
        else:
            frame.index = pd.RangeIndex(offset, offset + len(frame))
        if cols is not None and positions is not None:
            frame = frame[[c for c in cols if c != id_column]]
        offset += len(frame)
        yield frame


def _count_rows(path: Path) -> int | None:
    """Row count from parquet metadata (free); None for text formats."""
    if path.is_dir() or path.suffix.lower() in (".parquet", ".pq"):
        import pyarrow.parquet as pq

        return sum(pq.ParquetFile(f).metadata.num_rows for f in _parquet_files(path))
    return None


def fit_from_counts(model: Any, stats: PatternCounts, class_balance: Any = None, seed: int | None = 0) -> Any:
    """Fit a label model from merged :class:`PatternCounts`; returns the fitted model.

    Models with ``fit_from_stats`` use it; stateless models (``MajorityVoter``) only need
    the LF names and class balance, which the distinct patterns carry.

    Examples
    --------
    >>> from weaksup import DawidSkene, PatternCounts
    >>> stats = PatternCounts.from_label_matrix([[0, 0, 1], [1, 1, 1], [0, 0, 0]] * 3)
    >>> fit_from_counts(DawidSkene(cardinality=2), stats).n_lfs_
    3
    """
    if hasattr(model, "fit_from_stats"):
        return model.fit_from_stats(stats, class_balance=class_balance, seed=seed)
    if getattr(model, "stateless", False):
        L = stats.to_label_matrix()
        card = getattr(model, "cardinality", None) or stats.cardinality
        return model.fit(L if card is None else L.with_cardinality(card), class_balance=class_balance, seed=seed)
    raise ModelInputError(
        f"{type(model).__name__} cannot fit from sufficient statistics (no fit_from_stats); "
        "fit it on the gathered label matrix instead (ChunkedApplier.apply)"
    )


class _LabelWriter:
    """Appends labels frames to one ``.parquet`` / ``.csv`` / ``.jsonl`` file, chunk by chunk, atomically.

    Every chunk goes to one temporary file beside ``out``, renamed onto ``out`` by :meth:`close`
    only when the last chunk is written; :meth:`abort` (or leaving the ``with`` block on an
    exception) removes it. So ``out`` is always either the previous complete file or the new one.
    """

    def __init__(self, out: Path) -> None:
        self.out, self.suffix = out, out.suffix.lower()
        if self.suffix not in _WRITABLE:
            raise ValueError(f"cannot write labels to {out.name!r}: use one of {', '.join(_WRITABLE)}")
        self._stack = ExitStack()
        self.tmp: Path = self._stack.enter_context(atomic_path(out))
        self._pq: Any = None
        self._schema: Any = None
        self._started = False

    def __enter__(self) -> _LabelWriter:
        return self

    def __exit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> None:
        if exc is None:
            self.close()
        else:
            self.abort(exc)

    def write(self, frame: pd.DataFrame) -> None:
        if self.suffix == ".parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            table = pa.Table.from_pandas(frame, preserve_index=False, schema=self._schema)
            if self._pq is None:
                self._schema = table.schema.remove_metadata()
                self._pq = pq.ParquetWriter(self.tmp, self._schema)
            self._pq.write_table(table)
        elif self.suffix == ".csv":
            frame.to_csv(self.tmp, mode="a" if self._started else "w", header=not self._started, index=False)
        else:
            columns = [frame[c].tolist() for c in frame.columns]
            with self.tmp.open("a" if self._started else "w", encoding="utf-8") as fh:
                for values in zip(*columns, strict=True):
                    fh.write(json.dumps(dict(zip(frame.columns, values, strict=True))) + "\n")
        self._started = True

    def close(self) -> None:
        """Finish the file and rename it onto ``out``."""
        try:
            if self._pq is not None:
                self._pq.close()
                self._pq = None
            elif not self._started:  # no rows at all: still leave a readable, empty file
                self.tmp.write_text("" if self.suffix != ".csv" else "id\n")
        except BaseException as exc:
            self.abort(exc)
            raise
        self._stack.close()  # the rename

    def abort(self, exc: BaseException | None = None) -> None:
        """Drop the temporary file; ``out`` keeps what it held before (or stays absent)."""
        if self._pq is not None:
            try:
                self._pq.close()
            except Exception:  # the file is being thrown away
                pass
            self._pq = None
        err = exc if exc is not None else _Aborted(f"writing {self.out} was aborted")
        self._stack.__exit__(type(err), err, err.__traceback__)


class _Aborted(Exception):
    """Passed to the temporary file's context when a write is aborted without an exception."""


class ChunkedApplier:
    """Apply LFs to a data file chunk by chunk, never holding more than one chunk of rows.

    Parameters
    ----------
    lfs : sequence of LabelingFunction
    cardinality : int, optional
    chunk_size : int
        Rows read (and labelled) at a time.
    id_column : str, optional
        Column with the row ids, read as :func:`read_chunks` does (CSV / JSON-lines ids as
        written, text; empty or duplicate ids are errors); otherwise ids are row positions in the file.
    columns : sequence of str, optional
        Columns the LFs need (read only these).
    n_jobs : int
        Worker processes per chunk, as in :class:`~weaksup.apply.LFApplier`.

    Attributes
    ----------
    errors_ : dict
        After a ``fault_tolerant=True`` pass: LF name -> :class:`~weaksup.apply.LFErrorRecord`.

    Examples
    --------
    >>> import tempfile, os, pandas as pd
    >>> from weaksup import MajorityVoter, keyword_lf
    >>> p = os.path.join(tempfile.mkdtemp(), "d.csv")
    >>> pd.DataFrame({"id": ["a", "b", "c"], "text": ["my", "song", "my song"]}).to_csv(p, index=False)
    >>> ca = ChunkedApplier([keyword_lf("my", 1), keyword_lf("song", 0)], cardinality=2, chunk_size=2, id_column="id")
    >>> ca.apply(p, progress=False).index.tolist()
    ['a', 'b', 'c']
    >>> model = ca.fit(MajorityVoter(cardinality=2), p, progress=False)
    >>> out = ca.export_labels(model, p, os.path.join(os.path.dirname(p), "y.csv"), progress=False)
    >>> pd.read_csv(out)["label"].tolist()
    [1, 0, -1]
    """

    def __init__(
        self,
        lfs: Sequence[LabelingFunction],
        cardinality: int | None = None,
        chunk_size: int = 100_000,
        id_column: str | None = None,
        columns: Sequence[str] | None = None,
        n_jobs: int = 1,
    ) -> None:
        self.lfs = check_lfs(lfs)
        self.cardinality = cardinality
        self.chunk_size = chunk_size
        self.id_column = id_column
        self.columns = columns
        self.n_jobs = n_jobs
        self.errors_: dict[str, LFErrorRecord] = {}

    @property
    def lf_names(self) -> list[str]:
        return [lf.name for lf in self.lfs]

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
        with tqdm(total=_count_rows(path), disable=not progress, desc="Applying LFs", unit="rows") as bar:
            for chunk in read_chunks(path, self.chunk_size, self.columns, self.id_column):
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
            raise ValueError(f"{path} has no rows")
        index = parts[0].index.append([p.index for p in parts[1:]]) if len(parts) > 1 else parts[0].index
        return stack_rows(parts, self.lf_names, index, self.cardinality)

    def pattern_counts(self, path: str | Path, progress: bool = True, fault_tolerant: bool = False) -> PatternCounts:
        """Sufficient statistics of the file's label matrix, merged chunk by chunk (no matrix kept).

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
        if stats is None:
            raise ValueError(f"{path} has no rows")
        stats.lf_names = self.lf_names
        return stats

    def fit(self, model: Any, path: str | Path, class_balance: Any = None, seed: int | None = 0,
            progress: bool = True, fault_tolerant: bool = False) -> Any:
        """Fit ``model`` from the file's merged statistics; returns the fitted model.

        Examples
        --------
        >>> import tempfile, os, pandas as pd
        >>> from weaksup import DawidSkene, keyword_lf
        >>> p = os.path.join(tempfile.mkdtemp(), "d.csv")
        >>> pd.DataFrame({"text": ["my song", "my channel", "song", "my"] * 5}).to_csv(p, index=False)
        >>> lfs = [keyword_lf("my", 1), keyword_lf("channel", 1), keyword_lf("song", 0)]
        >>> ChunkedApplier(lfs, cardinality=2, chunk_size=7).fit(DawidSkene(), p, progress=False).n_lfs_
        3
        """
        stats = self.pattern_counts(path, progress=progress, fault_tolerant=fault_tolerant)
        return fit_from_counts(model, stats, class_balance=class_balance, seed=seed)

    def export_labels(
        self,
        model: Any,
        path: str | Path | None,
        out: str | Path,
        L: LabelMatrix | Sequence[LabelMatrix] | None = None,
        class_names: Sequence[str] | None = None,
        include_votes: bool = False,
        progress: bool = True,
        fault_tolerant: bool = False,
    ) -> Path:
        """Write ``model``'s probabilistic labels for every row to ``out``, chunk by chunk, with row ids.

        The table is the one :func:`weaksup.export_labels` writes (``id``, ``prob_<class>``,
        ``label``, and ``lf.<name>`` votes with ``include_votes``); ``out`` is ``.parquet``,
        ``.csv`` or ``.jsonl``. Votes come from ``L`` (one matrix or its chunks) when given,
        else the LFs are re-applied to ``path`` chunk by chunk.

        Examples
        --------
        >>> import tempfile, os, pandas as pd
        >>> from weaksup import MajorityVoter, keyword_lf
        >>> p = os.path.join(tempfile.mkdtemp(), "d.csv")
        >>> pd.DataFrame({"text": ["my", "x"]}).to_csv(p, index=False)
        >>> ca = ChunkedApplier([keyword_lf("my", 1)], cardinality=2)
        >>> out = ca.export_labels(MajorityVoter(cardinality=2), p, p + ".out.jsonl", progress=False)
        >>> pd.read_json(out, lines=True)["prob_1"].tolist()
        [1.0, 0.5]
        """
        check_not_input(out, path, what="labels file")
        if L is None:
            if path is None:
                raise ValueError("give the data file (path) or its label matrix (L)")
            chunks: Any = self.iter_apply(path, progress=progress, fault_tolerant=fault_tolerant)
        else:
            chunks = [L] if isinstance(L, LabelMatrix) else list(L)
        # the previous ``out`` stays in place until the last chunk is written (and if any chunk fails)
        with _LabelWriter(Path(out)) as writer:
            for L_chunk in chunks:
                for start in range(0, L_chunk.n_rows, self.chunk_size):  # bounded probability arrays
                    part = L_chunk[start : start + self.chunk_size]
                    P = model.predict_proba(part)
                    writer.write(labels_frame(P, L=part if include_votes else None, index=part.index,
                                              class_names=class_names, file_format=writer.suffix))
        return Path(out)


def apply_file(lfs: Sequence[LabelingFunction], path: str | Path, chunk_size: int = 100_000,
               cardinality: int | None = None, id_column: str | None = None, columns: Sequence[str] | None = None,
               n_jobs: int = 1, progress: bool = True, fault_tolerant: bool = False) -> LabelMatrix:
    """Label a CSV / Parquet / JSON-lines file chunk by chunk; see :class:`ChunkedApplier`.

    Examples
    --------
    >>> import tempfile, os, pandas as pd
    >>> from weaksup import keyword_lf
    >>> p = os.path.join(tempfile.mkdtemp(), "d.csv")
    >>> pd.DataFrame({"text": ["my", "x"]}).to_csv(p, index=False)
    >>> apply_file([keyword_lf("my", 1)], p, progress=False).to_dense().ravel().tolist()
    [1, -1]
    """
    ca = ChunkedApplier(lfs, cardinality, chunk_size, id_column, columns, n_jobs)
    return ca.apply(path, progress=progress, fault_tolerant=fault_tolerant)


def fit_file(model: Any, lfs: Sequence[LabelingFunction], path: str | Path, chunk_size: int = 100_000,
             cardinality: int | None = None, columns: Sequence[str] | None = None, n_jobs: int = 1,
             class_balance: Any = None, seed: int | None = 0, progress: bool = True) -> Any:
    """Fit a label model on a file's LF votes from chunk statistics, without loading all rows.

    Examples
    --------
    >>> import tempfile, os, pandas as pd
    >>> from weaksup import GenerativeModel, keyword_lf
    >>> p = os.path.join(tempfile.mkdtemp(), "d.parquet")
    >>> pd.DataFrame({"text": ["my song", "my channel", "song", "my"] * 5}).to_parquet(p)
    >>> lfs = [keyword_lf("my", 1), keyword_lf("channel", 1), keyword_lf("song", 0)]
    >>> fit_file(GenerativeModel(cardinality=2), lfs, p, chunk_size=6, progress=False).n_lfs_
    3
    """
    ca = ChunkedApplier(lfs, cardinality, chunk_size, None, columns, n_jobs)
    return ca.fit(model, path, class_balance=class_balance, seed=seed, progress=progress)


def label_file(model: Any, lfs: Sequence[LabelingFunction], path: str | Path, out: str | Path,
               fit: bool = True, keep_votes: bool = True, chunk_size: int = 100_000,
               cardinality: int | None = None, id_column: str | None = None, columns: Sequence[str] | None = None,
               n_jobs: int = 1, class_names: Sequence[str] | None = None, include_votes: bool = False,
               class_balance: Any = None, seed: int | None = 0, progress: bool = True) -> Path:
    """File in, probabilistic labels out: apply LFs by chunk, fit ``model`` from statistics, export by chunk.

    With ``keep_votes=True`` (default) the sparse votes of each chunk are kept for the
    export pass, so LFs run once and the rows are read once; with ``keep_votes=False``
    nothing but one chunk is ever held and the file is read (and labelled) twice.
    ``fit=False`` uses an already fitted ``model``. Returns the path written.

    Examples
    --------
    >>> import tempfile, os, pandas as pd
    >>> from weaksup import DawidSkene, keyword_lf, load_labels
    >>> d = tempfile.mkdtemp()
    >>> p = os.path.join(d, "d.parquet")
    >>> pd.DataFrame({"text": ["my song", "my channel", "song", "my"] * 5}).to_parquet(p)
    >>> lfs = [keyword_lf("my", 1), keyword_lf("channel", 1), keyword_lf("song", 0)]
    >>> out = label_file(DawidSkene(), lfs, p, os.path.join(d, "y.parquet"), cardinality=2, chunk_size=6, progress=False)
    >>> len(load_labels(out))
    20
    """
    check_not_input(out, path, what="labels file")  # before any work: the data file is read (twice) while writing
    ca = ChunkedApplier(lfs, cardinality, chunk_size, id_column, columns, n_jobs)
    kept: list[LabelMatrix] | None = None
    if fit:
        stats: PatternCounts | None = None
        kept = [] if keep_votes else None
        for L in ca.iter_apply(path, progress=progress):
            part = PatternCounts.from_label_matrix(L, cardinality=cardinality)
            stats = part if stats is None else stats.merge(part)
            if kept is not None:
                kept.append(L)
        if stats is None:
            raise ValueError(f"{path} has no rows")
        stats.lf_names = ca.lf_names
        fit_from_counts(model, stats, class_balance=class_balance, seed=seed)
    return ca.export_labels(model, path, out, L=kept, class_names=class_names, include_votes=include_votes,
                            progress=progress and kept is None)
