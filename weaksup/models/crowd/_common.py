"""Shared machinery of the crowd aggregators: flat vote arrays, orders of first appearance, weighted votes.

A :class:`~weaksup.LabelMatrix` of crowd annotations has one row per item and one column per
annotator. The aggregators here work on its votes as flat arrays (row, annotator, label),
either over the rows themselves or over the distinct vote patterns with their counts
(:class:`~weaksup.models.PatternCounts`), which is exact for every algorithm that treats
items as exchangeable.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from weaksup.errors import ModelInputError, ParameterError
from weaksup.matrix import LabelMatrix, as_label_matrix
from weaksup.models._params import rows_sum_to_one
from weaksup.models.base import BaseLabelModel
from weaksup.models.stats import PatternCounts, one_hot

#: the floor crowd-kit puts under probabilities before taking logs
EPS = 1e-10


class Votes:
    """The votes of a ``label + 1`` CSR as flat arrays, over its rows that have at least one vote.

    Parameters
    ----------
    csr : scipy.sparse.csr_matrix (n, m)
        Votes stored as ``label + 1`` (zeros are abstains), indices sorted within rows.
    k : int
        Number of classes.
    weights : array (n,), optional
        How many items each row stands for (pattern counts); ones if omitted.

    Attributes
    ----------
    rows : array (p,)
        Positions in ``csr`` of the rows kept (those with a vote).
    row, col, lab : arrays (nnz,)
        Row (among the kept rows), annotator and label of every vote, in row-major order.
    weight : array (p,)
        Weight of each kept row; ``vote_weight`` is the weight of each vote's row.
    X : scipy.sparse.csr_matrix (p, m k)
        One-hot votes: column ``j k + c`` is 1 where annotator ``j`` voted ``c``.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> v = Votes(sp.csr_matrix(np.array([[1, 2], [0, 0], [0, 1]])), k=2)
    >>> v.rows.tolist(), v.row.tolist(), v.col.tolist(), v.lab.tolist()
    ([0, 2], [0, 0, 1], [0, 1, 1], [0, 1, 0])
    """

    def __init__(self, csr: sp.csr_matrix, k: int, weights: np.ndarray | None = None) -> None:
        csr = sp.csr_matrix(csr)
        nv = np.diff(csr.indptr)
        keep = np.flatnonzero(nv > 0)
        if len(keep) < csr.shape[0]:
            csr = csr[keep]
            nv = nv[keep]
        self.rows = keep
        self.k = int(k)
        self.n, self.m = csr.shape
        self.csr = csr
        self.row = np.repeat(np.arange(self.n), nv)
        self.col = csr.indices.astype(np.int64)
        self.lab = csr.data.astype(np.int64) - 1
        w = np.ones(len(keep)) if weights is None else np.asarray(weights, dtype=np.float64)[keep]
        self.weight = w
        self.n_votes = nv.astype(np.float64)
        self.vote_weight = w[self.row]
        self.X = one_hot(csr, self.k)

    @classmethod
    def of_patterns(cls, L: LabelMatrix, k: int) -> Votes:
        """The votes of the distinct vote patterns of ``L``, weighted by how many rows have each."""
        stats = PatternCounts.from_label_matrix(L, cardinality=k)
        return cls(stats.patterns, k, stats.counts.astype(np.float64))

    @property
    def n_items(self) -> float:
        """Number of items with a vote (the summed row weights)."""
        return float(self.weight.sum())

    @property
    def n_annotations(self) -> float:
        """Number of (item, annotator) votes (weighted)."""
        return float(self.vote_weight.sum())

    def class_counts(self, per_vote: np.ndarray | None = None) -> np.ndarray:
        """``(p, k)``: summed ``per_vote`` values (ones if omitted) of the votes for each class in each row."""
        vals = None if per_vote is None else np.asarray(per_vote, dtype=np.float64)
        flat = np.bincount(self.row * self.k + self.lab, weights=vals, minlength=self.n * self.k)
        return flat.reshape(self.n, self.k)

    def per_annotator(self, per_vote: np.ndarray) -> np.ndarray:
        """``(m,)``: row-weighted sums of ``per_vote`` over each annotator's votes."""
        return np.bincount(self.col, weights=per_vote * self.vote_weight, minlength=self.m)

    def annotator_votes(self) -> np.ndarray:
        """``(m,)``: weighted number of votes of each annotator."""
        return np.bincount(self.col, weights=self.vote_weight, minlength=self.m)


def require_votes(L: LabelMatrix, model: str) -> None:
    """Raise :class:`~weaksup.errors.ModelInputError` when no annotator voted on any row of ``L``.

    The aggregators learn each annotator's skill from the votes; with none there is nothing to learn
    from (their updates would divide by zero).
    """
    if L.csr.nnz == 0:
        raise ModelInputError(f"{model} cannot be fitted: none of the {L.n_lfs} LFs / annotators "
                              f"{L.lf_names[:5]} voted on any of the {L.n_rows} rows")


def first_appearance(values: np.ndarray) -> np.ndarray:
    """Distinct ``values`` in the order they first occur.

    Examples
    --------
    >>> first_appearance(np.array([3, 1, 3, 0, 1])).tolist()
    [3, 1, 0]
    """
    uniq, first = np.unique(values, return_index=True)
    return uniq[np.argsort(first, kind="stable")]


def annotation_table(L: Any, item: str = "task", annotator: str = "worker", label: str = "label") -> pd.DataFrame:
    """The votes of ``L`` as a long table, one row per (item, annotator, label), in row-major order.

    This is the table crowd-kit's aggregators take (``task``, ``worker``, ``label`` by default):
    items are the ids in ``L.index``, annotators the LF names, labels ``0..k-1``. Its order (row by
    row, annotators in column order) is the order in which the aggregators here see annotators
    and labels first appear, which decides the initialisations drawn at random (MACE, M-MSR, KOS).

    Examples
    --------
    >>> L = LabelMatrix.from_dense(np.array([[0, -1], [1, 1]]), lf_names=["ann", "bob"])
    >>> annotation_table(L).values.tolist()
    [[0, 'ann', 0], [1, 'ann', 1], [1, 'bob', 1]]
    """
    if len({item, annotator, label}) < 3:  # a dict with a repeated key would drop a column
        raise ParameterError(f"item, annotator and label must be three different column names; got item={item!r}, "
                             f"annotator={annotator!r}, label={label!r}")
    L = as_label_matrix(L)
    csr = L.csr
    nv = np.diff(csr.indptr)
    rows = np.repeat(np.arange(L.n_rows), nv)
    names = np.asarray(L.lf_names, dtype=object)
    # the ids with their dtype (Int64, category, string), so the table builds the same matrix again;
    # a MultiIndex becomes tuples, one id per cell
    ids = np.asarray(L.index)[rows] if isinstance(L.index, pd.MultiIndex) else L.index.take(rows).array
    return pd.DataFrame({
        item: ids,
        annotator: names[csr.indices],
        label: csr.data.astype(np.int64) - 1,
    })


def annotator_order(L: LabelMatrix) -> np.ndarray:
    """Columns with at least one vote, in the order they first appear in a row-major scan of ``L``."""
    return first_appearance(L.csr.indices.astype(np.int64))


def label_order(L: LabelMatrix, k: int) -> np.ndarray:
    """All ``k`` classes: those voted in order of first appearance (row-major), then the others ascending."""
    seen = first_appearance(L.csr.data.astype(np.int64) - 1)
    rest = np.setdiff1d(np.arange(k), seen)
    return np.concatenate([seen, rest]).astype(np.int64)


def per_class_weights(weights: np.ndarray, k: int) -> np.ndarray:
    """``(m k, k)`` matrix that turns one-hot votes into per-class sums of per-annotator ``weights``."""
    m = len(weights)
    return (np.asarray(weights, dtype=np.float64)[:, None, None] * np.eye(k)[None]).reshape(m * k, k)


def weighted_votes(csr: sp.csr_matrix, weights: np.ndarray, k: int) -> np.ndarray:
    """``(n, k)``: for each row and class, the summed weight of the annotators who voted that class."""
    # summed per vote, not through the (m k, k) matrix of per_class_weights: that is m k^2 numbers
    # (1.6 GB for 200 annotators and 1000 classes) for nnz products
    n = csr.shape[0]
    rows = np.repeat(np.arange(n), np.diff(csr.indptr))
    flat = np.bincount(rows * k + (csr.data.astype(np.int64) - 1),
                       weights=np.asarray(weights, dtype=np.float64)[csr.indices], minlength=n * k)
    return flat.reshape(n, k)


def first_max(S: np.ndarray, rtol: float = 1e-12) -> np.ndarray:
    """Index of the largest entry of each row, ties (within ``rtol``) to the lowest index, as ``idxmax`` does.

    The tolerance makes ties that are exact in one summation order and one ulp apart in another
    count as ties.

    Examples
    --------
    >>> first_max(np.array([[1.0, 3.0, 3.0], [2.0, 1.0, 0.0]])).tolist()
    [1, 0]
    """
    top = np.max(S, axis=1, keepdims=True)
    return np.argmax(S >= top - rtol * np.abs(top), axis=1)


def normalized_votes(S: np.ndarray) -> np.ndarray:
    """Rows of non-negative vote weights ``S`` scaled to sum to 1; rows summing to 0 become uniform."""
    total = S.sum(axis=1, keepdims=True)
    out = np.full(S.shape, 1.0 / S.shape[1])
    ok = total[:, 0] > 0
    out[ok] = S[ok] / total[ok]
    return out


def fingerprint(csr: sp.csr_matrix) -> str:
    """SHA-256 of a CSR's shape and votes: equal for equal label matrices (canonical CSR)."""
    h = hashlib.sha256()
    h.update(np.asarray(csr.shape, dtype=np.int64).tobytes())
    for part in (csr.indptr, csr.indices, csr.data):
        h.update(np.ascontiguousarray(part, dtype=np.int64).tobytes())
    return h.hexdigest()


#: column pairs that mark a long table of annotations (crowd-kit's names, and from_annotations' defaults)
class _CrowdModel(BaseLabelModel):
    """Base of the crowd aggregators (a long table of annotations given as ``L`` is refused by the base class)."""


class _TransductiveModel(_CrowdModel, ABC):
    """Base of aggregators whose posteriors on the fitted items depend on more than the worker parameters.

    GLAD learns a difficulty per item and KOS passes messages along each (item, annotator) edge
    from a random start, so the posteriors of the items they were fitted on are kept
    (``fit_proba_``, with the fitted matrix's ``fit_fingerprint_``): ``predict_proba`` on that same
    matrix returns them, as crowd-kit's ``fit_predict_proba`` does, and on any other matrix scores
    each row from the learned annotator parameters alone (``_predict_new``).
    """

    #: the kept posteriors are returned as they are, so a saved copy must hold probabilities ("*": fitted rows)
    _state_rules = {"fit_proba_": (("*", "k"), 0.0, 1.0, "optional", rows_sum_to_one)}

    def _remember_fit(self, L: LabelMatrix, proba: np.ndarray) -> None:
        self.fit_proba_ = np.asarray(proba, dtype=np.float64)
        self.fit_fingerprint_ = fingerprint(L.csr)

    def _predict_proba(self, L: LabelMatrix) -> np.ndarray:
        stored = getattr(self, "fit_proba_", None)
        if (stored is not None and np.shape(stored) == (L.n_rows, self.cardinality_)
                and getattr(self, "fit_fingerprint_", None) == fingerprint(L.csr)):
            return np.array(stored, dtype=np.float64)
        return self._predict_new(L)

    @abstractmethod
    def _predict_new(self, L: LabelMatrix) -> np.ndarray:
        """Probabilities for rows that were not part of the fit (each aggregator has its own rule)."""


class KahanGroups:
    """Sums of values group by group, in sequence order, with Kahan compensation (as pandas' groupby sum).

    crowd-kit's GLAD and KOS reduce with ``DataFrame.groupby(...).sum()``, which adds each group's
    values one after the other with Kahan-compensated summation (when the rows are not sorted by
    group; pandas >= 3.1 sums groups of sorted rows with ``np.add.reduceat``). Where an algorithm amplifies
    rounding differences (GLAD's truncated conjugate gradient does), matching its output needs the
    same sums to the last bit, so this adds exactly that way: all groups at once, one position
    within the groups per step (groups sorted by size, so the groups still adding are a prefix).

    Parameters
    ----------
    group : array (N,)
        Group of each element, elements in the order they are added.
    n_groups : int
        Number of groups (``0..n_groups-1``); empty groups sum to 0.

    Examples
    --------
    >>> sums = KahanGroups(np.array([0, 1, 0, 0, 0]), 2)
    >>> sums(np.array([1e16, 5.0, 1.0, 1.0, -1e16])).tolist()  # plain left-to-right adding gives 0.0 for group 0
    [2.0, 5.0]
    """

    def __init__(self, group: np.ndarray, n_groups: int) -> None:
        group = np.asarray(group, dtype=np.int64)
        sizes = np.bincount(group, minlength=n_groups)
        grouped = np.argsort(group, kind="stable")
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        pos = np.empty(len(group), dtype=np.int64)
        pos[grouped] = np.arange(len(group)) - np.repeat(starts, sizes)
        self.by_size = np.argsort(-sizes, kind="stable")
        rank = np.empty(n_groups, dtype=np.int64)
        rank[self.by_size] = np.arange(n_groups)
        self.perm = np.lexsort((rank[group], pos))  # position-major, then groups largest first
        ascending = np.sort(sizes)
        longest = int(ascending[-1]) if n_groups else 0
        self.active = n_groups - np.searchsorted(ascending, np.arange(longest), side="right")
        self.offsets = np.concatenate([[0], np.cumsum(self.active)])
        self.n_groups = n_groups

    #: once this few groups are still adding, finish them one by one in plain Python (cheaper per value)
    _TAIL = 6

    def __call__(self, values: np.ndarray) -> np.ndarray:
        v = np.asarray(values, dtype=np.float64)[self.perm]
        s = np.zeros((self.n_groups,) + v.shape[1:])
        c = np.zeros_like(s)
        finite = bool(np.isfinite(v).all())
        active = self.active.tolist()
        offsets = self.offsets.tolist()
        tail = len(active) if v.ndim > 1 or not finite else next(
            (r for r, n in enumerate(active) if n <= self._TAIL), len(active))
        for r in range(tail):
            n = active[r]
            x = v[offsets[r]: offsets[r] + n]
            old = s[:n]
            y = x - c[:n]
            t = old + y
            c[:n] = (t - old) - y
            if not finite:  # an infinite value: pandas resets the compensation instead of keeping NaN
                bad = ~np.isfinite(c[:n])
                c[:n][bad] = 0.0
            s[:n] = t
        if tail < len(active):
            ends = self.offsets[tail:-1]
            for q in range(active[tail]):
                n_left = int(np.searchsorted(-self.active[tail:], -q, side="left"))  # ranks where group q adds
                total, comp = float(s[q]), float(c[q])
                for x in v[ends[:n_left] + q].tolist():
                    y = x - comp
                    t = total + y
                    comp = (t - total) - y
                    total = t
                s[q] = total
        out = np.empty_like(s)
        out[self.by_size] = s
        return out
