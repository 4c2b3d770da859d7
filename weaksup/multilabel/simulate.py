"""Synthetic multi-label weak supervision with correlated labels (for tests, benchmarks and examples)."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from weaksup.multilabel.matrix import MultiLabelMatrix


def simulate_multilabel(n: int, n_topics: int = 3, lfs_per_label: int = 2, n_annotators: int = 2,
                        child_rate: float = 0.5, seed: int | None = 0) -> tuple[MultiLabelMatrix, np.ndarray]:
    """Rows with ``2 n_topics`` correlated labels and LFs that vote on them.

    Labels: a ``topic_t`` for each topic and its sub-label ``sub_t`` (present only with its topic,
    then with probability ``child_rate``). Each row has one main topic (none for 20% of rows) and
    each other topic with probability 0.1. Per label, ``lfs_per_label`` LFs alternate between a
    keyword-like LF (only ever says "present": fires on 25-55% of the rows with the label, 1-6% of
    the others) and a classifier-like LF (present or absent on 20-50% of rows, right 65-85% of the
    time). ``n_annotators`` LFs vote a complete label set (present for the set, absent for the rest)
    on 10-30% of rows, each label's vote flipped with probability 5-20%.

    Returns
    -------
    (MultiLabelMatrix, ndarray (n, K) of 0/1)

    Examples
    --------
    >>> M, Y = simulate_multilabel(500, seed=1)
    >>> M.shape, Y.shape
    ((500, 14, 6), (500, 6))
    """
    rng = np.random.default_rng(seed)
    T = n_topics
    K = 2 * T
    main = np.where(rng.random(n) < 0.8, rng.integers(0, T, n), -1)
    topic = (rng.random((n, T)) < 0.1) | (main[:, None] == np.arange(T)[None, :])
    sub = topic & (rng.random((n, T)) < child_rate)
    Y = np.empty((n, K), dtype=np.int64)
    Y[:, 0::2], Y[:, 1::2] = topic, sub
    names = [f"{kind}_{t}" for t in range(T) for kind in ("topic", "sub")]
    votes: list[np.ndarray] = []  # one (n, K) array of -1/0/1 per LF
    lf_names: list[str] = []
    for c in range(K):
        for i in range(lfs_per_label):
            v = np.full((n, K), -1)
            if i % 2 == 0:
                fire = rng.random(n) < np.where(Y[:, c] == 1, rng.uniform(0.25, 0.55), rng.uniform(0.01, 0.06))
                v[fire, c] = 1
                lf_names.append(f"keyword_{names[c]}_{i}")
            else:
                voted = rng.random(n) < rng.uniform(0.2, 0.5)
                right = rng.random(n) < rng.uniform(0.65, 0.85)
                v[voted, c] = np.where(right, Y[:, c], 1 - Y[:, c])[voted]
                lf_names.append(f"classifier_{names[c]}_{i}")
            votes.append(v)
    for a in range(n_annotators):
        voted = rng.random(n) < rng.uniform(0.1, 0.3)
        flip = rng.random((n, K)) < rng.uniform(0.05, 0.2, K)[None, :]
        v = np.where(voted[:, None], np.where(flip, 1 - Y, Y), -1)
        votes.append(v)
        lf_names.append(f"annotator_{a}")
    dense = np.stack(votes, axis=1)  # (n, m, K)
    m = dense.shape[1]
    csr = sp.csr_matrix(dense.reshape(n, m * K) + 1)
    return MultiLabelMatrix(csr, lf_names, names), Y
