"""Classic Dawid-Skene and one-coin Dawid-Skene, as crowd-kit runs them, over distinct vote patterns.

Both are EM over per-annotator error matrices ``errors[j, l, c] = P(annotator j answers l | true class c)``
that ignore abstains (an annotator who did not label an item says nothing about it). They start
from the (soft) majority vote and stop when the evidence lower bound per annotation improves
by less than ``tol``, exactly as crowd-kit's ``DawidSkene`` and ``OneCoinDawidSkene`` do; every
step is a sparse product over the distinct vote patterns, so its cost does not grow with
repeated rows.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np

from weaksup.matrix import LabelMatrix
from weaksup.models._params import SUM_TOLERANCE, Interval
from weaksup.models.crowd._common import EPS, Votes, _CrowdModel, require_votes
from weaksup.models.stats import one_hot


def _log2_table(errors: np.ndarray) -> np.ndarray:
    """``(m k, k)`` log2 error table; responses never seen (all-zero rows) get 0, i.e. carry no evidence."""
    m, k, _ = errors.shape
    out = np.zeros_like(errors)
    np.log2(errors, out=out, where=errors > 0)
    return out.reshape(m * k, k)


def _answers_sum_to_one(errors: np.ndarray) -> str | None:
    """A state check of ``errors_`` (m, k, k): each ``[annotator, :, class]`` is a distribution over answers
    (all 0 for an annotator without votes), or predict_proba would weigh votes by numbers that are not probabilities."""
    total = errors.sum(axis=1)
    # one-coin entries are clipped to [EPS, 1 - EPS], which moves a sum by up to k EPS
    bad = (np.abs(total - 1.0) > SUM_TOLERANCE + errors.shape[1] * EPS) & (total != 0)
    if bad.any():
        j, c = (int(i) for i in np.argwhere(bad)[0])
        return f"[{j}, :, {c}] sums to {total[j, c]!r}: P(answer | true class {c}) must sum to 1 over the answers"
    return None


def _posterior(Z: np.ndarray) -> np.ndarray:
    Z = np.exp2(Z - Z.max(axis=1, keepdims=True))
    return Z / Z.sum(axis=1, keepdims=True)


class _CrowdEM(_CrowdModel, ABC):
    """EM loop shared by the two Dawid-Skene variants (subclasses define the M-step)."""

    _parameter_rules = {"n_iter": Interval(int, 1), "tol": Interval(float, 0)}
    _state_rules = {"errors_": (("m", "k", "k"), 0.0, 1.0, _answers_sum_to_one)}

    def __init__(self, cardinality: int | None = None, n_iter: int = 100, tol: float = 1e-5) -> None:
        super().__init__(cardinality=cardinality)
        self.n_iter = n_iter
        self.tol = tol

    @abstractmethod
    def _m_step(self, V: Votes, post: np.ndarray) -> dict[str, np.ndarray]:
        """The learned arrays (at least ``errors_``) that the posteriors ``post`` give."""

    def _fit(self, L: LabelMatrix, class_balance: np.ndarray | None, seed: int | None, progress: bool) -> None:
        require_votes(L, type(self).__name__)
        k = self.cardinality_
        V = Votes.of_patterns(L, k)
        w = V.weight
        n_items, n_ann = V.n_items, V.n_annotations

        def priors(post: np.ndarray) -> np.ndarray:
            if class_balance is not None:
                return np.asarray(class_balance, dtype=np.float64)
            return (w @ post) / n_items

        def e_step(prior: np.ndarray, errors: np.ndarray) -> np.ndarray:
            Z = np.asarray(V.X @ _log2_table(errors)) + np.log2(np.clip(prior, EPS, None))[None, :]
            return _posterior(Z)

        def elbo(post: np.ndarray, prior: np.ndarray, errors: np.ndarray) -> float:
            ln_table = np.zeros_like(errors)
            np.log(errors, out=ln_table, where=errors > 0)
            joint = np.asarray(V.X @ ln_table.reshape(-1, k)) + V.n_votes[:, None] * np.log(np.clip(prior, EPS, None))
            clipped = np.clip(post, EPS, None)
            per_row = (post * joint).sum(axis=1) - (np.log(clipped) * clipped).sum(axis=1)
            return float(w @ per_row)

        bar = None
        if progress:
            from tqdm.auto import tqdm

            bar = tqdm(total=self.n_iter, desc=type(self).__name__, leave=False)
        counts = V.class_counts()
        post = counts / counts.sum(axis=1, keepdims=True)  # crowd-kit's start: the soft majority vote
        prior, params = priors(post), self._m_step(V, post)
        loss, history = -np.inf, []
        for _ in range(self.n_iter):
            used = (prior, params)
            post = e_step(prior, params["errors_"])
            prior, params = priors(post), self._m_step(V, post)
            new_loss = elbo(post, prior, params["errors_"]) / n_ann
            history.append(new_loss)
            if bar is not None:
                bar.update(1)
            if new_loss - loss < self.tol:
                break
            loss = new_loss
        if bar is not None:
            bar.close()
        # the posteriors come from the parameters of the last E-step: those are what predict_proba uses
        used_prior, used_params = used
        for name, value in used_params.items():
            setattr(self, name, value)
        cb = np.clip(used_prior, EPS, None)
        self.class_balance_ = cb / cb.sum()
        self.loss_history_ = np.asarray(history)
        self.n_iter_ = len(history)

    def _predict_proba(self, L: LabelMatrix) -> np.ndarray:
        k = self.cardinality_
        table = _log2_table(np.asarray(self.errors_, dtype=np.float64))
        prior = np.log2(np.clip(np.asarray(self.class_balance_, dtype=np.float64), EPS, None))
        return _posterior(np.asarray(one_hot(L.csr, k) @ table) + prior[None, :])


class CrowdDawidSkene(_CrowdEM):
    """Dawid-Skene as crowd-kit's ``DawidSkene``: a full confusion matrix per annotator, abstains ignored.

    Each annotator ``j`` has ``errors_[j, l, c] = P(answers l | true class c)``, estimated only
    for the answers ``l`` the annotator gave (others stay 0: such a vote in ``predict_proba``
    carries no evidence). EM starts from the soft majority vote; the class prior is the mean
    posterior (or ``class_balance`` when given to :meth:`fit`). Probabilities equal crowd-kit's
    ``fit_predict_proba`` on the same annotations (see ``tests/models/test_crowd.py``).

    Unlike :class:`~weaksup.models.DawidSkene`, which models abstaining as a response (better for
    labeling functions that fire on one class), this is the classic model for crowd workers.

    Parameters
    ----------
    cardinality : int, optional
        Number of classes (inferred from the votes if omitted).
    n_iter : int
        Maximum number of EM iterations.
    tol : float
        Stop when the evidence lower bound per annotation improves by less than this.

    Attributes
    ----------
    errors_ : array (m, k, k)
        Confusion matrices ``[annotator, answer, true class]`` of the last E-step (crowd-kit's
        ``errors_`` is one M-step further, which changes it by less than the last EM step).
    class_balance_ : array (k,)
        Class prior of the last E-step.
    loss_history_ : array
        Evidence lower bound per annotation after each iteration; ``n_iter_`` iterations ran.

    Examples
    --------
    >>> import numpy as np
    >>> L = np.array([[0, 0, 0], [1, 1, 1], [0, 0, 1], [1, 1, 0], [0, 1, 0], [1, 0, 1]] * 5)
    >>> model = CrowdDawidSkene().fit(L)
    >>> model.predict(np.array([[0, 0, -1], [1, -1, 1], [0, 1, 1]])).tolist()
    [0, 1, 0]
    >>> model.errors_[1].round(2).tolist()  # annotator 1: [answer, true class]
    [[0.67, 0.33], [0.33, 0.67]]
    """

    def _m_step(self, V: Votes, post: np.ndarray) -> dict[str, np.ndarray]:
        k = V.k
        N = np.asarray(V.X.T @ (post * V.weight[:, None])).reshape(V.m, k, k)  # [annotator, answer, class]
        seen = np.zeros((V.m, k), dtype=bool)
        seen[V.col, V.lab] = True
        errors = np.where(seen[:, :, None], np.clip(N, EPS, None), 0.0)
        total = errors.sum(axis=1, keepdims=True)
        return {"errors_": errors / np.where(total > 0, total, 1.0)}


class OneCoinDawidSkene(_CrowdEM):
    """One-coin Dawid-Skene as crowd-kit's ``OneCoinDawidSkene``: one skill (accuracy) per annotator.

    Annotator ``j`` answers the true class with probability ``skills_[j]`` and each other class
    with ``(1 - skills_[j]) / (k - 1)``; the M-step sets a skill to the annotator's mean posterior
    of the answers it gave. EM, start and stopping as :class:`CrowdDawidSkene`; probabilities
    equal crowd-kit's ``fit_predict_proba``.

    Parameters
    ----------
    cardinality : int, optional
        Number of classes (inferred from the votes if omitted).
    n_iter : int
        Maximum number of EM iterations.
    tol : float
        Stop when the evidence lower bound per annotation improves by less than this.

    Attributes
    ----------
    skills_ : array (m,)
        Accuracy of each annotator in the last E-step (``1 / k`` for annotators without votes).
    errors_ : array (m, k, k)
        The confusion matrices those skills make, clipped to ``[1e-10, 1 - 1e-10]``.
    class_balance_ : array (k,)
        Class prior of the last E-step.

    Examples
    --------
    >>> import numpy as np
    >>> L = np.array([[0, 0, 0], [1, 1, 1], [0, 0, 1], [1, 1, 0], [0, 1, 0], [1, 0, 1]] * 5)
    >>> model = OneCoinDawidSkene().fit(L)
    >>> model.predict(np.array([[0, 0, -1], [1, -1, 1], [0, 1, 1]])).tolist()
    [0, 1, 0]
    >>> model.skills_.round(2).tolist()
    [1.0, 0.67, 0.67]
    """

    _state_rules = {"skills_": (("m",), 0.0, 1.0)}

    def _m_step(self, V: Votes, post: np.ndarray) -> dict[str, np.ndarray]:
        n = V.annotator_votes()
        hit = V.per_annotator(post[V.row, V.lab])  # posterior of the answer given, summed per annotator
        skills = np.where(n > 0, hit / np.where(n > 0, n, 1.0), 1.0 / V.k)
        return {"errors_": _one_coin_errors(skills, V.k), "skills_": skills}


def _one_coin_errors(skills: np.ndarray, k: int) -> np.ndarray:
    """``(m, k, k)`` confusion matrices of one-coin annotators, clipped as crowd-kit clips them."""
    eye = np.eye(k, dtype=bool)[None]
    s = skills[:, None, None]
    return np.clip(np.where(eye, s, (1.0 - s) / (k - 1)), EPS, 1.0 - EPS)
