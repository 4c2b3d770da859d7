"""Every reader and writer: data files in (one rule for ids and missing values), labels files out (atomic).

- :func:`read_table` / :func:`read_chunks`: CSV, parquet and JSON-lines data files, indexed by row id
  (:mod:`weaksup.io.tables` states the rule);
- :func:`export_labels` / :func:`load_labels` / :func:`labels_frame`: probabilistic labels with their ids;
- :class:`LabelWriter`: a labels file written chunk by chunk, renamed into place when complete.
"""

from weaksup.io.labels import FORMATS, VOTE_PREFIX, export_labels, labels_frame, load_labels
from weaksup.io.tables import DATA_FORMATS, count_rows, read_chunks, read_table
from weaksup.io.writer import LabelWriter

__all__ = ["DATA_FORMATS", "FORMATS", "VOTE_PREFIX", "LabelWriter", "count_rows", "export_labels", "labels_frame",
           "load_labels", "read_chunks", "read_table"]
