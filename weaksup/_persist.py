"""Saved state without pickle, for every saver: a ``model.json`` of parameters beside an ``.npz`` of arrays.

Label models (:meth:`weaksup.models.base.BaseLabelModel.save`) and the end model
(:meth:`weaksup.train.SoftLabelClassifier.save`) write this pair; the JSON records the arrays' SHA-256, so a
torn or tampered pair is refused on load and loading never runs code. (A :class:`~weaksup.LabelMatrix` is one
self-describing ``.npz``, validated structurally by :mod:`weaksup._matrix_file`.)
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from weaksup._files import atomic_path, file_sha256, user_path
from weaksup.errors import ModelInputError, UnsafeOutputError


def save_json_and_npz(directory: Path, meta: dict[str, Any], npz_name: str, arrays: dict[str, np.ndarray]) -> None:
    """Save ``meta`` as ``directory/model.json`` and ``arrays`` as ``directory/npz_name``, as one consistent pair.

    The arrays are written first to a temporary file, then ``model.json`` (recording the arrays'
    SHA-256 under ``"<npz_name>_sha256"``) to another; only then are they renamed, arrays first.
    A failure before the renames leaves the previous pair untouched; one between them leaves a
    pair whose checksum does not match, which :func:`load_checked_npz` refuses.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> d = Path(tempfile.mkdtemp())
    >>> save_json_and_npz(d, {"format": "demo"}, "arrays.npz", {"w": np.arange(3)})
    >>> load_checked_npz(d, json.loads((d / "model.json").read_text()), "arrays.npz")["w"].tolist()
    [0, 1, 2]
    """
    directory = user_path(directory)  # "~/model" is the user's home, as everywhere
    _check_target(directory, npz_name, meta.get("format"))
    with atomic_path(directory / "model.json") as json_tmp:
        with atomic_path(directory / npz_name) as npz_tmp:
            with npz_tmp.open("wb") as fh:
                np.savez(fh, **arrays)
            meta = {**meta, f"{npz_name}_sha256": file_sha256(npz_tmp)}
            json_tmp.write_text(json.dumps(meta, indent=2))


def _check_target(directory: Path, npz_name: str, fmt_new: Any) -> None:
    """Refuse a target that is a file, or a folder whose ``model.json`` / arrays are not a save of this kind.

    Overwriting an earlier save of the same kind is the point of saving again; anything else there (a
    user's own ``model.json``, another kind of weaksup model whose arrays would be left orphaned) is kept.
    """
    if directory.exists() and not directory.is_dir():
        raise UnsafeOutputError(f"refusing to save a model to {str(directory)!r}: it is a file, and a model is saved "
                                "as a folder (model.json + arrays); choose a folder path")
    for name in ("model.json", npz_name):
        if (directory / name).is_dir():
            raise UnsafeOutputError(f"refusing to save a model to {str(directory)!r}: {name} there is a folder")
    old = directory / "model.json"
    if (directory / npz_name).is_file() and not old.is_file():
        raise UnsafeOutputError(f"refusing to overwrite {str(directory / npz_name)!r}: there is no model.json beside "
                                "it, so it is not a saved weaksup model; choose another folder")
    if old.is_file():
        try:
            fmt = json.loads(old.read_text()).get("format")
        except (OSError, ValueError, AttributeError):
            fmt = None
        if not (isinstance(fmt, str) and fmt.startswith("weaksup.")):
            raise UnsafeOutputError(f"refusing to overwrite {str(old)!r}: it is not a saved weaksup model; "
                                    "choose another folder")
        if fmt_new is not None and fmt != fmt_new:
            raise UnsafeOutputError(f"refusing to overwrite {str(old)!r}: it holds a {fmt}, not a {fmt_new}; "
                                    "save each model to its own folder")


def load_checked_npz(directory: Path, meta: dict[str, Any], npz_name: str) -> dict[str, np.ndarray]:
    """The arrays of ``directory/npz_name``, after checking them against the checksum in ``meta``.

    Files saved before checksums were recorded (no ``"<npz_name>_sha256"`` key) load unchecked.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> d = Path(tempfile.mkdtemp())
    >>> save_json_and_npz(d, {}, "w.npz", {"w": np.ones(2)})
    >>> load_checked_npz(d, {"w.npz_sha256": "0" * 64}, "w.npz")
    Traceback (most recent call last):
    ...
    weaksup.errors.ModelInputError: .../w.npz is not the file saved with .../model.json (checksum mismatch: ...
    """
    directory = user_path(directory)
    path = directory / npz_name
    expected = meta.get(f"{npz_name}_sha256")
    try:
        if expected is not None and file_sha256(path) != expected:
            raise ModelInputError(
                f"{path} is not the file saved with {directory / 'model.json'} (checksum mismatch: a torn save "
                "or a modified file); save the model again"
            )
        with np.load(path, allow_pickle=False) as z:
            return {key: z[key] for key in z.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
        if isinstance(exc, ModelInputError):
            raise
        raise ModelInputError(f"cannot read {path}: {type(exc).__name__}: {exc}") from exc


def to_json(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise ModelInputError(f"cannot save {type(value).__name__} without pickle: {value!r}")
