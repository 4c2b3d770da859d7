"""LF templates: keyword, regex, lookup, threshold, length and model LFs, vectorized by construction.

Every template returns a :class:`~weaksup.labeling.lf.LabelingFunction` with
``vectorized=True`` that runs once per batch on whole columns. Text templates read the
field through shared, memoized preprocessors (one per field and case option, kept in a
module-level registry), so fifty keyword LFs over ``text`` convert and lowercase the
column once per batch, not fifty times. With pyarrow installed (pandas' default string
storage) matching runs in Arrow's C kernels; regexes that RE2 cannot compile fall back
to Python's :mod:`re`.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from weaksup.errors import MissingFieldError, ParameterError, ParameterTypeError
from weaksup.labeling.lf import LabelingFunction
from weaksup.labeling.preprocessor import Preprocessor
from weaksup.matrix import ABSTAIN

_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq, "!=": operator.ne,
}
_OP_NAMES = {"<": "lt", "<=": "le", ">": "gt", ">=": "ge", "==": "eq", "!=": "ne"}


# shared views of a field ------------------------------------------------------------------------
class FieldView(Preprocessor):
    """A memoized vectorized preprocessor that turns one field of a batch into a string Series.

    Instances live in a registry keyed by ``(field, kind)`` (kind ``"raw"``, ``"lower"`` or
    ``"tokens"``) and pickle as a registry lookup, so every LF built on the same field and
    case option holds the same object, in this process and in worker processes; the
    applier's per-batch cache is keyed by preprocessor identity, hence computed once.

    Examples
    --------
    >>> field_view("text", "lower") is field_view("text", "lower")
    True
    """

    def __init__(self, field: str | int, kind: str) -> None:
        f = {"raw": _raw_text, "lower": _lower_text, "tokens": _tokens}[kind]
        super().__init__(f"{kind}({field})", f, memoize=True, vectorized=True,
                         resources={"field": field} if kind == "raw" else None)
        self.field, self.kind = field, kind

    def __reduce__(self) -> tuple[Any, ...]:
        return (field_view, (self.field, self.kind))


_VIEWS: dict[tuple[Any, str], FieldView] = {}


def field_view(field: str | int, kind: str = "raw") -> FieldView:
    """The shared :class:`FieldView` of ``field`` (created on first use).

    Examples
    --------
    >>> field_view("text").name
    'raw(text)'
    """
    key = (field, kind)
    view = _VIEWS.get(key)
    if view is None:
        view = _VIEWS[key] = FieldView(field, kind)
    return view


def _pre_chain(field: str | int, case_sensitive: bool, tokens: bool = False) -> list[Preprocessor]:
    chain: list[Preprocessor] = [field_view(field, "raw")]
    if not case_sensitive:
        chain.append(field_view(field, "lower"))
    if tokens:
        chain.append(field_view(field, "tokens"))
    return chain


def _column(batch: Any, field: str | int) -> pd.Series:
    if isinstance(batch, pd.DataFrame):
        try:
            return batch[field]
        except KeyError:
            raise MissingFieldError(f"no field {field!r} in the data; columns are {[str(c) for c in batch.columns][:20]}") from None
    if isinstance(batch, np.ndarray) and isinstance(field, int):
        return pd.Series(batch[:, field])
    raise MissingFieldError(f"field {field!r}: templates read DataFrame columns (or integer columns of a 2-D array)")


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


def _tokens(text: Any) -> tuple[Any, np.ndarray, int]:
    """Word tokens of every row, flattened, with the position of the row each came from."""
    if isinstance(text, pd.Series):  # pure-Python fallback
        lists = [re.findall(r"\w+", t) if isinstance(t, str) else [] for t in text]
        parents = np.repeat(np.arange(len(lists)), [len(t) for t in lists])
        return pd.Index([w for t in lists for w in t], dtype=object), parents, len(text)
    pa, pc = _arrow()
    lists = pc.split_pattern_regex(text, r"\W+")
    flat = lists.flatten()
    parents = np.asarray(lists.value_parent_indices())
    keep = np.asarray(pc.not_equal(flat, "").fill_null(False))
    return flat.filter(pa.array(keep)), parents[keep], len(text)


_RE2_FLAGS = {re.IGNORECASE: "", re.DOTALL: "s", re.MULTILINE: "m"}


def _match(text: Any, pattern: str, regex: bool, flags: int, whole_word: bool = False) -> np.ndarray:
    """Boolean mask: does ``pattern`` (literal or regex, ``re.search`` semantics) occur in each row?"""
    if whole_word:  # RE2's \b is ASCII-only; spell out Unicode word boundaries for it
        word = pattern
        pattern = rf"\b(?:{word})\b" if isinstance(text, pd.Series) else rf"(?:^|[^\pL\pN_])(?:{word})(?:[^\pL\pN_]|$)"
    if not isinstance(text, pd.Series):
        pc = _arrow()[1]
        ignore_case = bool(flags & re.IGNORECASE)
        if not regex:  # RE2 finds literals faster than Arrow's substring kernel
            pattern, regex = re.escape(pattern), True
        if not flags & ~sum(_RE2_FLAGS) & ~re.UNICODE:
            inline = "".join(v for k, v in _RE2_FLAGS.items() if flags & k)
            try:  # RE2 (linear time, C); lookarounds and backreferences need Python's re
                out = pc.match_substring_regex(text, f"(?{inline}){pattern}" if inline else pattern,
                                               ignore_case=ignore_case)
                return np.asarray(out.fill_null(False))
            except _arrow()[0].ArrowInvalid:
                pass
        text = pd.Series(text.to_pylist(), dtype=object)
        if whole_word:
            pattern = rf"\b(?:{word})\b"
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
    return _match(text, rf"^\s*(?:\S+\s+){{{k - 1}}}\S", True, 0)


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
    codes = keys.get_indexer(col)
    return np.where(codes >= 0, labels[codes], ABSTAIN).astype(np.int64)


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
    if values.dtype == object or col.dtype == "str":
        hit = np.asarray(_OPS[op](col, value).fillna(False), dtype=bool)
    else:
        with np.errstate(invalid="ignore"):
            hit = np.asarray(_OPS[op](values, value), dtype=bool)
    return np.where(hit, label, ABSTAIN).astype(np.int64)


def _model_votes(batch: Any, *, model: Any, label_map: dict[Any, int], field: str | int | None,
                 featurizer: Callable[[Any], Any] | None, threshold: float) -> np.ndarray:
    X = featurizer(batch) if featurizer is not None else (_column(batch, field) if field is not None else batch)
    proba = model.predict_proba(X) if hasattr(model, "predict_proba") else model(X)
    proba = np.asarray(proba, dtype=np.float64)
    if proba.ndim == 1:  # a callable scoring P(class 1)
        proba = np.column_stack([1.0 - proba, proba])
    n = len(batch)
    if proba.ndim != 2 or proba.shape[0] != n:
        raise ParameterError(f"the model returned probabilities of shape {proba.shape} for {n} rows; expected ({n}, k)")
    classes = np.asarray(getattr(model, "classes_", np.arange(proba.shape[1])))
    if len(classes) != proba.shape[1]:
        raise ParameterError(f"model has {len(classes)} classes_ but returned {proba.shape[1]} probability columns")
    lookup = np.array([label_map.get(c.item() if hasattr(c, "item") else c, ABSTAIN) for c in classes], dtype=np.int64)
    best = proba.argmax(axis=1) if n else np.zeros(0, dtype=np.int64)
    confident = proba[np.arange(n), best] >= threshold if n else np.zeros(0, dtype=bool)
    return np.where(confident, lookup[best], ABSTAIN).astype(np.int64)


# templates --------------------------------------------------------------------------------------
def _slug(text: str, limit: int = 40) -> str:
    return re.sub(r"\W+", "_", text).strip("_")[:limit] or "x"


def _check_label(label: Any, what: str) -> int:
    if isinstance(label, (bool, np.bool_)) or not isinstance(label, (int, np.integer)) or label < 0:
        raise ParameterError(f"{what}: label must be a class id >= 0, got {label!r}")
    return int(label)


def _check_field(field: Any, what: str) -> None:
    if not isinstance(field, (str, int)) or isinstance(field, bool):
        raise ParameterTypeError(f"{what}: field must be a column name (str) or position (int), got {field!r}")


def keyword_lf(
    keywords: str | Iterable[str],
    label: int,
    field: str = "text",
    case_sensitive: bool = False,
    whole_word: bool = False,
    name: str | None = None,
) -> LabelingFunction:
    """Vote ``label`` when the field contains any of ``keywords``, else abstain.

    Parameters
    ----------
    keywords : str or iterable of str
        Literal strings (not regexes).
    label : int
        Class to vote.
    field : str
        Text column to search.
    case_sensitive : bool
        Match case exactly; otherwise text and keywords are lowercased (once per batch,
        shared by every case-insensitive template on ``field``).
    whole_word : bool
        Only match whole words (``\\b`` boundaries), so ``"my"`` does not fire on ``"enemy"``.
    name : str, optional
        Defaults to ``keyword_<keywords>``.

    Examples
    --------
    >>> import pandas as pd
    >>> from weaksup import LFApplier
    >>> lf = keyword_lf(["please", "plz"], label=1)
    >>> df = pd.DataFrame({"text": ["Please subscribe", "nice song", "plz"]})
    >>> LFApplier([lf]).apply(df, progress=False).to_dense().ravel().tolist()
    [1, -1, 1]
    """
    words = [keywords] if isinstance(keywords, str) else list(keywords)
    name = name or f"keyword_{_slug('_'.join(map(str, words)))}"
    if not words or not all(isinstance(w, str) and w for w in words):
        raise ParameterError(f"keyword_lf {name!r}: keywords must be non-empty strings, got {keywords!r}")
    label = _check_label(label, f"keyword_lf {name!r}")
    _check_field(field, f"keyword_lf {name!r}")
    if not case_sensitive:
        words = [w.lower() for w in words]
    escaped = "|".join(re.escape(w) for w in sorted(set(words)))
    if whole_word:
        pattern, regex = escaped, True
    elif len(set(words)) == 1:
        pattern, regex = words[0], False
    else:
        pattern, regex = escaped, True
    return LabelingFunction(
        name, _contains_votes,
        resources={"pattern": pattern, "regex": regex, "flags": 0, "label": label, "whole_word": whole_word},
        pre=_pre_chain(field, case_sensitive), vectorized=True,
    )


def regex_lf(
    pattern: str | re.Pattern[str],
    label: int,
    field: str = "text",
    case_sensitive: bool = True,
    flags: int = 0,
    name: str | None = None,
) -> LabelingFunction:
    """Vote ``label`` when ``pattern`` matches anywhere in the field (``re.search`` semantics).

    Parameters
    ----------
    pattern : str or compiled pattern
    label : int
    field : str
    case_sensitive : bool
        ``False`` adds ``re.IGNORECASE``.
    flags : int
        :mod:`re` flags.
    name : str, optional
        Defaults to ``regex_<pattern>``.

    Examples
    --------
    >>> import pandas as pd
    >>> from weaksup import LFApplier
    >>> lf = regex_lf(r"check.*out", label=1, case_sensitive=False)
    >>> LFApplier([lf]).apply(pd.DataFrame({"text": ["Check it OUT", "out"]}), progress=False).to_dense().ravel().tolist()
    [1, -1]
    """
    if isinstance(pattern, re.Pattern):
        flags |= pattern.flags & ~re.UNICODE
        pattern = pattern.pattern
    name = name or f"regex_{_slug(str(pattern))}"
    if not isinstance(pattern, str) or not pattern:
        raise ParameterError(f"regex_lf {name!r}: pattern must be a non-empty string, got {pattern!r}")
    try:
        re.compile(pattern, flags)
    except re.error as exc:
        raise ParameterError(f"regex_lf {name!r}: invalid regular expression {pattern!r}: {exc}") from exc
    label = _check_label(label, f"regex_lf {name!r}")
    _check_field(field, f"regex_lf {name!r}")
    if not case_sensitive:
        flags |= re.IGNORECASE
    return LabelingFunction(
        name, _contains_votes, resources={"pattern": pattern, "regex": True, "flags": int(flags), "label": label},
        pre=_pre_chain(field, True), vectorized=True,
    )


def length_lf(
    field: str, op: str, value: float, label: int, unit: str = "words", name: str | None = None
) -> LabelingFunction:
    """Vote ``label`` when the number of words (or characters) of the field satisfies ``op value``.

    Examples
    --------
    >>> import pandas as pd
    >>> from weaksup import LFApplier
    >>> lf = length_lf("text", "<", 5, label=0)
    >>> LFApplier([lf]).apply(pd.DataFrame({"text": ["so cute", "one two three four five"]}),
    ...                       progress=False).to_dense().ravel().tolist()
    [0, -1]
    """
    if op not in _OPS:
        raise ParameterError(f"length_lf: op must be one of {list(_OPS)}, got {op!r}")
    if unit not in ("words", "chars"):
        raise ParameterError(f"length_lf: unit must be 'words' or 'chars', got {unit!r}")
    _check_field(field, "length_lf")
    name = name or f"{_slug(str(field))}_{unit}_{_OP_NAMES[op]}_{_slug(str(value))}"
    label = _check_label(label, f"length_lf {name!r}")
    return LabelingFunction(name, _count_votes, resources={"unit": unit, "op": op, "value": value, "label": label},
                            pre=_pre_chain(field, True), vectorized=True)


def lookup_lf(
    mapping_or_set: Mapping[Any, int] | Iterable[Any],
    label: int | None = None,
    field: str = "text",
    case_sensitive: bool = True,
    match: str = "value",
    name: str | None = None,
) -> LabelingFunction:
    """Distant supervision from a dictionary or gazetteer, built once into a hash index.

    Parameters
    ----------
    mapping_or_set : dict value -> label, or a set/list of values
        With a set, every member votes ``label``.
    label : int, optional
        Required with a set; not allowed with a dict.
    field : str
    case_sensitive : bool
        ``False`` lowercases keys and field values.
    match : {"value", "token"}
        ``"value"``: the whole field value is looked up (an author, a domain, an id).
        ``"token"``: every word token of the text is looked up; a row votes the class its
        tokens name, and abstains if they name different classes.
    name : str, optional

    Examples
    --------
    >>> import pandas as pd
    >>> from weaksup import LFApplier
    >>> lf = lookup_lf({"spammer1": 1, "alice": 0}, field="author")
    >>> df = pd.DataFrame({"author": ["alice", "bob", "spammer1"]})
    >>> LFApplier([lf]).apply(df, progress=False).to_dense().ravel().tolist()
    [0, -1, 1]
    >>> cities = lookup_lf({"paris", "london"}, label=1, match="token", case_sensitive=False)
    >>> cities(pd.DataFrame({"text": ["I love Paris!", "no"]})).tolist()
    [1, -1]
    """
    name = name or f"lookup_{_slug(str(field))}"
    _check_field(field, f"lookup_lf {name!r}")
    if match not in ("value", "token"):
        raise ParameterError(f"lookup_lf {name!r}: match must be 'value' or 'token', got {match!r}")
    if isinstance(mapping_or_set, Mapping):
        if label is not None:
            raise ParameterError(f"lookup_lf {name!r}: pass label= only with a set of values; a dict maps value -> label")
        items = list(mapping_or_set.items())
    else:
        if label is None:
            raise ParameterError(f"lookup_lf {name!r}: a set of values needs label= (the class they vote)")
        items = [(v, label) for v in mapping_or_set]
    labels_by_key: dict[Any, int] = {}
    for key, lab in items:
        lab = _check_label(lab, f"lookup_lf {name!r} (key {key!r})")
        if not case_sensitive or match == "token":
            if not isinstance(key, str):
                raise ParameterTypeError(f"lookup_lf {name!r}: key {key!r} must be a string for case/token matching")
            if match == "token" and not re.fullmatch(r"\w+", key):
                raise ParameterError(f"lookup_lf {name!r}: key {key!r} is not a single word token; use match='value'")
            key = key if case_sensitive else key.lower()
        if labels_by_key.setdefault(key, lab) != lab:
            raise ParameterError(f"lookup_lf {name!r}: key {key!r} maps to both {labels_by_key[key]} and {lab}")
    if not labels_by_key:
        raise ParameterError(f"lookup_lf {name!r}: the lookup table is empty")
    keys = pd.Index(list(labels_by_key), dtype=object if match == "token" else None)
    labels = np.fromiter(labels_by_key.values(), dtype=np.int64, count=len(labels_by_key))
    if match == "token":
        return LabelingFunction(
            name, _lookup_tokens, resources={"keys": keys, "labels": labels, "classes": np.unique(labels)},
            pre=_pre_chain(field, case_sensitive, tokens=True), vectorized=True,
        )
    return LabelingFunction(name, _lookup_values, resources={"field": field, "keys": keys, "labels": labels,
                                                             "lower": not case_sensitive}, vectorized=True)


def threshold_lf(field: str, op: str, value: Any, label: int, name: str | None = None) -> LabelingFunction:
    """Vote ``label`` where ``field op value`` holds (``op`` in ``<, <=, >, >=, ==, !=``); missing values abstain.

    Examples
    --------
    >>> import pandas as pd
    >>> lf = threshold_lf("n_links", ">=", 2, label=1)
    >>> lf(pd.DataFrame({"n_links": [0, 3, None]})).tolist()
    [-1, 1, -1]
    """
    if op not in _OPS:
        raise ParameterError(f"threshold_lf: op must be one of {list(_OPS)}, got {op!r}")
    _check_field(field, "threshold_lf")
    name = name or f"{_slug(str(field))}_{_OP_NAMES[op]}_{_slug(str(value))}"
    label = _check_label(label, f"threshold_lf {name!r}")
    return LabelingFunction(name, _threshold_votes, resources={"field": field, "op": op, "value": value, "label": label},
                            vectorized=True)


def model_lf(
    model: Any,
    label_map: Mapping[Any, int] | Sequence[int],
    field: str | None = None,
    featurizer: Callable[[Any], Any] | None = None,
    threshold: float = 0.5,
    name: str | None = None,
) -> LabelingFunction:
    """Use a classifier as an LF: vote its top class (mapped by ``label_map``) when confident, else abstain.

    Parameters
    ----------
    model : object with ``predict_proba`` (scikit-learn style) or a callable
        Called once per batch on the input; a callable returns ``(n, k)`` probabilities,
        or ``(n,)`` probabilities of class 1.
    label_map : dict or sequence
        Model class (a value of ``model.classes_``, or a column position) -> weaksup label;
        unmapped classes abstain. A sequence maps column positions.
    field : str, optional
        Column passed to the model (e.g. the text for a text pipeline).
    featurizer : callable, optional
        ``featurizer(batch) -> X``; use instead of ``field``. With neither, the model gets the batch.
    threshold : float
        Minimum top-class probability to vote.
    name : str, optional

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from sklearn.linear_model import LogisticRegression
    >>> clf = LogisticRegression().fit(np.array([[0.0], [1.0], [2.0], [3.0]]), ["ham", "ham", "spam", "spam"])
    >>> lf = model_lf(clf, {"ham": 0, "spam": 1}, featurizer=lambda df: df[["x"]].to_numpy(), threshold=0.6)
    >>> lf(pd.DataFrame({"x": [0.0, 1.5, 3.0]})).tolist()
    [0, -1, 1]
    """
    if field is not None and featurizer is not None:
        raise ParameterError("model_lf: pass field= or featurizer=, not both")
    if not (hasattr(model, "predict_proba") or callable(model)):
        raise ParameterTypeError(f"model_lf: model must have predict_proba or be callable, got {type(model).__name__}")
    if featurizer is not None and not callable(featurizer):
        raise ParameterTypeError("model_lf: featurizer must be callable")
    name = name or f"model_{_slug(type(model).__name__ if hasattr(model, 'predict_proba') else getattr(model, '__name__', 'fn'))}"
    mapping = dict(label_map) if isinstance(label_map, Mapping) else dict(enumerate(label_map))
    for cls, lab in mapping.items():
        if lab != ABSTAIN:
            _check_label(lab, f"model_lf {name!r} (class {cls!r})")
    if not 0.0 <= float(threshold) <= 1.0:
        raise ParameterError(f"model_lf {name!r}: threshold must be in [0, 1], got {threshold}")
    return LabelingFunction(
        name, _model_votes,
        resources={"model": model, "label_map": mapping, "field": field, "featurizer": featurizer,
                   "threshold": float(threshold)},
        vectorized=True,
    )
