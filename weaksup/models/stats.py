"""Fitting label models from sufficient statistics (:class:`~weaksup.patterns.PatternCounts`).

``PatternCounts`` and ``one_hot`` live in :mod:`weaksup.patterns`, below the appliers and the models;
they are re-exported here for code that imports them from this module.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from weaksup.errors import ModelInputError, WeaksupWarning
from weaksup.matrix import LabelMatrix
from weaksup.models.diagnostics import warn_if_degenerate
from weaksup.patterns import PatternCounts, one_hot

__all__ = ["PatternCounts", "StatsFitMixin", "one_hot"]


class StatsFitMixin:
    """Adds ``fit_from_stats``, ``partial_fit`` and ``finalize`` to a label model that fits from
    :class:`PatternCounts` (it implements ``_fit_stats(stats, class_balance, seed, progress)``).

    ``partial_fit(L_chunk)`` merges the chunk's statistics with those seen so far and refits on
    them. After a fit from statistics, ``predict_proba(L)`` works on any ``L`` with the same LFs.

    Examples
    --------
    >>> import numpy as np
    >>> from weaksup.models import DawidSkene
    >>> L = np.array([[0, 0, 0], [1, 1, 1], [0, 0, 1], [1, 1, -1]] * 5)
    >>> m = DawidSkene().partial_fit(L[:10]).partial_fit(L[10:]).finalize()
    >>> full = DawidSkene().fit(L)
    >>> bool(np.allclose(m.predict_proba(L), full.predict_proba(L)))
    True
    """

    def _fit(self, L: LabelMatrix, class_balance: np.ndarray | None, seed: int | None, progress: bool) -> None:
        self._stats_acc = None  # a full fit discards partial_fit chunks
        stats = PatternCounts.from_label_matrix(L, cardinality=self.cardinality_)  # type: ignore[attr-defined]
        self._fit_stats(stats, class_balance, seed, progress)  # type: ignore[attr-defined]

    def fit_from_stats(
        self, stats: PatternCounts, class_balance: Any = None, seed: int | None = None, progress: bool = False,
        *, Y_dev: Any = None,
    ) -> Any:
        """Fit from merged :class:`PatternCounts` instead of the rows themselves.

        A later :meth:`partial_fit` adds its chunk to ``stats``.

        Parameters
        ----------
        stats : PatternCounts
        class_balance : array-like (k,), optional
            Known class prior; learned (or uniform, for models that cannot learn it) if omitted.
        seed : int, optional
            Deprecated: pass ``random_state`` to the constructor of the models that use randomness.
        progress : bool
        Y_dev : array-like, optional
            Gold labels of a dev split, used to estimate the class balance (as in ``fit``).

        Returns
        -------
        self
        """
        self._validate_params()  # type: ignore[attr-defined]  # first: the seed below reads random_state
        seed = self._fit_seed(seed)  # type: ignore[attr-defined]
        if not isinstance(stats, PatternCounts):
            raise ModelInputError(f"fit_from_stats takes PatternCounts, not {type(stats).__name__}")
        min_lfs = getattr(self, "min_lfs", 1)
        if stats.n_lfs < min_lfs:
            from weaksup.models.base import too_few_lfs

            raise ModelInputError(too_few_lfs(type(self).__name__, min_lfs, stats.n_lfs))
        if stats.n_rows == 0:
            raise ModelInputError("cannot fit a label model on empty statistics")
        k = self.cardinality or stats.infer_cardinality()  # type: ignore[attr-defined]
        if stats.patterns.nnz and int(stats.patterns.data.max()) > k:
            pats = stats.patterns.tocsr()
            at = int(np.argmax(pats.data > k))  # the first vote out of range: its LF and pattern
            pattern = int(np.searchsorted(pats.indptr, at, side="right") - 1)
            raise ModelInputError(f"statistics hold label {int(pats.data[at]) - 1} from LF {stats.lf_names[pats.indices[at]]!r} "
                                  f"(vote pattern {pattern}) but cardinality is {k} (labels 0..{k - 1})")
        # checked before the old fit is dropped: a bad class balance must not leave a fitted model unusable
        prior = self._resolve_class_balance(k, Y_dev, class_balance)  # type: ignore[attr-defined]
        for attr in [a for a in vars(self) if a.endswith("_") and not a.startswith("_")]:
            delattr(self, attr)
        self.cardinality_ = k
        self.n_lfs_ = stats.n_lfs
        self.lf_names_ = list(stats.lf_names)
        self._stats_acc = stats  # what partial_fit adds to (not saved: private)
        self._fit_stats(stats, prior, seed, progress)  # type: ignore[attr-defined]
        if getattr(self, "class_balance_", None) is None:
            self.class_balance_ = np.full(k, 1.0 / k) if prior is None else prior
        warn_if_degenerate(self, stats.patterns)
        return self

    def partial_fit(self, L_chunk: Any, class_balance: Any = None, seed: int | None = None, *, Y_dev: Any = None,
                    progress: bool = False) -> Any:
        """Add one chunk of rows to the statistics seen so far and refit on all of them (scikit-learn's rule).

        Chunks are merged by LF name (see :class:`PatternCounts`): chunks of the same LFs in another
        column order give exactly the fit of the unshuffled rows, and a chunk of other LFs raises
        :class:`~weaksup.errors.ModelInputError` naming the LFs missing and extra. Each call refits from
        the merged counts; with many chunks, merging ``PatternCounts`` and calling
        :meth:`fit_from_stats` once is cheaper (that is what :mod:`weaksup.pipeline` does).
        """
        self._validate_params()  # type: ignore[attr-defined]
        card = self.cardinality  # type: ignore[attr-defined]
        chunk = PatternCounts.from_label_matrix(L_chunk, cardinality=card)
        acc = getattr(self, "_stats_acc", None)
        if acc is None and hasattr(self, "cardinality_"):
            # fit(L) keeps no statistics (they would hold L's distinct rows): its rows cannot be added to
            warnings.warn(f"{type(self).__name__}.partial_fit after fit(L): fit keeps no statistics of L, so this "
                          "fit starts afresh from this chunk; use partial_fit for every chunk, or "
                          "fit_from_stats(PatternCounts.from_label_matrix(L)) first", WeaksupWarning, stacklevel=2)
        merged = chunk if acc is None else acc.merge(chunk)
        self.fit_from_stats(merged, class_balance=class_balance, seed=seed, progress=progress, Y_dev=Y_dev)
        return self

    def finalize(self) -> Any:
        """Kept for older code: ``partial_fit`` now refits on every call, so there is nothing left to do."""
        return self
