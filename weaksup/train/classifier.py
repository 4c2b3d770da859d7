"""``SoftLabelClassifier``: a scikit-learn compatible end model trained on probabilistic labels (torch backend).

torch is imported inside the methods, so ``import weaksup`` stays light.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import NotFittedError as SklearnNotFittedError

from weaksup._validation import check_features, check_sample_weight, check_targets, is_torch_tensor, n_rows
from weaksup.errors import ModelInputError, NotFittedError
from weaksup.train._checks import (
    check_aligned,
    check_device,
    check_feature_names,
    check_targets_frame,
    check_weights_aligned,
    keep_fit_on_error,
    unique_labels,
    warn_abstain_class,
)
from weaksup.train._classifier_files import load_classifier, save_classifier
from weaksup.train._weights import MODES as WEIGHT_MODES
from weaksup.train._weights import soft_class_weight

MODELS = ("logreg", "mlp")
DEV_METRICS = ("accuracy", "f1", "f1_macro", "loss")
SAMPLINGS = ("shuffle", "bootstrap")
OPTIMIZERS = ("auto", "lbfgs", "adam")
LBFGS_ITERS_PER_EPOCH = 20


class _NotFittedError(NotFittedError, SklearnNotFittedError):
    """weaksup's NotFittedError that scikit-learn's tools (``check_is_fitted`` users) also recognise."""


class SoftLabelClassifier(ClassifierMixin, BaseEstimator):
    """Logistic regression or an MLP trained with noise-aware (soft) cross entropy.

    ``fit(X, y)`` takes probabilistic labels (an ``n x k`` matrix, e.g. a label model's
    ``predict_proba``) or ordinary 1-D hard labels. ``X`` may be a dense array, a scipy
    sparse matrix (TF-IDF; minibatches go to torch as sparse tensors, the whole matrix
    is never densified) or a torch tensor. Works with ``clone``, ``Pipeline`` and
    ``GridSearchCV``.

    Parameters
    ----------
    model : {"logreg", "mlp"}
    hidden_sizes : int or sequence of int
        Hidden layer widths of the MLP (ignored for ``logreg``); one int is one hidden layer.
    dropout : float
        Dropout after each hidden layer of the MLP.
    max_epochs : int
        Passes over the training data (fewer with early stopping); with L-BFGS, rounds of
        20 full-batch iterations (fewer once the loss stops changing).
    batch_size : int
        Adam minibatch size.
    lr : float
        Adam learning rate.
    weight_decay : float
        Adam's L2 penalty on all weights.
    optimizer : {"auto", "lbfgs", "adam"}
        ``auto`` (default): full-batch L-BFGS for ``logreg``, minibatch Adam for ``mlp``. Adam scales
        each weight's step by its own gradient history, so a feature seen in one row learns as fast as
        one seen in every row: on n-gram counts an unregularised logistic regression then memorises
        each row through its rare n-grams, and unseen rows fall back to the bias, i.e. the majority
        of the soft labels. L-BFGS with an L2 penalty learns the shared features first, like
        scikit-learn's ``LogisticRegression``.
    C : float
        Inverse L2 strength for L-BFGS, as in scikit-learn: the objective is the sum of the rows'
        (weighted) losses plus ``||W||^2 / (2C)``. ``W`` holds one row of weights per class, also for
        two classes, where the penalty on the margin ``w_1 - w_0`` is then half scikit-learn's: binary
        ``C`` here fits like ``LogisticRegression(C=2 * C)`` (multi-class like ``LogisticRegression(C=C)``).
    class_weight : "auto", None, "balanced", dict or array (k,)
        Per-class loss weights. ``auto`` (default): for probabilistic labels, classes weigh
        ``mass ** -1/2`` (their soft-label mass), which keeps an end model from drifting to the
        class its label model is most confident about; hard 1-D labels are left unweighted.
        ``balanced`` weighs classes inversely to their soft mass; ``None`` never weighs.
        See :func:`weaksup.train.soft_class_weight`.
    focal_gamma : float
        Focal-loss exponent (0 = plain cross entropy); > 0 focuses on hard rows.
    sampling : {"shuffle", "bootstrap"}
        ``shuffle``: every epoch passes over each row once. ``bootstrap``: every epoch draws n rows
        with replacement, each class (by soft mass) equally likely: balanced resampling for
        imbalanced data.
    patience : int
        With ``X_dev, y_dev`` in ``fit``: stop after this many epochs without a better
        dev score, and keep the weights of the best epoch.
    dev_metric : {"accuracy", "f1", "f1_macro", "loss"}
        Dev score for early stopping (``f1`` is binary, for class index 1).
    random_state : int or None
        Seeds weight initialisation, shuffling and dropout through a private
        ``torch.Generator``; the same seed gives bitwise identical weights on CPU.
    device : {"cpu", "cuda"} or str
    progress : bool
        Show a tqdm progress bar over epochs.
    n_threads : int or None
        CPU threads torch may use while fitting and predicting (restored afterwards).
        The default 1 suits linear models and small MLPs on sparse minibatches, where
        OpenMP threads cost more than they gain (on a busy machine, 100x more);
        ``None`` keeps torch's global setting.

    Attributes
    ----------
    classes_ : ndarray
        Class labels (``0..k-1`` when fitted on probabilities).
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Column names of a DataFrame ``X`` at fit (only then); later calls refuse other names or order.
    module_ : torch.nn.Module
        The trained network.
    n_epochs_ : int
        Epochs actually run.
    best_epoch_ : int
        Epoch whose weights were kept (last one without dev data).
    best_dev_score_ : float or None
    history_ : list of dict
        Per epoch: ``epoch``, ``train_loss`` and ``dev_score`` (when dev data given).

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> probs = np.array([[0.9, 0.1], [0.8, 0.2], [0.2, 0.8], [0.1, 0.9]])
    >>> clf = SoftLabelClassifier(lr=0.1, max_epochs=200).fit(X, probs)
    >>> clf.predict(X).tolist()
    [0, 0, 1, 1]
    """

    #: fit(X, probs) takes an n x k probability matrix directly (used by ConfidenceFilter)
    _accepts_probabilistic_labels = True

    def __init__(
        self,
        model: str = "logreg",
        hidden_sizes: Sequence[int] = (100,),
        dropout: float = 0.0,
        max_epochs: int = 100,
        batch_size: int = 256,
        lr: float = 0.01,
        weight_decay: float = 0.0,
        optimizer: str = "auto",
        C: float = 1.0,
        class_weight: Any = "auto",
        focal_gamma: float = 0.0,
        sampling: str = "shuffle",
        patience: int = 10,
        dev_metric: str = "accuracy",
        random_state: int | None = 0,
        device: str = "cpu",
        progress: bool = False,
        n_threads: int | None = 1,
    ) -> None:
        self.model = model
        self.hidden_sizes = hidden_sizes
        self.dropout = dropout
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.weight_decay = weight_decay
        self.optimizer = optimizer
        self.C = C
        self.class_weight = class_weight
        self.focal_gamma = focal_gamma
        self.sampling = sampling
        self.patience = patience
        self.dev_metric = dev_metric
        self.random_state = random_state
        self.device = device
        self.progress = progress
        self.n_threads = n_threads

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    # validation -------------------------------------------------------------------------------
    def _check_params(self) -> None:
        # numbers first: float("x") / int(None) in the checks below would raise ValueError / TypeError
        for name in ("C", "dropout", "lr", "weight_decay", "focal_gamma", "max_epochs", "batch_size", "patience"):
            _check_number(self, name)
        if self.n_threads is not None:
            _check_number(self, "n_threads")
        rs = self.random_state
        if not (rs is None or isinstance(rs, np.random.RandomState)
                or isinstance(rs, (int, np.integer)) and -2**63 <= rs < 2**64):  # what torch.manual_seed takes
            # scikit-learn's check_random_state would raise a bare ValueError at fit (a Generator, a float)
            raise ModelInputError(f"random_state must be None, a 64-bit int or a numpy RandomState, got {rs!r}")
        if self.model not in MODELS:
            raise ModelInputError(f"model must be one of {MODELS}, got {self.model!r}")
        if self.optimizer not in OPTIMIZERS:
            raise ModelInputError(f"optimizer must be one of {OPTIMIZERS}, got {self.optimizer!r}")
        if not float(self.C) > 0:
            raise ModelInputError(f"C must be > 0, got {self.C!r}")
        if self.sampling not in SAMPLINGS:
            raise ModelInputError(f"sampling must be one of {SAMPLINGS}, got {self.sampling!r}")
        if self.dev_metric not in DEV_METRICS:
            raise ModelInputError(f"dev_metric must be one of {DEV_METRICS}, got {self.dev_metric!r}")
        for name in ("max_epochs", "batch_size"):
            if int(getattr(self, name)) < 1:
                raise ModelInputError(f"{name} must be >= 1, got {getattr(self, name)!r}")
        if not 0.0 <= float(self.dropout) < 1.0:
            raise ModelInputError(f"dropout must be in [0, 1), got {self.dropout!r}")
        if float(self.lr) <= 0 or float(self.weight_decay) < 0 or float(self.focal_gamma) < 0:
            raise ModelInputError("lr must be > 0, weight_decay and focal_gamma >= 0")
        if self.n_threads is not None and int(self.n_threads) < 1:
            raise ModelInputError(f"n_threads must be >= 1 or None, got {self.n_threads!r}")
        if self.model == "mlp":
            try:
                widths = self._hidden()
            except (TypeError, ValueError):
                widths = (0,)
            if any(h < 1 for h in widths):
                raise ModelInputError(f"hidden_sizes must be positive widths, got {self.hidden_sizes!r}")

    def _hidden(self) -> tuple[int, ...]:
        """Hidden widths; one int is one layer, as scikit-learn's ``hidden_layer_sizes=100``."""
        if self.model != "mlp":
            return ()
        sizes = self.hidden_sizes
        if isinstance(sizes, (int, np.integer)):
            return (int(sizes),)
        if any(isinstance(h, float) and h != int(h) for h in sizes):
            raise ValueError("fractional width")
        return tuple(int(h) for h in sizes)

    def _optimizer_name(self) -> str:
        if self.optimizer == "auto":
            return "lbfgs" if self.model == "logreg" else "adam"
        return self.optimizer

    def _check_X(self, X: Any, reset: bool, name: str = "X") -> Any:
        check_feature_names(self, X, reset, name)
        try:
            X = check_features(X, name=name)
        except ModelInputError:
            raise
        except ValueError as exc:  # scikit-learn's check_array: 1-D, empty or non-numeric X
            hint = ("; X must be numeric features: turn texts into features first (a TfidfVectorizer, or a "
                    "Pipeline with one)") if "could not convert string" in str(exc) else ""
            raise ModelInputError(f"{exc}{hint}") from exc
        d = int(X.shape[1])
        if reset:
            self.n_features_in_ = d
        elif d != self.n_features_in_:
            raise ModelInputError(
                f"{name} has {d} features, but {type(self).__name__} is expecting {self.n_features_in_} features as input"
            )
        return X

    def _targets_to_probs(self, y: Any, n: int, name: str, reset: bool,
                          split: tuple[np.ndarray | None, np.ndarray | None] | None = None) -> np.ndarray:
        # split: check_targets_frame(y, n) already computed (its column-vector warning is then given once)
        probs, labels = split if split is not None else check_targets_frame(y, n, name=name)
        if labels is not None:
            classes = unique_labels(labels, name)
        if reset:
            if probs is not None:
                self.classes_ = np.arange(probs.shape[1])
            else:
                if len(classes) < 2:
                    raise ModelInputError(f"{name} holds 1 class ({classes.tolist()}); need at least 2 classes")
                warn_abstain_class(classes, labels, name, stacklevel=5)
                self.classes_ = classes
        k = len(self.classes_)
        if probs is not None:
            if probs.shape[1] != k:
                raise ModelInputError(f"{name} has {probs.shape[1]} class columns; the model has k = {k} classes")
            return probs
        pos = np.searchsorted(self.classes_, labels)
        pos = np.clip(pos, 0, k - 1)
        unknown = self.classes_[pos] != labels
        if unknown.any():
            row = int(np.argmax(unknown))
            raise ModelInputError(
                f"{name} row {row} holds label {labels[row].item()!r}, not one of {self.classes_.tolist()}"
            )
        out = np.zeros((len(labels), k))
        out[np.arange(len(labels)), pos] = 1.0
        return out

    def _class_weights(self, Q: np.ndarray, w: np.ndarray, soft: bool) -> np.ndarray | None:
        k = len(self.classes_)
        cw = self.class_weight
        if cw is None:
            return None
        if isinstance(cw, str):
            if cw not in WEIGHT_MODES:
                raise ModelInputError(f"class_weight must be 'auto', None, 'balanced', a dict or an array, got {cw!r}")
            if cw == "auto" and not soft:
                return None  # hard labels carry no calibration error to correct
            return soft_class_weight(cw, Q, w)
        if isinstance(cw, dict):
            out = np.ones(k)
            for label, weight in cw.items():
                hits = np.flatnonzero(self.classes_ == label)
                if not len(hits):
                    raise ModelInputError(f"class_weight names class {label!r}, not one of {self.classes_.tolist()}")
                out[hits[0]] = weight
            cw = out
        cw = np.asarray(cw, dtype=np.float64)
        if cw.shape != (k,) or not np.isfinite(cw).all() or (cw < 0).any():
            raise ModelInputError(f"class_weight must hold {k} finite non-negative weights, got {cw.tolist()}")
        return cw

    # torch plumbing ---------------------------------------------------------------------------
    def _batch(self, X: Any, rows: np.ndarray, device: Any):
        import torch

        if sp.issparse(X):
            coo = X[rows].tocoo()
            idx = torch.from_numpy(np.vstack([coo.row, coo.col]).astype(np.int64))
            vals = torch.from_numpy(coo.data.astype(np.float32, copy=False))
            # indices come from a valid scipy matrix, so the invariant check can be skipped
            return torch.sparse_coo_tensor(idx, vals, coo.shape, check_invariants=False).coalesce().to(device)
        if is_torch_tensor(X):
            return X[torch.as_tensor(rows, dtype=torch.long, device=X.device)].to(device)
        return torch.from_numpy(X[rows]).to(device)

    def _logits(self, X: Any) -> np.ndarray:
        with _torch_threads(self.n_threads):
            return self._logits_unlimited(X)

    def _logits_unlimited(self, X: Any) -> np.ndarray:
        import torch

        device = torch.device(self.device)
        n = int(X.shape[0])
        step = max(int(self.batch_size), 1024)
        net = self.module_
        net.eval()
        out = []
        with torch.no_grad():
            for start in range(0, n, step):
                rows = np.arange(start, min(start + step, n))
                out.append(net(self._batch(X, rows, device)).double().cpu().numpy())
        return np.concatenate(out) if out else np.zeros((0, len(self.classes_)))

    def _dev_score(self, X_dev: Any, Q_dev: np.ndarray) -> float:
        from sklearn.metrics import f1_score

        logits = self._logits(X_dev)
        if self.dev_metric == "loss":
            logp = logits - _logsumexp(logits)
            return float(np.mean(np.sum(Q_dev * logp, axis=1)))  # higher is better
        pred, gold = logits.argmax(axis=1), Q_dev.argmax(axis=1)
        if self.dev_metric == "accuracy":
            return float(np.mean(pred == gold))
        if self.dev_metric == "f1":
            return float(f1_score(gold, pred, pos_label=1, average="binary", zero_division=0))
        return float(f1_score(gold, pred, average="macro", labels=np.arange(Q_dev.shape[1]), zero_division=0))

    # public API -------------------------------------------------------------------------------
    def fit(self, X: Any, y: Any, sample_weight: Any = None, X_dev: Any = None, y_dev: Any = None):
        """Train on ``X`` with probabilistic (``n x k``) or hard (1-D) labels ``y``.

        Parameters
        ----------
        X : array (n, d), scipy sparse matrix or torch tensor
        y : array (n, k) of class probabilities, or array (n,) of labels
        sample_weight : array (n,), optional
            Non-negative row weights (e.g. label-model confidence).
        X_dev, y_dev : optional
            Dev features and gold labels (hard or probabilistic) for early stopping.

        Returns
        -------
        self
        """
        self._check_params()
        with keep_fit_on_error(self), _torch_threads(self.n_threads):
            return self._fit(X, y, sample_weight, X_dev, y_dev)

    def _fit(self, X: Any, y: Any, sample_weight: Any, X_dev: Any, y_dev: Any):
        import torch
        from sklearn.utils import check_random_state
        from tqdm.auto import tqdm

        from weaksup.train.losses import soft_cross_entropy
        from weaksup.train.networks import SoftLabelNet

        check_aligned(X, y)
        X_frame = X
        X = self._check_X(X, reset=True)
        n = int(X.shape[0])
        split = check_targets_frame(y, n)
        soft = split[0] is not None
        Q = self._targets_to_probs(y, n, "y", reset=True, split=split)
        check_weights_aligned(X_frame, y, sample_weight)
        w = check_sample_weight(sample_weight, n)
        has_dev = X_dev is not None or y_dev is not None
        if has_dev:
            if X_dev is None or y_dev is None:
                raise ModelInputError("pass both X_dev and y_dev for early stopping, or neither")
            check_aligned(X_dev, y_dev, "X_dev", "y_dev")
            X_dev = self._check_X(X_dev, reset=False, name="X_dev")
            if n_rows(y_dev) != int(X_dev.shape[0]):
                raise ModelInputError(f"X_dev has {int(X_dev.shape[0])} rows but y_dev has {n_rows(y_dev)}: "
                                      "they must be aligned row for row")
            Q_dev = self._targets_to_probs(y_dev, int(X_dev.shape[0]), "y_dev", reset=False)
        if has_dev and self.dev_metric == "f1" and len(self.classes_) != 2:  # f1_score would raise mid-training
            raise ModelInputError(f"dev_metric='f1' is binary (class index 1), but there are {len(self.classes_)} "
                                  "classes; use dev_metric='f1_macro'")
        cw = self._class_weights(Q, w, soft)
        draw_p = None
        if self.sampling == "bootstrap":  # each class equally likely per draw, by soft mass
            mass = (Q * w[:, None]).sum(axis=0)
            row_p = w * (Q / np.where(mass > 0, mass, 1.0)).sum(axis=1)
            draw_p = torch.as_tensor(row_p / row_p.sum(), dtype=torch.float64)
        seed = self.random_state if isinstance(self.random_state, (int, np.integer)) else \
            int(check_random_state(self.random_state).randint(0, 2**31 - 1))

        device = check_device(self.device)
        gen = torch.Generator().manual_seed(int(seed))  # init + shuffling, on CPU
        drop_gen = torch.Generator(device=device).manual_seed(int(seed) + 1)
        hidden = self._hidden()
        net = SoftLabelNet(self.n_features_in_, len(self.classes_), hidden, float(self.dropout), gen).to(device)
        self.module_ = net
        # np.array copies: a DataFrame's read-only values would make torch warn about non-writable arrays
        Q_t = torch.as_tensor(np.array(Q, dtype=np.float32), device=device)
        w_t = torch.as_tensor(np.array(w, dtype=np.float32), device=device)
        cw_t = None if cw is None else torch.as_tensor(cw, dtype=torch.float32, device=device)
        bs = int(self.batch_size)
        optimizer = self._optimizer_name()
        if optimizer == "lbfgs":
            # full batch: every row at once (sparse stays sparse); L2 on the weights, not the biases,
            # scaled like scikit-learn's C (sum of row losses + ||W||^2 / 2C)
            X_all = self._batch(X, np.arange(n), device)
            penalty = 1.0 / (2.0 * float(self.C) * float(w.sum()))
            weights = [p for name, p in net.named_parameters() if name.endswith("weight")]
            opt = torch.optim.LBFGS(net.parameters(), lr=1.0, max_iter=LBFGS_ITERS_PER_EPOCH,
                                    history_size=10, line_search_fn="strong_wolfe",
                                    tolerance_grad=1e-6, tolerance_change=1e-9)
        else:
            opt = torch.optim.Adam(net.parameters(), lr=float(self.lr), weight_decay=float(self.weight_decay))

        self.history_, best, best_state, best_epoch, waited = [], -np.inf, None, 0, 0
        previous = np.inf
        bar = tqdm(range(int(self.max_epochs)), desc="SoftLabelClassifier", disable=not self.progress, leave=False)
        for epoch in bar:
            net.train()
            if draw_p is None:
                perm = torch.randperm(n, generator=gen).numpy()
            else:
                perm = torch.multinomial(draw_p, n, replacement=True, generator=gen).numpy()
            if optimizer == "lbfgs":
                # a bootstrap draw becomes per-row counts, so the full batch sees the resampled data
                w_epoch = w_t if draw_p is None else w_t * torch.as_tensor(
                    np.bincount(perm, minlength=n), dtype=torch.float32, device=device)

                def closure(w_epoch=w_epoch):
                    opt.zero_grad()
                    value = soft_cross_entropy(net(X_all, generator=drop_gen), Q_t, cw_t, float(self.focal_gamma),
                                               w_epoch)
                    value = value + penalty * sum((p * p).sum() for p in weights)
                    value.backward()
                    return value

                total = float(opt.step(closure).detach()) * n
            else:
                total = 0.0
                for start in range(0, n, bs):
                    rows = perm[start : start + bs]
                    rows_t = torch.as_tensor(rows, device=device)
                    logits = net(self._batch(X, rows, device), generator=drop_gen)
                    loss = soft_cross_entropy(logits, Q_t[rows_t], cw_t, float(self.focal_gamma), w_t[rows_t])
                    opt.zero_grad()
                    loss.backward()
                    opt.step()
                    total += float(loss.detach()) * len(rows)
            record = {"epoch": epoch, "train_loss": total / n}
            if has_dev:
                score = self._dev_score(X_dev, Q_dev)
                record["dev_score"] = score
                if score > best + 1e-12:
                    best, best_epoch, waited = score, epoch, 0
                    best_state = {k: v.detach().clone() for k, v in net.state_dict().items()}
                else:
                    waited += 1
            else:
                best_epoch = epoch
            self.history_.append(record)
            bar.set_postfix({k: round(v, 4) for k, v in record.items() if k != "epoch"})
            if has_dev and waited >= int(self.patience):
                break
            # previous is inf after the first round: inf <= inf would call every fit converged after 20 iterations
            converged = (optimizer == "lbfgs" and np.isfinite(previous)
                         and abs(previous - record["train_loss"]) <= 1e-7 * max(1.0, previous))
            if converged and draw_p is None and not has_dev:
                break  # full-batch optimum reached; more epochs would not move it
            previous = record["train_loss"]
        bar.close()
        if best_state is not None:
            net.load_state_dict(best_state)
        self.n_epochs_ = len(self.history_)
        self.best_epoch_ = int(best_epoch)
        self.best_dev_score_ = float(best) if has_dev else None
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "module_"):
            raise _NotFittedError(f"{type(self).__name__} is not fitted yet; call fit(X, y) first")

    def decision_function(self, X: Any) -> np.ndarray:
        """Raw logits, ``n x k`` (a 1-D margin for two classes, as scikit-learn expects)."""
        self._check_fitted()
        logits = self._logits(self._check_X(X, reset=False))
        return logits[:, 1] - logits[:, 0] if logits.shape[1] == 2 else logits

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities, ``n x k`` in the order of ``classes_``; rows sum to 1."""
        self._check_fitted()
        logits = self._logits(self._check_X(X, reset=False))
        return np.exp(logits - _logsumexp(logits))

    def predict_log_proba(self, X: Any) -> np.ndarray:
        """Log class probabilities, ``n x k``."""
        self._check_fitted()
        logits = self._logits(self._check_X(X, reset=False))
        return logits - _logsumexp(logits)

    def predict(self, X: Any) -> np.ndarray:
        """Most probable class per row (a value of ``classes_``)."""
        best = self.predict_proba(X).argmax(axis=1)
        return self.classes_[best]

    def score(self, X: Any, y: Any, sample_weight: Any = None) -> float:
        """Accuracy against hard labels, or against the argmax of probabilistic labels ``y`` (n x k)."""
        from sklearn.metrics import accuracy_score

        self._check_fitted()
        check_aligned(X, y)
        check_weights_aligned(X, y, sample_weight)
        pred = self.predict(X)
        probs, labels = check_targets(y, len(pred))
        if probs is not None:
            labels = self.classes_[self._targets_to_probs(probs, len(pred), "y", reset=False).argmax(axis=1)]
        return float(accuracy_score(labels, pred, sample_weight=sample_weight))

    def report(self, X: Any, y: Any) -> dict[str, float]:
        """Accuracy, macro F1, log loss, Brier score and ECE against hard or probabilistic labels ``y``.

        Examples
        --------
        >>> import numpy as np
        >>> clf = SoftLabelClassifier(lr=0.1, max_epochs=50).fit(np.eye(2), [0, 1])
        >>> sorted(clf.report(np.eye(2), [0, 1]))
        ['accuracy', 'brier', 'ece', 'f1_macro', 'log_loss']
        """
        from weaksup.train.metrics import probabilistic_report

        proba = self.predict_proba(X)
        return probabilistic_report(y, proba, labels=None if np.ndim(y) == 2 else self.classes_)

    # persistence: JSON + npz, never pickle ----------------------------------------------------
    def save(self, directory: str | Path) -> Path:
        """Write params and fit metadata to ``model.json`` and weights to ``weights.npz`` in ``directory``.

        Both are written to temporary files and renamed into place when complete; ``model.json``
        records the weights' SHA-256, so :meth:`load` refuses a torn save or a modified file.

        Examples
        --------
        >>> import tempfile, numpy as np
        >>> clf = SoftLabelClassifier(max_epochs=2).fit(np.eye(2), [0, 1])
        >>> path = clf.save(tempfile.mkdtemp())
        >>> SoftLabelClassifier.load(path).predict(np.eye(2)).tolist() == clf.predict(np.eye(2)).tolist()
        True
        """
        return save_classifier(self, directory)

    @classmethod
    def load(cls, directory: str | Path, device: str | None = None) -> SoftLabelClassifier:
        """Rebuild a classifier written by :meth:`save` (no pickle; loading runs no code).

        Raises :class:`~weaksup.errors.ModelInputError`, naming the file, when ``model.json`` or
        ``weights.npz`` is missing, unreadable, not the pair saved together, or holds anything :meth:`save`
        would not write (unknown or invalid parameters, attributes, non-numeric or non-finite weights).
        Directories saved before checksums load unchecked, but are validated the same way.
        """
        return load_classifier(cls, directory, device)


@contextmanager
def _torch_threads(n: int | None) -> Iterator[None]:
    """Let torch use ``n`` CPU threads inside the block, then restore the previous setting."""
    if n is None:
        yield
        return
    import torch

    before = torch.get_num_threads()
    if before == int(n):
        yield
        return
    torch.set_num_threads(int(n))
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _check_number(clf: SoftLabelClassifier, name: str) -> None:
    """Raise ModelInputError unless parameter ``name`` of ``clf`` is a finite number (NaN passes "> 0" checks)."""
    value = getattr(clf, name)
    try:
        finite = not isinstance(value, (bool, np.bool_)) and bool(np.isfinite(float(value)))
    except (TypeError, ValueError, OverflowError):
        finite = False
    if not finite:
        raise ModelInputError(f"{name} must be a finite number, got {value!r}")


def _logsumexp(a: np.ndarray) -> np.ndarray:
    m = a.max(axis=1, keepdims=True)
    return m + np.log(np.exp(a - m).sum(axis=1, keepdims=True))
