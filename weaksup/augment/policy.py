"""Augmentation policies: which transformation functions to run, in which order, on each row.

A policy draws, for every row, ``n_per_original`` sequences of TF indices. The applier asks for
all rows at once (:meth:`Policy.sequences`), so rows that get the same TF at the same step are
transformed together. The names, arguments and defaults are Snorkel 0.10's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from weaksup.augment.tf import AugmentationError


def check_random_state(random_state: Any) -> np.random.RandomState:
    """``None`` -> NumPy's global generator (as Snorkel draws), an int -> a fresh seeded one, else as given."""
    if random_state is None:
        return np.random.mtrand._rand
    if isinstance(random_state, np.random.RandomState):
        return random_state
    if isinstance(random_state, (int, np.integer)) and not isinstance(random_state, bool):
        return np.random.RandomState(int(random_state))
    raise AugmentationError(f"random_state must be None, an int or a numpy RandomState, got {random_state!r}")


class Policy:
    """Base class: ``n_per_original`` sequences of TF indices per row, plus the row itself.

    Parameters
    ----------
    n_tfs : int
        Number of TFs the applier holds.
    n_per_original : int
        Transformed copies made of each row.
    keep_original : bool
        Keep the untransformed row in the augmented data (it is never changed by the TFs).

    Examples
    --------
    >>> ApplyAllPolicy(2, n_per_original=2).generate_for_example()
    [[], [0, 1], [0, 1]]
    """

    sequence_length = 1

    def __init__(self, n_tfs: int, n_per_original: int = 1, keep_original: bool = True) -> None:
        for name, value in (("n_tfs", n_tfs), ("n_per_original", n_per_original)):
            if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 0:
                raise AugmentationError(f"{type(self).__name__}: {name} must be a non-negative int, got {value!r}")
        self.n = int(n_tfs)
        self.n_per_original = int(n_per_original)
        self.keep_original = bool(keep_original)

    def sequences(self, n_rows: int) -> np.ndarray:
        """TF indices for every row: an int array of shape ``(n_rows, n_per_original, sequence_length)``.

        Subclasses override this (or, as in Snorkel, :meth:`generate`, called once per copy).
        """
        if type(self).generate is Policy.generate:
            raise NotImplementedError(f"{type(self).__name__} must implement sequences() or generate()")
        seqs = [[list(self.generate()) for _ in range(self.n_per_original)] for _ in range(n_rows)]
        lengths = {len(s) for row in seqs for s in row}
        if len(lengths) > 1:
            raise AugmentationError(f"{type(self).__name__}.generate() returned sequences of lengths "
                                    f"{sorted(lengths)}; the applier needs one length")
        return np.asarray(seqs, dtype=np.int64).reshape(n_rows, self.n_per_original, lengths.pop() if lengths else 0)

    def generate(self) -> list[int]:
        """One sequence of TF indices (for one transformed copy of one row)."""
        return self.sequences(1)[0, 0].tolist()

    def generate_for_example(self) -> list[list[int]]:
        """Every sequence for one row; an empty one first when ``keep_original``."""
        if is_custom(self):  # a Snorkel-style subclass: its generate() may vary in length, as Snorkel allows
            seqs = [list(self.generate()) for _ in range(self.n_per_original)]
        else:
            seqs = self.sequences(1)[0].tolist()
        return ([[]] if self.keep_original else []) + seqs

    def __repr__(self) -> str:
        return f"{type(self).__name__}(n_tfs={self.n}, n_per_original={self.n_per_original}, " \
               f"keep_original={self.keep_original})"


def is_custom(policy: Policy) -> bool:
    """Whether ``policy`` draws through Snorkel's hooks (``generate`` or ``generate_for_example``), not ``sequences``."""
    cls = type(policy)
    return cls.sequences is Policy.sequences or cls.generate_for_example is not Policy.generate_for_example


class ApplyAllPolicy(Policy):
    """Run every TF, in order, on each row (``n_per_original`` identical copies).

    Examples
    --------
    >>> ApplyAllPolicy(3, n_per_original=2, keep_original=False).generate_for_example()
    [[0, 1, 2], [0, 1, 2]]
    """

    @property
    def sequence_length(self) -> int:  # type: ignore[override]
        return self.n

    def sequences(self, n_rows: int) -> np.ndarray:
        seq = np.arange(self.n, dtype=np.int64)
        return np.broadcast_to(seq, (n_rows, self.n_per_original, self.n))


class ApplyOnePolicy(ApplyAllPolicy):
    """Run the one TF the applier holds on each row.

    Examples
    --------
    >>> ApplyOnePolicy(n_per_original=2).generate_for_example()
    [[], [0], [0]]
    """

    def __init__(self, n_per_original: int = 1, keep_original: bool = True) -> None:
        super().__init__(1, n_per_original=n_per_original, keep_original=keep_original)


class ApplyEachPolicy(Policy):
    """One copy per TF: each TF alone on each row (for TFs that degrade when combined).

    Examples
    --------
    >>> ApplyEachPolicy(3, keep_original=True).generate_for_example()
    [[], [0], [1], [2]]
    """

    def __init__(self, n_tfs: int, keep_original: bool = True) -> None:
        super().__init__(n_tfs, n_per_original=n_tfs, keep_original=keep_original)

    def sequences(self, n_rows: int) -> np.ndarray:
        seq = np.arange(self.n, dtype=np.int64).reshape(self.n, 1)
        return np.broadcast_to(seq, (n_rows, self.n, 1))


class MeanFieldPolicy(Policy):
    """Sequences of ``sequence_length`` TFs drawn independently from a distribution ``p`` over TFs.

    Parameters
    ----------
    n_tfs : int
    sequence_length : int
        TFs run on each copy.
    p : sequence of float, optional
        Probability of each TF (length ``n_tfs``, sums to 1); uniform when ``None``.
    n_per_original : int
    keep_original : bool
    random_state : None, int or numpy.random.RandomState
        ``None`` draws from NumPy's global generator (as Snorkel does, so ``np.random.seed``
        reproduces Snorkel's sequences of TFs); an int gives the same draws at every apply. The
        native ``TFApplier`` runs TF by TF, so TFs that draw from ``np.random`` themselves make other
        copies than Snorkel's; ``weaksup.snorkel``'s appliers reproduce those too.

    Examples
    --------
    >>> MeanFieldPolicy(2, sequence_length=2, p=[1, 0]).generate()
    [0, 0]
    >>> RandomPolicy(3, sequence_length=2, random_state=0).sequences(2).tolist()
    [[[0, 1]], [[0, 1]]]
    """

    def __init__(
        self,
        n_tfs: int,
        sequence_length: int = 1,
        p: Sequence[float] | None = None,
        n_per_original: int = 1,
        keep_original: bool = True,
        random_state: Any = None,
    ) -> None:
        super().__init__(n_tfs, n_per_original=n_per_original, keep_original=keep_original)
        if not isinstance(sequence_length, (int, np.integer)) or isinstance(sequence_length, bool) \
                or sequence_length < 0:
            raise AugmentationError(f"{type(self).__name__}: sequence_length must be a non-negative int, "
                                    f"got {sequence_length!r}")
        self.sequence_length = int(sequence_length)
        if p is not None:
            arr = np.asarray(p, dtype=float)
            if arr.shape != (self.n,) or np.any(~np.isfinite(arr)) or np.any(arr < 0) \
                    or not np.isclose(arr.sum(), 1.0):
                raise AugmentationError(f"{type(self).__name__}: p must be {self.n} non-negative probabilities "
                                        f"summing to 1, got {p!r}")
        self._p = p
        self.random_state = random_state

    @property
    def p(self) -> Sequence[float] | None:
        return self._p

    def sequences(self, n_rows: int) -> np.ndarray:
        rng = check_random_state(self.random_state)
        shape = (n_rows, self.n_per_original, self.sequence_length)
        if self.n == 0 and 0 not in shape:  # zeros would name a TF that does not exist
            raise AugmentationError(f"{type(self).__name__} has n_tfs=0 but draws sequences of "
                                    f"{self.sequence_length} TF(s); give it the applier's number of TFs")
        if 0 in shape:
            return np.zeros(shape, dtype=np.int64)
        # one draw in row-major order is the same stream as Snorkel's per-row, per-copy draws
        return rng.choice(self.n, size=shape, p=self._p).astype(np.int64, copy=False)


class RandomPolicy(MeanFieldPolicy):
    """Sequences of ``sequence_length`` TFs drawn uniformly at random (the usual baseline).

    Examples
    --------
    >>> policy = RandomPolicy(2, sequence_length=3, n_per_original=2, random_state=1)
    >>> policy.sequences(1).shape
    (1, 2, 3)
    """

    def __init__(
        self,
        n_tfs: int,
        sequence_length: int = 1,
        n_per_original: int = 1,
        keep_original: bool = True,
        random_state: Any = None,
    ) -> None:
        super().__init__(n_tfs, sequence_length=sequence_length, p=None, n_per_original=n_per_original,
                         keep_original=keep_original, random_state=random_state)


__all__ = ["ApplyAllPolicy", "ApplyEachPolicy", "ApplyOnePolicy", "MeanFieldPolicy", "Policy", "RandomPolicy"]
