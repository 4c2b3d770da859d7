"""Snorkel's ``snorkel.slicing``: slicing functions, SF appliers, slice monitors and slice tasks.

Same names, signatures and defaults as Snorkel 0.10; the native code is :mod:`weaksup.slicing`
(sparse :class:`~weaksup.slicing.SliceMatrix`, ``score_slices``, ``slice_report``). Snorkel's
``SliceAwareClassifier`` needs Snorkel's multi-task classifier and is not provided.
"""

from weaksup.snorkel._missing import not_provided
from weaksup.snorkel.slicing.apply.core import PandasSFApplier, SFApplier
from weaksup.snorkel.slicing.modules.slice_combiner import SliceCombinerModule
from weaksup.snorkel.slicing.monitor import slice_dataframe
from weaksup.snorkel.slicing.sf.core import SlicingFunction, slicing_function
from weaksup.snorkel.slicing.utils import add_slice_labels, convert_to_slice_tasks

__all__ = ["PandasSFApplier", "SFApplier", "SliceCombinerModule", "SlicingFunction", "add_slice_labels",
           "convert_to_slice_tasks", "slice_dataframe", "slicing_function"]

__getattr__ = not_provided(__name__, {
    "SliceAwareClassifier": "it needs Snorkel's multi-task classifier; score an end model per slice with "
                            "Scorer(...).score_slices(S, golds, preds, probs) or weaksup.slicing.slice_report, and "
                            "train one on soft labels with weaksup.SoftLabelClassifier",
})
