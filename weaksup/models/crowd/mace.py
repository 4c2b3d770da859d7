"""MACE (multi-annotator competence estimation) as crowd-kit runs it, over distinct vote patterns."""

from __future__ import annotations

import numpy as np
from scipy.special import digamma, logsumexp

from weaksup.matrix import LabelMatrix
from weaksup.models._params import NONE, Interval, Options, rows_sum_in_unit_interval
from weaksup.models.crowd._common import Votes, _CrowdModel, annotator_order, label_order, require_votes
from weaksup.models.stats import one_hot


def _normalize(x: np.ndarray, prior: np.ndarray | float) -> np.ndarray:
    """Rows of ``x + prior`` scaled to sum to 1 (rows summing to ~0 become 0): the EM M-step."""
    total = (x + prior).sum(axis=1)[:, None]
    return np.divide(x + prior, total, out=np.zeros_like(x), where=~np.isclose(total, 0.0))


def _variational_normalize(x: np.ndarray, prior: np.ndarray | float) -> np.ndarray:
    """``exp(digamma(x + prior)) / exp(digamma(row sum))``: the variational-Bayes M-step."""
    total = np.exp(digamma((x + prior).sum(axis=1)))[:, None]
    return np.divide(np.exp(digamma(x + prior)), total, out=np.zeros_like(x), where=~np.isclose(total, 0.0))


class MACE(_CrowdModel):
    """MACE as crowd-kit's ``MACE``: each annotator is either competent (answers the truth) or spamming.

    Annotator ``j`` spams with probability ``spamming_[j, 0]`` and then answers from its own
    label distribution ``thetas_[j]``; otherwise (``spamming_[j, 1]``) it gives the true class,
    which is uniform a priori. Fitted by EM (``method="em"``, counts smoothed by ``smoothing``)
    or variational Bayes (``method="vb"``, Beta(``alpha``, ``beta``) prior on competence and a
    symmetric Dirichlet(10) prior on the label distributions), ``n_iter`` iterations from a
    random start, as crowd-kit does. Every step is a sparse product over the distinct vote
    patterns; probabilities equal crowd-kit's ``fit_predict_proba`` (see below for the one case
    where crowd-kit's own output depends on annotator names).

    Random start, as in crowd-kit: competences and label distributions are drawn uniformly from
    ``[1, 2 + default_noise)`` and normalised, the annotators in the order they first appear in a
    row-major scan of the matrix (:func:`annotation_table`), the classes in the order they first
    appear. An integer ``random_state`` seeds every restart the same way, so (as in crowd-kit) the
    restarts coincide and only one is run; ``random_state=None`` draws each restart afresh from
    the ``seed`` given to :meth:`fit`, and the restart with the best marginal likelihood is kept.

    crowd-kit 1.4.2 stores the expected label counts of the M-step in the sorted order of the
    annotator names (and classes) but reads them back in order of first appearance, so its
    result depends on the names; the two orders agree, and so do its probabilities and ours,
    when names sort in order of first appearance. This class keeps every annotator's counts
    with that annotator.

    Parameters
    ----------
    cardinality : int, optional
        Number of classes (inferred from the votes if omitted).
    n_restarts : int
        Random restarts (only with ``random_state=None``; see above).
    n_iter : int
        EM iterations per restart.
    method : {"vb", "em"}
        Variational Bayes with priors, or plain EM with smoothing.
    smoothing : float, optional
        Pseudo-count of the EM M-step; ``None`` is crowd-kit's ``0.01 / k`` (crowd-kit ignores its
        own ``smoothing`` parameter and always uses that).
    default_noise : float
        Width of the random start above.
    alpha, beta : float
        Beta prior on competence (``method="vb"``).
    random_state : int, optional
        Seed of the random start; ``None`` uses the ``seed`` passed to :meth:`fit`.

    Attributes
    ----------
    spamming_ : array (m, 2)
        ``[P(spamming), P(competent)]`` per annotator (``[1, 0]`` for annotators without votes,
        whose votes then carry no evidence).
    thetas_ : array (m, k)
        Label distribution of each annotator when spamming.
    log_marginal_likelihood_ : float
        Of the kept restart.

    Examples
    --------
    >>> import numpy as np
    >>> L = np.array([[0, 0, 0], [1, 1, 1], [0, 0, 1], [1, 1, 0], [0, 1, 0], [1, 0, 1]] * 5)
    >>> model = MACE().fit(L)
    >>> model.predict(np.array([[0, 0, -1], [1, -1, 1], [0, 1, 1]])).tolist()
    [0, 1, 0]
    >>> model.spamming_[:, 1].round(2).tolist()  # competence
    [0.97, 0.34, 0.34]
    """

    _parameter_rules = {
        "n_restarts": Interval(int, 1),
        "n_iter": Interval(int, 0),
        "method": Options("vb", "em"),
        "smoothing": (NONE, Interval(float, 0)),
        "default_noise": Interval(float, 0),
        "alpha": Interval(float, 0, closed="neither"),
        "beta": Interval(float, 0, closed="neither"),
        "random_state": (NONE, Interval(int, 0)),
    }
    # rows of spamming_ ([P(spam), P(competent)]) and thetas_ are distributions: EM normalises them to 1,
    # variational Bayes to a little less; a row of zeros makes votes impossible (log 0) and probabilities NaN
    _state_rules = {"thetas_": (("m", "k"), 0.0, 1.0, rows_sum_in_unit_interval),
                    "spamming_": (("m", 2), 0.0, 1.0, rows_sum_in_unit_interval)}

    def __init__(self, cardinality: int | None = None, n_restarts: int = 10, n_iter: int = 50, method: str = "vb",
                 smoothing: float | None = None, default_noise: float = 0.5, alpha: float = 0.5, beta: float = 0.5,
                 random_state: int | None = 0) -> None:
        super().__init__(cardinality=cardinality)
        self.n_restarts = n_restarts
        self.n_iter = n_iter
        self.method = method
        self.smoothing = smoothing
        self.default_noise = default_noise
        self.alpha = alpha
        self.beta = beta
        self.random_state = random_state

    @staticmethod
    def _log_gold(X: object, spamming: np.ndarray, thetas: np.ndarray, k: int) -> np.ndarray:
        """``(n, k)`` log of ``P(votes, y = c)`` (up to the uniform prior) for the rows of one-hot votes ``X``."""
        m = thetas.shape[0]
        # a vote l by annotator j under class c has probability spam_j theta_jl + competent_j [c == l]
        f = spamming[:, 0, None, None] * thetas[:, :, None] + spamming[:, 1, None, None] * np.eye(k)[None]
        with np.errstate(divide="ignore"):  # a fully competent annotator (spam 0) makes other answers impossible
            log_f = np.log(f)
        return np.asarray(X @ log_f.reshape(m * k, k)) - np.log(k)

    def _fit(self, L: LabelMatrix, class_balance: np.ndarray | None, seed: int | None, progress: bool) -> None:
        require_votes(L, type(self).__name__)
        k, m = self.cardinality_, L.n_lfs
        V = Votes.of_patterns(L, k)
        workers, classes = annotator_order(L), label_order(L, k)
        col, lab, row = V.col, V.lab, V.row
        w = V.vote_weight
        smoothing = 0.01 / k if self.smoothing is None else float(self.smoothing)
        seeded = self.random_state is not None
        rng = np.random.RandomState(self.random_state if seeded else seed)
        n_runs = 1 if seeded else self.n_restarts  # restarts seeded alike are alike: run one

        def start() -> tuple[np.ndarray, np.ndarray]:
            draw = (lambda shape: np.random.RandomState(self.random_state).uniform(size=shape)) if seeded else (
                lambda shape: rng.uniform(size=shape))
            scale = 1.0 + self.default_noise
            s = draw((len(workers), 2)) * scale + 1.0
            t = draw((len(workers), k)) * scale + 1.0
            spamming, thetas = np.full((m, 2), 0.5), np.full((m, k), 1.0 / k)
            spamming[workers] = s / s.sum(axis=1, keepdims=True)
            thetas[np.ix_(workers, classes)] = t / t.sum(axis=1, keepdims=True)
            return spamming, thetas

        def e_step(spamming: np.ndarray, thetas: np.ndarray) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
            log_gold = self._log_gold(V.X, spamming, thetas, k)
            log_inst = logsumexp(log_gold, axis=1)
            ll = float(V.weight @ np.logaddexp(log_inst, np.log(1e-8)))
            post = np.exp(log_gold - log_inst[:, None])  # gold / instance marginal, per row
            spam_theta = spamming[col, 0] * thetas[col, lab]
            own = np.eye(k, dtype=bool)[lab]  # (nnz, k): class c equals the vote
            # posterior that the vote was spam: sum_c P(y = c | row) spam theta / P(vote | y = c)
            f = spam_theta[:, None] + spamming[col, 1][:, None] * own
            # where f is 0 (a class the vote makes impossible) so is the posterior: that term is 0, as crowd-kit's
            # pandas sums (which skip the NaN of 0 / 0) take it
            strategy = np.divide(post[row], f, out=np.zeros_like(f), where=f > 0).sum(axis=1) * spam_theta
            knowing = post[row, lab] * spamming[col, 1] / (spam_theta + spamming[col, 1])
            strategy_counts = np.bincount(col * k + lab, weights=strategy * w, minlength=m * k).reshape(m, k)
            knowing_counts = np.stack([np.bincount(col, weights=strategy * w, minlength=m),
                                       np.bincount(col, weights=knowing * w, minlength=m)], axis=1)
            return ll, post, strategy_counts, knowing_counts

        def m_step(strategy_counts: np.ndarray, knowing_counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            if self.method == "vb":
                prior = np.empty((m, 2))
                prior[:, 0], prior[:, 1] = self.alpha, self.beta
                return _variational_normalize(knowing_counts, prior), _variational_normalize(strategy_counts, 10.0)
            return _normalize(knowing_counts, smoothing), _normalize(strategy_counts, smoothing)

        bar = None
        if progress:
            from tqdm.auto import tqdm

            bar = tqdm(total=n_runs * self.n_iter, desc="MACE", leave=False)
        best_ll, best = -np.inf, None
        for _ in range(n_runs):
            spamming, thetas = start()
            ll, _, sc, kc = e_step(spamming, thetas)
            for _ in range(self.n_iter):
                spamming, thetas = m_step(sc, kc)
                ll, _, sc, kc = e_step(spamming, thetas)
                if bar is not None:
                    bar.update(1)
            if best is None or ll > best_ll:
                best_ll, best = ll, (spamming, thetas)
        if bar is not None:
            bar.close()
        spamming, thetas = best
        silent = np.bincount(col, minlength=m) == 0
        spamming[silent], thetas[silent] = (1.0, 0.0), 1.0 / k  # no votes in the fit: votes carry no evidence
        self.spamming_, self.thetas_ = spamming, thetas
        self.log_marginal_likelihood_ = best_ll

    def _predict_proba(self, L: LabelMatrix) -> np.ndarray:
        k = self.cardinality_
        log_gold = self._log_gold(one_hot(L.csr, k), np.asarray(self.spamming_, dtype=np.float64),
                                  np.asarray(self.thetas_, dtype=np.float64), k)
        return np.exp(log_gold - logsumexp(log_gold, axis=1, keepdims=True))
