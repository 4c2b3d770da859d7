"""Snorkel's ``snorkel.augmentation``: transformation functions, policies and TF appliers.

Same names, signatures and defaults as Snorkel 0.10; the native code is :mod:`weaksup.augment`.
"""

from weaksup.snorkel.augmentation.apply import PandasTFApplier, TFApplier
from weaksup.snorkel.augmentation.policy import (
    ApplyAllPolicy,
    ApplyEachPolicy,
    ApplyOnePolicy,
    MeanFieldPolicy,
    RandomPolicy,
)
from weaksup.snorkel.augmentation.tf import TransformationFunction, transformation_function

__all__ = ["ApplyAllPolicy", "ApplyEachPolicy", "ApplyOnePolicy", "MeanFieldPolicy", "PandasTFApplier",
           "RandomPolicy", "TFApplier", "TransformationFunction", "transformation_function"]
