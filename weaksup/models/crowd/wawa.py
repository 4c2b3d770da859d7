"""Skill-weighted majority votes: Wawa (agreement with the majority) and Zero-Based Skill, as crowd-kit runs them."""

from __future__ import annotations

import numpy as np

from weaksup.matrix import LabelMatrix
from weaksup.models._params import Interval
from weaksup.models.crowd._common import (
    Votes,
    _CrowdModel,
    first_max,
    label_order,
    normalized_votes,
    weighted_votes,
)


def _skill_vote(V: Votes, skills: np.ndarray) -> np.ndarray:
    """``(p, k)`` summed skills of the annotators voting each class, per row of ``V``."""
    return V.class_counts(np.asarray(skills, dtype=np.float64)[V.col])  # per vote: no (m k, k) matrix


def _agreement(V: Votes, labels: np.ndarray) -> np.ndarray:
    """Share of each annotator's votes that equal ``labels`` of their rows (0 for annotators without votes)."""
    n = V.annotator_votes()
    hit = V.per_annotator((V.lab == labels[V.row]).astype(np.float64))
    return np.where(n > 0, hit / np.where(n > 0, n, 1.0), 0.0)


class _SkillVote(_CrowdModel):
    """Prediction shared by skill-weighted votes: ``P(c) = summed skills voting c / summed skills``."""

    _state_rules = {"skills_": (("m",), 0.0, 1.0)}

    def _predict_proba(self, L: LabelMatrix) -> np.ndarray:
        skills = np.asarray(self.skills_, dtype=np.float64)
        return normalized_votes(weighted_votes(L.csr, skills, self.cardinality_))


class Wawa(_SkillVote):
    """Wawa (worker agreement with aggregate) as crowd-kit's ``Wawa``.

    Takes the majority vote (ties to the class that appears first in a row-major scan of the
    matrix, as crowd-kit's unweighted ``MajorityVote`` orders them), sets each annotator's
    skill to the share of its votes that agree with it, then votes again with those skills
    as weights: ``predict_proba`` is each class's share of the summed skills (uniform where
    every voter has skill 0, where crowd-kit gives NaN). Counts distinct vote patterns once.
    Because its ties follow the rows' order, ``fit_from_stats`` (and ``fit_chunked``, ``fit_dask``), which see
    vote patterns without that order, can break a tie the other way and give other skills than ``fit(L)``.

    Parameters
    ----------
    cardinality : int, optional
        Number of classes (inferred from the votes if omitted).

    Attributes
    ----------
    skills_ : array (m,)
        Agreement of each annotator with the majority vote (0 for annotators without votes).

    Examples
    --------
    >>> import numpy as np
    >>> L = np.array([[0, 0, 1], [1, 1, 1], [0, 0, 0], [1, 0, 1], [0, -1, 0]])
    >>> model = Wawa().fit(L)
    >>> model.skills_.round(2).tolist()
    [1.0, 0.75, 0.8]
    >>> model.predict_proba(np.array([[0, -1, 1]])).round(3).tolist()
    [[0.556, 0.444]]
    """

    def _fit(self, L: LabelMatrix, class_balance: np.ndarray | None, seed: int | None, progress: bool) -> None:
        V = Votes.of_patterns(L, self.cardinality_)
        classes = label_order(L, self.cardinality_)
        self.skills_ = _agreement(V, classes[first_max(V.class_counts()[:, classes])])


class ZeroBasedSkill(_SkillVote):
    """Zero-Based Skill as crowd-kit's ``ZeroBasedSkill``: skills moved toward agreement with the weighted vote.

    Skills start at ``1 / k + eps``; each of ``n_iter`` rounds takes the skill-weighted vote
    (ties to the lowest class) and moves every skill toward the annotator's agreement with it,
    ``skill += lr (agreement - skill)``, the rate ``lr`` starting at ``lr_init`` and multiplied
    by ``lr_reduce_factor`` every ``lr_steps_to_reduce`` rounds. ``predict_proba`` is the
    skill-weighted vote with the final skills, as crowd-kit's ``predict_proba``.

    Parameters
    ----------
    cardinality : int, optional
        Number of classes (inferred from the votes if omitted).
    n_iter : int
        Rounds of skill updates.
    lr_init : float
        First learning rate.
    lr_steps_to_reduce : int
        The rate is reduced at every round that is a multiple of this.
    lr_reduce_factor : float
        Factor the rate is multiplied by.
    eps : float
        Added to the starting skill ``1 / k``.

    Attributes
    ----------
    skills_ : array (m,)
        Final skills (annotators without votes keep the starting skill).

    Examples
    --------
    >>> import numpy as np
    >>> L = np.array([[0, 0, 1], [1, 1, 1], [0, 0, 0], [1, 0, 1], [0, -1, 0]])
    >>> ZeroBasedSkill().fit(L).predict(np.array([[0, -1, 1], [1, 1, 0]])).tolist()
    [0, 1]
    """

    _parameter_rules = {
        "n_iter": Interval(int, 0),
        # rates in (0, 1] keep every skill a convex mix of agreements, in [0, 1]
        "lr_init": Interval(float, 0, 1, closed="right"),
        "lr_steps_to_reduce": Interval(int, 1),
        "lr_reduce_factor": Interval(float, 0, 1, closed="right"),
        "eps": Interval(float, 0, 0.5),  # a start 1 / k + eps in (0, 1]
    }

    def __init__(self, cardinality: int | None = None, n_iter: int = 100, lr_init: float = 1.0,
                 lr_steps_to_reduce: int = 20, lr_reduce_factor: float = 0.5, eps: float = 1e-5) -> None:
        super().__init__(cardinality=cardinality)
        self.n_iter = n_iter
        self.lr_init = lr_init
        self.lr_steps_to_reduce = lr_steps_to_reduce
        self.lr_reduce_factor = lr_reduce_factor
        self.eps = eps

    def _fit(self, L: LabelMatrix, class_balance: np.ndarray | None, seed: int | None, progress: bool) -> None:
        k = self.cardinality_
        V = Votes.of_patterns(L, k)
        skills = np.full(L.n_lfs, 1.0 / k + self.eps)
        voted = V.annotator_votes() > 0
        lr = float(self.lr_init)
        for it in range(1, self.n_iter + 1):
            if it % self.lr_steps_to_reduce == 0:
                lr *= self.lr_reduce_factor
            S = _skill_vote(V, skills)
            total = S.sum(axis=1, keepdims=True)
            labels = first_max(np.divide(S, total, out=np.zeros_like(S), where=total > 0))
            skills = np.where(voted, skills + lr * (_agreement(V, labels) - skills), skills)
        self.skills_ = skills
