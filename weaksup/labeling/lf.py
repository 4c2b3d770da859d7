"""Labeling functions: row-wise or vectorized heuristics that vote a label or abstain (-1)."""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import re
import site
import sys
import sysconfig
import types
import uuid
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from weaksup.labeling.function import UserFunction, decorator
from weaksup.labeling.preprocessor import Preprocessor
from weaksup.labeling.row import as_row


class LabelingFunction(UserFunction):
    """A heuristic that labels data or abstains.

    Parameters
    ----------
    name : str
        Unique name; it becomes the LF's column in the label matrix.
    f : callable
        Row-wise: ``f(x, **resources) -> int`` where ``x`` is a row whose fields read as
        attributes and keys. Vectorized: ``f(batch, **resources) -> array`` of one label
        per row of the batch (a pandas DataFrame, or a slice of an input array: a 1-D array's
        rows are its elements, as row-wise LFs see them). Arrays
        and lists are taken in batch order; a pandas Series must carry the batch's own
        index (it is never realigned by label). A label is any integer (``int``, an
        ``IntEnum`` member, a numpy integer) from 0 to ``cardinality - 1``, or -1 to
        abstain; bools, floats, None and ``pd.NA`` are errors. Changes ``f`` makes to its
        row or batch are seen by no other LF, and arrays come read-only.
    resources : dict, optional
        Passed to ``f`` as keyword arguments (lookup tables, models, thresholds).
    pre : sequence of Preprocessor, optional
        Run in order on the row (or batch) before ``f``.
    vectorized : bool
        Whether ``f`` takes a whole batch.

    Examples
    --------
    >>> lf = LabelingFunction("has_http", lambda x: 1 if "http" in x.text else -1)
    >>> lf({"text": "see http://x"})
    1
    """

    kind = "labeling function"
    _standard_call = True  # the preprocessors, then f: what appliers do themselves

    def __call__(self, x: Any) -> Any:
        """Label one row (or one batch, when vectorized), running the preprocessors first.

        A dict or pandas Series is turned into a :class:`Row`, as the applier would.
        """
        if not self.vectorized:
            x = as_row(x)
        for p in self.pre:
            x = p(x)
        return self.bound(x)

    def fingerprint(self) -> str:
        """A hash of everything that decides this LF's votes: code, resources, preprocessors.

        Code is hashed from the bytecode, constants, defaults and closure values of ``f``
        and of the functions and globals it refers to (recursively), so editing the LF,
        a helper it calls, a constant it reads or a resource changes the fingerprint;
        renaming the LF does not. Helpers reached through one of your own modules
        (``helpers.score(x)``) and the methods of your own classes count too; the standard
        library and installed packages are taken by name. Values that cannot be hashed reproducibly make the
        fingerprint unique per call (the LF is then never reused from a cache).

        Examples
        --------
        >>> a = LabelingFunction("a", lambda x: 1 if "http" in x.text else -1)
        >>> b = LabelingFunction("b", lambda x: 1 if "http" in x.text else -1)
        >>> c = LabelingFunction("c", lambda x: 1 if "www" in x.text else -1)
        >>> a.fingerprint() == b.fingerprint(), a.fingerprint() == c.fingerprint()
        (True, False)
        """
        h = hashlib.sha256()
        _feed(h, (self.vectorized, self.f, self.resources, [(p.vectorized, p.f, p.resources) for p in self.pre]), set())
        return h.hexdigest()[:32]


def labeling_function(
    name: str | None = None,
    resources: dict[str, Any] | None = None,
    pre: Sequence[Preprocessor] | None = None,
    vectorized: bool = False,
) -> Callable[[Callable[..., Any]], LabelingFunction]:
    """Decorator that turns a function into a :class:`LabelingFunction` named after it.

    Examples
    --------
    >>> @labeling_function()
    ... def check_out(x):
    ...     return 1 if "check out" in x.text.lower() else -1
    >>> check_out.name
    'check_out'
    """
    return decorator(LabelingFunction, name, resources, pre, vectorized, "labeling_function")


def _feed(h: Any, obj: Any, seen: set[int]) -> None:
    """Feed a reproducible description of ``obj`` into hash ``h`` (see :meth:`LabelingFunction.fingerprint`)."""
    if obj is None or isinstance(obj, (bool, int, float, complex, str, bytes)):
        h.update(f"{type(obj).__name__}:{obj!r};".encode())
    elif isinstance(obj, (list, tuple)):
        h.update(f"{type(obj).__name__}[{len(obj)}](".encode())
        for item in obj:
            _feed(h, item, seen)
        h.update(b")")
    elif isinstance(obj, dict):
        h.update(f"dict[{len(obj)}](".encode())
        for key in sorted(obj, key=repr):
            _feed(h, key, seen)
            _feed(h, obj[key], seen)
        h.update(b")")
    elif isinstance(obj, (set, frozenset)):
        h.update(f"set[{len(obj)}]".encode() + "|".join(sorted(map(repr, obj))).encode())
    elif isinstance(obj, np.ndarray):
        h.update(f"ndarray{obj.dtype}{obj.shape}".encode())
        if obj.dtype == object:
            _feed(h, obj.tolist(), seen)
        else:
            h.update(np.ascontiguousarray(obj).tobytes())
    elif isinstance(obj, np.generic):
        h.update(f"{obj.dtype}:{obj!r};".encode())
    elif isinstance(obj, (pd.Index, pd.Series, pd.DataFrame)):
        h.update(f"{type(obj).__name__}{list(map(str, getattr(obj, 'columns', [])))}".encode())
        h.update(pd.util.hash_pandas_object(obj, index=not isinstance(obj, pd.Index)).to_numpy().tobytes())
    elif isinstance(obj, re.Pattern):
        h.update(f"re:{obj.pattern!r}:{obj.flags};".encode())
    elif isinstance(obj, types.ModuleType):
        h.update(f"module:{obj.__name__};".encode())
    elif isinstance(obj, types.CodeType):
        h.update(obj.co_code)
        _feed(h, (obj.co_names, obj.co_varnames, obj.co_freevars), seen)
        for const in obj.co_consts:
            _feed(h, const, seen)
    elif isinstance(obj, (types.FunctionType, types.MethodType, functools.partial, LabelingFunction)):
        if id(obj) in seen:  # recursion: a function that refers to itself
            h.update(f"seen:{getattr(obj, '__qualname__', type(obj).__name__)};".encode())
            return
        seen.add(id(obj))
        if isinstance(obj, types.FunctionType):
            code = obj.__code__
            h.update(f"function:{obj.__qualname__}".encode())
            _feed(h, code, seen)
            _feed(h, (obj.__defaults__, obj.__kwdefaults__), seen)
            cells = [c.cell_contents if _cell_ok(c) else None for c in obj.__closure__ or ()]
            _feed(h, cells, seen)
            names = _global_names(code)
            for value in cells:
                if isinstance(value, types.ModuleType):
                    _feed_module(h, value, names, seen)
            for name in sorted(names):
                if name in obj.__globals__:
                    value = obj.__globals__[name]
                    _feed(h, (name, value), seen)
                    if isinstance(value, types.ModuleType):  # ``helpers.score(x)``: what it reads of the module
                        _feed_module(h, value, names, seen)
        elif isinstance(obj, types.MethodType):
            _feed(h, (obj.__func__, obj.__self__), seen)
        elif isinstance(obj, functools.partial):
            _feed(h, (obj.func, obj.args, obj.keywords), seen)
        elif isinstance(obj, LabelingFunction):
            h.update(obj.fingerprint().encode())
    elif isinstance(obj, type):
        h.update(f"class:{obj.__module__}.{obj.__qualname__};".encode())
        if id(obj) not in seen and _user_module(sys.modules.get(obj.__module__)):  # the user's own class: its methods
            seen.add(id(obj))
            _feed(h, sorted((k, v) for k, v in vars(obj).items() if isinstance(v, types.FunctionType)), seen)
    elif isinstance(obj, (types.BuiltinFunctionType, types.BuiltinMethodType)):
        h.update(f"builtin:{getattr(obj, '__module__', '')}.{obj.__qualname__};".encode())
    else:  # models, tables, other objects: their pickled state
        try:
            h.update(f"object:{type(obj).__module__}.{type(obj).__qualname__}".encode())
            h.update(pickle.dumps(obj, protocol=4))
            if isinstance(vars(type(obj)).get("__call__"), types.FunctionType):
                _feed(h, type(obj).__call__, seen)
            _feed(h, type(obj), seen)  # a class of the user's: the code of its methods too
        except Exception:  # unpicklable: never let a cache reuse it
            h.update(uuid.uuid4().bytes)


def _feed_module(h: Any, module: types.ModuleType, names: set[str], seen: set[int], depth: int = 0) -> None:
    """Feed the attributes of the user's own ``module`` that a function names (``helpers.score``, ``cfg.LIMIT``).

    Libraries (the standard library, installed packages) are left out: they change only with their version.
    """
    if depth > 3 or not _user_module(module):
        return
    space = vars(module)  # not getattr: a module's __getattr__ may import or compute
    for name in sorted(n for n in names if n in space):
        value = space[name]
        if isinstance(value, _CODE_OR_DATA):
            _feed(h, (name, value), seen)
        else:  # a model or client kept in the module: by type (pickling it may be slow, or fail every time)
            h.update(f"{name}:object:{type(value).__module__}.{type(value).__qualname__};".encode())
        if isinstance(value, types.ModuleType):  # ``pkg.sub.f``
            _feed_module(h, value, names, seen, depth + 1)


_CODE_OR_DATA = (type(None), bool, int, float, complex, str, bytes, list, tuple, dict, set, frozenset, np.ndarray,
                 np.generic, pd.Index, pd.Series, pd.DataFrame, re.Pattern, types.ModuleType, types.FunctionType,
                 types.MethodType, functools.partial, LabelingFunction, type, types.BuiltinFunctionType)


def _library_dirs() -> tuple[str, ...]:
    paths = sysconfig.get_paths()
    dirs = {paths[k] for k in ("stdlib", "platstdlib", "purelib", "platlib") if k in paths}
    try:
        dirs |= set(site.getsitepackages()) | {site.getusersitepackages()}
    except AttributeError:  # some embedded interpreters have no site helpers
        pass
    return tuple(os.path.join(os.path.realpath(d), "") for d in dirs if d)


_LIBRARY_DIRS: tuple[str, ...] | None = None


def _user_module(module: Any) -> bool:
    """Whether ``module`` is the user's own code: a file outside the standard library and installed packages."""
    global _LIBRARY_DIRS
    if not isinstance(module, types.ModuleType):
        return False
    file = getattr(module, "__file__", None)
    if module.__name__ == "__main__":  # a script, or a notebook (which has no file)
        return True
    if not isinstance(file, str):
        return False
    if module.__name__.partition(".")[0] in sys.stdlib_module_names or module.__name__.startswith("weaksup"):
        return False
    if _LIBRARY_DIRS is None:
        _LIBRARY_DIRS = _library_dirs()
    return not os.path.realpath(file).startswith(_LIBRARY_DIRS)


def _cell_ok(cell: Any) -> bool:
    try:
        cell.cell_contents  # noqa: B018 -- empty cells raise
    except ValueError:
        return False
    return True


def _global_names(code: types.CodeType) -> set[str]:
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _global_names(const)
    return names
