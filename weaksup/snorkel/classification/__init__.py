"""``snorkel.classification``'s data and task containers, as far as slicing needs them."""

from weaksup.snorkel.slicing.tasks import DictDataLoader, DictDataset, Operation, Task, collate_dicts

__all__ = ["DictDataLoader", "DictDataset", "Operation", "Task", "collate_dicts"]
