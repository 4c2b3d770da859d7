"""Input validation shared by the quality functions: hard labels against ``n x k`` predicted probabilities."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from weaksup.errors import ModelInputError
from weaksup.utils import align_labels, check_probs


def check_labels_probs(labels: Any, pred_probs: Any, name: str = "labels") -> tuple[np.ndarray, np.ndarray]:
    """Return ``(labels as int64, pred_probs as float64)`` after checking they fit together.

    ``pred_probs`` may be a DataFrame; a ``labels`` Series is then aligned to its index.
    """
    index = pred_probs.index if isinstance(pred_probs, pd.DataFrame) else None
    P = check_probs(pred_probs, name="pred_probs")
    if len(P) == 0:
        raise ModelInputError("pred_probs has no rows")
    if P.shape[1] < 2:
        raise ModelInputError(f"pred_probs needs at least 2 class columns, got {P.shape[1]}")
    if isinstance(labels, pd.Series) and index is None:
        labels = labels.to_numpy()
    y = align_labels(labels, index=index, cardinality=P.shape[1], name=name)
    if len(y) != len(P):
        raise ModelInputError(f"{name} has {len(y)} entries but pred_probs has {len(P)} rows")
    return y, P


def as_rng(seed: Any) -> np.random.Generator:
    """A private numpy Generator (never the global one)."""
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
