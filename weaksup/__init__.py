"""weaksup: programmatic weak supervision.

Write labeling functions, apply them into a sparse :class:`LabelMatrix`, analyse them,
fit a label model, and export probabilistic labels aligned to your rows.
"""

from weaksup import datasets, quality, train
from weaksup.analysis import LFAnalysis
from weaksup.apply import LFApplier, LFErrorRecord
from weaksup.apply.cache import IncrementalApplier
from weaksup.apply.chunked import ChunkedApplier, apply_file, fit_file, label_file
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
from weaksup.labeling.templates import keyword_lf, length_lf, lookup_lf, model_lf, regex_lf, threshold_lf
from weaksup.matrix import ABSTAIN, LabelMatrix, as_label_matrix
from weaksup.models import (
    AgreementModel,
    BaseLabelModel,
    DawidSkene,
    GenerativeModel,
    LabelModel,
    MajorityVoter,
    MatrixCompletion,
    PatternCounts,
    Triplet,
    WeightedMajorityVoter,
    select_label_model,
)
from weaksup.quality import CleanTrainer, find_label_issues, health_summary, suggest_labels
from weaksup.train import SoftLabelClassifier, fit_soft
from weaksup.utils import filter_unlabeled, preds_to_probs, probs_to_preds

__version__ = "0.1.0"

__all__ = [
    "ChunkedApplier",
    "apply_file",
    "fit_file",
    "label_file",
    "AgreementModel",
    "DawidSkene",
    "GenerativeModel",
    "IncrementalApplier",
    "LabelModel",
    "MatrixCompletion",
    "PatternCounts",
    "SoftLabelClassifier",
    "Triplet",
    "WeightedMajorityVoter",
    "fit_soft",
    "keyword_lf",
    "length_lf",
    "lookup_lf",
    "model_lf",
    "regex_lf",
    "select_label_model",
    "threshold_lf",
    "train",
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


def __getattr__(name: str):  # DaskLFApplier is imported on first use, so `import weaksup` never imports Dask
    if name == "DaskLFApplier":
        from weaksup.apply.dask import DaskLFApplier

        return DaskLFApplier
    raise AttributeError(f"module 'weaksup' has no attribute {name!r}")
