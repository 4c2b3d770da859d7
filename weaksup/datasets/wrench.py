"""Loader for WRENCH-format dataset folders (train/valid/test.json, label.json)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from weaksup.errors import MissingFileError
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


def load_wrench(folder: str | Path, splits: tuple[str, ...] = SPLITS) -> WrenchDataset:
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
    folder = Path(folder)
    if not folder.is_dir():
        raise MissingFileError(f"no WRENCH dataset folder at {folder}")
    label_file = folder / "label.json"
    class_names = None
    if label_file.exists():
        names = json.loads(label_file.read_text())
        class_names = [names[str(i)] for i in range(len(names))]
    out = WrenchDataset()
    out.class_names, out.name = class_names, folder.name
    for split in splits:
        path = folder / f"{split}.json"
        if not path.exists():
            raise MissingFileError(f"{folder} has no {split}.json")
        raw = json.loads(path.read_text())
        ids = list(raw)
        records = [raw[i] for i in ids]
        n_lfs = len(records[0]["weak_labels"]) if records else 0
        votes = np.asarray([r["weak_labels"] for r in records], dtype=np.int64).reshape(len(records), n_lfs)
        y = np.asarray([r["label"] for r in records], dtype=np.int64)
        index = pd.Index(ids, name="id")
        data = pd.DataFrame([r.get("data", {}) for r in records], index=index)
        k = len(class_names) if class_names else int(max(votes.max(initial=0), y.max(initial=0)) + 1)
        L = LabelMatrix.from_dense(votes, lf_names=[f"lf_{j}" for j in range(n_lfs)], index=index, cardinality=k)
        out[split] = WrenchSplit(data, L, y)
    return out
