"""Input checks shared by the end models: labels, DataFrame targets and columns, devices.

Each turns a numpy or torch crash, or a silent misalignment, into a ModelInputError naming the row or value.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from weaksup._validation import check_targets
from weaksup._validation import columns_in_class_order as class_ordered
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
    """:func:`weaksup._validation.check_targets`, with :func:`frame_hint` on its errors; a probability
    DataFrame whose columns are the class ids is read in class order (:func:`weaksup._validation.columns_in_class_order`)."""
    y = class_ordered(y)
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


def unique_labels(labels: np.ndarray, name: str = "y") -> np.ndarray:
    """The sorted distinct hard labels; labels of mixed types (``"spam"`` and ``1``) are a ModelInputError.

    ``np.unique`` sorts, and a str and an int do not compare: it would raise a bare ``TypeError``.

    Examples
    --------
    >>> unique_labels(np.array(["spam", "ham", "spam"])).tolist()
    ['ham', 'spam']
    """
    labels = check_no_missing(labels, name)
    try:
        return np.unique(labels)
    except TypeError:
        kinds = [type(plain(v)).__name__ for v in labels]
        row = next(i for i, kind in enumerate(kinds) if kind != kinds[0])
        raise ModelInputError(f"{name} mixes label types: row 0 holds {plain(labels[0])!r} ({kinds[0]}), "
                              f"row {row} holds {plain(labels[row])!r} ({kinds[row]}); use one type for every label"
                              ) from None


def _positional(index: Any) -> bool:
    """Whether a pandas index is the default 0..n-1 in order (what a frame built from an array gets)."""
    import pandas as pd

    if isinstance(index, pd.RangeIndex):
        return index.start == 0 and index.step == 1
    return index.dtype.kind in "iu" and bool((np.asarray(index) == np.arange(len(index))).all())


def check_aligned(X: Any, y: Any, x_name: str = "X", y_name: str = "y") -> None:
    """Refuse pandas ``X`` and ``y`` that hold the same row ids (index) in another order.

    Rows are matched by position, as in scikit-learn, so two frames holding the same ids in another order
    (``probs`` from ``predict_proba_frame`` and features sorted differently) would train each row on another
    row's label. Indexes that share no such order (other ids, or one of them the default 0..n-1 of a frame
    built from an array, also once a cross-validation fold has sliced it) are read by position.
    """
    from collections import Counter

    xi, yi = getattr(X, "index", None), getattr(y, "index", None)
    if not hasattr(X, "iloc") or not hasattr(y, "iloc") or xi is None or yi is None or len(xi) != len(yi):
        return
    if xi.equals(yi) or _positional(xi) or _positional(yi) or Counter(xi) != Counter(yi):
        return
    unequal = np.asarray(xi, dtype=object) != np.asarray(yi, dtype=object)
    if not unequal.any():
        return  # the same ids, only another index dtype
    differ = int(np.argmax(unequal))
    raise ModelInputError(
        f"{x_name} and {y_name} hold the same row ids in a different order: row {differ} is "
        f"{plain(xi[differ])!r} in {x_name} and {plain(yi[differ])!r} in {y_name}; rows are matched by position, "
        f"so align them first (e.g. {y_name}.loc[{x_name}.index]) or pass arrays")


def check_weights_aligned(X: Any, y: Any, sample_weight: Any, y_name: str = "y") -> None:
    """:func:`check_aligned` of ``sample_weight`` against ``X`` and ``y`` (``None``: nothing to check): a weight
    Series in another row order would weigh each row by another row's weight."""
    if sample_weight is not None:
        check_aligned(X, sample_weight, "X", "sample_weight")
        check_aligned(y, sample_weight, y_name, "sample_weight")


def warn_abstain_class(classes: np.ndarray, y: np.ndarray, name: str = "y", stacklevel: int = 3) -> None:
    """Warn when integer labels hold -1 next to 0: weaksup's ABSTAIN (a label model's ``predict`` on a tie)
    would be learned as one more class.

    Only warns: -1/0/1 can also be real classes (negative / neutral / positive).
    """
    import warnings

    from weaksup.errors import WeaksupWarning

    if classes.dtype.kind not in "iu" or not (classes == -1).any() or not (classes == 0).any():
        return
    count = int((y == -1).sum())
    warnings.warn(f"{name} holds -1 in {count} rows next to class 0: -1 is weaksup.ABSTAIN (a label model's "
                  "predict abstains on ties), and is learned here as a class of its own; drop those rows, or "
                  "train on predict_proba's soft labels", WeaksupWarning, stacklevel=stacklevel)


@contextmanager
def keep_fit_on_error(estimator: Any) -> Iterator[None]:
    """Restore ``estimator``'s learned attributes (``name_``) when the block raises.

    A refit that fails its input checks half-way would otherwise leave the new ``classes_`` and
    ``n_features_in_`` on the old network: predictions named by the wrong classes, or a bare torch error.
    """
    def learned() -> list[str]:
        return [key for key in vars(estimator) if key.endswith("_") and not key.startswith("_")]

    before = {key: vars(estimator)[key] for key in learned()}
    try:
        yield
    except BaseException:
        for key in learned():
            delattr(estimator, key)
        vars(estimator).update(before)
        raise
