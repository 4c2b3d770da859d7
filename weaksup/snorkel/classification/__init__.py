"""``snorkel.classification``'s data and task containers, as far as slicing needs them, and its soft-label loss.

Snorkel's ``MultitaskClassifier``, ``Trainer`` and training loggers are not provided; for end
models on probabilistic labels use :class:`weaksup.SoftLabelClassifier`.
"""

from weaksup.snorkel._missing import not_provided
from weaksup.snorkel.classification.loss import cross_entropy_with_probs
from weaksup.snorkel.slicing.tasks import DictDataLoader, DictDataset, Operation, Task, collate_dicts

__all__ = ["DictDataLoader", "DictDataset", "Operation", "Task", "collate_dicts", "cross_entropy_with_probs"]

_END_MODEL = "train an end model on probabilistic labels with weaksup.SoftLabelClassifier"
__getattr__ = not_provided(__name__, {
    name: _END_MODEL for name in ("MultitaskClassifier", "Trainer", "Checkpointer", "CheckpointerConfig", "LogManager",
                                  "LogManagerConfig", "LogWriter", "LogWriterConfig", "TensorBoardWriter")
})
