"""The data and task objects Snorkel's slice tasks are built from (``snorkel.classification``'s data types).

``DictDataset``, ``DictDataLoader``, ``Operation`` and ``Task`` with Snorkel's signatures, enough to
build slice labels and slice tasks (:func:`~weaksup.snorkel.slicing.add_slice_labels`,
:func:`~weaksup.snorkel.slicing.convert_to_slice_tasks`). Snorkel's ``MultitaskClassifier`` and
``Trainer`` that train them are not part of weaksup; the native end model is
:class:`weaksup.train.SoftLabelClassifier`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset


class DictDataset(Dataset):
    """A dataset of named feature tensors (``X_dict``) and named label tensors (``Y_dict``).

    Examples
    --------
    >>> ds = DictDataset("spam", "train", X_dict={"x": torch.zeros(3, 2)}, Y_dict={"task": torch.tensor([0, 1, 1])})
    >>> len(ds), ds
    (3, DictDataset(name=spam, X_keys=['x'], Y_keys=['task']))
    """

    def __init__(self, name: str, split: str, X_dict: dict[str, Any], Y_dict: dict[str, torch.Tensor]) -> None:
        self.name, self.split, self.X_dict, self.Y_dict = name, split, X_dict, Y_dict
        for label_name, label in Y_dict.items():
            if not isinstance(label, torch.Tensor):
                raise ValueError(f"Label {label_name} should be torch.Tensor, not {type(label)}.")

    def __getitem__(self, index: int) -> tuple[dict[str, Any], dict[str, torch.Tensor]]:
        return ({k: v[index] for k, v in self.X_dict.items()}, {k: v[index] for k, v in self.Y_dict.items()})

    def __len__(self) -> int:
        return len(next(iter(self.Y_dict.values()))) if self.Y_dict else 0

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name}, X_keys={list(self.X_dict)}, Y_keys={list(self.Y_dict)})"


def collate_dicts(batch: list[tuple[dict[str, Any], dict[str, torch.Tensor]]]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Stack a list of ``(x_dict, y_dict)`` items field by field (tensors stacked, other values listed)."""
    def stack(values: list[Any]) -> Any:
        return torch.stack(values) if values and isinstance(values[0], torch.Tensor) else values

    xs, ys = zip(*batch, strict=True) if batch else ((), ())
    return ({k: stack([x[k] for x in xs]) for k in (xs[0] if xs else {})},
            {k: stack([y[k] for y in ys]) for k in (ys[0] if ys else {})})


class DictDataLoader(DataLoader):
    """A torch ``DataLoader`` over a :class:`DictDataset`, batching its dicts.

    Examples
    --------
    >>> ds = DictDataset("d", "train", X_dict={"x": torch.arange(4.0)}, Y_dict={"t": torch.tensor([0, 1, 0, 1])})
    >>> x, y = next(iter(DictDataLoader(ds, batch_size=2)))
    >>> x["x"].tolist(), y["t"].tolist()
    ([0.0, 1.0], [0, 1])
    """

    def __init__(self, dataset: DictDataset, collate_fn: Callable[..., Any] = collate_dicts, **kwargs: Any) -> None:
        if not isinstance(dataset, DictDataset):
            raise TypeError(f"DictDataLoader takes a DictDataset, got {type(dataset).__name__}")
        super().__init__(dataset, collate_fn=collate_fn, **kwargs)


class Operation:
    """One step of a task's flow: run ``module_name`` on ``inputs`` (names of earlier operations, or ``_input_``).

    Examples
    --------
    >>> Operation(module_name="linear", inputs=["_input_"])
    Operation(name=linear, module_name=linear, inputs=['_input_'])
    """

    def __init__(self, module_name: str, inputs: Sequence[str | tuple[str, str]], name: str | None = None) -> None:
        self.name = name or module_name
        self.module_name = module_name
        self.inputs = inputs

    def __repr__(self) -> str:
        return f"Operation(name={self.name}, module_name={self.module_name}, inputs={self.inputs})"


class Task:
    """A named prediction task: modules, the operations that run them, and how it is scored.

    Examples
    --------
    >>> pool = nn.ModuleDict({"linear": nn.Linear(2, 2)})
    >>> Task("spam", pool, [Operation(module_name="linear", inputs=["_input_"])])
    Task(name=spam)
    """

    def __init__(self, name: str, module_pool: nn.ModuleDict, op_sequence: Sequence[Operation],
                 scorer: Any = None, loss_func: Callable[..., torch.Tensor] | None = None,
                 output_func: Callable[[torch.Tensor], torch.Tensor] | None = None) -> None:
        if scorer is None:
            scorer = _default_scorer()
        self.name, self.module_pool, self.op_sequence, self.scorer = name, module_pool, op_sequence, scorer
        self.loss_func = loss_func or torch.nn.functional.cross_entropy
        self.output_func = output_func or (lambda t: torch.nn.functional.softmax(t, dim=1))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name})"


def _default_scorer() -> Any:
    try:  # Snorkel's default, Scorer(metrics=["accuracy"]), from weaksup.snorkel.analysis when present
        from weaksup.snorkel.analysis import Scorer
    except ImportError:  # pragma: no cover
        return None
    return Scorer(metrics=["accuracy"])


__all__ = ["DictDataLoader", "DictDataset", "Operation", "Task", "collate_dicts"]
