"""The base class every label model shares: validation, priors, predict/score, save/load without pickle."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone

from weaksup._files import user_path
from weaksup._names import column_order, is_default, mismatch_context, select_columns
from weaksup._persist import (
    check_param_names,
    learned_attribute,
    load_checked_npz,
    read_model_json,
    save_json_and_npz,
    to_json,
)
from weaksup.errors import (
    LabelMatrixError,
    MissingModelError,
    ModelInputError,
    NotFittedError,
    WeaksupWarning,
)
from weaksup.matrix import LabelMatrix, as_label_matrix
from weaksup.models._arguments import reject_snorkel_arguments
from weaksup.models._params import NONE, Interval, check_learned_state, validate_params
from weaksup.models.diagnostics import diagnose, warn_if_degenerate
from weaksup.patterns import PatternCounts
from weaksup.utils import align_labels, probs_to_preds

_REGISTRY: dict[str, type[BaseLabelModel]] = {}

METRICS = ("accuracy", "f1", "f1_macro", "f1_micro", "precision", "recall", "coverage", "log_loss", "brier", "roc_auc")


class BaseLabelModel(BaseEstimator):
    """Shared machinery of label models (scikit-learn estimator contract).

    Subclasses implement ``_fit(L, class_balance, seed, progress)`` and
    ``_predict_proba(L)``; this class validates input in one place, resolves the class
    balance (given, from dev labels, or left to the model), gives rows with no votes
    the prior, and implements ``predict``, ``score`` / ``evaluate``, ``save`` and ``load``.

    One fit protocol: every model fits from the votes (``fit(L)``) or from their sufficient
    statistics (``fit_from_stats(PatternCounts)``); models that learn from statistics override
    the latter (``StatsFitMixin``), the others fit on the patterns expanded back to rows.
    ``predict_proba`` never changes a model. Randomness comes from a ``random_state``
    constructor parameter in models that have any (scikit-learn's rule).

    Learned state (attributes ending in ``_``): ``cardinality_``, ``n_lfs_``,
    ``lf_names_``, ``class_balance_`` and the model's own parameters.

    Examples
    --------
    >>> import numpy as np
    >>> class AlwaysPrior(BaseLabelModel):
    ...     def _fit(self, L, class_balance, seed, progress):
    ...         self.class_balance_ = class_balance
    ...     def _predict_proba(self, L):
    ...         return np.tile(self.class_balance_, (L.n_rows, 1))
    >>> AlwaysPrior().fit(np.array([[0], [1]]), class_balance=[0.25, 0.75]).predict(np.array([[1]])).tolist()
    [1]
    """

    #: fewest LFs the model can identify accuracies from
    min_lfs: ClassVar[int] = 1
    #: whether predict_proba works without fit (votes-only models)
    stateless: ClassVar[bool] = False
    #: whether ``save`` works before ``fit`` (Snorkel's MajorityLabelVoter needs no fit, so it saves unfitted)
    _saves_unfitted: ClassVar[bool] = False
    #: allowed values of each hyper-parameter, checked at fit (merged along the class hierarchy)
    _parameter_rules: ClassVar[dict[str, Any]] = {"cardinality": (NONE, Interval(int, 2))}
    #: learned arrays beyond the shared ones: name -> (shape, low, high), checked on load and predict
    _state_rules: ClassVar[dict[str, tuple[Any, ...]]] = {}
    #: learned attributes saved under an older name: old name -> current name (read by ``load``)
    _renamed_state: ClassVar[dict[str, str]] = {}

    def __init__(self, cardinality: int | None = None) -> None:
        self.cardinality = cardinality

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _REGISTRY[cls.__name__] = cls

    # input validation ---------------------------------------------------------------------------
    def _check_L(self, L: Any, fitting: bool) -> LabelMatrix:
        _refuse_long_table(self, L)
        if fitting:
            L = as_label_matrix(L, cardinality=self.cardinality)
            if L.n_lfs < self.min_lfs:
                raise ModelInputError(too_few_lfs(type(self).__name__, self.min_lfs, L.n_lfs))
            if L.n_rows == 0:
                raise ModelInputError("cannot fit a label model on an empty label matrix")
            return L
        self._check_fitted()
        self._check_learned_state()
        try:
            L = as_label_matrix(L, cardinality=self.cardinality_)
        except LabelMatrixError as exc:
            hint = self._inferred_cardinality_hint(_top_label(L))
            if not hint:
                raise
            raise LabelMatrixError(f"{exc}{hint} and fit again") from None
        # named LFs are matched by name (another column order is put back in the fitted order);
        # default names lf_0, lf_1, ... carry no identity and are taken by position
        positional = is_default(self.lf_names_) or is_default(L.lf_names)
        if positional and L.n_lfs != self.n_lfs_:
            raise ModelInputError(f"label matrix has {L.n_lfs} LFs; the model was fitted on {self.n_lfs_}")
        order = column_order(self.lf_names_, L.lf_names, mismatch_context("label matrix", L.lf_names,
                                                                          self.lf_names_, "fitted"))
        return L if order is None else select_columns(L, order)

    def _check_fitted(self) -> None:
        # scikit-learn's check (what Pipeline and meta-estimators use), raising our NotFittedError (a subclass)
        from sklearn.exceptions import NotFittedError as SklearnNotFittedError
        from sklearn.utils.validation import check_is_fitted

        try:
            check_is_fitted(self, "cardinality_")
        except SklearnNotFittedError:
            raise NotFittedError(f"{type(self).__name__} is not fitted yet; call fit(L) first") from None

    def _validate_params(self) -> None:
        """Raise ``ModelInputError`` naming the first hyper-parameter outside its allowed values."""
        validate_params(self)

    def _check_learned_state(self, source: str | Path | None = None) -> None:
        """Raise ``ModelInputError`` if the learned attributes are inconsistent (shape, NaN/inf, range).

        Called before every prediction and by :meth:`load` (``source``: the model's folder), so a
        modified or corrupted model is refused instead of giving wrong probabilities.
        """
        check_learned_state(self, type(self).__name__ if source is None else f"model in {source}")

    def _resolve_class_balance(self, k: int, Y_dev: Any, class_balance: Any) -> np.ndarray | None:
        if class_balance is not None:
            index = getattr(class_balance, "index", None)
            if isinstance(class_balance, pd.Series) and index.dtype.kind in "iu" and index.is_unique \
                    and set(index.tolist()) == set(range(len(index))):
                class_balance = class_balance.sort_index()  # a Series by class id (value_counts()): class c at c
            try:  # a dict, a string, a ragged list or complex numbers are no prior (numpy's error names neither)
                p = np.asarray(class_balance, dtype=np.float64)
            except (TypeError, ValueError):
                raise ModelInputError(f"class_balance must be {k} non-negative numbers summing to 1 (a list or "
                                      f"array, in class order), got {class_balance!r}"[:300]) from None
            if p.shape != (k,) or not np.isfinite(p).all() or (p < 0).any() or abs(p.sum() - 1) > 1e-6:
                hint = (f" (k = {k} was inferred from the votes; pass cardinality={p.size} to the constructor)"
                        if self.cardinality is None and p.ndim == 1 and p.size > k else "")
                raise ModelInputError(f"class_balance must be {k} non-negative numbers summing to 1, got "
                                      f"{p.tolist()}{hint}")
            return p
        if Y_dev is not None:
            # -1 / missing = unknown, as in evaluate's gold labels: a partly labeled dev split counts its labels
            y = align_labels(Y_dev, name="Y_dev", allow_abstain=True)
            if len(y) and y.max() >= k:
                i = int(np.argmax(y >= k))
                raise ModelInputError(f"Y_dev label {y[i]} at row {i} is out of range (0..{k - 1}) (-1 = unknown)"
                                      f"{self._inferred_cardinality_hint(int(y[i]))}")
            y = y[y >= 0]
            if len(y) == 0:
                raise ModelInputError("Y_dev has no known labels (it is empty, or every label is -1 / missing)")
            counts = np.bincount(y, minlength=k).astype(np.float64) + 1.0  # add-one: no class gets prior 0
            return counts / counts.sum()
        return None

    def _inferred_cardinality_hint(self, label: int | None) -> str:
        """What to do when ``label`` is beyond a number of classes inferred from the fitted votes ("" if not)."""
        if self.cardinality is not None or label is None or label < 0:
            return ""
        k = getattr(self, "cardinality_", None)
        if k is None or label < k:
            return ""
        return (f"; {type(self).__name__} inferred cardinality {k} from the votes of its fit (no LF voted class "
                f"{label} there): pass cardinality={label + 1} to the constructor")

    # public API ---------------------------------------------------------------------------------
    def fit(
        self,
        L: Any = None,
        Y_dev: Any = None,
        class_balance: Any = None,
        seed: int | None = None,
        progress: bool = False,
        **kwargs: Any,
    ) -> BaseLabelModel:
        """Learn the model from the votes alone.

        Parameters
        ----------
        L : LabelMatrix, dense int array (-1 = abstain) or scipy sparse (label + 1)
        Y_dev : array-like, optional
            Gold labels of a dev split, used to estimate the class balance.
        class_balance : array-like (k,), optional
            Known class prior; overrides ``Y_dev``. If neither is given the model
            learns it from the votes (or uses uniform, for models that cannot).
        seed : int, optional
            Deprecated: pass ``random_state`` to the constructor of the models that use randomness.
        progress : bool
            Show a progress bar.
        **kwargs
            None are taken: Snorkel's training options (``n_epochs=``, ``lr=`` ...) raise a
            :class:`~weaksup.errors.ParameterTypeError` saying where they go (constructor parameters here).

        Returns
        -------
        self
        """
        if kwargs or L is None:  # None: no votes given (Snorkel's fit(L_train=...) names them otherwise)
            reject_snorkel_arguments(self, "fit", kwargs, votes_given=L is not None)
        self._validate_params()  # first: the seed below reads random_state
        seed = self._fit_seed(seed)
        L = self._check_L(L, fitting=True)
        k = L.infer_cardinality()
        # a refit starts afresh: nothing learned before (a class balance given to an earlier fit, another
        # number of classes) may survive into this fit, whatever a subclass's _fit sets; a fit that fails
        # (a bad class_balance, bad votes) leaves the previous model as it was
        before = {a: v for a, v in vars(self).items() if a.endswith("_") and not a.startswith("_")}
        for attr in before:
            delattr(self, attr)
        try:
            self.cardinality_ = k
            self.n_lfs_ = L.n_lfs
            self.lf_names_ = list(L.lf_names)
            prior = self._resolve_class_balance(k, Y_dev, class_balance)
            self._fit(L, prior, seed, progress)
        except BaseException:
            for attr in [a for a in vars(self) if a.endswith("_") and not a.startswith("_")]:
                delattr(self, attr)
            vars(self).update(before)
            raise
        if not hasattr(self, "class_balance_") or self.class_balance_ is None:
            self.class_balance_ = np.full(k, 1.0 / k) if prior is None else prior
        warn_if_degenerate(self, L.csr)
        return self

    def _fit_seed(self, seed: int | None) -> int:
        """The seed a fit uses: the deprecated ``fit(seed=)`` if given, else ``random_state`` (0 when None)."""
        if seed is not None:
            what = (f"pass random_state= to the {type(self).__name__} constructor" if "random_state" in
                    self.get_params() else f"it has no effect: {type(self).__name__} uses no randomness")
            warnings.warn(f"fit(seed=...) is deprecated and will be removed; {what}", DeprecationWarning,
                          stacklevel=3)
            return int(seed)
        rs = getattr(self, "random_state", None)
        return 0 if rs is None else int(rs)

    def fit_from_stats(self, stats: PatternCounts, class_balance: Any = None, seed: int | None = None,
                       progress: bool = False, *, Y_dev: Any = None) -> BaseLabelModel:
        """Fit from sufficient statistics (:class:`~weaksup.patterns.PatternCounts`) instead of the rows.

        This default expands the distinct patterns back to one row per count and calls :meth:`fit`,
        so every model takes statistics; models that learn from the counts themselves override it.
        ``class_balance`` and ``Y_dev`` (gold labels of a dev split) set the prior as in :meth:`fit`.

        Examples
        --------
        >>> from weaksup.models import MajorityVoter
        >>> stats = PatternCounts.from_label_matrix([[0, 0, 1], [1, 1, 1], [0, 0, 0]] * 3)
        >>> MajorityVoter().fit_from_stats(stats).n_lfs_
        3
        """
        if not isinstance(stats, PatternCounts):
            raise ModelInputError(f"fit_from_stats takes PatternCounts, not {type(stats).__name__}")
        L = stats.to_label_matrix()
        rows = np.repeat(np.arange(L.n_rows), np.asarray(stats.counts, dtype=np.int64))
        return self.fit(L[rows], Y_dev=Y_dev, class_balance=class_balance, seed=seed, progress=progress)

    def diagnose(self, L: Any = None) -> pd.DataFrame:
        """Health checks of the fit (LFs at chance or at accuracy 1, classes never favoured, convergence).

        See :func:`weaksup.models.diagnostics.diagnose` (the class check needs the votes ``L``);
        ``fit`` runs the same checks on its votes and warns when one fails.

        Examples
        --------
        >>> import numpy as np
        >>> from weaksup.models import AgreementModel
        >>> L = np.array([[0, 0], [1, 1]] * 20)
        >>> AgreementModel().fit(L).diagnose(L)["ok"].all()
        np.True_
        """
        self._check_fitted()
        # the votes checked against the fitted LFs as predict_proba does (matched by name, or by position)
        return diagnose(self, None if L is None else self._check_L(L, fitting=False))

    def predict_proba(self, L: Any) -> np.ndarray:
        """Probabilistic labels, ``n x k``, rows in the order of ``L`` (ids in ``L.index``).

        Rows on which every LF abstained get ``class_balance_``.
        """
        if self.stateless and not hasattr(self, "cardinality_"):
            # a votes-only model needs no fit; a fitted copy answers, and this one stays as it was
            self._validate_params()
            L = as_label_matrix(L, cardinality=self.cardinality)
            if L.n_rows == 0:  # nothing to fit a copy on, and nothing to answer
                return np.zeros((0, L.infer_cardinality()))
            return clone(self).fit(L).predict_proba(L)
        L = self._check_L(L, fitting=False)
        P = self._predict_proba(L)
        empty = np.diff(L.csr.indptr) == 0
        if empty.any():
            P[empty] = self.class_balance_
        return P

    def predict_proba_frame(self, L: Any, class_names: list[str] | None = None) -> pd.DataFrame:
        """``predict_proba`` as a DataFrame indexed by the row ids of ``L``."""
        _refuse_long_table(self, L)  # converted here, before predict_proba would see it
        L = as_label_matrix(L)
        P = self.predict_proba(L)
        if isinstance(class_names, (str, bytes)):  # list("ab") would be the names 'a' and 'b'
            raise ModelInputError(f"class_names must be a list of {P.shape[1]} names, got the string {class_names!r}")
        names = [f"prob_{c}" for c in range(P.shape[1])] if class_names is None else list(class_names)
        if len(names) != P.shape[1]:
            raise ModelInputError(f"class_names has {len(names)} names {names} for the model's {P.shape[1]} classes")
        return pd.DataFrame(P, index=L.index, columns=names)

    def predict(self, L: Any, tie_break: str = "abstain", seed: int | None = None, **kwargs: Any) -> np.ndarray:
        """Hard labels; ties resolved by ``tie_break`` ("abstain" -> -1, "random", "prior", "index").

        Snorkel's ``tie_break_policy=`` and ``return_probs=`` raise a
        :class:`~weaksup.errors.ParameterTypeError` naming the argument to use instead.
        """
        if kwargs:
            reject_snorkel_arguments(self, "predict", kwargs)
        P = self.predict_proba(L)
        return probs_to_preds(P, tie_break=tie_break, prior=getattr(self, "class_balance_", None), seed=seed)

    def score(self, L: Any, Y: Any, metrics: Any = None, tie_break: str = "random", seed: int | None = 0,
              pos_label: int = 1, **kwargs: Any) -> Any:
        """Accuracy of the predictions against gold labels ``Y`` (scikit-learn's ``score``: one float).

        Rows whose gold label is ``-1`` (unknown) are left out. For other metrics use :meth:`evaluate`;
        ``metrics=`` here is deprecated and returns :meth:`evaluate`'s dict, as before.

        Examples
        --------
        >>> from weaksup.models import MajorityVoter
        >>> L = [[0, 0], [1, 1], [1, -1]]
        >>> MajorityVoter().fit(L).score(L, [0, 1, 0])
        0.6666666666666666
        """
        if kwargs:
            reject_snorkel_arguments(self, "score", kwargs)
        if metrics is not None:
            warnings.warn("score(metrics=...) is deprecated: use evaluate(L, Y, metrics=...) for a dict of "
                          "metrics; score(L, Y) returns the accuracy", DeprecationWarning, stacklevel=2)
            return self.evaluate(L, Y, metrics=metrics, tie_break=tie_break, seed=seed, pos_label=pos_label)
        return self.evaluate(L, Y, ("accuracy",), tie_break=tie_break, seed=seed, pos_label=pos_label)["accuracy"]

    def evaluate(
        self,
        L: Any,
        Y: Any,
        metrics: str | tuple[str, ...] | list[str] | None = ("accuracy",),
        tie_break: str = "random",
        seed: int | None = 0,
        pos_label: int = 1,
    ) -> dict[str, float]:
        """Score predictions against gold labels ``Y``: a dict of metrics.

        Metrics (a list of names, or one name; None: accuracy): accuracy, f1 (binary, ``pos_label``), f1_macro, f1_micro, precision,
        recall, coverage (share of rows with a vote), log_loss, brier, roc_auc (binary).
        Predictions that abstain count as wrong. Rows whose gold label is ``-1`` (unknown)
        are left out; a Series of gold labels is aligned by row id.

        Examples
        --------
        >>> from weaksup.models import MajorityVoter
        >>> L = [[0, 0], [1, 1], [1, -1]]
        >>> MajorityVoter().fit(L).evaluate(L, [0, 1, -1], metrics=["accuracy", "coverage"])
        {'accuracy': 1.0, 'coverage': 1.0}
        """
        from sklearn import metrics as skm

        _refuse_long_table(self, L)
        L = as_label_matrix(L)
        y = align_labels(Y, L.index, cardinality=self.cardinality_ if hasattr(self, "cardinality_") else None,
                         allow_abstain=True)
        if metrics is None:  # None: the default, as score(metrics=None) is
            metrics = ("accuracy",)
        if isinstance(metrics, str):  # metrics="f1": one metric, not the letters of its name
            metrics = (metrics,)
        unknown_metrics = [m for m in metrics if m not in METRICS]
        if unknown_metrics:
            raise ModelInputError(f"unknown metric {unknown_metrics[0]!r}; choose from {METRICS}")
        P = self.predict_proba(L)
        if (not isinstance(pos_label, (int, np.integer)) or isinstance(pos_label, (bool, np.bool_))
                or not 0 <= pos_label < P.shape[1]):
            raise ModelInputError(f"pos_label must be a class id 0..{P.shape[1] - 1}, got {pos_label!r}")
        known = y >= 0
        if not known.any():
            warnings.warn(f"{type(self).__name__}.evaluate: no row of Y has a known gold label (all -1 / missing), "
                          "so every metric is NaN", WeaksupWarning, stacklevel=2)
            return {m: float("nan") for m in metrics}
        if not known.all():
            L, P, y = L[np.flatnonzero(known)], P[known], y[known]
        prior = getattr(self, "class_balance_", None)
        pred = probs_to_preds(P, tie_break=tie_break, prior=prior, seed=seed)
        out: dict[str, float] = {}
        for m in metrics:
            if m == "accuracy":
                out[m] = float(np.mean(pred == y)) if len(y) else float("nan")
            elif m in ("f1", "precision", "recall"):
                fn = {"f1": skm.f1_score, "precision": skm.precision_score, "recall": skm.recall_score}[m]
                # average=None over [pos_label]: abstained (-1) predictions count as negatives
                out[m] = float(fn(y, pred, labels=[pos_label], average=None, zero_division=0)[0])
            elif m in ("f1_macro", "f1_micro"):
                out[m] = float(skm.f1_score(y, pred, average=m[3:], labels=np.arange(P.shape[1]), zero_division=0))
            elif m == "coverage":
                out[m] = float(np.mean(np.diff(L.csr.indptr) > 0))
            elif m == "log_loss":
                out[m] = float(skm.log_loss(y, np.clip(P, 1e-12, 1), labels=np.arange(P.shape[1])))
            elif m == "brier":
                onehot = np.eye(P.shape[1])[y]
                out[m] = float(np.mean(np.sum((P - onehot) ** 2, axis=1)))
            elif m == "roc_auc":  # pos_label against the rest (binary: the usual AUC of P[:, 1] for pos_label=1)
                out[m] = float(skm.roc_auc_score(y == pos_label, P[:, pos_label]))
            else:
                raise ModelInputError(f"unknown metric {m!r}; choose from {METRICS}")
        return out

    # persistence (JSON + npz, never pickle) -----------------------------------------------------
    def save(self, directory: str | Path) -> Path:
        """Write parameters to ``model.json`` and learned arrays to ``arrays.npz`` in ``directory``.

        Both files are written to temporary names and renamed into place only when complete, and
        ``model.json`` records the SHA-256 of ``arrays.npz``: a failed save leaves the previous
        model, and a torn or tampered pair is refused by :meth:`load`, never loaded half-new.

        Examples
        --------
        >>> import tempfile
        >>> from weaksup.models import MajorityVoter
        >>> d = MajorityVoter().fit([[0, 1], [1, 1]]).save(tempfile.mkdtemp())
        >>> BaseLabelModel.load(d).predict([[1, 1]]).tolist()
        [1]
        """
        if not self._saves_unfitted:
            self._check_fitted()
        directory = user_path(directory)
        arrays, attrs = {}, {}
        for key, value in vars(self).items():
            if not key.endswith("_") or key.startswith("_"):
                continue
            if isinstance(value, np.ndarray):
                arrays[key] = value
            else:
                attrs[key] = to_json(value)
        meta = {
            "format": "weaksup.LabelModel",
            "version": 1,
            "class": type(self).__name__,
            "params": {k: to_json(v) for k, v in self.get_params().items()},
            "attributes": attrs,
        }
        save_json_and_npz(directory, meta, "arrays.npz", arrays)
        return directory

    @classmethod
    def load(cls, directory: str | Path) -> BaseLabelModel:
        """Read a model written by :meth:`save`. Only known label-model classes are built; no code runs.

        Raises :class:`~weaksup.errors.ModelInputError` when ``arrays.npz`` is missing, unreadable,
        or not the file ``model.json`` was saved with (a torn save or a tampered file).
        """
        directory = user_path(directory)
        if not directory.exists():  # code written for Snorkel catches FileNotFoundError here to refit
            raise MissingModelError(f"no saved label model at {directory}: the path does not exist")
        if directory.is_file():
            raise ModelInputError(f"{directory} is a file, not a folder saved by weaksup (model.json + arrays.npz); "
                                  "weaksup never loads pickles (such as Snorkel's LabelModel.save): fit it again")
        meta, params, attrs = read_model_json(directory, "weaksup.LabelModel", "a label model")
        name = meta.get("class")
        if isinstance(name, str) and name not in _REGISTRY:
            _import_other_label_models()
        klass = _REGISTRY.get(name) if isinstance(name, str) else None
        if klass is None or not issubclass(klass, cls):
            how = (f"; load it with {name}.load(path) or BaseLabelModel.load(path)" if klass is not None
                   else "")
            raise ModelInputError(f"{directory} holds a {name!r}, which is not a {cls.__name__}{how}")
        check_param_names(klass, params, directory / "model.json")
        model = klass(**params)
        try:
            model._validate_params()
        except ModelInputError as exc:
            raise ModelInputError(f"{directory / 'model.json'} is damaged: {exc}") from None
        arrays = load_checked_npz(directory, meta, "arrays.npz")
        for key, value in [*attrs.items(), *arrays.items()]:
            setattr(model, learned_attribute(klass, klass._renamed_state.get(key, key), directory), value)
        if attrs or arrays or not klass._saves_unfitted:  # a model saved unfitted loads unfitted
            model._check_learned_state(source=directory)
        return model


_LONG_TABLE_COLUMNS = (("task", "worker"), ("item", "annotator"))


def _refuse_long_table(model: BaseLabelModel, L: Any) -> None:
    """A long table of annotations (crowd-kit's ``task`` / ``worker`` / ``label`` frame) given where a label matrix
    is due would be read as a matrix of three LFs named after its columns (integer ids as votes): refuse it."""
    columns = getattr(L, "columns", None)
    if columns is None or isinstance(L, LabelMatrix):
        return
    names = {str(c) for c in columns}
    pair = next((p for p in _LONG_TABLE_COLUMNS if set(p) <= names), None)
    if pair is not None:
        label = "label" if "label" in names else "<label column>"
        raise ModelInputError(
            f"{type(model).__name__} takes a label matrix (one row per item, one column per LF or annotator), "
            f"not a long table of annotations (columns {[str(c) for c in columns][:8]}); build one with "
            f"LabelMatrix.from_annotations(df, item={pair[0]!r}, annotator={pair[1]!r}, label={label!r})"
        )


def _top_label(L: Any) -> int | None:
    """The largest label voted in ``L`` (None when it holds no vote or is not a valid label matrix)."""
    try:
        csr = as_label_matrix(L).csr
    except LabelMatrixError:
        return None
    return int(csr.data.max()) - 1 if csr.nnz else None


#: modules outside weaksup.models that define label models (a fixed list: a file never names what is imported)
_OTHER_MODULES = ("weaksup.snorkel.labeling.model",)


def _import_other_label_models() -> None:
    """Register the label models defined outside ``weaksup.models`` (the Snorkel port's), for :meth:`load`."""
    import importlib

    for module in _OTHER_MODULES:
        importlib.import_module(module)


def label_model_classes() -> dict[str, type[BaseLabelModel]]:
    """Every label-model class known to :meth:`BaseLabelModel.load`, by name."""
    return dict(_REGISTRY)


def too_few_lfs(model: str, min_lfs: int, n_lfs: int) -> str:
    """The message for a fit given fewer LFs than the model needs (MajorityVoter is suggested when it would do)."""
    if min_lfs <= 1:
        return f"{model} needs at least one labeling function (a column of votes); got {n_lfs}"
    hint = " MajorityVoter needs only one." if n_lfs >= 1 else ""
    return f"{model} needs at least {min_lfs} labeling functions to estimate their accuracies; got {n_lfs}.{hint}"
