"""Class-conditional confusion matrices shrunk towards the one-coin model by empirical Bayes.

An LF (or annotator) that votes several classes can be biased per class: it may say "yes"
too often, or confuse two classes more than others. Dawid-Skene learns a full confusion
matrix per LF for that, and overfits when votes are few; the one-coin model (one accuracy
per LF) cannot express it. Here each row ``C_j[y, :]`` of LF ``j``'s confusion matrix has a
Dirichlet prior centred on LF ``j``'s own one-coin row (accuracy ``a_j`` on the diagonal,
the rest spread evenly) with one strength ``s`` shared by all LFs, and ``s`` is chosen by
maximising the Dirichlet-multinomial marginal likelihood of the (expected) vote counts.
When LFs really are one-coin, the counts look like draws from their one-coin rows, ``s``
comes out large and the model stays one-coin; when they are biased per class, ``s`` comes
out small and each LF gets its own matrix. No strength is chosen per dataset by hand.
"""

from __future__ import annotations

import numpy as np
from scipy.special import gammaln

#: candidate prior strengths (pseudo-votes per true class), log-spaced from weak to one-coin-like
STRENGTH_GRID = np.logspace(-0.5, 4.0, 46)


def one_coin_rows(accuracy: np.ndarray, k: int) -> np.ndarray:
    """``(b, k, k)`` confusion matrices ``[y, v]`` of the one-coin model with the given accuracies.

    Examples
    --------
    >>> one_coin_rows(np.array([0.75]), 2).tolist()
    [[[0.75, 0.25], [0.25, 0.75]]]
    """
    acc = np.asarray(accuracy, dtype=np.float64)
    out = np.repeat(((1.0 - acc) / (k - 1))[:, None, None], k, axis=1).repeat(k, axis=2)
    idx = np.arange(k)
    out[:, idx, idx] = acc[:, None]
    return out


def shared_strength(counts: np.ndarray, centre: np.ndarray, grid: np.ndarray = STRENGTH_GRID) -> float:
    """Dirichlet strength ``s`` maximising ``sum_j,y log DirMult(counts[j, y, :] | s * centre[j, y, :])``.

    Parameters
    ----------
    counts : array (b, k, k)
        Expected vote counts ``[j, y, v]`` (true class ``y``, vote ``v``); may be fractional.
    centre : array (b, k, k)
        Prior mean of each confusion row (rows sum to 1).

    Examples
    --------
    >>> centre = one_coin_rows(np.array([0.7, 0.7]), 2)
    >>> biased = np.array([[[90., 10.], [60., 40.]], [[95., 5.], [55., 45.]]])  # says 0 too often
    >>> fair = np.array([[[70., 30.], [30., 70.]], [[71., 29.], [29., 71.]]])
    >>> shared_strength(biased, centre) < 30 < shared_strength(fair, centre)
    True
    """
    n = counts.sum(axis=2)  # (b, k)
    best, best_s = -np.inf, float(grid[-1])
    for s in grid:
        alpha = s * centre
        ll = float((gammaln(s) - gammaln(s + n)).sum() + (gammaln(alpha + counts) - gammaln(alpha)).sum())
        if ll > best:
            best, best_s = ll, float(s)
    return best_s


def shrunk_confusion(counts: np.ndarray, accuracy: np.ndarray) -> tuple[np.ndarray, float]:
    """Posterior-mean confusion matrices ``[j, y, v]`` and the shared strength used.

    ``accuracy`` is each LF's one-coin accuracy (the centre of its prior).

    Examples
    --------
    >>> C, s = shrunk_confusion(np.array([[[90., 10.], [60., 40.]]]), np.array([0.65]))
    >>> bool(np.allclose(C.sum(axis=2), 1)), bool(C[0, 0, 0] > C[0, 1, 1])
    (True, True)
    """
    k = counts.shape[1]
    centre = one_coin_rows(accuracy, k)
    s = shared_strength(counts, centre)
    post = counts + s * centre
    post /= post.sum(axis=2, keepdims=True)
    return post, s
