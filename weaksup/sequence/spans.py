"""Spans, tags and tokenization: the vocabulary every sequence-labeling stage shares.

A span is ``(start, end, type)`` over token indices, ``end`` exclusive (as in WRENCH and spaCy).
Tag schemes: ``"IO"`` (``O`` and one tag per type) and ``"BIO"`` (``O``, then ``B-t`` and ``I-t``
for each type, in the order of ``types``).
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from weaksup.errors import WeaksupError

Span = tuple[int, int, str]
SCHEMES = ("IO", "BIO")
_PLAIN_TOKEN = re.compile(r"\w+(?:[-']\w+)*|[^\w\s]", re.UNICODE)


class SpanError(WeaksupError, ValueError):
    """A span is malformed (bounds, type, overlap) or a tag sequence cannot be read."""


def tag_names(types: Sequence[str], scheme: str = "BIO") -> list[str]:
    """The tag names of ``scheme`` over ``types``; index 0 is always ``"O"``.

    Examples
    --------
    >>> tag_names(["PER", "LOC"], "BIO")
    ['O', 'B-PER', 'I-PER', 'B-LOC', 'I-LOC']
    >>> tag_names(["PER"], "IO")
    ['O', 'PER']
    """
    if scheme not in SCHEMES:
        raise SpanError(f"unknown tag scheme {scheme!r}; use one of {SCHEMES}")
    types = check_types(types)
    if scheme == "IO":
        return ["O", *types]
    return ["O"] + [f"{p}-{t}" for t in types for p in ("B", "I")]


def spans_to_tags(spans: Iterable[Span], n_tokens: int, types: Sequence[str], scheme: str = "BIO") -> np.ndarray:
    """Tag indices (into :func:`tag_names`) for one sentence; later spans overwrite earlier ones.

    Examples
    --------
    >>> spans_to_tags([(0, 2, "PER")], 3, ["PER"]).tolist()
    [1, 2, 0]
    """
    if scheme not in SCHEMES:
        raise SpanError(f"unknown tag scheme {scheme!r}; use one of {SCHEMES}")
    index = {t: i for i, t in enumerate(types)}
    tags = np.zeros(n_tokens, dtype=np.int16)
    for sp in spans:
        try:
            s, e, t = sp
        except (TypeError, ValueError):
            raise SpanError(f"{sp!r} is not a (start, end, type) span") from None
        if not (_is_int(s) and _is_int(e)):  # 0.0 would be a bare numpy IndexError
            raise SpanError(f"span {sp!r} needs integer token bounds")
        k = index.get(t)
        if k is None:
            raise SpanError(f"span {(s, e, t)!r} has type {t!r}, not one of {list(types)}")
        if not 0 <= s < e <= n_tokens:  # numpy would clip it to the sentence, silently
            raise SpanError(f"span {(s, e, t)!r} is out of bounds for {n_tokens} tokens "
                            "(need 0 <= start < end <= n_tokens, end exclusive)")
        if scheme == "IO":
            tags[s:e] = k + 1
        else:
            tags[s] = 2 * k + 1
            tags[s + 1 : e] = 2 * k + 2
    return tags


def tags_to_spans(tags: Sequence[int] | np.ndarray, types: Sequence[str], scheme: str = "BIO") -> list[Span]:
    """Spans from tag indices. IO: maximal runs of one type. BIO: strict IOB2 (a stray ``I-t`` starts no span).

    Examples
    --------
    >>> tags_to_spans([1, 2, 0, 2, 1], ["PER"])
    [(0, 2, 'PER'), (4, 5, 'PER')]
    >>> tags_to_spans([1, 1, 0], ["PER"], "IO")
    [(0, 2, 'PER')]
    """
    if scheme not in SCHEMES:
        raise SpanError(f"unknown tag scheme {scheme!r}; use one of {SCHEMES}")
    n_tags = 1 + len(types) * (1 if scheme == "IO" else 2)
    tags = np.asarray(tags)
    if tags.ndim != 1 or (tags.size and (tags.dtype.kind not in "iu" or tags.min() < 0 or tags.max() >= n_tags)):
        bad = tags.ravel()[0] if tags.ndim != 1 or tags.dtype.kind not in "iu" else \
            tags[(tags < 0) | (tags >= n_tags)][0]
        raise SpanError(f"tags must be one integer tag index per token, 0..{n_tags - 1} for {list(types)} under "
                        f"{scheme!r}; got {bad.item() if isinstance(bad, np.generic) else bad!r} (shape {tags.shape})")
    out: list[Span] = []
    i, n = 0, len(tags)
    while i < n:
        t = int(tags[i])
        if t == 0 or (scheme == "BIO" and t % 2 == 0):
            i += 1
            continue
        k = t - 1 if scheme == "IO" else (t - 1) // 2
        inside = t if scheme == "IO" else t + 1
        j = i + 1
        while j < n and int(tags[j]) == inside:
            j += 1
        out.append((i, j, types[k]))
        i = j
    return out


def _is_int(x: Any) -> bool:
    """An integer token bound (a bool is not one)."""
    return isinstance(x, (int, np.integer)) and not isinstance(x, (bool, np.bool_))


def check_spans(
    spans: Any, n_tokens: int, types: Sequence[str] | None, *, who: str, doc: Any, allow_overlap: bool = False
) -> list[Span]:
    """Validate one LF's spans on one document; return them as sorted ``(int, int, str)`` tuples.

    Raises :class:`SpanError` naming ``who`` (the LF), ``doc`` and the bad value.

    Examples
    --------
    >>> check_spans([[2, 3, "PER"], (0, 1, "PER")], 4, ["PER"], who="lf", doc=0)
    [(0, 1, 'PER'), (2, 3, 'PER')]
    """
    if spans is None:
        return []
    if (isinstance(spans, (tuple, list)) and len(spans) == 3 and isinstance(spans[0], (int, np.integer))
            and isinstance(spans[2], str)):
        raise SpanError(f"{who!r} on document {doc!r}: returned the single span {spans!r}; return a list of spans, "
                        f"[{spans!r}]")
    if isinstance(spans, (str, bytes)) or not isinstance(spans, Iterable):
        raise SpanError(f"{who!r} on document {doc!r}: returned {spans!r:.60} ({type(spans).__name__}); return a "
                        "list of (start, end, type) spans (or None)")
    out = []
    for sp in spans:
        try:
            s, e, t = sp
        except (TypeError, ValueError):
            raise SpanError(f"{who!r} on document {doc!r}: {sp!r} is not a (start, end, type) span") from None
        if not (_is_int(s) and _is_int(e)):
            raise SpanError(f"{who!r} on document {doc!r}: span {sp!r} needs integer token bounds")
        if not 0 <= s < e <= n_tokens:
            raise SpanError(
                f"{who!r} on document {doc!r}: span {sp!r} is out of bounds for {n_tokens} tokens "
                "(need 0 <= start < end <= n_tokens, end exclusive)"
            )
        if not isinstance(t, str) or not t:  # None or 5 would become the types "None" and "5"
            raise SpanError(f"{who!r} on document {doc!r}: span {sp!r} needs an entity type name (a non-empty "
                            f"string), got {t!r}")
        if types is not None and t not in types:
            raise SpanError(f"{who!r} on document {doc!r}: span {sp!r} has type {t!r}, not one of {list(types)}")
        out.append((int(s), int(e), str(t)))
    out.sort()
    if not allow_overlap:
        for a, b in zip(out, out[1:], strict=False):
            if b[0] < a[1]:
                raise SpanError(f"{who!r} on document {doc!r}: spans {a} and {b} overlap")
    return out


def check_types(types: Any) -> list[str]:
    """Entity types as a list of distinct strings (their order fixes the tag indices).

    Examples
    --------
    >>> check_types(("PER", "LOC"))
    ['PER', 'LOC']
    """
    if isinstance(types, (str, bytes)) or not isinstance(types, Iterable):
        raise SpanError(f"types must be a list of entity type names, got {types!r}"
                        + (f"; for one type write [{types!r}]" if isinstance(types, str) else ""))
    if isinstance(types, (set, frozenset)):  # its order (the tag indices) would change with the hash seed
        raise SpanError(f"types must be ordered (their order fixes the tag indices), not a set; pass a list, "
                        f"e.g. {sorted(map(str, types))!r:.100}")
    out = [str(t) for t in types]
    dup = sorted({t for t in out if out.count(t) > 1})
    if dup:
        raise SpanError(f"entity types must be distinct; repeated: {dup}")
    return out


def resolve_overlaps(spans: Iterable[Span]) -> list[Span]:
    """Keep a non-overlapping subset: longest first, then leftmost (how gazetteers and regexes settle).

    Examples
    --------
    >>> resolve_overlaps([(0, 1, "A"), (0, 3, "A"), (2, 4, "B"), (4, 5, "B")])
    [(0, 3, 'A'), (4, 5, 'B')]
    """
    taken: list[Span] = []
    used: set[int] = set()
    # sorted first: ties (same bounds, other types) then go to the first type by name, not to set order,
    # which changes with the process's hash seed
    for s, e, t in sorted(sorted(set(spans)), key=lambda x: (x[0] - x[1], x[0])):
        if not used.intersection(range(s, e)):
            taken.append((s, e, t))
            used.update(range(s, e))
    return sorted(taken)


@dataclass
class Document:
    """A tokenized text: what span LFs see.

    ``text`` and ``offsets`` (character ``(start, end)`` per token) are set when the document came
    from raw text; for pre-tokenized input ``text`` is the tokens joined by spaces. A document made
    from a spaCy ``Doc`` keeps it as ``spacy_doc`` (so an LF can read ``doc.spacy_doc[i].pos_``,
    ``.like_num``, ``.ents`` as a skweak annotator does); it is None otherwise.

    Examples
    --------
    >>> d = Document.from_text("Ada Lovelace wrote.")
    >>> d.tokens, d.offsets[1]
    (['Ada', 'Lovelace', 'wrote', '.'], (4, 12))
    """

    tokens: list[str]
    text: str = ""
    offsets: list[tuple[int, int]] = field(default_factory=list)
    doc_id: Any = None
    spacy_doc: Any = field(default=None, repr=False, compare=False)
    _bounds: Any = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.offsets:
            self.text, self.offsets = _join(self.tokens)

    def __len__(self) -> int:
        return len(self.tokens)

    @classmethod
    def from_text(cls, text: str, doc_id: Any = None, tokenizer: str = "auto") -> Document:
        """Tokenize ``text`` (see :func:`tokenize`)."""
        tokens, offsets = tokenize(text, tokenizer)
        return cls(tokens, text, offsets, doc_id)

    @classmethod
    def from_tokens(cls, tokens: Sequence[str], doc_id: Any = None) -> Document:
        """Wrap pre-tokenized input."""
        return cls([str(t) for t in tokens], doc_id=doc_id)

    @classmethod
    def from_spacy(cls, doc: Any, doc_id: Any = None) -> Document:
        """Wrap a spaCy ``Doc`` (or ``Span``): its tokens (whitespace tokens too, so spans index the Doc), text
        and character offsets. spaCy is not imported here; the object is read through its tokens.

        Examples
        --------
        >>> import importlib.util
        >>> if importlib.util.find_spec("spacy"):
        ...     import spacy
        ...     print(Document.from_spacy(spacy.blank("en")("New  York")).tokens)
        ... else:
        ...     print(['New', ' ', 'York'])
        ['New', ' ', 'York']
        """
        if hasattr(doc, "as_doc") and hasattr(doc, "start_char"):  # a Span: its own Doc, so t.i and t.idx start at 0
            doc = doc.as_doc()
        return cls([t.text for t in doc], str(doc.text), [(t.idx, t.idx + len(t.text)) for t in doc], doc_id, doc)

    def char_to_tokens(self, start: int, end: int) -> tuple[int, int] | None:
        """Token range ``[s, e)`` of the tokens a character range ``[start, end)`` touches, or None."""
        # tokens are in text order, so both bounds are binary searches (a scan per match was quadratic)
        if self._bounds is None or len(self._bounds[0]) != len(self.offsets):
            self._bounds = ([a for a, _ in self.offsets], [b for _, b in self.offsets])
        starts, ends = self._bounds
        s, e = bisect.bisect_right(ends, start), bisect.bisect_left(starts, end)
        return (s, e) if s < e else None


def _is_spacy(x: Any) -> bool:
    """A spaCy ``Doc`` or ``Span``, recognised without importing spaCy."""
    return type(x).__module__.startswith("spacy.") and hasattr(x, "text") and hasattr(x, "__iter__")


def as_document(x: Any, doc_id: Any = None, tokenizer: str = "auto") -> Document:
    """A :class:`Document` from what users hold: a string (tokenized), tokens (list, tuple, 1-D array), a spaCy
    ``Doc`` or ``Span``, or a Document (kept; given ``doc_id`` when it has none).

    Examples
    --------
    >>> as_document(("New", "York"), "d1").tokens, as_document("New York", tokenizer="plain").offsets
    (['New', 'York'], [(0, 3), (4, 8)])
    """
    if isinstance(x, Document):
        return x if x.doc_id is not None or doc_id is None else Document(x.tokens, x.text, x.offsets, doc_id, x.spacy_doc)
    if isinstance(x, str):  # str(): a NumPy string (an array of texts) would be refused by spaCy's tokenizer
        return Document.from_text(str(x), doc_id, tokenizer)
    if _is_spacy(x):
        return Document.from_spacy(x, doc_id)
    if isinstance(x, np.ndarray) and x.ndim == 1:
        x = x.tolist()
    if isinstance(x, Sequence) and all(isinstance(t, str) for t in x):
        return Document.from_tokens(x, doc_id)
    missing = x is None or type(x).__name__ == "NAType" or (isinstance(x, float) and x != x)
    hint = "; a missing text? drop the row or give it ''" if missing else ""
    raise SpanError(f"document {doc_id!r}: expected a string, a list of tokens, a spaCy Doc or a Document, got "
                    f"{type(x).__name__} {x!r:.60}{hint}")


def _join(tokens: Sequence[str]) -> tuple[str, list[tuple[int, int]]]:
    offsets, pos = [], 0
    for t in tokens:
        offsets.append((pos, pos + len(t)))
        pos += len(t) + 1
    return " ".join(tokens), offsets


_SPACY_NLP: Any = None


def tokenize(text: str, tokenizer: str = "auto") -> tuple[list[str], list[tuple[int, int]]]:
    """Tokens and character offsets of ``text``.

    ``tokenizer="auto"`` uses spaCy's blank English pipeline when spaCy is installed (no model is
    downloaded) and otherwise a plain rule (words with inner hyphens/apostrophes, single punctuation);
    ``"spacy"`` requires spaCy, ``"plain"`` never uses it.

    Examples
    --------
    >>> tokenize("Dr. Smith's cat-flap!", "plain")[0]
    ['Dr', '.', "Smith's", 'cat-flap', '!']
    """
    global _SPACY_NLP
    if not isinstance(text, str):
        raise SpanError(f"tokenize takes a string, got {type(text).__name__} {text!r:.60}")
    text = str(text)
    if tokenizer not in ("auto", "spacy", "plain"):
        raise SpanError(f"unknown tokenizer {tokenizer!r}; use 'auto', 'spacy' or 'plain'")
    if tokenizer != "plain":
        try:
            import spacy
        except ImportError:
            if tokenizer == "spacy":
                raise ImportError("tokenizer='spacy' needs spaCy: pip install spacy") from None
        else:
            if _SPACY_NLP is None:
                _SPACY_NLP = spacy.blank("en")
            doc = _SPACY_NLP.make_doc(text)
            return [t.text for t in doc if not t.is_space], [
                (t.idx, t.idx + len(t.text)) for t in doc if not t.is_space
            ]
    spans: list[list[int]] = []
    for m in _PLAIN_TOKEN.finditer(text):
        a, b = m.span()
        # a combining mark (an accent in decomposed text, an Indic vowel sign or virama) is not \w: without
        # this the plain rule cut 'cafe\u0301' into 'cafe' + an accent token and Hindi into single letters
        if spans and spans[-1][1] == a and (_joins(text[a]) or _joins(text[a - 1])):
            spans[-1][1] = b
        else:
            spans.append([a, b])
    return [text[a:b] for a, b in spans], [(a, b) for a, b in spans]


def _joins(ch: str) -> bool:
    """A character that belongs to the token beside it: a combining mark, a zero-width joiner, an emoji
    skin-tone modifier."""
    return unicodedata.category(ch).startswith("M") or ch == "\u200d" or "\U0001f3fb" <= ch <= "\U0001f3ff"
