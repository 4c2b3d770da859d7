"""Applying LFs to one batch of rows: the piece every applier (in-memory, parallel, Dask) shares."""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from weaksup.apply._preprocess import LF_FAILURES as _LF_FAILURES
from weaksup.apply._preprocess import PreprocessorFailure, run_preprocessors, skipping_failed_rows
from weaksup.apply._preprocess import same_id as _same_id
from weaksup.errors import (
    ApplyInputError,
    InvalidLabelError,
    LabelingFunctionError,
    ParameterTypeError,
    _shown,
)
from weaksup.labeling.lf import LabelingFunction
from weaksup.labeling.preprocessor import isolated_frame, overrides_call
from weaksup.labeling.row import make_row_type, rows_restored

if TYPE_CHECKING:
    from weaksup.matrix import LabelMatrix

from weaksup._votes import ABSTAIN  # numpy only: worker processes never import scipy

_INT_TYPES = frozenset({int, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64})
# Largest label an LF may return. No label model handles 2**31 classes, so a larger vote is a bug (a hash,
# a timestamp, an overflowed count), and it keeps every label matrix in 32-bit storage (label + 1).
MAX_LABEL = int(np.iinfo(np.int32).max) - 1


@dataclass
class LFErrorRecord:
    """What went wrong in one LF under ``fault_tolerant=True``: how often, and the first failure.

    Examples
    --------
    >>> LFErrorRecord(2, "row-7", "KeyError: 'text'").merge(LFErrorRecord(1, "row-9", "KeyError: 'text'")).count
    3
    """

    count: int
    first_row: Any
    message: str

    def merge(self, other: LFErrorRecord) -> LFErrorRecord:
        return LFErrorRecord(self.count + other.count, self.first_row, self.message)


@dataclass
class Batch:
    """One chunk of input: the object vectorized LFs see, lazily the rows row-wise LFs see, and row ids."""

    data: pd.DataFrame | np.ndarray
    index: pd.Index
    _rows: list[Any] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if isinstance(self.data, np.ndarray) and self.data.flags.writeable:
            view = self.data.view()  # LFs share the batch (and it may be the user's array): read-only
            view.flags.writeable = False
            self.data = view

    def __len__(self) -> int:
        return len(self.index)

    @property
    def rows(self) -> list[Any]:
        if self._rows is None:
            if isinstance(self.data, pd.DataFrame):
                row_type = make_row_type(tuple(str(c) for c in self.data.columns))
                columns = [_row_values(self.data[c]) for c in self.data.columns]
                # each row's values, then its id (x.name, as on a pandas Series row), in one tuple
                ids = self.index.tolist()
                self._rows = [row_type(v) for v in zip(*columns, ids, strict=True)]
            else:
                self._rows = list(self.data)
        return self._rows


def _row_values(column: pd.Series) -> list[Any]:
    """A column's values as row-wise LFs see them: a missing cell of a text column is None.

    pandas' string dtype stores ``None`` as NaN (and an object or categorical column of text may
    hold NaN too), so ``x.text and ...`` would meet a float; this keeps the rule of
    :mod:`weaksup.io.tables` (missing text is None) for frames built in memory too.
    """
    values = column.tolist()
    if column.hasnans and _is_text(column):
        return [None if v is pd.NA or (isinstance(v, float) and v != v) else v for v in values]
    return values


def _is_text(column: pd.Series) -> bool:
    """A column of strings: pandas' string dtype, Arrow strings (``dtype_backend="pyarrow"``), or object /
    categorical columns whose values are all text."""
    dtype = column.dtype
    if isinstance(dtype, pd.StringDtype):
        return True
    if isinstance(dtype, pd.ArrowDtype):  # a missing cell is pd.NA there: ``x.text and ...`` raised
        arrow = dtype.pyarrow_dtype
        arrow = getattr(arrow, "value_type", arrow)  # dictionary-encoded strings (Arrow's categorical)
        return str(arrow) in ("string", "large_string", "string_view")
    if isinstance(dtype, pd.CategoricalDtype):
        return pd.api.types.infer_dtype(dtype.categories, skipna=True) == "string"
    return dtype.kind == "O" and pd.api.types.infer_dtype(column, skipna=True) == "string"


def _table_frame(data: Any) -> pd.DataFrame | None:
    """A pandas view of an Arrow table, a polars DataFrame or a Hugging Face ``datasets.Dataset``, else None.

    Their row ids follow the file rule (:mod:`weaksup.io.tables`): an ``id`` column names the rows (and stays a
    column), else positions. Arrow strings stay Arrow-backed (pandas' ``str`` storage), so text is not copied
    into Python objects. The libraries are recognised by type, never imported here.
    """
    module = type(data).__module__.split(".")[0]
    if module == "pyarrow" and hasattr(data, "to_pandas") and hasattr(data, "schema"):  # Table / RecordBatch
        frame = data.to_pandas()
    elif module == "polars" and hasattr(data, "to_arrow"):
        frame = data.to_arrow().to_pandas()
    elif module == "datasets" and hasattr(data, "data") and hasattr(data.data, "table"):
        frame = data.data.table.to_pandas()  # the Dataset's own Arrow table (no formatting pass)
    else:
        return None
    if "id" in frame.columns:
        from weaksup._ids import RowIds

        frame.index = RowIds(type(data).__name__, "id").take(frame["id"])
    return frame


def as_frame_or_array(data: Any) -> tuple[pd.DataFrame | np.ndarray, pd.Index]:
    """Normalise supported inputs to a batchable object and row ids.

    Inputs: a pandas DataFrame (ids = its index), a list of dicts, a numpy array, an Arrow table, a polars
    DataFrame or a Hugging Face ``datasets.Dataset`` (ids = an ``id`` column, else positions).

    Examples
    --------
    >>> import pyarrow as pa
    >>> frame, ids = as_frame_or_array(pa.table({"id": ["a7", "b3"], "text": ["x", "y"]}))
    >>> ids.tolist(), frame["text"].tolist()
    (['a7', 'b3'], ['x', 'y'])
    """
    table = _table_frame(data)
    if table is not None:
        check_columns(table)
        return table, table.index
    if isinstance(data, pd.DataFrame):
        check_columns(data)
        return data, data.index
    if isinstance(data, np.ndarray):
        if data.ndim == 0:
            raise ParameterTypeError(f"LFs apply to an array of rows, not the scalar array {data!r}")
        # a 1-D array's rows are its elements (a text, a record of a structured array), as in Snorkel
        return data, pd.RangeIndex(len(data))
    if isinstance(data, (list, tuple)) and all(isinstance(r, dict) for r in data):
        frame = pd.DataFrame.from_records(list(data)) if data else pd.DataFrame()
        check_columns(frame)
        return frame, frame.index
    dask = type(data).__module__.split(".")[0] == "dask"  # its DataFrame would read as "not DataFrame"
    if isinstance(data, pd.Series):
        hint = f"; pass {data.name or 'series'}.to_frame() (rows with one field, ids kept) or .to_numpy() (rows are its values)"
    elif isinstance(data, (list, tuple)) and any(isinstance(r, dict) for r in data):
        pos = next(i for i, r in enumerate(data) if not isinstance(r, dict))
        hint = f": a list of dicts, but row {pos} is a {type(data[pos]).__name__} ({data[pos]!r:.60})"
    elif isinstance(data, (list, tuple)):
        hint = "; for rows that are plain values (texts), pass np.asarray(data), or a list of dicts for rows with fields"
    elif dask:
        hint = "; use weaksup.apply.dask.DaskLFApplier for a Dask collection, or .compute() it first"
    elif isinstance(data, dict):
        hint = "; for a dict of columns pass pd.DataFrame(data)"
    else:
        hint = ""
    raise ParameterTypeError(
        f"LFs apply to a pandas DataFrame, a list of dicts, a numpy array, an Arrow table, a polars DataFrame or a "
        f"datasets.Dataset, not {'a dask ' if dask else ''}{type(data).__name__}{hint}"
    )



def check_columns(frame: pd.DataFrame) -> None:
    """Refuse column names that two fields of a row would share (``a`` twice, or ``1`` and ``"1"``).

    Examples
    --------
    >>> check_columns(pd.DataFrame([[1, 2]], columns=["a", "a"]))
    Traceback (most recent call last):
    ...
    weaksup.errors.ApplyInputError: the input has duplicate column names ['a', 'a']; rename them (LFs read fields by name)
    """
    columns = frame.columns
    if columns.is_unique and all(type(c) is str for c in columns):
        return
    names = pd.Index([str(c) for c in columns])
    if names.has_duplicates:
        clash = [c for c, name in zip(columns, names, strict=True) if name in set(names[names.duplicated()])]
        raise ApplyInputError(f"the input has duplicate column names {clash!r}; rename them (LFs read fields by name)")


def slice_batches(data: pd.DataFrame | np.ndarray, index: pd.Index, chunk_size: int) -> list[Batch]:
    """Cut the input into consecutive batches of at most ``chunk_size`` rows (views, not copies)."""
    n = len(index)
    step = max(1, int(chunk_size))
    out = []
    for start in range(0, max(n, 1), step):
        stop = min(n, start + step)
        part = data.iloc[start:stop] if isinstance(data, pd.DataFrame) else data[start:stop]
        out.append(Batch(part, index[start:stop]))
    return out


def balanced_chunk_size(n_rows: int, chunk_size: int, n_jobs: int, per_worker: int = 4) -> int:
    """A chunk size of at most ``chunk_size`` that splits ``n_rows`` into a multiple of ``n_jobs`` even chunks.

    With a fixed size, 100k rows in 20k chunks over 2 workers is 3 chunks against 2: one worker idles for
    a third of the run. At least ``per_worker`` chunks each keeps the tail short when chunks differ in cost.
    """
    n_chunks = max(-(-n_rows // max(1, int(chunk_size))), per_worker * n_jobs)
    n_chunks = -(-n_chunks // n_jobs) * n_jobs
    return max(1, -(-n_rows // n_chunks))


def validate_votes(votes: Any, lf: LabelingFunction, index: pd.Index, cardinality: int | None) -> np.ndarray:
    """Turn an LF's output for a batch into an ``int64`` vector, or raise naming the LF, row and value.

    Arrays and lists are taken by position. A pandas Series (or one-column DataFrame) must carry
    the batch's own index, in order: realigning it by label would put votes on the wrong rows
    whenever the LF's index is not the batch's (a reset or renumbered index on shuffled input).
    """
    first = index[0] if len(index) else None
    if isinstance(votes, pd.DataFrame):
        if votes.shape[1] != 1:
            raise LabelingFunctionError(lf.name, first, f"returned a DataFrame of shape {votes.shape}; return one label per row")
        votes = votes.iloc[:, 0]
    if isinstance(votes, pd.Series):
        _check_series_index(votes.index, lf, index)
        votes = votes.array
    if isinstance(votes, pd.api.extensions.ExtensionArray):
        # nullable (Int64) and Arrow arrays: to_numpy() would turn pd.NA into NaN and name a float
        votes = votes.to_numpy() if isinstance(votes.dtype, np.dtype) else votes.to_numpy(dtype=object)
    if isinstance(votes, (list, tuple)):
        if len(votes) != len(index):
            raise LabelingFunctionError(lf.name, first, f"returned {len(votes)} labels for a batch of {len(index)} rows")
        return _list_to_int64(list(votes), lf, index, cardinality)
    arr = np.asarray(votes)
    if arr.ndim == 0:
        raise LabelingFunctionError(lf.name, first, f"a vectorized LF must return one label per row, got the scalar {arr!r}")
    arr = arr.ravel() if arr.ndim == 2 and 1 in arr.shape else arr
    if arr.ndim != 1 or len(arr) != len(index):
        raise LabelingFunctionError(lf.name, first, f"returned shape {arr.shape} for a batch of {len(index)} rows")
    if arr.dtype == object:
        return _list_to_int64(arr.tolist(), lf, index, cardinality)
    if arr.dtype.kind not in "iu":  # bool, float, str ... are never labels
        if len(arr):
            raise InvalidLabelError(lf.name, index[0], arr[0], _reason(arr[0]))
        return np.zeros(0, dtype=np.int64)
    return _check_range(arr, arr, lf, index, cardinality)


def _check_series_index(got: pd.Index, lf: LabelingFunction, index: pd.Index) -> None:
    if got.equals(index):
        return
    if len(got) != len(index):
        where, row = f"{len(got)} labels for a batch of {len(index)} rows", index[0] if len(index) else None
    else:
        pos = next((i for i, (a, b) in enumerate(zip(got, index, strict=True)) if not _same_id(a, b)), 0)
        where = f"at position {pos} it is {_shown(got[pos])!r}, the batch's row id is {_shown(index[pos])!r}"
        row = index[pos]
    raise LabelingFunctionError(
        lf.name, row,
        f"returned a pandas Series whose index differs from the batch's ({where}); votes are not realigned "
        "by label: return a Series with index=batch.index, or a numpy array or list in batch order",
    )


def _is_label_type(t: type) -> bool:
    """Integer types other than bool: int and its subclasses (IntEnum), every numpy integer (np.longlong)."""
    return t in _INT_TYPES or (issubclass(t, (int, np.integer)) and not issubclass(t, (bool, np.bool_)))


def _list_to_int64(votes: list[Any], lf: LabelingFunction, index: pd.Index, cardinality: int | None) -> np.ndarray:
    """Labels from a list of Python or numpy scalars, or raise naming the first value that is not a label."""
    if not votes:
        return np.zeros(0, dtype=np.int64)
    types = set(map(type, votes))
    if types <= _INT_TYPES or all(map(_is_label_type, types)):
        try:
            arr = np.asarray(votes, dtype=np.int64)
        except OverflowError:  # beyond int64 (2**63, np.uint64(2**63)): named below
            pass
        else:
            return _check_range(arr, votes, lf, index, cardinality)
    top = _top_label(cardinality)
    pos = next(i for i, v in enumerate(votes) if not (_is_label_type(type(v)) and ABSTAIN <= v <= top))
    value = votes[pos]
    reason = _range_reason(value, cardinality) if _is_label_type(type(value)) else _reason(value)
    raise InvalidLabelError(lf.name, index[pos], value, reason)


def _top_label(cardinality: int | None) -> int:
    return MAX_LABEL if cardinality is None else min(MAX_LABEL, cardinality - 1)


def _check_range(arr: np.ndarray, raw: Any, lf: LabelingFunction, index: pd.Index, cardinality: int | None) -> np.ndarray:
    """``arr`` as int64 when every label is -1 or in range; else raise naming ``raw[pos]``, the value as returned."""
    if len(arr):
        top = _top_label(cardinality)
        bad = arr > top if arr.dtype.kind == "u" else (arr < ABSTAIN) | (arr > top)
        if bad.any():
            pos = int(np.argmax(bad))
            raise InvalidLabelError(lf.name, index[pos], raw[pos], _range_reason(raw[pos], cardinality))
    return arr.astype(np.int64, copy=False)


def _range_reason(value: Any, cardinality: int | None) -> str:
    if cardinality is not None and cardinality - 1 <= MAX_LABEL:
        return f"labels are 0..{cardinality - 1}, or -1 to abstain"
    if value < ABSTAIN:
        return "labels are 0, 1, ..., or -1 to abstain"
    return f"labels are class ids 0..{MAX_LABEL} at most (32 bits), or -1 to abstain"


def _reason(value: Any) -> str:
    if value is None:
        return "return -1 (ABSTAIN) instead of None"
    if value is pd.NA or value is pd.NaT:
        return "a missing value is not a label; return -1 to abstain"
    if isinstance(value, (bool, np.bool_)):
        return "booleans are not labels; return a class id or -1"
    if isinstance(value, (float, np.floating)):
        return "NaN is not a label; return -1 to abstain" if value != value else "labels must be integers, not floats"
    return "labels must be integers (a class id or -1 to abstain)"


def apply_lf_to_batch(
    lf: LabelingFunction,
    batch: Batch,
    cardinality: int | None,
    fault_tolerant: bool,
    cache: dict[tuple[int, ...], Any],
) -> tuple[np.ndarray, LFErrorRecord | None]:
    """Votes of one LF on one batch, and an error record when ``fault_tolerant`` swallowed failures."""
    f = lf.bound
    # a subclass's own __call__ (Snorkel users override it) is called as written, preprocessors included
    custom = overrides_call(lf)
    pre = () if custom else lf.pre
    if custom:
        f = lf
    first = batch.index[0] if len(batch) else None
    if lf.vectorized:
        try:
            x = run_preprocessors(pre, batch, cache, lf.name) if pre else batch.data
            votes = f(_isolated(x))
        except LabelingFunctionError:
            raise
        except PreprocessorFailure as exc:  # the message names the preprocessor
            if not fault_tolerant:
                raise LabelingFunctionError(lf.name, first, str(exc), exc.original) from exc.original
            return np.full(len(batch), ABSTAIN, dtype=np.int64), LFErrorRecord(len(batch), first, str(exc))
        except _LF_FAILURES as exc:
            if not fault_tolerant:
                raise LabelingFunctionError(lf.name, first,
                                            f"raised {type(exc).__name__} on the batch starting at this row: {exc}",
                                            exc) from exc
            record = LFErrorRecord(len(batch), first, f"{type(exc).__name__}: {exc}")
            return np.full(len(batch), ABSTAIN, dtype=np.int64), record
        return validate_votes(votes, lf, batch.index, cardinality), None

    rows = run_preprocessors(pre, batch, cache, lf.name, fault_tolerant) if pre else batch.rows
    if pre and fault_tolerant and PreprocessorFailure in set(map(type, rows)):
        f = skipping_failed_rows(f)  # rows a preprocessor failed on abstain, recorded below
    out: list[Any] = []
    append = out.append
    record: LFErrorRecord | None = None
    n = len(rows)
    with rows_restored():  # rows an LF changes are put back as read before the next LF sees them
        while len(out) < n:
            try:
                for row in rows[len(out):] if out else rows:
                    append(f(row))
            except _LF_FAILURES as exc:  # len(out) is the position of the row that raised
                pos = len(out)
                if not fault_tolerant:
                    raise LabelingFunctionError(lf.name, batch.index[pos],
                                                f"{type(exc).__name__}: {exc}{_empty_fields_hint(rows[pos], exc)}"
                                                f"{_not_a_row_hint(pre, rows[pos], exc)}",
                                                exc) from exc
                if type(exc) is PreprocessorFailure:  # the row's place-holder: keep no frames alive through it
                    exc.__traceback__, message = None, str(exc)
                else:
                    message = f"{type(exc).__name__}: {exc}{_not_a_row_hint(pre, rows[pos], exc)}"
                if record is None:
                    record = LFErrorRecord(0, batch.index[pos], message)
                record.count += 1
                append(ABSTAIN)
    return validate_votes(out, lf, batch.index, cardinality), record


def _empty_fields_hint(row: Any, exc: BaseException) -> str:
    """`` (field 'text' is empty in this row)`` when the row has missing fields and the failure looks like it."""
    if not isinstance(exc, (AttributeError, TypeError)) or not any(w in str(exc) for w in ("None", "float", "NA")):
        return ""
    try:
        items = row.to_dict().items() if hasattr(row, "to_dict") else dict(row).items()
    except (TypeError, ValueError, AttributeError):
        return ""
    empty = [k for k, v in items if v is None or v is pd.NA or (isinstance(v, float) and v != v)]
    if not empty:
        return ""
    names = ", ".join(repr(k) for k in empty[:5])
    return f" (field{'s' if len(empty) > 1 else ''} {names} {'are' if len(empty) > 1 else 'is'} empty in this row)"


def _not_a_row_hint(pre: Sequence[Any], row: Any, exc: BaseException) -> str:
    """`` (preprocessor 'p' returned a dict, not a row: ...)`` when an LF read ``x.field`` off a dict its last
    preprocessor returned in place of the row (Snorkel passes the dict on too, so ``x["field"]`` works)."""
    if not pre or not isinstance(exc, AttributeError) or not isinstance(row, dict):
        return ""
    return (f" (preprocessor {pre[-1].name!r} returned a dict, not a row: set the new fields on the row it is "
            "given and return that row, or read the dict's fields as x['field'])")


def _isolated(x: Any) -> Any:
    """The batch as one vectorized LF may see it: its changes reach neither the input nor the next LF."""
    if isinstance(x, pd.DataFrame):
        return isolated_frame(x)
    if isinstance(x, np.ndarray) and x.flags.writeable:  # memoized preprocessor output, shared by LFs
        x = x.view()
        x.flags.writeable = False
    return x


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for one batch; collection resumes when the batch is done.

    A batch of row-wise LFs allocates two tracked objects per row (the row and its values), and
    they live until the batch ends, so the collector keeps running full collections that find
    nothing: 15-19% of the time of the spam LFs on 62,500 rows in a small process (measured).
    Reference counting still frees everything acyclic at once; cycles an LF creates wait at most
    one batch. Only the call that paused the collector re-enables it (threads may share a process).
    """
    was_enabled = gc.isenabled()
    if was_enabled:
        gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def vote_batch(
    lfs: Sequence[LabelingFunction], batch: Batch, cardinality: int | None, fault_tolerant: bool
) -> tuple[np.ndarray, dict[str, LFErrorRecord]]:
    """Label one batch with every LF: dense votes (rows x LFs, ``-1`` = abstain) and per-LF error records.

    The votes come in the smallest integer dtype that holds them (``int8`` for up to 127 classes),
    so a worker process sends back little and needs no sparse-matrix code.

    Examples
    --------
    >>> from weaksup.labeling.templates import keyword_lf
    >>> df = pd.DataFrame({"text": ["my song", "hi"]})
    >>> votes, errors = vote_batch([keyword_lf("my", 1), keyword_lf("hi", 0)], Batch(df, df.index), 2, False)
    >>> votes.tolist(), votes.dtype.name, errors
    ([[1, -1], [-1, 0]], 'int8', {})
    """
    if isinstance(batch.data, pd.DataFrame):
        check_columns(batch.data)
    if not len(batch):  # nothing to label (``apply([])``, a filter that kept no row): LFs are not called,
        return np.zeros((0, len(lfs)), dtype=np.int8), {}  # as in a Dask partition, so no field is needed
    cache: dict[tuple[int, ...], Any] = {}
    columns, errors = [], {}
    with gc_paused():
        for lf in lfs:
            votes, record = apply_lf_to_batch(lf, batch, cardinality, fault_tolerant, cache)
            columns.append(votes)
            if record is not None:
                errors[lf.name] = record
    top = max((int(c.max()) for c in columns if len(c)), default=0)  # every label is checked <= MAX_LABEL
    out = np.empty((len(batch), len(columns)), dtype=np.int8 if top <= 127 else np.int32)
    for j, col in enumerate(columns):
        out[:, j] = col
    return out, errors


def apply_lfs_to_batch(
    lfs: Sequence[LabelingFunction], batch: Batch, cardinality: int | None, fault_tolerant: bool
) -> tuple[LabelMatrix, dict[str, LFErrorRecord]]:
    """Label one batch with every LF: a LabelMatrix of the batch's rows, and per-LF error records."""
    from weaksup.matrix import LabelMatrix  # not at import: worker processes label batches without scipy

    votes, errors = vote_batch(lfs, batch, cardinality, fault_tolerant)
    L = LabelMatrix.from_dense(votes, lf_names=[lf.name for lf in lfs], index=batch.index, cardinality=cardinality)
    return L, errors


def merge_errors(into: dict[str, LFErrorRecord], new: dict[str, LFErrorRecord]) -> None:
    """Fold a batch's error records into the running ones (first failure wins)."""
    for name, rec in new.items():
        into[name] = into[name].merge(rec) if name in into else rec
