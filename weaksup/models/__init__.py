"""Label models: learn LF accuracies and class balance from votes, output probabilistic labels."""

from weaksup.models.base import BaseLabelModel, label_model_classes
from weaksup.models.majority import MajorityVoter

__all__ = ["BaseLabelModel", "MajorityVoter", "label_model_classes"]
