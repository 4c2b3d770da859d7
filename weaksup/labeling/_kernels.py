"""The vectorized kernels behind the LF templates: one pass over a batch's column, in Arrow's C kernels.

Text is read as one Arrow string array (pandas' own string storage, usually zero-copy); matching, lowering
and tokenizing run in ``pyarrow.compute`` (RE2 regexes; patterns RE2 cannot compile fall back to Python's
:mod:`re`). Without pyarrow every kernel falls back to pandas' ``.str`` methods. Kept apart from
:mod:`weaksup.labeling.templates`, which builds the LFs around them.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from weaksup._votes import ABSTAIN
from weaksup.errors import MissingFieldError, ParameterError, ParameterTypeError

_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq, "!=": operator.ne,
}
_OP_NAMES = {"<": "lt", "<=": "le", ">": "gt", ">=": "ge", "==": "eq", "!=": "ne"}


def _column(batch: Any, field: str | int) -> pd.Series:
    if isinstance(batch, pd.DataFrame):
        try:
            return batch[field]
        except KeyError:
            raise MissingFieldError(f"no field {field!r} in the data; columns are {[str(c) for c in batch.columns][:20]}") from None
    if isinstance(batch, np.ndarray):
        names = batch.dtype.names or ()
        if field in names:  # a structured array's field
            return pd.Series(batch[field])
        if not names and isinstance(field, int) and not isinstance(field, bool):
            if batch.ndim == 2:
                return pd.Series(batch[:, field])
            if batch.ndim == 1 and field == 0:  # a 1-D array (of texts) is one field
                return pd.Series(batch)
        if names:
            raise MissingFieldError(f"no field {field!r} in the structured array; fields are {list(names)[:20]}")
    raise MissingFieldError(
        f"field {field!r}: templates read DataFrame columns, fields of a structured array, integer columns of a 2-D "
        "array, or field=0 of a 1-D array"
    )


def _arrow() -> Any:
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
    except ImportError:
        return None
    return pa, pc


def _raw_text(batch: Any, field: str | int) -> Any:
    """The field as one Arrow string array (pandas' own storage, usually zero-copy), or a str Series."""
    col = _column(batch, field)
    if col.dtype != "str":
        col = col.astype("str")  # NaN/None stay missing and never match
    mods = _arrow()
    if mods is None:
        return col
    pa = mods[0]
    # the ExtensionArray, not the Series: Series.__getattr__("__arrow_array__") would hash the whole index
    arr = pa.array(col.array, from_pandas=True)
    return arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr


def _lower_text(text: Any) -> Any:
    if isinstance(text, pd.Series):
        return text.str.lower()
    pc = _arrow()[1]
    # ASCII lowering is ~10x faster than Unicode lowering and identical on ASCII text
    return pc.ascii_lower(text) if pc.all(pc.string_is_ascii(text)).as_py() is not False else pc.utf8_lower(text)


def _lower_key(word: str) -> str:
    """``word`` lowercased as :func:`_lower_text` lowercases the text it is matched against.

    Arrow lowers by single characters (``"İ"`` -> ``"i"``) where Python's ``str.lower`` adds a combining dot
    (``"i̇"``), so a keyword lowered by Python would never be found in text lowered by Arrow.

    Examples
    --------
    >>> _lower_key("İstanbul") in _lower_key("İSTANBUL"), _lower_key("Hello")
    (True, 'hello')
    """
    mods = None if word.isascii() else _arrow()
    if mods is None:
        return word.lower()
    pa, pc = mods
    return pc.utf8_lower(pa.array([word])).to_pylist()[0]


def _tokens(text: Any) -> tuple[Any, np.ndarray, int]:
    """Word tokens of every row, flattened, with the position of the row each came from."""
    if isinstance(text, pd.Series):  # pure-Python fallback
        lists = [re.findall(r"\w+", t) if isinstance(t, str) else [] for t in text]
        parents = np.repeat(np.arange(len(lists)), [len(t) for t in lists])
        return pd.Index([w for t in lists for w in t], dtype=object), parents, len(text)
    pa, pc = _arrow()
    lists = pc.split_pattern_regex(text, r"[^\pL\pN_]+")  # Python's \W+: RE2's \W is ASCII-only
    flat = lists.flatten()
    parents = np.asarray(lists.value_parent_indices())
    keep = np.asarray(pc.not_equal(flat, "").fill_null(False))
    return flat.filter(pa.array(keep)), parents[keep], len(text)


_RE2_FLAGS = {re.IGNORECASE: "", re.DOTALL: "s", re.MULTILINE: "m"}
# Python's str.split() whitespace (str.isspace), spelled out for RE2, whose \s is ASCII-only
_RE2_SPACE = r"[\t-\r\x{1c}-\x{20}\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]"


# characters on which RE2's ASCII classes and Python's Unicode ones disagree, by class letter
_NON_ASCII_WORD = r"[^\x00-\x7f\PL]|[^\x00-\x7f\PN]"  # letters and digits beyond ASCII
_UNICODE_ONLY = {"w": _NON_ASCII_WORD, "b": _NON_ASCII_WORD, "d": r"[^\x00-\x7f\PN]",
                 "s": r"[\x{0b}\x{1c}-\x{1f}\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]"}


def _unicode_classes(pattern: str) -> str | None:
    """An RE2 pattern finding the rows where ``pattern``'s \\w \\b \\d \\s (and capitals) could mean something else
    to RE2 (ASCII classes) than to Python's re (Unicode ones); ``None`` when it uses none of them."""
    found: set[str] = set()
    i = 0
    while i < len(pattern) - 1:
        if pattern[i] == "\\":
            c = pattern[i + 1].lower()
            if c in _UNICODE_ONLY:
                found.add(_UNICODE_ONLY[c])
            i += 2
        else:
            i += 1
    return "|".join(sorted(found)) if found else None


# syntax RE2 reads differently from Python's re: "{,3}" is {0,3} in re and literal text in RE2, "[[:alpha:]]"
# a POSIX class in RE2 and a plain set in re; such patterns run in Python's re
_PYTHON_ONLY = re.compile(r"\{,|\[:")
_INLINE_IGNORECASE = re.compile(r"\(\?[a-zA-Z-]*i")


_MAY_MATCH_I = re.compile(r"[iI]|\[[^\]]*-")  # an i, or a class with a range ([a-z])


def _ignores_case(pattern: str, flags: int) -> bool:
    return bool(flags & re.IGNORECASE) or _INLINE_IGNORECASE.search(pattern) is not None


def _python_only(pattern: str, flags: int) -> bool:
    """Whether a user's pattern must run in Python's re: syntax RE2 reads differently, or a dotted / dotless
    i under ignore-case (re.I folds "İ" and "ı" to "i"; RE2 does not)."""
    return _PYTHON_ONLY.search(pattern) is not None or (
        ("\u0130" in pattern or "\u0131" in pattern) and _ignores_case(pattern, flags))


def _whole_word_python(word: str) -> str:
    # no word character right before or after: what the RE2 pattern below says ("c++" is a whole word in "C++!")
    return rf"(?<!\w)(?:{word})(?!\w)"


def _match(text: Any, pattern: str, regex: bool, flags: int, whole_word: bool = False,
           unicode_safe: bool = False) -> np.ndarray:
    """Boolean mask: does ``pattern`` (literal or regex, ``re.search`` semantics) occur in each row?

    ``unicode_safe``: the pattern means the same to RE2 and to Python's re (built here, not a user's).
    """
    if whole_word:  # RE2's \b is ASCII-only; spell out Unicode word boundaries for it
        word, unicode_safe = pattern, True
        pattern = _whole_word_python(word) if isinstance(text, pd.Series) else \
            rf"(?:^|[^\pL\pN_])(?:{word})(?:[^\pL\pN_]|$)"
    if not isinstance(text, pd.Series):
        pc = _arrow()[1]
        ignore_case = bool(flags & re.IGNORECASE)
        if not regex:  # RE2 finds literals faster than Arrow's substring kernel
            pattern, regex, unicode_safe = re.escape(pattern), True, True
        if not flags & ~sum(_RE2_FLAGS) & ~re.UNICODE and (unicode_safe or not _python_only(pattern, flags)):
            inline = "".join(v for k, v in _RE2_FLAGS.items() if flags & k)
            try:  # RE2 (linear time, C); lookarounds and backreferences need Python's re
                out = pc.match_substring_regex(text, f"(?{inline}){pattern}" if inline else pattern,
                                               ignore_case=ignore_case)
                hit = np.asarray(out.fill_null(False))
            except _arrow()[0].ArrowInvalid:
                pass
            else:
                unicode_only = None if unicode_safe else _unicode_classes(pattern)
                # RE2's \w, \b, \d, \s are ASCII, and its $ never matches before a final newline (Python's
                # does: "out$" finds "check it out\n"): on the rows where that matters Python's re decides,
                # as re.search would everywhere
                recheck = []
                if unicode_only is not None:
                    recheck.append(pc.match_substring_regex(text, unicode_only))
                if not unicode_safe and "$" in pattern:
                    recheck.append(pc.ends_with(text, "\n"))
                if not unicode_safe and _ignores_case(pattern, flags) and _MAY_MATCH_I.search(pattern):
                    # re.I folds "İ" and "ı" to i (and into ranges such as [a-z]); RE2 does not
                    recheck.append(pc.match_substring_regex(text, "[\u0130\u0131]"))
                if recheck:
                    mask = np.logical_or.reduce([np.asarray(m.fill_null(False)) for m in recheck])
                    other = np.flatnonzero(mask)
                    if len(other):
                        compiled = re.compile(pattern, flags)
                        hit[other] = [compiled.search(t) is not None for t in text.take(other).to_pylist()]
                return hit
        text = pd.Series(text.to_pylist(), dtype=object)
        if whole_word:
            pattern = _whole_word_python(word)
    if not regex:
        return np.asarray(text.str.contains(pattern, regex=False).fillna(False), dtype=bool)
    return np.asarray(text.str.contains(pattern, regex=True, flags=flags).fillna(False), dtype=bool)


def _contains_votes(text: Any, *, pattern: str, regex: bool, flags: int, label: int,
                    whole_word: bool = False) -> np.ndarray:
    return np.where(_match(text, pattern, regex, flags, whole_word), label, ABSTAIN).astype(np.int64)


def _at_least_words(text: Any, k: int) -> np.ndarray:
    """Rows with at least ``k`` whitespace-separated words (an anchored regex: no token lists built)."""
    if k <= 0:
        return np.ones(len(text), dtype=bool) & _present(text)
    space = r"\s" if isinstance(text, pd.Series) else _RE2_SPACE
    word = r"\S" if isinstance(text, pd.Series) else "[^" + _RE2_SPACE[1:]
    return _match(text, rf"^{space}*(?:{word}+{space}+){{{k - 1}}}{word}", True, 0, unicode_safe=True)


def _present(text: Any) -> np.ndarray:
    if isinstance(text, pd.Series):
        return text.notna().to_numpy()
    return np.asarray(text.is_valid())


def _count_votes(text: Any, *, unit: str, op: str, value: float, label: int) -> np.ndarray:
    if unit == "chars":
        lengths = (text.str.len() if isinstance(text, pd.Series) else _arrow()[1].utf8_length(text))
        lengths = pd.Series(lengths.to_pandas() if not isinstance(lengths, pd.Series) else lengths)
        counts = lengths.astype("float64").fillna(-1).to_numpy()
        hit = (counts >= 0) & _OPS[op](counts, value)
    else:  # word counts are integers: express every comparison through "at least k words"
        lo, hi = int(np.ceil(value)), int(np.floor(value)) + 1
        is_int = float(value) == int(value)
        present = _present(text)
        if op == ">=":
            hit = _at_least_words(text, lo)
        elif op == ">":
            hit = _at_least_words(text, hi)
        elif op == "<":
            hit = present & ~_at_least_words(text, lo)
        elif op == "<=":
            hit = present & ~_at_least_words(text, hi)
        elif op == "==":
            hit = _at_least_words(text, lo) & ~_at_least_words(text, lo + 1) if is_int else np.zeros(len(text), bool)
        else:
            eq = _at_least_words(text, lo) & ~_at_least_words(text, lo + 1) if is_int else np.zeros(len(text), bool)
            hit = present & ~eq
    return np.where(hit, label, ABSTAIN).astype(np.int64)


def _lookup_values(batch: Any, *, field: str | int, keys: pd.Index, labels: np.ndarray, lower: bool) -> np.ndarray:
    col = _column(batch, field)
    if lower:
        col = col.astype("str").str.lower()
    try:
        codes = keys.get_indexer(col)
    except TypeError:  # lists, dicts, sets in the column: no value to look up
        bad = next((v for v in col.tolist() if not _hashable(v)), None)
        raise ParameterTypeError(f"field {field!r} holds {type(bad).__name__} values (e.g. {bad!r}), which cannot be "
                                 "looked up; lookup_lf looks up whole values (text, numbers, ids)") from None
    return np.where(codes >= 0, labels[codes], ABSTAIN).astype(np.int64)


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _lookup_tokens(tokens: tuple[Any, np.ndarray, int], *, keys: pd.Index, labels: np.ndarray,
                   classes: np.ndarray) -> np.ndarray:
    flat, parents, n = tokens
    if isinstance(flat, pd.Index):
        codes = keys.get_indexer(flat)
    else:
        import pyarrow as pa
        import pyarrow.compute as pc

        codes = np.asarray(pc.index_in(flat, value_set=pa.array(keys.to_numpy(), type=flat.type)).fill_null(-1))
    found = codes >= 0
    token_labels, rows = labels[codes[found]], parents[found]
    votes = np.full(n, ABSTAIN, dtype=np.int64)
    n_classes_hit = np.zeros(n, dtype=np.int64)
    for c in classes:  # a row whose tokens name different classes abstains
        hit = np.bincount(rows[token_labels == c], minlength=n) > 0
        votes[hit] = c
        n_classes_hit += hit
    votes[n_classes_hit > 1] = ABSTAIN
    return votes


def _threshold_votes(batch: Any, *, field: str | int, op: str, value: Any, label: int) -> np.ndarray:
    col = _column(batch, field)
    values = col.to_numpy()
    try:
        if values.dtype == object or col.dtype == "str":
            hit = _series_compare(col, op, value)
        else:
            try:
                with np.errstate(invalid="ignore"):
                    hit = np.asarray(_OPS[op](values, value), dtype=bool)
            except TypeError:  # pandas' own rules: a datetime column against "2020-06-01", a Timestamp
                hit = _series_compare(col, op, value)
    except TypeError as exc:  # numpy's UFuncTypeError is one too
        raise ParameterTypeError(f"cannot compare field {field!r} (dtype {col.dtype}) with {value!r} "
                                 f"({type(value).__name__}) by {op!r}: {exc}") from None
    hit = hit & np.asarray(col.notna(), dtype=bool)  # a missing value abstains, also for != (NaN != 1 is True)
    return np.where(hit, label, ABSTAIN).astype(np.int64)


def _series_compare(col: pd.Series, op: str, value: Any) -> np.ndarray:
    out = _OPS[op](col, value)
    return np.asarray(out.fillna(False) if out.hasnans else out, dtype=bool)


def _model_votes(batch: Any, *, model: Any, label_map: dict[Any, int], field: str | int | None,
                 featurizer: Callable[[Any], Any] | None, threshold: float) -> np.ndarray:
    n = len(batch)
    present = None
    if field is not None:  # rows with a missing field abstain; the model never sees them (text models reject NaN)
        X = _column(batch, field)
        mask = X.notna().to_numpy()
        if not mask.all():
            present, X = mask, X[mask]
    else:
        X = featurizer(batch) if featurizer is not None else batch
    m = n if present is None else int(present.sum())
    if m == 0:
        return np.full(n, ABSTAIN, dtype=np.int64)
    proba = model.predict_proba(X) if hasattr(model, "predict_proba") else model(X)
    proba = np.asarray(proba, dtype=np.float64)
    if proba.ndim == 1:  # a callable scoring P(class 1)
        proba = np.column_stack([1.0 - proba, proba])
    if proba.ndim != 2 or proba.shape[0] != m:
        raise ParameterError(f"the model returned probabilities of shape {proba.shape} for {m} rows; expected ({m}, k)")
    classes = np.asarray(getattr(model, "classes_", np.arange(proba.shape[1])))
    if len(classes) != proba.shape[1]:
        raise ParameterError(f"model has {len(classes)} classes_ but returned {proba.shape[1]} probability columns")
    lookup = np.array([label_map.get(c.item() if hasattr(c, "item") else c, ABSTAIN) for c in classes], dtype=np.int64)
    best = proba.argmax(axis=1)
    confident = proba[np.arange(m), best] >= threshold
    votes = np.where(confident, lookup[best], ABSTAIN).astype(np.int64)
    if present is None:
        return votes
    out = np.full(n, ABSTAIN, dtype=np.int64)
    out[present] = votes
    return out


# templates --------------------------------------------------------------------------------------
