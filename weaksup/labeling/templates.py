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

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from weaksup._votes import ABSTAIN
from weaksup.errors import ParameterError, ParameterTypeError
from weaksup.labeling._kernels import (
    _OP_NAMES,
    _OPS,
    _contains_votes,
    _count_votes,
    _lookup_tokens,
    _lookup_values,
    _lower_key,
    _lower_text,
    _model_votes,
    _raw_text,
    _threshold_votes,
    _tokens,
)
from weaksup.labeling.lf import LabelingFunction
from weaksup.labeling.preprocessor import Preprocessor


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


def _slug(text: str, limit: int = 40) -> str:
    return re.sub(r"\W+", "_", text).strip("_")[:limit] or "x"


def _stable(values: list[Any]) -> list[Any]:
    """``values`` in an order that is the same in every process (a set's is not)."""
    try:
        return sorted(values, key=lambda v: (type(v).__name__, v))
    except TypeError:  # values that do not compare: their reprs do
        return sorted(values, key=repr)


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
        Only match whole words: no letter, digit or underscore (in any script) right before or
        after the keyword, so ``"my"`` does not fire on ``"enemy"`` and ``"c++"`` fires on
        ``"I love C++!"``; the same with or without pyarrow.
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
    if not isinstance(keywords, str) and not isinstance(keywords, Iterable):  # keyword_lf(5, ...): name it
        raise ParameterTypeError(f"keyword_lf{'' if name is None else ' ' + repr(name)}: keywords must be a string or "
                                 f"a list of strings, got "
                                 f"{type(keywords).__name__} {keywords!r}")
    words = [keywords] if isinstance(keywords, str) else list(keywords)
    if isinstance(keywords, (set, frozenset)):  # a set's order changes from process to process; the name must not
        words = _stable(words)
    name = name or f"keyword_{_slug('_'.join(map(str, words)))}"
    if not words or not all(isinstance(w, str) and w for w in words):
        raise ParameterError(f"keyword_lf {name!r}: keywords must be non-empty strings, got {keywords!r}")
    label = _check_label(label, f"keyword_lf {name!r}")
    _check_field(field, f"keyword_lf {name!r}")
    if not case_sensitive:
        words = [_lower_key(w) for w in words]  # as the text is lowered
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

    ``\\w``, ``\\b``, ``\\d`` and ``\\s`` are Unicode-aware, as in Python's :mod:`re` (``r"\\bcafé\\b"``
    fires on ``"naïve café"``), also where RE2 runs the pattern.

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
    if isinstance(flags, (bool, np.bool_)) or not isinstance(flags, (int, np.integer)):
        raise ParameterTypeError(f"regex_lf: flags must be re flags (an int such as re.IGNORECASE | re.MULTILINE), "
                                 f"got {type(flags).__name__} {flags!r}")
    flags = int(flags)
    if isinstance(pattern, re.Pattern):
        flags |= pattern.flags & ~re.UNICODE
        pattern = pattern.pattern
    name = name or f"regex_{_slug(str(pattern))}"
    if not isinstance(pattern, str) or not pattern:
        raise ParameterError(f"regex_lf {name!r}: pattern must be a non-empty string, got {pattern!r}")
    try:
        re.compile(pattern, flags)
    except (re.error, ValueError) as exc:  # ValueError: flags a str pattern cannot take (re.LOCALE)
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
    if (isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating))
            or not np.isfinite(value)):  # "5" or NaN would fail only once the LF runs, on every batch
        raise ParameterError(f"length_lf: value must be a finite number of {unit}, got {value!r}")
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
        # a set's order changes from process to process: sorted, the LF's fingerprint (and cache) is stable
        values = _stable(list(mapping_or_set)) if isinstance(mapping_or_set, (set, frozenset)) else mapping_or_set
        if isinstance(values, str):  # one value, as keyword_lf takes one keyword: not its characters
            values = [values]
        items = [(v, label) for v in values]
    labels_by_key: dict[Any, int] = {}
    for key, lab in items:
        lab = _check_label(lab, f"lookup_lf {name!r} (key {key!r})")
        try:
            hash(key)
        except TypeError:
            raise ParameterTypeError(f"lookup_lf {name!r}: key {key!r} is a {type(key).__name__}, which cannot be "
                                     "looked up; use text, numbers or tuples") from None
        if not case_sensitive or match == "token":
            if not isinstance(key, str):
                raise ParameterTypeError(f"lookup_lf {name!r}: key {key!r} must be a string for case/token matching")
            if match == "token" and not re.fullmatch(r"\w+", key):
                raise ParameterError(f"lookup_lf {name!r}: key {key!r} is not a single word token; use match='value'")
            key = key if case_sensitive else _lower_key(key)
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
    if np.ndim(value) != 0:  # a list would be compared element by element, with the batch's rows by position
        raise ParameterTypeError(f"threshold_lf: value must be one value (a number, text, date), got "
                                 f"{type(value).__name__} {value!r}")
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
        Column passed to the model (e.g. the text for a text pipeline). Rows where it is
        missing abstain and are not passed to the model.
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
    if isinstance(label_map, str) or not isinstance(label_map, (Mapping, Iterable)):
        raise ParameterTypeError(f"model_lf {name!r}: label_map must map model classes to labels (a dict, or a list "
                                 f"by column position), got {type(label_map).__name__} {label_map!r}")
    mapping = dict(label_map) if isinstance(label_map, Mapping) else dict(enumerate(label_map))
    for cls, lab in mapping.items():
        if lab != ABSTAIN:
            _check_label(lab, f"model_lf {name!r} (class {cls!r})")
    if isinstance(threshold, (bool, np.bool_)) or not isinstance(threshold, (int, float, np.integer, np.floating)) \
            or not 0.0 <= float(threshold) <= 1.0:
        raise ParameterError(f"model_lf {name!r}: threshold must be in [0, 1], got {threshold}")
    return LabelingFunction(
        name, _model_votes,
        resources={"model": model, "label_map": mapping, "field": field, "featurizer": featurizer,
                   "threshold": float(threshold)},
        vectorized=True,
    )
