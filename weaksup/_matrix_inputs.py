"""Reading what users pass to LabelMatrix: row ids as given, LF names, vote frames, where an entry sits."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from weaksup.errors import LabelMatrixError, _shown


def row_ids(index: Any) -> pd.Index:
    """Row ids as a pandas Index that holds exactly the ids given, in order.

    An Index is kept as it is (shallow copy): pd.Index() would flatten a MultiIndex into tuples.
    Tuples become a MultiIndex, as in pandas, unless that would change them: tuples of different
    lengths, or holding None, would be padded with NaN or get NaN, so they stay tuples.

    Examples
    --------
    >>> row_ids([(1, "a"), (2,)]).tolist()
    [(1, 'a'), (2,)]
    """
    if isinstance(index, pd.Index):
        return index.copy()
    if isinstance(index, (set, frozenset, dict)):  # no order of their own: the ids would land on arbitrary rows
        raise LabelMatrixError(f"row ids must be an ordered sequence (one id per row, in row order), not a {type(index).__name__}")
    if not hasattr(index, "__len__") and hasattr(index, "__iter__"):
        index = list(index)  # a generator: read once, kept for the fallbacks below
    try:
        ids = pd.Index(index)
    except UnicodeEncodeError:  # pyarrow strings refuse lone surrogates: keep them as Python strings
        ids = pd.Index(index, dtype=object)
    except (TypeError, ValueError) as exc:
        raise LabelMatrixError(f"row ids must be a 1-D sequence of ids, got {type(index).__name__}: {exc}") from exc
    if not isinstance(ids, pd.MultiIndex) and ids.dtype != object and ids.hasnans:
        # pandas reads None among numbers or strings as NaN ([None, 1] -> [nan, 1.0]): keep the ids as given
        given = index if isinstance(index, (list, tuple)) else None
        if given is not None and any(v is None for v in given):
            ids = pd.Index(list(given), dtype=object)
    if isinstance(ids, pd.MultiIndex) and any((codes == -1).any() for codes in ids.codes):  # a missing part
        given = list(index)  # read only here: tuples with a missing part are few
        if len({len(t) for t in given}) > 1 or any(v is None for t in given for v in t):
            ids = pd.Index(given, dtype=object, tupleize_cols=False)
    return ids


def frame_votes(df: pd.DataFrame) -> pd.DataFrame | np.ndarray:
    """A frame of nullable integer columns (``Int8`` ... ``Int64``, e.g. from ``convert_dtypes()``) without missing
    votes as one int64 array: ``np.asarray`` gives objects, checked one at a time (100x slower). Any other frame
    is returned as it is."""
    dtypes = list(df.dtypes)
    masked = [isinstance(d, pd.api.extensions.ExtensionDtype) and getattr(d, "kind", "") in "iu" for d in dtypes]
    if not (dtypes and any(masked)):
        return df
    plain_int = all(m or (isinstance(d, np.dtype) and d.kind in "iu") for m, d in zip(masked, dtypes, strict=True))
    if not plain_int or any(d.kind == "u" and d.itemsize == 8 for d in dtypes) or df.isna().to_numpy().any():
        return df  # floats, uint64 or missing votes: the checked path, which names the entry
    return df.to_numpy(dtype=np.int64)


def lf_name(lf: Any) -> str:
    """An LF name as given, or a labeling function's ``name`` (``lf_names=lfs``, as Snorkel users hold them)."""
    if isinstance(lf, str):
        return lf
    name = getattr(lf, "name", None)
    return name if isinstance(name, str) and callable(lf) else str(lf)


def holds(index: pd.Index, key: Any) -> bool:
    try:
        return key in index
    except (TypeError, ValueError):  # unhashable parts, or a key of another length than the levels
        return False


def dense_where(pos: tuple[int, ...]) -> str:
    return f"row {pos[0]}, column {pos[1]}"


def named_where(lf_names: Sequence[Any] | None, index: Any) -> Callable[[tuple[int, ...]], str]:
    """Names an entry by position and, where given, by its LF's name and its row's id (for error messages)."""
    if isinstance(lf_names, str):
        lf_names = [lf_names]

    def where(pos: tuple[int, ...]) -> str:
        named = []
        try:
            if lf_names is not None:
                named.append(f"LF {lf_name(lf_names[pos[1]])!r}")
            if index is not None:
                named.append(f"row id {_shown(index[pos[0]])!r}")
        except (IndexError, KeyError, TypeError):  # names or ids of the wrong length: refused later, by _setup
            named = []
        return dense_where(pos) + (f" ({', '.join(named)})" if named else "")

    return where


def series_ids(columns: list[Any], index: pd.Index | None) -> pd.Index | None:
    """The row ids that Series columns carry (None if none is a Series); they must agree with each other and
    with ``index`` where it is given, except for default positions ``0..n-1``."""
    ids = index
    for j, col in enumerate(columns):
        if not isinstance(col, pd.Series):
            continue
        if ids is None:
            ids = col.index
        elif not col.index.equals(ids) and not (index is not None and col.index.equals(pd.RangeIndex(len(col)))):
            raise LabelMatrixError(f"column {j} (a Series) has other row ids than the rows, or than column 0; "
                                   "align the columns first (e.g. col.reindex(ids)); votes by position: col.to_numpy()")
    return ids if any(isinstance(c, pd.Series) for c in columns) else None
