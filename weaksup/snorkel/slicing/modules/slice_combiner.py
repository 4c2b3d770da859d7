"""Snorkel's ``SliceCombinerModule``: attention over slice representations (binary tasks)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


def _by_suffix(outputs: dict[str, torch.Tensor], suffix: str) -> list[torch.Tensor]:
    return [outputs[k] for k in sorted(outputs) if k.endswith(suffix)]


class SliceCombinerModule(nn.Module):
    """Combine per-slice representations, weighted by how sure each slice's indicator and predictor heads are.

    The weight of slice ``s`` is ``softmax_s(P(in s) * P(class 1 | s) / temperature)``, from the
    raw logits of the indicator heads (names ending in ``slice_ind_key``) and predictor heads
    (``slice_pred_key``); the output is the weighted sum of the predictor transforms
    (``slice_pred_feat_key``). Two classes only, as in Snorkel.

    Examples
    --------
    >>> torch.manual_seed(0) and None
    >>> out = {"a_ind_head": torch.randn(4, 2), "a_pred_head": torch.randn(4, 2), "a_pred_transform": torch.ones(4, 3),
    ...        "b_ind_head": torch.randn(4, 2), "b_pred_head": torch.randn(4, 2), "b_pred_transform": torch.zeros(4, 3)}
    >>> SliceCombinerModule()(out).shape
    torch.Size([4, 3])
    """

    def __init__(self, slice_ind_key: str = "_ind_head", slice_pred_key: str = "_pred_head",
                 slice_pred_feat_key: str = "_pred_transform", temperature: float = 1.0) -> None:
        super().__init__()
        self.slice_ind_key = slice_ind_key
        self.slice_pred_key = slice_pred_key
        self.slice_pred_feat_key = slice_pred_feat_key
        self.temperature = temperature

    def forward(self, output_dict: dict[str, torch.Tensor]) -> torch.Tensor:
        indicators = _by_suffix(output_dict, self.slice_ind_key)
        predictors = _by_suffix(output_dict, self.slice_pred_key)
        k = predictors[0].shape[1]
        if k > 2:
            raise NotImplementedError(f"SliceCombinerModule does not support more than 2 classes (got {k})")
        if k < 2:
            raise NotImplementedError(f"SliceCombinerModule requires output shape [..., 2] for predictor heads "
                                      f"(got [..., {k}])")
        in_slice = torch.stack([F.softmax(o, dim=1)[:, 1] for o in indicators], dim=1)
        confidence = torch.stack([F.softmax(o, dim=1)[:, 1] for o in predictors], dim=1)
        reps = torch.stack(_by_suffix(output_dict, self.slice_pred_feat_key), dim=1)  # batch x slices x dim
        weights = F.softmax(in_slice * confidence / self.temperature, dim=1).unsqueeze(-1)
        return (weights * reps).sum(dim=1)


__all__ = ["SliceCombinerModule"]
