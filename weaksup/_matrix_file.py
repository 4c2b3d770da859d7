"""The label matrix ``.npz`` file: a pickle-free codec for row ids, and a reader that trusts nothing.

Row ids keep their type through a save and load: integer, unsigned, float, bool, datetime and
timedelta ids as numpy arrays of their own dtype; strings as UTF-8 with per-id lengths (any
text, missing values kept missing); mixed object ids as JSON with a type tag per id (so ``1``
and ``"1"`` stay distinct and ``None`` stays ``None``); MultiIndex, categorical, timezone-aware
and nullable-integer ids through their parts. Anything else is refused at save.
"""

from __future__ import annotations

import json
import math
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from weaksup._files import user_path
from weaksup.errors import LabelMatrixError

Member = Callable[[str], np.ndarray]
_MASKED = (pd.arrays.IntegerArray, pd.arrays.FloatingArray, pd.arrays.BooleanArray)
_MASKED_DTYPES = {
    "Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64", "Float32", "Float64", "boolean"
}


def encode_scalar(value: Any, what: str = "row id") -> list[Any]:
    """``[tag, value]`` JSON for one id or index name; refuses types it cannot bring back unchanged.

    Examples
    --------
    >>> encode_scalar(1), encode_scalar("1"), encode_scalar(None), encode_scalar(float("nan"))
    (['i', 1], ['s', '1'], ['n', None], ['f', 'nan'])
    >>> encode_scalar((1, "a"))
    ['t', [['i', 1], ['s', 'a']]]
    """
    if value is None:
        return ["n", None]
    if isinstance(value, (bool, np.bool_)):
        return ["b", bool(value)]
    if isinstance(value, (int, np.integer)):
        return ["i", int(value)]
    if type(value) in (float, np.float64):
        return ["f", repr(float(value))]  # repr round-trips exactly, nan and inf included
    if isinstance(value, str):
        return ["s", str(value)]
    if type(value) is tuple:
        return ["t", [encode_scalar(v, what) for v in value]]
    raise LabelMatrixError(
        f"cannot save the {what} {value!r} ({type(value).__name__}) faithfully: it must be "
        "str, int, float, bool, None or a tuple of those; convert the index (e.g. index.astype(str)) before saving"
    )


def decode_scalar(item: Any) -> Any:
    """Inverse of :func:`encode_scalar`.

    Examples
    --------
    >>> decode_scalar(["s", "007"]), decode_scalar(["t", [["i", 1], ["n", None]]])
    ('007', (1, None))
    """
    if not isinstance(item, list) or len(item) != 2 or not isinstance(item[0], str):
        raise LabelMatrixError(f"bad tagged id {item!r}")
    tag, value = item
    if tag == "n" and value is None:
        return None
    if tag == "b" and isinstance(value, bool):
        return value
    if tag == "i" and isinstance(value, int) and not isinstance(value, bool):
        return value
    if tag == "f" and isinstance(value, str):
        return float(value)
    if tag == "s" and isinstance(value, str):
        return value
    if tag == "t" and isinstance(value, list):
        return tuple(decode_scalar(v) for v in value)
    raise LabelMatrixError(f"bad tagged id {item!r}")


def _json_array(obj: Any) -> np.ndarray:
    return np.frombuffer(json.dumps(obj, ensure_ascii=True).encode(), dtype=np.uint8)


def encode_index(index: pd.Index, key: str = "index") -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """Describe ``index`` as a JSON-able spec plus arrays to store under names starting with ``key``.

    Examples
    --------
    >>> spec, arrays = encode_index(pd.Index([1, "1", None], name="id"))
    >>> spec["kind"], spec["name"], decode_index(spec, arrays.__getitem__, 3).tolist()
    ('tagged', ['s', 'id'], [1, '1', None])
    """
    spec, arrays = _encode(index, key)
    if spec["kind"] in ("multi", "categorical", "datetimetz", "masked", "tagged"):
        back = decode_index(spec, arrays.__getitem__, len(index), key)
        same = back.equals(index) or (  # NaN inside a tuple id is not equal to itself: compare the encodings
            spec["kind"] == "tagged" and [encode_scalar(v) for v in back] == [encode_scalar(v) for v in index])
        if not (type(back) is type(index) and back.dtype == index.dtype and same):
            raise LabelMatrixError(
                f"cannot save row ids of type {type(index).__name__} ({index.dtype}) faithfully; convert them first"
            )
    return spec, arrays


def _encode(index: pd.Index, key: str) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    if isinstance(index, pd.MultiIndex):
        names = [encode_scalar(v, "index name") for v in index.names]
        spec: dict[str, Any] = {"kind": "multi", "names": names, "levels": []}
        arrays: dict[str, np.ndarray] = {}
        for i, (level, codes) in enumerate(zip(index.levels, index.codes, strict=True)):
            sub, sub_arrays = _encode(level.rename(None), f"{key}.level{i}")
            spec["levels"].append(sub)
            arrays.update(sub_arrays)
            arrays[f"{key}.codes{i}"] = np.asarray(codes)
        return spec, arrays
    spec = {"name": encode_scalar(index.name, "index name")}
    dtype = index.dtype
    if isinstance(index, pd.RangeIndex):
        spec.update(kind="range", start=int(index.start), stop=int(index.stop), step=int(index.step))
        return spec, {}
    if isinstance(index, pd.CategoricalIndex):
        cats, arrays = _encode(index.categories, f"{key}.categories")
        spec.update(kind="categorical", categories=cats, ordered=bool(index.ordered))
        return spec, {**arrays, f"{key}.codes": np.asarray(index.codes)}
    if isinstance(dtype, pd.DatetimeTZDtype):
        spec.update(kind="datetimetz", tz=str(dtype.tz))
        return spec, {key: index.tz_convert("UTC").tz_localize(None).to_numpy()}
    if isinstance(index.array, _MASKED):
        spec.update(kind="masked", dtype=str(dtype))
        values = index.to_numpy(dtype=dtype.numpy_dtype, na_value=dtype.numpy_dtype.type(0))
        return spec, {key: values, f"{key}.mask": np.asarray(index.isna())}
    if isinstance(dtype, np.dtype) and dtype.kind in "biufmM":
        spec.update(kind="array")
        return spec, {key: np.asarray(index)}
    all_str = dtype is np.dtype(object) and pd.api.types.infer_dtype(index, skipna=False) == "string"
    if isinstance(dtype, pd.StringDtype) or all_str:
        if isinstance(dtype, pd.StringDtype):
            na = "NA" if dtype.na_value is pd.NA else "nan"
            spec.update(kind="str", dtype={"storage": dtype.storage, "na": na})
        else:
            spec.update(kind="str", dtype="object")
        missing = np.asarray(index.isna())
        texts = index.to_numpy(dtype=object)[~missing].tolist()
        lengths = np.full(len(index), -1, dtype=np.int64)
        lengths[~missing] = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        utf8 = np.frombuffer("".join(texts).encode("utf-8", "surrogatepass"), dtype=np.uint8)
        return spec, {f"{key}.utf8": utf8, f"{key}.lengths": lengths}
    if dtype is np.dtype(object):
        spec.update(kind="tagged")
        return spec, {f"{key}.json": _json_array([encode_scalar(v) for v in index])}
    raise LabelMatrixError(
        f"cannot save row ids of type {type(index).__name__} ({dtype}) faithfully; convert them first "
        "(e.g. index.astype(str))"
    )


def decode_index(spec: Any, member: Member, n: int | None, key: str = "index") -> pd.Index:
    """Rebuild the index described by ``spec``; ``member(name)`` returns a stored array, ``n`` the expected length."""
    if not isinstance(spec, dict):
        raise LabelMatrixError(f"the index description must be an object, got {type(spec).__name__}")
    kind = spec.get("kind")
    if kind == "multi":
        index = _decode_multi(spec, member, n, key)
    else:
        index = _decode_flat(spec, member, kind, key)
        index.name = decode_scalar(spec.get("name"))
    if n is not None and len(index) != n:
        raise LabelMatrixError(f"the index has {len(index)} ids for {n} rows")
    return index


def _decode_multi(spec: dict[str, Any], member: Member, n: int | None, key: str) -> pd.MultiIndex:
    levels_spec, names = spec.get("levels"), spec.get("names")
    if not (isinstance(levels_spec, list) and levels_spec and isinstance(names, list)) or len(names) != len(levels_spec):
        raise LabelMatrixError("a MultiIndex needs matching lists 'levels' and 'names'")
    levels, codes = [], []
    for i, sub in enumerate(levels_spec):
        if isinstance(sub, dict) and sub.get("kind") == "multi":
            raise LabelMatrixError("a MultiIndex level cannot itself be a MultiIndex")
        level = decode_index(sub, member, None, f"{key}.level{i}")
        code = _int_array(member(f"{key}.codes{i}"), f"codes of level {i}", n)
        _check_codes(code, len(level), f"level {i}")
        levels.append(level)
        codes.append(code)
    return pd.MultiIndex(levels=levels, codes=codes, names=[decode_scalar(v) for v in names], verify_integrity=True)


def _decode_flat(spec: dict[str, Any], member: Member, kind: Any, key: str) -> pd.Index:
    if kind == "range":
        start, stop, step = (spec.get(k) for k in ("start", "stop", "step"))
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (start, stop, step)) or step == 0:
            raise LabelMatrixError("a range index needs integer start, stop and a non-zero step")
        return pd.RangeIndex(start, stop, step)
    if kind == "array":
        values = _flat(member(key), "ids")
        if values.dtype.kind not in "biufmM":
            raise LabelMatrixError(f"stored ids have dtype {values.dtype}")
        return pd.Index(values, copy=False)
    if kind == "datetimetz":
        values = _flat(member(key), "index")
        if values.dtype.kind != "M" or not isinstance(spec.get("tz"), str):
            raise LabelMatrixError("timezone-aware ids need datetime64 values and a 'tz' name")
        return pd.DatetimeIndex(values).tz_localize("UTC").tz_convert(spec["tz"])
    if kind == "masked":
        dtype_name = spec.get("dtype")
        if dtype_name not in _MASKED_DTYPES:
            raise LabelMatrixError(f"unknown nullable id dtype {dtype_name!r}")
        dtype = pd.api.types.pandas_dtype(dtype_name)
        values, mask = _flat(member(key), "index"), _flat(member(f"{key}.mask"), "index mask")
        if values.dtype != dtype.numpy_dtype or mask.dtype != bool or len(mask) != len(values):
            raise LabelMatrixError(
                f"nullable ids need {dtype.numpy_dtype} values and a boolean mask of the same length"
            )
        return pd.Index(dtype.construct_array_type()(values, mask))
    if kind == "categorical":
        categories = decode_index(spec.get("categories"), member, None, f"{key}.categories")
        codes = _int_array(member(f"{key}.codes"), "categorical codes", None)
        _check_codes(codes, len(categories), "the categories")
        if not isinstance(spec.get("ordered"), bool):
            raise LabelMatrixError("categorical ids need a boolean 'ordered'")
        return pd.CategoricalIndex(pd.Categorical.from_codes(codes, categories=categories, ordered=spec["ordered"]))
    if kind == "str":
        return _decode_str(spec, member, key)
    if kind == "tagged":
        items = json.loads(bytes(_flat(member(f"{key}.json"), "index json", np.uint8)).decode())
        if not isinstance(items, list):
            raise LabelMatrixError("tagged ids must be a JSON list")
        return pd.Index([decode_scalar(item) for item in items], dtype=object, tupleize_cols=False)
    raise LabelMatrixError(f"unknown index kind {kind!r}")


def _decode_str(spec: dict[str, Any], member: Member, key: str) -> pd.Index:
    dtype_spec = spec.get("dtype")
    if dtype_spec == "object":
        dtype: Any = object
    elif (
        isinstance(dtype_spec, dict)
        and dtype_spec.get("na") in ("NA", "nan")
        and dtype_spec.get("storage") in ("python", "pyarrow")
    ):
        dtype = pd.StringDtype(dtype_spec["storage"], na_value=pd.NA if dtype_spec["na"] == "NA" else np.nan)
    else:
        raise LabelMatrixError(f"unknown string id dtype {dtype_spec!r}")
    utf8 = _flat(member(f"{key}.utf8"), "index text", np.uint8)
    text = bytes(utf8).decode("utf-8", "surrogatepass")
    lengths = _flat(member(f"{key}.lengths"), "index lengths", np.int64)
    if lengths.size and (lengths.min() < -1 or lengths.max() > len(text)):  # bounded: the sum cannot wrap
        raise LabelMatrixError(f"index lengths must lie in -1..{len(text)} (-1 marks a missing id)")
    missing = lengths < 0
    if missing.any() and dtype is object:
        raise LabelMatrixError("object string ids cannot be missing")
    sizes = np.where(missing, 0, lengths)
    ends = np.cumsum(sizes)
    if (ends[-1] if ends.size else 0) != len(text):
        raise LabelMatrixError(f"index lengths add up to {ends[-1] if ends.size else 0}, the text holds {len(text)}")
    if len(text) == len(utf8):  # ASCII: code points are bytes, so pyarrow can take the buffers as they are
        arrow = _arrow_strings(utf8, ends, missing)
        if arrow is not None:
            if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow":
                return pd.Index(pd.array(arrow, dtype=dtype))
            return pd.Index(arrow.to_numpy(zero_copy_only=False), dtype=dtype)
    starts = (ends - sizes).tolist()
    values = [text[a:b] for a, b in zip(starts, ends.tolist(), strict=True)]
    for i in np.flatnonzero(missing).tolist():
        values[i] = None
    return pd.Index(values, dtype=dtype)


def _arrow_strings(utf8: np.ndarray, ends: np.ndarray, missing: np.ndarray) -> Any:
    """A pyarrow string array over checked ASCII ``utf8`` ending at ``ends`` (100x faster than slicing in
    Python: 10M ids in well under a second); None without pyarrow."""
    try:
        import pyarrow as pa
    except ImportError:
        return None
    offsets = np.concatenate([np.zeros(1, np.int64), ends.astype(np.int64)])
    valid = pa.py_buffer(np.packbits(~missing, bitorder="little")) if missing.any() else None
    arrow = pa.LargeStringArray.from_buffers(
        len(ends), pa.py_buffer(offsets), pa.py_buffer(utf8), valid, int(missing.sum())
    )
    arrow.validate(full=True)
    return arrow


def _flat(arr: np.ndarray, what: str, dtype: Any = None) -> np.ndarray:
    if arr.ndim != 1 or (dtype is not None and arr.dtype != dtype):
        raise LabelMatrixError(f"{what} must be a 1-D array{'' if dtype is None else f' of {np.dtype(dtype)}'}")
    return arr


def _int_array(arr: np.ndarray, what: str, n: int | None) -> np.ndarray:
    if arr.ndim != 1 or arr.dtype.kind not in "iu" or (n is not None and len(arr) != n):
        raise LabelMatrixError(f"{what} must be a 1-D integer array{'' if n is None else f' of length {n}'}")
    return arr


def _check_codes(codes: np.ndarray, size: int, what: str) -> None:
    if codes.size and (codes.min() < -1 or codes.max() >= size):
        raise LabelMatrixError(f"codes point outside {what} (size {size})")


# reading ----------------------------------------------------------------------------------------
_DEFLATE_MAX_RATIO = 1100  # DEFLATE's largest expansion is about 1032:1 (258 bytes from 2 bits)
_NPY_HEADER_MAX = 1 << 16  # slack for small members (a header alone compresses well)
class NpzReader:
    """Members of an ``.npz`` file, each checked before it is read: present, pickle-free, not truncated.

    Examples
    --------
    >>> import os, tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), "a.npz")
    >>> np.savez(p, x=np.arange(3))
    >>> with NpzReader(p) as z:
    ...     z.member("x").tolist()
    [0, 1, 2]
    """

    def __init__(self, path: str | Path) -> None:
        self._zip = zipfile.ZipFile(user_path(path))
        self._names = set(self._zip.namelist())

    def __enter__(self) -> NpzReader:
        return self

    def files(self) -> list[str]:
        """The names of the arrays stored (``np.load(path).files``: the members ending in ``.npy``, without it)."""
        return [name[: -len(".npy")] for name in self._zip.namelist() if name.endswith(".npy")]

    def __exit__(self, *exc: object) -> None:
        self._zip.close()

    def member(self, name: str) -> np.ndarray:
        """The array stored as ``name``; :class:`LabelMatrixError` if missing, pickled or truncated."""
        key = f"{name}.npy"
        if key not in self._names:
            raise LabelMatrixError(f"the member {name!r} is missing")
        info = self._zip.getinfo(key)
        with self._zip.open(info) as fh:
            version = np.lib.format.read_magic(fh)
            if version not in ((1, 0), (2, 0)):
                raise LabelMatrixError(f"the member {name!r} has an unsupported .npy version {version}")
            fmt = np.lib.format
            read_header = fmt.read_array_header_1_0 if version == (1, 0) else fmt.read_array_header_2_0
            shape, _, dtype = read_header(fh)
        if dtype.hasobject:
            raise LabelMatrixError(f"the member {name!r} holds Python objects (pickle), which are never loaded")
        declared = math.prod(shape) * dtype.itemsize
        if declared > info.file_size:
            raise LabelMatrixError(
                f"the member {name!r} is truncated: its header declares {declared} bytes, "
                f"the file holds {info.file_size}"
            )
        # NumPy allocates the declared size before reading: a tampered size field in the zip must not make a
        # few bytes ask for terabytes (MemoryError). Stored members hold their bytes; deflate expands at most 1032x.
        most = {zipfile.ZIP_STORED: 1, zipfile.ZIP_DEFLATED: _DEFLATE_MAX_RATIO}.get(info.compress_type)
        if most is not None and info.file_size > most * info.compress_size + _NPY_HEADER_MAX:
            raise LabelMatrixError(
                f"the member {name!r} is damaged: the zip says it holds {info.file_size} bytes, but "
                f"{info.compress_size} compressed bytes cannot hold that many"
            )
        with self._zip.open(info) as fh:
            return np.lib.format.read_array(fh, allow_pickle=False)

    def meta(self) -> dict[str, Any]:
        """The ``meta`` member: a JSON object stored as UTF-8 bytes."""
        raw = self.member("meta")
        if raw.ndim != 1 or raw.dtype != np.uint8:
            raise LabelMatrixError(f"meta must be a 1-D uint8 array, got {raw.ndim}-D {raw.dtype}")
        meta = json.loads(bytes(raw).decode("utf-8"))
        if not isinstance(meta, dict):
            raise LabelMatrixError(f"meta must be a JSON object, got {type(meta).__name__}")
        return meta


def check_meta(meta: dict[str, Any]) -> tuple[tuple[int, int], list[str], int | None, np.dtype]:
    """Check the types in a file's meta; return shape, LF names, cardinality and storage dtype.

    Examples
    --------
    >>> check_meta({"format": "weaksup.LabelMatrix", "version": 2, "shape": [1, 1], "lf_names": ["a"],
    ...             "cardinality": None, "dtype": "int8"})[0]
    (1, 1)
    """
    if meta.get("format") != "weaksup.LabelMatrix":
        raise LabelMatrixError("not a weaksup label matrix (meta 'format' is not 'weaksup.LabelMatrix')")
    if meta.get("version") not in (1, 2):
        raise LabelMatrixError(f"unsupported format version {meta.get('version')!r}")
    shape = meta.get("shape")
    if not (isinstance(shape, list) and len(shape) == 2 and all(_is_int(v) and v >= 0 for v in shape)):
        raise LabelMatrixError(f"shape must be two non-negative integers, got {shape!r}")
    names = meta.get("lf_names")
    if not (isinstance(names, list) and all(isinstance(s, str) for s in names)) or len(names) != shape[1]:
        raise LabelMatrixError(f"lf_names must be a list of {shape[1]} strings, got {_short(names)}")
    cardinality = meta.get("cardinality")
    if cardinality is not None and not (_is_int(cardinality) and cardinality >= 2):
        raise LabelMatrixError(f"cardinality must be null or an integer >= 2, got {cardinality!r}")
    if meta.get("dtype") not in ("int8", "int16", "int32", "int64"):
        raise LabelMatrixError(f"dtype must be int8, int16, int32 or int64, got {meta.get('dtype')!r}")
    return (shape[0], shape[1]), names, cardinality, np.dtype(meta["dtype"])


def decode_v1_index(meta: dict[str, Any], member: Member, n: int) -> pd.Index:
    """Row ids of a version-1 file (range, int64, float64 or unicode ids).

    Examples
    --------
    >>> decode_v1_index({"index_kind": "range", "index_range": [0, 2, 1], "index_name": "id"}, {}.__getitem__, 2)
    RangeIndex(start=0, stop=2, step=1, name='id')
    """
    kind = meta.get("index_kind")
    if kind == "range":
        bounds = meta.get("index_range")
        if not (isinstance(bounds, list) and len(bounds) == 3 and all(_is_int(v) for v in bounds)) or bounds[2] == 0:
            raise LabelMatrixError(f"index_range must be three integers with a non-zero step, got {bounds!r}")
        index = pd.RangeIndex(*bounds)
    elif kind in ("int", "float", "str"):
        values = _flat(member("index"), "index")
        if values.dtype.kind != {"int": "i", "float": "f", "str": "U"}[kind]:
            raise LabelMatrixError(f"index_kind {kind!r} does not match stored ids of dtype {values.dtype}")
        index = pd.Index(values.astype(object)) if kind == "str" else pd.Index(values)
    else:
        raise LabelMatrixError(f"unknown index_kind {kind!r}")
    name = meta.get("index_name")
    if name is not None and not isinstance(name, str):
        raise LabelMatrixError(f"index_name must be null or a string, got {name!r}")
    index.name = name
    if len(index) != n:
        raise LabelMatrixError(f"the index has {len(index)} ids for {n} rows")
    return index


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _short(obj: Any) -> str:
    text = repr(obj)
    return text if len(text) <= 80 else text[:77] + "..."
