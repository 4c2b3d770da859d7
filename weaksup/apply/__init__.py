"""Appliers: run labeling functions over data and build a LabelMatrix."""

from weaksup.apply.applier import LFApplier
from weaksup.apply.core import LFErrorRecord

__all__ = ["LFApplier", "LFErrorRecord"]
