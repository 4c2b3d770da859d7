"""Safe file writing: atomic replacement, and never writing an output over an input.

This module sits below every stage (it imports only :mod:`weaksup.errors`), so the label
matrix, the readers and writers, the models and the CLI all write files the same way. It also
opens compressed text data files (:func:`open_text`) for the readers, and turns the paths users
give into paths (:func:`user_path`: ``~`` is the user's home, as in pandas' readers and writers).
"""

from __future__ import annotations

import bz2
import gzip
import hashlib
import lzma
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from weaksup.errors import UnsafeOutputError


def user_path(path: str | os.PathLike) -> Path:
    """The :class:`~pathlib.Path` a user means by ``path``: a leading ``~`` (or ``~user``) is that home folder.

    pandas' readers and writers expand ``~``, so ``read_csv("~/d.csv")`` works; every reader and writer
    here does the same (without it, ``~/y.csv`` would be written under a folder named ``~``). A ``~user``
    that does not exist is left as it is.

    Examples
    --------
    >>> import os
    >>> user_path("~/d.csv") == Path(os.path.expanduser("~")) / "d.csv"
    True
    >>> user_path("data/d.csv")
    PosixPath('data/d.csv')
    """
    p = Path(path)
    if not str(p).startswith("~"):
        return p  # the common case: no lookup of the home folder
    try:
        return p.expanduser()
    except RuntimeError:  # ~user with no such user (or no home): a relative path, as the shell leaves it
        return p


def same_file(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    """True when ``a`` and ``b`` name the same file: the same path, or one file through a link.

    Examples
    --------
    >>> same_file("x.csv", "./x.csv")
    True
    """
    pa, pb = user_path(a), user_path(b)
    try:
        if pa.exists() and pb.exists():
            return os.path.samefile(pa, pb)
    except OSError:
        pass
    return os.path.realpath(pa) == os.path.realpath(pb)


def check_not_input(output: str | os.PathLike, *inputs: str | os.PathLike | None, what: str = "output") -> None:
    """Refuse, before any work, to write ``output`` over one of ``inputs``.

    Inputs may be files or folders (a parquet folder); an output inside an input folder is refused too.

    Examples
    --------
    >>> check_not_input("labels.csv", "data.csv")
    >>> check_not_input("data.csv", "data.csv")
    Traceback (most recent call last):
    ...
    weaksup.errors.UnsafeOutputError: refusing to write the output 'data.csv' over the input 'data.csv'; choose another output path
    """
    out_real = os.path.realpath(user_path(output))
    for inp in inputs:
        if inp is None:
            continue
        inp_real = os.path.realpath(user_path(inp))
        inside = user_path(inp).is_dir() and (out_real + os.sep).startswith(inp_real.rstrip(os.sep) + os.sep)
        if same_file(output, inp):
            raise UnsafeOutputError(
                f"refusing to write the {what} {str(output)!r} over the input {str(inp)!r}; choose another output path"
            )
        if inside:  # e.g. into a parquet folder that is read as data: the output would become a part of it
            raise UnsafeOutputError(f"refusing to write the {what} {str(output)!r} inside the input folder "
                                    f"{str(inp)!r}; choose a path outside it")


def _umask() -> int:
    mask = os.umask(0o022)  # the only way to read it; set straight back
    os.umask(mask)
    return mask


@contextmanager
def atomic_path(target: str | os.PathLike, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it onto ``target`` only if the block succeeds.

    A reader never sees a half-written ``target``: until the rename the old file (or none) is in place,
    and on any error the temporary file is removed and ``target`` is untouched. ``suffix`` defaults to
    ``target``'s own suffix, so writers that dispatch on it (``np.savez``, pandas) keep working.

    Examples
    --------
    >>> import os, tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), "a.txt")
    >>> with atomic_path(p) as tmp:
    ...     _ = tmp.write_text("done")
    >>> open(p).read()
    'done'
    """
    target = user_path(target)
    above = next((p for p in target.parents if p.exists()), None)  # the folders below it are created
    if above is not None and not above.is_dir():  # else a raw FileExistsError naming the user's file
        raise UnsafeOutputError(f"cannot write {str(target)!r}: {str(above)!r} is a file, not a folder; "
                                "choose a path in a folder")
    target.parent.mkdir(parents=True, exist_ok=True)
    # hidden, marked .tmp, but ending in the target's suffix for writers that dispatch on it
    fd, name = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".tmp" + (target.suffix if suffix is None else suffix), dir=target.parent
    )
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        _fsync(tmp)
        # mkstemp makes 0600 files; give the result the mode a plain write would (the old file's, else umask's)
        try:
            mode = target.stat().st_mode & 0o7777
        except OSError:
            mode = 0o666 & ~_umask()
        if tmp.exists():
            os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        try:
            tmp.unlink()
        except FileNotFoundError:
            pass
        raise


def _fsync(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # a folder on some platforms, or removed by the writer
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def file_sha256(path: str | os.PathLike) -> str:
    """Hex SHA-256 of a file's bytes (used to pair files saved together and to detect tampering).

    Examples
    --------
    >>> import os, tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), "a.bin")
    >>> _ = open(p, "wb").write(b"")
    >>> file_sha256(p)[:8]
    'e3b0c442'
    """
    h = hashlib.sha256()
    with open(user_path(path), "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


#: compressed text files we read (the suffix after the format's: ``.csv.gz``), with their openers
COMPRESSIONS = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}


def encoding_hint(path: str | Path) -> str:
    """The encoding to suggest for a file that is not UTF-8: UTF-16 when it starts with its byte-order mark."""
    try:
        with open_text(path, encoding="latin-1") as fh:
            head = fh.read(2)
    except (OSError, EOFError, lzma.LZMAError):
        head = ""
    return "utf-16" if head in ("\xff\xfe", "\xfe\xff") else "cp1252"


def open_text(path: str | Path, encoding: str | None = None, errors: str | None = None,
              newline: str | None = None) -> Any:
    """Open a data file as text, decompressing a ``.gz`` / ``.bz2`` / ``.xz`` one (as pandas' readers do).

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "d.jsonl.gz")
    >>> with gzip.open(p, "wt") as fh:
    ...     _ = fh.write('{"id": "007"}\\n')
    >>> with open_text(p, encoding="utf-8") as fh:
    ...     fh.read()
    '{"id": "007"}\\n'
    """
    path = user_path(path)
    opener = COMPRESSIONS.get(path.suffix.lower())
    if opener is None:
        return open(path, encoding=encoding, errors=errors, newline=newline)
    return opener(path, "rt", encoding=encoding, errors=errors, newline=newline)
