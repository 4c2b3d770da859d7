"""M-MSR (matrix mean-subsequence-reduced) as crowd-kit runs it: annotator skills from a robust rank-one completion."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.linalg import eigh
from scipy.sparse.linalg import eigsh

from weaksup.errors import ModelInputError
from weaksup.matrix import LabelMatrix
from weaksup.models._params import NONE, Interval
from weaksup.models._table import softmax
from weaksup.models.crowd._common import Votes, _CrowdModel, annotator_order, require_votes, weighted_votes

#: largest eigenproblem solved densely; larger ones go to ARPACK (Lanczos) on the sparse matrix
_DENSE_EIGEN = 300


def _trimmed_means(X: np.ndarray, observed: np.ndarray, denom: np.ndarray, current: np.ndarray, F: int,
                   n_tasks: float) -> np.ndarray:
    """One half-step of M-MSR for every annotator at once: the trimmed mean of ``X[i, j] / denom[i]``
    over the annotators ``i`` observed with ``j``, trimming ``F`` values on each side of ``current[j]``."""
    n = len(current)
    with np.errstate(divide="ignore", invalid="ignore"):
        S = np.sort(np.where(observed, X / denom[:, None], np.inf), axis=0)
    count = observed.sum(axis=0)
    below = (S < current[None, :]).sum(axis=0)
    above = (np.isfinite(S) & (S > current[None, :])).sum(axis=0)
    if F >= 0:
        # drop the F smallest values, or only those below the current value if there are fewer
        lo = np.where(below < F, below, F)
        # and the F largest, or only those above it
        hi = np.where(above < F, count - above, count - F)
    else:  # crowd-kit's slicing with a negative F keeps the -F largest values
        lo, hi = np.maximum(count + F, 0), count
    n_keep = hi - lo
    rank = np.arange(n)[:, None]
    total = np.where((rank >= lo[None, :]) & (rank < hi[None, :]), S, 0.0).sum(axis=0)
    out = np.where(n_keep > 0, total / np.maximum(n_keep, 1), current)
    first = S[np.minimum(lo, n - 1), np.arange(n)]
    out[(n_keep == 1) & (first == 0)] = 1 / np.sqrt(n_tasks)
    return out


def _sign_vector(C: np.ndarray, magnitudes: np.ndarray) -> np.ndarray:
    """Signs for ``magnitudes`` from the signed graph of ``C`` (crowd-kit's ``_sign_determination_valid``).

    Annotators with a negative covariance are joined by an edge, those with a positive one through
    an extra middle node; the eigenvector of the random-walk matrix ``W`` for its eigenvalue nearest
    ``-1`` two-colours that graph. ``W = D^-1 A`` is similar to the symmetric ``D^-1/2 A D^-1/2``,
    whose eigenvector (scaled back by ``D^-1/2``, which keeps signs) is taken instead.
    """
    n = len(magnitudes)
    valid = np.flatnonzero(C.sum(axis=1) != 0)
    out = np.zeros(n)
    if not len(valid):
        return out
    S = np.sign(C[np.ix_(valid, valid)])
    kk = len(valid)
    left, right = np.nonzero(np.triu(S == 1))  # annotator pairs with a positive covariance
    neg = sp.csr_matrix(np.abs(np.where(S == 1, 0.0, S)))
    n_pos = len(left)
    rows = np.concatenate([left, right])
    mid = sp.csr_matrix((np.ones(2 * n_pos), (np.tile(np.arange(n_pos), 2), rows)), shape=(n_pos, kk))
    A = sp.bmat([[neg, mid.T], [mid, None]], format="csr")
    d = np.asarray(A.sum(axis=1)).ravel()
    scale = sp.diags(1.0 / np.sqrt(d))
    N = scale @ A @ scale
    if N.shape[0] <= _DENSE_EIGEN:
        vec = eigh(N.toarray(), subset_by_index=[0, 0])[1][:, 0]
    else:  # Lanczos from a fixed start (not sqrt(d): that is the top eigenvector, an invariant start)
        start = np.random.RandomState(0).uniform(-1.0, 1.0, size=N.shape[0])
        vec = eigsh(N, k=1, which="SA", v0=start)[1][:, 0]
    signs = np.sign(vec[:kk])
    out[valid] = np.sign(signs.sum()) * magnitudes[valid] * signs
    return out


class MMSR(_CrowdModel):
    """M-MSR as crowd-kit's ``MMSR``: skills from a robust rank-one completion of the annotators' covariances.

    The agreement rate of two annotators on the items both labelled gives a covariance whose
    expectation is ``s s^T`` for the annotators' skill vector ``s``; M-MSR estimates ``s`` by
    alternating trimmed means (``n_iter`` rounds at most, until the change is below ``tol``) from
    a random start (``random_state``, in the order annotators first appear, as crowd-kit), takes
    signs from the covariance's signed graph and turns each skill into a one-coin accuracy ``p``
    and a log-odds weight ``skills_ = log((k - 1) p / (1 - p))``. The covariances are counted over
    distinct vote patterns with sparse products, all annotators update at once, and the sign
    step solves a sparse symmetric eigenproblem instead of a dense non-symmetric one.

    crowd-kit only gives labels and "scores": each class's summed weight ``S_c`` divided by the
    item's total ``sum_c S_c``, its label the largest score. Where the total is negative (the
    item's voters count as adversarial on balance) that division reverses the ranking, and
    crowd-kit's label is the class with the most negative weight. ``predict_proba`` follows that
    rule with proper probabilities: the one-coin posterior ``softmax(S)`` (times the class prior,
    uniform unless ``class_balance`` is given) where the total is positive, the posterior with every
    weight negated, ``softmax(-S)``, where it is negative, and the prior where it is 0. Its argmax
    is crowd-kit's label. Annotators without votes in the fit get weight 0.

    Parameters
    ----------
    cardinality : int, optional
        Number of classes (inferred from the votes if omitted).
    n_iter : int
        Maximum rounds of the rank-one completion.
    tol : float
        Stop when the Frobenius change of ``u v^T`` is below this.
    random_state : int, optional
        Seed of the start; ``None`` uses the ``seed`` passed to :meth:`fit`.

    Attributes
    ----------
    skills_ : array (m,)
        Log-odds weight of each annotator's vote.
    loss_history_ : array
        Change of ``u v^T`` per round; ``n_iter_`` rounds ran.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> y = rng.integers(0, 2, 200)
    >>> L = np.where(rng.random((200, 5)) < [0.9, 0.8, 0.7, 0.6, 0.8], y[:, None], 1 - y[:, None])
    >>> model = MMSR().fit(L)
    >>> float((model.predict(L) == y).mean())
    0.94
    >>> model.predict(np.array([[0, 0, 1, 1, -1]])).tolist()
    [0]
    """

    _parameter_rules = {"n_iter": Interval(int, 0), "tol": Interval(float, 0), "random_state": (NONE, Interval(int, 0))}
    _state_rules = {"skills_": (("m",), None, None)}

    def __init__(self, cardinality: int | None = None, n_iter: int = 10000, tol: float = 1e-10,
                 random_state: int | None = 0) -> None:
        super().__init__(cardinality=cardinality)
        self.n_iter = n_iter
        self.tol = tol
        self.random_state = random_state

    def _fit(self, L: LabelMatrix, class_balance: np.ndarray | None, seed: int | None, progress: bool) -> None:
        require_votes(L, type(self).__name__)
        k, m = self.cardinality_, L.n_lfs
        V = Votes.of_patterns(L, k)
        workers = annotator_order(L)  # crowd-kit's matrices list annotators in this order
        n, n_tasks = len(workers), V.n_items
        B = sp.csr_matrix((np.ones(len(V.col)), (V.row, V.col)), shape=(V.n, m))[:, workers]
        Wd = sp.diags(V.weight)
        common = np.asarray((B.T @ Wd @ B).todense())
        np.fill_diagonal(common, 0.0)
        Xw = V.X[:, (workers[:, None] * k + np.arange(k)[None, :]).ravel()]
        agree = np.asarray((Xw.T @ Wd @ Xw).todense()).reshape(n, k, n, k)
        agree = np.einsum("icjc->ij", agree)
        C = np.divide(agree, common, out=np.zeros((n, n)), where=common != 0)
        C *= k / (k - 1)
        C -= np.ones((n, n)) / (k - 1)
        observed = common != 0
        sparsity = observed.sum(axis=0).min() if n else 0
        F = int(np.floor(sparsity / 2)) - 1

        rs = self.random_state if self.random_state is not None else seed
        u = np.random.RandomState(rs).uniform(size=n)
        v = np.random.RandomState(rs).uniform(size=n)
        X = np.abs(C)
        history = []
        bar = None
        if progress:
            from tqdm.auto import tqdm

            bar = tqdm(total=self.n_iter, desc="M-MSR", leave=False)
        # inf / NaN from a zero skill are detected and reported below, so numpy's warnings about them would be noise
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            for _ in range(self.n_iter):
                u_prev, v_prev = u, v
                v = _trimmed_means(X, observed, u, v, F, n_tasks)
                u = _trimmed_means(X.T, observed.T, v, u, F, n_tasks)
                if not (np.isfinite(u).all() and np.isfinite(v).all()):
                    break  # diverged: every later round stays non-finite (crowd-kit runs on to NaN skills)
                change = np.outer(u, v) - np.outer(u_prev, v_prev)
                loss = float(np.sqrt(np.sum(change * change)))  # Frobenius norm, without a BLAS call per round
                history.append(loss)
                if bar is not None:
                    bar.update(1)
                if loss < self.tol:
                    break
        if bar is not None:
            bar.close()
        if not (np.isfinite(u).all() and np.isfinite(v).all()):
            names = np.asarray(L.lf_names, dtype=object)[workers]
            zero = names[(u_prev == 0) | (v_prev == 0) | (u == 0) | (v == 0)].tolist()
            if zero:
                why = (f"because those of {zero[:8]} reached 0 (an annotator whose agreement with every annotator "
                       "it shares items with is at chance) and M-MSR divides by them")
            else:  # no exact zero: some estimates shrank geometrically while others grew until they overflowed
                small = names[np.argsort(np.minimum(np.abs(u_prev), np.abs(v_prev)), kind="stable")[:1]].tolist()
                why = (f"growing every round while those of annotators such as {small} shrank toward 0 (the "
                       "rank-one completion does not converge on these annotations, too few shared items)")
            raise ModelInputError(
                f"MMSR diverged in round {len(history) + 1}: the skill estimates of {names[~np.isfinite(u * v)].tolist()[:8]} "
                f"became infinite, {why}; crowd-kit's MMSR gives NaN skills or fails here. Drop or merge those "
                "annotators, or use another aggregator (Wawa, OneCoinDawidSkene, LabelModel)"
            )
        ratio = np.sqrt(np.linalg.norm(u) / np.linalg.norm(v))
        x = _sign_vector(C, u / ratio)
        x = np.minimum(x, 1 - 1.0 / np.sqrt(n_tasks))
        x = np.maximum(x, -1 / (k - 1) + 1.0 / np.sqrt(n_tasks))
        p = x * (k - 1) / k + 1 / k
        skills = np.zeros(m)
        skills[workers] = np.log(p * (k - 1) / (1 - p))
        self.skills_ = skills
        self.loss_history_ = np.asarray(history)
        self.n_iter_ = len(history)

    def _predict_proba(self, L: LabelMatrix) -> np.ndarray:
        scores = weighted_votes(L.csr, np.asarray(self.skills_, dtype=np.float64), self.cardinality_)
        prior = np.log(np.clip(np.asarray(self.class_balance_, dtype=np.float64), 1e-300, None))
        direction = np.sign(scores.sum(axis=1, keepdims=True))  # crowd-kit divides by this total
        return softmax(direction * scores + prior[None, :])
