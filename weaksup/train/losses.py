"""Noise-aware losses for training on probabilistic labels (imports torch; load it lazily)."""

from __future__ import annotations

import torch


def soft_cross_entropy(
    logits: torch.Tensor,
    target: torch.Tensor,
    class_weight: torch.Tensor | None = None,
    gamma: float = 0.0,
    sample_weight: torch.Tensor | None = None,
    reduction: str = "mean",
) -> torch.Tensor:
    """Cross entropy against a probability distribution per row (Snorkel's noise-aware loss).

    ``loss_i = -sum_c w_c * q_ic * (1 - p_ic) ** gamma * log p_ic`` where ``q`` is the target
    distribution, ``p = softmax(logits)`` and ``w`` the class weights. With one-hot
    targets, ``gamma=0`` and no weights it equals :func:`torch.nn.functional.cross_entropy`;
    ``gamma > 0`` is the focal loss, which down-weights rows the model already gets right.

    Parameters
    ----------
    logits : tensor (n, k)
    target : tensor (n, k)
        Rows are probability distributions over the k classes.
    class_weight : tensor (k,), optional
    gamma : float
        Focal-loss exponent; 0 gives plain cross entropy.
    sample_weight : tensor (n,), optional
    reduction : {"mean", "sum", "none"}
        ``mean`` is the weighted mean ``sum(w_i * loss_i) / sum(w_i)`` (plain mean without
        weights), so a weight of 2 acts like a duplicated row.

    Examples
    --------
    >>> import torch
    >>> logits = torch.tensor([[2.0, 0.0], [0.0, 1.0]])
    >>> hard = torch.nn.functional.cross_entropy(logits, torch.tensor([0, 1]))
    >>> soft = soft_cross_entropy(logits, torch.tensor([[1.0, 0.0], [0.0, 1.0]]))
    >>> bool(torch.isclose(hard, soft))
    True
    """
    log_p = torch.log_softmax(logits, dim=1)
    terms = target * log_p
    if gamma:
        terms = terms * (1.0 - log_p.exp()).clamp_min(0.0).pow(gamma)
    if class_weight is not None:
        terms = terms * class_weight
    loss = -terms.sum(dim=1)
    if sample_weight is not None:
        loss = loss * sample_weight
    if reduction == "mean":
        if sample_weight is not None:
            return loss.sum() / sample_weight.sum().clamp_min(1e-12)
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    if reduction == "none":
        return loss
    raise ValueError(f"reduction must be 'mean', 'sum' or 'none', got {reduction!r}")
