"""``SoftLabelClassifier``: a scikit-learn compatible end model trained on probabilistic labels (torch backend).

torch is imported inside the methods, so ``import weaksup`` stays light.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import NotFittedError as SklearnNotFittedError

from weaksup.errors import ModelInputError, NotFittedError
from weaksup.train._validation import check_features, check_sample_weight, check_targets, is_torch_tensor

MODELS = ("logreg", "mlp")
DEV_METRICS = ("accuracy", "f1", "f1_macro", "loss")
FORMAT = "weaksup.SoftLabelClassifier"


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
    hidden_sizes : sequence of int
        Hidden layer widths of the MLP (ignored for ``logreg``).
    dropout : float
        Dropout after each hidden layer of the MLP.
    max_epochs : int
        Passes over the training data (fewer with early stopping).
    batch_size : int
    lr : float
        Adam learning rate.
    weight_decay : float
        L2 penalty on all weights.
    class_weight : None, "balanced", dict or array (k,)
        Per-class loss weights; ``balanced`` weighs classes inversely to their
        (soft) frequency in the training labels.
    focal_gamma : float
        Focal-loss exponent (0 = plain cross entropy); > 0 focuses on hard rows.
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
        class_weight: Any = None,
        focal_gamma: float = 0.0,
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
        self.class_weight = class_weight
        self.focal_gamma = focal_gamma
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
        if self.model not in MODELS:
            raise ModelInputError(f"model must be one of {MODELS}, got {self.model!r}")
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
        if self.model == "mlp" and any(int(h) < 1 for h in self.hidden_sizes):
            raise ModelInputError(f"hidden_sizes must be positive widths, got {self.hidden_sizes!r}")

    def _check_X(self, X: Any, reset: bool, name: str = "X") -> Any:
        X = check_features(X, name=name)
        d = int(X.shape[1])
        if reset:
            self.n_features_in_ = d
        elif d != self.n_features_in_:
            raise ModelInputError(
                f"{name} has {d} features, but {type(self).__name__} is expecting {self.n_features_in_} features as input"
            )
        return X

    def _targets_to_probs(self, y: Any, n: int, name: str, reset: bool) -> np.ndarray:
        probs, labels = check_targets(y, n, name=name)
        if reset:
            if probs is not None:
                self.classes_ = np.arange(probs.shape[1])
            else:
                classes = np.unique(labels)
                if len(classes) < 2:
                    raise ModelInputError(f"{name} holds 1 class ({classes.tolist()}); need at least 2 classes")
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

    def _class_weights(self, Q: np.ndarray, w: np.ndarray) -> np.ndarray | None:
        k = len(self.classes_)
        cw = self.class_weight
        if cw is None:
            return None
        if isinstance(cw, str):
            if cw != "balanced":
                raise ModelInputError(f"class_weight must be None, 'balanced', a dict or an array, got {cw!r}")
            mass = (Q * w[:, None]).sum(axis=0)
            return np.where(mass > 0, mass.sum() / (k * np.maximum(mass, 1e-12)), 0.0)
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
        with _torch_threads(self.n_threads):
            return self._fit(X, y, sample_weight, X_dev, y_dev)

    def _fit(self, X: Any, y: Any, sample_weight: Any, X_dev: Any, y_dev: Any):
        import torch
        from sklearn.utils import check_random_state
        from tqdm.auto import tqdm

        from weaksup.train.losses import soft_cross_entropy
        from weaksup.train.networks import SoftLabelNet

        X = self._check_X(X, reset=True)
        n = int(X.shape[0])
        Q = self._targets_to_probs(y, n, "y", reset=True)
        w = check_sample_weight(sample_weight, n)
        has_dev = X_dev is not None or y_dev is not None
        if has_dev:
            if X_dev is None or y_dev is None:
                raise ModelInputError("pass both X_dev and y_dev for early stopping, or neither")
            X_dev = self._check_X(X_dev, reset=False, name="X_dev")
            Q_dev = self._targets_to_probs(y_dev, int(X_dev.shape[0]), "y_dev", reset=False)
        cw = self._class_weights(Q, w)
        seed = self.random_state if isinstance(self.random_state, (int, np.integer)) else \
            int(check_random_state(self.random_state).randint(0, 2**31 - 1))

        device = torch.device(self.device)
        gen = torch.Generator().manual_seed(int(seed))  # init + shuffling, on CPU
        drop_gen = torch.Generator(device=device).manual_seed(int(seed) + 1)
        hidden = tuple(int(h) for h in self.hidden_sizes) if self.model == "mlp" else ()
        net = SoftLabelNet(self.n_features_in_, len(self.classes_), hidden, float(self.dropout), gen).to(device)
        self.module_ = net
        opt = torch.optim.Adam(net.parameters(), lr=float(self.lr), weight_decay=float(self.weight_decay))
        Q_t = torch.as_tensor(Q, dtype=torch.float32, device=device)
        w_t = torch.as_tensor(w, dtype=torch.float32, device=device)
        cw_t = None if cw is None else torch.as_tensor(cw, dtype=torch.float32, device=device)
        bs = int(self.batch_size)

        self.history_, best, best_state, best_epoch, waited = [], -np.inf, None, 0, 0
        bar = tqdm(range(int(self.max_epochs)), desc="SoftLabelClassifier", disable=not self.progress, leave=False)
        for epoch in bar:
            net.train()
            perm = torch.randperm(n, generator=gen).numpy()
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
        pred = self.predict(X)
        probs, labels = check_targets(y, len(pred))
        if probs is not None:
            labels = self.classes_[self._targets_to_probs(probs, len(pred), "y", reset=False).argmax(axis=1)]
        return float(accuracy_score(labels, pred, sample_weight=sample_weight))

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
        self._check_fitted()
        directory = Path(directory)
        params = {k: _jsonable(v) for k, v in self.get_params().items()}
        classes = np.asarray(self.classes_)
        if classes.dtype == object:
            classes = classes.astype(str)  # npz without pickle cannot hold objects
        meta = {
            "format": FORMAT,
            "version": 1,
            "params": params,
            "attributes": {
                "n_features_in_": int(self.n_features_in_),
                "n_epochs_": int(self.n_epochs_),
                "best_epoch_": int(self.best_epoch_),
                "best_dev_score_": self.best_dev_score_,
                "history_": self.history_,
            },
        }
        from weaksup.models.base import save_json_and_npz  # lazily: importing weaksup.train stays light

        state = {f"weight.{k}": v.detach().cpu().numpy() for k, v in self.module_.state_dict().items()}
        # temp files renamed into place, model.json holding the weights' checksum: never a half-new pair
        save_json_and_npz(directory, meta, "weights.npz", {"classes_": classes, **state})
        return directory

    @classmethod
    def load(cls, directory: str | Path, device: str | None = None) -> SoftLabelClassifier:
        """Rebuild a classifier written by :meth:`save` (no pickle; loading runs no code).

        Raises :class:`~weaksup.errors.ModelInputError` when ``weights.npz`` is missing, unreadable or
        not the file ``model.json`` was saved with. Directories saved before checksums load unchecked.
        """
        import torch

        from weaksup.models.base import load_checked_npz
        from weaksup.train.networks import SoftLabelNet

        directory = Path(directory)
        try:
            meta = json.loads((directory / "model.json").read_text())
        except (OSError, json.JSONDecodeError) as exc:
            raise ModelInputError(f"cannot read a SoftLabelClassifier from {directory}: {exc}") from exc
        if meta.get("format") != FORMAT:
            raise ModelInputError(f"{directory} does not hold a {FORMAT}")
        params = meta["params"]
        if isinstance(params.get("hidden_sizes"), list):
            params["hidden_sizes"] = tuple(params["hidden_sizes"])
        if device is not None:
            params["device"] = device
        clf = cls(**params)
        for key, value in meta["attributes"].items():
            setattr(clf, key, value)
        arrays = load_checked_npz(directory, meta, "weights.npz")  # ModelInputError on a torn or tampered pair
        if "classes_" not in arrays:
            raise ModelInputError(f"{directory / 'weights.npz'} has no classes_; it was not written by save")
        clf.classes_ = arrays["classes_"]
        state = {k.removeprefix("weight."): torch.from_numpy(v) for k, v in arrays.items() if k.startswith("weight.")}
        if isinstance(clf.class_weight, dict):  # JSON turned the class keys into strings
            by_name = {str(c): c.item() if isinstance(c, np.generic) else c for c in clf.classes_}
            clf.class_weight = {by_name.get(k, k): v for k, v in clf.class_weight.items()}
        hidden = tuple(int(h) for h in clf.hidden_sizes) if clf.model == "mlp" else ()
        net = SoftLabelNet(clf.n_features_in_, len(clf.classes_), hidden, float(clf.dropout), torch.Generator())
        net.load_state_dict(state)
        clf.module_ = net.to(torch.device(clf.device))
        return clf


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


def _logsumexp(a: np.ndarray) -> np.ndarray:
    m = a.max(axis=1, keepdims=True)
    return m + np.log(np.exp(a - m).sum(axis=1, keepdims=True))


def _jsonable(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise ModelInputError(f"cannot save parameter value {value!r} without pickle")
