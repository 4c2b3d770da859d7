"""Snorkel's sampling policies (``snorkel.augmentation.policy.sampling``).

The native classes, which draw from NumPy's global generator unless given a ``random_state``,
so ``np.random.seed(s)`` gives the same sequences as Snorkel's. Snorkel draws them row by row, between
the TF calls; the port's appliers do the same wherever TFs draw from that generator too (see
``weaksup.snorkel.augmentation.apply``).
"""

from weaksup.augment.policy import MeanFieldPolicy, RandomPolicy

__all__ = ["MeanFieldPolicy", "RandomPolicy"]
