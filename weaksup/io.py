"""Export and load probabilistic labels (.parquet, .csv, .jsonl, .npz), always keyed by row id."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from weaksup.errors import ModelInputError
from weaksup.matrix import LabelMatrix, as_label_matrix
from weaksup.utils import check_probs, probs_to_preds

FORMATS = (".parquet", ".csv", ".jsonl", ".npz")
VOTE_PREFIX = "lf."
_CANONICAL_INT = re.compile(r"-?(0|[1-9][0-9]*)")


def labels_frame(
    probs: Any,
    index: Sequence[Any] | pd.Index | None = None,
    L: Any = None,
    class_names: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The table :func:`export_labels` writes: ``id``, ``prob_<class>...``, ``label`` (-1 on ties), LF votes.

    Examples
    --------
    >>> labels_frame([[0.2, 0.8]], index=["a"]).columns.tolist()
    ['id', 'prob_0', 'prob_1', 'label']
    """
    P = check_probs(probs)
    if L is not None:
        L = as_label_matrix(L)
        if L.n_rows != len(P):
            raise ModelInputError(f"L has {L.n_rows} rows but probs has {len(P)}")
        if index is None:
            index = L.index
        elif not pd.Index(index).equals(L.index):
            raise ModelInputError("index differs from L.index: probabilistic labels would not line up with the votes")
    if index is None:
        raise ModelInputError("pass index= (the row ids) so exported labels stay aligned to their rows")
    index = pd.Index(index)
    if len(index) != len(P):
        raise ModelInputError(f"index has {len(index)} ids but probs has {len(P)} rows")
    k = P.shape[1]
    names = [str(c) for c in class_names] if class_names is not None else [str(c) for c in range(k)]
    if len(names) != k:
        raise ModelInputError(f"got {len(names)} class names for {k} classes")
    out = pd.DataFrame({"id": index.to_numpy()})
    for c, name in enumerate(names):
        out[f"prob_{name}"] = P[:, c]
    out["label"] = probs_to_preds(P, tie_break="abstain")
    if L is not None:
        dense = L.to_dense()
        for j, name in enumerate(L.lf_names):
            out[f"{VOTE_PREFIX}{name}"] = dense[:, j].astype(np.int64)
    return out


def export_labels(
    path: str | Path,
    probs: Any,
    index: Sequence[Any] | pd.Index | None = None,
    L: LabelMatrix | Any = None,
    class_names: Sequence[str] | None = None,
) -> Path:
    """Write probabilistic labels with their row ids, by file suffix.

    Columns: ``id``, ``prob_<class>`` per class, ``label`` (argmax, -1 on ties) and,
    when ``L`` is given, each LF's vote as ``lf.<name>``. Formats: ``.parquet``
    (needs pyarrow, the ``parquet`` extra), ``.csv``, ``.jsonl``, ``.npz``.

    Examples
    --------
    >>> import tempfile, os
    >>> p = export_labels(os.path.join(tempfile.mkdtemp(), "y.csv"), [[0.2, 0.8]], index=["r1"])
    >>> load_labels(p).loc["r1", "prob_1"]
    np.float64(0.8)
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"cannot export to {path.name!r}: use one of {', '.join(FORMATS)}")
    frame = labels_frame(probs, index=index, L=L, class_names=class_names)
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".parquet":
        _require_pyarrow()
        frame.to_parquet(path, index=False)
    elif suffix == ".csv":
        frame.to_csv(path, index=False)
    elif suffix == ".jsonl":
        # json.dumps writes floats as their shortest exact repr (pandas' to_json rounds to 15 digits)
        columns = [frame[c].tolist() for c in frame.columns]
        with path.open("w", encoding="utf-8") as fh:
            for values in zip(*columns, strict=True):
                fh.write(json.dumps(dict(zip(frame.columns, values, strict=True))) + "\n")
    else:
        arrays = {col: frame[col].to_numpy() for col in frame.columns}
        if arrays["id"].dtype == object:
            arrays["id"] = np.asarray([str(v) for v in arrays["id"]], dtype=str)
        arrays["__columns__"] = np.frombuffer(json.dumps(list(frame.columns)).encode(), dtype=np.uint8)
        np.savez_compressed(path, **arrays)
    return path


def load_labels(path: str | Path) -> pd.DataFrame:
    """Read labels written by :func:`export_labels`, indexed by row id.

    Ids that were integers come back as integers (for CSV: ids that read as canonical
    integers), strings as strings.

    Examples
    --------
    >>> import tempfile, os
    >>> p = export_labels(os.path.join(tempfile.mkdtemp(), "y.jsonl"), [[0.1, 0.9]], index=[42])
    >>> load_labels(p).loc[42, "label"]
    np.int64(1)
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.exists():
        raise FileNotFoundError(f"no labels file at {path}")
    if suffix == ".parquet":
        _require_pyarrow()
        frame = pd.read_parquet(path)
    elif suffix == ".csv":
        frame = pd.read_csv(path, dtype={"id": str}, keep_default_na=False)
        if len(frame) and frame["id"].map(lambda s: bool(_CANONICAL_INT.fullmatch(s))).all():
            frame["id"] = frame["id"].astype(np.int64)
    elif suffix == ".jsonl":
        frame = pd.read_json(path, orient="records", lines=True, dtype={"id": object}, precise_float=True)
    elif suffix == ".npz":
        with np.load(path, allow_pickle=False) as z:
            columns = json.loads(bytes(z["__columns__"]).decode())
            frame = pd.DataFrame({c: z[c] for c in columns})
        if frame["id"].dtype.kind == "U":
            frame["id"] = frame["id"].astype(object)
    else:
        raise ValueError(f"cannot read {path.name!r}: use one of {', '.join(FORMATS)}")
    if "id" not in frame.columns:
        raise ModelInputError(f"{path} has no 'id' column; it was not written by export_labels")
    return frame.set_index("id")


def _require_pyarrow() -> None:
    try:
        import pyarrow  # noqa: F401
    except ImportError as exc:
        raise ImportError("parquet needs pyarrow: pip install 'weaksup[parquet]'") from exc
