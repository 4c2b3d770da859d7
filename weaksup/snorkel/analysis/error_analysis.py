"""Snorkel's ``get_label_buckets`` / ``get_label_instances`` (``snorkel.analysis.error_analysis``)."""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd

logger = logging.getLogger(__name__)


def get_label_buckets(*y: np.ndarray) -> dict[tuple[int, ...], np.ndarray]:
    """Row indices grouped by the tuple of labels the arrays give each row (e.g. (gold, pred) pairs).

    Examples
    --------
    >>> buckets = get_label_buckets(np.array([1, 0, 1]), np.array([1, 1, 1]))
    >>> {k: v.tolist() for k, v in buckets.items()}
    {(1, 1): [0, 2], (0, 1): [1]}
    """
    arrays = [np.asarray(a) for a in y]
    if not arrays:
        raise ValueError("get_label_buckets needs at least one label array")
    flat = []
    for a in arrays:
        if a.ndim == 2 and a.shape[1] == 1:
            a = a.ravel()
        if a.ndim != 1 or len(a) != len(arrays[0]):
            raise ValueError(f"label arrays must be 1-D with the same number of elements; got shapes "
                             f"{[b.shape for b in arrays]}")
        flat.append(a.astype(np.int64))
    keys, first, inverse = np.unique(np.stack(flat, axis=1), axis=0, return_index=True, return_inverse=True)
    inverse = inverse.ravel()
    order = np.argsort(inverse, kind="stable")
    bounds = np.cumsum(np.bincount(inverse, minlength=len(keys)))[:-1]
    buckets = dict(zip((tuple(int(v) for v in key) for key in keys), np.split(order, bounds), strict=True))
    # Snorkel's dict lists the buckets in the order their first rows appear (what printing it shows)
    return {key: buckets[key] for key in (tuple(int(v) for v in keys[i]) for i in np.argsort(first, kind="stable"))}


def get_label_instances(bucket: tuple[int, ...], x: Any, *y: np.ndarray) -> Any:
    """The rows of ``x`` whose labels in ``y`` equal ``bucket`` (e.g. gold 1, predicted 0).

    Examples
    --------
    >>> get_label_instances((0, 1), np.array(["a", "b", "c"]), np.array([1, 0, 1]), np.array([1, 1, 1])).tolist()
    ['b']
    """
    if len(y) != len(bucket):
        raise ValueError(f"bucket {bucket} has {len(bucket)} labels but {len(y)} label arrays were given")
    buckets = get_label_buckets(*y)
    bucket = tuple(bucket)
    if bucket not in buckets:
        logger.warning("Bucket%s does not exist.", bucket)  # Snorkel's message, and its empty answer
        return np.array([])
    rows = buckets[bucket]
    if hasattr(x, "iloc"):
        return x.iloc[rows]
    return x[rows] if isinstance(x, (np.ndarray, pd.api.extensions.ExtensionArray)) else np.asarray(x)[rows]
