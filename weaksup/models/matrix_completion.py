"""MeTaL / Snorkel LabelModel objective: LF conditional probabilities fitted to the overlap matrix."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from weaksup.errors import ModelInputError, WeaksupWarning
from weaksup.models._params import LOG_PROBABILITY_TABLE, NONE, Interval, Options
from weaksup.models._table import LogTableModel
from weaksup.models.stats import PatternCounts

_MAX_RESTARTS = 8  # SGD restarts, each with the step size divided by _LR_BACKOFF, before giving up
_LR_BACKOFF = 4.0
_BLOW_UP = 10.0  # a loss this many times the starting one is a divergence: stop the run early
_CLIMB_BACK = 0.25  # share of its drop the loss may climb back by the end before the run counts as unstable
_RING = 0.05  # relative rise over the best loss that is ringing (momentum, l2), not divergence
_NO_PROGRESS = 0.9  # final loss above this share of the first one: the fit went nowhere


class MatrixCompletion(LogTableModel):
    """Snorkel's LabelModel (Ratner et al. 2019): matrix completion on the LF overlap matrix.

    Learns ``mu[(j, v), c] = P(LF j votes v | y = c)`` by minimising
    ``||(O - mu P mu^T)[off-diagonal blocks]||^2 + ||mu P 1 - diag(O)||^2`` (plus an optional
    L2 pull towards the initialisation), where ``O`` is the ``(m k) x (m k)`` overlap matrix
    (from :class:`PatternCounts`) and ``P = diag(class balance)``. As in Snorkel, the class
    balance is given or uniform, ``mu`` starts from ``prec_init`` times one seeded random scalar, is
    clamped to ``[eps, 1 - eps]`` with ``eps = min(0.01, 10^-ceil(log10 n))``, and abstains are ignored
    when predicting. The fit runs in NumPy on the CPU; torch is imported only for another ``device``.

    The loss and its gradient grow with the number of LFs, so Snorkel's fixed ``lr=0.01`` SGD
    blows up on hundreds of LFs that vote often (Snorkel stops with "Loss is NaN"). Here a run whose loss becomes non-finite, ends above its start or climbs back
    up is refitted from the same start with the step size divided by 4, and a
    :class:`~weaksup.errors.WeaksupWarning` says so (and when the loss barely fell); runs that stay
    stable are Snorkel's path unchanged (to rounding: they match Snorkel 0.10 to 1e-4). The gradient
    is computed in closed form, one ``(m k)^2 x k`` product per step (the residual matrix is
    never formed), so thousands of LFs fit in seconds.

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
    weight_decay : float
        The optimiser's weight decay (a pull of ``mu`` towards 0, as torch applies it). Snorkel's
        ``LabelModel.fit(l2=...)`` uses both (``weaksup.snorkel`` sets ``l2=l2**2, weight_decay=l2``).
    prec_init : float
        Initial LF precision.
    optimizer : {"sgd", "adam"}
        ``"sgd"`` (momentum 0.9) is Snorkel's default and, with the other defaults and the same
        ``seed``, reproduces Snorkel's fit; ``"adam"`` goes further towards the objective's minimum
        and does not depend on the scale of the loss (no refits with many LFs).
    device : str
        torch device, e.g. "cpu" or "cuda".

    Attributes
    ----------
    mu_ : ndarray (m k, k)
        ``P(LF j votes v | y = c)``, clamped.
    log_table_ : ndarray (m, k + 1, k)
    class_balance_ : ndarray (k,)
    lr_ : float
        Step size of the run kept (below ``lr`` when SGD had to be refitted).
    loss_ : float
        Objective value before the last step.

    Examples
    --------
    >>> import numpy as np
    >>> L = np.array([[0, 0, -1], [1, 1, 1], [0, -1, 0], [1, 1, -1], [0, 0, 0]] * 4)
    >>> MatrixCompletion(n_epochs=50).fit(L).predict(np.array([[1, 1, -1]])).tolist()
    [1]
    """

    min_lfs = 3
    _parameter_rules = {"n_epochs": Interval(int, 1), "lr": Interval(float, 0, closed="neither"),
                        "l2": Interval(float, 0), "weight_decay": Interval(float, 0), "prec_init": Interval(float, 0, 1, closed="right"),
                        "optimizer": Options("sgd", "adam"), "random_state": (NONE, Interval(int, 0))}
    _state_rules = {"log_table_": LOG_PROBABILITY_TABLE, "mu_": (("mk", "k"), 0, 1)}

    def __init__(self, cardinality: int | None = None, n_epochs: int = 100, lr: float = 0.01, l2: float = 0.0,
                 prec_init: float = 0.7, optimizer: str = "sgd", device: str = "cpu",
                 random_state: int | None = 0, weight_decay: float = 0.0) -> None:
        super().__init__(cardinality=cardinality)
        self.random_state = random_state
        self.n_epochs = n_epochs
        self.lr = lr
        self.l2 = l2
        self.weight_decay = weight_decay
        self.prec_init = prec_init
        self.optimizer = optimizer
        self.device = device

    def _fit_stats(self, stats: PatternCounts, class_balance: np.ndarray | None, seed: int | None,
                   progress: bool) -> None:
        k, m = self.cardinality_, stats.n_lfs
        p = np.full(k, 1.0 / k) if class_balance is None else np.asarray(class_balance, dtype=np.float64)
        O_np = stats.overlap_matrix(k)
        lps = np.diag(O_np).reshape(m, k)
        mu_init = np.zeros((m * k, k))
        for c in range(k):  # Snorkel: P(vote c | y = c) ~ propensity * precision / prior
            # a class given prior 0 (class_balance=) has no propensity to scale: start it at prec_init
            start = lps[:, c] * self.prec_init / p[c] if p[c] > 0 else np.full(m, float(self.prec_init))
            mu_init[np.arange(m) * k + c, c] = np.clip(start, 0.0, 1.0)
        # Snorkel starts from mu_init times one random scalar drawn from the seeded legacy numpy generator
        # (np.random.seed(seed); np.random.random()); the same draw gives the same starting point.
        scale = np.random.RandomState(0 if seed is None else int(seed)).random_sample()
        objective = _Objective(O_np, p, m, k, mu_init, float(self.l2), self.device)
        # Snorkel's path unless it blows up: then the same start with a smaller step (and a warning),
        # never the garbage a diverged run gives
        lr, restarts = float(self.lr), 0
        while True:
            mu, losses = objective.descend(mu_init * scale, lr, int(self.n_epochs), self.optimizer, progress,
                                             float(self.weight_decay))
            if not losses or not _unstable(objective.objectives):  # no steps (the Snorkel port's n_epochs=0): the start
                break
            if restarts == _MAX_RESTARTS:
                raise ModelInputError(
                    f"MatrixCompletion diverged on {m} LFs even with lr={lr:g} ({restarts} restarts); "
                    "use optimizer='adam' or weaksup.LabelModel (AgreementModel)"
                )
            lr, restarts = lr / _LR_BACKOFF, restarts + 1
        self.lr_ = lr
        self.loss_ = float(losses[-1]) if losses else objective.loss_and_grad(objective._array(mu))[0]
        if losses:
            _warn_if_unreliable(objective.objectives, m, float(self.lr), lr, restarts)
        # Snorkel's clamp, also what it predicts with: [eps, 1 - eps], eps = min(0.01, 10^-ceil(log10 n))
        eps = min(0.01, 10.0 ** -np.ceil(np.log10(max(stats.n_rows, 2))))
        mu_np = _break_symmetry(np.clip(mu, eps, 1 - eps), m, k, p)
        table = np.zeros((m, k + 1, k))
        table[:, 1:, :] = np.log(mu_np).reshape(m, k, k)
        self.mu_ = mu_np
        self.log_table_ = table
        self.class_balance_ = p


class _Objective:
    """Snorkel's matrix-completion loss and its exact gradient, in O((m k)^2 k) per step, on a torch device.

    ``loss(mu) = ||(O - mu P mu^T)[off-diagonal blocks]||^2 + ||mu P 1 - diag(O)||^2 + l2 ||mu - mu_init||^2``.
    ``mu P mu^T`` has rank ``k``, so neither it nor the residual is ever formed: the one product
    touching an ``(m k)^2`` matrix per step is ``O_off @ (mu P)``, where ``O_off`` is ``O`` with its
    diagonal blocks zeroed; the rest costs ``O(m k^3)``. The gradient is the one autograd computes
    for the same loss (Snorkel's), so SGD/Adam follow Snorkel's path (to rounding), many times faster
    for thousands of LFs.
    """

    def __init__(self, overlap: np.ndarray, p: np.ndarray, m: int, k: int, mu_init: np.ndarray, l2: float,
                 device: str) -> None:
        self.m, self.k, self.l2 = m, k, l2
        # on the CPU the same float64 arithmetic runs in NumPy: importing torch cost ~1.1 s of a first fit
        self.torch = None if str(device) == "cpu" else _torch()
        try:
            self.dev = None if self.torch is None else self.torch.device(device)
            self.O_off = self._array(overlap)
        except (RuntimeError, TypeError, ValueError, AssertionError) as exc:  # unknown or unavailable device
            raise ModelInputError(f"MatrixCompletion parameter device={device!r} cannot be used: {exc}") from exc
        self.diag_O = self._copy(self.O_off.diagonal())
        lf = np.arange(m)
        self.O_off.reshape(m, k, m, k)[lf, :, lf, :] = 0.0  # the diagonal blocks are fitted through diag(O) only
        self.c0 = float((self.O_off * self.O_off).sum())
        self.p = self._array(p)
        self.init = self._array(mu_init)

    def _array(self, a: Any) -> Any:
        if self.torch is None:
            return np.array(a, dtype=np.float64)
        return self.torch.as_tensor(np.asarray(a), dtype=self.torch.float64).to(self.dev)

    def _copy(self, a: Any) -> Any:
        return a.copy() if self.torch is None else a.clone()

    def loss_and_grad(self, mu: Any) -> tuple[float, Any]:
        m, k = self.m, self.k
        mP = mu * self.p  # mu @ diag(p)
        B = self.O_off @ mP
        blocks = mP.reshape(m, k, k) @ mu.reshape(m, k, k).swapaxes(1, 2)  # diagonal blocks of mu P mu^T
        # (mask o mu P mu^T) mu P = mu P (mu^T mu P) - blockdiag(mu P mu^T) mu P
        masked_A_mP = mP @ (mu.T @ mP) - (blocks @ mP.reshape(m, k, k)).reshape(m * k, k)
        r = mP.sum(1) - self.diag_O
        grad = -4.0 * (B - masked_A_mP) + 2.0 * r[:, None] * self.p[None, :]
        # ||mask o (O - A)||^2 = ||O_off||^2 - 2 <O_off, A> + ||A||^2 - sum_j ||A_jj||^2
        loss = (self.c0 - 2.0 * (B * mu).sum() + ((mP.T @ mP) * (mu.T @ mu)).sum() - (blocks * blocks).sum()
                + (r * r).sum())
        if self.l2:
            diff = mu - self.init
            loss = loss + self.l2 * (diff * diff).sum()
            grad = grad + 2.0 * self.l2 * diff
        return float(loss), grad

    def descend(self, mu0: np.ndarray, lr: float, n_epochs: int, optimizer: str,
                progress: bool, weight_decay: float = 0.0) -> tuple[np.ndarray, list[float]]:
        """Run the optimiser from ``mu0``; returns the final ``mu`` and the loss before each step."""
        mu = self._array(mu0)
        # torch.optim's SGD (momentum 0.9) and Adam updates, written out (as plain arithmetic they run on NumPy
        # arrays too, and building a first torch.optim optimizer imports torch's compiler: 1.1 s, measured)
        buf = second = None
        beta1, beta2, eps = 0.9, 0.999, 1e-8
        steps: Any = range(n_epochs)
        if progress:
            from tqdm.auto import tqdm

            steps = tqdm(steps, desc="MatrixCompletion", leave=False)
        losses: list[float] = []
        # what the steps minimise: the loss plus the optimizer's weight decay (wd / 2 ||mu||^2, which the
        # loss alone does not hold, so with it the loss may end above its start on a converged run)
        self.objectives: list[float] = []
        for t, _ in enumerate(steps, 1):
            loss, grad = self.loss_and_grad(mu)
            losses.append(loss)
            self.objectives.append(loss + 0.5 * weight_decay * float((mu * mu).sum()) if weight_decay else loss)
            if not np.isfinite(loss) or loss > _BLOW_UP * losses[0]:
                break  # diverging: no point in finishing the epochs
            if weight_decay:
                grad = grad + weight_decay * mu
            if optimizer == "sgd":  # Snorkel's default: SGD with momentum 0.9, constant learning rate
                buf = self._copy(grad) if buf is None else buf * 0.9 + grad
                mu -= lr * buf
            else:
                if buf is None:
                    buf, second = grad * 0.0, grad * 0.0
                buf += (1.0 - beta1) * (grad - buf)
                second *= beta2
                second += (1.0 - beta2) * grad * grad
                denom = (second ** 0.5) / math.sqrt(1.0 - beta2 ** t) + eps
                mu -= (lr / (1.0 - beta1 ** t)) * buf / denom
        return (mu if self.torch is None else mu.cpu().numpy()), losses



def _torch() -> Any:
    import torch

    return torch


def _unstable(losses: list[float]) -> bool:
    """The step size was too large: the loss became non-finite, ended above its start, or climbed back up.

    Momentum makes the loss ring a little on its way down, and l2 (a pull towards the start) can leave it a
    little above its best (Snorkel's ``l2=0.5`` runs do: 0.240 -> 0.286 -> 0.247); climbing back by more than
    ``_CLIMB_BACK`` of the drop achieved and by more than ``_RING`` of the loss is a growing oscillation.
    """
    first, best, last = losses[0], min(losses), losses[-1]
    ring = _RING * abs(best)  # l2 pulls towards the start, so a converged run can end a little above its best
    return not np.isfinite(last) or last > first + ring or last - best > max(_CLIMB_BACK * (first - best), ring)


def _warn_if_unreliable(losses: list[float], m: int, lr: float, lr_used: float, restarts: int) -> None:
    """One WeaksupWarning saying why the fit is not to be trusted as Snorkel's, and what to use instead."""
    problems = []
    if restarts:
        problems.append(f"SGD with lr={lr:g} diverged on {m} LFs (the loss and its gradient grow with the number "
                        f"of LFs, and Snorkel's LabelModel diverges here too); it was refitted with lr={lr_used:g}")
    if losses[-1] > _NO_PROGRESS * losses[0]:
        problems.append(f"the loss barely fell ({losses[0]:.4g} -> {losses[-1]:.4g})")
    if problems:
        warnings.warn(
            f"MatrixCompletion did not converge as fitted: {'; '.join(problems)}. Its probabilities may be poor; "
            "use optimizer='adam', or weaksup.LabelModel (AgreementModel), which needs no step size.",
            WeaksupWarning, stacklevel=5,
        )


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
