"""One-class LFs (used by AgreementModel): judged by the LFs that vote both classes, and their degenerate fits.

An LF that votes one class only always agrees with the other LFs of its class and always disagrees with
those of the other class where they overlap, so those overlaps cannot say which side is the more accurate
one. Where LFs voting both classes (annotators, classifiers used as LFs) also voted, their posterior can.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from weaksup._votes import classes_cast


class TwoClassJudge:
    """One-class LFs of a two-class fit judged by the posterior ``p1`` (of class 1) of the LFs voting both
    classes, on the rows where those voted (row weights ``checked``).

    The mean of ``p1`` over an LF's votes understates its accuracy (the judges are unsure too). With the
    judges calibrated and the LF's firing independent of them given the class, that mean is
    ``acc * a + (1 - acc) * b`` with ``a = E[p | y = c] = E[p^2] / E[p]`` and ``b = E[p | y != c] =
    E[p (1 - p)] / E[1 - p]`` (``p`` the judges' probability of the LF's class ``c``, over all checked
    rows), which is solved for ``acc``.
    """

    def __init__(self, P: sp.csr_matrix, checked: np.ndarray) -> None:
        self.signed = sp.csr_matrix((np.where(P.data == 2, 1.0, -1.0), P.indices, P.indptr), shape=P.shape)
        self.voted = sp.csr_matrix((np.ones(P.nnz), P.indices, P.indptr), shape=P.shape)
        self.checked = checked
        self.for_class_1 = np.bincount(P.indices, weights=P.data == 2, minlength=P.shape[1]) > 0

    def accuracy(self, p1: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(m,)`` right votes and ``(m,)`` votes they count as, for the one-class LFs (meaningless for the
        others). A checked vote counts as ``a - b`` votes: as one where the judges are sure and right, as none
        where they cannot tell the classes apart (then ``a = b`` and the LF keeps its other estimate: a
        classifier LF at chance next to youtube's keyword LFs cost 10 points when its noise was read as
        evidence)."""
        w = self.checked
        n = np.asarray(self.voted.T @ w)  # checked votes per LF
        mean1 = np.asarray(self.voted.T @ (w * p1)) / np.maximum(n, 1e-12)  # mean p1 over each LF's votes
        cls1 = self.for_class_1
        mean_c = np.where(cls1, mean1, 1.0 - mean1)  # mean probability of its own class
        acc, worth = np.zeros_like(mean_c), np.zeros_like(mean_c)
        for c, sel in ((1, cls1), (0, ~cls1)):
            p = p1 if c == 1 else 1.0 - p1
            tot_p, tot_q = float(w @ p), float(w @ (1.0 - p))
            if tot_p <= 0 or tot_q <= 0:
                continue
            a = float(w @ (p * p)) / tot_p
            b = float(w @ (p * (1.0 - p))) / tot_q
            if a - b > 1e-6:
                acc[sel] = (mean_c[sel] - b) / (a - b)
                worth[sel] = a - b
        n_eff = n * worth
        return np.clip(acc, 0.0, 1.0) * n_eff, n_eff

def one_sided_accuracy(acc: np.ndarray, checked: tuple[np.ndarray, np.ndarray], one_sided: np.ndarray,
                       strength: float) -> np.ndarray:
    """Accuracies of the one-class LFs of a two-class fit: their right votes on the rows where a
    two-class LF voted, judged by those LFs, shrunk towards ``acc`` (judged by every LF, on all their
    overlaps) with ``strength`` pseudo-votes: an LF seldom checked keeps about what it had."""
    right, votes = checked
    return (right[one_sided] + strength * acc[one_sided]) / (votes[one_sided] + strength)


def classes_at_chance(P: sp.csr_matrix, acc: np.ndarray, overlap: np.ndarray, k: int,
                      chance: float) -> tuple[np.ndarray, np.ndarray]:
    """Masks ``(classes (k,), LFs (m,))``: the classes every one of whose overlapping one-class LFs (voting only that
    class) sits at chance (``acc <= chance``), when another class has such an LF above chance, and those
    LFs; all False otherwise. LFs voting several classes are not counted."""
    m = P.shape[1]
    cast = classes_cast(P, k)
    voted = np.where(cast.sum(axis=1) == 1, cast.argmax(axis=1), -1)  # the one class each LF votes, or -1
    judged = (voted >= 0) & (overlap > 0)
    at_chance = judged & (acc <= chance)
    has = np.bincount(voted[judged], minlength=k) > 0
    alive = np.bincount(voted[judged & ~at_chance], minlength=k) > 0
    dead = has & ~alive
    if not dead.any() or not alive.any():
        return np.zeros(k, bool), np.zeros(m, bool)
    return dead, at_chance & dead[np.maximum(voted, 0)]
