"""MeTaL / Snorkel LabelModel objective: fit LF conditional probabilities to the overlap matrix, in torch."""

from __future__ import annotations

import numpy as np

from weaksup.models._table import LogTableModel
from weaksup.models.stats import PatternCounts


class MatrixCompletion(LogTableModel):
    """Snorkel's LabelModel (Ratner et al. 2019): matrix completion on the LF overlap matrix.

    Learns ``mu[(j, v), c] = P(LF j votes v | y = c)`` by minimising
    ``||(O - mu P mu^T)[off-diagonal blocks]||^2 + ||mu P 1 - diag(O)||^2`` (plus an optional
    L2 pull towards the initialisation), where ``O`` is the ``(m k) x (m k)`` overlap matrix
    (from :class:`PatternCounts`) and ``P = diag(class balance)``. As in Snorkel, the class
    balance is given or uniform, ``mu`` is initialised from ``prec_init`` and clipped to
    ``[0.01, 0.99]`` for prediction, and abstains are ignored when predicting. torch is
    imported only inside ``fit``.

    Parameters
    ----------
    cardinality : int, optional
        Number of classes.
    n_epochs : int
        Optimiser steps (full batch).
    lr : float
        Adam learning rate.
    l2 : float
        Weight of the L2 pull of ``mu`` towards its initialisation.
    prec_init : float
        Initial LF precision.
    device : str
        torch device, e.g. "cpu" or "cuda".

    Examples
    --------
    >>> import numpy as np
    >>> L = np.array([[0, 0, -1], [1, 1, 1], [0, -1, 0], [1, 1, -1], [0, 0, 0]] * 4)
    >>> MatrixCompletion(n_epochs=50).fit(L).predict(np.array([[1, 1, -1]])).tolist()
    [1]
    """

    min_lfs = 3

    def __init__(self, cardinality: int | None = None, n_epochs: int = 500, lr: float = 0.01, l2: float = 0.0,
                 prec_init: float = 0.7, device: str = "cpu") -> None:
        super().__init__(cardinality=cardinality)
        self.n_epochs = n_epochs
        self.lr = lr
        self.l2 = l2
        self.prec_init = prec_init
        self.device = device

    def _fit_stats(self, stats: PatternCounts, class_balance: np.ndarray | None, seed: int | None,
                   progress: bool) -> None:
        import torch

        k, m = self.cardinality_, stats.n_lfs
        p = np.full(k, 1.0 / k) if class_balance is None else np.asarray(class_balance, dtype=np.float64)
        O_np = stats.overlap_matrix(k)
        lps = np.diag(O_np).reshape(m, k)
        mu_init = np.zeros((m * k, k))
        for c in range(k):  # Snorkel: P(vote c | y = c) ~ propensity * precision / prior
            mu_init[np.arange(m) * k + c, c] = np.clip(lps[:, c] * self.prec_init / p[c], 0.0, 1.0)
        gen = torch.Generator(device="cpu").manual_seed(0 if seed is None else int(seed))
        dev = torch.device(self.device)
        O_t = torch.tensor(O_np, dtype=torch.float64, device=dev)
        P = torch.tensor(np.diag(p), dtype=torch.float64, device=dev)
        init = torch.tensor(mu_init, dtype=torch.float64, device=dev)
        noise = 1e-4 * torch.rand(init.shape, generator=gen, dtype=torch.float64).to(dev)
        mu = (init + noise).clone().requires_grad_(True)
        block = np.kron(np.eye(m), np.ones((k, k))).astype(bool)
        mask = torch.tensor(~block, device=dev)
        diag_O = torch.diagonal(O_t)
        opt = torch.optim.Adam([mu], lr=self.lr)
        steps = range(self.n_epochs)
        if progress:
            from tqdm.auto import tqdm

            steps = tqdm(steps, desc="MatrixCompletion", leave=False)
        for _ in steps:
            opt.zero_grad()
            resid = (O_t - mu @ P @ mu.T)[mask]
            loss = (resid**2).sum() + ((mu @ P).sum(dim=1) - diag_O).pow(2).sum()
            if self.l2:
                loss = loss + self.l2 * (mu - init).pow(2).sum()
            loss.backward()
            opt.step()
        mu_np = mu.detach().cpu().numpy()
        mu_np = _break_symmetry(mu_np, m, k)
        table = np.zeros((m, k + 1, k))
        table[:, 1:, :] = np.log(np.clip(mu_np, 0.01, 0.99)).reshape(m, k, k)
        self.mu_ = mu_np
        self.log_table_ = table
        self.class_balance_ = p


def _break_symmetry(mu: np.ndarray, m: int, k: int) -> np.ndarray:
    """Column permutation (label swap) under which LFs are most often right, as in Snorkel."""
    from itertools import permutations

    if k > 6:  # k! permutations; beyond this keep the orientation the initialisation gave
        return mu
    diag_mass = mu.reshape(m, k, k)
    best, best_score = tuple(range(k)), -np.inf
    for perm in permutations(range(k)):
        score = sum(diag_mass[:, c, perm[c]].sum() for c in range(k))
        if score > best_score + 1e-12:
            best, best_score = perm, score
    return mu[:, list(best)]
