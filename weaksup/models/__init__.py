"""Label models: learn LF accuracies and class balance from votes, output probabilistic labels."""

from weaksup.models.base import BaseLabelModel, label_model_classes
from weaksup.models.dawid_skene import DawidSkene
from weaksup.models.generative import GenerativeModel
from weaksup.models.majority import MajorityVoter
from weaksup.models.stats import PatternCounts

__all__ = [
    "BaseLabelModel",
    "DawidSkene",
    "GenerativeModel",
    "MajorityVoter",
    "PatternCounts",
    "label_model_classes",
]
