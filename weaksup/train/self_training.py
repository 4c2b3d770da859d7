"""Self-training past the LFs' coverage: pseudo-label the rows no LF votes on with the end model's own confident
predictions, refit, repeat until the pseudo-labels settle (COSINE's idea, with any probabilistic classifier).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone

from weaksup._validation import check_sample_weight, check_targets, n_rows, take_rows
from weaksup.errors import ModelInputError, NotFittedError
from weaksup.train._weights import soft_class_weight
from weaksup.train.filtering import fit_on_probs
from weaksup.train.metrics import probabilistic_report, soft_accuracy_score

RELABEL = ("uncovered", "all")
PSEUDO_TARGETS = ("sharpen", "soft", "hard")


def _stack(a: Any, b: Any) -> Any:
    """Rows of ``a`` then ``b`` (dense, sparse or torch), without densifying."""
    import scipy.sparse as sp

    if sp.issparse(a) or sp.issparse(b):
        return sp.vstack([sp.csr_matrix(a), sp.csr_matrix(b)], format="csr")
    if type(a).__module__.startswith("torch"):
        import torch

        return torch.cat([a, torch.as_tensor(b, dtype=a.dtype, device=a.device)])
    return np.concatenate([np.asarray(a), np.asarray(b)])


class SelfTrainingClassifier(ClassifierMixin, BaseEstimator):
    """Wrap a probabilistic classifier; train it on weak labels, then on its own confident predictions.

    Round 0 fits ``estimator`` on the weakly labelled rows ``(X, y)``. Each later round predicts the
    unlabelled rows ``X_unlabeled`` (and, with ``relabel="all"``, the weakly labelled ones too), takes
    the rows whose top probability reaches ``threshold`` as pseudo-labels, and refits a fresh clone
    on the weak labels plus those pseudo-labels (a confident prediction replaces a row's weak label under
    ``relabel="all"``). It stops after ``max_iter`` rounds, when fewer than ``tol`` of the pseudo-labels
    change between rounds, or, with ``(X_dev, y_dev)``, when the dev score has not improved for
    ``patience`` rounds; the round with the best dev score is kept (the last round without dev data).

    Parameters
    ----------
    estimator : classifier with ``predict_proba``, optional
        Trained on probabilistic labels natively (``SoftLabelClassifier``) or through
        :func:`~weaksup.train.fit_soft`. Default: ``SoftLabelClassifier(random_state=random_state)``.
    threshold : float or "auto"
        Minimum top-class probability for a pseudo-label (default 0.6). ``auto``: each round and for each
        class c, the lower quartile of the classifier's confidence on the weakly labelled rows of weak
        argmax c that it predicts as c, so an unlabelled row is taken when the classifier is as sure of
        it as of the rows of that class it fits;
        a fixed number would depend on how confident the classifier family is (a regularised linear
        model on TF-IDF rarely reaches 0.9).
    max_iter : int
        Maximum number of self-training rounds after round 0.
    relabel : {"uncovered", "all"}
        Pseudo-label only ``X_unlabeled``, or also the weakly labelled rows (COSINE-style correction).
    tol : float
        Stop when this fraction of pseudo-labelled rows or fewer changed label or joined/left.
    patience : int
        With dev data: rounds without a better dev score before stopping.
    pseudo_targets : {"sharpen", "soft", "hard"}
        A pseudo-labelled row's target. ``sharpen`` (default, COSINE's): ``q_ic ∝ p_ic^2 / f_c`` with
        ``f_c`` the predicted mass of class c over the pseudo-labelled rows, more confident than the
        prediction, with classes rebalanced. ``soft``: the predicted probabilities themselves (a fixed
        point of the fit: it teaches nothing new and is there for comparison). ``hard``: the one-hot
        argmax; where the rows without votes are mostly one class (youtube spam: 88% HAM) the refitted
        model drifts to that class (spam recipe, 94.4 -> 78.0 in development).
    random_state : int or None
        Seed of the default estimator.

    Attributes
    ----------
    estimator_ : the fitted classifier of the kept round
    classes_ : ndarray
    n_iter_ : int
        Rounds run after round 0.
    best_iter_ : int
        Round whose classifier was kept.
    history_ : list of dict
        Per round: ``iter``, ``n_pseudo`` (rows pseudo-labelled for it), ``changed`` and ``dev_score``.
    pseudo_labels_ : ndarray (n_unlabeled,)
        The kept round's pseudo-labels for ``X_unlabeled`` (-1 = below threshold).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(300, 2)); y = (X[:, 0] > 0).astype(int)
    >>> covered = (np.abs(X[:, 0]) > 1.0) & (X[:, 1] > 0)  # the LFs fire on some easy rows
    >>> probs = np.eye(2)[y[covered]] * 0.8 + 0.1
    >>> clf = SelfTrainingClassifier(max_iter=3).fit(X[covered], probs, X_unlabeled=X[~covered])
    >>> [h["n_pseudo"] for h in clf.history_]  # rows pseudo-labelled per round; round 0 is the weak labels alone
    [0, 184, 204, 211]
    """

    _accepts_probabilistic_labels = True

    def __init__(
        self,
        estimator: Any = None,
        threshold: float | str = 0.6,
        max_iter: int = 5,
        relabel: str = "uncovered",
        tol: float = 0.01,
        patience: int = 1,
        pseudo_targets: str = "sharpen",
        random_state: int | None = 0,
    ) -> None:
        self.estimator = estimator
        self.threshold = threshold
        self.max_iter = max_iter
        self.relabel = relabel
        self.tol = tol
        self.patience = patience
        self.pseudo_targets = pseudo_targets
        self.random_state = random_state

    def _base(self) -> Any:
        if self.estimator is not None:
            return clone(self.estimator)
        from weaksup.train.classifier import SoftLabelClassifier

        return SoftLabelClassifier(random_state=self.random_state)

    def _check_params(self) -> None:
        if self.threshold != "auto" and not (isinstance(self.threshold, (int, float, np.floating))
                                             and 0.0 < float(self.threshold) <= 1.0):
            raise ModelInputError(f"threshold must be 'auto' or in (0, 1], got {self.threshold!r}")
        if int(self.max_iter) < 0 or int(self.patience) < 1 or not 0.0 <= float(self.tol) < 1.0:
            raise ModelInputError("max_iter must be >= 0, patience >= 1 and tol in [0, 1)")
        if self.pseudo_targets not in PSEUDO_TARGETS:
            raise ModelInputError(f"pseudo_targets must be one of {PSEUDO_TARGETS}, got {self.pseudo_targets!r}")
        if self.relabel not in RELABEL:
            raise ModelInputError(f"relabel must be one of {RELABEL}, got {self.relabel!r}")

    def fit(self, X: Any, y: Any, X_unlabeled: Any = None, sample_weight: Any = None,
            X_dev: Any = None, y_dev: Any = None) -> SelfTrainingClassifier:
        """Fit on weak labels ``y`` (``n x k`` probabilities or 1-D labels) for ``X``, then self-train.

        Parameters
        ----------
        X : features of the weakly labelled rows (dense, sparse or torch)
        y : array (n, k) of probabilities, or (n,) labels
        X_unlabeled : features of rows without weak labels (same columns), optional
        sample_weight : array (n,), optional
            Weights of the weakly labelled rows; pseudo-labelled rows weigh 1.
        X_dev, y_dev : optional
            Gold dev labels (class indices) to choose the round and stop early.

        Returns
        -------
        self
        """
        self._check_params()
        n = n_rows(X)
        probs, hard = check_targets(y, n)
        if probs is None:
            classes = np.unique(hard)
            if len(classes) < 2:
                raise ModelInputError(f"y holds 1 class ({classes.tolist()}); need at least 2 classes")
            probs = (hard[:, None] == classes[None, :]).astype(np.float64)
        else:
            classes = np.arange(probs.shape[1])
        k = len(classes)
        w = check_sample_weight(sample_weight, n)
        m = 0 if X_unlabeled is None else n_rows(X_unlabeled)
        has_dev = X_dev is not None or y_dev is not None
        if has_dev and (X_dev is None or y_dev is None):
            raise ModelInputError("pass both X_dev and y_dev, or neither")
        X_all = X if m == 0 else _stack(X, X_unlabeled)
        self.classes_ = classes

        est = fit_on_probs(self._base(), X, probs, sample_weight=w)
        # later rounds keep the class weights of the weak labels: pseudo-labels of the majority class among
        # the rows without votes would otherwise lower that class's weight and move the boundary
        self._round_params = {}
        if est.get_params().get("class_weight", None) in ("auto", "balanced"):
            self._round_params = {"class_weight": soft_class_weight(est.get_params()["class_weight"], probs, w)}
        kept, best, best_iter, waited = est, -np.inf, 0, 0
        pseudo = np.full(n + m, -1)
        self.history_ = [{"iter": 0, "n_pseudo": 0, "changed": None, "dev_score": None}]
        if has_dev:
            best = self._dev(est, X_dev, y_dev)
            self.history_[0]["dev_score"] = best
        kept_pseudo = pseudo
        for it in range(1, int(self.max_iter) + 1):
            P = self._proba(est, X_all, k)
            conf, lab = P.max(axis=1), P.argmax(axis=1)
            cut = self._threshold(conf[:n], lab[:n], probs, k)
            new = np.where(conf >= cut[lab] - 1e-12, lab, -1)
            if self.relabel == "uncovered":
                new[:n] = -1
            touched = (new >= 0) | (pseudo >= 0)
            changed = float(np.mean(new[touched] != pseudo[touched])) if touched.any() else 0.0
            if not (new >= 0).any() or (it > 1 and changed <= float(self.tol)):
                break  # nothing confident, or the pseudo-labels have settled
            pseudo = new
            est = self._fit_round(X, probs, w, X_all, pseudo, n, k, P)
            record = {"iter": it, "n_pseudo": int((pseudo >= 0).sum()), "changed": changed, "dev_score": None}
            self.history_.append(record)
            if has_dev:
                score = self._dev(est, X_dev, y_dev)
                record["dev_score"] = score
                if score > best + 1e-12:
                    kept, best, best_iter, waited, kept_pseudo = est, score, it, 0, pseudo
                else:
                    waited += 1
                    if waited >= int(self.patience):
                        break
            else:
                kept, best_iter, kept_pseudo = est, it, pseudo
        self.estimator_ = kept
        self.best_iter_ = int(best_iter)
        self.n_iter_ = len(self.history_) - 1
        self.pseudo_labels_ = kept_pseudo[n:].copy()
        self.n_features_in_ = getattr(kept, "n_features_in_", None)
        return self

    def _threshold(self, conf: np.ndarray, lab: np.ndarray, probs: np.ndarray, k: int) -> np.ndarray:
        """Per-class confidence cut-offs."""
        if self.threshold != "auto":
            return np.full(k, float(self.threshold))
        # per class: a row with few known features gets the bias class at a middling confidence; a cut-off
        # shared by all classes would let those rows in and feed the majority class to itself
        weak = probs.argmax(axis=1)
        cut = np.ones(k)
        for c in range(k):
            rows = (weak == c) & (lab == c)
            if rows.any():
                cut[c] = np.quantile(conf[rows], 0.25)
        return cut

    def _fit_round(self, X, probs, w, X_all, pseudo, n, k, P) -> Any:
        base = self._base().set_params(**self._round_params)
        sel = np.flatnonzero(pseudo >= 0)
        onehot = self._targets(P[sel], pseudo[sel], k)
        if self.relabel == "all":
            # a confident prediction replaces the row's weak label; the other weak rows keep theirs
            keep = np.setdiff1d(np.arange(n), sel)
            rows = np.concatenate([keep, sel])
            targets = np.concatenate([probs[keep], onehot])
            weights = np.concatenate([w[keep], np.where(sel < n, w[np.minimum(sel, n - 1)], 1.0)])
            return fit_on_probs(base, take_rows(X_all, rows), targets, sample_weight=weights)
        Xr = _stack(X, take_rows(X_all, sel))
        return fit_on_probs(base, Xr, np.concatenate([probs, onehot]),
                            sample_weight=np.concatenate([w, np.ones(len(sel))]))

    def _targets(self, P: np.ndarray, lab: np.ndarray, k: int) -> np.ndarray:
        if self.pseudo_targets == "hard":
            return np.eye(k)[lab]
        if self.pseudo_targets == "soft":
            return P
        T = P**2 / np.maximum(P.sum(axis=0), 1e-12)
        return T / T.sum(axis=1, keepdims=True)

    @staticmethod
    def _proba(est: Any, X: Any, k: int) -> np.ndarray:
        P = np.asarray(est.predict_proba(X), dtype=np.float64)
        cls = np.asarray(getattr(est, "classes_", np.arange(k)))
        if P.shape[1] == k:
            return P
        out = np.zeros((len(P), k))  # fit_soft may leave a class without mass out of classes_
        out[:, cls.astype(np.int64)] = P
        return out

    def _dev(self, est: Any, X_dev: Any, y_dev: Any) -> float:
        pred = self._proba(est, X_dev, len(self.classes_)).argmax(axis=1)
        probs, hard = check_targets(y_dev, len(pred), name="y_dev")
        if probs is not None:
            return soft_accuracy_score(probs, pred)
        return float(np.mean(np.searchsorted(self.classes_, hard) == pred))

    def _check_fitted(self) -> None:
        if not hasattr(self, "estimator_"):
            raise NotFittedError("SelfTrainingClassifier is not fitted yet; call fit(X, y) first")

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities of the kept round's classifier, ``n x k`` in the order of ``classes_``."""
        self._check_fitted()
        return self._proba(self.estimator_, X, len(self.classes_))

    def predict(self, X: Any) -> np.ndarray:
        """Most probable class per row (a value of ``classes_``)."""
        self._check_fitted()
        return self.classes_[self.predict_proba(X).argmax(axis=1)]

    def score(self, X: Any, y: Any, sample_weight: Any = None) -> float:
        """Accuracy against hard labels or the argmax of probabilistic labels."""
        from sklearn.metrics import accuracy_score

        pred = self.predict_proba(X).argmax(axis=1)
        probs, hard = check_targets(y, len(pred))
        gold = probs.argmax(axis=1) if probs is not None else np.searchsorted(self.classes_, hard)
        return float(accuracy_score(gold, pred, sample_weight=sample_weight))

    def report(self, X: Any, y: Any) -> dict[str, float]:
        """Accuracy, macro F1, log loss, Brier score and ECE on ``(X, y)``; see :func:`probabilistic_report`."""
        return probabilistic_report(y, self.predict_proba(X), labels=None if np.ndim(y) == 2 else self.classes_)
