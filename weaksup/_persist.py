"""Saved state without pickle, for every saver: a ``model.json`` of parameters beside an ``.npz`` of arrays.

Label models (:meth:`weaksup.models.base.BaseLabelModel.save`) and the end model
(:meth:`weaksup.train.SoftLabelClassifier.save`) write this pair; the JSON records the arrays' SHA-256, so a
torn or tampered pair is refused on load and loading never runs code. (A :class:`~weaksup.LabelMatrix` is one
self-describing ``.npz``, validated structurally by :mod:`weaksup._matrix_file`.)
"""

from __future__ import annotations

import json
import zipfile
import zlib
from pathlib import Path
from typing import Any

import numpy as np

from weaksup._files import atomic_path, file_sha256, user_path
from weaksup._matrix_file import NpzReader
from weaksup.errors import ModelInputError, UnsafeOutputError


def save_json_and_npz(directory: Path, meta: dict[str, Any], npz_name: str, arrays: dict[str, np.ndarray]) -> None:
    """Save ``meta`` as ``directory/model.json`` and ``arrays`` as ``directory/npz_name``, as one consistent pair.

    The arrays are written first to a temporary file, then ``model.json`` (recording the arrays'
    SHA-256 under ``"<npz_name>_sha256"``) to another; only then are they renamed. A failure before
    the renames leaves the previous pair untouched; one between them leaves a pair that
    :func:`load_checked_npz` refuses and that a later save may overwrite. So the arrays are renamed
    first only over a ``model.json`` that records their checksum (the new arrays then do not match
    it); otherwise (a first save, or over a save from before checksums, which would load the new
    arrays unchecked with the old parameters) ``model.json`` goes first: the new checksum does not
    match the old arrays, or there are none, and a new save may overwrite the folder.

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
    key = f"{npz_name}_sha256"
    arrays_first = key in _old_meta(directory / "model.json")
    first, second = (npz_name, "model.json") if arrays_first else ("model.json", npz_name)
    # the inner block's file is renamed first
    with atomic_path(directory / second) as second_tmp, atomic_path(directory / first) as first_tmp:
        json_tmp, npz_tmp = (second_tmp, first_tmp) if arrays_first else (first_tmp, second_tmp)
        with npz_tmp.open("wb") as fh:
            np.savez(fh, **arrays)
        meta = {**meta, key: file_sha256(npz_tmp)}
        json_tmp.write_text(json.dumps(meta, indent=2))


def _old_meta(path: Path) -> dict[str, Any]:
    """The JSON object in ``path`` (an earlier save's model.json), or ``{}`` when there is none or it is unreadable."""
    try:
        meta = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return meta if isinstance(meta, dict) else {}


def _check_target(directory: Path, npz_name: str, fmt_new: Any) -> None:
    """Refuse a target that is a file, or a folder whose ``model.json`` / arrays are not a save of this kind.

    Overwriting an earlier save of the same kind is the point of saving again; anything else there (a
    user's own ``model.json``, another kind of weaksup model whose arrays would be left orphaned) is kept.
    """
    if directory.exists() and not directory.is_dir():
        raise UnsafeOutputError(f"refusing to save a model to {str(directory)!r}: it is a file, and a model is saved "
                                "as a folder (model.json + arrays); choose a folder path")
    above = next((p for p in directory.parents if p.exists()), None)  # the folders below it are created
    if above is not None and not above.is_dir():
        raise UnsafeOutputError(f"cannot save a model to {str(directory)!r}: {str(above)!r} is a file, not a folder")
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

    Files saved before checksums were recorded (weaksup before 2026-12-01: no ``"<npz_name>_sha256"`` key)
    load unchecked. That is safe only because every loader validates what it loads (label models'
    ``_state_rules``, the end model's weights): a checksum catches a torn save, not an edit whose author
    rewrote it, so the validation is what stands between a damaged file and a crash or NaN predictions.

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
        # each member checked before NumPy reads it: no pickle, and no allocation the file cannot back
        with NpzReader(path) as z:
            return {key: z.member(key) for key in z.files()}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error, NotImplementedError) as exc:
        if isinstance(exc, ModelInputError):
            raise
        raise ModelInputError(f"cannot read {path}: {type(exc).__name__}: {exc}") from exc


def read_model_json(directory: Path, fmt: str, what: str) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """``(meta, params, attributes)`` of ``directory/model.json``, a save in format ``fmt`` of ``what``.

    Any file that is not JSON, not an object, of another format, or whose ``params`` / ``attributes`` are
    not objects raises :class:`~weaksup.errors.ModelInputError` naming the file (never ``AttributeError``).
    """
    path = directory / "model.json"
    try:
        meta = json.loads(path.read_text())
    except (OSError, ValueError) as exc:  # ValueError: JSONDecodeError and undecodable bytes
        raise ModelInputError(f"cannot read {what} from {directory}: {exc}") from exc
    if not isinstance(meta, dict) or meta.get("format") != fmt:
        raise ModelInputError(f"{directory} does not hold a {fmt} ({path} is not one)")
    params, attrs = meta.get("params"), meta.get("attributes")
    if not isinstance(params, dict) or not isinstance(attrs, dict):
        raise ModelInputError(f"{path} is damaged: 'params' and 'attributes' must be objects")
    return meta, params, attrs


def check_param_names(klass: type, params: dict[str, Any], path: Path) -> None:
    """Refuse parameters in ``path`` (a model.json) that ``klass``'s constructor does not take."""
    allowed = set(klass._get_param_names())  # type: ignore[attr-defined]  # scikit-learn estimators
    unknown = sorted(set(params) - allowed)
    if unknown:
        raise ModelInputError(f"{path} gives {klass.__name__} unknown parameters {unknown}; "
                              f"its parameters are {sorted(allowed)}")


def learned_attribute(klass: type, key: str, directory: Path) -> str:
    """``key`` if it can be learned state of ``klass`` (``name_``, as save writes it), else ModelInputError.

    A method or any other class attribute (``predict_proba``) is never overwritten by a loaded value.
    """
    if not key.endswith("_") or key.startswith("_") or hasattr(klass, key):
        raise ModelInputError(f"{directory} holds {key!r}, which is not a learned attribute of {klass.__name__}")
    return key


def to_json(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if type(value).__module__.startswith("pandas") and type(value).__name__ == "Series":  # by name: no pandas import
        # a parameter given as a Series (weights): by position (an integer index) or by name
        if value.index.dtype.kind in "iu":
            return to_json(value.sort_index().tolist())
        return to_json(dict(zip(value.index, value.tolist(), strict=True)))
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise ModelInputError(f"cannot save {type(value).__name__} without pickle: {value!r}")
