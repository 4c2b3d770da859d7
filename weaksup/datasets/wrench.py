"""Loader for WRENCH-format dataset folders (train/valid/test.json, label.json)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from weaksup._files import user_path
from weaksup.errors import DataFileError, LabelMatrixError, MissingFileError
from weaksup.matrix import LabelMatrix

SPLITS = ("train", "valid", "test")


class WrenchSplit(NamedTuple):
    """One split of a WRENCH dataset: the rows, their LF votes and their gold labels (aligned)."""

    data: pd.DataFrame
    L: LabelMatrix
    y: np.ndarray


class WrenchDataset(dict):
    """``{split: WrenchSplit}`` plus ``class_names`` (from label.json) and ``name`` (the folder's)."""

    class_names: list[str] | None = None
    name: str = ""


def load_wrench(folder: str | Path, splits: str | tuple[str, ...] = SPLITS) -> WrenchDataset:
    """Read a WRENCH-format folder into ``{split: WrenchSplit(data, L, y)}``.

    Each split file maps an id to ``{"label", "weak_labels", "data"}``. Row ids become
    the DataFrame index and ``L.index``; ``label.json`` gives ``class_names``.

    Examples
    --------
    >>> import os
    >>> folder = os.path.join("benchmarks", "data", "wrench", "youtube")
    >>> if os.path.isdir(folder):
    ...     ds = load_wrench(folder)
    ...     print(ds["test"].L.shape, ds["test"].y.shape)
    (250, 10) (250,)
    """
    folder = user_path(folder)
    if isinstance(splits, str):  # load_wrench(folder, "test") means the one split, not its letters
        splits = (splits,)
    if not folder.is_dir():
        raise MissingFileError(f"no WRENCH dataset folder at {folder}")
    label_file = folder / "label.json"
    class_names = None
    if label_file.exists():
        names = _read_json(label_file)
        try:
            class_names = [names[str(i)] for i in range(len(names))]
        except (KeyError, TypeError) as exc:
            raise DataFileError(f"{label_file} must map the class ids '0'..'{len(names) - 1}' to names; "
                                f"got {names!r:.200}") from exc
    out = WrenchDataset()
    out.class_names, out.name = class_names, folder.name
    for split in splits:
        path = folder / f"{split}.json"
        if not path.exists():
            raise MissingFileError(f"{folder} has no {split}.json")
        raw = _read_json(path)
        if not isinstance(raw, dict):
            raise DataFileError(f"{path} must map each row id to a record; got a {type(raw).__name__}")
        ids = list(raw)
        records = [raw[i] for i in ids]
        votes, y = _votes_and_labels(path, ids, records)
        n_lfs = votes.shape[1]
        index = pd.Index(ids, name="id")
        data = pd.DataFrame([r.get("data", {}) for r in records], index=index)
        k = len(class_names) if class_names else max(2, int(max(votes.max(initial=0), y.max(initial=0)) + 1))
        outside = (y < -1) | (y >= k)
        if outside.any():  # label.json names k classes: a gold label beyond them is no class (-1: unlabelled)
            i = int(np.argmax(outside))
            where = f"{label_file.name} names {k} classes" if class_names else "labels are class ids"
            raise DataFileError(f"{path}: row {ids[i]!r} has label {int(y[i])}, but {where} (0..{k - 1}; "
                                "-1 for no label)")
        try:
            L = LabelMatrix.from_dense(votes, lf_names=[f"lf_{j}" for j in range(n_lfs)], index=index,
                                       cardinality=k)
        except LabelMatrixError as exc:  # name the file: the message alone does not say which split
            raise LabelMatrixError(f"{path}: {exc}") from exc
        out[split] = WrenchSplit(data, L, y)
    return out


def _read_json(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))  # WRENCH writes UTF-8 whatever the locale
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataFileError(f"{path} is not valid UTF-8 JSON: {exc}") from exc


def _votes_and_labels(path: Path, ids: list[str], records: list) -> tuple[np.ndarray, np.ndarray]:
    n_lfs = None
    for i, r in zip(ids, records, strict=True):
        if not isinstance(r, dict) or "label" not in r or not isinstance(r.get("weak_labels"), list):
            raise DataFileError(f"{path}: row {i!r} needs 'label' and a 'weak_labels' list; got {r!r:.200}")
        if n_lfs is None:
            n_lfs = len(r["weak_labels"])
        elif len(r["weak_labels"]) != n_lfs:
            raise DataFileError(f"{path}: row {i!r} has {len(r['weak_labels'])} weak labels, the first row {n_lfs}")
    n_lfs = n_lfs or 0
    for i, r in zip(ids, records, strict=True):  # numpy would take True as 1 and cut 1.5 down to 1, silently
        bad = [v for v in (r["label"], *r["weak_labels"])
               if isinstance(v, (bool, np.bool_)) or (isinstance(v, float) and not v.is_integer())]
        if bad:
            raise DataFileError(f"{path}: row {i!r} holds a label or weak label that is not an integer: "
                                f"{bad[0]!r} (label {r['label']!r}, weak_labels {r['weak_labels']!r:.200})")
    try:
        votes = np.asarray([r["weak_labels"] for r in records], dtype=np.int64).reshape(len(records), n_lfs)
        y = np.asarray([r["label"] for r in records], dtype=np.int64)
    except (TypeError, ValueError) as exc:  # find the row, so the message can name it
        for i, r in zip(ids, records, strict=True):
            try:
                np.asarray(r["weak_labels"], dtype=np.int64), np.int64(r["label"])
            except (TypeError, ValueError):
                raise DataFileError(f"{path}: row {i!r} holds a label or weak label that is not an integer: "
                                    f"label {r['label']!r}, weak_labels {r['weak_labels']!r:.200}") from exc
        raise DataFileError(f"{path}: labels must be integers ({exc})") from exc
    return votes, y
