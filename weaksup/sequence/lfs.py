"""Span labeling functions: heuristics that tag typed spans ``(start, end, type)`` in a tokenized document.

Every LF is called on a :class:`~weaksup.sequence.spans.Document` and returns a list of spans
(end exclusive); a span LF that tags nothing returns ``[]`` (there is no separate abstain).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from weaksup.errors import LabelingFunctionError, ParameterTypeError
from weaksup.sequence.spans import Document, Span, SpanError, as_document, check_spans, resolve_overlaps


class SpanLabelingFunction:
    """A function over a tokenized document that returns typed spans.

    Parameters
    ----------
    name : str
        Unique name; it becomes the LF's column in the span label matrix.
    f : callable
        ``f(doc: Document) -> iterable of (start, end, type)`` over token indices, end exclusive.
        Overlapping spans from one LF are settled longest-first (``resolve_overlaps``).

    Examples
    --------
    >>> caps = SpanLabelingFunction("caps", lambda d: [(i, i + 1, "ORG") for i, t in enumerate(d.tokens) if t.isupper()])
    >>> caps(Document.from_tokens(["IBM", "and", "NASA"]))
    [(0, 1, 'ORG'), (2, 3, 'ORG')]
    """

    def __init__(self, name: str, f: Callable[[Document], Iterable[Span]] | None = None) -> None:
        if not isinstance(name, str) or not name:
            raise SpanError(f"a span labeling function needs a non-empty string name, got {name!r}")
        self.name = name
        self._f = f

    def spans(self, doc: Document) -> Iterable[Span]:
        """The raw spans (subclasses override this)."""
        if self._f is None:
            raise NotImplementedError
        return self._f(doc)

    def __call__(self, doc: Any, types: Sequence[str] | None = None) -> list[Span]:
        """Spans on one document: a :class:`Document`, a string (tokenized), a token list or a spaCy Doc."""
        doc = as_document(doc)
        try:
            raw = self.spans(doc)
        except SpanError:
            raise
        except Exception as exc:
            raise LabelingFunctionError(self.name, doc.doc_id, f"{type(exc).__name__}: {exc}", exc) from exc
        spans = check_spans(raw, len(doc), types, who=self.name, doc=doc.doc_id, allow_overlap=True)
        return resolve_overlaps(spans)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r})"


def span_labeling_function(name: str | None = None) -> Callable[[Callable[[Document], Iterable[Span]]], SpanLabelingFunction]:
    """Decorator: a function over a :class:`Document` (its ``tokens``, ``text``) becomes a span LF.

    Examples
    --------
    >>> @span_labeling_function()
    ... def money(doc):
    ...     return [(i, i + 2, "MONEY") for i in range(len(doc) - 1) if doc.tokens[i] == "$"]
    >>> money(["costs", "$", "5"])
    [(1, 3, 'MONEY')]
    """
    if callable(name):
        raise ParameterTypeError("use @span_labeling_function() with parentheses")

    def wrap(f: Callable[[Document], Iterable[Span]]) -> SpanLabelingFunction:
        return SpanLabelingFunction(name or f.__name__, f)

    return wrap


class RegexSpanLF(SpanLabelingFunction):
    """A regular expression over the document's text; each match tags the tokens it touches.

    Parameters
    ----------
    name, pattern, label : str
        LF name, regex, and the entity type of its matches (or of the named ``group``).
    flags : int
        ``re`` flags (``re.IGNORECASE`` ...).
    group : int or str
        The match group whose character range becomes the span (0 = whole match).

    Examples
    --------
    >>> lf = RegexSpanLF("year", r"\\b(19|20)\\d\\d\\b", "DATE")
    >>> lf(Document.from_text("Born in 1915 , died 2002 ."))
    [(2, 3, 'DATE'), (5, 6, 'DATE')]
    """

    def __init__(self, name: str, pattern: str, label: str, flags: int = 0, group: int | str = 0) -> None:
        super().__init__(name)
        try:
            self.regex = re.compile(pattern, flags)
        except (re.error, TypeError, ValueError) as exc:  # ValueError: flags with a compiled pattern
            raise SpanError(f"{name!r}: invalid regular expression {pattern!r}: {exc}") from exc
        self.label, self.group = label, group

    def spans(self, doc: Document) -> list[Span]:
        out = []
        for m in self.regex.finditer(doc.text):
            a, b = m.span(self.group)
            if a < b and (r := doc.char_to_tokens(a, b)) is not None:
                out.append((r[0], r[1], self.label))
        return out


class GazetteerSpanLF(SpanLabelingFunction):
    """A lexicon of (multi-token) entries in a token trie; longest match first.

    Parameters
    ----------
    name : str
    entries : mapping type -> iterable of entries
        Each entry is a string (split on whitespace into tokens) or a sequence of tokens.
    case : {"insensitive", "sensitive", "smart"}
        ``"smart"``: an entry written all in lower case matches any case, others match exactly
        (so ``"apple"`` matches ``Apple``, but ``"US"`` does not match ``us``).
    longest_match : bool
        Prefer the longest entry starting at a token (else the shortest).

    Examples
    --------
    >>> lf = GazetteerSpanLF("cities", {"LOC": ["new york", "York"]}, case="smart")
    >>> lf(["I", "love", "New", "York", "and", "york"])
    [(2, 4, 'LOC')]
    """

    _END = "\x00"

    def __init__(
        self, name: str, entries: Mapping[str, Iterable[str | Sequence[str]]], case: str = "insensitive",
        longest_match: bool = True,
    ) -> None:
        super().__init__(name)
        if case not in ("insensitive", "sensitive", "smart"):
            raise SpanError(f"{name!r}: case must be 'insensitive', 'sensitive' or 'smart', got {case!r}")
        self.case, self.longest_match = case, longest_match
        if not isinstance(entries, Mapping):
            raise SpanError(f"{name!r}: entries must be a mapping of entity type -> list of entries, "
                            f"got {type(entries).__name__}; e.g. {{'LOC': ['paris', 'new york']}}")
        self.trie: dict[str, Any] = {}
        self.n_entries = 0
        for label, items in entries.items():
            if isinstance(items, (str, bytes)):  # else each character would be an entry
                raise SpanError(f"{name!r}: the entries of type {label!r} must be a list, got the string "
                                f"{items!r}; write [{items!r}]")
            for item in items:
                toks = item.split() if isinstance(item, str) else (
                    list(item) if isinstance(item, Iterable) and not isinstance(item, bytes) else None)
                if toks is None or not all(isinstance(t, str) for t in toks):  # NaN from a pandas column, 5, None
                    raise SpanError(f"{name!r}: entry {item!r:.60} of type {label!r} is not a string or a list of "
                                    "token strings (a missing value? drop it first, e.g. df[col].dropna())")
                if not toks:
                    continue
                loose = case == "insensitive" or (case == "smart" and all(t == t.lower() for t in toks))
                key = [t.lower() for t in toks] if loose else list(toks)
                # loose entries live under lower-cased keys, exact ones under their own text
                node = self.trie.setdefault("lower" if loose else "exact", {})
                for t in key:
                    node = node.setdefault(t, {})
                node[self._END] = label
                self.n_entries += 1

    def spans(self, doc: Document) -> list[Span]:
        toks, low = doc.tokens, [t.lower() for t in doc.tokens]
        out = []
        for i in range(len(toks)):
            for kind, seq in (("lower", low), ("exact", toks)):
                node, j = self.trie.get(kind), i
                while node is not None:
                    if self._END in node:
                        out.append((i, j, node[self._END]))
                        if not self.longest_match:
                            break
                    node = node.get(seq[j]) if j < len(seq) else None
                    j += 1
        if not self.longest_match:  # shortest first at each start
            return _shortest_first(out)
        return out


def _shortest_first(spans: list[Span]) -> list[Span]:
    taken, end = [], -1
    for s, e, t in sorted(set(spans)):  # fully sorted: a tie never depends on set (hash) order
        if s >= end:
            taken.append((s, e, t))
            end = e
    return taken


class TokenPatternLF(SpanLabelingFunction):
    """A token-pattern rule (like spaCy's Matcher): a list of per-token conditions.

    Each element of ``pattern`` is a dict of conditions on one token, all of which must hold:
    ``"text"``, ``"lower"`` (equal), ``"in"`` / ``"lower_in"`` (a set), ``"regex"`` (full match),
    ``"is_title"``, ``"is_upper"``, ``"is_digit"``, ``"is_alpha"`` (bools), or ``"pred"`` (a callable on
    the token text); and optionally ``"op"``: ``"?"`` (0 or 1), ``"+"`` (1 or more), ``"*"`` (0 or more).
    Matches are greedy and the longest match at each start wins.

    Examples
    --------
    >>> title = TokenPatternLF("title_name", [{"lower_in": {"dr", "mr"}}, {"text": ".", "op": "?"},
    ...                                        {"is_title": True, "op": "+"}], "PER")
    >>> title(["Dr", ".", "Ada", "Lovelace", "spoke"])
    [(0, 4, 'PER')]
    """

    _KEYS = {"text", "lower", "in", "lower_in", "regex", "is_title", "is_upper", "is_digit", "is_alpha", "pred", "op"}

    def __init__(self, name: str, pattern: Sequence[Mapping[str, Any]], label: str) -> None:
        super().__init__(name)
        if not pattern:
            raise SpanError(f"{name!r}: the pattern is empty")
        for el in pattern:
            if not isinstance(el, Mapping):
                hint = f"; e.g. {{'text': {el!r}}}" if isinstance(el, str) else ""
                raise SpanError(f"{name!r}: each pattern element is a dict of conditions on one token, got {el!r}{hint}")
            bad = set(el) - self._KEYS
            if bad:
                raise SpanError(f"{name!r}: unknown pattern keys {sorted(bad)}; allowed: {sorted(self._KEYS)}")
            if el.get("op", "1") not in ("1", "?", "+", "*"):
                raise SpanError(f"{name!r}: op must be '?', '+' or '*', got {el['op']!r}")
        try:
            self.pattern = [dict(el, regex=re.compile(el["regex"])) if "regex" in el else dict(el) for el in pattern]
        except (re.error, TypeError) as exc:
            raise SpanError(f"{name!r}: invalid regular expression in the pattern: {exc}") from exc
        self.label = label

    @staticmethod
    def _ok(el: Mapping[str, Any], tok: str) -> bool:
        checks = {
            "text": lambda v: tok == v, "lower": lambda v: tok.lower() == v, "in": lambda v: tok in v,
            "lower_in": lambda v: tok.lower() in v, "regex": lambda v: v.fullmatch(tok) is not None,
            "is_title": lambda v: tok.istitle() == v, "is_upper": lambda v: tok.isupper() == v,
            "is_digit": lambda v: tok.isdigit() == v, "is_alpha": lambda v: tok.isalpha() == v,
            "pred": lambda v: bool(v(tok)),
        }
        return all(checks[k](v) for k, v in el.items() if k != "op")

    def _match(self, toks: Sequence[str], i: int, p: int, memo: dict[tuple[int, int], int]) -> int:
        """Longest end of a match of pattern[p:] starting at token i, or -1.

        ``memo`` holds the answer per ``(i, p)`` for one document: without it, backtracking over several
        ``*`` / ``+`` elements takes time exponential in their number.
        """
        if p == len(self.pattern):
            return i
        key = (i, p)
        if key in memo:
            return memo[key]
        el = self.pattern[p]
        op = el.get("op", "1")
        n = 0
        while i + n < len(toks) and self._ok(el, toks[i + n]) and (op in "+*" or n < 1):
            n += 1
        lo = 1 if op in "1+" else 0
        memo[key] = -1
        for k in range(n, lo - 1, -1):  # greedy, backtracking
            end = self._match(toks, i + k, p + 1, memo)
            if end >= 0:
                memo[key] = end
                break
        return memo[key]

    def spans(self, doc: Document) -> list[Span]:
        out: list[Span] = []
        memo: dict[tuple[int, int], int] = {}
        for i in range(len(doc)):
            end = self._match(doc.tokens, i, 0, memo)
            if end > i:
                out.append((i, end, self.label))
        return out


class ModelSpanLF(SpanLabelingFunction):
    """Any model as an LF: a callable from tokens (or the Document) to spans.

    Parameters
    ----------
    model : callable
        ``model(tokens) -> iterable of (start, end, type)``; with ``takes_doc=True`` it gets the Document.
    label_map : mapping, optional
        Renames the model's types (``{"PERSON": "PER"}``); types not in it are dropped when ``drop_unmapped``.

    Examples
    --------
    >>> tagger = lambda toks: [(i, i + 1, "PERSON") for i, t in enumerate(toks) if t == "Ada"]
    >>> ModelSpanLF("ner", tagger, label_map={"PERSON": "PER"})(["Ada", "wrote"])
    [(0, 1, 'PER')]
    """

    def __init__(
        self, name: str, model: Callable[..., Iterable[Span]], label_map: Mapping[str, str] | None = None,
        takes_doc: bool = False, drop_unmapped: bool = True,
    ) -> None:
        super().__init__(name)
        self.model, self.label_map, self.takes_doc, self.drop_unmapped = model, label_map, takes_doc, drop_unmapped

    def spans(self, doc: Document) -> list[Span]:
        raw = self.model(doc if self.takes_doc else doc.tokens)
        if self.label_map is None:
            return list(raw)
        out = []
        for s, e, t in raw:
            if t in self.label_map:
                out.append((s, e, self.label_map[t]))
            elif not self.drop_unmapped:
                out.append((s, e, t))
        return out


class DocumentContextLF(SpanLabelingFunction):
    """Spans from document-level context: a surface form another LF tagged once labels its other mentions.

    Parameters
    ----------
    source : SpanLabelingFunction or sequence of them
        LFs whose spans are the seeds.
    later_only : bool
        Tag only mentions after the first seed (a name seen once as PERSON labels later mentions).
    case_sensitive : bool
    last_token : bool
        Also let the seed's last token alone match (``Lovelace`` after ``Ada Lovelace``).

    Examples
    --------
    >>> seed = GazetteerSpanLF("names", {"PER": ["Ada Lovelace"]})
    >>> ctx = DocumentContextLF("names_ctx", seed, last_token=True)
    >>> ctx(["Ada", "Lovelace", "met", "Babbage", ".", "Lovelace", "wrote"])
    [(5, 6, 'PER')]
    """

    def __init__(
        self, name: str, source: SpanLabelingFunction | Sequence[SpanLabelingFunction], later_only: bool = True,
        case_sensitive: bool = True, last_token: bool = False,
    ) -> None:
        super().__init__(name)
        self.sources = [source] if isinstance(source, SpanLabelingFunction) else list(source)
        self.later_only, self.case_sensitive, self.last_token = later_only, case_sensitive, last_token

    def spans(self, doc: Document) -> list[Span]:
        norm = (lambda t: t) if self.case_sensitive else str.lower
        toks = [norm(t) for t in doc.tokens]
        seeds = sorted({sp for lf in self.sources for sp in lf(doc)})
        forms: dict[tuple[str, ...], tuple[int, str]] = {}  # surface form -> (first end, type)
        for s, e, t in seeds:
            keys = [tuple(toks[s:e])] + ([(toks[e - 1],)] if self.last_token and e - s > 1 else [])
            for k in keys:
                forms.setdefault(k, (e, t))
        seed_set = {(s, e) for s, e, _ in seeds}
        out = []
        for form, (first_end, t) in forms.items():
            n = len(form)
            for i in range(len(toks) - n + 1):
                if tuple(toks[i : i + n]) == form and (i, i + n) not in seed_set:
                    if not self.later_only or i >= first_end:
                        if not any(s <= i and i + n <= e for s, e in seed_set):  # not inside a seed
                            out.append((i, i + n, t))
        return out
