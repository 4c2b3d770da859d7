"""End models on probabilistic labels: a torch soft-label classifier, any sklearn model via ``fit_soft``,
and confidence filtering with the threshold chosen on dev.

Nothing here imports torch at import time; :class:`SoftLabelClassifier` imports it when it fits.
The loss and network modules (``weaksup.train.losses``, ``weaksup.train.networks``) import torch.
"""

from weaksup.train.classifier import SoftLabelClassifier
from weaksup.train.filtering import (
    ConfidenceFilter,
    confidence_mask,
    fit_on_probs,
    select_confidence_threshold,
)
from weaksup.train.soft_sklearn import expand_soft_labels, fit_soft

__all__ = [
    "ConfidenceFilter",
    "SoftLabelClassifier",
    "confidence_mask",
    "expand_soft_labels",
    "fit_on_probs",
    "fit_soft",
    "select_confidence_threshold",
]
