"""Torch modules behind :class:`~weaksup.train.SoftLabelClassifier`: logistic regression and an MLP.

The first layer takes a dense or a torch sparse (COO) batch, so TF-IDF features are never densified.
Weights are initialised and dropout masks drawn from an explicit ``torch.Generator``: no global RNG.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import nn


class InputLinear(nn.Module):
    """``x @ W.T + b`` for dense or sparse ``x``, initialised like ``nn.Linear`` from a generator.

    Examples
    --------
    >>> import torch
    >>> layer = InputLinear(3, 2, generator=torch.Generator().manual_seed(0))
    >>> x = torch.eye(3).to_sparse()
    >>> layer(x).shape
    torch.Size([3, 2])
    """

    def __init__(self, n_in: int, n_out: int, generator: torch.Generator) -> None:
        super().__init__()
        bound = 1.0 / math.sqrt(max(n_in, 1))
        self.weight = nn.Parameter(torch.empty(n_out, n_in).uniform_(-bound, bound, generator=generator))
        self.bias = nn.Parameter(torch.empty(n_out).uniform_(-bound, bound, generator=generator))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.is_sparse:
            return torch.sparse.mm(x, self.weight.t()) + self.bias
        return torch.nn.functional.linear(x, self.weight, self.bias)


class SoftLabelNet(nn.Module):
    """Logistic regression (``hidden_sizes=()``) or an MLP with ReLU and dropout, ending in k logits.

    Parameters
    ----------
    n_features, n_classes : int
    hidden_sizes : sequence of int
        Widths of the hidden layers; empty for logistic regression.
    dropout : float
        Dropout rate after each hidden layer (masks drawn from the forward ``generator``).
    generator : torch.Generator
        Source of the initial weights.

    Examples
    --------
    >>> import torch
    >>> net = SoftLabelNet(4, 3, (8,), 0.1, torch.Generator().manual_seed(0))
    >>> net(torch.zeros(2, 4)).shape
    torch.Size([2, 3])
    """

    def __init__(
        self,
        n_features: int,
        n_classes: int,
        hidden_sizes: Sequence[int],
        dropout: float,
        generator: torch.Generator,
    ) -> None:
        super().__init__()
        sizes = [n_features, *[int(h) for h in hidden_sizes], n_classes]
        self.input = InputLinear(sizes[0], sizes[1], generator)
        layers = []
        for a, b in zip(sizes[1:-1], sizes[2:], strict=True):
            layers.append(InputLinear(a, b, generator))  # not nn.Linear: its constructor draws from the global RNG
        self.hidden = nn.ModuleList(layers)
        self.dropout = float(dropout)

    def forward(self, x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        h = self.input(x)
        for layer in self.hidden:
            h = torch.relu(h)
            if self.training and self.dropout > 0:
                keep = 1.0 - self.dropout
                mask = torch.rand(h.shape, generator=generator, device=h.device) < keep
                h = h * mask / keep
            h = layer(h)
        return h
