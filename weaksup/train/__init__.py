"""End models on probabilistic labels: a torch soft-label classifier, any sklearn model via ``fit_soft``,
self-training past the LFs' coverage, scorers for soft targets, sentence-embedding features, and
confidence filtering with the threshold chosen on dev.

Nothing here imports torch at import time; :class:`SoftLabelClassifier` imports it when it fits.
The loss and network modules (``weaksup.train.losses``, ``weaksup.train.networks``) import torch.
"""

from weaksup.train._weights import soft_class_weight
from weaksup.train.classifier import SoftLabelClassifier
from weaksup.train.features import sentence_embeddings
from weaksup.train.filtering import (
    ConfidenceFilter,
    confidence_mask,
    fit_on_probs,
    select_confidence_threshold,
)
from weaksup.train.metrics import (
    expected_calibration_error,
    make_soft_scorer,
    probabilistic_report,
    soft_accuracy_score,
    soft_brier_score,
    soft_log_loss,
)
from weaksup.train.naive_bayes import naive_bayes_refine
from weaksup.train.self_training import SelfTrainingClassifier
from weaksup.train.soft_sklearn import expand_soft_labels, fit_soft

__all__ = [
    "ConfidenceFilter",
    "SelfTrainingClassifier",
    "SoftLabelClassifier",
    "confidence_mask",
    "expand_soft_labels",
    "expected_calibration_error",
    "fit_on_probs",
    "fit_soft",
    "make_soft_scorer",
    "naive_bayes_refine",
    "probabilistic_report",
    "select_confidence_threshold",
    "sentence_embeddings",
    "soft_accuracy_score",
    "soft_brier_score",
    "soft_class_weight",
    "soft_log_loss",
]
