"""Data augmentation: transformation functions, policies that sequence them, and the TF applier.

Snorkel's second pillar in weaksup's style: ``@transformation_function`` (row-wise or vectorized),
Snorkel's five policies (with a ``random_state``), and :class:`TFApplier`, which augments a
DataFrame without a pandas Series per row and records which input row every output row came from.
"""

from weaksup.augment.apply import TFApplier
from weaksup.augment.policy import (
    ApplyAllPolicy,
    ApplyEachPolicy,
    ApplyOnePolicy,
    MeanFieldPolicy,
    Policy,
    RandomPolicy,
)
from weaksup.augment.tf import (
    AugmentationError,
    TransformationFunction,
    TransformationFunctionError,
    transformation_function,
)

__all__ = [
    "ApplyAllPolicy", "ApplyEachPolicy", "ApplyOnePolicy", "AugmentationError", "MeanFieldPolicy", "Policy",
    "RandomPolicy", "TFApplier", "TransformationFunction", "TransformationFunctionError", "transformation_function",
]
