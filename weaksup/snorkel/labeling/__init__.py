"""Snorkel's ``snorkel.labeling``: LFs, appliers, analysis and (``.model``) label models, on weaksup."""

from weaksup.snorkel.labeling.analysis import LFAnalysis
from weaksup.snorkel.labeling.apply.core import LFApplier
from weaksup.snorkel.labeling.apply.pandas import PandasLFApplier
from weaksup.snorkel.labeling.lf.core import LabelingFunction, labeling_function
from weaksup.snorkel.labeling.utils import filter_unlabeled_dataframe

__all__ = ["LFAnalysis", "LFApplier", "LabelingFunction", "PandasLFApplier", "filter_unlabeled_dataframe",
           "labeling_function"]
