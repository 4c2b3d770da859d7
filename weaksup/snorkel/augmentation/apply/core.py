"""Snorkel's TF applier over a list of data points (``snorkel.augmentation.apply.core``)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
from tqdm.auto import tqdm

from weaksup.augment.policy import Policy, is_custom
from weaksup.augment.tf import AugmentationError, check_tfs


class BaseTFApplier:
    """TFs and a policy; subclasses augment one kind of collection (``snorkel``'s ``BaseTFApplier``).

    Raises ``ValueError`` when two TFs share a name.
    """

    def __init__(self, tfs: Sequence[Any], policy: Policy) -> None:
        self._tfs = check_tfs(tfs)
        self._tf_names = [tf.name for tf in self._tfs]
        self._policy = policy

    def _augment_points(self, data_points: Sequence[Any]) -> Iterator[list[Any]]:
        """The augmented data points of each input point, in order.

        A policy on NumPy's global generator draws row by row, between the TF calls, as Snorkel's does: TFs
        that draw from it too (``np.random.choice`` in Snorkel's tutorials) then see Snorkel's stream, so
        ``np.random.seed(s)`` gives Snorkel's output. A user's ``Policy`` subclass (``generate`` or
        ``generate_for_example``, sequences of any length) is asked row by row, as Snorkel asks it. Any
        other policy draws once, up front.
        """
        custom = is_custom(self._policy)  # a user's subclass: Snorkel's generate_for_example(), row by row
        per_row = custom or getattr(self._policy, "random_state", False) is None
        seqs = None if per_row else self._check_draws(self._policy.sequences(len(data_points))).tolist()
        head: list[list[int]] = [[]] if self._policy.keep_original else []
        for i, x in enumerate(data_points):
            if custom:
                x_seqs = [list(seq) for seq in self._policy.generate_for_example()]
                self._check_draws([max(seq, default=-1) for seq in x_seqs])
            else:
                x_seqs = head + (self._check_draws(self._policy.sequences(1))[0].tolist() if seqs is None else seqs[i])
            out = []
            for seq in x_seqs:
                x_t, applied = x, len(seq) == 0  # the empty sequence is the original
                for t in seq:
                    x_new = self._tfs[t](x_t)
                    if x_new is not None:
                        x_t, applied = x_new, True
                if applied:
                    out.append(x_t)
            yield out

    def _check_draws(self, draws: Any) -> np.ndarray:
        draws = np.asarray(draws)
        if draws.size and draws.max() >= len(self._tfs):  # a policy made for more TFs (Snorkel: a bare IndexError)
            raise AugmentationError(f"the policy names TF index {int(draws.max())} but the applier holds "
                                    f"{len(self._tfs)} TF(s) ({self._tf_names}); give the policy n_tfs={len(self._tfs)}")
        return draws

    def __repr__(self) -> str:
        return f"{type(self).__name__}, Policy: {type(self._policy).__name__}, TFs: {self._tf_names}"


class TFApplier(BaseTFApplier):
    """Augment a list of data points (``SimpleNamespace`` or any object with attributes).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> from weaksup.snorkel.augmentation import ApplyOnePolicy, transformation_function
    >>> @transformation_function()
    ... def square(x):
    ...     x.num = x.num ** 2
    ...     return x
    >>> TFApplier([square], ApplyOnePolicy()).apply([SimpleNamespace(num=3)], progress_bar=False)
    [namespace(num=3), namespace(num=9)]
    """

    def apply_generator(self, data_points: Sequence[Any], batch_size: int) -> Iterator[list[Any]]:
        """Yield the augmented points of ``batch_size`` input points at a time."""
        batch: list[Any] = []
        for i, out in enumerate(self._augment_points(data_points)):
            batch.extend(out)
            if (i + 1) % batch_size == 0:
                yield batch
                batch = []
        if len(data_points) % batch_size:
            yield batch

    def apply(self, data_points: Sequence[Any], progress_bar: bool = True) -> list[Any]:
        """All augmented data points, grouped by the point they came from."""
        out: list[Any] = []
        for points in tqdm(self._augment_points(data_points), total=len(data_points), disable=not progress_bar):
            out.extend(points)
        return out


__all__ = ["BaseTFApplier", "TFApplier"]
