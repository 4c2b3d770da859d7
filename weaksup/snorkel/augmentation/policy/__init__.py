"""Snorkel's augmentation policies (``snorkel.augmentation.policy``)."""

from weaksup.snorkel.augmentation.policy.core import ApplyAllPolicy, ApplyEachPolicy, ApplyOnePolicy, Policy
from weaksup.snorkel.augmentation.policy.sampling import MeanFieldPolicy, RandomPolicy

__all__ = ["ApplyAllPolicy", "ApplyEachPolicy", "ApplyOnePolicy", "MeanFieldPolicy", "Policy", "RandomPolicy"]
