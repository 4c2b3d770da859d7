"""Synthetic label matrices with known LF accuracies, shared by the label-model tests."""

import numpy as np
import pytest


def make_votes(n, accs, k=2, balance=None, cov=None, seed=0, one_class=False):
    """Dense ``n x m`` votes (-1 abstain) from LFs of known accuracy; returns ``(L, y)``.

    ``one_class``: LF ``j`` only ever votes class ``j % k`` (fires mostly on that class).
    """
    rng = np.random.default_rng(seed)
    balance = np.full(k, 1.0 / k) if balance is None else np.asarray(balance, dtype=float)
    y = rng.choice(k, size=n, p=balance)
    m = len(accs)
    cov = np.full(m, 1.0) if cov is None else np.broadcast_to(np.asarray(cov, dtype=float), (m,))
    L = np.full((n, m), -1, dtype=np.int64)
    for j, acc in enumerate(accs):
        fires = rng.random(n) < cov[j]
        if one_class:
            c = j % k
            # fires on class c with prob cov, on other classes so that precision = acc
            p_other = cov[j] * balance[c] * (1 - acc) / max(acc * (1 - balance[c]), 1e-12)
            fires = np.where(y == c, rng.random(n) < cov[j], rng.random(n) < p_other)
            L[fires, j] = c
            continue
        right = rng.random(n) < acc
        wrong = (y + rng.integers(1, k, n)) % k
        L[fires, j] = np.where(right, y, wrong)[fires]
    return L, y


@pytest.fixture
def votes():
    return make_votes
