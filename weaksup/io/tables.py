"""Reading data files: the one reader behind ``weaksup apply``, ``apply_file``, ``label_file`` and every command.

The rule for every file (see :mod:`weaksup._ids` for how ids are read):

* Row ids are the ``id_column`` when given (it must exist), else the ``id`` column when the file has one,
  else the typed id column of a labels file weaksup wrote (``id:str``, ``id:float``, ``id:bool``,
  ``id:datetime``: decoded to that type as :func:`~weaksup.io.load_labels` does, and named ``id``), else the
  row's position in the file (0, 1, ... across chunks). The id column stays a column of the frame too, so an LF
  can read it. An empty or duplicate id is a :class:`~weaksup.errors.DataFileError` naming its row.
* CSV: only an empty cell is missing; text such as ``NA`` or ``null`` stays text. Pass pandas' own options
  (``sep=``, ``encoding=``, ``na_values=`` ...) to change that. Without ``sep``, a ``.tsv`` file is tab-separated,
  and a CSV whose header line holds no comma but holds ``;``, a tab or ``|`` (exactly one of them) is read with
  that separator (spreadsheets in many locales write ``;``); a first line ``sep=;`` (Excel's) names it.
  Fields beyond the header's (a separator ending every line) are dropped with a warning, never shifting the
  columns; a header naming a column twice, and a file pandas cannot decode or parse, are a
  :class:`~weaksup.errors.DataFileError` (naming the column, or saying what to pass).
* JSON lines (``.jsonl``, ``.json``): one object per line (a JSON array is refused), UTF-8 unless ``encoding=``;
  a key some chunk lacks is missing (``None``) there, as in a whole-file read.
* A missing cell of a text column is ``None`` (not a float NaN), so an LF reading it fails on ``None`` and the
  applier's error names the empty field.
* CSV, TSV and JSON lines may be compressed with gzip, bz2 or xz: ``.csv.gz``, ``.jsonl.bz2``, ``.tsv.xz``
  (read as the uncompressed file would be; a file that does not decompress is a DataFileError).
* Parquet: a file or a folder of part files (hidden and ``_`` files are not parts), read with pyarrow. An id
  column stored as the pandas index (``df.set_index("id").to_parquet()``) is the id column; any other stored
  index is not an id (a warning says so when it is not 0..n-1).
"""

from __future__ import annotations

import lzma
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from weaksup._deps import require
from weaksup._files import COMPRESSIONS, encoding_hint, open_text, user_path
from weaksup._ids import (
    ID,
    RowIds,
    csv_columns,
    csv_options,
    is_text,
    missing_column,
    read_jsonl,
    text_ids_as_ints,
    typed_id_tag,
)
from weaksup.errors import DataFileError, MissingColumnError, MissingFileError, ParameterError, WeaksupWarning

DATA_FORMATS = (".csv", ".tsv", ".parquet", ".pq", ".jsonl", ".json")
_OTHER_SEPARATORS = (";", "\t", "|")
#: how CSV cells are read unless the caller says otherwise: only an empty cell is missing
CSV_MISSING = {"keep_default_na": False, "na_values": [""]}


def parquet_files(path: Path) -> list[Path]:
    """The part files of a parquet file or folder, in name order."""
    # Hidden and "_" files are not parts (pyarrow's rule): among them the ".name.<random>.tmp.parquet" a killed
    # atomic write leaves behind, which must never be read as data.
    files = (sorted(p for p in path.iterdir() if p.suffix in (".parquet", ".pq") and p.name[:1] not in "._")
             if path.is_dir() else [path])
    if not files:
        raise MissingFileError(f"no .parquet files in {path}")
    return files


def count_rows(path: str | Path) -> int | None:
    """Row count from parquet metadata (free); None for text formats."""
    path = user_path(path)
    if path.is_dir() or path.suffix.lower() in (".parquet", ".pq"):
        pq = require("pyarrow.parquet", "reading parquet")
        return sum(pq.ParquetFile(f).metadata.num_rows for f in parquet_files(path))
    return None


def data_format(path: str | Path) -> str | None:
    """The format suffix of a data file's name (``.csv`` for ``x.CSV`` and ``x.csv.gz``), None if not one we read.

    Examples
    --------
    >>> data_format("a.CSV"), data_format("a.jsonl.gz"), data_format("a.parquet.gz"), data_format("a.txt")
    ('.csv', '.jsonl', None, None)
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in COMPRESSIONS:  # a compressed text file: the format is the suffix before (pandas' rule)
        inner = Path(path.stem).suffix.lower()
        return inner if inner in DATA_FORMATS and inner not in (".parquet", ".pq") else None
    return suffix if suffix in DATA_FORMATS else None


def _suffix(path: Path) -> str:
    if not path.exists():
        raise MissingFileError(f"no such data file: {path}")
    suffix = data_format(path) if path.is_file() else ".parquet"
    if suffix is None:
        raise DataFileError(f"cannot read data file {path.name!r}: use one of {', '.join(DATA_FORMATS)} "
                            "(.csv, .tsv and .jsonl may be compressed: .csv.gz ...)")
    return suffix


def read_chunks(
    path: str | Path,
    chunk_size: int | None = 100_000,
    columns: Sequence[str] | None = None,
    id_column: str | None = None,
    like: pd.Index | None = None,
    **read_kwargs: Any,
) -> Iterator[pd.DataFrame]:
    """Yield a data file as DataFrames of at most ``chunk_size`` rows, indexed by row id (module rule).

    Parameters
    ----------
    path : str or Path
        ``.csv``, ``.parquet`` (a file or a folder of part files) or ``.jsonl``.
    chunk_size : int or None
        Rows per chunk; None reads the whole file as one frame (one per parquet part).
    columns : sequence of str, optional
        Read only these columns (plus the id column).
    id_column : str, optional
        Column holding the row ids; default ``id`` when the file has one, else positions.
    like : pandas.Index, optional
        Row ids these rows will be matched to (a label matrix's): when those are integers and this
        file's ids are text, ids written as integers (``7``, not ``007``) become those integers.
    **read_kwargs
        Passed to :func:`pandas.read_csv` / :func:`pandas.read_json` (``sep=``, ``encoding=`` ...).

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "d.csv")
    >>> pd.DataFrame({"text": ["a", "NA", "c"]}).to_csv(p, index=False)
    >>> [c.index.tolist() for c in read_chunks(p, chunk_size=2)]
    [[0, 1], [2]]
    >>> _ = open(p, "w").write("id,text\\n007,a\\n1e3,b\\n7,c\\n")
    >>> [c.index.tolist() for c in read_chunks(p, chunk_size=2)]
    [['007', '1e3'], ['7']]
    """
    path = user_path(path)
    suffix = _suffix(path)
    if "usecols" in read_kwargs:  # pandas' name for columns=: read the same way (and with the id column)
        usecols = read_kwargs.pop("usecols")
        if columns is not None and usecols is not None:
            raise ParameterError("give the columns to read once: columns= or usecols=, not both")
        columns = columns if usecols is None else usecols
    if chunk_size is not None and chunk_size < 1:
        raise ParameterError(f"chunk_size must be >= 1, got {chunk_size}")
    chunks: Iterator[tuple[pd.DataFrame, list[int] | None]]
    if suffix in (".parquet", ".pq"):
        pq = require("pyarrow.parquet", "reading parquet")
        files = parquet_files(path)
        names = pq.read_schema(files[0]).names
        name = _id_name(path, id_column, names)
        cols = _wanted(columns, name, names, path)
        if chunk_size is None:
            chunks = ((_id_as_column(pq.read_table(f, columns=cols).to_pandas(), name), None) for f in files)
        else:
            chunks = ((_id_as_column(batch.to_pandas(), name), None) for f in files
                      for batch in pq.ParquetFile(f).iter_batches(batch_size=chunk_size, columns=cols))
    elif suffix in (".csv", ".tsv"):
        kwargs = {**CSV_MISSING, **read_kwargs} if "na_values" not in read_kwargs else dict(read_kwargs)
        if "sep" not in kwargs and "delimiter" not in kwargs:
            with _csv_errors(path):
                kwargs["sep"] = "\t" if suffix == ".tsv" else _separator(path, kwargs.get("encoding"))
            if kwargs["sep"].startswith("sep="):  # Excel's "sep=;" line above the header names the separator
                kwargs["sep"] = kwargs["sep"][4:]
                kwargs.setdefault("skiprows", 1)
        # pandas would otherwise make the first column the index when rows have one field more than the
        # header (a trailing separator on every line): every id and value would shift one column
        kwargs.setdefault("index_col", False)
        with _csv_errors(path, kwargs.get("sep", kwargs.get("delimiter"))):
            header = csv_columns(path, kwargs)
            _refuse_duplicate_header(path, kwargs)
        name = _id_name(path, id_column, header)
        if name is not None:
            kwargs = csv_options(header, name, kwargs)
        cols = _wanted(columns, name, header, path)
        typed = "dtype" in read_kwargs or "converters" in read_kwargs  # the caller chose the types: keep them
        chunks = ((f, None) for f in _csv_frames(path, chunk_size, cols, kwargs, same_types=not typed))
    else:
        name = id_column or ID
        kwargs = {"dtype": False, **read_kwargs}
        chunks = read_jsonl(path, chunk_size, name, kwargs)
        cols = _wanted(columns, name)
    ids = RowIds(path, name, where="line" if suffix in (".jsonl", ".json") else "row")
    offset = first_line = 0
    seen: list[Any] = []  # JSON lines: the keys met so far
    texts: set[Any] = set()  # the text columns of earlier chunks
    for frame, positions in chunks:
        if suffix in (".jsonl", ".json"):
            if offset == 0 and id_column is None and ID not in frame.columns:
                name = _typed_id_name(path, frame.columns)  # else no "id" key on its first rows: positions
                ids = RowIds(path, name, where="line")
                cols = _wanted(columns, name)
                first_line = positions[0] if positions else 1
            elif name is None and ID in frame.columns:  # ids only from a later chunk on: as a whole-file read
                raise DataFileError(f"{path}: line {first_line}: the id column {ID!r} is empty (None); every row "
                                    f"needs an id (lines from {positions[0]} on have one)")
            if cols is not None:
                frame = frame.reindex(columns=[c for c in cols if c in frame.columns or c == name])
            for c in seen:  # a key no line of this chunk has but earlier lines had: missing (None), as in one read
                if c not in frame.columns:
                    frame[c] = None
            seen.extend(c for c in frame.columns if c not in seen)
        if name is not None:
            if name not in frame.columns:
                if offset == 0:
                    raise missing_column(path, name, frame.columns)
                frame[name] = None  # a JSON-lines chunk or parquet part without it: empty ids, named by RowIds
            index = ids.take(frame[name], first=offset + 1, positions=positions)
            if like is not None and like.dtype.kind in "iu" and is_text(index):
                index = text_ids_as_ints(index)
            if name != id_column and typed_id_tag(name) is not None:
                # found, not named by the caller: the decoded ids as the file's "id", as load_labels reads them
                index = index.rename(ID)
                frame = frame.rename(columns={name: ID})
                frame[ID] = index.to_numpy()
            frame.index = index
        else:
            positional = pd.RangeIndex(offset, offset + len(frame))
            if offset == 0 and suffix in (".parquet", ".pq") and not frame.index.equals(positional):
                # df[mask].to_parquet() stores df's index; labels keyed 0..n-1 would not join back to df
                warnings.warn(f"{path} stores a pandas index ({frame.index[:3].tolist()}...) but no 'id' column, "
                              "so its rows are identified by position (0, 1, ...), not by that index; to keep it, "
                              "write the file with df.rename_axis('id').reset_index().to_parquet(...)",
                              WeaksupWarning, stacklevel=2)
            frame.index = positional
        offset += len(frame)
        yield _missing_text_as_none(frame, texts)


def _csv_frames(path: Path, chunk_size: int | None, cols: list[str] | None,
                kwargs: dict[str, Any], same_types: bool = False) -> Iterator[pd.DataFrame]:
    """:func:`pandas.read_csv` frames (one, or one per chunk), pandas' failures as :class:`DataFileError`.

    With ``same_types``, a column that reads as numbers in some chunks and as text in others is read
    as text in every chunk, as one whole-file read gives it: pandas infers types chunk by chunk, so a
    zip code ``01234`` would otherwise be the number 1234 in a chunk without a text value and
    ``"01234"`` in one with (an LF's vote would depend on ``chunk_size``). Likewise a column of integers
    with an empty cell in some chunk is read as floats in every chunk. That costs a first pass over
    files longer than one chunk.
    """
    # each read is wrapped on its own: a warnings filter must not stay changed while the caller holds a chunk
    sep = kwargs.get("sep", kwargs.get("delimiter"))
    if chunk_size is None:
        with _csv_errors(path, sep):
            frame = pd.read_csv(path, usecols=cols, **kwargs)
        yield frame
        return
    if same_types:
        first, types = _text_in_some_chunks(path, chunk_size, cols, kwargs, sep)
        if first is not None:  # one chunk: nothing to make consistent, and no second read
            yield first
            return
        if types:
            given = kwargs.get("dtype")
            kwargs = {**kwargs, "dtype": {**(given if isinstance(given, dict) else {}), **types}}
    yield from _csv_reader(path, chunk_size, cols, kwargs, sep)


def _csv_reader(path: Path, chunk_size: int, cols: list[str] | None, kwargs: dict[str, Any],
                sep: str | None) -> Iterator[pd.DataFrame]:
    with _csv_errors(path, sep):
        reader = pd.read_csv(path, chunksize=chunk_size, usecols=cols, **kwargs)
    with reader:
        while True:
            with _csv_errors(path, sep):
                frame = next(reader, None)
            if frame is None:
                return
            yield frame


def _text_in_some_chunks(path: Path, chunk_size: int, cols: list[str] | None, kwargs: dict[str, Any],
                         sep: str | None) -> tuple[pd.DataFrame | None, dict[Any, type]]:
    """``(the only chunk, {})`` for a file of one chunk, else ``(None, {column: type})`` for the columns whose
    type pandas infers differently from chunk to chunk: ``str`` for those read as numbers in some chunks and as
    text in others, ``float`` for those read as integers in some and as floats in others (a chunk with an empty
    cell: ``7`` there, ``7.0`` in a whole-file read). Columns the caller typed are left out."""
    given = kwargs.get("dtype")
    fixed = set(given) if isinstance(given, dict) else set()
    integer: set[Any] = set()
    floating: set[Any] = set()
    textual: set[Any] = set()
    first, n = None, 0
    for frame in _csv_reader(path, chunk_size, cols, kwargs, sep):
        n += 1
        first = frame if n == 1 else None
        for c in frame.columns:
            kind = frame[c].dtype.kind
            if kind in "iu":
                integer.add(c)
            elif kind == "f":
                floating.add(c)
            elif kind == "O" and frame[c].map(lambda v: isinstance(v, str)).any():
                textual.add(c)
    if n <= 1:
        return first, {}
    types: dict[Any, type] = {c: float for c in integer & floating if c not in textual}
    types.update({c: str for c in (integer | floating) & textual})
    return None, {c: t for c, t in types.items() if c not in fixed}


@contextmanager
def _csv_errors(path: Path, sep: str | None = None) -> Iterator[None]:
    """Name the file and what to try in pandas' errors, and say so when rows have more fields than the header.

    (With ``index_col=False`` pandas keeps every row's first fields under the header's names and drops the
    extra ones, warning only in its own words; a trailing separator on each line gives empty extras.)
    """
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield
    except UnicodeDecodeError as exc:
        hint = encoding_hint(path)
        others = "" if hint == "utf-16" else " or 'latin-1'"
        raise DataFileError(f"{path} is not {exc.encoding} text ({exc.reason}); pass its "
                            f"encoding, e.g. encoding={hint!r}{others} (--encoding)") from exc
    except (EOFError, OSError, lzma.LZMAError) as exc:  # a truncated or mislabeled .gz / .bz2 / .xz file
        if path.suffix.lower() not in COMPRESSIONS:
            raise
        raise DataFileError(f"cannot decompress {path}: {type(exc).__name__}: {exc}") from exc
    except pd.errors.EmptyDataError as exc:
        raise DataFileError(f"{path} is empty: a CSV file needs at least a header line") from exc
    except pd.errors.ParserError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        # say which separator was tried: it may be the one the user passed
        used = f"read with sep={sep!r}: is that its separator?" if sep is not None else "is it separated by ';' or tabs?"
        raise DataFileError(f"cannot parse {path}: {first} ({used} pass sep= (--sep), and quote fields that hold "
                            "the separator)") from exc
    for w in caught:
        if issubclass(w.category, pd.errors.ParserWarning) and str(w.message).startswith("Length of header"):
            warnings.warn(f"{path}: some rows have more fields than the header; the extra fields are ignored "
                          "(harmless for a separator at the end of each line; otherwise quote fields that hold "
                          "the separator, or pass sep= / --sep)", WeaksupWarning, stacklevel=4)
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)


def _refuse_duplicate_header(path: Path, kwargs: dict[str, Any]) -> None:
    """Refuse a header naming a column twice: pandas would read the second as ``name.1``, silently.

    The header line itself is read (as a data row): a column a user named ``id.1`` on purpose is fine.
    """
    if kwargs.get("names") is not None or kwargs.get("header", "infer") not in ("infer", 0):
        return  # the caller names the columns or picks the header row
    skip = {"chunksize", "usecols", "nrows", "iterator", "dtype", "converters", "na_values", "keep_default_na",
            "na_filter", "header", "names", "index_col"}
    first = pd.read_csv(path, header=None, nrows=1, dtype=str, na_filter=False,
                        **{k: v for k, v in kwargs.items() if k not in skip})
    names = first.iloc[0].tolist() if len(first) else []
    seen: dict[str, int] = {}
    for i, name in enumerate(names, start=1):
        if name in seen and name != "":  # empty names are pandas' "Unnamed: i", each its own
            raise DataFileError(f"{path}: the header names column {name!r} twice (columns {seen[name]} and {i}); "
                                "rename one, so that each column has its own name")
        seen.setdefault(name, i)


def _separator(path: Path, encoding: str | None) -> str:
    """``,`` unless the header line holds no comma and exactly one of ``;``, tab, ``|`` (then that one).

    A first line ``sep=X`` (which Excel writes and reads) gives ``"sep=X"``: the separator is X, the header next.
    """
    with open_text(path, encoding=encoding or "utf-8-sig", errors="replace", newline="") as f:
        header = f.readline()
    hint = header.rstrip("\r\n")
    if len(hint) == 5 and hint.startswith("sep="):
        return hint
    if "," in header:
        return ","
    found = [s for s in _OTHER_SEPARATORS if s in header]
    return found[0] if len(found) == 1 else ","


def read_table(
    path: str | Path,
    id_column: str | None = None,
    columns: Sequence[str] | None = None,
    like: pd.Index | None = None,
    **read_kwargs: Any,
) -> pd.DataFrame:
    """Read a whole ``.csv``, ``.parquet`` or ``.jsonl`` file, indexed by its row ids (the module's rule).

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "d.csv")
    >>> pd.DataFrame({"id": ["b", "a"], "text": ["x", "NA"]}).to_csv(p, index=False)
    >>> df = read_table(p)
    >>> df.index.tolist(), df.loc["a", "text"]
    (['b', 'a'], 'NA')
    >>> _ = open(p, "w").write("comment_id;text\\n007;hi\\n7;yo\\n")
    >>> read_table(p, id_column="comment_id", sep=";").index.tolist()
    ['007', '7']
    """
    parts = list(read_chunks(path, None, columns, id_column, **read_kwargs))
    frame = parts[0] if len(parts) == 1 else pd.concat(parts)
    # ``like`` on the whole file, not per parquet part: ids "7" in one part and "007" in another stay one type
    if like is not None and like.dtype.kind in "iu" and is_text(frame.index):
        frame.index = text_ids_as_ints(frame.index)
    return frame


def _id_as_column(frame: pd.DataFrame, name: str | None) -> pd.DataFrame:
    """The id column back as a column when pandas restored it as the index (``df.set_index("id").to_parquet()``)."""
    if name is not None and name not in frame.columns and name in (frame.index.names or []):
        frame = frame.reset_index(level=name)
    return frame


def _missing_text_as_none(frame: pd.DataFrame, texts: set[Any] | None = None) -> pd.DataFrame:
    """Missing text cells as None; ``texts``: the text columns of earlier chunks (updated).

    A chunk in which a text column is entirely empty is read by pandas as float NaNs: it is text all the
    same, so its cells are None too, as they would be in a whole-file read or with another chunk size.
    """
    for column in frame.columns:
        values = frame[column]
        text = values.dtype == object or pd.api.types.is_string_dtype(values.dtype)
        if text and texts is not None:
            texts.add(column)
        elif texts and column in texts and values.dtype.kind == "f" and values.isna().all():
            text = True
        if text and values.isna().any():
            frame[column] = values.astype(object).where(values.notna(), None)
    return frame


def _id_name(path: Path, id_column: str | None, names: Sequence[Any]) -> str | None:
    if id_column is not None:
        if id_column not in names:
            raise missing_column(path, id_column, names)
        return id_column
    return ID if ID in names else _typed_id_name(path, names)


def _typed_id_name(path: Path, names: Sequence[Any]) -> str | None:
    """The ``id:<type>`` column of a file without an ``id`` column (a labels file weaksup wrote), or None."""
    typed = [c for c in names if typed_id_tag(c) is not None]
    if len(typed) > 1:
        raise DataFileError(f"{path} has several id columns {typed}; name the one to use with id_column= "
                            "(--id-column)")
    return typed[0] if typed else None


def _wanted(columns: Sequence[str] | None, id_name: str | None, names: Sequence[Any] | None = None,
            path: Path | None = None) -> list[str] | None:
    """The columns to read (``columns`` and the id column); ``names``: the file's, to name any it lacks."""
    if columns is None:
        return None
    if isinstance(columns, str):  # columns="text" would read the columns t, e, x
        columns = [columns]
    if names is not None:
        lacking = [c for c in columns if c not in names]
        if lacking:
            shown = list(names)[:20]
            raise MissingColumnError(f"{path} has no column {lacking[0]!r} (asked for in columns=); "
                                     f"its columns are {shown}")
    return list(dict.fromkeys([*columns, *([id_name] if id_name else [])]))
