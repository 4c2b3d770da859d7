"""weaksup: programmatic weak supervision.

Write labeling functions, apply them into a sparse :class:`LabelMatrix`, analyse them,
fit a label model, and export probabilistic labels aligned to your rows.
"""

from weaksup import datasets, quality
from weaksup.analysis import LFAnalysis
from weaksup.apply import LFApplier, LFErrorRecord
from weaksup.errors import (
    InvalidLabelError,
    LabelingFunctionError,
    LabelMatrixError,
    ModelInputError,
    NotFittedError,
    WeaksupError,
)
from weaksup.io import export_labels, load_labels
from weaksup.labeling import LabelingFunction, Preprocessor, Row, labeling_function, preprocessor
from weaksup.matrix import ABSTAIN, LabelMatrix, as_label_matrix
from weaksup.models import BaseLabelModel, MajorityVoter
from weaksup.quality import CleanTrainer, find_label_issues, health_summary, suggest_labels
from weaksup.utils import filter_unlabeled, preds_to_probs, probs_to_preds

__version__ = "0.1.0"

__all__ = [
    "ABSTAIN",
    "BaseLabelModel",
    "InvalidLabelError",
    "LFAnalysis",
    "LFApplier",
    "LFErrorRecord",
    "LabelMatrix",
    "LabelMatrixError",
    "LabelingFunction",
    "LabelingFunctionError",
    "MajorityVoter",
    "ModelInputError",
    "NotFittedError",
    "Preprocessor",
    "Row",
    "WeaksupError",
    "CleanTrainer",
    "as_label_matrix",
    "datasets",
    "find_label_issues",
    "health_summary",
    "quality",
    "suggest_labels",
    "export_labels",
    "filter_unlabeled",
    "labeling_function",
    "load_labels",
    "preds_to_probs",
    "preprocessor",
    "probs_to_preds",
]
