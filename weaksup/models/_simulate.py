"""Synthetic label matrices with planted LF dependencies (for tests, benchmarks and examples)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from weaksup._validation import is_whole_number
from weaksup.errors import ModelInputError
from weaksup.matrix import LabelMatrix


def simulate_dependent_lfs(
    n: int,
    m: int,
    cardinality: int = 2,
    edges: Sequence[tuple[int, int]] = (),
    strength: float = 0.8,
    accuracy: tuple[float, float] = (0.6, 0.9),
    coverage: tuple[float, float] = (0.2, 0.6),
    balance: Sequence[float] | None = None,
    seed: int | None = 0,
) -> tuple[LabelMatrix, np.ndarray]:
    """Votes of ``m`` LFs that are independent given the label, except for planted ``edges``.

    Every LF votes with probability drawn from ``coverage`` and is right with probability drawn
    from ``accuracy`` (wrong votes uniform over the other classes). For an edge ``(i, j)`` (``i``
    before ``j``), wherever ``i`` votes ``j`` copies ``i``'s vote with probability ``strength``
    and otherwise behaves as its own independent LF; edges are applied in order, so chains
    (``(0, 1), (1, 2)``) give groups.

    Returns
    -------
    (LabelMatrix, ndarray)
        The votes (LF names ``lf_0 ...``) and the true labels.

    Examples
    --------
    >>> L, y = simulate_dependent_lfs(1000, 5, edges=[(0, 1)], strength=1.0)
    >>> bool(((L.to_dense()[:, 0] == L.to_dense()[:, 1]) | (L.to_dense()[:, 0] == -1)).all())
    True
    """
    k = cardinality
    if not is_whole_number(k, 2):
        raise ModelInputError(f"cardinality must be an integer >= 2, got {k!r}")
    p = np.full(k, 1.0 / k) if balance is None else np.asarray(balance, dtype=np.float64)
    if p.shape != (k,) or not np.isfinite(p).all() or (p < 0).any() or abs(p.sum() - 1) > 1e-6:
        raise ModelInputError(f"balance must be {k} non-negative numbers summing to 1, got {np.asarray(balance).tolist()}")
    for edge in edges:
        # a negative column would silently plant the edge on an LF counted from the end
        if len(edge) != 2 or not all(is_whole_number(e) and e < m for e in edge) or edge[0] == edge[1]:
            raise ModelInputError(f"edges: {tuple(edge)!r} is not a pair of two distinct LF columns in 0..{m - 1}")
    rng = np.random.default_rng(seed)
    y = rng.choice(k, size=n, p=p)
    acc = rng.uniform(*accuracy, m)
    cov = rng.uniform(*coverage, m)
    votes = np.full((n, m), -1, dtype=np.int64)
    for j in range(m):
        fires = rng.random(n) < cov[j]
        right = rng.random(n) < acc[j]
        wrong = (y + rng.integers(1, k, n)) % k
        votes[:, j] = np.where(fires, np.where(right, y, wrong), -1)
    for i, j in edges:
        copy = (votes[:, i] >= 0) & (rng.random(n) < strength)
        votes[copy, j] = votes[copy, i]
    csr = sp.csr_matrix(votes + 1)
    return LabelMatrix(csr, cardinality=k), y
