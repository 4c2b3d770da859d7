"""The checks the quality functions use; they live in :mod:`weaksup._validation` with every other input check."""

from weaksup._validation import as_rng, check_labels_probs

__all__ = ["as_rng", "check_labels_probs"]
