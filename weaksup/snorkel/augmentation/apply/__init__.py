"""Snorkel's TF appliers (``snorkel.augmentation.apply``)."""

from weaksup.snorkel.augmentation.apply.core import BaseTFApplier, TFApplier
from weaksup.snorkel.augmentation.apply.pandas import PandasTFApplier

__all__ = ["BaseTFApplier", "PandasTFApplier", "TFApplier"]
