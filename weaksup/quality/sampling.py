"""Sampling and class balance: random, stratified, weighted, importance and reservoir sampling; class weights.

Every sampler takes a ``seed`` (int, None or a ``numpy.random.Generator``) and draws from a
private generator, never numpy's global one. Samplers over arrays return row positions.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from weaksup._validation import in_row_order
from weaksup.errors import ModelInputError
from weaksup.quality._checks import as_rng, class_ordered
from weaksup.quality._inputs import plain
from weaksup.utils import align_labels, check_probs


def _check_n(n: Any) -> int:
    """A sample size: a non-negative integer (numpy's own error for -1 names no argument; a slice [:-1] is silent)."""
    try:
        ok = not isinstance(n, (bool, np.bool_, str)) and int(n) == n and n >= 0
    except (TypeError, ValueError, OverflowError):
        ok = False
    if not ok:
        raise ModelInputError(f"n must be a non-negative integer, got {n!r}")
    return int(n)


def _numbers(values: Any, name: str) -> np.ndarray:
    """``values`` as a float64 array, or a typed error naming the argument (NumPy's names none)."""
    try:
        return np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ModelInputError(f"{name} must be numbers, got {type(values).__name__} holding non-numbers") from None


def _strata(labels: Any) -> np.ndarray:
    """One integer stratum per row: the argmax of soft labels, else the rank of each distinct value.

    Any values are strata, as for scikit-learn's ``stratify=y``: class names, and ``-1`` (abstain) as a group of
    its own; sorted, so integer classes keep their order. A missing value names its row.
    """
    if np.ndim(labels) == 2:
        return check_probs(labels, name="labels").argmax(axis=1)
    values = labels.to_numpy() if isinstance(labels, (pd.Series, pd.Index)) else np.asarray(labels)
    if values.ndim != 1:
        raise ModelInputError(f"labels must be 1-D (one per row) or n x k probabilities, got shape {values.shape}")
    try:
        codes, _ = pd.factorize(values, sort=True)
    except TypeError:  # values that do not sort together (numbers and text mixed)
        codes, _ = pd.factorize(values.astype(str), sort=True)
    if (codes < 0).any():
        row = int(np.argmax(codes < 0))
        raise ModelInputError(f"labels has no value at row {row} ({plain(values[row])!r}): every row needs a stratum")
    return codes.astype(np.int64)


def random_sample(n_population: int, n: int, seed: Any = None, replace: bool = False) -> np.ndarray:
    """``n`` uniformly drawn positions out of ``0..n_population-1`` (sorted when without replacement).

    Examples
    --------
    >>> random_sample(10, 3, seed=0).tolist()
    [5, 6, 9]
    """
    n = _check_n(n)
    try:
        n_population = _check_n(n_population)
    except ModelInputError:
        raise ModelInputError(f"n_population must be a non-negative integer (a row count), got {n_population!r}; "
                              f"to sample rows of an array use random_sample(len(rows), n)") from None
    if not replace and n > n_population:
        raise ModelInputError(f"cannot draw {n} rows without replacement from {n_population}")
    pos = as_rng(seed).choice(n_population, size=n, replace=replace)
    return pos if replace else np.sort(pos)


def stratified_sample(labels: Any, n: int, seed: Any = None, balanced: bool = False) -> np.ndarray:
    """``n`` positions drawn per class, keeping the class proportions (or equal counts with ``balanced``).

    Proportional allocation uses largest remainders, so counts sum exactly to ``n``; every
    class present gets at least one row when ``n`` allows. With ``balanced=True`` each class
    gets ``n // k`` rows (the remainder to the largest classes), capped by what it has, the
    shortfall spread over classes with rows to spare. Soft labels (``n x k``) are stratified
    by their argmax; hard labels may be any values (class names; ``-1``, abstain, is a stratum of its
    own), as scikit-learn's ``stratify=y``. Returns sorted positions.

    Examples
    --------
    >>> y = [0] * 8 + [1] * 2
    >>> pos = stratified_sample(y, 5, seed=0)
    >>> sorted(int(y[i]) for i in pos)
    [0, 0, 0, 0, 1]
    >>> sorted(int(y[i]) for i in stratified_sample(y, 4, seed=0, balanced=True))
    [0, 0, 1, 1]
    >>> names = ["ham"] * 8 + ["spam"] * 2
    >>> sorted(names[i] for i in stratified_sample(names, 5, seed=0))
    ['ham', 'ham', 'ham', 'ham', 'spam']
    """
    y = _strata(labels)
    n = _check_n(n)
    if n > len(y):
        raise ModelInputError(f"cannot draw {n} rows from {len(y)}")
    rng = as_rng(seed)
    classes, counts = np.unique(y, return_counts=True)
    if balanced:
        alloc = np.full(len(classes), n // len(classes))
        alloc[np.argsort(-counts, kind="stable")[: n % len(classes)]] += 1
    else:
        exact = n * counts / counts.sum()
        alloc = np.floor(exact).astype(np.int64)
        if n >= len(classes):
            alloc = np.maximum(alloc, 1)
        while alloc.sum() > n:  # the at-least-one rule overshot: take from the largest allocation
            alloc[np.argmax(alloc - exact)] -= 1
        rem = n - alloc.sum()
        alloc[np.argsort(-(exact - alloc), kind="stable")[:rem]] += 1
    alloc = np.minimum(alloc, counts)
    short = n - alloc.sum()
    while short > 0:  # classes that ran out: fill from those with rows left
        spare = counts - alloc
        # balanced: the smallest allocation with rows left (keeps counts even); else the most spare rows
        j = int(np.argmin(np.where(spare > 0, alloc, np.iinfo(np.int64).max))) if balanced else int(np.argmax(spare))
        alloc[j] += 1
        short -= 1
    out = [rng.choice(np.flatnonzero(y == c), size=int(a), replace=False) for c, a in zip(classes, alloc, strict=True)]
    return np.sort(np.concatenate(out)) if out else np.zeros(0, dtype=np.int64)


def weighted_sample(weights: Any, n: int, seed: Any = None, replace: bool = False) -> np.ndarray:
    """``n`` positions drawn with probability proportional to ``weights``.

    Without replacement it uses exponential keys (Efraimidis-Spirakis: the ``n`` smallest
    ``E_i / w_i``), equivalent to successive weighted draws; zero-weight rows are never drawn.
    Returns positions in draw order.

    Examples
    --------
    >>> weighted_sample([0.0, 1.0, 0.0, 3.0], 2, seed=0).tolist()
    [3, 1]
    """
    n = _check_n(n)
    w = _numbers(weights, "weights")
    if w.ndim != 1 or not np.isfinite(w).all() or (w < 0).any():
        raise ModelInputError("weights must be a 1-D array of finite non-negative numbers")
    if len(w) and w.max() > 0:
        w = w / w.max()  # huge weights would overflow their sum, tiny (subnormal) ones their keys
    rng = as_rng(seed)
    positive = int((w > 0).sum())
    if replace:
        if positive == 0:
            raise ModelInputError("all weights are zero")
        return rng.choice(len(w), size=n, replace=True, p=w / w.sum())
    if n > positive:
        raise ModelInputError(f"cannot draw {n} rows without replacement: only {positive} have positive weight")
    with np.errstate(divide="ignore"):
        keys = rng.exponential(size=len(w)) / w
    return np.argsort(keys, kind="stable")[:n]


def importance_sample(
    proposal: Any, n: int, target: Any = None, seed: Any = None
) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``n`` positions (with replacement) from ``proposal`` and return importance weights.

    The weight of a draw ``i`` is ``target_i / proposal_i`` (both normalised; ``target``
    defaults to uniform over the population), so ``np.mean(f[pos] * w)`` is an unbiased
    estimate of the mean of ``f`` under ``target``: sample where it matters (e.g. uncertain
    rows), still estimate population accuracy.

    Returns
    -------
    positions : ndarray (n,)
    weights : ndarray (n,)

    Examples
    --------
    >>> import numpy as np
    >>> f = np.r_[np.ones(10), np.zeros(90)]          # population mean 0.1
    >>> q = np.r_[np.full(10, 5.0), np.ones(90)]       # oversample the rare rows
    >>> pos, w = importance_sample(q, 20000, seed=0)
    >>> round(float(np.mean(f[pos] * w)), 2)
    0.1
    """
    n = _check_n(n)
    q = _numbers(proposal, "proposal")
    if q.ndim != 1 or not np.isfinite(q).all() or (q < 0).any() or not (q > 0).any():
        raise ModelInputError("proposal must be a 1-D array of finite non-negative numbers with a positive sum")
    q = q / q.max()  # scaled first: the sum of huge weights overflows
    q = q / q.sum()
    if target is None:
        p = np.full(len(q), 1.0 / len(q))
    else:
        if isinstance(proposal, pd.Series):  # the same row ids in another order: lined up by id, not by position
            target = in_row_order(target, proposal.index, name="target", strict=False, owner="proposal")
        p = _numbers(target, "target")
        if p.shape != q.shape or not np.isfinite(p).all() or (p < 0).any() or not (p > 0).any():
            raise ModelInputError(f"target must be finite and non-negative with shape {q.shape}")
        p = p / p.max()
        p = p / p.sum()
    if ((p > 0) & (q == 0)).any():
        row = int(np.argmax((p > 0) & (q == 0)))
        raise ModelInputError(f"proposal is zero at row {row} where target is positive: the estimate would be biased")
    pos = as_rng(seed).choice(len(q), size=n, replace=True, p=q)
    return pos, p[pos] / q[pos]


def reservoir_sample(iterable: Iterable[Any], k: int, seed: Any = None) -> list[Any]:
    """A uniform sample of ``k`` items from an iterable of unknown length, in one pass (Algorithm L).

    Memory is O(k); the iterator is consumed once and items are skipped in geometric jumps,
    so the number of random draws is O(k log(N/k)). Returns fewer than ``k`` items if the
    iterable is shorter. The order of the returned items is the reservoir's, not the stream's.

    Examples
    --------
    >>> sorted(reservoir_sample(range(10), 3, seed=0)) == sorted(reservoir_sample(range(10), 3, seed=0))
    True
    >>> sorted(reservoir_sample(range(2), 5, seed=0))
    [0, 1]
    """
    try:
        k = _check_n(k)
    except ModelInputError:
        raise ModelInputError(f"k must be a non-negative integer, got {k!r}") from None
    rng = as_rng(seed)
    it = iter(iterable)
    reservoir = list(itertools.islice(it, k))
    if k == 0 or len(reservoir) < k:
        return reservoir
    w = math.exp(math.log(rng.random()) / k)
    while True:
        skip = math.floor(math.log(rng.random()) / math.log1p(-w)) if w < 1.0 else 0
        nxt = next(itertools.islice(it, skip, skip + 1), _END)
        if nxt is _END:
            return reservoir
        reservoir[int(rng.integers(k))] = nxt
        w *= math.exp(math.log(rng.random()) / k)


_END = object()


def class_weights(labels_or_probs: Any, cardinality: int | None = None) -> np.ndarray:
    """Balanced per-class weights ``n / (k * count_c)`` from hard labels or soft label counts.

    Soft labels (``n x k``) count each row fractionally. A class with no (soft) count gets
    weight 0 (there is nothing to weigh). Pass the result as ``class_weight`` or turn it into
    per-row sample weights with ``w[y]``.

    Examples
    --------
    >>> class_weights([0, 0, 0, 1]).tolist()
    [0.6666666666666666, 2.0]
    >>> class_weights([[0.5, 0.5], [1.0, 0.0]]).tolist()
    [0.6666666666666666, 2.0]
    """
    if np.ndim(labels_or_probs) == 2:
        # a frame's columns named by class id, in another order: weight c must be class c's
        P = check_probs(class_ordered(labels_or_probs, "labels_or_probs"), cardinality, name="labels_or_probs")
        counts = P.sum(axis=0)
    else:
        y = align_labels(np.asarray(labels_or_probs), cardinality=cardinality, name="labels_or_probs")
        k = cardinality if cardinality is not None else int(y.max()) + 1 if len(y) else 0
        counts = np.bincount(y, minlength=k).astype(np.float64)
    k = len(counts)
    if k == 0 or counts.sum() <= 0:
        raise ModelInputError("class_weights needs at least one labeled row")
    with np.errstate(divide="ignore"):
        return np.where(counts > 0, counts.sum() / (k * counts), 0.0)
