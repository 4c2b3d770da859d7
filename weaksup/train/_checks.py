"""Input checks shared by the end models: labels, DataFrame targets and columns, devices.

Each turns a numpy or torch crash, or a silent misalignment, into a ModelInputError naming the row or value.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from weaksup._validation import check_targets
from weaksup.errors import ModelInputError


def check_no_missing(labels: np.ndarray, name: str = "y") -> np.ndarray:
    """Refuse 1-D labels holding None, NaN or pd.NA (``np.unique`` would raise a bare ``TypeError`` on them).

    Examples
    --------
    >>> check_no_missing(np.array(["spam", "ham"], dtype=object)).tolist()
    ['spam', 'ham']
    """
    if labels.dtype != object:
        return labels  # numeric NaN is refused by check_targets; str arrays cannot hold a missing value
    import pandas as pd

    missing = pd.isna(labels)
    if missing.any():
        row = int(np.argmax(missing))
        raise ModelInputError(f"{name} row {row} has no label ({labels[row]!r}); drop the rows without a label, "
                              "or pass probabilistic labels")
    return labels


def frame_hint(y: Any, name: str, exc: ModelInputError) -> ModelInputError:
    """``exc``, told that ``y`` is a DataFrame whose columns are not all class probabilities (``load_labels``'s
    frame holds a ``label`` column too); ``exc`` unchanged for anything else."""
    columns = getattr(y, "columns", None)
    if columns is None or getattr(y, "ndim", 0) != 2:
        return exc
    return ModelInputError(f"{exc} ({name} is a DataFrame with columns {list(columns)[:8]}: pass only the class "
                           f"probability columns, e.g. {name}.filter(like='prob_'))")


def check_targets_frame(y: Any, n: int | None, name: str = "y") -> tuple[np.ndarray | None, np.ndarray | None]:
    """:func:`weaksup._validation.check_targets`, with :func:`frame_hint` on its errors."""
    try:
        return check_targets(y, n, name=name)
    except ModelInputError as exc:
        raise frame_hint(y, name, exc) from exc


def plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def class_positions(values: np.ndarray, labels: Any, name: str) -> np.ndarray:
    """Column of each label: its position in ``labels``, or the label itself when it is a class index.

    Raises :class:`ModelInputError` naming the first row whose label is not a class.
    """
    values = np.asarray(values)
    if labels is not None:
        labels = np.asarray(labels)
        column = {plain(v): i for i, v in enumerate(labels)}
        pos = np.array([column.get(plain(v), -1) for v in values], dtype=np.int64)
        if (pos < 0).any():
            row = int(np.argmax(pos < 0))
            raise ModelInputError(f"{name} row {row} holds label {plain(values[row])!r}, "
                                  f"not one of the classes {labels.tolist()}")
        return pos
    if values.dtype.kind == "O":
        is_index = [isinstance(v, (int, np.integer)) for v in values]  # bool is an int too
    else:
        is_index = [values.dtype.kind in "iubf"] * len(values)  # floats: check_targets refused fractions
    if not all(is_index):
        row = is_index.index(False)
        raise ModelInputError(f"{name} row {row} holds label {plain(values[row])!r}, not a class index 0..k-1; "
                              "pass labels= (e.g. the classifier's classes_) to name the classes")
    pos = values.astype(np.int64)
    if (pos < 0).any():
        row = int(np.argmax(pos < 0))
        raise ModelInputError(f"{name} row {row} holds label {plain(values[row])!r}, not a class index 0..k-1; "
                              "pass labels= to name the classes")
    return pos


def check_feature_names(estimator: Any, X: Any, reset: bool, name: str) -> None:
    """Record a DataFrame's column names at fit; refuse other names or another order later.

    Columns are matched by position once converted to an array, so reordered columns would
    otherwise be read as the wrong features without a word (scikit-learn raises the same way).
    """
    names = column_names(X)
    if reset:
        if names is not None:
            estimator.feature_names_in_ = names
        elif hasattr(estimator, "feature_names_in_"):
            del estimator.feature_names_in_
        return
    fitted = getattr(estimator, "feature_names_in_", None)
    if fitted is None or names is None or (len(names) == len(fitted) and (names == fitted).all()):
        return
    known, given = set(fitted), set(names)
    unseen = [c for c in names if c not in known]
    missing = [c for c in fitted if c not in given]
    message = "The feature names should match those that were passed during fit.\n"
    if not unseen and not missing:
        message += "Feature names must be in the same order as they were in fit.\n"
    if unseen:
        message += "Feature names unseen at fit time:\n" + "".join(f"- {c}\n" for c in unseen[:5])
    if missing:
        message += "Feature names seen at fit time, yet now missing:\n" + "".join(f"- {c}\n" for c in missing[:5])
    raise ModelInputError(f"{message}({name} has columns {_few(names)}; fitted on {_few(fitted)})")


def column_names(X: Any) -> np.ndarray | None:
    """A DataFrame's column names when they are all strings (scikit-learn's rule), else None."""
    columns = getattr(X, "columns", None)
    if columns is None or not hasattr(X, "iloc"):
        return None
    names = np.asarray(columns, dtype=object)
    return names if len(names) and all(isinstance(c, str) for c in names) else None


def check_device(name: str) -> Any:
    import torch

    try:
        device = torch.device(name)
    except (RuntimeError, TypeError) as exc:
        raise ModelInputError(f"device {name!r} is not a torch device: {exc}") from exc
    if device.type == "cuda" and not torch.cuda.is_available():
        raise ModelInputError(f"device={name!r}, but this torch has no CUDA device available; use device='cpu'")
    return device


def _few(names: np.ndarray) -> str:
    return str(list(names[:5]))[:-1] + (", ...]" if len(names) > 5 else "]")
