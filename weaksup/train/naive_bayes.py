"""A generative second view of the weak labels: naive Bayes over feature presence, EM with the label model fixed.

Why a generative view: a discriminative end model fitted to the label model's posteriors reproduces them.
Where one keyword LF fires on half the rows with a diffuse posterior (WRENCH hausa: 47% of the train rows
get ``[0.17, 0.17, 0.17, 0.17, 0.33]``), the end model learns "keyword -> that posterior", and the product
of the two in self-training only sharpens the label model's own mistakes. Naive Bayes instead estimates
each class's word distribution from the soft labels and scores every row by all of its words, so a row
in the keyword's pool whose other words belong to another class's rows moves to that class, and the
mixture of classes in the pool can change, which no discriminative refit of the same targets does.

The combination is Bayes' rule with the label model as the prior of each row:
``q_i ∝ p_LM(y | votes_i) * p_NB(x_i | y) ** t``, refitted for a few EM steps. Naive Bayes treats
overlapping n-grams as independent evidence and is far over-confident, so ``t`` (a temperature in
``[0, 2]``) is chosen once by 3-fold cross-validation: the ``t`` whose held-out naive Bayes posteriors
best predict the label model's posteriors (soft log loss). ``t = 0`` (features say nothing the label
model's posteriors follow) leaves the weak labels unchanged.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from weaksup._validation import check_probs, check_sample_weight, n_rows
from weaksup.errors import ModelInputError
from weaksup.train._checks import class_ordered

TEMPERATURES = np.r_[0.0, np.geomspace(0.02, 2.0, 21)]


def _presence(X: Any, min_df: int) -> sp.csr_matrix:
    """Binary feature presence, features present in fewer than ``min_df`` rows dropped."""
    if sp.issparse(X):
        X = sp.csr_matrix(X)
        negative = X.data < 0
        if negative.any():
            row = int(np.searchsorted(X.indptr, np.flatnonzero(negative)[0], side="right") - 1)
            raise ModelInputError(f"naive Bayes refinement needs non-negative features (counts, TF-IDF); X row {row} "
                                  f"holds {X.data[negative][0]!r}")
        if not np.isfinite(X.data).all():
            row = int(np.searchsorted(X.indptr, np.flatnonzero(~np.isfinite(X.data))[0], side="right") - 1)
            raise ModelInputError(f"X row {row} holds NaN or inf")
        B = X.astype(bool).astype(np.float64)
    else:
        A = np.asarray(X.detach().cpu().numpy() if hasattr(X, "detach") else X, dtype=np.float64)
        if A.ndim != 2:
            raise ModelInputError(f"X must be 2-D, got shape {A.shape}")
        if not np.isfinite(A).all():  # NaN is neither < 0 nor > 0: it would read as an absent feature
            row = int(np.argmax(~np.isfinite(A).all(axis=1)))
            raise ModelInputError(f"X row {row} holds NaN or inf")
        if (A < 0).any():
            row = int(np.argwhere(A < 0)[0, 0])
            raise ModelInputError(f"naive Bayes refinement needs non-negative features (counts, TF-IDF); X row {row} "
                                  f"holds {A[row][A[row] < 0][0]!r}")
        B = sp.csr_matrix((A > 0).astype(np.float64))
    B.eliminate_zeros()
    # a feature seen in one or two rows mostly carries those rows' own targets back to them
    df = np.bincount(B.indices, minlength=B.shape[1])
    return sp.csr_matrix(B[:, np.flatnonzero(df >= int(min_df))])


def _log_likelihood(B_fit: sp.csr_matrix, q: np.ndarray, w: np.ndarray, B: sp.csr_matrix) -> np.ndarray:
    """Per-row, per-class log p(x | y) of a Bernoulli-style multinomial naive Bayes fitted on soft labels ``q``.

    Each row's log likelihood is divided by its number of present features and multiplied by the mean, so
    long rows (many overlapping n-grams) are not surer than short ones only by length.
    """
    counts = np.asarray(B_fit.T @ (q * w[:, None])).T + 1.0  # k x d, Laplace smoothing
    log_theta = np.log(counts) - np.log(counts.sum(axis=1, keepdims=True))
    ll = np.asarray(B @ log_theta.T)
    nnz = np.diff(B.indptr).astype(np.float64)
    return ll / np.maximum(nnz, 1.0)[:, None] * max(float(nnz.mean()), 1.0)


def naive_bayes_refine(X: Any, probs: Any, n_steps: int = 3, min_df: int = 3, sample_weight: Any = None,
                       random_state: int | None = 0) -> tuple[np.ndarray, float]:
    """Refine a label model's posteriors with a naive Bayes view of non-negative features (EM, label model fixed).

    Parameters
    ----------
    X : sparse or dense non-negative features (counts, TF-IDF), n x d
    probs : array (n, k)
        The label model's posteriors for the rows of ``X``.
    n_steps : int
        EM steps (each: fit naive Bayes on the current targets, then ``q ∝ probs * p_NB(x | y) ** t``).
    min_df : int
        Features present in fewer rows are left out of the naive Bayes view.
    sample_weight : array (n,), optional
    random_state : int or None
        Seeds the folds that choose the temperature.

    Returns
    -------
    refined : ndarray (n, k)
    temperature : float
        The chosen ``t``; 0 means ``refined`` equals ``probs``.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> rng = np.random.default_rng(0)
    >>> y = rng.integers(0, 2, 400)
    >>> words = rng.random((400, 40)) < np.where(np.arange(40) < 20, 0.3, 0.02)[None, :]
    >>> words[y == 1] = np.roll(words[y == 1], 20, axis=1)  # class 1 uses words 20-39
    >>> p0 = 0.5 + np.where(rng.random(400) < 0.7, 0.1, -0.1) * (1 - 2 * y)  # weak, 70% right
    >>> probs = np.column_stack([p0, 1 - p0])
    >>> refined, t = naive_bayes_refine(sp.csr_matrix(words.astype(float)), probs)
    >>> bool(t > 0), float(np.mean(refined.argmax(1) == y)) > float(np.mean(probs.argmax(1) == y))
    (True, True)
    """
    from scipy.special import log_softmax, softmax
    from sklearn.model_selection import KFold

    n_x = n_rows(X)
    if np.ndim(probs) != 2 or n_rows(probs) != n_x:
        raise ModelInputError(f"probs must be an n x k matrix for the {n_x} rows of X, got shape {np.shape(probs)}")
    P = check_probs(class_ordered(probs), name="probs")  # NaN, negative or unnormalised rows would come back as they are
    n = len(P)
    for name, value in (("n_steps", n_steps), ("min_df", min_df)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ModelInputError(f"{name} must be an integer >= 1, got {value!r}")
    w = check_sample_weight(sample_weight, n)
    B = _presence(X, min_df)
    if B.shape[1] == 0 or n < 6:
        return P.copy(), 0.0
    log_p = np.log(np.maximum(P, 1e-300))
    # the temperature: held-out naive Bayes posteriors (class prior from the training folds) against probs
    ll, log_prior = np.zeros_like(P), np.zeros_like(P)
    for fit_rows, held in KFold(3, shuffle=True, random_state=random_state).split(P):
        ll[held] = _log_likelihood(B[fit_rows], P[fit_rows], w[fit_rows], B[held])
        mass = (P[fit_rows] * w[fit_rows, None]).sum(axis=0)
        log_prior[held] = np.log(np.maximum(mass / mass.sum(), 1e-300))
    losses = []
    for t in TEMPERATURES:
        z = log_softmax(t * ll + log_prior, axis=1)
        losses.append(-float(np.average((P * z).sum(axis=1), weights=w)))
    t = float(TEMPERATURES[int(np.argmin(losses))])
    if t == 0.0:
        return P.copy(), 0.0
    q = P
    for _ in range(int(n_steps)):
        q = softmax(log_p + t * _log_likelihood(B, q, w, B), axis=1)
    return q, t
