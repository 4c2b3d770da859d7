"""Generative label model: per-LF, per-class accuracy and abstain propensity, by maximum marginal likelihood."""

from __future__ import annotations

import numpy as np

from weaksup.models._em import majority_posterior, run_em
from weaksup.models._params import LOG_PROBABILITY_TABLE, PROBABILITY, Interval, Options
from weaksup.models._table import LogTableModel
from weaksup.models.stats import PatternCounts


class GenerativeModel(LogTableModel):
    """Data-programming label model fitted by EM (MAP) over distinct vote patterns.

    For LF ``j`` and true class ``c`` it learns the propensity to fire,
    ``beta[j, c] = P(LF votes | y = c)``, and the accuracy ``alpha[j, c] = P(vote = c | votes,
    y = c)``; wrong votes go to the other classes in proportion to how often the LF votes
    them (so an LF that only ever votes one class puts all its errors there). The class
    balance is learned from the votes unless given. Beta priors on accuracies (centred on
    ``acc_prior``) and add-one priors elsewhere keep small LFs from degenerating.

    Parameters
    ----------
    cardinality : int, optional
        Number of classes (inferred from the votes if omitted).
    accuracy : {"lf", "class"}
        One accuracy per LF, or one per LF and true class.
    propensity : {"polarity", "class", "lf"}
        Firing rate ``P(LF votes | y = c)``: per class for the classes the LF votes and pooled
        over the others ("polarity"), per class ("class"), or one per LF ("lf": abstaining
        then carries no evidence, and one-class LFs make the model degenerate).
    errors : {"polarity", "uniform"}
        Where wrong votes go: to the classes the LF votes, in proportion ("polarity"), or
        uniformly over the other classes (Snorkel's data-programming assumption).
    acc_prior : float
        Prior mean of every accuracy (better than chance is the working assumption of WS).
    prior_strength : float
        Pseudo-count weight of the accuracy prior.
    propensity_smoothing : float
        Pseudo-count added to fire / abstain counts per class.
    max_iter : int
        Maximum EM iterations.
    tol : float
        Stop when the mean log-likelihood per row improves by less than this.

    Attributes
    ----------
    log_table_ : ndarray (m, k + 1, k)
        ``log P(response | y)``; response 0 is abstain, ``1 + c`` a vote for ``c``.
    class_accuracy_ : ndarray (m, k)
    propensity_ : ndarray (m, k)
    class_balance_ : ndarray (k,)

    Examples
    --------
    >>> import numpy as np
    >>> L = np.array([[0, 0, -1], [1, 1, 1], [0, -1, 0], [1, 1, -1], [0, 0, 0]] * 4)
    >>> model = GenerativeModel().fit(L)
    >>> model.predict(np.array([[1, 1, -1], [0, -1, -1]])).tolist()
    [1, 0]
    """

    min_lfs = 3
    _parameter_rules = {
        "accuracy": Options("lf", "class"), "propensity": Options("polarity", "class", "lf"),
        "errors": Options("polarity", "uniform"), "acc_prior": PROBABILITY, "prior_strength": Interval(float, 0),
        "propensity_smoothing": Interval(float, 0), "max_iter": Interval(int, 1), "tol": Interval(float, 0),
    }
    _renamed_state = {"accuracy_": "class_accuracy_"}  # the name older saved models use
    _state_rules = {"log_table_": LOG_PROBABILITY_TABLE, "class_accuracy_": (("m", "k"), 0, 1),
                    "propensity_": (("m", "k"), 0, 1)}

    def __init__(self, cardinality: int | None = None, accuracy: str = "lf", propensity: str = "polarity",
                 errors: str = "polarity", acc_prior: float = 0.7, prior_strength: float = 2.0, propensity_smoothing: float = 1.0,
                 max_iter: int = 200, tol: float = 1e-7) -> None:
        super().__init__(cardinality=cardinality)
        self.accuracy = accuracy
        self.propensity = propensity
        self.errors = errors
        self.acc_prior = acc_prior
        self.prior_strength = prior_strength
        self.propensity_smoothing = propensity_smoothing
        self.max_iter = max_iter
        self.tol = tol

    def _fit_stats(self, stats: PatternCounts, class_balance: np.ndarray | None, seed: int | None,
                   progress: bool) -> None:
        k, m = self.cardinality_, stats.n_lfs
        X = stats.one_hot(k)
        w = stats.counts.astype(np.float64)
        # how often each LF votes each class: where its wrong votes go
        share = np.asarray(X.T @ w).reshape(m, k) + 1e-3
        wrong_base = np.ones_like(share) if self.errors == "uniform" else share
        polar = share > 0.5  # (m, k): the classes each LF ever votes
        a_acc = self.acc_prior * self.prior_strength
        b_acc = (1 - self.acc_prior) * self.prior_strength
        s = float(self.propensity_smoothing)
        eye = np.eye(k, dtype=bool)

        def m_step(C: np.ndarray, T: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            fired = C[:, 1:, :].sum(axis=1)  # (m, k)
            correct = C[:, 1:, :][:, eye]  # (m, k): votes for c when y = c
            if self.propensity == "lf":  # one firing rate per LF: abstaining carries no class evidence
                prop = np.repeat((fired.sum(1, keepdims=True) + s) / (T.sum() + 2 * s), k, axis=1)
            elif self.propensity == "polarity":  # per class it votes; pooled over classes it never votes
                f_out = np.where(polar, 0.0, fired).sum(1, keepdims=True)
                t_out = np.where(polar, 0.0, T[None, :]).sum(1, keepdims=True)
                prop = np.where(polar, (fired + s) / (T[None, :] + 2 * s), (f_out + s) / (t_out + 2 * s))
            else:
                prop = (fired + s) / (T[None, :] + 2 * s)
            if self.accuracy == "lf":  # one accuracy per LF, pooled over classes
                acc = np.repeat((correct.sum(1, keepdims=True) + a_acc) / (fired.sum(1, keepdims=True) + a_acc + b_acc), k, axis=1)
            else:
                acc = (correct + a_acc) / (fired + a_acc + b_acc)
            wrong = np.where(eye[None, :, :], 0.0, wrong_base[:, :, None])  # (m, vote, class)
            wrong /= np.clip(wrong.sum(axis=1, keepdims=True), 1e-300, None)
            vote = np.where(eye[None, :, :], acc[:, None, :], (1 - acc)[:, None, :] * wrong)
            table = np.empty((m, k + 1, k))
            table[:, 0, :] = 1 - prop
            table[:, 1:, :] = prop[:, None, :] * vote
            prior = class_balance if class_balance is not None else (T + 1.0) / (T.sum() + k)
            self.class_accuracy_, self.propensity_ = acc, prop
            return np.log(np.clip(table, 1e-300, None)), prior

        start = np.full(k, 1.0 / k) if class_balance is None else class_balance
        post = majority_posterior(X, m, k, start)
        self.log_table_, self.class_balance_, self.n_iter_ = run_em(
            X, w, m, k, m_step, post, self.max_iter, self.tol, progress
        )
