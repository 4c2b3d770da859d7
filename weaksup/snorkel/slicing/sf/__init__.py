"""Snorkel's ``snorkel.slicing.sf``."""

from weaksup.snorkel.slicing.sf.core import SlicingFunction, slicing_function

__all__ = ["SlicingFunction", "slicing_function"]
