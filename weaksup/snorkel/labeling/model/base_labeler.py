"""Snorkel's ``BaseLabeler`` interface (``predict(return_probs=, tie_break_policy=)``, ``score``, ``save``/``load``).

Mixed into native weaksup label models, so they keep weaksup's validation and JSON + npz
persistence (never pickle) while answering Snorkel's calls.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from weaksup._validation import in_row_order
from weaksup.errors import ModelInputError
from weaksup.matrix import as_label_matrix
from weaksup.models.base import BaseLabelModel
from weaksup.snorkel.analysis.scorer import Scorer
from weaksup.snorkel.utils.core import probs_to_preds


class _load_either_way:  # noqa: N801 -- used as a decorator
    """``Model.load(path)`` returns a new model (weaksup); ``model.load(path)`` loads into ``model`` (Snorkel)."""

    def __init__(self, func: Callable[..., Any]) -> None:
        self.func = func
        functools.update_wrapper(self, func)

    def __get__(self, obj: Any, owner: type) -> Callable[..., Any]:
        if obj is None:
            return functools.partial(BaseLabelModel.load.__func__, owner)  # type: ignore[attr-defined]
        return functools.partial(self.func, obj)


class BaseLabeler:
    """Snorkel's prediction, scoring and persistence calls, for a native :class:`~weaksup.models.BaseLabelModel`.

    Examples
    --------
    >>> from weaksup.snorkel.labeling.model import MajorityLabelVoter
    >>> MajorityLabelVoter().predict(np.array([[0, 0, 1], [1, 0, -1]])).tolist()
    [0, -1]
    """

    def predict(self, L: Any, return_probs: bool | None = False, tie_break_policy: str = "abstain") -> Any:
        """Hard labels (and probabilities with ``return_probs``); ties broken by ``tie_break_policy``
        (``"abstain"``: -1, ``"random"``: Snorkel's deterministic hash, ``"true-random"``)."""
        probs = self.predict_proba(L)  # type: ignore[attr-defined]
        preds = probs_to_preds(probs, tie_break_policy=tie_break_policy)
        return (preds, probs) if return_probs else preds

    def score(self, L: Any, Y: Any, metrics: Sequence[str] | None = ("accuracy",),
              tie_break_policy: str = "abstain") -> dict[str, float]:
        """Metrics of the predictions against gold ``Y``, as Snorkel scores them: rows whose prediction
        (or gold label) is -1 are left out of every metric but ``coverage``.

        ``Y`` is read by position, as Snorkel reads it, unless ``L`` is a :class:`~weaksup.LabelMatrix` with row
        ids and ``Y`` a pandas Series indexed by those ids: then it is lined up by id (as in ``LFAnalysis``)."""
        L = as_label_matrix(L)
        preds, probs = self.predict(L, return_probs=True, tie_break_policy=tie_break_policy)
        golds = np.asarray(in_row_order(Y, L.index, "Y"))
        if golds.ndim == 2 and golds.shape[1] == 1:  # a (n, 1) column (df[["label"]].values), as Snorkel reads it
            golds = golds.ravel()
        if golds.ndim != 1 or len(golds) != len(preds):
            raise ModelInputError(f"Y has shape {golds.shape}, but the label matrix has {len(preds)} rows: one gold "
                                  "label per row is needed (-1 = unknown)")
        return Scorer(metrics=list(metrics or [])).score(golds, preds, probs)

    def save(self, destination: str | Path) -> Path:
        """Save to the folder ``destination`` (JSON + npz; Snorkel would write one pickle file)."""
        return BaseLabelModel.save(self, destination)  # type: ignore[arg-type]

    @_load_either_way
    def load(self, source: str | Path) -> Any:
        """Load a model saved by :meth:`save` into this one (on the class: return a new model). Runs no code."""
        loaded = BaseLabelModel.load(source)
        if not isinstance(loaded, type(self)):
            raise TypeError(f"{source} holds a {type(loaded).__name__}, not a {type(self).__name__}")
        self.__dict__.update(vars(loaded))
        return self
