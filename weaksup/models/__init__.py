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
from weaksup.models.dependent import DependencyAwareModel
from weaksup.models.generative import GenerativeModel
from weaksup.models.majority import MajorityVoter
from weaksup.models.matrix_completion import MatrixCompletion
from weaksup.models.selection import select_label_model
from weaksup.models.stats import PatternCounts
from weaksup.models.structure import StructureLearner, lf_dependencies
from weaksup.models.triplet import Triplet
from weaksup.models.weighted_majority import WeightedMajorityVoter

#: the default label model: the highest mean over every labeled set we have (see benchmarks/RESULTS.md)
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
__all__ += ["DependencyAwareModel", "StructureLearner", "lf_dependencies"]
__all__ += ["CrowdDawidSkene", "GLAD", "KOS", "MACE", "MMSR", "OneCoinDawidSkene", "Wawa", "ZeroBasedSkill"]
