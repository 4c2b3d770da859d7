"""Incremental re-application: only LFs whose code, resources or preprocessors changed run again."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from weaksup.apply.applier import LFApplier
from weaksup.apply.core import LFErrorRecord, as_frame_or_array, check_lfs
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
    else:
        h.update(f"{frame.dtype}{frame.shape}".encode())
        h.update(np.ascontiguousarray(frame).tobytes() if frame.dtype != object else repr(frame.tolist()).encode())
    h.update(pd.util.hash_pandas_object(pd.Index(index)).to_numpy().tobytes())
    return h.hexdigest()[:32]


class IncrementalApplier:
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
        survives the process. Without it the cache lives in memory.

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
        self.lfs = check_lfs(lfs)
        self.cardinality = cardinality
        self.chunk_size = chunk_size
        self.n_jobs = n_jobs
        self.cache_dir = None if cache_dir is None else Path(cache_dir)
        self._memory: dict[tuple[str, str], tuple[np.ndarray, np.ndarray, int]] = {}
        self.errors_: dict[str, LFErrorRecord] = {}

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
            key for different rows returns stale votes.

        Returns
        -------
        LabelMatrix
        """
        start = time.perf_counter()
        lfs = check_lfs(self.lfs)
        frame, index = as_frame_or_array(data)
        key = str(dataset_key) if dataset_key is not None else data_key(data)
        prints = [lf.fingerprint() for lf in lfs]
        columns: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        for j, fp in enumerate(prints):
            hit = self._load(fp, key, len(index))
            if hit is not None:
                columns[j] = hit
        stale = [j for j in range(len(lfs)) if j not in columns]
        self.errors_ = {}
        if stale:
            applier = LFApplier([lfs[j] for j in stale], self.cardinality, self.chunk_size, self.n_jobs)
            L_new = applier.apply(frame, progress, fault_tolerant)
            self.errors_ = applier.errors_
            csc = L_new.csr.tocsc()
            for pos, j in enumerate(stale):
                lo, hi = csc.indptr[pos], csc.indptr[pos + 1]
                rows, votes = csc.indices[lo:hi].astype(np.int64), csc.data[lo:hi].astype(np.int16) - 1
                columns[j] = (rows, votes)
                if lfs[j].name not in self.errors_:
                    self._store(prints[j], key, rows, votes, len(index))
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
        return L.append_rows(new)

    def clear_cache(self) -> None:
        """Forget every cached vote (in memory and in ``cache_dir``)."""
        self._memory.clear()
        if self.cache_dir is not None and self.cache_dir.exists():
            for path in self.cache_dir.glob("*/*.npz"):
                path.unlink()

    # storage ----------------------------------------------------------------------------------
    def _path(self, fp: str, key: str) -> Path:
        assert self.cache_dir is not None
        return self.cache_dir / key / f"{fp}.npz"

    def _load(self, fp: str, key: str, n: int) -> tuple[np.ndarray, np.ndarray] | None:
        hit = self._memory.get((fp, key))
        if hit is None and self.cache_dir is not None and self._path(fp, key).exists():
            try:
                with np.load(self._path(fp, key), allow_pickle=False) as z:
                    hit = (z["rows"], z["votes"], int(z["n"]))
            except (OSError, ValueError, KeyError):  # a torn or foreign file: recompute
                hit = None
            if hit is not None:
                self._memory[(fp, key)] = hit
        if hit is None or hit[2] != n:
            return None
        return hit[0], hit[1]

    def _store(self, fp: str, key: str, rows: np.ndarray, votes: np.ndarray, n: int) -> None:
        self._memory[(fp, key)] = (rows, votes, n)
        if self.cache_dir is not None:
            path = self._path(fp, key)
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp.npz")
            np.savez(tmp, rows=rows, votes=votes, n=np.int64(n))
            tmp.replace(path)  # atomic: a reader never sees half a file


def _assemble(
    columns: dict[int, tuple[np.ndarray, np.ndarray]], lf_names: list[str], index: pd.Index, cardinality: int | None
) -> LabelMatrix:
    m = len(lf_names)
    rows = np.concatenate([columns[j][0] for j in range(m)]) if m else np.zeros(0, np.int64)
    cols = np.concatenate([np.full(len(columns[j][0]), j, dtype=np.int64) for j in range(m)])
    data = np.concatenate([columns[j][1].astype(np.int64) + 1 for j in range(m)])
    csr = sp.coo_matrix((data, (rows, cols)), shape=(len(index), m)).tocsr()
    return LabelMatrix(csr, lf_names, index, cardinality)
