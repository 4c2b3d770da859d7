"""Labeling functions, preprocessors and the row type row-wise LFs see."""

from weaksup.labeling.lf import LabelingFunction, labeling_function
from weaksup.labeling.preprocessor import Preprocessor, preprocessor
from weaksup.labeling.row import Row, make_row_type

__all__ = ["LabelingFunction", "labeling_function", "Preprocessor", "preprocessor", "Row", "make_row_type"]
