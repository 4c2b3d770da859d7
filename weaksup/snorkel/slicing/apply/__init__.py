"""Snorkel's ``snorkel.slicing.apply``."""

from weaksup.snorkel.slicing.apply.core import PandasSFApplier, SFApplier

__all__ = ["PandasSFApplier", "SFApplier"]
