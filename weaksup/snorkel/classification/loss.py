"""Snorkel's ``cross_entropy_with_probs`` (``snorkel.classification.loss``) on :func:`weaksup.train.losses.soft_cross_entropy`."""

from __future__ import annotations

from typing import Any


def cross_entropy_with_probs(input: Any, target: Any, weight: Any = None, reduction: str = "mean") -> Any:  # noqa: A002
    """Cross entropy of logits ``input`` (n x k) against probabilistic targets ``target`` (n x k).

    ``weight`` (k,) scales each class's term; ``reduction`` is ``"mean"`` (the plain mean over
    rows, weighted or not, as Snorkel computes it), ``"sum"`` or ``"none"`` (one loss per row).

    Examples
    --------
    >>> import torch
    >>> logits = torch.tensor([[2.0, 0.0], [0.0, 1.0]])
    >>> hard = torch.nn.functional.cross_entropy(logits, torch.tensor([0, 1]))
    >>> bool(torch.isclose(cross_entropy_with_probs(logits, torch.tensor([[1.0, 0.0], [0.0, 1.0]])), hard))
    True
    """
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"Keyword 'reduction' must be one of ['none', 'mean', 'sum'], got {reduction!r}")
    from weaksup.train.losses import soft_cross_entropy

    # per-row losses, reduced here: Snorkel's weighted "mean" divides by the number of rows
    losses = soft_cross_entropy(input, target.to(input.dtype), class_weight=weight, reduction="none")
    if reduction == "none":
        return losses
    return losses.mean() if reduction == "mean" else losses.sum()


__all__ = ["cross_entropy_with_probs"]
