"""Snorkel's ``LabelModel`` (``snorkel.labeling.model.label_model``): weaksup's :class:`~weaksup.MatrixCompletion`.

Same objective, optimiser and defaults as Snorkel 0.10 (with the same ``seed`` its probabilities
match Snorkel's to 1e-4, tested), with Snorkel's constructor and ``fit(L_train, Y_dev=,
class_balance=, progress_bar=, **train_config)``. The native model is faster, refits with a
smaller step instead of stopping with "Loss is NaN", and saves to JSON + npz instead of a pickle.
"""

from __future__ import annotations

import inspect
import logging
import warnings
from typing import Any, NamedTuple

import numpy as np

from weaksup.errors import ModelInputError, ParameterTypeError, WeaksupWarning
from weaksup.matrix import as_label_matrix
from weaksup.models.matrix_completion import MatrixCompletion
from weaksup.snorkel.labeling.model.base_labeler import BaseLabeler

logger = logging.getLogger(__name__)


class TrainConfig(NamedTuple):
    """Snorkel's ``fit`` options and defaults (``seed``: Snorkel draws one at import; here 0)."""

    n_epochs: int = 100
    lr: float = 0.01
    l2: float = 0.0
    optimizer: str = "sgd"
    optimizer_config: Any = None
    lr_scheduler: str = "constant"
    lr_scheduler_config: Any = None
    prec_init: float = 0.7
    seed: int = 0
    log_freq: int = 10
    mu_eps: float | None = None


_TRAIN_CONFIG = TrainConfig._fields
# Snorkel's l2 needs the optimizer's weight decay too; used once the native model has it
_NATIVE_WEIGHT_DECAY = "weight_decay" in inspect.signature(MatrixCompletion.__init__).parameters


class UnknownOptionError(ParameterTypeError, ValueError):
    """An option ``LabelModel.fit`` does not know (a ``ValueError``, as Snorkel's, and a ``TypeError``)."""


class LabelModel(BaseLabeler, MatrixCompletion):
    """Snorkel's ``LabelModel(cardinality=2, verbose=True, device="cpu")``.

    ``fit`` takes Snorkel's training options as keywords: ``n_epochs`` (100), ``lr`` (0.01),
    ``l2`` (0.0), ``optimizer`` (``"sgd"``, or ``"adam"``), ``prec_init`` (0.7), ``seed``
    (Snorkel draws one at import; here 0, so results repeat), ``log_freq`` (10; accepted, but
    ``verbose=True`` logs the final loss once, at INFO on this module's logger, where Snorkel logs
    every ``log_freq`` epochs on the root logger). Options weaksup does not implement (``optimizer="adamax"``, learning-rate
    schedulers, per-LF ``prec_init``, ``mu_eps``, optimizer configs) raise
    :class:`~weaksup.errors.ModelInputError` instead of being ignored.

    Examples
    --------
    >>> L = np.array([[0, 0, -1], [1, 1, 1], [0, -1, 0], [1, 1, -1], [0, 0, 0]] * 4)
    >>> label_model = LabelModel(cardinality=2, verbose=False)
    >>> label_model.fit(L_train=L, n_epochs=100, log_freq=10, seed=123).predict(np.array([[1, 1, -1]])).tolist()
    [1]
    """

    def __init__(self, cardinality: int = 2, verbose: bool = True, device: str = "cpu") -> None:
        super().__init__(cardinality=cardinality, device=device)
        self.verbose = verbose

    def fit(self, L_train: Any, Y_dev: Any = None, class_balance: Any = None,  # type: ignore[override]
            progress_bar: bool = True, **kwargs: Any) -> LabelModel:
        """Learn the LFs' conditional probabilities from ``L_train`` (n x m, -1 = abstain).

        The class balance is ``class_balance``, else the label shares of ``Y_dev`` (as Snorkel
        computes them), else uniform.
        """
        unknown = sorted(set(kwargs) - set(_TRAIN_CONFIG))
        if unknown:
            # Snorkel raises ValueError("Got unexpected field names: ..."); a TypeError too, as Python's own
            raise UnknownOptionError(f"LabelModel.fit got unexpected options {unknown}; Snorkel's options are "
                                     f"{_TRAIN_CONFIG}")
        config = TrainConfig(**kwargs)._asdict()
        self.train_config = TrainConfig(**kwargs)
        _refuse_unsupported(config)
        self.n_epochs, self.lr, self.l2 = int(config["n_epochs"]), float(config["lr"]), float(config["l2"])
        if _NATIVE_WEIGHT_DECAY:
            # Snorkel's l2 acts twice: ||l2 I (mu - mu_init)||^2 in the loss and weight_decay=l2 in the optimizer
            self.l2, self.weight_decay = self.l2 ** 2, self.l2
        self.optimizer, self.prec_init = config["optimizer"], float(config["prec_init"])
        L = as_label_matrix(L_train, cardinality=self.cardinality)
        balance = _snorkel_class_balance(self.cardinality, class_balance, Y_dev)
        self.random_state = int(config["seed"])  # the native model's seed
        super().fit(L, class_balance=balance, progress=progress_bar)
        self.coverage_ = np.bincount(L.csr.indices, minlength=L.n_lfs) / max(L.n_rows, 1)
        if self.verbose:
            logger.info("[%d epochs]: TRAIN:[loss=%.3f] (lr=%g)", self.n_epochs, self.loss_, self.lr_)
        return self

    def get_conditional_probs(self) -> np.ndarray:
        """``P[j, v + 1, c]``: probability that LF ``j`` votes ``v`` (``v = -1``: abstains) given class ``c``."""
        self._check_fitted()
        k, m = self.cardinality_, self.n_lfs_
        mu = self.mu_.reshape(m, k, k)
        cprobs = np.empty((m, k + 1, k))
        cprobs[:, 1:, :] = mu
        cprobs[:, 0, :] = 1.0 - mu.sum(axis=1)
        return cprobs

    def get_weights(self) -> np.ndarray:
        """Each LF's learned accuracy where it votes: ``sum_c P(vote c | y = c) P(y = c) / coverage``."""
        cprobs = self.get_conditional_probs()
        k = self.cardinality_
        correct = (cprobs[:, 1:, :][:, np.arange(k), np.arange(k)] * self.class_balance_[None, :]).sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            accs = correct / self.coverage_
        return np.clip(np.nan_to_num(accs, nan=1e-6, posinf=1.0), 1e-6, 1.0)


def _refuse_unsupported(config: dict[str, Any]) -> None:
    """Snorkel options weaksup's MatrixCompletion does not implement are errors, never silently ignored."""
    if config["optimizer"] not in ("sgd", "adam"):
        raise ModelInputError(f"Unrecognized optimizer option {config['optimizer']!r}: weaksup's LabelModel supports "
                              "'sgd' (Snorkel's default) and 'adam'")
    if config.get("lr_scheduler", "constant") != "constant":
        raise ModelInputError(f"lr_scheduler={config['lr_scheduler']!r} is not supported: weaksup's LabelModel uses a "
                              "constant learning rate (Snorkel's default)")
    for name in ("optimizer_config", "lr_scheduler_config", "mu_eps"):
        if config.get(name) is not None:
            raise ModelInputError(f"{name} is not supported by weaksup's LabelModel; leave it at its default")
    if np.ndim(config["prec_init"]) != 0 or isinstance(config["prec_init"], (str, bytes)):
        raise ModelInputError(f"prec_init must be one number here (per-LF precisions are not supported), got "
                              f"{config['prec_init']!r}")


def _snorkel_class_balance(k: int, class_balance: Any, Y_dev: Any) -> np.ndarray | None:
    """Snorkel's prior: ``class_balance``, else the label shares of ``Y_dev`` (no smoothing), else None (uniform)."""
    if class_balance is not None:
        p = np.asarray(class_balance, dtype=np.float64)
        if p.shape != (k,):
            raise ValueError(f"class_balance has {p.size} entries. Does not match LabelModel cardinality {k}.")
    elif Y_dev is not None:
        y = np.asarray(Y_dev).ravel()
        if len(np.unique(y)) != k:
            raise ValueError(f"Y_dev has {len(np.unique(y))} classes. Does not match LabelModel cardinality {k}.")
        p = np.array([np.mean(y == c) for c in range(k)])
    else:
        return None
    if (p == 0).any():
        raise ValueError(f"Class balance prior is 0 for class(es) {np.flatnonzero(p == 0).tolist()}.")
    if abs(p.sum() - 1.0) > 1e-6:
        # Snorkel would fit with these numbers as they are (not a distribution); weaksup rescales them
        warnings.warn(f"class_balance {p.tolist()} does not sum to 1; it is rescaled to {(p / p.sum()).tolist()} "
                      "(Snorkel 0.10 would use it unscaled)", WeaksupWarning, stacklevel=3)
    return p / p.sum()
