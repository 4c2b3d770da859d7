"""Writing a labels file chunk by chunk, atomically: the writer behind ``label_file`` and chunked exports."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pandas as pd

from weaksup._deps import require
from weaksup._files import atomic_path, user_path
from weaksup.errors import ParameterError
from weaksup.io.labels import write_jsonl_rows

WRITABLE = (".parquet", ".csv", ".jsonl")


class LabelWriter:
    """Appends labels frames to one ``.parquet`` / ``.csv`` / ``.jsonl`` file, chunk by chunk, atomically.

    Every chunk goes to one temporary file beside ``out``, renamed onto ``out`` by :meth:`close`
    only when the last chunk is written; :meth:`abort` (or leaving the ``with`` block on an
    exception) removes it. So ``out`` is always either the previous complete file or the new one.

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
        self._started = False

    @staticmethod
    def check_writable(out: str | Path) -> str:
        """The suffix of ``out`` if a labels file can be written there (format known, pyarrow for parquet)."""
        out = user_path(out)
        suffix = out.suffix.lower()
        if suffix not in WRITABLE:
            raise ParameterError(f"cannot write labels to {out.name!r}: use one of {', '.join(WRITABLE)}")
        if out.is_dir():  # found before any work, not by the final rename
            raise ParameterError(f"cannot write labels to {str(out)!r}: it is a folder; give a file path")
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
        """Append one chunk's labels table."""
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
            with self.tmp.open("a" if self._started else "w", encoding="utf-8") as fh:
                write_jsonl_rows(frame, fh)
        self._started = True

    def close(self) -> None:
        """Finish the file and rename it onto ``out``."""
        try:
            if self._pq is not None:
                self._pq.close()
                self._pq = None
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
