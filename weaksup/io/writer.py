"""Writing a labels file chunk by chunk, atomically: the writer behind ``label_file`` and chunked exports."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pandas as pd

from weaksup._deps import require
from weaksup._files import atomic_path, user_path
from weaksup._ids import ID, ID_COLUMNS, encode_ids
from weaksup.errors import ModelInputError, ParameterError
from weaksup.io.labels import _first_line, _write_frame, write_jsonl_rows

WRITABLE = (".parquet", ".csv", ".jsonl", ".npz")


class LabelWriter:
    """Appends labels frames to one ``.parquet`` / ``.csv`` / ``.jsonl`` / ``.npz`` file, chunk by chunk, atomically.

    Every chunk goes to one temporary file beside ``out``, renamed onto ``out`` by :meth:`close`
    only when the last chunk is written; :meth:`abort` (or leaving the ``with`` block on an
    exception) removes it. So ``out`` is always either the previous complete file or the new one.
An ``.npz`` archive cannot be appended to: its chunks are kept (the labels table, not the rows) and
written by :meth:`close`.

    Examples
    --------
    >>> import tempfile, os
    >>> out = os.path.join(tempfile.mkdtemp(), "y.csv")
    >>> with LabelWriter(out) as w:
    ...     w.write(pd.DataFrame({"id": [1], "label": [0]}))
    ...     w.write(pd.DataFrame({"id": [2], "label": [1]}))
    >>> pd.read_csv(out)["id"].tolist()
    [1, 2]
    """

    def __init__(self, out: str | Path) -> None:
        self.out = user_path(out)
        self.suffix = self.check_writable(self.out)
        self._stack = ExitStack()
        self.tmp: Path = self._stack.enter_context(atomic_path(self.out))
        self._pq: Any = None
        self._schema: Any = None
        self._columns: list[Any] | None = None
        self._frames: list[pd.DataFrame] = []  # .npz only
        self._id_kind: str | None = None
        self._started = False
        self._done = False  # closed or aborted: the temporary file is renamed or removed

    @staticmethod
    def check_writable(out: str | Path) -> str:
        """The suffix of ``out`` if a labels file can be written there (format known, pyarrow for parquet)."""
        out = user_path(out)
        suffix = out.suffix.lower()
        if out.is_dir():  # found before any work, not by the final rename
            raise ParameterError(f"cannot write labels to {str(out)!r}: it is a folder; give a file path")
        if suffix not in WRITABLE:
            raise ParameterError(f"cannot write labels to {out.name!r}: use one of {', '.join(WRITABLE)}")
        if suffix == ".parquet":
            require("pyarrow", "writing parquet")
        return suffix

    def __enter__(self) -> LabelWriter:
        return self

    def __exit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> None:
        if exc is None:
            self.close()
        else:
            self.abort(exc)

    def write(self, frame: pd.DataFrame) -> None:
        """Append one chunk's labels table (the columns of the first chunk, in any order, and an id column)."""
        if self._done:  # the temporary file is gone or renamed: the chunk would be lost, or left beside out
            raise ParameterError(f"cannot write to {self.out}: this LabelWriter was already closed (or aborted); "
                                 "write every chunk before close()")
        frame = self._aligned(self._encoded_ids(frame))
        if self.suffix == ".parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            try:
                table = pa.Table.from_pandas(frame, preserve_index=False, schema=self._schema)
            except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:  # e.g. ids that change type between chunks
                raise ModelInputError(f"cannot append this chunk to {self.out}: its columns do not fit the types "
                                      f"of the first chunk's ({_first_line(exc)})") from exc
            if self._pq is None:
                self._schema = table.schema.remove_metadata()
                self._pq = pq.ParquetWriter(self.tmp, self._schema)
            self._pq.write_table(table)
        elif self.suffix == ".npz":
            self._frames.append(frame)
        elif self.suffix == ".csv":
            frame.to_csv(self.tmp, mode="a" if self._started else "w", header=not self._started, index=False)
        else:
            with self.tmp.open("a" if self._started else "w", encoding="utf-8") as fh:
                write_jsonl_rows(frame, fh)
        self._started = True

    def _encoded_ids(self, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame`` with a plain ``id`` column typed for this file, as :func:`~weaksup.export_labels` types it.

        A chunk of raw ids (``labels_frame(..., file_format=None)`` or a frame of one's own) would otherwise
        lose their type (float, bool, ``"1"`` in CSV come back as text or integers) or fail to write
        (datetimes in JSON lines); ids that cannot come back (missing, mixed types) are refused here, by
        :func:`weaksup._ids.encode_ids`. A column already typed (``id:str`` ...) is kept as it is.
        """
        columns = list(frame.columns)
        if columns.count(ID) != 1 or any(c in ID_COLUMNS and c != ID for c in columns):
            return frame  # no id column, several (refused by _aligned), or already typed
        name, values = encode_ids(pd.Index(frame[ID]), self.suffix)
        out = frame.copy(deep=False)
        out[ID] = values
        return out.rename(columns={ID: name}) if name != ID else out

    def _aligned(self, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame`` with the first chunk's columns in their order; a chunk that cannot line up is refused.

        (CSV rows are written by position under the first header: columns in another order would put
        values under other columns' names, and a frame without an id column would lose its row ids.)
        """
        columns = list(frame.columns)
        if self._columns is None:
            if not any(c in ID_COLUMNS for c in columns):
                raise ModelInputError(f"a labels frame needs an id column ('id'), so every row keeps its id; got "
                                      f"columns {columns[:8]} (write labels_frame(probs, index=ids), or "
                                      "frame.reset_index(names='id'))")
            if len(set(columns)) < len(columns):
                raise ModelInputError(f"a labels frame names a column twice: {columns[:8]}")
            self._columns = columns
        else:
            # CSV ids of one chunk may all look like integers (id:str), another's not (id): one header
            ids = [c for c in columns if c in ID_COLUMNS]
            first = next(c for c in self._columns if c in ID_COLUMNS)
            if len(ids) == 1 and ids[0] != first:
                if {ids[0], first} != {"id", "id:str"}:  # id:float after id:datetime, ...
                    raise ModelInputError(f"cannot append this chunk to {self.out}: its row ids are typed "
                                          f"{ids[0]!r}, but earlier chunks' {first!r}; give every chunk ids of one "
                                          "type")
                frame = frame.rename(columns={ids[0]: first})
                columns = list(frame.columns)
            if columns != self._columns:
                if set(columns) != set(self._columns) or len(columns) != len(self._columns):
                    extra = [c for c in columns if c not in self._columns]
                    lacking = [c for c in self._columns if c not in columns]
                    what = (f"has column {extra[0]!r}" if extra else f"lacks column {lacking[0]!r}" if lacking
                            else "names a column twice")
                    raise ModelInputError(f"cannot append this chunk to {self.out}: it {what}, unlike the first "
                                          f"chunk (columns {self._columns[:8]}); every chunk needs the same columns")
                frame = frame[self._columns]
        self._check_id_type(frame)
        return frame

    def _check_id_type(self, frame: pd.DataFrame) -> None:
        """Refuse ids of another type than earlier chunks' (in CSV, ``5`` after ``"x"`` would come back as ``"5"``)."""
        column = next((c for c in frame.columns if c in ID_COLUMNS), None)
        if column is None or not len(frame):
            return
        kind = pd.api.types.infer_dtype(frame[column], skipna=False)
        if self._id_kind is None:
            self._id_kind = kind
        elif kind != self._id_kind:
            raise ModelInputError(f"cannot append this chunk to {self.out}: its row ids are {kind}, but earlier "
                                  f"chunks' are {self._id_kind}; give every chunk ids of one type")

    def close(self) -> None:
        """Finish the file and rename it onto ``out`` (once: closing again does nothing)."""
        if self._done:  # e.g. close() inside the with block, then the block's own close
            return
        self._done = True
        try:
            if self._pq is not None:
                self._pq.close()
                self._pq = None
            elif self.suffix == ".npz":
                frames = self._frames or [pd.DataFrame({"id": pd.Series([], dtype=str)})]
                _write_frame(pd.concat(frames, ignore_index=True), self.tmp, ".npz")
                self._frames = []
            elif not self._started:  # no rows at all: still leave a readable, empty file
                if self.suffix == ".parquet":  # a 0-byte file is not parquet
                    import pyarrow as pa
                    import pyarrow.parquet as pq

                    pq.write_table(pa.table({"id": pa.array([], pa.string())}), self.tmp)
                else:
                    self.tmp.write_text("" if self.suffix != ".csv" else "id\n")
        except BaseException as exc:
            self.abort(exc)
            raise
        self._stack.close()  # the rename

    def abort(self, exc: BaseException | None = None) -> None:
        """Drop the temporary file; ``out`` keeps what it held before (or stays absent)."""
        self._done = True
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
