"""Agreement model: LF accuracies learned from where LFs overlap, combined by a weighted vote.

This is the default label model. It is the one-coin model of crowdsourcing and data
programming (every LF has one accuracy; its wrong votes spread evenly over the other
classes) fitted by EM, i.e. iterative weighted majority voting (Li & Yu 2014), with the
changes that keep it from collapsing on real weak supervision:

- an LF's accuracy is estimated only on rows where some other LF also voted, so an LF
  cannot vouch for itself on the rows where it votes alone;
- every accuracy has a Beta prior better than chance and is kept above chance, so a
  weight never turns against its vote (no label flips for LFs that vote one class only);
- abstains carry no evidence, and the class prior is kept out of the fit (uniform), the
  two routes by which likelihood-based models (Dawid-Skene, the generative model) drift to
  the majority class when LFs are correlated or fire for one class only; the prior (given,
  from dev labels, or estimated after the fit) is applied when predicting.
See benchmarks/RESULTS.md for the comparison.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from weaksup.errors import ModelInputError
from weaksup.models._table import LogTableModel, softmax
from weaksup.models.stats import PatternCounts

_CHUNK_NNZ = 1 << 22  # votes processed per block: bounds the temporaries of one iteration


class AgreementModel(LogTableModel):
    """Weighted vote whose LF weights are fitted by EM on the rows where LFs overlap.

    Each iteration computes the posterior of every row under the current weights (uniform
    prior); ``acc_j`` is the Beta-smoothed mean posterior probability that LF ``j``'s vote
    is right, over the rows where some other LF voted too, kept above chance; the weight is
    the naive-Bayes log-odds ``w_j = log((k - 1) acc_j / (1 - acc_j))``. It starts from plain
    majority vote and stops when no weight moves by more than ``tol``. ``predict_proba`` is
    ``softmax(log prior + sum of the weights of the LFs voting each class)``.

    It runs on :class:`PatternCounts` (so ``partial_fit`` and ``fit_from_stats`` work) and
    each iteration costs a few passes over the distinct patterns' votes. It needs no
    minimum number of LFs: with fewer than two overlapping LFs it reduces to majority vote.

    Parameters
    ----------
    cardinality : int, optional
        Number of classes (inferred from the votes if omitted).
    acc_prior : float
        Prior mean of every LF accuracy (weak supervision assumes better than chance).
    prior_strength : float
        Pseudo-rows behind the prior: LFs that overlap others on far more rows than this
        get their own accuracy, rarely overlapping ones stay near ``acc_prior``.
    learn_class_balance : bool
        If True (and no class balance or dev labels are given), estimate the class balance
        as the mean posterior of the rows with votes, after the fit (it is not fed back into
        the fit). Default False: a uniform prior, as in Snorkel.
    max_iter : int
        Maximum iterations.
    tol : float
        Stop when no LF weight changes by more than this.

    Attributes
    ----------
    weights_ : ndarray (m,)
        Log-odds weight of each LF's vote.
    lf_accuracy_ : ndarray (m,)
        Estimated accuracy of each LF (when it votes).
    lf_overlap_ : ndarray (m,)
        Number of rows on which each LF voted together with another LF.
    class_balance_ : ndarray (k,)
    n_iter_ : int

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> y = rng.integers(0, 2, 3000)
    >>> L = np.stack([np.where(rng.random(3000) < a, y, 1 - y) for a in (0.95, 0.8, 0.7, 0.6)], axis=1)
    >>> model = AgreementModel().fit(L)
    >>> np.round(model.accuracies_, 1).tolist()
    [0.9, 0.8, 0.7, 0.6]
    >>> model.predict(np.array([[1, 0, -1, -1], [-1, 0, 1, 1]])).tolist()
    [1, 0]
    """

    min_lfs = 1

    def __init__(self, cardinality: int | None = None, acc_prior: float = 0.7, prior_strength: float = 100.0,
                 learn_class_balance: bool = False, max_iter: int = 100, tol: float = 1e-5) -> None:
        super().__init__(cardinality=cardinality)
        self.acc_prior = acc_prior
        self.prior_strength = prior_strength
        self.learn_class_balance = learn_class_balance
        self.max_iter = max_iter
        self.tol = tol

    def _fit_stats(self, stats: PatternCounts, class_balance: np.ndarray | None, seed: int | None,
                   progress: bool) -> None:
        k, m = self.cardinality_, stats.n_lfs
        if not 1.0 / k < self.acc_prior < 1.0 or self.prior_strength < 0:
            raise ModelInputError(
                f"acc_prior must lie in (1/k, 1) = ({1 / k:.3f}, 1) and prior_strength be >= 0; got "
                f"acc_prior={self.acc_prior}, prior_strength={self.prior_strength}"
            )
        pats = stats.patterns
        count = stats.counts.astype(np.float64)
        # per vote: the LF (column) and the class voted; rows come from indptr chunk by chunk
        lf_of = pats.indices.astype(np.int64)
        cls_of = pats.data.astype(np.int64) - 1
        n_votes = np.diff(pats.indptr)
        a0 = self.acc_prior * self.prior_strength
        b0 = (1.0 - self.acc_prior) * self.prior_strength
        lo, hi = 1.0 / k + 1e-4, 1.0 - 1e-4  # above chance: a weight never turns against its vote

        def to_weights(acc: np.ndarray) -> np.ndarray:
            acc = np.clip(acc, lo, hi)
            return np.log((k - 1) * acc / (1 - acc))

        weights = to_weights(np.full(m, self.acc_prior))  # equal weights: majority vote
        acc = np.full(m, self.acc_prior)
        overlap = np.zeros(m)
        n_iter = 0
        steps = range(1, self.max_iter + 1)
        if progress:
            from tqdm.auto import tqdm

            steps = tqdm(steps, desc="AgreementModel", leave=False)
        for step in steps:
            n_iter = step
            agree, overlap = _loo_agreement(pats.indptr, lf_of, cls_of, n_votes, count, weights, m, k)
            acc = (agree + a0) / (overlap + a0 + b0)
            new = to_weights(acc)
            delta = float(np.abs(new - weights).max()) if m else 0.0
            weights = new
            if delta < self.tol:
                break
        self.n_iter_ = n_iter
        self.weights_ = weights
        self.lf_accuracy_ = np.clip(acc, lo, hi)
        self.lf_overlap_ = overlap
        table = np.zeros((m, k + 1, k))
        table[:, 1:, :] = weights[:, None, None] * np.eye(k)[None, :, :]
        self.log_table_ = table
        if class_balance is not None:
            self.class_balance_ = np.asarray(class_balance, dtype=np.float64)
        elif self.learn_class_balance:
            self.class_balance_ = _posterior_balance(pats, count, table, k)
        else:
            self.class_balance_ = np.full(k, 1.0 / k)

    @property
    def accuracies_(self) -> np.ndarray:  # type: ignore[override]
        """Estimated accuracy of each LF when it votes."""
        return np.asarray(self.lf_accuracy_)


def _loo_agreement(indptr: np.ndarray, lf_of: np.ndarray, cls_of: np.ndarray, n_votes: np.ndarray,
                   count: np.ndarray, weights: np.ndarray, m: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Per LF: expected number of right votes on rows shared with another LF, and that row count.

    The class prior is left out on purpose: fed back into the fit it pulls every row, and
    then every LF's accuracy, towards the majority class.
    """
    agree = np.zeros(m)
    overlap = np.zeros(m)
    n_rows = len(n_votes)
    start = 0
    while start < n_rows:
        # a block of whole rows holding about _CHUNK_NNZ votes
        stop = int(np.searchsorted(indptr, indptr[start] + _CHUNK_NNZ, side="right")) - 1
        stop = min(max(stop, start + 1), n_rows)
        a, b = int(indptr[start]), int(indptr[stop])
        row = np.repeat(np.arange(stop - start), n_votes[start:stop])
        lf, cl = lf_of[a:b], cls_of[a:b]
        S = np.bincount(row * k + cl, weights=weights[lf], minlength=(stop - start) * k).reshape(-1, k)
        S -= S.max(axis=1, keepdims=True)
        E = np.exp(S)
        Z = E.sum(axis=1)
        p = E[row, cl] / Z[row]  # posterior probability that this vote is right
        scored = (n_votes[start:stop] > 1)[row]  # rows where some other LF voted
        c = np.where(scored, count[start:stop][row], 0.0)
        agree += np.bincount(lf, weights=c * p, minlength=m)
        overlap += np.bincount(lf, weights=c, minlength=m)
        start = stop
    return agree, overlap


def _posterior_balance(pats: sp.csr_matrix, count: np.ndarray, table: np.ndarray, k: int) -> np.ndarray:
    """Mean posterior (uniform prior) of the rows with votes, add-one smoothed."""
    from weaksup.models._table import log_posterior

    voted = np.diff(pats.indptr) > 0
    if not voted.any():
        return np.full(k, 1.0 / k)
    P = softmax(log_posterior(pats[voted], table, np.zeros(k)))
    mass = count[voted] @ P
    return (mass + 1.0) / (mass.sum() + k)
