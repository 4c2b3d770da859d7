"""weaksup: programmatic weak supervision.

Write labeling functions, apply them into a sparse :class:`LabelMatrix`, analyse them,
fit a label model, and export probabilistic labels aligned to your rows.

The public names below are imported on first use (PEP 562), so ``import weaksup`` and the ``weaksup``
command start fast and never import torch, Dask, matplotlib or scikit-learn before they are needed.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# public name -> module defining it (a submodule maps to itself)
_EXPORTS: dict[str, str] = {
    "LFAnalysis": "weaksup.analysis",
    "LFApplier": "weaksup.apply",
    "LFErrorRecord": "weaksup.apply",
    "IncrementalApplier": "weaksup.apply.cache",
    "ChunkedApplier": "weaksup.apply.chunked",
    "apply_file": "weaksup.apply.chunked",
    "fit_file": "weaksup.pipeline",
    "label_file": "weaksup.pipeline",
    "pipeline": "weaksup.pipeline",
    "datasets": "weaksup.datasets",
    "InvalidLabelError": "weaksup.errors",
    "LabelMatrixError": "weaksup.errors",
    "LabelingFunctionError": "weaksup.errors",
    "ModelInputError": "weaksup.errors",
    "NotFittedError": "weaksup.errors",
    "WeaksupError": "weaksup.errors",
    "ApplyInputError": "weaksup.errors",
    "DataFileError": "weaksup.errors",
    "LFPicklingError": "weaksup.errors",
    "MissingColumnError": "weaksup.errors",
    "UnsafeOutputError": "weaksup.errors",
    "WeaksupWarning": "weaksup.errors",
    "export_labels": "weaksup.io",
    "load_labels": "weaksup.io",
    "LabelingFunction": "weaksup.labeling",
    "Preprocessor": "weaksup.labeling",
    "Row": "weaksup.labeling",
    "labeling_function": "weaksup.labeling",
    "preprocessor": "weaksup.labeling",
    "keyword_lf": "weaksup.labeling.templates",
    "length_lf": "weaksup.labeling.templates",
    "lookup_lf": "weaksup.labeling.templates",
    "model_lf": "weaksup.labeling.templates",
    "regex_lf": "weaksup.labeling.templates",
    "threshold_lf": "weaksup.labeling.templates",
    "ABSTAIN": "weaksup._votes",
    "LabelMatrix": "weaksup.matrix",
    "as_label_matrix": "weaksup.matrix",
    "AgreementModel": "weaksup.models",
    "BaseLabelModel": "weaksup.models",
    "DawidSkene": "weaksup.models",
    "GenerativeModel": "weaksup.models",
    "LabelModel": "weaksup.models",
    "MajorityVoter": "weaksup.models",
    "MatrixCompletion": "weaksup.models",
    "PatternCounts": "weaksup.patterns",
    "Triplet": "weaksup.models",
    "WeightedMajorityVoter": "weaksup.models",
    "select_label_model": "weaksup.models",
    "CleanTrainer": "weaksup.quality",
    "find_label_issues": "weaksup.quality",
    "health_summary": "weaksup.quality",
    "quality": "weaksup.quality",
    "suggest_labels": "weaksup.quality",
    "SoftLabelClassifier": "weaksup.train",
    "fit_soft": "weaksup.train",
    "train": "weaksup.train",
    "filter_unlabeled": "weaksup.utils",
    "preds_to_probs": "weaksup.utils",
    "probs_to_preds": "weaksup.utils",
    "DaskLFApplier": "weaksup.apply.dask",  # needs the dask extra
}

_EXPORTS.update(dict.fromkeys(["CrowdDawidSkene", "GLAD", "KOS", "MACE", "MMSR", "OneCoinDawidSkene", "Wawa",
                               "ZeroBasedSkill"], "weaksup.models"))  # crowd-kit's aggregators
# augmentation and slicing (Snorkel's other two pillars), sequences, weak-label errors, spaCy
_EXPORTS.update({"augment": "weaksup.augment", "slicing": "weaksup.slicing", "sequence": "weaksup.sequence",
                 "snorkel": "weaksup.snorkel", "io": "weaksup.io"})
_EXPORTS.update(dict.fromkeys(["TFApplier", "TransformationFunction", "transformation_function", "AugmentationError",
                               "TransformationFunctionError"], "weaksup.augment"))
_EXPORTS.update(dict.fromkeys(["SFApplier", "SlicingFunction", "slicing_function", "SliceMatrix", "score_slices",
                               "slice_report", "slice_dataframe", "SliceError"], "weaksup.slicing"))
_EXPORTS.update(dict.fromkeys(["SequenceLabelModel", "SequenceMajorityVoter", "SequenceHMM", "SpanLabelMatrix",
                               "SpanApplier", "SpanLFAnalysis", "SpanLabelingFunction", "span_labeling_function",
                               "RegexSpanLF", "GazetteerSpanLF", "TokenPatternLF", "ModelSpanLF", "DocumentContextLF",
                               "entity_scores", "entity_report", "SpanError"], "weaksup.sequence"))
_EXPORTS.update(dict.fromkeys(["find_weak_label_issues", "lf_error_contributions", "fix_weak_labels", "add_gold",
                               "WeakLabelIssues", "LabelFix"], "weaksup.quality"))
_EXPORTS.update(dict.fromkeys(["SpacyPreprocessor", "nlp_labeling_function"], "weaksup.labeling.nlp"))
_EXPORTS.update(dict.fromkeys(["MissingFileError", "ParameterError", "ParameterTypeError", "MissingFieldError"],
                              "weaksup.errors"))
_EXPORTS.update(dict.fromkeys(["export_label_studio", "read_label_studio", "label_config", "LabelStudioFileError"],
                              "weaksup.annotate"))
_EXPORTS.update({"annotate": "weaksup.annotate"})
# the pipeline-stage subpackages themselves (ws.apply.DaskLFApplier, ws.models.AgreementModel, ...)
_EXPORTS.update({name: f"weaksup.{name}" for name in ("apply", "models", "analysis", "plot")})
_EXPORTS.update(dict.fromkeys(["ApplyPlan", "shutdown_workers"], "weaksup.apply.parallel"))
_EXPORTS.update(dict.fromkeys(["SelfTrainingClassifier", "make_soft_scorer", "probabilistic_report",
                               "soft_accuracy_score", "soft_log_loss", "soft_brier_score", "expected_calibration_error",
                               "soft_class_weight", "sentence_embeddings"], "weaksup.train"))
_EXPORTS.update(dict.fromkeys(["DependencyAwareModel", "StructureLearner", "lf_dependencies"], "weaksup.models"))
_EXPORTS.update({"multilabel": "weaksup.multilabel"})
_EXPORTS.update(dict.fromkeys(["read_table", "read_chunks", "LabelWriter"], "weaksup.io"))
_EXPORTS.update(dict.fromkeys(["fit_chunked", "export_chunked", "fit_dask", "predict_proba_dask"], "weaksup.pipeline"))

__all__ = sorted(name for name in _EXPORTS if name != "DaskLFApplier")



def __getattr__(name: str) -> Any:
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module 'weaksup' has no attribute {name!r}")
    module = importlib.import_module(module_name)
    value = module if module_name == f"weaksup.{name}" else getattr(module, name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
