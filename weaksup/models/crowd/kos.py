"""KOS (Karger, Oh and Shah) message passing for binary crowd labels, as crowd-kit runs it."""

from __future__ import annotations

import numpy as np
import pandas as pd

from weaksup.errors import ModelInputError
from weaksup.matrix import LabelMatrix
from weaksup.models._params import NONE, Interval
from weaksup.models.crowd._common import KahanGroups, Votes, _TransductiveModel, require_votes, weighted_votes

#: crowd-kit stops passing messages once one exceeds this, before they overflow
_MAX = 1e300


def _one_hot_signs(score: np.ndarray, positive: int) -> np.ndarray:
    """``(n, 2)`` probabilities from signed scores: all mass on ``positive`` when > 0, on the other class
    when < 0, split where the score is 0 (a tie)."""
    P = np.full((len(score), 2), 0.5)
    P[score > 0] = np.eye(2)[positive]
    P[score < 0] = np.eye(2)[1 - positive]
    return P


class KOS(_TransductiveModel):
    """KOS as crowd-kit's ``KOS``: iterative message passing between items and annotators (binary only).

    Votes are ``+1`` for the class that appears first in the matrix (row-major) and ``-1`` for the
    other. Each (item, annotator) edge starts with a reliability drawn from ``N(1, 1)`` (seeded by
    ``random_state``, edges in row-major order, as crowd-kit draws them); each of ``n_iter`` rounds
    sends every item the reliability-weighted votes of its other annotators and every annotator
    the vote-weighted item messages of its other items, stopping early before a message exceeds
    ``1e300``. An item's label is the sign of its reliability-weighted votes. Sums are taken the
    way pandas takes crowd-kit's (Kahan-compensated, in its order), so labels equal crowd-kit's
    ``fit_predict``.

    KOS only gives labels: ``predict_proba`` puts all mass on the label (``0.5`` each on an exact
    tie, where crowd-kit fails). It is transductive: on the matrix it was fitted on,
    ``predict_proba`` returns the fitted labels; on other rows it uses the annotators' final
    reliabilities ``reliabilities_``.

    Parameters
    ----------
    cardinality : int, optional
        Must be 2 if given.
    n_iter : int
        Rounds of message passing.
    random_state : int, optional
        Seed of the starting reliabilities; ``None`` uses the ``seed`` passed to :meth:`fit`.

    Attributes
    ----------
    reliabilities_ : array (m,)
        Each annotator's vote-weighted item messages of the last round, scaled to ``[-1, 1]``.
    positive_class_ : int
        The class counted as ``+1``.
    fit_proba_ : array (n, 2)
        The fitted items' labels as probabilities.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> y = rng.integers(0, 2, 200)
    >>> L = np.where(rng.random((200, 5)) < [0.9, 0.8, 0.7, 0.6, 0.8], y[:, None], 1 - y[:, None])
    >>> model = KOS().fit(L)
    >>> float((model.predict(L) == y).mean()), model.reliabilities_.round(2).tolist()
    (0.94, [1.0, 0.88, 0.6, 0.28, 0.92])
    >>> model.predict(np.array([[0, -1, 1, 1, 0]])).tolist()  # a new row: final reliabilities
    [0]
    """

    _parameter_rules = {"n_iter": Interval(int, 0), "random_state": (NONE, Interval(int, 0))}
    # positive_class_ indexes the two classes in _predict_new
    _state_rules = {"reliabilities_": (("m",), -1.0, 1.0), "positive_class_": ((), 0, 1)}

    def __init__(self, cardinality: int | None = None, n_iter: int = 100, random_state: int | None = 0) -> None:
        super().__init__(cardinality=cardinality)
        self.n_iter = n_iter
        self.random_state = random_state

    def _fit(self, L: LabelMatrix, class_balance: np.ndarray | None, seed: int | None, progress: bool) -> None:
        if self.cardinality_ != 2:
            raise ModelInputError(f"KOS is for binary labels only; got cardinality {self.cardinality_}")
        require_votes(L, type(self).__name__)
        V = Votes(L.csr, 2)
        positive = int(V.lab[0]) if len(V.lab) else 0
        A = np.where(V.lab == positive, 1.0, -1.0)
        t, col = V.row, V.col
        per_item, per_annotator = KahanGroups(t, V.n), KahanGroups(col, L.n_lfs)
        if len(A) and pd.Index(L.index[V.rows]).is_monotonic_increasing:
            # items already in sorted order: pandas sums each item's run with np.add.reduceat instead
            starts = V.csr.indptr[:-1]

            def per_item(values: np.ndarray) -> np.ndarray:
                return np.add.reduceat(values, starts)

        rs = self.random_state if self.random_state is not None else seed
        rel = np.random.RandomState(rs).normal(loc=1, scale=1, size=len(A))
        inferred = A * rel
        for _ in range(self.n_iter):
            sent = A * rel
            summed = per_item(sent)[t]
            if (np.abs(summed) > _MAX).any():
                break
            inferred = summed - sent  # item -> annotator: the other annotators' weighted votes
            sent = A * inferred
            summed = per_annotator(sent)[col]
            if (np.abs(summed) > _MAX).any():
                break
            rel = summed - sent  # annotator -> item: the annotator's other items
        score = np.zeros(L.n_rows)
        score[V.rows] = per_item(A * rel)
        sent = A * inferred
        big = np.abs(sent).max() if len(sent) else 0.0
        reliability = np.bincount(col, weights=sent / big if big > 0 else sent, minlength=L.n_lfs)
        top = np.abs(reliability).max() if len(reliability) else 0.0
        self.reliabilities_ = reliability / top if top > 0 else reliability
        self.positive_class_ = positive
        self._remember_fit(L, _one_hot_signs(score, positive))

    def _predict_new(self, L: LabelMatrix) -> np.ndarray:
        positive = int(self.positive_class_)
        signed = np.where(np.arange(2) == positive, 1.0, -1.0)  # +1 for the positive class, -1 for the other
        score = weighted_votes(L.csr, np.asarray(self.reliabilities_, dtype=np.float64), 2) @ signed
        return _one_hot_signs(score, positive)
