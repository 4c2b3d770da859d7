"""Shared noisy-label fixtures for the quality tests (small, seeded)."""

import numpy as np
import pytest


def gaussian_problem(n=300, k=3, seed=0, noise=0.1, sep=6.0):
    """Well separated Gaussian classes; ``noise`` of the labels flipped to another class. Returns X, y, noisy."""
    rng = np.random.default_rng(seed)
    centers = rng.normal(0, sep, size=(k, 2))
    y = rng.integers(0, k, size=n)
    X = centers[y] + rng.normal(0, 1.0, size=(n, 2))
    noisy = y.copy()
    flip = rng.choice(n, size=int(noise * n), replace=False)
    noisy[flip] = (y[flip] + rng.integers(1, k, size=len(flip))) % k
    return X, y, noisy


@pytest.fixture(scope="package")
def noisy_problem():
    from sklearn.linear_model import LogisticRegression

    from weaksup.quality import cross_val_predict_proba

    X, y, noisy = gaussian_problem()
    P = cross_val_predict_proba(LogisticRegression(), X, noisy, n_folds=5, seed=0)
    return X, y, noisy, P


@pytest.fixture(scope="package")
def make_gaussian_problem():
    """The generator above, for tests that need other sizes or noise levels."""
    return gaussian_problem
