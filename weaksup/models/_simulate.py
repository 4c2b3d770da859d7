"""Synthetic label matrices with planted LF dependencies (for tests, benchmarks and examples)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

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
    rng = np.random.default_rng(seed)
    k = cardinality
    p = np.full(k, 1.0 / k) if balance is None else np.asarray(balance, dtype=np.float64)
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
