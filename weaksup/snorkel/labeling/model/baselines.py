"""Snorkel's baseline label models (``snorkel.labeling.model.baselines``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from weaksup.errors import ModelInputError
from weaksup.matrix import LabelMatrix, as_label_matrix
from weaksup.models.base import BaseLabelModel
from weaksup.models.majority import MajorityVoter
from weaksup.snorkel.labeling.model.base_labeler import BaseLabeler


class MajorityLabelVoter(BaseLabeler, MajorityVoter):
    """Snorkel's ``MajorityLabelVoter``: weaksup's :class:`~weaksup.MajorityVoter` with Snorkel's calls.

    Tied classes share the probability; ``predict`` gives -1 on ties (``tie_break_policy="abstain"``).
    Needs no fit and takes any number of LFs on every call.

    Examples
    --------
    >>> MajorityLabelVoter().predict_proba(np.array([[0, 0, 1], [-1, 1, 1]])).tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """

    _saves_unfitted = True  # it predicts without a fit, so it saves (and loads) without one, as in Snorkel

    def __init__(self, cardinality: int = 2) -> None:
        super().__init__(cardinality=cardinality)

    def predict_proba(self, L: Any) -> np.ndarray:
        """Share of each class among the tied top classes of every row (uniform with no votes)."""
        if hasattr(self, "cardinality_"):  # fitted (or loaded): its class balance answers rows without votes
            return super().predict_proba(L)
        return MajorityVoter(cardinality=self.cardinality).predict_proba(L)

    def fit(self, L: Any, Y_dev: Any = None, class_balance: Any = None, **kwargs: Any) -> MajorityLabelVoter:
        """Optional: a class balance (given or from ``Y_dev``) for rows with no votes."""
        super().fit(L, Y_dev=Y_dev, class_balance=class_balance, **kwargs)
        return self


class MajorityClassVoter(BaseLabeler, BaseLabelModel):
    """Snorkel's ``MajorityClassVoter``: every row gets the most frequent class of ``balance``.

    Examples
    --------
    >>> MajorityClassVoter().fit(balance=np.array([0.3, 0.7])).predict(np.array([[0, 0]])).tolist()
    [1]
    """

    stateless = True

    def __init__(self, cardinality: int = 2) -> None:
        super().__init__(cardinality=cardinality)

    def fit(self, balance: Any, *args: Any, **kwargs: Any) -> MajorityClassVoter:  # type: ignore[override]
        """Remember the class balance (``k`` shares)."""
        p = np.asarray(balance, dtype=np.float64).ravel()
        if p.ndim != 1 or len(p) < 2 or not np.isfinite(p).all() or (p < 0).any() or not p.sum() > 0:
            raise ValueError(f"balance must be one non-negative share per class, got {balance!r}")
        if self.cardinality is not None and len(p) != self.cardinality:
            # Snorkel's predict_proba then gives `cardinality` columns (or an IndexError), never len(balance)
            raise ModelInputError(f"balance has {len(p)} shares ({p.tolist()}) but the model has cardinality="
                                  f"{self.cardinality}: give one share per class, or MajorityClassVoter("
                                  f"cardinality={len(p)})")
        self.cardinality_ = len(p)
        self.class_balance_ = p / p.sum()  # shares (counts work too): only the largest matters
        self.n_lfs_, self.lf_names_ = 0, []  # it reads no votes; with these it saves and loads like the others
        return self

    def _fit(self, L: LabelMatrix, class_balance: Any, seed: Any, progress: bool) -> None:
        self.class_balance_ = class_balance  # the native fit path: a given (or dev) balance, else uniform

    def _predict_proba(self, L: LabelMatrix) -> np.ndarray:
        top = np.isclose(self.class_balance_, self.class_balance_.max())
        return np.tile(top / top.sum(), (L.n_rows, 1))

    def predict_proba(self, L: Any) -> np.ndarray:
        """One-hot on the majority class for every row, voted or not (tied majority classes share it)."""
        self._check_fitted()
        return self._predict_proba(as_label_matrix(L))


class RandomVoter(BaseLabeler, BaseLabelModel):
    """Snorkel's ``RandomVoter``: random probabilities per row (seeded by ``random_state``).

    Examples
    --------
    >>> P = RandomVoter(random_state=0).predict_proba(np.array([[0, 1], [1, -1]]))
    >>> P.shape, bool(np.allclose(P.sum(axis=1), 1))
    ((2, 2), True)
    """

    stateless = True

    def __init__(self, cardinality: int = 2, random_state: int | None = None) -> None:
        super().__init__(cardinality=cardinality)
        self.random_state = random_state

    def _fit(self, L: LabelMatrix, class_balance: Any, seed: Any, progress: bool) -> None:
        self.class_balance_ = class_balance

    def predict_proba(self, L: Any) -> np.ndarray:
        """Uniform random draws per row, normalised to sum to 1."""
        n = as_label_matrix(L).n_rows
        k = self.cardinality or 2
        draws = np.random.default_rng(self.random_state).random((n, k))
        return draws / draws.sum(axis=1, keepdims=True)
