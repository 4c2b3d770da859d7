"""Label models: learn LF accuracies and class balance from votes, output probabilistic labels."""

from weaksup.models.agreement import AgreementModel
from weaksup.models.base import BaseLabelModel, label_model_classes
from weaksup.models.crowd import (
    GLAD,
    KOS,
    MACE,
    MMSR,
    CrowdDawidSkene,
    OneCoinDawidSkene,
    Wawa,
    ZeroBasedSkill,
)
from weaksup.models.dawid_skene import DawidSkene
from weaksup.models.generative import GenerativeModel
from weaksup.models.majority import MajorityVoter
from weaksup.models.matrix_completion import MatrixCompletion
from weaksup.models.selection import select_label_model
from weaksup.models.stats import PatternCounts
from weaksup.models.triplet import Triplet
from weaksup.models.weighted_majority import WeightedMajorityVoter

#: the default label model: the best of the family on WRENCH (see benchmarks/RESULTS.md)
LabelModel = AgreementModel

__all__ = [
    "AgreementModel",
    "BaseLabelModel",
    "DawidSkene",
    "GenerativeModel",
    "LabelModel",
    "MajorityVoter",
    "MatrixCompletion",
    "PatternCounts",
    "Triplet",
    "WeightedMajorityVoter",
    "label_model_classes",
    "select_label_model",
]
__all__ += ["CrowdDawidSkene", "GLAD", "KOS", "MACE", "MMSR", "OneCoinDawidSkene", "Wawa", "ZeroBasedSkill"]
