"""Self-training past the LFs' coverage, in the spirit of COSINE, with any probabilistic classifier.

By default the weak labels are first refined by a naive Bayes view of sparse features (``naive_bayes.py``).

Each round the current model predicts every row. A weakly labelled row's target is the renormalised product of
its weak label (the label model's posterior) and the prediction, so each view corrects the other where it is
unsure; a row without a weak label takes the prediction squared, i.e. the prediction multiplied by itself where
the label model has no opinion. A fresh model is fitted on all of them, and the rounds stop when the
pseudo-labels stop changing.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin, clone

from weaksup._validation import check_sample_weight, check_targets, n_rows, take_rows
from weaksup.errors import ModelInputError, NotFittedError
from weaksup.train._checks import (
    check_aligned,
    check_targets_frame,
    check_weights_aligned,
    class_positions,
    keep_fit_on_error,
    unique_labels,
    warn_abstain_class,
)
from weaksup.train._weights import soft_class_weight
from weaksup.train.filtering import fit_on_probs
from weaksup.train.metrics import probabilistic_report, soft_accuracy_score
from weaksup.train.naive_bayes import naive_bayes_refine

RELABEL = ("uncovered", "all")
REFINE = ("auto", "naive_bayes", "none")
COMBINE = ("product", "none")
PSEUDO_TARGETS = ("square", "sharpen", "soft", "hard")


def _n_features(X: Any) -> int | None:
    shape = getattr(X, "shape", None)
    return int(shape[1]) if shape is not None and len(shape) == 2 else None


def _stack(a: Any, b: Any) -> Any:
    """Rows of ``a`` then ``b`` (dense, sparse, torch or DataFrames), without densifying."""
    import scipy.sparse as sp

    if hasattr(a, "iloc") and hasattr(b, "iloc") and getattr(a, "ndim", 1) == 2:
        import pandas as pd

        if list(a.columns) != list(b.columns):
            raise ModelInputError(f"X_unlabeled has columns {list(b.columns)[:5]}, X has {list(a.columns)[:5]}: "
                                  "they must be the same features in the same order")
        return pd.concat([a, b], ignore_index=True)  # keeps the column names the estimator checks
    if sp.issparse(a) or sp.issparse(b):
        return sp.vstack([sp.csr_matrix(a), sp.csr_matrix(b)], format="csr")
    if type(a).__module__.startswith("torch"):
        import torch

        return torch.cat([a, torch.as_tensor(b, dtype=a.dtype, device=a.device)])
    a, b = np.asarray(a), np.asarray(b)
    if b.ndim != a.ndim or b.shape[1:] != a.shape[1:]:  # np.concatenate's message names neither
        what = f"a matrix of the same {a.shape[1]} features as X" if a.ndim == 2 else f"{a.ndim}-D, as X is"
        raise ModelInputError(f"X_unlabeled must be {what}; got shape {b.shape}")
    return np.concatenate([a, b])


class SelfTrainingClassifier(ClassifierMixin, BaseEstimator):
    """Wrap a probabilistic classifier; train it on weak labels, then on its own predictions combined with them.

    First (default ``refine="auto"``, for sparse non-negative features such as counts or TF-IDF) the
    weak labels are refined by a naive Bayes view of the features with the label model's posterior as
    each row's prior (:func:`~weaksup.train.naive_bayes_refine`), which can change how many rows of an
    LF's pool belong to each class where a discriminative refit only reproduces the posteriors. Then
    round 0 fits ``estimator`` on the weakly labelled rows ``(X, y)``. Each later round (default,
    ``relabel="all"``) predicts every row of ``X`` and ``X_unlabeled``. A weakly labelled row's target is
    the renormalised product of its weak label and the prediction (``combine="product"``: where the label
    model is unsure the features decide, and the other way round); a row of ``X_unlabeled`` whose top
    probability reaches ``threshold`` takes the prediction sharpened by ``pseudo_targets``. A fresh clone
    is fitted on all of them. ``relabel="uncovered"`` keeps the weak labels as they are and pseudo-labels
    only ``X_unlabeled``. Rounds stop after ``max_iter``, when at most ``tol`` of the pseudo-labels change
    between rounds, or, with ``(X_dev, y_dev)``, when the dev score has not improved for ``patience``
    rounds; the round with the best dev score is kept (the last round without dev data).

    Why every row: a model fitted to convergence reproduces its weak labels on the rows it was fitted on,
    so predicting only the rows without votes leaves the label model's mistakes on the covered rows (99%
    of WRENCH hausa) untouched; the product lets the features overrule a diffuse or split posterior.

    Parameters
    ----------
    estimator : classifier with ``predict_proba``, optional
        Trained on probabilistic labels natively (``SoftLabelClassifier``) or through
        :func:`~weaksup.train.fit_soft`. Default: ``SoftLabelClassifier(random_state=random_state)``.
        Under ``relabel="all"`` each round's clone keeps its own ``class_weight`` rule (``"auto"``
        weighs by the round's targets).
    threshold : float or "auto"
        Minimum top-class probability for a row of ``X_unlabeled`` to be pseudo-labelled (default 0:
        every row, its soft target says how sure it is). ``auto``: each round and for each class c, the
        lower quartile of the classifier's confidence on the weakly labelled rows of weak argmax c that
        it predicts as c. Weakly labelled rows always keep a target.
    max_iter : int
        Maximum number of self-training rounds after round 0.
    relabel : {"all", "uncovered"}
        Re-target every row (default) or pseudo-label only ``X_unlabeled``.
    combine : {"product", "none"}
        With ``relabel="all"``: a weakly labelled row's target is the renormalised product of weak label
        and prediction (default; not sharpened further), or the prediction alone, sharpened by
        ``pseudo_targets`` (without the label model the rounds drift: WRENCH trec 65 -> 44 in development).
    tol : float
        Stop when this fraction of pseudo-labelled rows or fewer changed label or joined/left.
    patience : int
        With dev data: rounds without a better dev score before stopping.
    pseudo_targets : {"square", "sharpen", "soft", "hard"}
        How a prediction ``p`` becomes a target where no weak label is multiplied in (rows of
        ``X_unlabeled``; every pseudo-labelled row under ``relabel="uncovered"`` or ``combine="none"``).
        ``square`` (default): ``q_ic ∝ p_ic^2``, the same sharpening the product gives a covered row.
        ``sharpen``: COSINE's ``q_ic ∝ p_ic^2 / f_c`` with ``f_c`` the predicted mass of class c, which also
        rebalances classes (it overcorrected the minority class: WRENCH sms F1 85 -> 50 over three rounds in
        development). ``soft``: ``p`` itself. ``hard``: the one-hot argmax (WRENCH sms counts F1 80 -> 63 in
        development).
    refine : {"auto", "naive_bayes", "none"}
        Refine probabilistic ``y`` before round 0 with :func:`~weaksup.train.naive_bayes_refine`
        (3 EM steps, temperature by cross-validation on ``y``). ``auto`` (default): when ``X`` is a
        scipy sparse matrix (non-negative); dense features such as embeddings are left alone.
        ``naive_bayes`` also refines dense non-negative features; ``none`` never. Hard 1-D ``y`` is
        never refined. Measured against ``refine="none"`` (benchmarks/RESULTS.md, end_models): WRENCH
        hausa 47.0 -> 52.1 (TF-IDF) and 46.8 -> 50.6 (counts), trec 66.2 -> 66.8 (counts), youtube
        94.8 -> 94.0 (TF-IDF), sms F1 80.0 -> 78.6 (counts).
    random_state : int or None
        Seed of the default estimator and of the folds that choose the refinement's temperature.

    Attributes
    ----------
    estimator_ : the fitted classifier of the kept round
    classes_ : ndarray
    n_iter_ : int
        Rounds run after round 0.
    refine_temperature_ : float
        Naive Bayes temperature of the refinement (0: ``y`` used as given).
    unchosen_classes_ : ndarray
        Classes (positions in ``classes_``) that no row of probabilistic ``y`` has as its most probable
        one. Their probability is set to 0 before the refinement and every round: the weak labels hold no
        evidence for them (a class no LF votes gets only the label model's spread of error mass), and
        naive Bayes or the rounds would fill them from the rows that look like the average row (WRENCH
        trec with 44 of its 68 LFs, none voting one class: self-trained 46.2 -> 65.2; label model 56.2).
    best_iter_ : int
        Round whose classifier was kept.
    history_ : list of dict
        Per round: ``iter``, ``n_pseudo`` (rows pseudo-labelled for it), ``changed`` and ``dev_score``.
    pseudo_labels_ : ndarray (n_unlabeled,)
        The kept round's pseudo-labels for ``X_unlabeled`` as positions in ``classes_`` (``classes_[i]`` is
        the label; -1 = below threshold).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(300, 2)); y = (X[:, 0] > 0).astype(int)
    >>> covered = (np.abs(X[:, 0]) > 1.0) & (X[:, 1] > 0)  # the LFs fire on some easy rows
    >>> probs = np.eye(2)[y[covered]] * 0.8 + 0.1
    >>> clf = SelfTrainingClassifier(max_iter=3).fit(X[covered], probs, X_unlabeled=X[~covered])
    >>> [h["n_pseudo"] for h in clf.history_]  # rows pseudo-labelled per round; round 0 is the weak labels alone
    [0, 300]
    >>> float(np.mean(clf.predict(X) == y)) > 0.95
    True
    """

    _accepts_probabilistic_labels = True

    def __init__(
        self,
        estimator: Any = None,
        threshold: float | str = 0.0,
        max_iter: int = 5,
        relabel: str = "all",
        combine: str = "product",
        tol: float = 0.01,
        patience: int = 1,
        pseudo_targets: str = "square",
        refine: str = "auto",
        random_state: int | None = 0,
    ) -> None:
        self.estimator = estimator
        self.threshold = threshold
        self.max_iter = max_iter
        self.relabel = relabel
        self.combine = combine
        self.tol = tol
        self.patience = patience
        self.pseudo_targets = pseudo_targets
        self.refine = refine
        self.random_state = random_state

    def __sklearn_tags__(self):
        from sklearn.utils import get_tags

        tags = super().__sklearn_tags__()
        # X goes to the wrapped estimator as it is: sparse X works where that estimator takes it
        tags.input_tags.sparse = self.estimator is None or get_tags(self.estimator).input_tags.sparse
        return tags

    def _base(self) -> Any:
        if self.estimator is not None:
            return clone(self.estimator)
        from weaksup.train.classifier import SoftLabelClassifier

        return SoftLabelClassifier(random_state=self.random_state)

    def _check_params(self) -> None:
        if self.threshold != "auto" and not (isinstance(self.threshold, (int, float, np.floating))
                                             and 0.0 <= float(self.threshold) <= 1.0):
            raise ModelInputError(f"threshold must be 'auto' or in [0, 1], got {self.threshold!r}")
        if int(self.max_iter) < 0 or int(self.patience) < 1 or not 0.0 <= float(self.tol) < 1.0:
            raise ModelInputError("max_iter must be >= 0, patience >= 1 and tol in [0, 1)")
        if self.pseudo_targets not in PSEUDO_TARGETS:
            raise ModelInputError(f"pseudo_targets must be one of {PSEUDO_TARGETS}, got {self.pseudo_targets!r}")
        if self.relabel not in RELABEL:
            raise ModelInputError(f"relabel must be one of {RELABEL}, got {self.relabel!r}")
        if self.refine not in REFINE:
            raise ModelInputError(f"refine must be one of {REFINE}, got {self.refine!r}")
        if self.combine not in COMBINE:
            raise ModelInputError(f"combine must be one of {COMBINE}, got {self.combine!r}")

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
            Gold dev labels to choose the round and stop early: values of ``classes_`` (class indices
            when ``y`` is probabilistic) or an ``n_dev x k`` matrix; any other label is an error.

        Returns
        -------
        self
        """
        with keep_fit_on_error(self):
            return self._fit(X, y, X_unlabeled, sample_weight, X_dev, y_dev)

    def _fit(self, X: Any, y: Any, X_unlabeled: Any, sample_weight: Any, X_dev: Any,
             y_dev: Any) -> SelfTrainingClassifier:
        self._check_params()
        n = n_rows(X)
        check_aligned(X, y)
        check_weights_aligned(X, y, sample_weight)
        probs, hard = check_targets_frame(y, n)
        if probs is None:
            classes = unique_labels(hard)
            if len(classes) < 2:
                raise ModelInputError(f"y holds 1 class ({classes.tolist()}); need at least 2 classes")
            warn_abstain_class(classes, hard)
            probs = (hard[:, None] == classes[None, :]).astype(np.float64)
            refine = False
            self.unchosen_classes_ = np.array([], dtype=np.int64)
        else:
            classes = np.arange(probs.shape[1])
            probs, self.unchosen_classes_ = _without_unchosen_classes(probs)
            refine = self.refine == "naive_bayes" or (self.refine == "auto" and sp.issparse(X))
        k = len(classes)
        w = check_sample_weight(sample_weight, n)
        self.refine_temperature_ = 0.0
        if refine:
            probs, self.refine_temperature_ = naive_bayes_refine(X, probs, sample_weight=w,
                                                                 random_state=self.random_state)
            if len(self.unchosen_classes_):  # its log(0) prior leaves ~1e-300, not 0
                probs[:, self.unchosen_classes_] = 0.0
                probs /= probs.sum(axis=1, keepdims=True)
        m = 0 if X_unlabeled is None else n_rows(X_unlabeled)
        d, d_unlabeled = _n_features(X), _n_features(X_unlabeled)
        if m and d is not None and d_unlabeled is not None and d != d_unlabeled:
            raise ModelInputError(f"X_unlabeled has {d_unlabeled} features but X has {d}: they must be the same "
                                  "features (transform both with the same fitted vectorizer)")
        has_dev = X_dev is not None or y_dev is not None
        if has_dev and (X_dev is None or y_dev is None):
            raise ModelInputError("pass both X_dev and y_dev, or neither")
        X_all = X if m == 0 else _stack(X, X_unlabeled)
        self.classes_ = classes
        dev = self._check_dev(X_dev, y_dev) if has_dev else None

        est = fit_on_probs(self._base(), X, probs, sample_weight=w)
        # relabel="uncovered": later rounds keep the class weights of the weak labels, since pseudo-labels of
        # the majority class among the rows without votes would otherwise lower that class's weight and move
        # the boundary. relabel="all" re-targets every row, so each round weighs by its own targets.
        self._round_params = {}
        rule = est.get_params().get("class_weight", None)
        if self.relabel == "uncovered" and isinstance(rule, str) and rule in ("auto", "balanced"):
            self._round_params = {"class_weight": soft_class_weight(rule, probs, w)}
        kept, best, best_iter, waited = est, -np.inf, 0, 0
        pseudo = np.full(n + m, -1)
        self.history_ = [{"iter": 0, "n_pseudo": 0, "changed": None, "dev_score": None}]
        if has_dev:
            best = self._dev(est, X_dev, dev)
            self.history_[0]["dev_score"] = best
        kept_pseudo = pseudo
        for it in range(1, int(self.max_iter) + 1):
            P = self._proba(est, X_all, k)
            if self.relabel == "all" and self.combine == "product":
                prod = probs * P[:n]
                total = prod.sum(axis=1, keepdims=True)
                # a weak label and a prediction with disjoint support: keep the prediction
                P[:n] = np.where(total > 0, prod / np.where(total > 0, total, 1.0), P[:n])
            conf, lab = P.max(axis=1), P.argmax(axis=1)
            cut = self._threshold(conf[:n], lab[:n], probs, k)
            new = np.where(conf >= cut[lab] - 1e-12, lab, -1)
            if self.relabel == "uncovered":
                new[:n] = -1
            else:
                new[:n] = lab[:n]  # weakly labelled rows always keep a target
            touched = (new >= 0) | (pseudo >= 0)
            changed = float(np.mean(new[touched] != pseudo[touched])) if touched.any() else 0.0
            if not (new >= 0).any() or (it > 1 and changed <= float(self.tol)):
                break  # nothing confident, or the pseudo-labels have settled
            pseudo = new
            est = self._fit_round(X, probs, w, X_all, pseudo, n, k, P)
            record = {"iter": it, "n_pseudo": int((pseudo >= 0).sum()), "changed": changed, "dev_score": None}
            self.history_.append(record)
            if has_dev:
                score = self._dev(est, X_dev, dev)
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
        targets = self._targets(P[sel], pseudo[sel], k)
        if self.relabel == "all":
            # every weakly labelled row is in sel; under combine="product" its target is the product itself,
            # already a sharpening: squaring it again would make covered rows' targets surer than the rows
            # without votes, and the refit would then use the words only those rows hold to lower its
            # confidence, i.e. with the wrong sign (tests/train/test_self_training.py, coverage gap)
            if self.combine == "product":
                weak = sel < n
                targets[weak] = P[sel[weak]]
            weights = np.where(sel < n, w[np.minimum(sel, n - 1)], 1.0)
            return fit_on_probs(base, take_rows(X_all, sel), targets, sample_weight=weights)
        Xr = _stack(X, take_rows(X_all, sel))
        return fit_on_probs(base, Xr, np.concatenate([probs, targets]),
                            sample_weight=np.concatenate([w, np.ones(len(sel))]))

    def _targets(self, P: np.ndarray, lab: np.ndarray, k: int) -> np.ndarray:
        if self.pseudo_targets == "hard":
            return np.eye(k)[lab]
        if self.pseudo_targets == "soft":
            return P
        T = P**2
        if self.pseudo_targets == "sharpen":
            T = T / np.maximum(P.sum(axis=0), 1e-12)
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

    def _check_dev(self, X_dev: Any, y_dev: Any) -> tuple[np.ndarray | None, np.ndarray | None]:
        """Dev targets as ``(probs, None)`` or ``(None, class positions)``, checked before any round is fitted."""
        check_aligned(X_dev, y_dev, "X_dev", "y_dev")
        if n_rows(y_dev) != n_rows(X_dev):
            raise ModelInputError(f"X_dev has {n_rows(X_dev)} rows but y_dev has {n_rows(y_dev)}: they must be "
                                  "aligned row for row")
        probs, hard = check_targets(y_dev, n_rows(X_dev), name="y_dev")
        if probs is not None:
            if probs.shape[1] != len(self.classes_):
                raise ModelInputError(f"y_dev has {probs.shape[1]} class columns; y has {len(self.classes_)}")
            return probs, None
        return None, class_positions(hard, self.classes_, "y_dev")  # a label not in classes_ is an error

    def _dev(self, est: Any, X_dev: Any, dev: tuple[np.ndarray | None, np.ndarray | None]) -> float:
        pred = self._proba(est, X_dev, len(self.classes_)).argmax(axis=1)
        probs, positions = dev
        if probs is not None:
            return soft_accuracy_score(probs, pred)
        return float(np.mean(positions == pred))

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

        check_aligned(X, y)
        check_weights_aligned(X, y, sample_weight)
        pred = self.predict_proba(X).argmax(axis=1)
        probs, hard = check_targets(y, len(pred))
        if probs is None:  # as scikit-learn's score: a label that is not a class counts as a wrong prediction
            return float(accuracy_score(hard, self.classes_[pred], sample_weight=sample_weight))
        if probs.shape[1] != len(self.classes_):
            raise ModelInputError(f"y has {probs.shape[1]} class columns; the model has {len(self.classes_)} classes")
        return float(accuracy_score(probs.argmax(axis=1), pred, sample_weight=sample_weight))

    def report(self, X: Any, y: Any) -> dict[str, float]:
        """Accuracy, macro F1, log loss, Brier score and ECE on ``(X, y)``; see :func:`probabilistic_report`."""
        return probabilistic_report(y, self.predict_proba(X), labels=None if np.ndim(y) == 2 else self.classes_)


def _without_unchosen_classes(probs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``probs`` with the classes that are no row's argmax set to 0 (rows renormalised), and those classes."""
    chosen = np.bincount(probs.argmax(axis=1), minlength=probs.shape[1]) > 0
    if chosen.all():
        return probs, np.array([], dtype=np.int64)
    kept = np.where(chosen, probs, 0.0)  # every row keeps its argmax, so no row sums to 0
    return kept / kept.sum(axis=1, keepdims=True), np.flatnonzero(~chosen)
