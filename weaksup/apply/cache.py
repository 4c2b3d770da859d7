"""Incremental re-application: only LFs whose code, resources or preprocessors changed run again."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import time
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from weaksup._files import atomic_path, file_sha256, user_path
from weaksup.apply.applier import LFApplier
from weaksup.apply.base import BaseApplier, check_chunk_size, check_lfs
from weaksup.apply.core import as_frame_or_array
from weaksup.errors import WeaksupWarning
from weaksup.labeling.lf import LabelingFunction
from weaksup.matrix import LabelMatrix


def data_key(data: Any) -> str:
    """A content hash of a DataFrame, list of dicts or array: values, columns, dtypes and row ids.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"text": ["a", "b"]})
    >>> data_key(df) == data_key(df.copy()), data_key(df) == data_key(df.iloc[::-1])
    (True, False)
    """
    frame, index = as_frame_or_array(data)
    h = hashlib.sha256()
    if isinstance(frame, pd.DataFrame):
        h.update(json.dumps([[str(c), str(t)] for c, t in frame.dtypes.items()]).encode())
        try:
            h.update(pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes())
        except TypeError:  # unhashable cells (lists, dicts): hash their text form
            h.update(pd.util.hash_pandas_object(frame.astype(str), index=True).to_numpy().tobytes())
        for _, column in frame.items():
            h.update(_cell_types(column.cat.categories if isinstance(column.dtype, pd.CategoricalDtype) else column))
    else:
        h.update(f"{frame.dtype}{frame.shape}".encode())
        h.update(np.ascontiguousarray(frame).tobytes() if frame.dtype != object else repr(frame.tolist()).encode())
    h.update(pd.util.hash_pandas_object(pd.Index(index)).to_numpy().tobytes())
    h.update(_cell_types(pd.Index(index)))
    return h.hexdigest()[:32]


def _cell_types(values: pd.Series | pd.Index) -> bytes:
    """The types of an object column's (or index's) cells; empty for other dtypes, whose type is the dtype.

    ``hash_pandas_object`` hashes an object cell by its text, so ``1`` and ``"1"``, ``None`` and ``NaN``,
    ``True`` and ``"True"`` hash alike; without their types two data sets an LF tells apart would share
    cached votes.
    """
    if isinstance(values, pd.MultiIndex):
        return b"".join(_cell_types(values.get_level_values(i)) for i in range(values.nlevels))
    if values.dtype != object:
        return b""
    types = list(map(type, values))
    kinds = set(types)
    if len(kinds) <= 1:  # one type throughout (text, say): the type once
        return "".join(f"{t.__module__}.{t.__qualname__}" for t in kinds).encode() + b"\x00"
    return "\x1f".join(f"{t.__module__}.{t.__qualname__}" for t in types).encode() + b"\x00"


class IncrementalApplier(BaseApplier):
    """An applier that remembers each LF's votes and re-runs only what changed.

    Votes are cached per LF under ``(LF fingerprint, data key)``: the fingerprint hashes
    the LF's code, the helpers and globals it uses, its resources and preprocessors
    (:meth:`LabelingFunction.fingerprint`); the data key hashes the rows and their ids
    (or is given as ``dataset_key``). Editing one LF among fifty re-runs only that one;
    adding LFs runs only the new ones; renaming reuses. LFs that raised under
    ``fault_tolerant=True`` are not cached. New rows are labelled on their own and
    appended with :meth:`append`.

    Parameters
    ----------
    lfs : sequence of LabelingFunction
        May be replaced later (``applier.lfs = new_lfs``).
    cardinality, chunk_size, n_jobs
        As for :class:`~weaksup.apply.applier.LFApplier`.
    cache_dir : str or Path, optional
        Also keep votes on disk (one ``.npz`` per LF and dataset, no pickle), so the cache
        survives the process. Without it the cache lives in memory. A manifest in the
        folder (``weaksup-cache.json``) lists what the cache wrote, with a SHA-256 of each
        file: a torn, edited or foreign file is never reused (its votes are recomputed),
        and :meth:`clear_cache` deletes nothing else. Several appliers, in several
        processes, may share one folder.

    Attributes
    ----------
    last_run_stats_ : dict
        ``{"ran": [...], "reused": [...], "data_key": ..., "seconds": ...}`` of the last call.
    errors_ : dict
        LF error records of the last run (fault-tolerant mode).

    Examples
    --------
    >>> import pandas as pd
    >>> from weaksup.labeling.templates import keyword_lf
    >>> df = pd.DataFrame({"text": ["my song", "subscribe!", "hi"]})
    >>> inc = IncrementalApplier([keyword_lf("my", 1), keyword_lf("song", 0)])
    >>> L = inc.apply(df, progress=False)
    >>> inc.lfs = [keyword_lf("my", 1), keyword_lf("subscribe", 1)]
    >>> L = inc.apply(df, progress=False)
    >>> inc.last_run_stats_["ran"], inc.last_run_stats_["reused"]
    (['keyword_subscribe'], ['keyword_my'])
    """

    def __init__(
        self,
        lfs: Sequence[LabelingFunction],
        cardinality: int | None = None,
        chunk_size: int = 20_000,
        n_jobs: int = 1,
        cache_dir: str | Path | None = None,
    ) -> None:
        super().__init__(lfs, cardinality)
        self.chunk_size = check_chunk_size(chunk_size)
        self.n_jobs = n_jobs
        self.cache_dir = None if cache_dir is None else user_path(cache_dir)
        self._memory: dict[tuple[str, str], tuple[np.ndarray, np.ndarray, int]] = {}

    def apply(
        self, data: Any, progress: bool = True, fault_tolerant: bool = False, dataset_key: str | None = None
    ) -> LabelMatrix:
        """Label ``data`` with every LF, running only those without cached votes for these rows.

        Parameters
        ----------
        data : DataFrame, list of dict or array
        progress, fault_tolerant
            As for :meth:`LFApplier.apply`.
        dataset_key : str, optional
            Your own stable name for these exact rows; skips hashing the data. Reusing a
            key for different rows returns stale votes. Any text is safe: on disk the key
            becomes a sanitized prefix plus a hash, always a folder inside ``cache_dir``.

        Returns
        -------
        LabelMatrix
        """
        start = time.perf_counter()
        lfs = check_lfs(self.lfs)
        frame, index = as_frame_or_array(data)
        key = str(dataset_key) if dataset_key is not None else data_key(data)
        prints = [lf.fingerprint() for lf in lfs]
        disk = None if self.cache_dir is None else _DiskCache(self.cache_dir)
        entries = disk.entries() if disk is not None else {}  # one manifest read per call
        columns: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        for j, fp in enumerate(prints):
            hit = self._memory.get((fp, key))
            if hit is None and disk is not None:
                hit = disk.load(entries, fp, key, len(index), self.cardinality)
                if hit is not None:
                    self._memory[(fp, key)] = hit
            if hit is not None and hit[2] == len(index):
                columns[j] = (hit[0], hit[1])
        stale = [j for j in range(len(lfs)) if j not in columns]
        self.errors_ = {}
        if stale:
            applier = LFApplier([lfs[j] for j in stale], self.cardinality, self.chunk_size, self.n_jobs)
            L_new = applier.apply(frame, progress, fault_tolerant)
            self.errors_ = applier.errors_
            csc = L_new.csr.tocsc()
            new: list[tuple[str, np.ndarray, np.ndarray]] = []
            for pos, j in enumerate(stale):
                lo, hi = csc.indptr[pos], csc.indptr[pos + 1]
                rows = csc.indices[lo:hi].astype(np.int64)
                votes = _narrow(csc.data[lo:hi].astype(np.int64) - 1)
                columns[j] = (rows, votes)
                if lfs[j].name not in self.errors_:
                    self._memory[(prints[j], key)] = (rows, votes, len(index))
                    new.append((prints[j], rows, votes))
            if disk is not None and new:
                disk.store(key, len(index), new)
        self.last_run_stats_ = {
            "ran": [lfs[j].name for j in stale],
            "reused": [lf.name for j, lf in enumerate(lfs) if j not in stale],
            "data_key": key,
            "seconds": time.perf_counter() - start,
        }
        return _assemble(columns, [lf.name for lf in lfs], index, self.cardinality)

    def append(
        self, L: LabelMatrix, new_data: Any, progress: bool = True, fault_tolerant: bool = False,
        dataset_key: str | None = None,
    ) -> LabelMatrix:
        """Label only ``new_data`` and return ``L`` with those rows appended (same LFs, same order).

        Examples
        --------
        >>> import pandas as pd
        >>> from weaksup.labeling.templates import keyword_lf
        >>> inc = IncrementalApplier([keyword_lf("my", 1)])
        >>> L = inc.apply(pd.DataFrame({"text": ["my"]}, index=["a"]), progress=False)
        >>> L2 = inc.append(L, pd.DataFrame({"text": ["no"]}, index=["b"]), progress=False)
        >>> L2.index.tolist(), L2.to_dense().ravel().tolist()
        (['a', 'b'], [1, -1])
        """
        new = self.apply(new_data, progress=progress, fault_tolerant=fault_tolerant, dataset_key=dataset_key)
        clash = new.index[new.index.isin(L.index)]
        if len(clash):  # two fresh RangeIndex frames both start at 0: votes would later align to the wrong rows
            warnings.warn(
                f"{len(clash)} of the {len(new.index)} appended rows have ids already in L (e.g. "
                f"{clash[:5].tolist()}); the result has duplicate row ids. Give the new rows their own ids "
                "(a unique index) before appending",
                WeaksupWarning,
                stacklevel=2,
            )
        return L.append_rows(new)

    def clear_cache(self) -> None:
        """Forget every cached vote: in memory, and the files this cache wrote in ``cache_dir``.

        Only files listed in the cache's manifest, and still holding the bytes written
        there, are deleted, then the folders the cache created if they are empty. Anything
        else in ``cache_dir`` (your own ``.npz`` files, folders, edited cache files) stays.

        Examples
        --------
        >>> import pathlib, tempfile
        >>> import pandas as pd
        >>> from weaksup.labeling.templates import keyword_lf
        >>> root = pathlib.Path(tempfile.mkdtemp())
        >>> (root / "mine").mkdir()
        >>> _ = (root / "mine" / "keep.npz").write_bytes(b"not the cache's")
        >>> inc = IncrementalApplier([keyword_lf("my", 1)], cache_dir=root)
        >>> _ = inc.apply(pd.DataFrame({"text": ["my song"]}), progress=False)
        >>> inc.clear_cache()
        >>> sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))
        ['mine', 'mine/keep.npz']
        """
        self._memory.clear()
        if self.cache_dir is not None:
            _DiskCache(self.cache_dir).clear()

    # storage ----------------------------------------------------------------------------------
class _DiskCache:
    """The votes kept in ``root``: one ``.npz`` per (data key, LF fingerprint), and a manifest.

    Layout: ``root/<key folder>/<fingerprint>.npz``, where the key folder is a sanitized
    prefix of the data key plus a hash of it, so no key (``"../k"``, absolute, NUL, any
    text) names a path outside ``root``. The manifest (``root/weaksup-cache.json``) lists
    each file written, with the data key, the row count and the SHA-256 of its bytes, and
    the folders the cache created. It decides everything:

    * a file is reused only if the manifest lists it and its bytes hash to the listed
      SHA-256 and its arrays are well formed; anything else is recomputed, never fatal;
    * :meth:`clear` deletes only listed files whose bytes still match, and listed folders
      once empty, so files the cache did not write are never deleted.

    The cache writes only to names of its own form (``<prefix>-<16 hex>/<hex>.npz``) and
    the manifest. Files and the manifest are written with
    :func:`weaksup._files.atomic_path`, and writers
    (store, clear) hold an exclusive ``flock`` on ``root``, so appliers in several processes
    never lose each other's manifest entries; readers need no lock (renames are atomic).
    """

    def __init__(self, root: Path) -> None:
        self.root = user_path(root)
        self.manifest = self.root / _MANIFEST

    # reading -----------------------------------------------------------------------------------
    def _read(self) -> dict[str, Any] | None:
        """The manifest (empty when missing), or None when a file of that name is not ours."""
        try:
            doc = json.loads(self.manifest.read_bytes())
        except FileNotFoundError:
            return {"format": _FORMAT, "version": _VERSION, "entries": {}, "folders": []}
        except (OSError, ValueError, RecursionError):  # unreadable, not JSON, absurdly nested
            return None
        if not isinstance(doc, dict) or doc.get("format") != _FORMAT or doc.get("version") != _VERSION:
            return None
        entries = doc.get("entries") if isinstance(doc.get("entries"), dict) else {}
        folders = doc.get("folders") if isinstance(doc.get("folders"), list) else []
        return {  # keep only well-formed records: a hand-edited manifest cannot point elsewhere
            "format": _FORMAT,
            "version": _VERSION,
            "entries": {rel: e for rel, e in entries.items() if _valid_entry(rel, e)},
            "folders": sorted({f for f in folders if isinstance(f, str) and _FOLDER_RE.fullmatch(f)}),
        }

    def entries(self) -> dict[str, dict[str, Any]]:
        doc = self._read()
        return {} if doc is None else doc["entries"]

    def load(
        self, entries: dict[str, dict[str, Any]], fp: str, key: str, n: int, cardinality: int | None
    ) -> tuple[np.ndarray, np.ndarray, int] | None:
        """The cached ``(rows, votes, n)``, or None unless the file is exactly what was written."""
        rel = _relpath(fp, key)
        entry = entries.get(rel)
        if entry is None or entry["key"] != key or entry["n"] != n or not self._owned(rel):
            return None
        try:
            blob = (self.root / rel).read_bytes()
        except OSError:
            return None
        if hashlib.sha256(blob).hexdigest() != entry["sha256"]:  # torn, truncated or edited
            return None
        try:
            with np.load(io.BytesIO(blob), allow_pickle=False) as z:
                if sorted(z.files) != ["n", "rows", "votes"]:
                    return None
                rows, votes, stored_n = z["rows"], z["votes"], z["n"]
        except Exception:  # whatever an unreadable file raises, it is a cache miss, never an error
            return None
        return (rows, votes, n) if _valid_arrays(rows, votes, stored_n, n, cardinality) else None

    def _owned(self, rel: str) -> bool:
        """``root/rel`` is a plain file reached without links (so never a file elsewhere)."""
        path = self.root / rel
        real = os.path.join(os.path.realpath(self.root), *rel.split("/"))
        return not path.is_symlink() and path.is_file() and os.path.realpath(path) == real

    # writing -----------------------------------------------------------------------------------
    @contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold an exclusive lock on ``root`` (released by the OS if the process dies)."""
        try:
            import fcntl
        except ImportError:  # no flock (Windows): concurrent writers may lose entries, never files
            yield
            return
        fd = os.open(self.root, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def _write(self, doc: dict[str, Any]) -> None:
        with atomic_path(self.manifest) as tmp:
            tmp.write_text(json.dumps(doc, sort_keys=True), encoding="utf-8")

    def store(self, key: str, n: int, columns: list[tuple[str, np.ndarray, np.ndarray]]) -> None:
        """Write each LF's ``(fingerprint, rows, votes)`` for data ``key``; a failure only warns.

        The manifest lists the new files (and keeps the checksum of any file they replace)
        before they are written, so a process killed at any point leaves nothing that
        :meth:`clear` does not know of; a second manifest write then drops the old checksums.
        """
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            with self._locked():
                doc = self._read()
                if doc is None:
                    warnings.warn(
                        f"{str(self.manifest)!r} is not a weaksup cache manifest; votes are not cached on "
                        "disk (remove or rename that file to enable the cache)",
                        WeaksupWarning,
                        stacklevel=3,
                    )
                    return
                folder = _key_folder(key)
                if not (self.root / folder).exists() and folder not in doc["folders"]:
                    doc["folders"].append(folder)
                blobs: dict[str, bytes] = {}
                for fp, rows, votes in columns:
                    buf = io.BytesIO()  # built in memory: a temporary file lives for one write only
                    np.savez(buf, rows=rows, votes=votes, n=np.int64(n))
                    rel = _relpath(fp, key)
                    blobs[rel] = buf.getvalue()
                    old = doc["entries"].get(rel, {})
                    replaced = {old.get("sha256"), *old.get("replaced", [])} - {None}
                    digest = hashlib.sha256(blobs[rel]).hexdigest()
                    entry = {"sha256": digest, "key": key, "n": int(n), "replaced": sorted(replaced)}
                    doc["entries"][rel] = entry
                self._write(doc)
                path = self.root / folder
                path.mkdir(exist_ok=True)
                if path.is_symlink() or not path.is_dir():  # not the cache's own folder: keep out
                    raise OSError(f"{str(path)!r} is not a folder of this cache")
                for rel, blob in blobs.items():
                    with atomic_path(self.root / rel) as tmp:
                        tmp.write_bytes(blob)
                for rel in blobs:
                    del doc["entries"][rel]["replaced"]
                self._write(doc)
        except OSError as exc:
            warnings.warn(
                f"could not write the vote cache in {str(self.root)!r} ({exc}); "
                "votes are kept in memory only",
                WeaksupWarning,
                stacklevel=3,
            )

    def clear(self) -> None:
        """Delete the files this cache wrote (if unchanged) and its folders (if empty).

        A listed file is deleted when its bytes match a checksum the manifest holds for it;
        so are the hidden temporary files of killed writes of it (``.<name>.*.tmp<suffix>``,
        the :func:`~weaksup._files.atomic_path` pattern) and of the manifest.
        """
        if not self.manifest.exists():
            return
        with self._locked():
            doc = self._read()
            if doc is None:  # a foreign file under the manifest's name: we know of nothing to delete
                return
            doomed = [p for p in self.root.glob(f".{_MANIFEST}.*.tmp.json") if self._owned(p.name)]
            for rel, entry in doc["entries"].items():
                folder, name = rel.split("/")
                try:
                    sums = {entry["sha256"], *entry.get("replaced", [])}
                    if self._owned(rel) and file_sha256(self.root / rel) in sums:
                        doomed.append(self.root / rel)
                    temps = (self.root / folder).glob(f".{name}.*.tmp.npz")
                    doomed += [p for p in temps if self._owned(f"{folder}/{p.name}")]
                except OSError:  # unreadable: left in place, but forgotten below
                    pass
            for path in doomed:
                try:
                    path.unlink()
                except OSError:
                    pass
            for folder in doc["folders"]:
                try:
                    os.rmdir(self.root / folder)  # only when empty; never follows a link
                except OSError:
                    pass
            self.manifest.unlink(missing_ok=True)  # every entry is forgotten, deleted or not


_MANIFEST = "weaksup-cache.json"
_FORMAT, _VERSION = "weaksup-vote-cache", 1
_FOLDER_RE = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,39}-[0-9a-f]{16}")
_FILE_RE = re.compile(r"[0-9a-f]{1,64}\.npz")
_SHA_RE = re.compile(r"[0-9a-f]{64}")


def _key_folder(key: str) -> str:
    """A safe, unique folder name for a data key: a sanitized prefix (for people) plus a hash."""
    prefix = re.sub(r"[^A-Za-z0-9._-]", "_", key)[:40].lstrip(".") or "key"
    return f"{prefix}-{hashlib.sha256(key.encode('utf-8', 'surrogatepass')).hexdigest()[:16]}"


def _relpath(fp: str, key: str) -> str:
    name = fp if re.fullmatch(r"[0-9a-f]{1,64}", fp) else hashlib.sha256(fp.encode()).hexdigest()[:32]
    return f"{_key_folder(key)}/{name}.npz"


def _valid_entry(rel: Any, entry: Any) -> bool:
    folder, _, name = rel.partition("/") if isinstance(rel, str) else ("", "", "")
    return (
        bool(_FOLDER_RE.fullmatch(folder) and _FILE_RE.fullmatch(name))
        and isinstance(entry, dict)
        and isinstance(entry.get("sha256"), str)
        and bool(_SHA_RE.fullmatch(entry["sha256"]))
        and isinstance(entry.get("key"), str)
        and _key_folder(entry["key"]) == folder
        and type(entry.get("n")) is int
        and isinstance(replaced := entry.get("replaced", []), list)
        and all(isinstance(s, str) and _SHA_RE.fullmatch(s) for s in replaced)
    )


def _valid_arrays(
    rows: np.ndarray, votes: np.ndarray, stored_n: np.ndarray, n: int, cardinality: int | None
) -> bool:
    """Arrays as :meth:`_DiskCache.store` writes them: unique sorted rows in ``[0, n)``, votes in range."""
    if rows.dtype != np.int64 or votes.dtype.kind != "i" or rows.ndim != 1 or votes.shape != rows.shape:
        return False
    if stored_n.shape != () or stored_n.dtype.kind != "i" or int(stored_n) != n:
        return False
    if len(rows) and (rows[0] < 0 or rows[-1] >= n or (np.diff(rows) <= 0).any()):
        return False
    return not len(votes) or (votes.min() >= 0 and (cardinality is None or votes.max() < cardinality))


def _narrow(votes: np.ndarray) -> np.ndarray:
    """Votes in the smallest signed dtype that holds them (int16 for usual cardinalities; never wraps)."""
    for dtype in (np.int16, np.int32):
        if not len(votes) or votes.max() <= np.iinfo(dtype).max:
            return votes.astype(dtype)
    return votes


def _assemble(
    columns: dict[int, tuple[np.ndarray, np.ndarray]], lf_names: list[str], index: pd.Index, cardinality: int | None
) -> LabelMatrix:
    m = len(lf_names)
    rows = np.concatenate([columns[j][0] for j in range(m)]) if m else np.zeros(0, np.int64)
    cols = np.concatenate([np.full(len(columns[j][0]), j, dtype=np.int64) for j in range(m)])
    data = np.concatenate([columns[j][1].astype(np.int64) + 1 for j in range(m)])
    csr = sp.coo_matrix((data, (rows, cols)), shape=(len(index), m)).tocsr()
    return LabelMatrix(csr, lf_names, index, cardinality)
