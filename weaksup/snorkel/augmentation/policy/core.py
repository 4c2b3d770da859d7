"""Snorkel's deterministic policies (``snorkel.augmentation.policy.core``): the native ones, same signatures."""

from weaksup.augment.policy import ApplyAllPolicy, ApplyEachPolicy, ApplyOnePolicy, Policy

__all__ = ["ApplyAllPolicy", "ApplyEachPolicy", "ApplyOnePolicy", "Policy"]
