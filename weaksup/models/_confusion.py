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

The one-coin accuracy ``a_j`` at the centre is smoothed the same way: a Beta prior shared by
the LFs, fitted by its (beta-binomial) marginal likelihood (:func:`beta_prior`), so LFs with
few votes are pulled towards the population of LFs rather than towards a fixed guess.
"""

from __future__ import annotations

import numpy as np
from scipy.special import gammaln

#: candidate prior strengths (pseudo-votes per true class), log-spaced from weak to one-coin-like
STRENGTH_GRID = np.logspace(-0.5, 4.0, 46)
def _beta_binomial_ll(a: np.ndarray, b: np.ndarray, right: np.ndarray, n: np.ndarray) -> np.ndarray:
    """``sum_j log BetaBinomial(right[j] | n[j], a, b)`` for each candidate ``(a, b)``, up to a constant."""
    ll = (gammaln(a[:, None] + right) + gammaln(b[:, None] + (n - right)) - gammaln((a + b)[:, None] + n)).sum(axis=1)
    return ll + len(n) * (gammaln(a + b) - gammaln(a) - gammaln(b))


def beta_prior(right: np.ndarray, n: np.ndarray, k: int, grid: int = 12,
               near: tuple[float, float] | None = None) -> tuple[float, float]:
    """Shared Beta prior ``(a, b)`` on the accuracies of LFs, by maximum marginal likelihood.

    Each LF ``j`` was right on ``right[j]`` of its ``n[j]`` (expected, possibly fractional)
    votes; ``(a, b)`` maximises ``sum_j log BetaBinomial(right[j] | n[j], a, b)`` with the prior
    mean kept above chance (``1/k``) and the strength in [0.3, 1000] pseudo-votes (a coarse grid,
    then a finer one around its best point). The prior is learned from the population of LFs, so
    LFs (or annotators) with few votes borrow strength from the others, not from a fixed guess.
    ``near``: a previous ``(a, b)`` (inside EM, where the counts move little between iterations):
    only a 5 x 5 grid at the fine step around it is searched.

    Examples
    --------
    >>> right, n = np.array([38., 41., 35., 40.]), np.array([100., 100., 100., 100.])  # ~39% right, k = 5
    >>> a, b = beta_prior(right, n, 5)
    >>> bool(0.3 < a / (a + b) < 0.5)
    True
    """
    right = np.asarray(right, dtype=np.float64)
    n = np.asarray(n, dtype=np.float64)
    keep = n > 0
    right, n = right[keep], n[keep]
    if not len(n):
        return 0.7, 0.3
    lo_mean, hi_mean = 1.0 / k + 0.01, 0.99
    lo_log, hi_log = -0.5, 3.0  # log10 strength
    rounds = 2
    if near is not None:
        fine_m, fine_l = 2 * (hi_mean - lo_mean) / (grid - 1) ** 2, 2 * (hi_log - lo_log) / (grid - 1) ** 2
        mu0, l0 = near[0] / (near[0] + near[1]), np.log10(near[0] + near[1])
        lo_mean, hi_mean = max(lo_mean, mu0 - 2 * fine_m), min(hi_mean, mu0 + 2 * fine_m)
        lo_log, hi_log = max(lo_log, l0 - 2 * fine_l), min(hi_log, l0 + 2 * fine_l)
        grid, rounds = 5, 1
    for _ in range(rounds):  # coarse grid, then a finer grid one coarse step around the best point
        means = np.linspace(lo_mean, hi_mean, grid)
        logs = np.linspace(lo_log, hi_log, grid)
        mu, ls = (x.ravel() for x in np.meshgrid(means, logs, indexing="ij"))
        strength = 10.0 ** ls
        ll = _beta_binomial_ll(mu * strength, (1.0 - mu) * strength, right, n)
        best = int(np.argmax(ll))
        step_m, step_l = means[1] - means[0], logs[1] - logs[0]
        lo_mean, hi_mean = max(1.0 / k + 0.01, mu[best] - step_m), min(0.99, mu[best] + step_m)
        lo_log, hi_log = max(-0.5, ls[best] - step_l), min(3.0, ls[best] + step_l)
    return float(mu[best] * strength[best]), float((1.0 - mu[best]) * strength[best])


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


def shared_strength(counts: np.ndarray, centre: np.ndarray, grid: np.ndarray = STRENGTH_GRID,
                    near: float | None = None) -> float:
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
    if near is not None:  # inside EM the counts move little: search two grid points either side only
        at = int(np.argmin(np.abs(np.log(grid) - np.log(near))))
        grid = grid[max(0, at - 2) : at + 3]
    best, best_s = -np.inf, float(grid[-1])
    for s in grid:
        alpha = s * centre
        ll = float((gammaln(s) - gammaln(s + n)).sum() + (gammaln(alpha + counts) - gammaln(alpha)).sum())
        if ll > best:
            best, best_s = ll, float(s)
    return best_s


def shrunk_confusion(counts: np.ndarray, accuracy: np.ndarray,
                     near: float | None = None) -> tuple[np.ndarray, float]:
    """Posterior-mean confusion matrices ``[j, y, v]`` and the shared strength used.

    ``accuracy`` is each LF's one-coin accuracy (the centre of its prior); ``near``, the
    strength of the previous EM iteration (see :func:`shared_strength`).

    Examples
    --------
    >>> C, s = shrunk_confusion(np.array([[[90., 10.], [60., 40.]]]), np.array([0.65]))
    >>> bool(np.allclose(C.sum(axis=2), 1)), bool(C[0, 0, 0] > C[0, 1, 1])
    (True, True)
    """
    k = counts.shape[1]
    centre = one_coin_rows(accuracy, k)
    s = shared_strength(counts, centre, near=near)
    post = counts + s * centre
    post /= post.sum(axis=2, keepdims=True)
    return post, s
