"""Data quality: label errors (confident learning), what to hand-label next (active learning), sampling and balance.

Plain functions over arrays where no state is needed (``find_label_issues(labels, pred_probs)``),
one estimator (:class:`CleanTrainer`) where there is. Nothing here imports torch or scikit-learn at import
time: confident learning is NumPy alone, and ``CleanTrainer`` (a scikit-learn estimator) loads on first use.
"""

from typing import Any

from weaksup.quality.active_learning import STRATEGIES, LabelSuggestions, suggest_labels
from weaksup.quality.confident_learning import (
    NoiseEstimate,
    class_thresholds,
    confident_joint,
    estimate_noise_matrix,
    find_label_issues,
    label_quality_scores,
)
from weaksup.quality.cross_val import cross_val_predict_proba
from weaksup.quality.health import HealthSummary, health_summary
from weaksup.quality.sampling import (
    class_weights,
    importance_sample,
    random_sample,
    reservoir_sample,
    stratified_sample,
    weighted_sample,
)
from weaksup.quality.weak_label_errors import (
    WeakLabelIssues,
    calibrate_error_probability,
    combine_views,
    find_weak_label_issues,
    lf_error_contributions,
)
from weaksup.quality.weak_label_fixes import POLICIES, LabelFix, add_gold, fix_weak_labels

__all__ = [
    "POLICIES",
    "STRATEGIES",
    "CleanTrainer",
    "HealthSummary",
    "LabelFix",
    "LabelSuggestions",
    "NoiseEstimate",
    "WeakLabelIssues",
    "add_gold",
    "calibrate_error_probability",
    "class_thresholds",
    "class_weights",
    "combine_views",
    "confident_joint",
    "cross_val_predict_proba",
    "estimate_noise_matrix",
    "find_label_issues",
    "find_weak_label_issues",
    "fix_weak_labels",
    "health_summary",
    "importance_sample",
    "label_quality_scores",
    "lf_error_contributions",
    "random_sample",
    "reservoir_sample",
    "stratified_sample",
    "suggest_labels",
    "weighted_sample",
]


def __getattr__(name: str) -> Any:
    if name == "CleanTrainer":  # subclasses scikit-learn's BaseEstimator: importing it imports scikit-learn
        from weaksup.quality.clean_trainer import CleanTrainer

        globals()[name] = CleanTrainer
        return CleanTrainer
    raise AttributeError(f"module 'weaksup.quality' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
