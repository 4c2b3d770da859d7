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


def wrench_train_tfidf(name):
    """A bundled WRENCH set's train split and its TF-IDF features (word 1-2-grams, as the benchmarks);
    skips the test where the data is not bundled."""
    from pathlib import Path

    from sklearn.feature_extraction.text import TfidfVectorizer

    from weaksup.datasets import load_wrench

    folder = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "wrench" / name
    if not folder.is_dir():
        pytest.skip("WRENCH data not bundled")
    s = load_wrench(folder, splits=("train",))["train"]
    return s, TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True).fit_transform(s.data["text"])


@pytest.fixture(scope="package")
def wrench_tfidf():
    """``wrench_tfidf("trec")`` -> ``(train split, TF-IDF features)`` (the function above)."""
    return wrench_train_tfidf
