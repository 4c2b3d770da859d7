"""Files in, files out for the ``weaksup`` command: LF files, data files, gold columns, label matrices.

Row ids, the rule every command follows (the rule of :mod:`weaksup.io.tables`, the one reader):
a data file's rows are identified by its ``id`` column when it has one, or by the column
``--id-column NAME`` names (ids must be unique and not empty), otherwise by their position in
the file (0, 1, 2, ...). In CSV and JSON lines ids are text exactly as written (``007`` stays
``"007"``; ``1`` and ``01`` are two ids), in parquet they keep the column's type.
``weaksup apply`` stores those ids in ``L.npz``; gold labels given as ``DATA:COLUMN`` are
matched to a label matrix by the same ids, so a gold file with an id column may list its
rows in any order (and may hold extra rows), while a file without one must list the same
rows in the same order.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from weaksup._deps import has_module, install_hint
from weaksup._files import user_path
from weaksup._ids import ID as ID_COLUMN
from weaksup._validation import align_labels
from weaksup.cli._errors import CLIError, UsageError, parse_column_spec  # noqa: F401 (re-exported)
from weaksup.errors import LabelMatrixError, ModelInputError, WeaksupError
from weaksup.io.tables import DATA_FORMATS as IO_DATA_FORMATS
from weaksup.io.tables import data_format, read_table
from weaksup.labeling.lf import LabelingFunction
from weaksup.matrix import LabelMatrix

DATA_FORMATS = IO_DATA_FORMATS  # .csv .tsv .parquet .pq .jsonl .json (JSON lines), as the library reads


def path_has_parquet(folder: Path) -> bool:
    """True when ``folder`` holds parquet part files (hidden and ``_`` files are not parts)."""
    return any(p.suffix in (".parquet", ".pq") and p.name[:1] not in "._" for p in folder.iterdir())


# labeling functions ---------------------------------------------------------------------------------
def load_lfs(spec: str) -> list[LabelingFunction]:
    """Load labeling functions from a Python file or a ``module:attribute`` spec.

    A file (``lfs.py``) is run as a module and every module-level
    :class:`~weaksup.LabelingFunction`, and every list or tuple of them, is collected in
    definition order (each LF once). ``file.py:name`` or ``package.module:name`` picks
    one attribute instead: an LF, a list of LFs, or a function returning them.

    Examples
    --------
    >>> [lf.name for lf in load_lfs("weaksup.datasets.spam_lfs:spam_lfs")][:2]
    ['keyword_my', 'keyword_subscribe']
    """
    path_part, _, attr = spec.rpartition(":") if has_attr_suffix(spec) else (spec, "", "")
    if path_part.endswith(".py") or user_path(path_part).is_file():
        module = _run_file(user_path(path_part))
        origin = path_part
    else:
        if not attr:
            raise CLIError(f"no LF file {spec!r}: give a .py file or module:attribute")
        try:
            module = importlib.import_module(path_part)
        except Exception as exc:
            raise CLIError(f"cannot import module {path_part!r}: {type(exc).__name__}: {exc}") from exc
        origin = path_part
    if attr:
        try:
            obj: Any = module
            for part in attr.split("."):
                obj = getattr(obj, part)
        except AttributeError:
            raise CLIError(f"{origin} has no attribute {attr!r}") from None
        if callable(obj) and not isinstance(obj, LabelingFunction):
            try:
                obj = obj()
            except Exception as exc:
                raise CLIError(f"{origin}:{attr}() raised {type(exc).__name__}: {exc}") from exc
        lfs = list(_collect([obj]))
        if not lfs:
            raise CLIError(f"{origin}:{attr} is not a labeling function or a list of them (got {type(obj).__name__})")
        return lfs
    lfs = list(_collect(vars(module).values()))
    if not lfs:
        raise CLIError(
            f"no labeling functions found in {origin}: define them at module level with @labeling_function() "
            "or LabelingFunction(...)"
        )
    return lfs


def has_attr_suffix(spec: str) -> bool:
    # "C:\\lfs.py" style drive letters are not attribute separators
    head, sep, tail = spec.rpartition(":")
    return bool(sep) and bool(head) and len(head) > 1 and tail.replace(".", "").replace("_", "").isalnum()


def _run_file(path: Path) -> Any:
    if not path.is_file():
        raise CLIError(f"no such LF file: {path}")
    if path.suffix != ".py":
        raise CLIError(f"LF file {path} must be a Python file ending in .py")
    name = f"_weaksup_lfs_{abs(hash(str(path.resolve())))}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise CLIError(f"cannot load LF file {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # needed by dataclasses/pickling inside the file
    folder = str(path.resolve().parent)
    sys.path.insert(0, folder)  # let the file import its neighbours
    try:
        spec.loader.exec_module(module)
    except SystemExit as exc:  # would end weaksup with the file's exit code and no message
        sys.modules.pop(name, None)
        code = "" if exc.code is None else repr(exc.code)
        raise CLIError(f"LF file {path} called sys.exit({code}) while loading; an LF file should only define "
                       "labeling functions (put script code under `if __name__ == '__main__':`)") from None
    except Exception as exc:
        sys.modules.pop(name, None)
        raise CLIError(f"LF file {path} raised {type(exc).__name__} while loading: {exc}") from exc
    finally:
        if sys.path and sys.path[0] == folder:
            sys.path.pop(0)
    return module


def _collect(values: Iterable[Any]) -> Iterable[LabelingFunction]:
    seen: set[int] = set()
    for value in values:
        items = value if isinstance(value, (list, tuple)) else [value]
        for item in items:
            if isinstance(item, LabelingFunction) and id(item) not in seen:
                seen.add(id(item))
                yield item


# data files -----------------------------------------------------------------------------------------
def read_data(path: str | Path, id_column: str | None = None, like: pd.Index | None = None,
              **read_kwargs: Any) -> pd.DataFrame:
    """Read a ``.csv``, ``.parquet`` or ``.jsonl`` data file with :func:`weaksup.io.read_table`, failing in one line.

    ``read_kwargs`` (``sep=``, ``encoding=`` from ``--sep`` / ``--encoding``) go to the reader.

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "d.csv")
    >>> pd.DataFrame({"id": ["b", "a"], "text": ["x", "NA"]}).to_csv(p, index=False)
    >>> df = read_data(p)
    >>> df.index.tolist(), df.loc["a", "text"]
    (['b', 'a'], 'NA')
    """
    path = user_path(path)
    if path.is_dir():  # a folder of parquet part files, as Spark and Dask write them
        if not path_has_parquet(path):
            raise CLIError(f"data folder {path} holds no .parquet files")
    elif not path.is_file():
        raise CLIError(f"no such data file: {path}")
    elif data_format(path) is None:
        raise CLIError(f"cannot read data file {path.name!r}: use one of {', '.join(DATA_FORMATS)} "
                       "(or a folder of .parquet files; .csv, .tsv and .jsonl may be compressed: .csv.gz ...)")
    if not path.is_dir() and data_format(path) in (".jsonl", ".json"):
        # --sep is the field separator of CSV files: as for parquet, it has no meaning for JSON lines (the one
        # --sep of a command reads DATA, --gold and --dev-labels, which may be of different formats)
        read_kwargs = {key: value for key, value in read_kwargs.items() if key != "sep"}
    try:
        return read_table(path, id_column=id_column, like=like, **read_kwargs)
    except (WeaksupError, ImportError):
        raise
    except Exception as exc:  # pandas' ParserError, UnicodeDecodeError ...: one line, with the options to try
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        hint = ""
        if isinstance(exc, UnicodeDecodeError):
            hint = " (is it another encoding? try --encoding cp1252 or --encoding latin-1)"
        elif type(exc).__name__ == "ParserError":
            hint = " (is it separated by ';' or tabs? try --sep ';' or --sep $'\\t')"
        raise CLIError(f"cannot read data file {path}: {type(exc).__name__}: {first}{hint}") from exc


def read_gold(spec: str, index: pd.Index, id_column: str | None = None, class_names: Sequence[str] | None = None,
              **read_kwargs: Any) -> np.ndarray:
    """Gold labels from ``DATA:COLUMN``, aligned to ``index`` by row id; rows without one read as ``-1`` (unknown).

    The file's row ids follow :func:`read_data` (``id_column``, default ``id`` when present). Gold may cover only
    some rows (partial gold: the others are unknown) and may hold extra rows; empty cells and ``-1`` are unknown.
    Labels are class ids, or class names when ``class_names`` is given (``--class-names``).

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "g.csv")
    >>> pd.DataFrame({"id": ["b", "a"], "y": ["SPAM", ""]}).to_csv(p, index=False)
    >>> read_gold(p + ":y", pd.Index(["a", "b", "c"]), class_names=["HAM", "SPAM"]).tolist()
    [-1, 1, -1]
    """
    path, column = parse_column_spec(spec)
    frame = read_data(path, id_column=id_column, like=index, **read_kwargs)
    if column not in frame.columns:
        raise CLIError(f"{path} has no column {column!r}; its columns are {list(frame.columns)}")
    gold = frame[column]
    name = id_column or ID_COLUMN
    if name not in frame.columns and len(gold) != len(index):
        raise CLIError(f"{path} has no {name!r} column, so its rows are matched by position (0..n-1), but it has "
                       f"{len(gold)} rows for the label matrix's {len(index)}; give it an id column (--id-column)")
    if not gold.index.equals(index):
        if not index.is_unique:
            raise CLIError("the label matrix's row ids are not unique, so gold labels cannot be matched to them")
        shared = gold.index.isin(index)
        if len(index) and not shared.any():
            raise CLIError(f"none of {path}'s row ids are row ids of the label matrix (e.g. {gold.index[:3].tolist()}"
                           f" vs {index[:3].tolist()}); check --id-column")
        gold = gold[shared]
    try:
        return align_labels(gold, index, name=f"{path}:{column}", allow_abstain=True, class_names=class_names,
                            names_hint="pass class_names=[...] as --class-names A,B,... (in class-id order) to give "
                                       "labels as names")
    except ModelInputError as exc:
        raise CLIError(str(exc)) from exc


# label matrices -------------------------------------------------------------------------------------
def load_label_matrix(path: str | Path) -> LabelMatrix:
    """Load ``L.npz`` written by ``weaksup apply`` (or :meth:`LabelMatrix.save`), with one-line errors.

    Examples
    --------
    >>> import tempfile, os
    >>> p = LabelMatrix.from_dense([[0, 1]]).save(os.path.join(tempfile.mkdtemp(), "L.npz"))
    >>> load_label_matrix(p).shape
    (1, 2)
    """
    path = user_path(path)
    if path.suffix.lower() != ".npz":
        raise CLIError(f"label matrix file {path.name!r} must end in .npz (written by weaksup apply)")
    if not path.is_file():
        raise CLIError(f"no such label matrix file: {path}")
    try:
        return LabelMatrix.load(path)
    except LabelMatrixError as exc:
        raise CLIError(str(exc).splitlines()[0]) from exc
    except Exception as exc:  # zipfile.BadZipFile, EOFError ... from a damaged file
        raise CLIError(f"cannot read label matrix from {path}: {type(exc).__name__}: {exc}") from exc


def check_output_suffix(path: str | Path, allowed: tuple[str, ...], what: str) -> Path:
    """Fail early (before any work) when an output path has a suffix we cannot write (or pyarrow is missing)."""
    path = user_path(path)
    if path.suffix.lower() not in allowed:
        raise CLIError(f"cannot write {what} to {path.name!r}: use one of {', '.join(allowed)}")
    if allowed == (".npz",) and path.suffix != ".npz":  # LabelMatrix.save would write {path}.npz, not path
        raise CLIError(f"cannot write {what} to {path.name!r}: end its name in .npz (lower case)")
    if path.is_dir():  # found now, not by the final rename after all the work
        raise CLIError(f"cannot write {what} to {str(path)!r}: it is a folder; give a file path")
    if path.suffix.lower() == ".parquet" and not has_module("pyarrow"):
        raise CLIError(f"writing {what} to {path.name!r} needs pyarrow, which is not installed: "
                       f"{install_hint('pyarrow')}")
    return path

