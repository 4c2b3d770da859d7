"""The checks the quality functions use; they live in :mod:`weaksup._validation` with every other input check.

:func:`check_labels_probs` adds what confident learning needs on top of the shared check: a ``pred_probs``
frame whose columns are the class ids in another order is put in class order (column ``j`` is read as
class ``j`` otherwise), and a frame with text, a sparse matrix or nested text get a typed error instead
of NumPy's. :func:`row_ids` says which ids a per-row result comes back with.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from weaksup._validation import as_rng, columns_in_class_order
from weaksup._validation import check_labels_probs as _check_labels_probs
from weaksup.errors import ModelInputError

__all__ = ["as_rng", "check_labels_probs", "class_ordered", "row_ids", "with_ids"]


def class_ordered(pred_probs: Any, name: str = "pred_probs") -> Any:
    """``pred_probs`` with its columns in class order, as a frame or array ``check_probs`` reads.

    Examples
    --------
    >>> class_ordered(pd.DataFrame([[0.8, 0.2]], columns=[1, 0])).columns.tolist()
    [0, 1]
    """
    if sp.issparse(pred_probs):
        return pred_probs.toarray()  # n x k: small; np.asarray of a sparse matrix is a 0-d object array
    if not isinstance(pred_probs, pd.DataFrame):
        return pred_probs
    text = [c for c in pred_probs.columns if not pd.api.types.is_numeric_dtype(pred_probs[c].dtype)
            and pred_probs[c].dtype != object]
    if text:
        raise ModelInputError(f"{name} column {text[0]!r} holds {pred_probs[text[0]].dtype} values, not probabilities")
    if any(pd.api.types.is_extension_array_dtype(d) for d in pred_probs.dtypes) \
            and all(pd.api.types.is_numeric_dtype(d) for d in pred_probs.dtypes):
        # nullable columns (Float64, Int64): a gap is pd.NA, which NumPy cannot read as a number; as NaN the
        # probability check names its row
        pred_probs = pd.DataFrame(pred_probs.to_numpy(dtype=np.float64, na_value=np.nan), index=pred_probs.index,
                                  columns=pred_probs.columns)
    return columns_in_class_order(pred_probs)


def check_labels_probs(labels: Any, pred_probs: Any, name: str = "labels") -> tuple[np.ndarray, np.ndarray]:
    """Return ``(labels as int64, pred_probs as float64)`` after checking they fit together.

    Examples
    --------
    >>> P = pd.DataFrame([[0.8, 0.2], [0.3, 0.7]], columns=[1, 0])  # columns named by class, not in order
    >>> check_labels_probs([0, 1], P)[1].tolist()
    [[0.2, 0.8], [0.7, 0.3]]
    """
    pred_probs = class_ordered(pred_probs, "pred_probs")
    try:
        return _check_labels_probs(labels, pred_probs, name=name)
    except ModelInputError:
        raise
    except (TypeError, ValueError) as exc:  # text or ragged rows: NumPy's message names no argument
        raise ModelInputError(f"pred_probs must be an n x k matrix of probabilities (numbers): {exc}") from None


def row_ids(labels: Any, pred_probs: Any) -> pd.Index | None:
    """The ids of the rows a per-row result is for: a ``pred_probs`` frame's, else a ``labels`` Series', else none.

    ``labels`` is aligned to a ``pred_probs`` frame by id, so the rows are that frame's; a ``labels``
    Series with an array (or a frame indexed ``0..n-1``, which has no ids) is read in order, so its ids
    name the rows.
    """
    frame = pred_probs.index if isinstance(pred_probs, pd.DataFrame) else None
    if isinstance(labels, pd.Series) and (frame is None or frame.equals(pd.RangeIndex(len(frame)))):
        return labels.index  # a frame indexed 0..n-1 has no ids: the labels were read in order, and name the rows
    return frame


def with_ids(values: np.ndarray, ids: pd.Index | None, name: str) -> Any:
    """``values`` (one per row) as a Series indexed by ``ids``, or as they are when the rows have none."""
    return values if ids is None else pd.Series(values, index=ids, name=name)
