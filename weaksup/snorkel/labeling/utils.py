"""Snorkel's ``filter_unlabeled_dataframe`` (``snorkel.labeling.utils``) on :func:`weaksup.filter_unlabeled`."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from weaksup._validation import in_row_order
from weaksup.matrix import as_label_matrix
from weaksup.utils import filter_unlabeled


def filter_unlabeled_dataframe(X: pd.DataFrame, y: np.ndarray, L: Any) -> tuple[pd.DataFrame, np.ndarray]:
    """Drop the rows of ``X`` and ``y`` on which every LF abstained.

    ``y`` comes back as it was given, as in Snorkel: an array as an array, a pandas Series or
    DataFrame (probabilities with their row index) as the kept rows of it.

    Examples
    --------
    >>> X = pd.DataFrame({"text": ["a", "b"]})
    >>> X2, y2 = filter_unlabeled_dataframe(X=X, y=np.array([[0.5, 0.5], [0.1, 0.9]]), L=np.array([[-1], [1]]))
    >>> X2.text.tolist(), y2.tolist()
    (['b'], [[0.1, 0.9]])
    """
    kept, probs = filter_unlabeled(X, y, L)
    if isinstance(y, (pd.Series, pd.DataFrame)):
        matrix = as_label_matrix(L)
        return kept, in_row_order(y, matrix.index, "probs").iloc[np.diff(matrix.csr.indptr) > 0]
    return kept, probs
