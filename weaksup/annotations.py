"""Crowd annotations: parse a long table of (item, annotator, label) into a label matrix's parts.

A parser below :mod:`weaksup.matrix`: :meth:`weaksup.LabelMatrix.from_annotations` calls it and builds the
matrix (annotators are the LFs); this module never imports the matrix.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from weaksup.errors import LabelMatrixError, WeaksupWarning

DUPLICATE_POLICIES = ("majority", "first", "last", "error")


def parse_annotations(
    df: pd.DataFrame,
    item: str = "item",
    annotator: str = "annotator",
    label: str = "label",
    cardinality: int | None = None,
    classes: Sequence[Any] | None = None,
    duplicates: str = "majority",
) -> tuple[sp.csr_matrix, list[str], pd.Index, int | None]:
    """The CSR of ``label + 1`` (items x annotators), annotator names, item index and cardinality of a table.

    See :meth:`weaksup.LabelMatrix.from_annotations` for the parameters.

    Examples
    --------
    >>> df = pd.DataFrame({"item": ["a", "a", "b"], "annotator": ["w1", "w2", "w2"], "label": [1, 0, 1]})
    >>> csr, names, index, k = parse_annotations(df)
    >>> csr.toarray().tolist(), names, index.tolist(), k
    ([[2, 1], [0, 2]], ['w1', 'w2'], ['a', 'b'], None)
    """

    if duplicates not in DUPLICATE_POLICIES:
        raise LabelMatrixError(f"duplicates must be one of {DUPLICATE_POLICIES}, got {duplicates!r}")
    if len({item, annotator, label}) < 3:  # one column read as two roles would pair each value with itself
        raise LabelMatrixError(f"item, annotator and label must name three different columns; got item={item!r}, "
                               f"annotator={annotator!r}, label={label!r}")
    df = _as_frame(df)
    repeated = [c for c in (item, annotator, label) if (df.columns == c).sum() > 1]
    if repeated:  # df[c] would be a frame, not a column
        raise LabelMatrixError(f"annotations table has more than one column named {repeated[0]!r}; "
                               "rename or drop the copies")
    missing = [c for c in (item, annotator, label) if c not in df.columns]
    if missing:
        in_index = [c for c in missing if c in df.index.names]
        hint = f" ({in_index} in the index: pass df.reset_index())" if in_index else ""
        if not hint and {"task", "worker"} <= set(df.columns) and (item, annotator) == ("item", "annotator"):
            hint = " (crowd-kit's columns: pass item='task', annotator='worker')"
        raise LabelMatrixError(f"annotations table has no column(s) {missing}; columns are {list(df.columns)}{hint}")
    for col in (item, annotator, label):
        if df[col].isna().any():
            row = _plain(df.index[df[col].isna().to_numpy()][0])
            hint = f"; drop unlabeled rows first (df.dropna(subset=[{label!r}]))" if col == label else ""
            raise LabelMatrixError(f"annotations row {row!r} has a missing {col!r}{hint}")
    values = df[label].to_numpy()

    def where(r: int) -> str:
        return f"annotations row {_plain(df.index[r])!r} (annotator {_plain(df[annotator].iloc[r])!r})"

    if classes is not None:
        if isinstance(classes, (str, bytes)):  # list("pos") would be three classes 'p', 'o', 's'
            raise LabelMatrixError(f"classes must be a list of the label values, got the string {classes!r}")
        classes = _ordered_classes(classes)
        try:
            lookup = {c: i for i, c in enumerate(classes)}
        except TypeError:
            raise LabelMatrixError(f"classes must be hashable values (labels), got {classes}") from None
        if len(lookup) != len(classes):
            raise LabelMatrixError(f"classes must be unique, got {classes}")
        if len(classes) < 2 and cardinality is None:
            raise LabelMatrixError(f"classes must list at least 2 label values (or pass cardinality=), got {classes}")
        if isinstance(cardinality, (int, float, np.number)) and len(classes) > cardinality:  # others: refused below
            raise LabelMatrixError(f"classes lists {len(classes)} values {classes}, more than cardinality={cardinality}")
        codes = np.empty(len(values), dtype=np.int64)
        for r, v in enumerate(values):
            try:
                codes[r] = lookup[v]
            except (KeyError, TypeError):  # TypeError: an unhashable label (a list) is in no class either
                raise LabelMatrixError(f"{where(r)} has label {_plain(v)!r}, not one of classes {classes}") from None
        if cardinality is None:
            cardinality = len(classes)
    else:
        # integers, and floats that hold integers (a label column read from a file with an empty cell is
        # float64, and stays so after dropna)
        ok = _integer_valued(values)
        if not ok.all():
            r = int(np.argmin(ok))
            raise LabelMatrixError(
                f"{where(r)} has label {_plain(values[r])!r}: labels must be integers 0..k-1; pass classes=[...] to "
                "map other values"
            )
        # checked before the cast: 1e20, 2**64 - 1 or a Python int beyond int64 would wrap to another label
        big = _beyond_int64(values)
        if big.any():
            r = int(np.argmax(big))
            raise LabelMatrixError(f"{where(r)} has label {_plain(values[r])!r}: labels must be integers "
                                   "0..k-1; pass classes=[...] to map other values")
        codes = values.astype(np.int64)
        if len(codes) and codes.min() < 0:
            r = int(np.argmin(codes))
            raise LabelMatrixError(f"{where(r)} has label {codes[r]}: labels must be >= 0 (leave abstains out of the table)")
    item_codes, items = pd.factorize(df[item], sort=False)  # first-appearance order
    ann_codes, annotators = pd.factorize(df[annotator], sort=False)
    names = [str(a) for a in annotators]
    if len(set(names)) < len(names):  # 1 and "1" are two annotators with one LF name
        seen: dict[str, Any] = {}
        for a, s in zip(annotators, names, strict=True):
            if s in seen:
                raise LabelMatrixError(f"annotators {_plain(seen[s])!r} and {_plain(a)!r} would both be named {s!r}; "
                                       f"rename one, or if they are one annotator make the column one type (df[{annotator!r}].astype(str))")
            seen[s] = a
    pair = pd.DataFrame({"i": item_codes, "a": ann_codes, "y": codes})
    pair = _resolve_repeats(pair, duplicates, items, annotators, classes)
    csr = sp.csr_matrix(
        (pair.y.to_numpy() + 1, (pair.i.to_numpy(), pair.a.to_numpy())), shape=(len(items), len(annotators))
    )
    return csr, names, pd.Index(items, name=item), cardinality


def _ordered_classes(classes: Any) -> list[Any]:
    """``classes`` as a list in class-id order: a sequence by position, a ``{value: id}`` mapping by its ids.

    A set has no order (a set of strings iterates differently in each process), so it is refused.
    """
    if isinstance(classes, (set, frozenset)):
        raise LabelMatrixError(f"classes must be ordered (a list: class i is classes[i], or a {{value: id}} dict), "
                               f"not a set {sorted(classes, key=repr)}"[:300])
    if not isinstance(classes, Mapping):
        return list(classes)
    ids = list(classes.values())
    integers = all(isinstance(i, (int, np.integer)) and not isinstance(i, (bool, np.bool_)) for i in ids)
    if not integers or sorted(int(i) for i in ids) != list(range(len(ids))):
        raise LabelMatrixError(f"classes given as a mapping must map each label value to its id, the ids being "
                               f"0..{len(ids) - 1} once each; got {dict(classes)!r}"[:300])
    return sorted(classes, key=classes.__getitem__)


def _plain(value: Any) -> Any:
    """A NumPy scalar as the Python value it holds, so messages read ``7``, not ``np.int64(7)``."""
    return value.item() if isinstance(value, np.generic) else value


def _integer_valued(values: np.ndarray) -> np.ndarray:
    """Per value: an integer, or a float holding one (booleans are not labels)."""
    if values.dtype.kind in "iu":
        return np.ones(len(values), dtype=bool)
    if values.dtype.kind == "f":
        with np.errstate(invalid="ignore"):
            return np.isfinite(values) & (values == np.round(values))
    return np.array([(isinstance(v, (int, np.integer)) or (isinstance(v, (float, np.floating)) and float(v).is_integer()))
                     and not isinstance(v, (bool, np.bool_)) for v in values], dtype=bool)


def _beyond_int64(values: np.ndarray) -> np.ndarray:
    """Per integer-valued label: too large for int64 (where ``astype`` would wrap it around)."""
    top = np.iinfo(np.int64).max
    if values.dtype.kind == "i":
        return np.zeros(len(values), dtype=bool)
    if values.dtype.kind == "u":
        return values > top
    if values.dtype.kind == "f":
        return np.abs(values) >= 2.0**63
    return np.array([abs(v) > top for v in values], dtype=bool)


def _as_frame(table: Any) -> pd.DataFrame:
    """The annotations as a pandas DataFrame: an Arrow table or a polars DataFrame is converted, others refused."""
    if isinstance(table, pd.DataFrame):
        return table
    if type(table).__module__.split(".")[0] in ("pyarrow", "polars") and hasattr(table, "to_pandas"):
        return table.to_pandas()
    raise LabelMatrixError(
        f"annotations must be a table with one row per (item, annotator, label): a pandas DataFrame (or an Arrow "
        f"table / polars DataFrame), not {type(table).__name__}; build one with pd.DataFrame(records)"
    )


def _resolve_repeats(pair: pd.DataFrame, policy: str, items: pd.Index, annotators: pd.Index,
                     classes: list[Any] | None = None) -> pd.DataFrame:
    """One label per (item, annotator): exact repeats collapse; conflicting repeats follow ``policy``.

    ``majority``: the label the annotator gave most often for the item, ties to the latest of the tied
    labels; ``first`` / ``last``: the first / last row in table order; ``error``: raise. Every resolved
    conflict is counted in a :class:`~weaksup.errors.WeaksupWarning`, so nothing is dropped silently.
    """
    pair = pair.assign(order=np.arange(len(pair)))
    dup = pair.duplicated(["i", "a"], keep=False)
    if not dup.any():
        return pair
    n_labels = pair[dup].groupby(["i", "a"])["y"].nunique()
    conflicting = n_labels[n_labels > 1]
    if len(conflicting):
        i, a = conflicting.index[0]
        labs = sorted(set(pair[(pair.i == i) & (pair.a == a)].y.tolist()))
        if classes is not None:  # the values as the table holds them, not their codes
            labs = [_plain(classes[c]) for c in labs]
        if policy == "error":
            raise LabelMatrixError(
                f"annotator {_plain(annotators[a])!r} gave item {_plain(items[i])!r} different labels {labs}; "
                "resolve duplicates before building the label matrix, or pass duplicates='majority'/'first'/'last'"
            )
        warnings.warn(
            f"{len(conflicting)} (item, annotator) pairs have conflicting repeated labels (first: annotator "
            f"{_plain(annotators[a])!r}, item {_plain(items[i])!r}, labels {labs}); kept one label per pair by "
            f"duplicates={policy!r}",
            WeaksupWarning,
            stacklevel=4,
        )
    if policy in ("first", "error"):
        return pair.drop_duplicates(["i", "a"], keep="first")
    if policy == "last":
        return pair.drop_duplicates(["i", "a"], keep="last")
    # majority: count each (pair, label), keep the most frequent, ties to the latest occurrence
    votes = pair.groupby(["i", "a", "y"], sort=False).agg(n=("order", "size"), last=("order", "max")).reset_index()
    votes = votes.sort_values(["n", "last"]).drop_duplicates(["i", "a"], keep="last")
    return votes.sort_values("last")[["i", "a", "y"]]
