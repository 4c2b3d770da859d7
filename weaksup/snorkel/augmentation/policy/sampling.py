"""Snorkel's sampling policies (``snorkel.augmentation.policy.sampling``).

The native classes, which draw from NumPy's global generator unless given a ``random_state``,
so ``np.random.seed(s)`` gives the same sequences as Snorkel's.
"""

from weaksup.augment.policy import MeanFieldPolicy, RandomPolicy

__all__ = ["MeanFieldPolicy", "RandomPolicy"]
