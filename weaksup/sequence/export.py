"""Writing predicted (or gold) spans out: CoNLL/BIO, JSON lines, spaCy ``DocBin``. Every write is atomic
(:func:`weaksup._files.atomic_path`) and refuses to overwrite an input (:func:`weaksup._files.check_not_input`)."""

from __future__ import annotations

import json
import os
import re
import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from weaksup._files import atomic_path, check_not_input, user_path
from weaksup.errors import MissingFileError, WeaksupWarning
from weaksup.sequence.matrix import plain_ids
from weaksup.sequence.metrics import in_doc_order
from weaksup.sequence.spans import Span, SpanError, check_spans, spans_to_tags, tag_names, tags_to_spans


def _checked(tokens: Sequence[Sequence[str]], spans: Sequence[Sequence[Span]], ids: Sequence[Any] | None):
    if len(tokens) != len(spans):
        raise SpanError(f"{len(tokens)} token lists but {len(spans)} span lists")
    for d, toks in enumerate(tokens):  # a string would be written one character per token
        if isinstance(toks, (str, bytes)) or not isinstance(toks, Iterable):
            raise SpanError(f"document {d}: expected a list of tokens, got {toks!r:.60}; split a text into tokens "
                            "first (e.g. weaksup.sequence.tokenize(text)[0])")
    if isinstance(tokens, pd.Series):  # as SpanApplier.apply: its index is the document ids
        spans = in_doc_order(spans, tokens.index, owner="tokens")
        ids = tokens.index if ids is None else ids
    ids = list(range(len(tokens))) if ids is None else plain_ids(ids)
    if len(ids) != len(tokens):
        raise SpanError(f"{len(ids)} ids for {len(tokens)} documents")
    out = [check_spans(s, len(t), None, who="export", doc=i) for t, s, i in zip(tokens, spans, ids, strict=False)]
    return ids, out


def _check_output(path: str | os.PathLike, inputs: Sequence[str | os.PathLike]) -> None:
    """Refuse, before any work, an output over an input or onto a folder."""
    check_not_input(path, *inputs)
    if user_path(path).is_dir():
        raise SpanError(f"cannot write to {str(path)!r}: it is a folder; give a file path")


def _json_id(i: Any, d: int) -> Any:
    """A document id as JSON holds it, the same value back; anything else is refused (not written as its text)."""
    i = i.item() if isinstance(i, np.generic) else i  # a NumPy id (an array of ids) as the plain value
    if i is None or isinstance(i, (str, int, bool)) or (isinstance(i, float) and np.isfinite(i)):
        return i
    raise SpanError(f"document {d}: id {i!r} ({type(i).__name__}) cannot be written to JSON lines as itself; "
                    "use strings or integers (e.g. ids.astype(str))")


def _types(spans: Sequence[Sequence[Span]]) -> list[str]:
    return sorted({t for doc in spans for _, _, t in doc})


def to_conll(
    path: str | os.PathLike, tokens: Sequence[Sequence[str]], spans: Sequence[Sequence[Span]],
    scheme: str = "BIO", inputs: Sequence[str | os.PathLike] = (),
) -> Path:
    """Write ``token<TAB>tag`` lines, a blank line between sentences.

    Examples
    --------
    >>> import os, tempfile
    >>> p = to_conll(os.path.join(tempfile.mkdtemp(), "out.conll"), [["Ada", "Lovelace", "wrote"]], [[(0, 2, "PER")]])
    >>> open(p).read().splitlines()
    ['Ada\\tB-PER', 'Lovelace\\tI-PER', 'wrote\\tO', '']
    >>> read_conll(p)
    ([['Ada', 'Lovelace', 'wrote']], [[(0, 2, 'PER')]])
    """
    _check_output(path, inputs)
    _, spans = _checked(tokens, spans, None)
    types = _types(spans)
    names = tag_names(types, scheme)
    spaced = [t for t in types if any(c.isspace() for c in t)]  # 'B-MY TYPE' would read back as the type 'TYPE'
    if spaced:
        raise SpanError(f"entity type {spaced[0]!r} contains whitespace; CoNLL cannot hold it (use to_jsonl, or "
                        "rename it, e.g. with '_')")
    if scheme == "IO":  # an IO tag is the bare type: 'O' reads back as outside, 'B-X' as the type 'X'
        misread = [t for t in types if t == "O" or t[:2] in ("B-", "I-")]
        if not misread and types and all(t[:2] in _BIOES and len(t) > 2 for t in types):
            misread = types  # every tag looks BIOES-prefixed: read_conll would read 'E-coli' as the type 'coli'
        if misread:
            raise SpanError(f"entity type {misread[0]!r} cannot be written under scheme='IO': read_conll would not "
                            "read it back as that type (use scheme='BIO' or to_jsonl, or rename it)")
    for d, toks in enumerate(tokens):  # checked before anything is written
        for k, tok in enumerate(toks):
            if not isinstance(tok, str):
                raise SpanError(f"document {d}, token {k}: {tok!r} ({type(tok).__name__}) is not a string")
            if not tok or any(c.isspace() for c in tok):
                what = "is an empty token" if not tok else "contains whitespace"
                raise SpanError(f"document {d}, token {k}: {tok!r} {what}; CoNLL cannot hold it (use to_jsonl)")
    if scheme == "IO":  # IO has no B- tag: two touching spans of one type read back as one
        touching = [d for d, sp in enumerate(spans)
                    if any(a[1] == b[0] and a[2] == b[2] for a, b in zip(sp, sp[1:], strict=False))]
        if touching:
            warnings.warn(f"document {touching[0]} ({len(touching)} in all) has touching spans of one type; under "
                          "scheme='IO' they read back as one span (scheme='BIO' keeps them apart)", WeaksupWarning,
                          stacklevel=2)
    empty = [d for d, toks in enumerate(tokens) if len(toks) == 0]
    if empty:
        warnings.warn(f"document{'s' if len(empty) > 1 else ''} {', '.join(map(str, empty[:5]))}"
                      f"{' ...' if len(empty) > 5 else ''} ha{'ve' if len(empty) > 1 else 's'} no tokens: CoNLL cannot "
                      f"hold an empty sentence, so read_conll gives {len(tokens) - len(empty)} of the {len(tokens)} "
                      "documents back (to_jsonl keeps them all)", WeaksupWarning, stacklevel=2)
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8") as fh:
        for toks, sp in zip(tokens, spans, strict=False):
            if len(toks) == 0:
                continue
            for tok, tag in zip(toks, spans_to_tags(sp, len(toks), types, scheme), strict=False):
                fh.write(f"{tok}\t{names[tag]}\n")
            fh.write("\n")
    return user_path(path)


_COLUMNS = re.compile(r"[ \t]+")
_BIOES = {"B-": "B-", "I-": "I-", "S-": "B-", "E-": "I-", "U-": "B-", "L-": "I-"}


def read_conll(path: str | os.PathLike) -> tuple[list[list[str]], list[list[Span]]]:
    """Read ``token<TAB>tag`` (BIO or IO: a tag without ``B-``/``I-`` is an IO tag) back into tokens and spans.

    A file whose every tag is ``O`` or prefixed ``B-``/``I-``/``E-``/``S-`` (BIOES) or ``U-``/``L-`` (BILOU) is
    read in that scheme.

    Examples
    --------
    >>> import os, tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), "io.conll")
    >>> _ = open(p, "w").write("New LOC\\nYork LOC\\nis O\\n\\nParis LOC\\n")
    >>> read_conll(p)
    ([['New', 'York', 'is'], ['Paris']], [[(0, 2, 'LOC')], [(0, 1, 'LOC')]])
    """
    tokens, tags, lines = [[]], [[]], [[]]
    if not user_path(path).is_file():
        raise MissingFileError(f"no CoNLL file at {str(path)!r}")
    # utf-8-sig: a file saved by Excel or Notepad starts with a BOM, which would glue onto the first token
    for lineno, line in enumerate(user_path(path).read_text(encoding="utf-8-sig").splitlines(), 1):
        if line.startswith("-DOCSTART-"):  # CoNLL-2003's document separator is not a sentence
            continue
        if not line.strip():
            if tokens[-1]:
                tokens.append([])
                tags.append([])
                lines.append([])
            continue
        # columns are split on spaces and tabs only: str.split() also cut a token at a no-break or ideographic
        # space ('10\u00a0000' was read as the token '10')
        parts = _COLUMNS.split(line.strip(" \t"))
        if len(parts) < 2:
            raise SpanError(f"{path}:{lineno}: expected 'token tag', got {line!r}")
        tokens[-1].append(parts[0])
        tags[-1].append(parts[-1])
        lines[-1].append(lineno)
    if not tokens[-1]:
        tokens.pop()
        tags.pop()
        lines.pop()
    # BIOES / BILOU (S-, E- or U-, L- beside B-, I-): single and end tags, read as B- and I-. Only when every
    # tag has such a prefix, so an IO type that merely looks prefixed (E-coli among others) stays a type
    typed = [t for tg in tags for t in tg if t != "O"]
    bioes = bool(typed) and all(t[:2] in _BIOES and len(t) > 2 for t in typed) and \
        any(t[:2] not in ("B-", "I-") for t in typed)
    spans = []
    for tg, ln in zip(tags, lines, strict=True):
        if bioes:
            tg = [_BIOES.get(t[:2], "") + t[2:] if t != "O" else t for t in tg]
        for t, lineno in zip(tg, ln, strict=True):
            if t in ("B-", "I-"):
                raise SpanError(f"{path}:{lineno}: the tag {t!r} has no entity type")
        bio = [t if t == "O" or t[:2] in ("B-", "I-") else f"I-{t}" for t in tg]
        # IO runs: a type that starts after O or another type begins a span
        fixed = []
        for k, t in enumerate(bio):
            if t.startswith("I-") and (k == 0 or bio[k - 1][2:] != t[2:]):
                t = "B-" + t[2:]
            fixed.append(t)
        types = sorted({t[2:] for t in fixed if t != "O"})
        names = tag_names(types, "BIO")
        spans.append(tags_to_spans([names.index(t) for t in fixed], types, "BIO"))
    return tokens, spans


def to_jsonl(
    path: str | os.PathLike, tokens: Sequence[Sequence[str]], spans: Sequence[Sequence[Span]],
    ids: Sequence[Any] | None = None, inputs: Sequence[str | os.PathLike] = (),
) -> Path:
    """One JSON object per line: ``{"id", "tokens", "spans": [[start, end, type], ...]}`` (end exclusive).

    Examples
    --------
    >>> import os, tempfile
    >>> p = to_jsonl(os.path.join(tempfile.mkdtemp(), "out.jsonl"), [["Ada", "wrote"]], [[(0, 1, "PER")]], ids=["d1"])
    >>> open(p).read()
    '{"id": "d1", "tokens": ["Ada", "wrote"], "spans": [[0, 1, "PER"]]}\\n'
    """
    _check_output(path, inputs)
    ids, spans = _checked(tokens, spans, ids)
    ids = [_json_id(i, d) for d, i in enumerate(ids)]  # checked before anything is written
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8") as fh:
        for i, toks, sp in zip(ids, tokens, spans, strict=False):
            fh.write(json.dumps({"id": i, "tokens": list(toks), "spans": [list(x) for x in sp]}) + "\n")
    return user_path(path)


def to_docbin(
    path: str | os.PathLike, tokens: Sequence[Sequence[str]], spans: Sequence[Sequence[Span]],
    span_key: str | None = None, inputs: Sequence[str | os.PathLike] = (),
) -> Path:
    """Write a spaCy ``DocBin`` (``.spacy``) with the spans as ``doc.ents`` (and in ``doc.spans[span_key]``).

    Needs spaCy (``pip install spacy``); no model is loaded.

    Examples
    --------
    >>> import importlib.util, os, tempfile
    >>> if importlib.util.find_spec("spacy"):
    ...     from spacy.tokens import DocBin
    ...     import spacy
    ...     p = to_docbin(os.path.join(tempfile.mkdtemp(), "out.spacy"), [["Ada", "wrote"]], [[(0, 1, "PER")]])
    ...     doc = next(DocBin().from_disk(p).get_docs(spacy.blank("en").vocab))
    ...     print([(e.text, e.label_) for e in doc.ents])
    ... else:
    ...     print([("Ada", "PER")])
    [('Ada', 'PER')]
    """
    try:
        import spacy
        from spacy.tokens import Doc, DocBin
        from spacy.tokens import Span as SpacySpan
    except ImportError:
        raise ImportError("to_docbin needs spaCy: pip install spacy") from None
    _check_output(path, inputs)
    _, spans = _checked(tokens, spans, None)
    vocab = spacy.blank("xx").vocab
    db = DocBin(store_user_data=False)
    for d, (toks, sp) in enumerate(zip(tokens, spans, strict=False)):
        try:
            doc = Doc(vocab, words=list(toks))
        except (TypeError, ValueError) as exc:  # an empty or non-string token: spaCy's error names no document
            raise SpanError(f"document {d}: spaCy cannot hold its tokens: {exc}") from None
        ents = [SpacySpan(doc, s, e, label=t) for s, e, t in sp]
        doc.ents = ents
        if span_key:
            doc.spans[span_key] = list(ents)
        db.add(doc)
    with atomic_path(path) as tmp:
        db.to_disk(tmp)
    return user_path(path)
