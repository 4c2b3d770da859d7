"""Orchestration: data files and Dask clusters -> sufficient statistics -> a fitted label model -> exported labels.

The appliers (:mod:`weaksup.apply`) only turn rows into votes; the label models (:mod:`weaksup.models`) only
turn votes into probabilities; the readers and writers are in :mod:`weaksup.io`. This module joins them, one
way: it imports all three, and none of them imports it. Every model is fitted through the one protocol,
``model.fit_from_stats(PatternCounts)``, so a file or a cluster never has to be gathered in one place.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from weaksup._files import check_not_input, user_path
from weaksup._validation import names_list
from weaksup.apply.chunked import ChunkedApplier, apply_file
from weaksup.errors import ParameterError, ParameterTypeError
from weaksup.io import LabelWriter, labels_frame
from weaksup.labeling.lf import LabelingFunction
from weaksup.matrix import LabelMatrix, as_label_matrix
from weaksup.patterns import PatternCounts


def fit_chunked(model: Any, applier: ChunkedApplier, path: str | Path, class_balance: Any = None,
                progress: bool = True, fault_tolerant: bool = False) -> Any:
    """Fit ``model`` from the merged pattern counts of a file labelled chunk by chunk; returns the model.

    Examples
    --------
    >>> import tempfile, os, pandas as pd
    >>> from weaksup import DawidSkene, keyword_lf
    >>> p = os.path.join(tempfile.mkdtemp(), "d.csv")
    >>> pd.DataFrame({"text": ["my song", "my channel", "song", "my"] * 5}).to_csv(p, index=False)
    >>> lfs = [keyword_lf("my", 1), keyword_lf("channel", 1), keyword_lf("song", 0)]
    >>> fit_chunked(DawidSkene(), ChunkedApplier(lfs, cardinality=2, chunk_size=7), p, progress=False).n_lfs_
    3
    """
    stats = applier.pattern_counts(path, progress=progress, fault_tolerant=fault_tolerant)
    return model.fit_from_stats(stats, class_balance=class_balance)


def export_chunked(
    model: Any,
    applier: ChunkedApplier,
    path: str | Path | None,
    out: str | Path,
    L: LabelMatrix | Sequence[LabelMatrix] | None = None,
    class_names: Sequence[str] | None = None,
    include_votes: bool = False,
    progress: bool = True,
    fault_tolerant: bool = False,
) -> Path:
    """Write ``model``'s probabilistic labels for every row of a file to ``out``, chunk by chunk, with row ids.

    The table is the one :func:`weaksup.export_labels` writes (``id``, ``prob_<class>``, ``label``, and
    ``lf.<name>`` votes with ``include_votes``); ``out`` is ``.parquet``, ``.csv``, ``.jsonl`` or ``.npz``. Votes come
    from ``L`` (one matrix or its chunks) when given, else the LFs are re-applied to ``path`` chunk by chunk.
    ``out`` keeps what it held until the last chunk is written.

    Examples
    --------
    >>> import tempfile, os, pandas as pd
    >>> from weaksup import MajorityVoter, keyword_lf
    >>> p = os.path.join(tempfile.mkdtemp(), "d.csv")
    >>> pd.DataFrame({"text": ["my", "x"]}).to_csv(p, index=False)
    >>> ca = ChunkedApplier([keyword_lf("my", 1)], cardinality=2)
    >>> out = export_chunked(MajorityVoter(cardinality=2), ca, p, p + ".out.jsonl", progress=False)
    >>> pd.read_json(out, lines=True)["prob_1"].tolist()
    [1.0, 0.5]
    """
    check_not_input(out, path, what="labels file")
    _check_class_names(class_names, None)
    if L is None:
        if path is None:
            raise ParameterError("give the data file (path) or its label matrix (L)")
        chunks: Any = applier.iter_apply(path, progress=progress, fault_tolerant=fault_tolerant)
    else:
        # one matrix (a LabelMatrix, or Snorkel's dense / sparse array: list() of an array would be its rows) or chunks
        one = isinstance(L, (LabelMatrix, np.ndarray, pd.DataFrame)) or sp.issparse(L)
        chunks = [as_label_matrix(c) for c in ([L] if one else list(L))]
    written = False
    with LabelWriter(out) as writer:
        for L_chunk in chunks:
            for start in range(0, L_chunk.n_rows, applier.chunk_size):  # bounded probability arrays
                part = L_chunk[start : start + applier.chunk_size]
                P = model.predict_proba(part)
                writer.write(labels_frame(P, L=part if include_votes else None, index=part.index,
                                          class_names=class_names, file_format=writer.suffix))
                written = True
        empty = None if written else _empty_labels(model, applier, class_names, include_votes, writer.suffix)
        if empty is not None:  # no rows (a header-only file): still the columns a labels table has
            writer.write(empty)
    return user_path(out)


def _empty_labels(model: Any, applier: ChunkedApplier, class_names: Sequence[str] | None, include_votes: bool,
                  file_format: str) -> pd.DataFrame | None:
    """The labels table of no rows (``id``, ``prob_<class>``, ``label``, votes); None when k is not known."""
    k = (getattr(model, "cardinality_", None) or getattr(model, "cardinality", None) or applier.cardinality
         or (len(class_names) if class_names is not None else None))
    if k is None:
        return None
    names = [lf.name for lf in applier.lfs]
    L = LabelMatrix.from_dense(np.zeros((0, len(names)), dtype=np.int64), lf_names=names) if include_votes else None
    return labels_frame(np.zeros((0, int(k))), index=pd.Index([], dtype=str), L=L, class_names=class_names,
                        file_format=file_format)


def fit_file(model: Any, lfs: Sequence[LabelingFunction], path: str | Path, chunk_size: int = 100_000,
             cardinality: int | None = None, columns: Sequence[str] | None = None, n_jobs: int = 1,
             class_balance: Any = None, progress: bool = True, read_kwargs: dict[str, Any] | None = None) -> Any:
    """Fit a label model on a file's LF votes from chunk statistics, without loading all rows.

    ``read_kwargs`` are reader options (``{"encoding": "cp1252"}``, ``{"sep": ";"}`` ...).

    Examples
    --------
    >>> import tempfile, os, pandas as pd
    >>> from weaksup import GenerativeModel, keyword_lf
    >>> p = os.path.join(tempfile.mkdtemp(), "d.parquet")
    >>> pd.DataFrame({"text": ["my song", "my channel", "song", "my"] * 5}).to_parquet(p)
    >>> lfs = [keyword_lf("my", 1), keyword_lf("channel", 1), keyword_lf("song", 0)]
    >>> fit_file(GenerativeModel(cardinality=2), lfs, p, chunk_size=6, progress=False).n_lfs_
    3
    """
    ca = ChunkedApplier(lfs, cardinality, chunk_size, None, columns, n_jobs, read_kwargs)
    return fit_chunked(model, ca, path, class_balance=class_balance, progress=progress)


def label_file(model: Any, lfs: Sequence[LabelingFunction], path: str | Path, out: str | Path,
               fit: bool = True, keep_votes: bool = True, chunk_size: int = 100_000,
               cardinality: int | None = None, id_column: str | None = None, columns: Sequence[str] | None = None,
               n_jobs: int = 1, class_names: Sequence[str] | None = None, include_votes: bool = False,
               class_balance: Any = None, progress: bool = True, read_kwargs: dict[str, Any] | None = None) -> Path:
    """File in, probabilistic labels out: apply LFs by chunk, fit ``model`` from statistics, export by chunk.

    With ``keep_votes=True`` (default) the sparse votes of each chunk are kept for the
    export pass, so LFs run once and the rows are read once; with ``keep_votes=False``
    nothing but one chunk is ever held and the file is read (and labelled) twice.
    ``fit=False`` uses an already fitted ``model``; ``read_kwargs`` are reader options
    (``{"encoding": "cp1252"}`` ...). Returns the path written.

    Examples
    --------
    >>> import tempfile, os, pandas as pd
    >>> from weaksup import DawidSkene, keyword_lf, load_labels
    >>> d = tempfile.mkdtemp()
    >>> p = os.path.join(d, "d.parquet")
    >>> pd.DataFrame({"text": ["my song", "my channel", "song", "my"] * 5}).to_parquet(p)
    >>> lfs = [keyword_lf("my", 1), keyword_lf("channel", 1), keyword_lf("song", 0)]
    >>> out = label_file(DawidSkene(), lfs, p, os.path.join(d, "y.parquet"), cardinality=2, chunk_size=6, progress=False)
    >>> len(load_labels(out))
    20
    """
    check_not_input(out, path, what="labels file")  # before any work: the data file is read (twice) while writing
    LabelWriter.check_writable(out)
    fitted_k = None if fit else getattr(model, "cardinality_", None)
    _check_class_names(class_names, fitted_k or cardinality or getattr(model, "cardinality", None))
    ca = ChunkedApplier(lfs, cardinality, chunk_size, id_column, columns, n_jobs, read_kwargs)
    kept: list[LabelMatrix] | None = None
    if fit:
        kept = [] if keep_votes else None
        stats = ca.pattern_counts(path, progress=progress, keep=kept)
        model.fit_from_stats(stats, class_balance=class_balance)
    return export_chunked(model, ca, path, out, L=kept, class_names=class_names, include_votes=include_votes,
                          progress=progress and kept is None)


def _check_class_names(class_names: Sequence[str] | None, k: int | None) -> None:
    """Refuse class names the export would refuse, before the file is labelled (not after the fit)."""
    if class_names is None:
        return
    names = [str(c) for c in names_list(class_names, ParameterError)]  # "hs" would be the classes "h" and "s"
    if k is not None and len(names) != k:
        raise ParameterError(f"got {len(names)} class names for {k} classes: {names}")
    if len(set(names)) < len(names):
        raise ParameterError(f"class_names {names} name a class twice; name each class once")


# Dask ---------------------------------------------------------------------------------------------------
def fit_dask(model: Any, applier: Any, ddf: Any, class_balance: Any = None, progress: bool = True,
             fault_tolerant: bool = False) -> Any:
    """Fit ``model`` from the statistics of a Dask DataFrame, merged on the client (rows stay on the workers).

    ``applier`` is a :class:`~weaksup.apply.dask.DaskLFApplier`.

    Examples
    --------
    >>> import pandas as pd, dask.dataframe as dd
    >>> from weaksup import DawidSkene, keyword_lf
    >>> from weaksup.apply.dask import DaskLFApplier
    >>> df = pd.DataFrame({"text": ["my song", "my channel", "song", "my"] * 5})
    >>> lfs = [keyword_lf("my", 1, name="my"), keyword_lf("channel", 1), keyword_lf("song", 0)]
    >>> fit_dask(DawidSkene(), DaskLFApplier(lfs, cardinality=2), dd.from_pandas(df, npartitions=2),
    ...          progress=False).n_lfs_
    3
    """
    stats = applier.pattern_counts(ddf, progress=progress, fault_tolerant=fault_tolerant)
    return model.fit_from_stats(stats, class_balance=class_balance)


def _probs_partition(pdf: pd.DataFrame, payload: tuple[str, bytes], cardinality: int | None, model: Any,
                     columns: list[str]) -> pd.DataFrame:
    from weaksup.apply.dask import label_partition
    from weaksup.utils import probs_to_preds

    L, _ = label_partition(payload, pdf, cardinality, False)
    P = model.predict_proba(L) if L.n_rows else np.zeros((0, len(columns) - 1))
    out = pd.DataFrame(P, index=pdf.index, columns=columns[:-1])
    out[columns[-1]] = probs_to_preds(P, tie_break="abstain") if L.n_rows else np.zeros(0, np.int64)
    return out


def predict_proba_dask(model: Any, applier: Any, ddf: Any, class_names: Sequence[str] | None = None) -> Any:
    """Lazy Dask DataFrame of probabilistic labels: ``prob_<class>`` columns and ``label``, ``ddf``'s index.

    Each partition is labelled and scored on its worker by the fitted ``model``; write the result out
    without gathering it, e.g. ``.to_parquet(folder)``. ``label`` is the argmax class, ``-1`` on ties.

    Examples
    --------
    >>> import pandas as pd, dask.dataframe as dd
    >>> from weaksup import MajorityVoter, keyword_lf
    >>> from weaksup.apply.dask import DaskLFApplier
    >>> ddf = dd.from_pandas(pd.DataFrame({"text": ["my", "song"]}, index=["x", "y"]), npartitions=2)
    >>> a = DaskLFApplier([keyword_lf("my", 1), keyword_lf("song", 0)], cardinality=2)
    >>> predict_proba_dask(MajorityVoter(cardinality=2), a, ddf).compute()["label"].to_dict()
    {'x': 1, 'y': 0}
    """
    import dask.dataframe as dd

    from weaksup.apply.parallel import dump_lfs

    if not isinstance(ddf, dd.DataFrame):
        raise ParameterTypeError(f"predict_proba_dask takes a dask DataFrame, not {type(ddf).__name__}")
    k = getattr(model, "cardinality_", None) or applier.cardinality or getattr(model, "cardinality", None)
    if k is None:
        raise ParameterError("fit the model first or give cardinality=, so the probability columns are known")
    names = [str(c) for c in class_names] if class_names is not None else [str(c) for c in range(k)]
    if len(names) != k:
        raise ParameterError(f"got {len(names)} class names for {k} classes")
    if len(set(names)) < len(names):
        raise ParameterError(f"class_names {names} name a class twice; name each class once")
    columns = [f"prob_{c}" for c in names] + ["label"]
    meta = pd.DataFrame({c: pd.Series(dtype=np.float64) for c in columns[:-1]}, index=ddf._meta.index)
    meta["label"] = pd.Series(dtype=np.int64)
    return ddf.map_partitions(_probs_partition, dump_lfs(applier.lfs), applier.cardinality, model, columns,
                              meta=meta)


__all__ = ["PatternCounts", "apply_file", "export_chunked", "fit_chunked", "fit_dask", "fit_file", "label_file",
           "predict_proba_dask"]
