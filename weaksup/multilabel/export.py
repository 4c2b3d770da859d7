"""Export soft multi-label outputs with their row ids (.parquet, .csv, .jsonl, .npz; atomic writes)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from weaksup._files import atomic_path, check_not_input, user_path
from weaksup._ids import encode_ids
from weaksup.errors import ModelInputError, ParameterError
from weaksup.io.labels import FORMATS, _write_frame, load_labels
from weaksup.multilabel.matrix import check_threshold


def export_multilabel(path: str | Path, probs: Any, index: Sequence[Any] | pd.Index, label_names: Sequence[str],
                      threshold: float = 0.5, inputs: Sequence[str | Path] = ()) -> Path:
    """Write per-label probabilities with row ids: ``id``, ``prob_<label>`` and ``pred_<label>`` (0/1) per label.

    ``probs`` is ``n x K`` (each entry the probability that the label is present; rows need not
    sum to 1). A DataFrame (a model's ``predict_proba_frame``) is lined up by row id and by label
    name (columns ``<label>`` or ``prob_<label>``); one with other ids or columns is refused. The file is written beside ``path`` and renamed into place when complete; an output
    that names one of ``inputs`` is refused before anything is written. Read it back with
    :func:`load_multilabel`.

    Examples
    --------
    >>> import os, tempfile
    >>> p = export_multilabel(os.path.join(tempfile.mkdtemp(), "y.csv"), [[0.9, 0.2]], ["007"], ["a", "b"])
    >>> load_multilabel(p).loc["007"].tolist()
    [0.9, 0.2]
    """
    path = user_path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ParameterError(f"cannot export to {path.name!r}: use one of {', '.join(FORMATS)}")
    if path.is_dir():
        raise ParameterError(f"cannot export to {str(path)!r}: it is a folder; give a file path")
    check_threshold(threshold)
    check_not_input(path, *inputs, what="multi-label output")
    for what, given in (("label_names", label_names), ("index", index)):
        if isinstance(given, str) or not isinstance(given, Iterable):  # a string: one name or id per character
            raise ParameterError(f"{what} must be a list (one per {'column' if what == 'label_names' else 'row'}), "
                                 f"got {'the string ' if isinstance(given, str) else ''}{given!r:.60}")
    names = [str(s) for s in label_names]
    dupes = sorted({s for s in names if names.count(s) > 1})
    if dupes:  # prob_<label> columns would overwrite each other
        raise ModelInputError(f"label names must be distinct; repeated: {dupes}")
    if isinstance(probs, pd.DataFrame):
        probs = _lined_up(probs, pd.Index(index), names)
    try:
        P = np.asarray(probs, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ModelInputError(f"probs must be numbers in [0, 1] (n x {len(names)}): {exc}") from None
    if P.ndim != 2 or P.shape[1] != len(names):
        raise ModelInputError(f"probs must be n x {len(names)} (one column per label); got shape {P.shape}")
    bad = ~np.isfinite(P) | (P < 0) | (P > 1)
    if bad.any():
        r, c = (int(v) for v in np.argwhere(bad)[0])
        raise ModelInputError(f"probs[{r}, {c}] (label {names[c]!r}) is {P[r, c]!r}; probabilities lie in [0, 1]")
    index = pd.Index(index)
    if len(index) != len(P):
        raise ModelInputError(f"index has {len(index)} ids but probs has {len(P)} rows")
    id_name, ids = encode_ids(index, suffix)
    frame = pd.DataFrame({id_name: ids})
    for c, name in enumerate(names):
        frame[f"prob_{name}"] = P[:, c]
    for c, name in enumerate(names):
        frame[f"pred_{name}"] = (P[:, c] > threshold).astype(np.int64)
    with atomic_path(path) as tmp:
        _write_frame(frame, tmp, suffix)
    return path


def _lined_up(frame: pd.DataFrame, index: pd.Index, names: list[str]) -> pd.DataFrame:
    """A frame of probabilities (``predict_proba_frame``) with its rows in ``index``'s order and its columns in
    ``names``' order, matched by id and by label name; a frame whose ids or columns are others is refused."""
    own = frame.index
    if not isinstance(own, pd.RangeIndex) and not own.equals(index):
        if len(own) != len(index) or not own.is_unique or not own.isin(index).all():
            raise ModelInputError("probs is a DataFrame whose index is not the row ids given as index: its rows "
                                  "would be written as other rows' probabilities; pass probs.loc[index] or an array")
        frame = frame.loc[index]
    cols = [str(c) for c in frame.columns]
    for wanted in (names, [f"prob_{c}" for c in names]):
        if sorted(cols) == sorted(wanted) and len(set(cols)) == len(cols):
            return frame.set_axis(cols, axis=1)[wanted]
    if not isinstance(frame.columns, pd.RangeIndex):
        raise ModelInputError(f"probs is a DataFrame with columns {cols[:10]}, not the labels {names[:10]} (nor "
                              "prob_<label>): its columns would be written under other labels; pass an array")
    return frame


def load_multilabel(path: str | Path) -> pd.DataFrame:
    """The ``prob_<label>`` columns of a file written by :func:`export_multilabel`, indexed by row id,
    one column per label (named by the label)."""
    frame = load_labels(path)
    probs = [c for c in frame.columns if str(c).startswith("prob_")]
    return frame[probs].rename(columns=lambda c: str(c)[len("prob_"):])
