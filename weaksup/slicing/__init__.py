"""Slicing: name the subsets of the data that matter, and score and monitor each one.

Snorkel's third pillar in weaksup's style: ``@slicing_function`` (row-wise or vectorized) and
templates, :class:`SFApplier` producing a sparse :class:`SliceMatrix` (rows x slices, with row
ids and names), :func:`score_slices` and :func:`slice_report` for per-slice scores, and
:func:`slice_dataframe` to look at a slice.
"""

from weaksup.slicing.apply import SFApplier
from weaksup.slicing.matrix import SliceMatrix, as_slice_matrix
from weaksup.slicing.monitor import slice_dataframe
from weaksup.slicing.scoring import METRICS, score_slices, slice_report
from weaksup.slicing.sf import SliceError, SlicingFunction, slicing_function
from weaksup.slicing.templates import keyword_sf, length_sf, lf_sf, regex_sf, threshold_sf

__all__ = [
    "METRICS", "SFApplier", "SliceError", "SliceMatrix", "SlicingFunction", "as_slice_matrix", "keyword_sf",
    "length_sf", "lf_sf", "regex_sf", "score_slices", "slice_dataframe", "slice_report", "slicing_function",
    "threshold_sf",
]
