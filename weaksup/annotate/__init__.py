"""Round trips with annotation tools: rows out to people who label them, their labels back in.

* :mod:`weaksup.annotate.label_studio`: Label Studio's labeling config and tasks (its JSON import
  format) with the label model's predictions and the active-learning priority.
* :mod:`weaksup.annotate.label_studio_read`: its JSON / JSON-MIN / CSV exports back as gold
  labels or as annotations (annotators as LFs).
"""

from weaksup.annotate.label_studio import LabelStudioFileError, export_label_studio, label_config
from weaksup.annotate.label_studio_read import read_label_studio

__all__ = ["LabelStudioFileError", "export_label_studio", "label_config", "read_label_studio"]
