"""Model selection on a small labelled dev split, as WRENCH does."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from weaksup._names import column_order, is_default, mismatch_context
from weaksup.errors import LabelMatrixError, ModelInputError, ParameterTypeError
from weaksup.matrix import as_label_matrix
from weaksup.models._params import Interval
from weaksup.models.base import METRICS, BaseLabelModel
from weaksup.utils import TIE_BREAKS, align_labels


def default_candidates(cardinality: int | None = None) -> list[BaseLabelModel]:
    """The candidate label models :func:`select_label_model` tries by default."""
    from weaksup.models.agreement import AgreementModel
    from weaksup.models.dawid_skene import DawidSkene
    from weaksup.models.generative import GenerativeModel
    from weaksup.models.majority import MajorityVoter
    from weaksup.models.matrix_completion import MatrixCompletion
    from weaksup.models.triplet import Triplet
    from weaksup.models.weighted_majority import WeightedMajorityVoter

    return [
        AgreementModel(cardinality=cardinality),
        AgreementModel(cardinality=cardinality, prior_strength=20.0),
        GenerativeModel(cardinality=cardinality),
        GenerativeModel(cardinality=cardinality, accuracy="class", propensity="class"),
        GenerativeModel(cardinality=cardinality, errors="uniform", prior_strength=30.0),
        DawidSkene(cardinality=cardinality),
        WeightedMajorityVoter(cardinality=cardinality),
        MajorityVoter(cardinality=cardinality),
        MatrixCompletion(cardinality=cardinality),
        Triplet(cardinality=cardinality),
    ]


def select_label_model(
    L_train: Any,
    L_dev: Any,
    Y_dev: Any,
    candidates: Sequence[BaseLabelModel] | None = None,
    metric: str = "accuracy",
    dev_class_balance: bool | None = None,
    tie_break: str = "prior",
    seed: int | None = 0,
    pos_label: int = 1,
) -> tuple[BaseLabelModel, pd.DataFrame]:
    """Fit each candidate on ``L_train`` and keep the one that scores best on the dev split.

    Parameters
    ----------
    L_train, L_dev : label matrices
        Of the same LFs, matched by name (in any column order) when both have real LF names,
        else by position.
    Y_dev : array-like
        Gold labels of the dev rows.
    candidates : list of unfitted label models, optional
        Defaults to :func:`default_candidates`.
    metric : str
        Any metric of :meth:`BaseLabelModel.evaluate` where higher is better ("accuracy", "f1", ...).
    dev_class_balance : bool, optional
        ``True``: fit with the class balance of ``Y_dev``; ``False``: learn it; ``None``
        (default): try both for every candidate.
    tie_break, pos_label
        Passed to :meth:`BaseLabelModel.evaluate`.
    seed : int, optional
        The ``random_state`` of candidates that have one, and the seed of random tie-breaks.

    Returns
    -------
    best : fitted label model
    scores : DataFrame, one row per fit (model, params, class_balance, score), best first

    Examples
    --------
    >>> import numpy as np
    >>> from weaksup.models import MajorityVoter, GenerativeModel
    >>> L = np.array([[0, 0, -1], [1, 1, 1], [0, -1, 0], [1, 1, -1], [0, 0, 0]] * 4)
    >>> best, table = select_label_model(L, L, [0, 1, 0, 1, 0] * 4, candidates=[MajorityVoter(), GenerativeModel()])
    >>> list(table.columns)
    ['model', 'params', 'class_balance', 'accuracy']
    """
    from sklearn.base import clone

    if Y_dev is None:
        raise ModelInputError("select_label_model scores every candidate on the gold labels of the dev rows: pass "
                              "Y_dev (-1 / missing = unknown); without any, fit the default AgreementModel")
    if metric in ("log_loss", "brier"):
        raise ModelInputError(f"select_label_model maximises its metric; {metric!r} is a loss")
    L_train = as_label_matrix(L_train)
    L_dev = as_label_matrix(L_dev)
    # the same LFs, matched by name (the fitted models put L_dev's columns in L_train's order);
    # checked here so a mismatch is one clear error, not every candidate "skipped"
    if (is_default(L_train.lf_names) or is_default(L_dev.lf_names)) and L_dev.n_lfs != L_train.n_lfs:
        raise ModelInputError(f"L_dev has {L_dev.n_lfs} LFs but L_train has {L_train.n_lfs}")
    column_order(L_train.lf_names, L_dev.lf_names,
                 mismatch_context("L_dev", L_dev.lf_names, L_train.lf_names, "L_train"))
    if metric not in METRICS:
        raise ModelInputError(f"unknown metric {metric!r}; choose from {METRICS}")
    # one check of the gold labels, aligned to L_dev's rows (a Series by id; -1 / missing = unknown)
    Y_dev = align_labels(Y_dev, L_dev.index, name="Y_dev", allow_abstain=True)
    if not (Y_dev >= 0).any():
        raise ModelInputError("Y_dev has no known labels (every label is -1 / missing)")
    k = max(L_train.infer_cardinality(), L_dev.infer_cardinality(), int(Y_dev.max()) + 1)
    # the selection's own arguments: a mistake here is the user's, not a reason to skip every candidate
    if tie_break not in TIE_BREAKS:
        raise ModelInputError(f"tie_break must be one of {TIE_BREAKS}, got {tie_break!r}")
    if (not isinstance(pos_label, (int, np.integer)) or isinstance(pos_label, (bool, np.bool_))
            or not 0 <= pos_label < k):
        raise ModelInputError(f"pos_label must be a class id 0..{k - 1}, got {pos_label!r}")
    if isinstance(candidates, (BaseLabelModel, str, type)):
        # one model (or a name, or a class) is not a list of them: iterating it failed or read a name letter by letter
        what = (f"one {type(candidates).__name__}" if isinstance(candidates, BaseLabelModel) else
                f"the string {candidates!r}" if isinstance(candidates, str) else f"the class {candidates.__name__}")
        raise ParameterTypeError(f"candidates must be a list of label models (instances, e.g. [MajorityVoter(), "
                                 f"AgreementModel()]) or None for the defaults; got {what}")
    cands = list(candidates) if candidates is not None else default_candidates(k)
    if not cands:
        raise ModelInputError("candidates is empty: give label models to choose from, or None for the defaults")
    for i, cand in enumerate(cands):
        if not isinstance(cand, BaseLabelModel):  # a class (AgreementModel, not AgreementModel()) or another object
            what = f"the class {cand.__name__}" if isinstance(cand, type) else repr(cand)
            hint = f"; pass an instance, {cand.__name__}()" if isinstance(cand, type) else ""
            raise ParameterTypeError(f"candidates[{i}] is {what}, not a label model{hint}")
    # a string ("no", "False") is truthy: read as a bool it would silently fit every candidate on the dev balance
    if dev_class_balance is not None and not isinstance(dev_class_balance, (bool, np.bool_)):
        raise ParameterTypeError(f"dev_class_balance must be True, False or None (try both), got {dev_class_balance!r}")
    # a seed no candidate takes (-1, 1.5) would skip every candidate with a random_state as "failed to fit"
    if seed is not None and not Interval(int, 0).accepts(seed):
        raise ModelInputError(f"seed must be None or {Interval(int, 0).describe()}, got {seed!r} "
                              f"({type(seed).__name__})")
    modes = [False, True] if dev_class_balance is None else [bool(dev_class_balance)]
    rows, fitted = [], []
    for cand in cands:
        for use_dev in modes:
            model = clone(cand)
            if model.cardinality is None:
                model.set_params(cardinality=k)
            if "random_state" in model.get_params() and seed is not None:
                model.set_params(random_state=seed)
            try:
                model.fit(L_train, Y_dev=Y_dev if use_dev else None)
                score = model.evaluate(L_dev, Y_dev, metrics=[metric], tie_break=tie_break, seed=seed,
                                       pos_label=pos_label)[metric]
            except ModelInputError as exc:  # e.g. too few LFs for this candidate
                score, model = float("nan"), None
                params = f"skipped: {exc}"
            except LabelMatrixError as exc:  # the candidate's own settings (cardinality=2 on 3 classes): say which
                raise LabelMatrixError(f"candidate {type(cand).__name__}({_set_params(cand)}): {exc}") from exc
            else:
                params = ", ".join(f"{key}={val}" for key, val in sorted(cand.get_params().items())
                                   if key != "cardinality")
            rows.append({"model": type(cand).__name__, "params": params,
                         "class_balance": "dev" if use_dev else "learned", metric: score})
            fitted.append(model)
    table = pd.DataFrame(rows)
    scores = table[metric].to_numpy(dtype=np.float64)
    if np.isnan(scores).all():
        raise ModelInputError(f"no candidate label model could be fitted (first: {rows[0]['model']} "
                              f"{rows[0]['params']})")
    best = int(np.nanargmax(scores))  # first best wins: candidates are in order of preference
    order = sorted(range(len(rows)), key=lambda i: (-np.nan_to_num(scores[i], nan=-np.inf), i))
    return fitted[best], table.iloc[order].reset_index(drop=True)


def _set_params(model: BaseLabelModel) -> str:
    """The hyper-parameters a user set away from their defaults, ``name=value, ...``."""
    try:
        defaults = type(model)().get_params()
    except Exception:  # a model that needs arguments: show them all
        defaults = {}
    return ", ".join(f"{k}={v!r}" for k, v in sorted(model.get_params().items()) if defaults.get(k, v) != v or k not in defaults)
