"""Saving and loading :class:`~weaksup.train.classifier.SoftLabelClassifier`: JSON + npz, never pickle.

``model.json`` holds the parameters and fit metadata, ``weights.npz`` the classes and network weights;
loading checks everything :meth:`~weaksup.train.classifier.SoftLabelClassifier.save` would write, so a
damaged or hand-edited file is a :class:`~weaksup.errors.ModelInputError` naming it, never a crash.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from weaksup._files import user_path
from weaksup.errors import MissingModelError, ModelInputError
from weaksup.train._checks import check_device

FORMAT = "weaksup.SoftLabelClassifier"


def save_classifier(clf: Any, directory: str | Path) -> Path:
    """:meth:`SoftLabelClassifier.save` of ``clf`` (typed ``Any``: the classifier module imports this one)."""
    clf._check_fitted()
    directory = user_path(directory)
    from weaksup._persist import save_json_and_npz, to_json  # lazily: importing weaksup.train stays light

    params = {k: to_json(v) for k, v in clf.get_params().items()}
    classes = np.asarray(clf.classes_)
    if classes.dtype == object:
        classes = classes.astype(str)  # npz without pickle cannot hold objects
    meta = {
        "format": FORMAT,
        "version": 1,
        "params": params,
        "attributes": {
            "n_features_in_": int(clf.n_features_in_),
            "n_epochs_": int(clf.n_epochs_),
            "best_epoch_": int(clf.best_epoch_),
            "best_dev_score_": clf.best_dev_score_,
            "history_": clf.history_,
        },
    }
    if hasattr(clf, "feature_names_in_"):
        meta["attributes"]["feature_names_in_"] = [str(c) for c in clf.feature_names_in_]
    state = {f"weight.{k}": v.detach().cpu().numpy() for k, v in clf.module_.state_dict().items()}
    # temp files renamed into place, model.json holding the weights' checksum: never a half-new pair
    save_json_and_npz(directory, meta, "weights.npz", {"classes_": classes, **state})
    return directory


def load_classifier(cls: type, directory: str | Path, device: str | None = None) -> Any:
    """:meth:`SoftLabelClassifier.load` for the class ``cls``."""
    import torch

    from weaksup._persist import check_param_names, learned_attribute, load_checked_npz, read_model_json
    from weaksup.train.networks import SoftLabelNet

    directory = user_path(directory)
    if not directory.exists():
        raise MissingModelError(f"no saved SoftLabelClassifier at {directory}: the path does not exist")
    where = directory / "model.json"
    meta, params, attrs = read_model_json(directory, FORMAT, "a SoftLabelClassifier")
    check_param_names(cls, params, where)
    params = dict(params)
    if isinstance(params.get("hidden_sizes"), list):
        params["hidden_sizes"] = tuple(params["hidden_sizes"])
    if device is not None:
        params["device"] = device
    clf = cls(**params)
    try:  # the checks fit makes: a model.json edited to model="rnn" is refused here, not at predict
        clf._check_params()
    except ModelInputError as exc:
        raise ModelInputError(f"{where} is damaged: {exc}") from None
    for key, value in attrs.items():
        key = learned_attribute(cls, key, directory)
        setattr(clf, key, np.asarray(value, dtype=object) if key == "feature_names_in_" else value)
    _check_fit_attributes(clf, where)
    arrays = load_checked_npz(directory, meta, "weights.npz")  # ModelInputError on a torn or tampered pair
    weights_path = directory / "weights.npz"
    clf.classes_ = _checked_classes(arrays.get("classes_"), weights_path)
    state = {}
    for key, value in arrays.items():
        if key.startswith("weight."):
            # torch.from_numpy takes only numbers, and NaN/inf weights would predict NaN for every row
            if value.dtype.kind not in "fiu" or not np.isfinite(value).all():
                raise ModelInputError(f"{weights_path} is damaged: {key} must hold finite numbers; got "
                                      f"{'dtype ' + str(value.dtype) if value.dtype.kind not in 'fiu' else 'NaN/inf'}")
            state[key.removeprefix("weight.")] = torch.from_numpy(value)
    if isinstance(clf.class_weight, dict):  # JSON turned the class keys into strings
        by_name = {str(c): c.item() if isinstance(c, np.generic) else c for c in clf.classes_}
        clf.class_weight = {by_name.get(k, k): v for k, v in clf.class_weight.items()}
    try:
        hidden = clf._hidden()
        net = SoftLabelNet(int(clf.n_features_in_), len(clf.classes_), hidden, float(clf.dropout),
                           torch.Generator())
        net.load_state_dict(state)
    except (RuntimeError, TypeError, ValueError) as exc:
        raise ModelInputError(f"the parameters in {where} do not fit the weights in "
                              f"weights.npz (was model.json edited?): {str(exc)[:300]}") from exc
    clf.module_ = net.to(check_device(clf.device))
    return clf


def _check_fit_attributes(clf: Any, where: Path) -> None:
    """Refuse fit metadata in ``where`` (model.json) that :meth:`SoftLabelClassifier.save` would not write."""

    def fail(message: str) -> None:
        raise ModelInputError(f"{where} is damaged: {message}")

    def count(name: str, low: int) -> None:
        value = getattr(clf, name, None)
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            fail(f"{name} must be an integer >= {low}; got {value!r}")

    count("n_features_in_", 1)
    count("n_epochs_", 0)
    count("best_epoch_", 0)
    score = getattr(clf, "best_dev_score_", None)
    if score is not None and (isinstance(score, bool) or not isinstance(score, (int, float))
                              or not np.isfinite(score)):
        fail(f"best_dev_score_ must be a finite number or null; got {score!r}")
    history = getattr(clf, "history_", None)
    if not isinstance(history, list) or not all(isinstance(h, dict) for h in history):
        fail(f"history_ must be a list of objects (one per epoch); got {str(history)[:80]}")
    names = getattr(clf, "feature_names_in_", None)
    if names is not None and (names.shape != (clf.n_features_in_,) or not all(isinstance(c, str) for c in names)):
        fail(f"feature_names_in_ must be {clf.n_features_in_} column names; got {str(names.tolist())[:80]}")


def _checked_classes(classes: np.ndarray | None, path: Path) -> np.ndarray:
    """The ``classes_`` array of ``path``: distinct numbers or strings, at least two (what fit learns)."""
    if classes is None:
        raise ModelInputError(f"{path} has no classes_; it was not written by save")
    ok = (classes.ndim == 1 and len(classes) >= 2 and classes.dtype.kind in "biufU"
          and (classes.dtype.kind != "f" or np.isfinite(classes).all()) and len(np.unique(classes)) == len(classes))
    if not ok:
        raise ModelInputError(f"{path} is damaged: classes_ must be 2 or more distinct labels; got "
                              f"{str(classes.tolist())[:80]} ({classes.dtype})")
    return classes
