"""Snorkel's ``snorkel.slicing.utils``: slice labels and slice tasks for a multi-task model.

Both functions are duck-typed: they work with any data loader whose ``dataset.Y_dict`` is a dict
of torch tensors, and any task object with ``name``, ``module_pool``, ``op_sequence`` and
``scorer`` whose operations have ``name``, ``module_name`` and ``inputs`` (Snorkel's
``snorkel.classification`` classes among them). The model that trains such tasks (Snorkel's
``MultitaskClassifier`` / ``SliceAwareClassifier``) is not part of weaksup.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from weaksup.slicing.matrix import as_slice_matrix


def _slice_columns(S: Any) -> dict[str, np.ndarray]:
    if isinstance(S, np.ndarray) and S.dtype.names:
        return {name: np.asarray(S[name]) for name in S.dtype.names}
    M = as_slice_matrix(S)
    return {name: M.mask(name).astype(np.int64) for name in M.names}


def add_slice_labels(dataloader: Any, base_task: Any, S: Any) -> None:
    """Add, in place, an indicator and a masked prediction label set per slice (and ``base``) to a loader.

    For slice ``s`` of task ``t``: ``"t_slice:s_ind"`` is 1 on the slice's rows, 0 elsewhere;
    ``"t_slice:s_pred"`` is the task's labels on the slice and -1 elsewhere.

    Examples
    --------
    >>> import torch
    >>> from types import SimpleNamespace
    >>> from weaksup.slicing import SliceMatrix
    >>> loader = SimpleNamespace(dataset=SimpleNamespace(Y_dict={"t": torch.tensor([0, 1, 1])}))
    >>> add_slice_labels(loader, SimpleNamespace(name="t"), SliceMatrix.from_dense([[1], [0], [1]], names=["s"]))
    >>> loader.dataset.Y_dict["t_slice:s_pred"].tolist(), sorted(loader.dataset.Y_dict)
    ([0, -1, 1], ['t', 't_slice:base_ind', 't_slice:base_pred', 't_slice:s_ind', 't_slice:s_pred'])
    """
    import torch

    columns = _slice_columns(S)
    if "base" not in columns:
        n = len(next(iter(columns.values()))) if columns else len(dataloader.dataset.Y_dict[base_task.name])
        columns["base"] = np.ones(n, dtype=np.int64)
    Y_dict = dataloader.dataset.Y_dict
    labels = Y_dict[base_task.name]
    for name, ind in columns.items():
        ind_labels = torch.as_tensor(np.asarray(ind, dtype=np.int64))
        pred_labels = labels.clone()
        pred_labels[~ind_labels.bool()] = -1
        Y_dict[f"{base_task.name}_slice:{name}_ind"] = ind_labels
        Y_dict[f"{base_task.name}_slice:{name}_pred"] = pred_labels


def convert_to_slice_tasks(base_task: Any, slice_names: list[str]) -> list[Any]:
    """Snorkel's slice tasks: per slice (and ``base``) an indicator task and a predictor task, plus a master task.

    Indicator tasks get their own binary head; predictor tasks a per-slice transform and one
    shared head; the master task combines them (:class:`SliceCombinerModule`) and ends in the
    base task's head. The body of the base task is shared by every task; the base task's
    ``module_pool`` is changed in place, as in Snorkel. Task and operation objects are made with
    the classes ``base_task`` uses.
    """
    from torch import nn

    from weaksup.snorkel.slicing.modules.slice_combiner import SliceCombinerModule

    if "base" not in slice_names:
        slice_names = list(slice_names) + ["base"]
    Task, Operation = type(base_task), type(base_task.op_sequence[-1])
    head_op = base_task.op_sequence[-1]
    head = base_task.module_pool[head_op.module_name]
    if isinstance(head, nn.DataParallel):
        head = head.module
    neck, cardinality = head.in_features, head.out_features
    del base_task.module_pool[head_op.module_name]
    body = list(base_task.op_sequence[:-1])
    pool = base_task.module_pool
    tasks, slice_ops = [], []
    for name in slice_names:
        task_name = f"{base_task.name}_slice:{name}_ind"
        pool[f"{task_name}_head"] = nn.Linear(neck, 2)
        op = Operation(module_name=f"{task_name}_head", inputs=head_op.inputs)
        slice_ops.append(op)
        tasks.append(Task(name=task_name, module_pool=pool, op_sequence=body + [op], scorer=_f1_scorer()))
    shared_head = nn.Linear(neck, cardinality)
    for name in slice_names:
        task_name = f"{base_task.name}_slice:{name}_pred"
        pool[f"{task_name}_transform"] = nn.Linear(neck, neck)
        pool[f"{task_name}_head"] = shared_head
        transform = Operation(module_name=f"{task_name}_transform", inputs=head_op.inputs)
        pred = Operation(module_name=f"{task_name}_head", inputs=[transform.name])
        slice_ops += [transform, pred]
        tasks.append(Task(name=task_name, module_pool=pool, op_sequence=body + [transform, pred],
                          scorer=base_task.scorer))
    combiner_name, master_head_name = f"{base_task.name}_master_combiner", f"{base_task.name}_master_head"
    master_pool = nn.ModuleDict({combiner_name: SliceCombinerModule(), master_head_name: head})
    combiner = Operation(module_name=combiner_name, inputs=[])
    master_head = Operation(module_name=master_head_name, inputs=[combiner.name])
    tasks.append(Task(name=base_task.name, module_pool=master_pool,
                      op_sequence=body + slice_ops + [combiner, master_head], scorer=base_task.scorer))
    return tasks


def _f1_scorer() -> Any:
    try:  # the Snorkel-style Scorer of weaksup.snorkel.analysis, when present
        from weaksup.snorkel.analysis import Scorer
    except ImportError:  # pragma: no cover
        return None
    return Scorer(metrics=["f1"])


__all__ = ["add_slice_labels", "convert_to_slice_tasks"]
