"""``MultiLabelSoftClassifier``: an end model trained on soft multi-label targets (torch, binary cross entropy)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin

from weaksup._validation import in_row_order
from weaksup.errors import ModelInputError, NotFittedError
from weaksup.multilabel.matrix import check_threshold


class MultiLabelSoftClassifier(ClassifierMixin, BaseEstimator):
    """Logistic regression or a one-hidden-layer MLP with one sigmoid output per label, trained on soft targets.

    ``fit(X, Q)`` takes ``Q``: ``n x K`` probabilities that each label is present (a multi-label
    label model's ``predict_proba``) or 0/1 labels; the loss is binary cross entropy on the soft
    targets, summed over labels. ``X`` may be dense or scipy sparse (minibatches go to torch as
    sparse tensors). Full-batch L-BFGS for ``logreg``, Adam minibatches for ``mlp``.

    Parameters
    ----------
    model : {"logreg", "mlp"}
    hidden_size : int
        Width of the MLP's hidden layer.
    alpha : float
        L2 penalty on the weights (per row).
    max_epochs : int
    batch_size : int
    lr : float
        Adam learning rate (``mlp``).
    random_state : int, optional
    n_threads : int
        torch threads while fitting and predicting.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(400, 5))
    >>> Q = 1 / (1 + np.exp(-np.column_stack([3 * X[:, 0], -3 * X[:, 1]])))
    >>> clf = MultiLabelSoftClassifier(random_state=0).fit(X, Q)
    >>> clf.predict(X[:2]).tolist(), (Q[:2] > 0.5).astype(int).tolist()
    ([[1, 1], [1, 0]], [[1, 1], [1, 0]])
    """

    def __init__(self, model: str = "logreg", hidden_size: int = 64, alpha: float = 1e-4, max_epochs: int = 100,
                 batch_size: int = 256, lr: float = 1e-2, random_state: int | None = 0, n_threads: int = 1) -> None:
        self.model = model
        self.hidden_size = hidden_size
        self.alpha = alpha
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.random_state = random_state
        self.n_threads = n_threads

    def _tensor(self, X: Any) -> Any:
        import torch

        if sp.issparse(X):
            coo = sp.coo_matrix(X)
            idx = torch.from_numpy(np.vstack([coo.row, coo.col]).astype(np.int64))
            return torch.sparse_coo_tensor(idx, torch.from_numpy(coo.data.astype(np.float32)), coo.shape).coalesce()
        return torch.from_numpy(np.ascontiguousarray(X, dtype=np.float32))

    def _net(self, d: int, K: int) -> Any:
        import torch

        if self.model == "logreg":
            return torch.nn.Linear(d, K)
        return torch.nn.Sequential(torch.nn.Linear(d, self.hidden_size), torch.nn.ReLU(),
                                   torch.nn.Linear(self.hidden_size, K))

    def fit(self, X: Any, Q: Any) -> MultiLabelSoftClassifier:
        """Train on features ``X`` (n x d) and soft targets ``Q`` (n x K, entries in [0, 1])."""
        import torch

        if self.model not in ("logreg", "mlp"):
            raise ModelInputError(f"model must be 'logreg' or 'mlp', got {self.model!r}")
        for name, low in (("hidden_size", 1), ("batch_size", 1), ("max_epochs", 0)):  # else range() or torch fails
            v = getattr(self, name)
            if not isinstance(v, (int, np.integer)) or isinstance(v, bool) or v < low:
                raise ModelInputError(f"MultiLabelSoftClassifier parameter {name} must be an integer >= {low}; got {v!r}")
        labels = _label_columns(Q)
        Q = _by_row_id(Q, X, "Q")
        X = _features(X)
        T = np.asarray(Q, dtype=np.float64)
        if T.ndim != 2 or T.shape[0] != X.shape[0]:
            raise ModelInputError(f"Q must be n x K with n = {X.shape[0]} rows of X; got shape {T.shape}")
        bad = ~np.isfinite(T) | (T < 0) | (T > 1)
        if bad.any():
            r, c = (int(v) for v in np.argwhere(bad)[0])
            raise ModelInputError(f"Q[{r}, {c}] is {T[r, c]!r}; soft targets lie in [0, 1]")
        n, d = X.shape
        if n == 0:
            raise ModelInputError("cannot fit on X with no rows")
        K = T.shape[1]
        old_threads = torch.get_num_threads()
        torch.set_num_threads(self.n_threads)
        try:
            # the net's initial weights come from torch's global generator: seeded inside fork_rng, so the
            # user's torch random state is as it was (randomness never reseeds global generators)
            with torch.random.fork_rng(devices=[]):
                self.net_ = self._train(torch, X, T)
        finally:
            torch.set_num_threads(old_threads)
        self.n_features_in_ = d
        self.n_labels_ = K
        self.label_names_ = labels  # a frame's columns (None for an array): score lines y up by them
        return self

    def _train(self, torch: Any, X: Any, T: np.ndarray) -> Any:
        """The fitted torch module."""
        (n, d), K = X.shape, T.shape[1]
        gen = torch.Generator().manual_seed(0 if self.random_state is None else int(self.random_state))
        torch.manual_seed(int(torch.randint(0, 2**31 - 1, (1,), generator=gen)))
        net = self._net(d, K)
        Xt, Tt = self._tensor(X), torch.from_numpy(T.astype(np.float32))
        loss_fn = torch.nn.BCEWithLogitsLoss(reduction="sum")
        weights = [p for name, p in net.named_parameters() if name.endswith("weight")]

        def objective(xb: Any, tb: Any, scale: float) -> Any:
            return loss_fn(net(xb), tb) / scale + self.alpha * sum((w * w).sum() for w in weights) * len(tb) / scale

        if self.model == "logreg":
            opt = torch.optim.LBFGS(net.parameters(), max_iter=self.max_epochs, line_search_fn="strong_wolfe")

            def closure() -> Any:
                opt.zero_grad()
                loss = objective(Xt, Tt, float(n))
                loss.backward()
                return loss

            opt.step(closure)
        else:
            opt = torch.optim.Adam(net.parameters(), lr=self.lr)
            rng = np.random.default_rng(self.random_state)
            Xr = X.tocsr() if sp.issparse(X) else X
            for _ in range(self.max_epochs):
                order = rng.permutation(n)
                for start in range(0, n, self.batch_size):
                    rows = order[start:start + self.batch_size]
                    opt.zero_grad()
                    loss = objective(self._tensor(Xr[rows]), Tt[rows], float(len(rows)))
                    loss.backward()
                    opt.step()
        return net

    def decision_function(self, X: Any) -> np.ndarray:
        """Logits, ``n x K``."""
        import torch

        if not hasattr(self, "net_"):
            raise NotFittedError("MultiLabelSoftClassifier is not fitted yet; call fit(X, Q) first")
        X = _features(X)
        if X.shape[1] != self.n_features_in_:
            raise ModelInputError(f"X has {X.shape[1]} features; the model was fitted on {self.n_features_in_}")
        with torch.no_grad():
            return self.net_(self._tensor(X)).double().numpy()

    def predict_proba(self, X: Any) -> np.ndarray:
        """Probability that each label is present, ``n x K``."""
        return 1.0 / (1.0 + np.exp(-self.decision_function(X)))

    def predict(self, X: Any, threshold: float = 0.5) -> np.ndarray:
        """0/1 per label (present above ``threshold``)."""
        check_threshold(threshold)
        return (self.predict_proba(X) > threshold).astype(np.int64)

    def score(self, X: Any, y: Any, sample_weight: Any = None) -> float:
        """Micro F1 of the 0/1 predictions against 0/1 labels ``y``."""
        from sklearn.metrics import f1_score

        y = _by_row_id(y, X, "y")
        names = getattr(self, "label_names_", None)
        given = _label_columns(y)
        if names is not None and given is not None and given != names:  # by position: labels scored as others
            if sorted(given) != sorted(names):
                raise ModelInputError(f"y's columns {given[:10]} are not the labels the model was fitted on "
                                      f"{names[:10]}")
            y = y.iloc[:, [given.index(c) for c in names]]
        try:
            Y = np.asarray(y)
        except ValueError:  # a list of label-name lists is ragged
            Y = np.asarray(y, dtype=object)
        if Y.ndim != 2 or Y.shape[1] != getattr(self, "n_labels_", Y.shape[-1]) or not np.isin(Y, (0, 1)).all():
            raise ModelInputError(f"y must be n x {getattr(self, 'n_labels_', 'K')} 0/1 labels (round soft targets "
                                  f"first, e.g. (Q > 0.5).astype(int)); got shape {Y.shape}")
        return float(f1_score(Y, self.predict(X), average="micro", zero_division=0))


def _label_columns(Q: Any) -> list[str] | None:
    """The label names of a frame of targets (``prob_<label>`` columns read as ``<label>``), else None."""
    if not isinstance(Q, pd.DataFrame) or isinstance(Q.columns, pd.RangeIndex):
        return None
    cols = [str(c) for c in Q.columns]
    if cols and all(c.startswith("prob_") for c in cols):
        cols = [c[len("prob_"):] for c in cols]
    return cols if len(set(cols)) == len(cols) else None


def _by_row_id(Q: Any, X: Any, name: str) -> Any:
    """Targets indexed by the row ids of a frame ``X`` in another order, in ``X``'s row order."""
    if isinstance(X, (pd.DataFrame, pd.Series)):
        return in_row_order(Q, X.index, name=name, owner="X")
    return Q


def _features(X: Any) -> Any:
    """``X`` as a 2-D array (a list of rows, a DataFrame) or kept sparse."""
    if sp.issparse(X):
        if not np.isfinite(X.data).all():
            raise ModelInputError("X holds NaN or infinite values")
        return X
    try:
        arr = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ModelInputError(f"X must hold numbers (encode text or categories as features first): {exc}") from None
    if arr.ndim != 2:
        raise ModelInputError(f"X must be 2-D (rows x features); got shape {arr.shape}")
    if not np.isfinite(arr).all():  # at predict too: NaN logits would read as "absent" everywhere
        r = int(np.argwhere(~np.isfinite(arr))[0][0])
        raise ModelInputError(f"X holds NaN or infinite values (row {r})")
    return arr
