"""Export and load probabilistic labels (.parquet, .csv, .jsonl, .npz), always keyed by row id."""

from __future__ import annotations

import json
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from weaksup._deps import require
from weaksup._files import atomic_path, user_path
from weaksup._ids import ID_COLUMNS, decode_ids, encode_ids
from weaksup._matrix_file import NpzReader
from weaksup.errors import DataFileError, MissingFileError, ModelInputError, ParameterError
from weaksup.matrix import LabelMatrix, as_label_matrix
from weaksup.utils import check_probs, probs_to_preds

FORMATS = (".parquet", ".csv", ".jsonl", ".npz")
VOTE_PREFIX = "lf."
_ATOL = 1e-4  # check_probs' tolerance: how far a probability export_labels writes may lie outside 0..1


def labels_frame(
    probs: Any,
    index: Sequence[Any] | pd.Index | None = None,
    L: Any = None,
    class_names: Sequence[str] | None = None,
    file_format: str | None = None,
) -> pd.DataFrame:
    """The table :func:`export_labels` writes: ``id``, ``prob_<class>...``, ``label`` (-1 on ties), LF votes.

    ``file_format`` (``".csv"``, ``".jsonl"``, ``".parquet"``, ``".npz"``) is the file the
    table is for: its ids are then checked and typed so that :func:`load_labels` gives them
    back exactly (in CSV, string ids that all look like integers go under ``id:str``; see
    :func:`weaksup._ids.encode_ids`), and ids that cannot round-trip (a MultiIndex, missing
    or mixed-type ids) raise :class:`~weaksup.errors.ModelInputError` before anything is written.

    Examples
    --------
    >>> labels_frame([[0.2, 0.8]], index=["a"]).columns.tolist()
    ['id', 'prob_0', 'prob_1', 'label']
    >>> labels_frame([[0.2, 0.8]], index=["7"], file_format=".csv").columns.tolist()[0]
    'id:str'
    """
    P = check_probs(probs)
    if L is None and isinstance(index, LabelMatrix):  # export_labels(path, probs, L): the votes carry the ids
        L, index = index, None
    if L is not None:
        has_ids = isinstance(L, (LabelMatrix, pd.DataFrame))  # a NumPy or sparse array (Snorkel's L) has none
        L = as_label_matrix(L)
        if L.n_rows != len(P):
            raise ModelInputError(f"L has {L.n_rows} rows but probs has {len(P)}")
        if index is None:
            index = L.index
        elif has_ids and not pd.Index(index).equals(L.index):
            raise ModelInputError("index differs from L.index: probabilistic labels would not line up with the votes")
    own = getattr(probs, "index", None)  # a DataFrame of probabilities carries its own row ids
    if index is None and isinstance(probs, pd.DataFrame) and not isinstance(own, pd.RangeIndex):
        index = own
    if index is None:
        raise ModelInputError("pass index= (the row ids) so exported labels stay aligned to their rows")
    if isinstance(index, (str, bytes)):  # pd.Index("abc") is a raw TypeError
        raise ModelInputError(f"index must be a sequence of row ids, one per row; got the string {index!r:.40}")
    if not isinstance(index, pd.Index):  # pd.Index(a MultiIndex) would flatten it to tuples
        index = pd.Index(index)
    if len(index) != len(P):
        raise ModelInputError(f"index has {len(index)} ids but probs has {len(P)} rows")
    if isinstance(own, pd.Index) and not isinstance(own, pd.RangeIndex) and not own.equals(index):
        raise ModelInputError("probs is a DataFrame whose index differs from the row ids (index= or L.index): "
                              "its rows would be written under other rows' ids; reorder it with "
                              "probs.loc[index] or pass probs.to_numpy()")
    k = P.shape[1]
    names = [str(c) for c in class_names] if class_names is not None else [str(c) for c in range(k)]
    if len(names) != k:
        raise ModelInputError(f"got {len(names)} class names for {k} classes")
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:  # two prob_ columns of one name: one class's probabilities would be lost
        raise ModelInputError(f"class name {repeated[0]!r} is given twice in class_names {names}; name each class once")
    P, names = _frame_classes(probs, P, names, class_names is not None)
    id_name, ids = ("id", index.to_numpy()) if file_format is None else encode_ids(index, file_format)
    out = pd.DataFrame({id_name: ids})
    for c, name in enumerate(names):
        out[f"prob_{name}"] = P[:, c]
    out["label"] = probs_to_preds(P, tie_break="abstain")
    if L is not None:
        dense = L.to_dense()
        for j, name in enumerate(L.lf_names):
            out[f"{VOTE_PREFIX}{name}"] = dense[:, j].astype(np.int64)
    return out


def _frame_classes(probs: Any, P: np.ndarray, names: list[str], given: bool) -> tuple[np.ndarray, list[str]]:
    """Class names from a probabilities DataFrame's columns (``HAM``, or ``prob_HAM`` as load_labels gives).

    Columns name the classes, so they are matched to ``class_names`` by name, never by position: a frame
    with columns ``[SPAM, HAM]`` and ``class_names=[HAM, SPAM]`` is reordered; names that differ are refused.
    Columns that are the class ids ``0..k-1`` in some order are put in order (column ``1`` is class 1).
    """
    if not isinstance(probs, pd.DataFrame):
        return P, names
    columns = [str(c) for c in probs.columns]
    if all(c.startswith("prob_") for c in columns):
        columns = [c[len("prob_"):] for c in columns]
    ids = [str(c) for c in range(P.shape[1])]
    if columns == ids:  # unnamed (0..k-1, pd.DataFrame(P)): by position
        return P, names
    if sorted(columns) == sorted(ids):  # class ids in another order (columns [1, 0]): column "1" is class 1
        return P[:, [columns.index(c) for c in ids]], names
    if len(set(columns)) < len(columns):
        raise ModelInputError(f"probs has columns {list(probs.columns)} naming a class twice; name each once")
    if not given or columns == names:
        return P, columns
    if set(columns) != set(names):
        raise ModelInputError(f"probs columns {list(probs.columns)} do not match class_names {names}; rename the "
                              "columns to the class names, or pass probs.to_numpy() to take them by position")
    return P[:, [columns.index(n) for n in names]], names


def export_labels(
    path: str | Path,
    probs: Any,
    index: Sequence[Any] | pd.Index | None = None,
    L: LabelMatrix | Any = None,
    class_names: Sequence[str] | None = None,
) -> Path:
    """Write probabilistic labels with their row ids, by file suffix.

    Columns: ``id``, ``prob_<class>`` per class, ``label`` (argmax, -1 on ties) and,
    when ``L`` is given, each LF's vote as ``lf.<name>``. The ids are ``index``, else ``L``'s
    (a :class:`~weaksup.LabelMatrix` or DataFrame ``L`` must then have the same ids; a NumPy
    or sparse ``L``, which has none, takes ``index``'s; ids given twice are written twice, in order),
    else the index of a DataFrame ``probs`` (not a plain ``RangeIndex``, which may be positions only).
    Formats: ``.parquet``
    (needs pyarrow, the ``parquet`` extra), ``.csv``, ``.jsonl``, ``.npz``.

    Examples
    --------
    >>> import tempfile, os
    >>> p = export_labels(os.path.join(tempfile.mkdtemp(), "y.csv"), [[0.2, 0.8]], index=["r1"])
    >>> load_labels(p).loc["r1", "prob_1"]
    np.float64(0.8)
    """
    path = user_path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ParameterError(f"cannot export to {path.name!r}: use one of {', '.join(FORMATS)}")
    if path.is_dir():
        raise ParameterError(f"cannot export to {str(path)!r}: it is a folder; give a file path")
    frame = labels_frame(probs, index=index, L=L, class_names=class_names, file_format=suffix)
    # written beside ``path`` and renamed into place when complete: a crash leaves the old file (or none)
    with atomic_path(path) as tmp:
        _write_frame(frame, tmp, suffix)
    return path


def _write_frame(frame: pd.DataFrame, path: Path, suffix: str) -> None:
    """Write a labels table to ``path`` in the format of ``suffix`` (``path`` may be a temporary name)."""
    if suffix == ".parquet":
        _require_pyarrow()
        frame.to_parquet(path, index=False)
    elif suffix == ".csv":
        frame.to_csv(path, index=False)
    elif suffix == ".jsonl":
        with path.open("w", encoding="utf-8") as fh:
            write_jsonl_rows(frame, fh)
    else:
        arrays = {col: _npz_column(frame[col], col) for col in frame.columns}
        arrays["__columns__"] = np.frombuffer(json.dumps(list(frame.columns)).encode(), dtype=np.uint8)
        with path.open("wb") as fh:  # a file object: numpy would append .npz to a name without it
            np.savez_compressed(fh, **arrays)


def _npz_column(column: pd.Series, name: Any) -> np.ndarray:
    """``column`` as an array ``.npz`` stores without pickle: text as a unicode array, never Python objects.

    (NumPy pickles an object array into the file, which :func:`load_labels` then refuses to read; any
    id column, typed ``id:str`` ... included, and any text column a :class:`~weaksup.LabelWriter` chunk
    holds, is text.)
    """
    values = column.to_numpy()
    if values.dtype != object:
        return values
    bad = next((v for v in values if not isinstance(v, str)), None)
    if bad is not None:
        raise ModelInputError(f"cannot write column {name!r} to .npz: it holds {bad!r} ({type(bad).__name__}), and "
                              ".npz stores only numbers and text without pickle; convert the column, e.g. "
                              "astype(str), or write .parquet")
    return np.asarray(values.tolist(), dtype=str)


def write_jsonl_rows(frame: pd.DataFrame, fh: Any) -> None:
    """Append ``frame``'s rows to an open text file as JSON lines.

    ``json.dumps`` writes floats as their shortest exact repr (pandas' ``to_json`` rounds to 15 digits).
    """
    columns = [frame[c].tolist() for c in frame.columns]
    for values in zip(*columns, strict=True):
        fh.write(json.dumps(dict(zip(frame.columns, values, strict=True))) + "\n")


def load_labels(path: str | Path) -> pd.DataFrame:
    """Read labels written by :func:`export_labels`, indexed by row id.

    Ids come back with the type they were exported with: integers (int64, or uint64 beyond
    2**63), strings (``"007"`` and ``"7"`` stay strings), floats, booleans, datetimes. Parquet
    and ``.npz`` store the type; CSV and JSON lines name it in the id column's header where
    the values cannot show it (``id:str``, ``id:datetime``, ...; see
    :func:`weaksup._ids.encode_ids`). A CSV ``id`` column holds integers when every id is
    written as an integer, else strings, as files written before these headers read.

    A file that cannot be read (truncated, empty, not UTF-8, a folder) is a
    :class:`~weaksup.errors.DataFileError`, and one that export_labels did not write (a label
    matrix, a line that is not an object, columns of different lengths) a
    :class:`~weaksup.errors.ModelInputError`; both name the file and what is wrong.

    Examples
    --------
    >>> import tempfile, os
    >>> p = export_labels(os.path.join(tempfile.mkdtemp(), "y.jsonl"), [[0.1, 0.9]], index=[42])
    >>> load_labels(p).loc[42, "label"]
    np.int64(1)
    >>> p = export_labels(os.path.join(tempfile.mkdtemp(), "y.csv"), [[0.1, 0.9]], index=["007"])
    >>> load_labels(p).index.tolist()
    ['007']
    """
    path = user_path(path)
    suffix = path.suffix.lower()
    if not path.exists():
        raise MissingFileError(f"no labels file at {path}")
    if suffix not in FORMATS:
        raise ParameterError(f"cannot read {path.name!r}: use one of {', '.join(FORMATS)}")
    if path.is_dir() and suffix != ".parquet":  # a parquet folder of parts is one table; nothing else is
        raise DataFileError(f"cannot read labels from {path}: it is a folder; give the file export_labels wrote")
    if suffix == ".parquet":
        frame = _read_parquet(path)
    elif suffix == ".csv":
        frame = _read_csv(path)
    elif suffix == ".jsonl":
        frame = _read_jsonl_exact(path)
    else:
        frame = _read_npz(path)
    numbers = [c for c in frame.columns if isinstance(c, str) and (c.startswith(("prob_", VOTE_PREFIX)) or c == "label")]
    if frame.empty:  # a CSV header alone reads as text columns: give them the types written rows have
        frame = frame.astype({c: np.float64 if c.startswith("prob_") else np.int64 for c in numbers})
    _check_numbers(frame, numbers, path, text=suffix == ".csv")
    frame = decode_ids(frame, path)
    _check_values(frame, path)
    return frame


def _check_values(frame: pd.DataFrame, path: Path) -> None:
    """Refuse what export_labels never writes: a probability that is infinite, negative or above 1, a label
    that is not an integer in ``-1..k-1``, a vote that is not an integer ``>= -1``.

    Such a file was edited by hand or by another tool; loaded, it would train or score on numbers that mean
    nothing. (The cells are numbers already, and not NaN: :func:`_check_numbers`. Rows are not required to
    sum to 1: a :class:`~weaksup.LabelWriter` chunk may hold some classes' columns only.)
    """
    probs = [c for c in frame.columns if isinstance(c, str) and c.startswith("prob_")]
    k = len(probs)
    for c in frame.columns:
        if not isinstance(c, str) or not (c in probs or c == "label" or c.startswith(VOTE_PREFIX)):
            continue
        values = frame[c].to_numpy(dtype=np.float64)
        if c in probs:
            # the slack export_labels' own check (check_probs, atol=1e-4) lets through; NaN is refused earlier
            bad = ~((values >= -_ATOL) & (values <= 1 + max(k, 1) * _ATOL))
            what = "a probability (0 to 1)"
        else:
            high = k - 1 if c == "label" and k >= 2 else np.inf
            bad = ~np.isfinite(values) | (values != np.round(values)) | (values < -1) | (values > high)
            what = f"a label in -1..{k - 1}" if np.isfinite(high) else "an integer >= -1 (-1 abstains)"
        if bad.any():
            i = int(np.argmax(bad))
            raise ModelInputError(f"{path}: row id {_plain_id(frame.index[i])!r} holds {float(values[i])!r} in "
                                  f"column {c!r}, not {what}; the file was edited after export_labels wrote it")


def _plain_id(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _check_numbers(frame: pd.DataFrame, columns: Sequence[str], path: Path, text: bool) -> None:
    """Refuse a probability, label or vote that is not a number (an empty CSV cell, a row cut short).

    Such a column would otherwise come back as text, its gap as ``""``, and sum or compare wrongly.
    ``text``: cells are text (CSV), so ``"0.5"`` is a number; in JSON lines a string is not.
    """
    for c in columns:
        if pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c]):
            continue
        values = frame[c].to_numpy(dtype=object)
        bad = [i for i, v in enumerate(values)
               if isinstance(v, bool) or (isinstance(v, str) and not text) or not _is_number(v)]
        if bad:
            i = bad[0]
            ids = [col for col in frame.columns if col in ID_COLUMNS]
            which = f" (id {frame[ids[0]].iloc[i]!r})" if ids else ""
            raise DataFileError(f"{path}: row {i + 1}{which} holds {values[i]!r} in column {c!r}, not a number; "
                                "the file was cut short or edited (export_labels writes a number in every cell)")


def _is_number(value: Any) -> bool:
    if isinstance(value, (int, float, np.integer, np.floating)):
        return value == value  # not NaN
    try:
        return float(value) == float(value)
    except (TypeError, ValueError):
        return False


def _read_parquet(path: Path) -> pd.DataFrame:
    pa = require("pyarrow", "parquet")
    try:
        return pd.read_parquet(path)
    except (OSError, ValueError, pa.ArrowException) as exc:  # ArrowInvalid: truncated, or not parquet at all
        raise DataFileError(f"cannot read labels from {path}: not a readable parquet file (truncated, or not "
                            f"written by export_labels): {type(exc).__name__}: {_first_line(exc)}") from exc


def _read_csv(path: Path) -> pd.DataFrame:
    try:
        return pd.read_csv(path, dtype=dict.fromkeys(ID_COLUMNS, str), keep_default_na=False)
    except UnicodeDecodeError as exc:
        raise DataFileError(f"cannot read labels from {path}: it is not UTF-8 text ({exc.reason} at byte "
                            f"{exc.start}); export_labels writes UTF-8: was the file saved again in another "
                            "encoding?") from exc
    except pd.errors.EmptyDataError as exc:
        raise DataFileError(f"cannot read labels from {path}: the file is empty (a labels file has at least a "
                            "header line: id, prob_<class>..., label)") from exc
    except pd.errors.ParserError as exc:  # e.g. an unclosed quote: the file was cut short or edited by hand
        raise DataFileError(f"cannot parse labels file {path}: {_first_line(exc)}") from exc


def _read_npz(path: Path) -> pd.DataFrame:
    try:
        archive = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:  # truncated, or not an npz file
        raise DataFileError(f"cannot read labels from {path}: not a readable .npz file (truncated, or not "
                            f"written by export_labels): {type(exc).__name__}: {_first_line(exc)}") from exc
    if not isinstance(archive, np.lib.npyio.NpzFile):  # a bare .npy array saved under an .npz name
        raise ModelInputError(f"{path} holds one array, not the columns of a labels table; it was not written "
                              "by export_labels")
    with archive as z, NpzReader(path) as reader:
        members = set(z.files)
        if "__columns__" not in members:
            what = (" (it looks like a label matrix, written by weaksup apply or LabelMatrix.save: "
                    "read it with LabelMatrix.load)") if "meta" in members and "indptr" in members else ""
            raise ModelInputError(f"{path} has no '__columns__' member, so it was not written by "
                                  f"export_labels{what}")
        try:
            columns = json.loads(bytes(_member(reader, "__columns__", path)).decode())
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ModelInputError(f"{path}: its '__columns__' member is not a JSON list of column names "
                                  f"({exc}); the file was not written by export_labels or is damaged") from exc
        if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
            raise ModelInputError(f"{path}: its '__columns__' member is {columns!r:.80}, not a list of column "
                                  "names; the file was not written by export_labels or is damaged")
        lacking = [c for c in columns if c not in members]
        if lacking:
            raise ModelInputError(f"{path}: column {lacking[0]!r} is named in '__columns__' but is not in the "
                                  "file; it was not written by export_labels or is damaged")
        arrays = {c: _member(reader, c, path) for c in columns}
    for c, values in arrays.items():  # one value per row in every column, else rows would be misaligned
        if values.ndim != 1:
            raise ModelInputError(f"{path}: column {c!r} has shape {values.shape}, not one value per row")
        if len(values) != len(arrays[columns[0]]):
            raise ModelInputError(f"{path}: column {c!r} has {len(values)} values, but column {columns[0]!r} has "
                                  f"{len(arrays[columns[0]])}; every column needs one value per row")
    return pd.DataFrame(arrays, columns=columns)


def _member(reader: NpzReader, name: str, path: Path) -> np.ndarray:
    """One array of an open npz archive; a damaged member (bad CRC, pickled objects, a header or zip entry
    declaring more bytes than the file holds, which NumPy would allocate first) is a typed error."""
    try:
        return reader.member(name)  # checks the member's header before NumPy allocates what it declares
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error, NotImplementedError) as exc:
        raise DataFileError(f"cannot read column {name!r} of {path}: {type(exc).__name__}: "
                            f"{_first_line(exc)}") from exc


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else "(no message)"


def _read_jsonl_exact(path: Path) -> pd.DataFrame:
    """JSON lines with JSON's own types and no guessing: ``"007"`` stays text, ids beyond 2**63 stay exact.

    (pandas' reader decodes integers through doubles and rejects ids >= 2**63.) Every line must be an
    object with the first line's keys: a key some lines lack or add would be filled in or dropped.
    """
    records: list[dict[str, Any]] = []
    with path.open(encoding="utf-8-sig") as fh:  # -sig: a byte-order mark (an editor's resave) is not data
        try:
            for line_no, line in enumerate(fh, start=1):
                if line.strip():
                    try:
                        record = json.loads(line)
                    except json.JSONDecodeError as exc:
                        raise ModelInputError(f"{path}: line {line_no} is not JSON: {exc}") from exc
                    _check_record(path, line_no, record, records[0] if records else None)
                    records.append(record)
        except UnicodeDecodeError as exc:  # decoded by blocks: the line is not known
            raise DataFileError(f"cannot read labels from {path}: it is not UTF-8 text ({exc.reason}); "
                                "export_labels writes UTF-8: was the file saved again in another "
                                "encoding?") from exc
    if not records:  # no line holds the columns; the ids are none, of no type (read as text, as in CSV)
        return pd.DataFrame({"id": pd.Series([], dtype=object)})
    columns = list(records[0])
    data = {c: [r[c] for r in records] for c in columns}
    return pd.DataFrame({c: pd.Series(v, dtype=object).infer_objects() if c == "id" else v for c, v in data.items()})


def _check_record(path: Path, line_no: int, record: Any, first: dict[str, Any] | None) -> None:
    if not isinstance(record, dict):
        raise ModelInputError(f"{path}: line {line_no} is a JSON {type(record).__name__}, not an object; a labels "
                              "file holds one object per line ({\"id\": ..., \"prob_0\": ...})")
    if first is not None and record.keys() != first.keys():
        extra = sorted(set(record) - set(first))
        lacking = sorted(set(first) - set(record))
        what = f"has key {extra[0]!r}" if extra else f"lacks key {lacking[0]!r}"
        raise ModelInputError(f"{path}: line {line_no} {what}, unlike the first line (keys {list(first)[:8]}); "
                              "every line of a labels file has the same keys")


def _require_pyarrow() -> None:
    require("pyarrow", "parquet")
