"""MeTaL / Snorkel LabelModel objective: fit LF conditional probabilities to the overlap matrix, in torch."""

from __future__ import annotations

import numpy as np

from weaksup.errors import ModelInputError
from weaksup.models._table import LogTableModel
from weaksup.models.stats import PatternCounts


class MatrixCompletion(LogTableModel):
    """Snorkel's LabelModel (Ratner et al. 2019): matrix completion on the LF overlap matrix.

    Learns ``mu[(j, v), c] = P(LF j votes v | y = c)`` by minimising
    ``||(O - mu P mu^T)[off-diagonal blocks]||^2 + ||mu P 1 - diag(O)||^2`` (plus an optional
    L2 pull towards the initialisation), where ``O`` is the ``(m k) x (m k)`` overlap matrix
    (from :class:`PatternCounts`) and ``P = diag(class balance)``. As in Snorkel, the class
    balance is given or uniform, ``mu`` starts from ``prec_init`` times one seeded random scalar, is
    clamped to ``[eps, 1 - eps]`` with ``eps = min(0.01, 10^-ceil(log10 n))``, and abstains are ignored
    when predicting. torch is
    imported only inside ``fit``.

    Parameters
    ----------
    cardinality : int, optional
        Number of classes.
    n_epochs : int
        Optimiser steps (full batch); Snorkel's default 100.
    lr : float
        Learning rate; Snorkel's default 0.01.
    l2 : float
        Weight of the L2 pull of ``mu`` towards its initialisation.
    prec_init : float
        Initial LF precision.
    optimizer : {"sgd", "adam"}
        ``"sgd"`` (momentum 0.9) is Snorkel's default and, with the other defaults and the same
        ``seed``, reproduces Snorkel's fit; ``"adam"`` goes further towards the objective's minimum.
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

    def __init__(self, cardinality: int | None = None, n_epochs: int = 100, lr: float = 0.01, l2: float = 0.0,
                 prec_init: float = 0.7, optimizer: str = "sgd", device: str = "cpu") -> None:
        super().__init__(cardinality=cardinality)
        self.n_epochs = n_epochs
        self.lr = lr
        self.l2 = l2
        self.prec_init = prec_init
        self.optimizer = optimizer
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
        if self.optimizer not in ("sgd", "adam"):
            raise ModelInputError(f"optimizer must be 'sgd' (Snorkel's default) or 'adam', got {self.optimizer!r}")
        # Snorkel starts from mu_init times one random scalar drawn from the seeded legacy numpy generator
        # (np.random.seed(seed); np.random.random()); the same draw gives the same starting point.
        scale = np.random.RandomState(0 if seed is None else int(seed)).random_sample()
        dev = torch.device(self.device)
        O_t = torch.tensor(O_np, dtype=torch.float64, device=dev)
        P = torch.tensor(np.diag(p), dtype=torch.float64, device=dev)
        init = torch.tensor(mu_init, dtype=torch.float64, device=dev)
        mu = (init * scale).clone().requires_grad_(True)
        block = np.kron(np.eye(m), np.ones((k, k))).astype(bool)
        mask = torch.tensor(~block, device=dev)
        diag_O = torch.diagonal(O_t)
        if self.optimizer == "sgd":  # Snorkel's default: plain SGD with momentum 0.9, constant learning rate
            opt = torch.optim.SGD([mu], lr=self.lr, momentum=0.9)
        else:
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
        # Snorkel's clamp, also what it predicts with: [eps, 1 - eps], eps = min(0.01, 10^-ceil(log10 n))
        eps = min(0.01, 10.0 ** -np.ceil(np.log10(max(stats.n_rows, 2))))
        mu_np = _break_symmetry(np.clip(mu_np, eps, 1 - eps), m, k, p)
        table = np.zeros((m, k + 1, k))
        table[:, 1:, :] = np.log(mu_np).reshape(m, k, k)
        self.mu_ = mu_np
        self.log_table_ = table
        self.class_balance_ = p


def _break_symmetry(mu: np.ndarray, m: int, k: int, p: np.ndarray) -> np.ndarray:
    """Column permutation (label swap) under which LFs are most often right, as in Snorkel.

    Like Snorkel, only classes with the same prior (to 3 decimals) may swap.
    """
    from itertools import permutations

    if k > 6:  # k! permutations; beyond this keep the orientation the initialisation gave
        return mu
    prior = np.round(p, 3)
    diag_mass = mu.reshape(m, k, k)
    best, best_score = tuple(range(k)), -np.inf
    for perm in permutations(range(k)):
        if any(prior[c] != prior[perm[c]] for c in range(k)):
            continue
        score = sum(diag_mass[:, c, perm[c]].sum() for c in range(k))
        if score > best_score + 1e-12:
            best, best_score = perm, score
    return mu[:, list(best)]
