import numpy as np
import pytest


@pytest.fixture
def separable():
    """A linearly separable 2-D problem (boundary x0 + x1 = 0) with noisy soft labels."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 2))
    X = X[np.abs(X.sum(axis=1)) > 0.3]  # a margin around the boundary
    y = (X.sum(axis=1) > 0).astype(int)
    # label-model-like noise: confidence varies per row, and 15% of rows lean the wrong way
    conf = rng.uniform(0.55, 0.95, size=len(y))
    flip = rng.random(len(y)) < 0.15
    p1 = np.where(y == 1, conf, 1 - conf)
    p1 = np.where(flip, 1 - p1, p1)
    probs = np.column_stack([1 - p1, p1])
    return X, y, probs
