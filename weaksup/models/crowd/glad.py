"""GLAD (abilities of annotators, difficulties of items) as crowd-kit runs it, vectorised over the votes."""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit, logsumexp

from weaksup.matrix import LabelMatrix
from weaksup.models._params import Interval
from weaksup.models.crowd._common import (
    KahanGroups,
    Votes,
    _TransductiveModel,
    annotator_order,
    label_order,
    require_votes,
)

_LOG_SQRT_2PI_C = np.sqrt(2 * np.pi)


def _softplus(x: np.ndarray, limit: float = 30.0) -> np.ndarray:
    """``log(1 + exp(x))``, taken as ``x`` above ``limit`` and 0 below ``-limit`` (crowd-kit's cut-off)."""
    outside = (x > limit) | (x < -limit)
    inside = 1.0 - outside
    return np.log1p(np.exp(x * inside)) * inside + x * (x > limit)


def _log_normal_pdf(d: np.ndarray) -> np.ndarray:
    # log of the density itself (not -d^2/2 - log sqrt(2 pi)), so far-off values underflow to -inf as in crowd-kit
    with np.errstate(divide="ignore"):
        return np.log(np.exp(-d * d / 2.0) / _LOG_SQRT_2PI_C)


class GLAD(_TransductiveModel):
    """GLAD as crowd-kit's ``GLAD``: annotator abilities ``alpha`` and item (inverse) difficulties ``beta``.

    An annotator answers the true class with probability ``a = sigmoid(alpha_j exp(beta_i))`` and
    each other class with ``(1 - a) / (k - 1)``; the class prior is fixed (uniform, or
    ``class_balance`` given to :meth:`fit`, crowd-kit's ``labels_priors``). EM: the E-step takes
    the posteriors, the M-step runs scipy's conjugate gradient (``m_step_max_iter`` iterations,
    ``m_step_tol``) on the expected log-likelihood with standard normal priors around
    ``alphas_priors_mean`` and ``betas_priors_mean``; it stops when the objective per
    (annotation, class) improves by less than ``tol``. The objective and gradient are numpy
    over the flat votes instead of pandas frames; the optimisation path is crowd-kit's, so the
    probabilities equal its ``fit_predict_proba``.

    GLAD is transductive: each fitted item has its own ``beta``. ``predict_proba`` on the
    matrix the model was fitted on returns the fitted posteriors; on other rows it uses the
    learned ``alphas_`` with every item at the prior difficulty ``betas_priors_mean``, and
    ignores votes of annotators who had none in the fit.

    Parameters
    ----------
    cardinality : int, optional
        Number of classes (inferred from the votes if omitted).
    n_iter : int
        Maximum number of EM iterations.
    tol : float
        EM stops when the objective improves by less than this.
    alphas_priors_mean, betas_priors_mean : float
        Means of the normal priors on the abilities and on the (log) inverse difficulties.
    m_step_max_iter : int
        Conjugate-gradient iterations per M-step.
    m_step_tol : float
        Gradient tolerance of the conjugate gradient.

    Attributes
    ----------
    alphas_ : array (m,)
        Ability of each annotator in the last E-step (``alphas_priors_mean`` for annotators without votes).
    betas_ : array (n,)
        Log inverse difficulty of each fitted item in the last E-step.
    fit_proba_ : array (n, k)
        Posteriors of the fitted items.
    loss_history_ : array
        Objective per (annotation, class) after each iteration; ``n_iter_`` iterations ran.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> y = rng.integers(0, 2, 200)
    >>> L = np.where(rng.random((200, 5)) < [0.9, 0.8, 0.7, 0.6, 0.8], y[:, None], 1 - y[:, None])
    >>> model = GLAD().fit(L)
    >>> float((model.predict(L) == y).mean()), model.alphas_.round(1).tolist()
    (0.94, [1.0, 0.7, 0.4, 0.2, 0.7])
    >>> model.predict(np.array([[0, 0, 1, 1, -1]])).tolist()  # a new row: abilities, prior difficulty
    [0]
    """

    _parameter_rules = {
        "n_iter": Interval(int, 1),
        "tol": Interval(float, 0),
        "alphas_priors_mean": Interval(float),
        "betas_priors_mean": Interval(float),
        "m_step_max_iter": Interval(int, 1),
        "m_step_tol": Interval(float, 0, closed="neither"),
    }
    # n_votes_ says which annotators _predict_new may count; betas_ are the fitted items' difficulties
    _state_rules = {"alphas_": (("m",), None, None), "n_votes_": (("m",), 0.0, None), "betas_": (("*",), None, None)}

    def __init__(self, cardinality: int | None = None, n_iter: int = 100, tol: float = 1e-5,
                 alphas_priors_mean: float = 1.0, betas_priors_mean: float = 1.0, m_step_max_iter: int = 25,
                 m_step_tol: float = 1e-2) -> None:
        super().__init__(cardinality=cardinality)
        self.n_iter = n_iter
        self.tol = tol
        self.alphas_priors_mean = alphas_priors_mean
        self.betas_priors_mean = betas_priors_mean
        self.m_step_max_iter = m_step_max_iter
        self.m_step_tol = m_step_tol

    @staticmethod
    def _terms(ab: np.ndarray, lab: np.ndarray, k: int) -> np.ndarray:
        """``(nnz, k)`` log-likelihood of each vote under each true class."""
        log_sigma, log_rest = -_softplus(-ab), -_softplus(ab) - np.log(k - 1)
        return np.where(lab[:, None] == np.arange(k)[None, :], log_sigma[:, None], log_rest[:, None])

    def _fit(self, L: LabelMatrix, class_balance: np.ndarray | None, seed: int | None, progress: bool) -> None:
        require_votes(L, type(self).__name__)
        k = self.cardinality_
        V = Votes(L.csr, k)
        workers = annotator_order(L)  # x holds alphas in crowd-kit's order (first appearance), then betas
        n_w, n_t, nnz = len(workers), V.n, len(V.lab)
        pos = np.empty(L.n_lfs, dtype=np.int64)
        pos[workers] = np.arange(n_w)
        wi, t, lab = pos[V.col], V.row, V.lab
        prior = np.full(k, 1.0 / k) if class_balance is None else np.asarray(class_balance, dtype=np.float64)
        with np.errstate(divide="ignore"):
            log_prior = np.log(prior)
        mu_a, mu_b = float(self.alphas_priors_mean), float(self.betas_priors_mean)
        # crowd-kit works on a table of (vote, class) pairs: classes in order of first appearance, each
        # followed by every vote; its sums run over that table in that order, so these do too
        classes = label_order(L, k)
        delta = lab[None, :] == classes[:, None]  # (k, nnz) in that layout
        by_task = KahanGroups(t, n_t)
        by_task_melted = KahanGroups(np.tile(t, k), n_t)
        by_worker_melted = KahanGroups(np.tile(wi, k), n_w)

        def melted_terms(ab: np.ndarray) -> np.ndarray:
            log_sigma, log_rest = -_softplus(-ab), -_softplus(ab) - np.log(k - 1)
            return np.where(delta, log_sigma[None, :], log_rest[None, :])

        def e_step(a: np.ndarray, b: np.ndarray) -> np.ndarray:
            Z = by_task(self._terms(a[wi] * np.exp(b)[t], lab, k)) + log_prior[None, :]
            return np.exp(Z - logsumexp(Z, axis=1, keepdims=True))

        def objective(post: np.ndarray, a: np.ndarray, b: np.ndarray) -> float:
            Q = float(np.sum((post[t][:, classes].T * melted_terms(a[wi] * np.exp(b)[t])).ravel()))
            Q += float(_log_normal_pdf(a - mu_a).sum())
            Q += float(_log_normal_pdf(b - mu_b).sum())
            return -np.inf if np.isnan(Q) else Q

        def m_step(post: np.ndarray, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            pt = post[t][:, classes].T  # (k, nnz)

            def f(x: np.ndarray) -> float:
                return -objective(post, x[:n_w], x[n_w:])

            def grad(x: np.ndarray) -> np.ndarray:
                a, b = x[:n_w], x[n_w:]
                eb = np.exp(b)[t]
                resid = pt * (delta - expit(a[wi] * eb)[None, :])
                d_b = by_task_melted(((resid * a[wi][None, :]) * eb[None, :]).ravel()) - (b - mu_b)
                d_a = by_worker_melted((resid * eb[None, :]).ravel()) - (a - mu_a)
                return -np.concatenate([d_a, d_b])

            res = minimize(f, np.concatenate([a, b]), method="CG", jac=grad, tol=self.m_step_tol,
                           options={"disp": False, "maxiter": self.m_step_max_iter})
            return res.x[:n_w].copy(), res.x[n_w:].copy()

        bar = None
        if progress:
            from tqdm.auto import tqdm

            bar = tqdm(total=self.n_iter, desc="GLAD", leave=False)
        a, b = np.ones(n_w), np.ones(n_t)
        post = e_step(a, b)
        Q = objective(post, a, b)  # crowd-kit's first objective is not per annotation (kept, for its stopping)
        history = []
        for _ in range(self.n_iter):
            last_Q = Q
            used = (a, b)
            post = e_step(a, b)
            a, b = m_step(post, a, b)
            Q = objective(post, a, b) / (nnz * k)
            history.append(Q)
            if bar is not None:
                bar.update(1)
            if Q - last_Q < self.tol:
                break
        if bar is not None:
            bar.close()
        alphas = np.full(L.n_lfs, mu_a)
        alphas[workers] = used[0]
        betas = np.full(L.n_rows, mu_b)
        betas[V.rows] = used[1]
        proba = np.tile(prior, (L.n_rows, 1))
        proba[V.rows] = post
        self.alphas_, self.betas_ = alphas, betas
        self.n_votes_ = np.bincount(V.col, minlength=L.n_lfs).astype(np.float64)
        self.class_balance_ = prior
        self.loss_history_ = np.asarray(history)
        self.n_iter_ = len(history)
        self._remember_fit(L, proba)

    def _predict_new(self, L: LabelMatrix) -> np.ndarray:
        k = self.cardinality_
        seen = np.asarray(self.n_votes_) > 0
        csr = L.csr.copy()
        csr.data = np.where(seen[csr.indices], csr.data, 0)
        csr.eliminate_zeros()
        V = Votes(csr, k)
        cb = np.asarray(self.class_balance_, dtype=np.float64)
        with np.errstate(divide="ignore"):
            log_prior = np.log(cb)
        out = np.tile(cb, (L.n_rows, 1))
        if V.n:
            ab = np.asarray(self.alphas_, dtype=np.float64)[V.col] * np.exp(float(self.betas_priors_mean))
            Z = np.add.reduceat(self._terms(ab, V.lab, k), V.csr.indptr[:-1], axis=0) + log_prior[None, :]
            out[V.rows] = np.exp(Z - logsumexp(Z, axis=1, keepdims=True))
        return out
