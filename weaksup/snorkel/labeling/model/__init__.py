"""Snorkel's ``snorkel.labeling.model``: the LabelModel (weaksup's MatrixCompletion) and baselines."""

from weaksup.snorkel.labeling.model.baselines import MajorityClassVoter, MajorityLabelVoter, RandomVoter
from weaksup.snorkel.labeling.model.label_model import LabelModel

__all__ = ["LabelModel", "MajorityClassVoter", "MajorityLabelVoter", "RandomVoter"]
