"""Row ids in files: how every reader reads them, and how labels files keep their type.

**Reading data files** (the rule of :mod:`weaksup.io.tables`, the one reader behind the
``weaksup`` command, ``apply_file``, ``label_file`` and :class:`~weaksup.apply.ChunkedApplier`):

* CSV and JSON lines: the id column is text, exactly as written. ``007`` stays ``"007"``,
  ``1e3`` stays ``"1e3"``, a 23-digit id keeps its digits, ``1`` and ``01`` are two ids,
  ``NA`` is an id like any other. A JSON string is its text, a JSON number its digits as
  written, ``true`` is ``"true"``. Every chunk of a file gets the same (string) index.
* Parquet: the column's stored type (integers stay integers).
* An empty id (an empty CSV field, JSON ``null`` or a missing key, a parquet null) and a
  duplicate id (across chunks too) are :class:`~weaksup.errors.DataFileError`\\ s naming the
  row (the line, for JSON lines) and the id. Other columns are parsed as the reader normally does.

**Writing labels files** (:func:`encode_ids` / :func:`decode_ids`, used by
:func:`weaksup.export_labels` and :func:`weaksup.load_labels`): ids come back with the type
they had, or are refused before anything is written; see :func:`encode_ids`.
"""

from __future__ import annotations

import io
import json
import lzma
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from weaksup._files import COMPRESSIONS, encoding_hint, open_text
from weaksup.errors import DataFileError, MissingColumnError, ModelInputError

ID = "id"
_TAG = "id:"  # the header of ids whose type a format cannot show by itself: id:str, id:float, ...
ID_COLUMNS = (ID, *(_TAG + kind for kind in ("str", "float", "bool", "datetime")))  # what encode_ids may name it
_CANONICAL_INT = re.compile(r"0|-?[1-9][0-9]*")  # how an integer prints: no sign on 0, no leading zeros
# pandas' default missing-value strings (``pandas.read_csv``'s documentation), kept for every column but the ids
_DEFAULT_NA = ("", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
               "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null")


def is_canonical_int(text: str) -> bool:
    """True when ``text`` is how an integer prints (``"7"``, ``"-12"``), not ``"007"``, ``"+7"`` or ``"-0"``.

    Examples
    --------
    >>> [is_canonical_int(s) for s in ("7", "-12", "007", "+7", "-0", "1e3")]
    [True, True, False, False, False, False]
    """
    return bool(_CANONICAL_INT.fullmatch(text))


def is_text(index: pd.Index) -> bool:
    """True for string ids (a ``str`` / object index of strings)."""
    return bool(pd.api.types.is_string_dtype(index))


def text_ids_as_ints(index: pd.Index) -> pd.Index:
    """String ids as integers when every one is written as an integer (``7``, not ``007``); else unchanged.

    For matching a file's ids to ids that are integers (a label matrix saved with them).

    Examples
    --------
    >>> text_ids_as_ints(pd.Index(["7", "12"])).tolist(), text_ids_as_ints(pd.Index(["7", "007"])).tolist()
    ([7, 12], ['7', '007'])
    """
    values = index.to_numpy(dtype=object)
    if not len(values) or not all(is_canonical_int(v) for v in values):
        return index
    try:
        return pd.Index(_int_array([int(v) for v in values]), name=index.name)
    except ModelInputError:  # beyond 64 bits: no integer index holds them
        return index


# reading data files ---------------------------------------------------------------------------------
def csv_columns(path: str | Path, read_kwargs: dict[str, Any]) -> list[Any]:
    """The column names of a CSV file, read from its header with ``read_kwargs`` (sep, header, names...)."""
    skip = {"chunksize", "usecols", "nrows", "iterator", "dtype", "converters", "na_values", "keep_default_na"}
    return list(pd.read_csv(path, nrows=0, **{k: v for k, v in read_kwargs.items() if k not in skip}).columns)


def csv_options(columns: Sequence[Any], id_column: Any, read_kwargs: dict[str, Any]) -> dict[str, Any]:
    """:func:`pandas.read_csv` arguments reading ``id_column`` as text exactly as written.

    No value of the id column counts as missing (an empty field reads as ``""``, which
    :class:`RowIds` reports); the other columns keep the missing values and types that
    ``read_kwargs`` ask for (pandas' defaults unless given).

    Examples
    --------
    >>> csv = io.StringIO("id,x\\n007,NA\\nNA,1\\n")
    >>> frame = pd.read_csv(csv, **csv_options(["id", "x"], "id", {}))
    >>> frame["id"].tolist(), frame["x"].isna().tolist()
    (['007', 'NA'], [True, False])
    """
    kwargs = dict(read_kwargs)
    dtype = kwargs.get("dtype")
    base = dtype if isinstance(dtype, dict) else ({} if dtype is None else {c: dtype for c in columns})
    kwargs["dtype"] = {**base, id_column: str}
    if isinstance(kwargs.get("converters"), dict):
        kwargs["converters"] = {c: f for c, f in kwargs["converters"].items() if c != id_column}
    if kwargs.get("na_filter", True):
        keep = kwargs.pop("keep_default_na", True)
        na = kwargs.pop("na_values", None)
        defaults = list(_DEFAULT_NA) if keep else []

        def extra(column: Any) -> list[Any]:
            value = na.get(column, []) if isinstance(na, dict) else na
            if value is None:
                return []
            return [value] if isinstance(value, (str, int, float)) else list(value)

        # keep_default_na=False and one list per column: the only way to exempt a single column
        kwargs["keep_default_na"] = False
        kwargs["na_values"] = {c: defaults + extra(c) for c in columns if c != id_column}
    return kwargs


def _json_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        raise TypeError(f"a JSON {'object' if isinstance(value, dict) else 'array'}, not a string or number")
    return str(value)  # numbers were parsed as their text (parse_int=str, parse_float=str)


def _json_ids(path: Path, lines: Sequence[str], numbers: Sequence[int], id_column: str) -> list[str | None]:
    """The id of each line as written: numbers keep their digits (``1e3``, ``-0``, 23 digits)."""
    ids: list[str | None] = []
    for line, number in zip(lines, numbers, strict=True):
        try:
            record = json.loads(line, parse_int=str, parse_float=str, parse_constant=str)
            if not isinstance(record, dict):
                raise TypeError("the line is not a JSON object")
            ids.append(_json_text(record.get(id_column)))
        except (ValueError, TypeError) as exc:
            raise DataFileError(f"{path}: line {number}: cannot read the id {id_column!r}: {exc}") from exc
    return ids


def read_jsonl(
    path: str | Path, chunk_size: int | None, id_column: str | None, read_kwargs: dict[str, Any]
) -> Iterator[tuple[pd.DataFrame, list[int]]]:
    """Yield ``(frame, line_numbers)`` per chunk of a JSON-lines file (blank lines skipped).

    Columns are parsed by :func:`pandas.read_json` with ``read_kwargs``; the ``id_column``
    (when the chunk has it) is replaced by each line's id as written, ``None`` where missing.

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "d.jsonl")
    >>> _ = open(p, "w").write('{"id": 7.50e1, "n": 1}\\n{"id": "007", "n": 2}\\n')
    >>> [(f["id"].tolist(), lines) for f, lines in read_jsonl(p, None, "id", {})]
    [(['7.50e1', '007'], [1, 2])]
    """
    path = Path(path)
    read_kwargs = dict(read_kwargs)
    encoding = read_kwargs.pop("encoding", None) or "utf-8-sig"  # -sig: a byte-order mark is not data
    with open_text(path, encoding=encoding) as fh:
        lines: list[str] = []
        numbers: list[int] = []
        for number, line in enumerate(_decoded(path, fh, encoding), 1):
            if line.strip():
                if not line.lstrip().startswith("{"):  # pandas would turn an array into columns 0, 1, ...
                    raise DataFileError(f"{path}: line {number} is not a JSON object ({line.strip()[:40]!r}); "
                                        "a data file holds JSON lines, one object per line, e.g. "
                                        "pandas' to_json(path, orient='records', lines=True)")
                lines.append(line)
                numbers.append(number)
                if chunk_size is not None and len(lines) == chunk_size:
                    yield _json_frame(path, lines, numbers, id_column, read_kwargs), numbers
                    lines, numbers = [], []
        if lines or chunk_size is None:  # a whole-file read yields one frame, even an empty one
            yield _json_frame(path, lines, numbers, id_column, read_kwargs), numbers


def _decoded(path: Path, fh: Any, encoding: str) -> Iterator[str]:
    """The lines of ``fh``; a byte the encoding cannot decode is a :class:`DataFileError` saying what to pass.

    (Text is decoded by blocks, so the failing line is not known.)
    """
    try:
        yield from fh
    except UnicodeDecodeError as exc:
        name = "utf-8" if encoding == "utf-8-sig" else encoding
        raise DataFileError(f"{path} is not {name} text ({exc.reason}); pass its encoding, "
                            f"e.g. encoding={encoding_hint(path)!r} (--encoding)") from exc
    except (EOFError, OSError, lzma.LZMAError) as exc:  # a truncated or mislabeled .gz / .bz2 / .xz file
        if Path(path).suffix.lower() not in COMPRESSIONS:
            raise
        raise DataFileError(f"cannot decompress {path}: {type(exc).__name__}: {exc}") from exc


def _json_frame(path: Path, lines: list[str], numbers: list[int], id_column: str | None,
                read_kwargs: dict[str, Any]) -> pd.DataFrame:
    if not lines:
        return pd.DataFrame()
    try:
        frame = pd.read_json(io.StringIO("".join(lines)), lines=True, **read_kwargs)
    except ValueError:  # e.g. a number beyond 64 bits ("Value is too big"): Python's json reads those
        records = []
        for line, number in zip(lines, numbers, strict=True):
            try:
                records.append(json.loads(line))
            except ValueError as exc:
                raise DataFileError(f"{path}: line {number} is not valid JSON: {exc}") from exc
        frame = pd.DataFrame.from_records(records)
    if id_column is not None and id_column in frame.columns:
        values = frame[id_column].tolist()
        # pandas may turn "007" into 7 or 1e3 into 1000.0; only strings are surely as written
        if not all(type(v) is str for v in values):
            values = _json_ids(path, lines, numbers, id_column)
        frame[id_column] = pd.Series(values, index=frame.index, dtype=object)
    return frame


class RowIds:
    """Checks the ids of a data file chunk by chunk: none empty, none repeated, one type throughout.

    Ids seen so far are kept as 64-bit hashes (8 bytes a row, sorted), with where each was seen,
    so a file of any size is checked in bounded memory. Two different ids with one hash (odds
    about n**2 / 2**65, 3e-6 for ten million rows) would be reported as a duplicate: an error,
    never two rows merged.

    Parameters
    ----------
    source : str or Path
        The file, for messages.
    id_column : str
        The id column, for messages.
    where : {"row", "line"}
        How positions are named: data rows counted from 1 (CSV, parquet) or file lines (JSON lines).

    Examples
    --------
    >>> ids = RowIds("d.csv", "id")
    >>> ids.take(pd.Series(["007", "7"]), first=1).tolist()
    ['007', '7']
    >>> ids.take(pd.Series(["8", "007"]), first=3)
    Traceback (most recent call last):
    ...
    weaksup.errors.DataFileError: d.csv: row 4: duplicate row id '007' in column 'id' (first at row 1)
    """

    def __init__(self, source: str | Path, id_column: Any, where: str = "row") -> None:
        self.source, self.id_column, self.where = str(source), id_column, where
        self._hashes = np.empty(0, dtype=np.uint64)
        self._at = np.empty(0, dtype=np.int64)
        self._dtype: Any = None

    def take(self, values: pd.Series, first: int = 1, positions: Sequence[int] | None = None) -> pd.Index:
        """Check one chunk's ids (``positions`` name each, else rows ``first, first+1, ...``); return the index."""
        at = np.asarray(positions, dtype=np.int64) if positions is not None else first + np.arange(len(values))
        text = pd.api.types.is_string_dtype(values)  # for object columns: when every value is a str
        missing = values.isna().to_numpy()
        if text:
            missing = missing | (values.to_numpy(dtype=object) == "")
        if missing.any():
            i = int(np.argmax(missing))
            value = "" if text and not pd.isna(values.iloc[i]) else None
            raise DataFileError(f"{self.source}: {self.where} {at[i]}: the id column {self.id_column!r} is empty "
                                f"({value!r}); every row needs an id")
        tag = typed_id_tag(self.id_column)
        if tag is not None and text:  # weaksup's own labels file: ids typed as export_labels wrote them
            index = self._typed(values, tag, at)
        else:
            index = pd.Index(values.to_numpy(dtype=object), dtype=str) if text else pd.Index(values)
        if self._dtype is None:
            self._dtype = index.dtype
        elif index.dtype != self._dtype:
            raise DataFileError(f"{self.source}: {self.where} {at[0]}: the id column {self.id_column!r} changes "
                                f"type from {self._dtype} to {index.dtype} (e.g. parquet parts that disagree)")
        dup = index.duplicated()
        if dup.any():
            i = int(np.argmax(dup))
            j = int(index.get_indexer_for([index[i]])[0])
            self._duplicate(index[i], at[i], at[j])
        hashes = pd.util.hash_pandas_object(index).to_numpy()
        if len(self._hashes):
            pos = np.minimum(np.searchsorted(self._hashes, hashes), len(self._hashes) - 1)
            seen = self._hashes[pos] == hashes
            if seen.any():
                i = int(np.argmax(seen))
                self._duplicate(index[i], at[i], self._at[pos[i]])
        order = np.argsort(np.concatenate([self._hashes, hashes]), kind="stable")  # merges two sorted runs
        self._hashes = np.concatenate([self._hashes, hashes])[order]
        self._at = np.concatenate([self._at, at])[order]
        return index.rename(self.id_column)

    def _typed(self, values: pd.Series, tag: str, at: np.ndarray) -> pd.Index:
        """Ids under an ``id:<type>`` header decoded as :func:`decode_ids` does; a bad one names its row."""
        try:
            return _decode(values, tag, csv=True)
        except (ValueError, TypeError, OverflowError):
            for i, value in enumerate(values.to_numpy(dtype=object)):  # find the row to name
                try:
                    _decode(pd.Series([value], dtype=object), tag, csv=True)
                except (ValueError, TypeError, OverflowError) as exc:
                    raise DataFileError(f"{self.source}: {self.where} {at[i]}: the id {value!r} in column "
                                        f"{self.id_column!r} is not a {tag} ({exc})") from exc
            raise

    def _duplicate(self, value: Any, at: int, before: int) -> None:
        raise DataFileError(f"{self.source}: {self.where} {at}: duplicate row id {value!r} in column "
                            f"{self.id_column!r} (first at {self.where} {before})")


def typed_id_tag(name: Any) -> str | None:
    """The type an id header of :data:`ID_COLUMNS` names (``"str"`` for ``id:str``); None for ``id`` and others.

    Examples
    --------
    >>> typed_id_tag("id:str"), typed_id_tag("id"), typed_id_tag("id:other")
    ('str', None, None)
    """
    return name[len(_TAG):] if name in ID_COLUMNS and name != ID else None


def missing_column(source: str | Path, id_column: Any, columns: Sequence[Any]) -> MissingColumnError:
    """The error for an id column that is not in the file."""
    shown = list(columns)[:20]
    return MissingColumnError(f"{source} has no id column {id_column!r} (--id-column); its columns are {shown}")


# labels files ---------------------------------------------------------------------------------------
def encode_ids(index: pd.Index, file_format: str) -> tuple[str, Any]:
    """The id column (name, values) of a labels file, chosen so :func:`decode_ids` restores the ids exactly.

    Integer (int64 / uint64), string, float, bool and datetime ids are kept. Parquet and
    ``.npz`` store the type itself; JSON lines stores numbers, strings and booleans; where
    the format cannot show the type, the column's header names it:

    * CSV: ``id`` holds integers, or text when some id is not written as an integer (``a``,
      ``007``); string ids that all look like integers (``"1"``, ``"2"``) go under
      ``id:str``; floats, booleans and datetimes under ``id:float``, ``id:bool``, ``id:datetime``.
    * JSON lines: datetimes under ``id:datetime`` (ISO 8601 text).

    A MultiIndex, a missing id (None, NaN, NaT), ids of mixed types (``[1, "1"]`` would
    collide), integers beyond 64 bits, infinite floats, other objects and time-zone-aware
    datetimes outside parquet raise :class:`~weaksup.errors.ModelInputError`.

    Examples
    --------
    >>> encode_ids(pd.Index(["1", "2"]), ".csv")[0], encode_ids(pd.Index(["a", "2"]), ".csv")[0]
    ('id:str', 'id')
    >>> encode_ids(pd.Index([1, "1"]), ".jsonl")
    Traceback (most recent call last):
    ...
    weaksup.errors.ModelInputError: row ids mix types (int and str), which the labels file could not tell apart (1 and '1' would be one id); make them one type, e.g. index.astype(str)
    """
    fmt = file_format.lower()
    if isinstance(index, pd.MultiIndex):
        raise ModelInputError(f"row ids are a MultiIndex ({index.nlevels} levels); a labels file needs one id per "
                              "row: join the levels into one id, e.g. index.map(str)")
    if isinstance(index, pd.CategoricalIndex):
        index = pd.Index(np.asarray(index))
    missing = np.asarray(pd.isna(index))
    if missing.any():
        i = int(np.argmax(missing))
        raise ModelInputError(f"row id at position {i} is missing ({index[i]!r}); every exported row needs an id")
    kind = _kind(index)
    if kind == "str":
        values = np.asarray(index, dtype=object)
        if fmt == ".npz" and any(s.endswith("\x00") for s in values):  # numpy's text arrays drop trailing NULs
            raise ModelInputError("a row id ends in a NUL character, which .npz cannot keep; use .parquet or .jsonl")
        if fmt == ".csv":
            if any("\r" in s for s in values):  # pandas' CSV writer leaves a lone \r unquoted: a new row
                raise ModelInputError("a row id holds a carriage return (\\r), which CSV does not keep; "
                                      "use .parquet or .jsonl")
            if len(values) and all(is_canonical_int(s) for s in values):
                return f"{_TAG}str", values
        return ID, values
    if kind == "int":
        return ID, _int_array(index)
    if kind == "datetimetz":
        if fmt == ".parquet":
            return ID, pd.DatetimeIndex(index).array
        raise ModelInputError(f"time-zone-aware datetime row ids ({index.dtype}) keep their time zone only in "
                              ".parquet; export to .parquet or convert them, e.g. index.tz_convert(None)")
    if kind == "datetime":
        values = pd.DatetimeIndex(index).to_numpy()
        if fmt in (".csv", ".jsonl"):
            return f"{_TAG}datetime", np.datetime_as_string(values).astype(object)
        return ID, values
    if kind == "float":
        values = np.asarray(index, dtype=np.float64)
        if not np.isfinite(values).all():
            i = int(np.argmax(~np.isfinite(values)))
            raise ModelInputError(f"row id at position {i} is {float(values[i])!r}, which is not a usable row id")
        return (f"{_TAG}float", np.array([repr(float(v)) for v in values], dtype=object)) if fmt == ".csv" \
            else (ID, values)
    if kind == "bool":
        values = np.asarray(index, dtype=bool)
        return (f"{_TAG}bool", np.where(values, "True", "False").astype(object)) if fmt == ".csv" else (ID, values)
    raise ModelInputError(kind)


def _kind(index: pd.Index) -> str:
    """The id type: str, int, float, bool, datetime, datetimetz; else raise ModelInputError naming the trouble."""
    dtype = index.dtype
    if isinstance(dtype, pd.DatetimeTZDtype):
        return "datetimetz"
    if dtype.kind == "M":
        return "datetime"
    if dtype.kind == "b":
        return "bool"
    if dtype.kind in "iu":
        return "int"
    if dtype.kind == "f":
        return "float"
    inferred = pd.api.types.infer_dtype(index, skipna=False)
    kinds = {"string": "str", "empty": "str", "integer": "int", "floating": "float", "boolean": "bool"}
    if inferred in kinds:
        return kinds[inferred]
    if inferred == "datetime":
        try:
            values = pd.DatetimeIndex(index)
        except (TypeError, ValueError) as exc:
            raise ModelInputError(f"datetime row ids cannot be stored as one type: {exc}") from exc
        return "datetimetz" if values.tz is not None else "datetime"
    types = sorted({type(v).__name__ for v in index})
    if len(types) > 1:
        pair = ""
        if "int" in types and "str" in types:
            pair = " (1 and '1' would be one id)"
        raise ModelInputError(f"row ids mix types ({' and '.join(types)}), which the labels file could not tell "
                              f"apart{pair}; make them one type, e.g. index.astype(str)")
    raise ModelInputError(f"row ids of type {types[0] if types else dtype} cannot be written to a labels file; "
                          "use strings, integers, floats, booleans or datetimes")


def _int_array(values: Any) -> np.ndarray:
    """Integers as int64, else uint64 when all fit there (>= 2**63), else refuse."""
    if isinstance(values, (np.ndarray, pd.Index)) and values.dtype.kind in "iu":
        return np.asarray(values).astype(np.uint64 if values.dtype == np.uint64 else np.int64)
    ints = [int(v) for v in values]  # Python ints: np.asarray would overflow beyond int64
    lo, hi = (min(ints), max(ints)) if ints else (0, 0)
    if lo >= np.iinfo(np.int64).min and hi <= np.iinfo(np.int64).max:
        return np.array(ints, dtype=np.int64)
    if lo >= 0 and hi <= np.iinfo(np.uint64).max:
        return np.array(ints, dtype=np.uint64)
    raise ModelInputError(f"row ids {lo}..{hi} do not fit one 64-bit integer type; export them as strings "
                          "(index.astype(str))")


def decode_ids(frame: pd.DataFrame, source: str | Path) -> pd.DataFrame:
    """Index a labels table read from a file by its ids, restoring their type (see :func:`encode_ids`).

    In a CSV file (``source`` ends in ``.csv``, whose cells are all text) an ``id`` column
    holds integers when every id is written as one (files written before id types were
    recorded read the same way), else strings. Elsewhere a string stays a string.

    Examples
    --------
    >>> decode_ids(pd.DataFrame({"id:str": ["1", "2"], "p": [0.5, 0.5]}), "y.csv").index.tolist()
    ['1', '2']
    >>> decode_ids(pd.DataFrame({"id": ["1", "2"], "p": [0.5, 0.5]}), "y.csv").index.tolist()
    [1, 2]
    >>> decode_ids(pd.DataFrame({"id": ["1", "2"], "p": [0.5, 0.5]}), "y.parquet").index.tolist()
    ['1', '2']
    """
    names = [c for c in frame.columns if c == ID or (isinstance(c, str) and c.startswith(_TAG))]
    if len(names) != 1:
        what = "no 'id' column" if not names else f"several id columns {names}"
        raise ModelInputError(f"{source} has {what}; it was not written by export_labels")
    name = names[0]
    tag = name[len(_TAG):] if name != ID else None
    try:
        index = _decode(frame[name], tag, csv=str(source).lower().endswith(".csv"))
    except (ValueError, TypeError, OverflowError) as exc:
        raise ModelInputError(f"{source}: cannot read the row ids of column {name!r}: {exc}") from exc
    return frame.drop(columns=name).set_axis(index.rename(ID), axis=0)


def _decode(column: pd.Series, tag: str | None, csv: bool) -> pd.Index:
    if column.dtype != object and not pd.api.types.is_string_dtype(column.dtype):
        return pd.Index(column)  # typed by the format (parquet, npz, JSON numbers)
    values = column.to_numpy(dtype=object)
    if tag == "str":
        return pd.Index(values, dtype=str)
    if tag == "float":
        return pd.Index(np.array([float(v) for v in values], dtype=np.float64))
    if tag == "bool":
        flags = {"True": True, "False": False}
        bad = [v for v in values if v not in flags]
        if bad:
            raise ValueError(f"{bad[0]!r} is not True or False")
        return pd.Index(np.array([flags[v] for v in values], dtype=bool))
    if tag == "datetime":
        return pd.DatetimeIndex(pd.to_datetime(list(values), format="ISO8601"))
    if tag is not None:
        raise ValueError(f"unknown id type {tag!r}")
    inferred = pd.api.types.infer_dtype(values, skipna=False)
    if inferred in ("string", "empty"):
        text = pd.Index(values, dtype=str)
        return text_ids_as_ints(text) if csv else text
    if inferred == "integer":
        return pd.Index(_int_array(values))
    if inferred == "floating":
        return pd.Index(values.astype(np.float64))
    if inferred == "boolean":
        return pd.Index(values.astype(bool))
    return pd.Index(values)  # mixed JSON types from a file not written by export_labels: as read
