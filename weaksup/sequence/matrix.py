"""The span label matrix (tokens x LFs, sparse tags) and the applier that builds it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from weaksup._validation import check_function_list
from weaksup.sequence.lfs import SpanLabelingFunction
from weaksup.sequence.spans import (
    SCHEMES,
    Document,
    Span,
    SpanError,
    as_document,
    check_spans,
    check_types,
    spans_to_tags,
    tag_names,
)


class SpanLabelMatrix:
    """Span votes of ``m`` LFs on ``n`` documents, as spans and as a sparse tokens x LFs tag matrix.

    Row ``r`` of :attr:`csr` is token ``token_pos[r]`` of document ``doc_ids[token_doc[r]]``; a value is a
    tag index into :attr:`tag_names` (``scheme`` ``"BIO"`` or ``"IO"``); ``0`` (``O``, the LF tags nothing
    there) is not stored. The exact spans are kept too (:attr:`spans`), so adjacent spans stay apart.

    Parameters
    ----------
    spans : list over documents of lists over LFs of ``(start, end, type)`` lists
    lengths : sequence of int
        Tokens per document.
    lf_names, types : sequence of str
    doc_ids : sequence, optional
        Defaults to ``0..n-1``.
    tokens : list of token lists, optional
        Kept for analysis, models that read surface forms, and export.
    scheme : {"BIO", "IO"}

    Examples
    --------
    >>> V = SpanLabelMatrix([[[(0, 2, "PER")], []], [[], [(1, 2, "LOC")]]], [3, 2], ["a", "b"], ["PER", "LOC"])
    >>> V.shape, V.tag_names
    ((5, 2), ['O', 'B-PER', 'I-PER', 'B-LOC', 'I-LOC'])
    >>> V.csr.toarray().T.tolist()
    [[1, 2, 0, 0, 0], [0, 0, 0, 0, 3]]
    """

    def __init__(
        self, spans: Sequence[Sequence[Sequence[Span]]], lengths: Sequence[int], lf_names: Sequence[str],
        types: Sequence[str], doc_ids: Sequence[Any] | None = None, tokens: Sequence[Sequence[str]] | None = None,
        scheme: str = "BIO",
    ) -> None:
        if scheme not in SCHEMES:
            raise SpanError(f"unknown tag scheme {scheme!r}; use one of {SCHEMES}")
        if isinstance(lf_names, str) or not isinstance(lf_names, Iterable):  # a string: each character an LF
            got = f"the string {lf_names!r}" if isinstance(lf_names, str) else f"{lf_names!r:.60}"
            raise SpanError(f"lf_names must be a list of LF names, got {got}")
        if doc_ids is not None and (isinstance(doc_ids, (str, bytes)) or not isinstance(doc_ids, Iterable)):
            raise SpanError(f"doc_ids must be a list of one id per document, got {doc_ids!r:.60}")
        self.lf_names, self.types, self.scheme = [str(x) for x in lf_names], check_types(types), scheme
        if len(set(self.lf_names)) != len(self.lf_names):
            raise SpanError(f"duplicate LF names: {self.lf_names}")
        self.lengths = _lengths(lengths)
        n = len(self.lengths)
        self.doc_ids = list(range(n)) if doc_ids is None else plain_ids(doc_ids)
        if len(spans) != n or len(self.doc_ids) != n:
            raise SpanError(f"{len(spans)} span lists and {len(self.doc_ids)} ids for {n} documents")
        if tokens is not None:
            text = next((d for d, t in enumerate(tokens) if isinstance(t, str)), None)
            if text is not None:  # list() would make each character a token
                raise SpanError(f"document {self.doc_ids[text]!r}: tokens must be a list of token strings, got the "
                                f"string {tokens[text]!r:.60}")
            tokens = [list(t) for t in tokens]
            for d, t in enumerate(tokens):
                if len(t) != self.lengths[d]:
                    raise SpanError(f"document {self.doc_ids[d]!r} has {len(t)} tokens but length {self.lengths[d]}")
        self.tokens = tokens
        m = len(self.lf_names)
        checked = []
        for d, per_lf in enumerate(spans):
            if len(per_lf) != m:
                raise SpanError(f"document {self.doc_ids[d]!r} has span lists for {len(per_lf)} LFs, expected {m}")
            checked.append([
                check_spans(s, int(self.lengths[d]), self.types, who=self.lf_names[j], doc=self.doc_ids[d])
                for j, s in enumerate(per_lf)
            ])
        self.spans = checked
        self.doc_offsets = np.concatenate([[0], np.cumsum(self.lengths)])
        self._csr: sp.csr_matrix | None = None

    # sizes -----------------------------------------------------------------------------------
    @property
    def n_docs(self) -> int:
        return len(self.lengths)

    @property
    def n_tokens(self) -> int:
        return int(self.doc_offsets[-1])

    @property
    def n_lfs(self) -> int:
        return len(self.lf_names)

    @property
    def shape(self) -> tuple[int, int]:
        return (self.n_tokens, self.n_lfs)

    def __len__(self) -> int:
        return self.n_docs

    def __repr__(self) -> str:
        return (f"SpanLabelMatrix({self.n_docs} docs, {self.n_tokens} tokens x {self.n_lfs} LFs, "
                f"types={self.types}, scheme={self.scheme!r})")

    @property
    def tag_names(self) -> list[str]:
        return tag_names(self.types, self.scheme)

    @property
    def token_doc(self) -> np.ndarray:
        """Document index (0-based position, not id) of every token row."""
        return np.repeat(np.arange(self.n_docs), self.lengths)

    @property
    def token_pos(self) -> np.ndarray:
        """Position of every token row inside its document."""
        return np.arange(self.n_tokens) - np.repeat(self.doc_offsets[:-1], self.lengths)

    def token_index(self) -> pd.MultiIndex:
        """``(doc_id, token)`` for every row of :attr:`csr`."""
        return pd.MultiIndex.from_arrays(
            [np.repeat(np.asarray(self.doc_ids, dtype=object), self.lengths), self.token_pos], names=["doc_id", "token"]
        )

    def _with_types(self, types: Sequence[str]) -> SpanLabelMatrix:
        """The same votes over another list of types (a superset, or the same types in another order).

        Examples
        --------
        >>> V = SpanLabelMatrix([[[(0, 1, "B")]]], [1], ["lf"], ["B"])
        >>> V._with_types(["A", "B"]).to_dense().tolist()
        [[3]]
        """
        return SpanLabelMatrix(self.spans, self.lengths, self.lf_names, types, self.doc_ids, self.tokens, self.scheme)

    # the tag matrix --------------------------------------------------------------------------
    @property
    def csr(self) -> sp.csr_matrix:
        """Sparse ``n_tokens x n_lfs`` tag indices (``int16``), built once."""
        if self._csr is None:
            rows, cols, vals = [], [], []
            for d, per_lf in enumerate(self.spans):
                off = int(self.doc_offsets[d])
                for j, spans in enumerate(per_lf):
                    for s, e, t in spans:
                        tags = spans_to_tags([(0, e - s, t)], e - s, self.types, self.scheme)
                        rows.append(np.arange(off + s, off + e))
                        cols.append(np.full(e - s, j))
                        vals.append(tags)

            def cat(a: list[np.ndarray], dt: type) -> np.ndarray:
                return np.concatenate(a).astype(dt) if a else np.zeros(0, dt)

            self._csr = sp.csr_matrix(
                (cat(vals, np.int16), (cat(rows, np.int64), cat(cols, np.int64))), shape=self.shape, dtype=np.int16
            )
        return self._csr

    def to_dense(self) -> np.ndarray:
        """Dense ``n_tokens x n_lfs`` tag indices (0 = O)."""
        return self.csr.toarray()

    def with_scheme(self, scheme: str) -> SpanLabelMatrix:
        """The same votes under another tag scheme (spans are unchanged)."""
        return SpanLabelMatrix(self.spans, self.lengths, self.lf_names, self.types, self.doc_ids, self.tokens, scheme)

    def doc_tags(self, d: int) -> np.ndarray:
        """Dense ``len x m`` tags of document position ``d`` (negative counts from the end, as in select_docs)."""
        d = self._positions([d])[0]
        return self.csr[int(self.doc_offsets[d]) : int(self.doc_offsets[d + 1])].toarray()

    # selection -------------------------------------------------------------------------------
    def select_docs(self, docs: Sequence[int] | slice) -> SpanLabelMatrix:
        """A new matrix with the documents at these positions.

        Examples
        --------
        >>> V = SpanLabelMatrix([[[(0, 1, "A")]], [[]]], [1, 2], ["lf"], ["A"], doc_ids=["x", "y"])
        >>> V.select_docs([1]).doc_ids
        ['y']
        """
        idx = self._positions(docs)
        return SpanLabelMatrix(
            [self.spans[i] for i in idx], self.lengths[idx], self.lf_names, self.types,
            [self.doc_ids[i] for i in idx], None if self.tokens is None else [self.tokens[i] for i in idx], self.scheme,
        )

    def _positions(self, docs: Any) -> list[int]:
        """Document positions from a slice, positions, or a boolean mask over the documents."""
        if isinstance(docs, slice):
            return list(range(self.n_docs))[docs]
        arr = np.asarray(docs)
        if arr.dtype == bool:
            if arr.shape != (self.n_docs,):
                raise SpanError(f"a boolean mask over the documents needs {self.n_docs} documents' values, "
                                f"got {arr.shape[0] if arr.ndim == 1 else arr.shape}")
            return np.flatnonzero(arr).tolist()
        if arr.size and arr.dtype.kind not in "iu":
            raise SpanError(f"select_docs takes document positions (or a boolean mask), got {arr.ravel()[:3].tolist()}; "
                            "the ids are doc_ids: positions are [V.doc_ids.index(i) for i in ids]")
        idx = [int(i) for i in arr.ravel()]
        bad = [i for i in idx if not -self.n_docs <= i < self.n_docs]
        if bad:
            raise SpanError(f"document position {bad[0]} is out of range for {self.n_docs} documents "
                            "(select_docs takes positions; the ids are doc_ids)")
        return [i % self.n_docs for i in idx]

    def _lf_position(self, lf: str | int) -> int:
        if isinstance(lf, str):
            if lf not in self.lf_names:
                raise SpanError(f"no LF named {lf!r}; the LFs are {self.lf_names}")
            return self.lf_names.index(lf)
        j = int(lf)
        if not -self.n_lfs <= j < self.n_lfs:
            raise SpanError(f"LF position {j} is out of range for {self.n_lfs} LFs")
        return j % self.n_lfs

    def select_lfs(self, lfs: Sequence[str] | Sequence[int]) -> SpanLabelMatrix:
        """A new matrix with these LFs (names or positions), in this order."""
        idx = [self._lf_position(x) for x in lfs]
        return SpanLabelMatrix(
            [[per[j] for j in idx] for per in self.spans], self.lengths, [self.lf_names[j] for j in idx], self.types,
            self.doc_ids, self.tokens, self.scheme,
        )

    def lf_spans(self, lf: str | int) -> list[list[Span]]:
        """One LF's spans, per document."""
        j = self._lf_position(lf)
        return [per[j] for per in self.spans]

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, SpanLabelMatrix) and self.spans == other.spans and self.lf_names == other.lf_names
                and self.types == other.types and self.doc_ids == other.doc_ids
                and np.array_equal(self.lengths, other.lengths))


def _lengths(lengths: Any) -> np.ndarray:
    """Tokens per document as int64: whole numbers >= 0 (1.5 or -1 would give a matrix of other documents)."""
    arr = np.asarray(lengths)
    if arr.ndim != 1 or (arr.size and arr.dtype.kind not in "iuf"):
        raise SpanError(f"lengths must be one token count per document, got {lengths!r:.60}")
    bad = (arr < 0) | (arr != np.round(arr)) if arr.size else np.zeros(0, bool)
    if bad.any():
        d = int(np.argmax(bad))
        raise SpanError(f"document {d} has length {arr[d].item()!r}; a length is a whole number of tokens >= 0")
    return arr.astype(np.int64)


def _label_chunk(lfs: Sequence[SpanLabelingFunction], docs: list[Document], types: Sequence[str] | None):
    return [[lf(doc, types) for lf in lfs] for doc in docs]


def plain_ids(ids: Any) -> list[Any]:
    """Ids as a list of plain Python values (NumPy scalars unwrapped), so they print and serialise as given.

    Examples
    --------
    >>> plain_ids(np.array([10, 11]))
    [10, 11]
    """
    values = ids.tolist() if isinstance(ids, (np.ndarray, pd.Index, pd.Series)) else list(ids)
    return [v.item() if isinstance(v, np.generic) else v for v in values]


class SpanApplier:
    """Apply span LFs to documents; returns a :class:`SpanLabelMatrix` in input order.

    Parameters
    ----------
    lfs : sequence of SpanLabelingFunction
    types : sequence of str, optional
        Entity types (their order fixes the tag indices). Default: the types seen, sorted.
    tokenizer : {"auto", "spacy", "plain"}
        For documents given as raw strings (see :func:`~weaksup.sequence.spans.tokenize`).
    n_jobs : int
        Worker processes (joblib's loky); chunks come back in submission order, so order never
        depends on which worker finished first.
    chunk_size : int
        Documents per task when ``n_jobs > 1``.

    Examples
    --------
    >>> from weaksup.sequence.lfs import GazetteerSpanLF
    >>> lf = GazetteerSpanLF("cities", {"LOC": ["paris", "new york"]})
    >>> V = SpanApplier([lf]).apply(["I flew from Paris to New York .", "Nothing here"])
    >>> V.lf_spans("cities")
    [[(3, 4, 'LOC'), (5, 7, 'LOC')], []]
    """

    def __init__(
        self, lfs: Sequence[SpanLabelingFunction], types: Sequence[str] | None = None, tokenizer: str = "auto",
        n_jobs: int = 1, chunk_size: int = 256, scheme: str = "BIO",
    ) -> None:
        lfs = check_function_list(lfs, SpanLabelingFunction, "SpanApplier", "wrap a function as "
                                  "SpanLabelingFunction(name, f) or with @span_labeling_function()", SpanError)
        if types is not None:
            check_types(types)
        if scheme not in SCHEMES:  # now, not after every LF has run
            raise SpanError(f"unknown tag scheme {scheme!r}; use one of {SCHEMES}")
        self.lfs, self.types, self.tokenizer = list(lfs), types, tokenizer
        self.n_jobs, self.chunk_size, self.scheme = n_jobs, chunk_size, scheme

    def apply(self, docs: Sequence[Any], doc_ids: Sequence[Any] | None = None) -> SpanLabelMatrix:
        """Label every document (strings, token lists, spaCy Docs or Documents).

        A pandas Series's index (a dict's keys) gives the document ids unless ``doc_ids`` is given (default
        ``0..n-1``).
        """
        if isinstance(docs, pd.DataFrame):
            raise SpanError(f"SpanApplier.apply takes one document per item; got a DataFrame with columns "
                            f"{list(docs.columns)[:5]}: pass its text (or token-list) column, e.g. "
                            f"df[{str(docs.columns[0]) if len(docs.columns) else 'text'!r}]")
        if isinstance(docs, pd.Series):
            ids_default: list[Any] = docs.index.tolist()
            docs = docs.tolist()
        elif isinstance(docs, Mapping):  # {id: document}, as a Series (list() would label the ids as the texts)
            ids_default, docs = list(docs.keys()), list(docs.values())
        else:
            docs = list(docs)  # a generator, a tuple, an array of strings
            ids_default = list(range(len(docs)))
        if doc_ids is None:  # Documents that carry an id keep it
            ids = [x.doc_id if isinstance(x, Document) and x.doc_id is not None else i
                   for x, i in zip(docs, ids_default, strict=True)]
        else:
            ids = plain_ids(doc_ids)
        if len(ids) != len(docs):
            raise SpanError(f"{len(ids)} ids for {len(docs)} documents")
        documents = [as_document(x, i, self.tokenizer) for x, i in zip(docs, ids, strict=False)]
        if doc_ids is not None:  # the ids given win over a Document's own, so errors name the id the matrix has
            documents = [d if d.doc_id == i else Document(d.tokens, d.text, d.offsets, i, d.spacy_doc)
                         for d, i in zip(documents, ids, strict=True)]
        from weaksup.apply.parallel import effective_n_jobs

        n_jobs = effective_n_jobs(self.n_jobs)
        if n_jobs == 1 or len(documents) <= self.chunk_size:
            spans = _label_chunk(self.lfs, documents, self.types)
        else:
            from joblib import Parallel, delayed

            chunks = [documents[i : i + self.chunk_size] for i in range(0, len(documents), self.chunk_size)]
            parts = Parallel(n_jobs=n_jobs, backend="loky")(delayed(_label_chunk)(self.lfs, c, self.types) for c in chunks)
            spans = [row for part in parts for row in part]  # joblib returns results in submission order
        types = self.types
        if types is None:
            types = sorted({t for per in spans for lst in per for _, _, t in lst})
        return SpanLabelMatrix(
            spans, [len(d) for d in documents], [lf.name for lf in self.lfs], types, ids,
            [d.tokens for d in documents], self.scheme,
        )
