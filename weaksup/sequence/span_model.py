"""The default sequence label model: span-level consensus with learned LF weights.

Model, per document:

1. **Clusters.** Tokens that some LF tags form clusters: maximal runs where each pair of neighbours
   is inside one LF span. Two LF spans that only touch do not merge (token majority vote merges them).
2. **Options.** In a cluster, the candidate segmentations are the token majority vote (WRENCH's rule,
   runs split at cluster edges) and each LF's own spans there.
3. **Choice.** Each LF that tags the cluster scores every option by its exact-span agreement (F1 of its
   spans vs the option's) times its weight ``log(p / (1 - p))``, where ``p`` is its span precision; the
   majority vote counts as one more voter of the mean weight. The best-scoring option wins (ties: the
   majority vote).
4. **Learning.** ``p`` is each LF's share of spans kept by the current choices, with a Beta(2, 1) prior
   (Dirichlet pseudo-counts that an LF is more often right than wrong); choices and weights alternate
   (hard EM) from equal weights until the choices stop changing.

Token marginals come from a softmax over option scores in each cluster.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

from weaksup.errors import ModelInputError
from weaksup.sequence.matrix import SpanLabelMatrix
from weaksup.sequence.models import BaseSequenceModel, _check_number
from weaksup.sequence.spans import Span

Option = tuple[Span, ...]


def _agree(a: Option, b: Option) -> float:
    """Exact-span F1 between two span sets (0 when both are empty)."""
    if not a and not b:
        return 0.0
    return 2.0 * len(set(a) & set(b)) / (len(a) + len(b))


def _corpus_clusters(votes: SpanLabelMatrix) -> list[tuple[int, int, int, Option, list[Option]]]:
    """Every cluster as (document, start, end, majority-vote option, each LF's spans in it), in order.

    Computed over the flat token axis at once: a token continues the cluster of the previous one when
    both are tagged, in the same document, and one LF span covers both (an ``I-`` tag in the BIO matrix).
    """
    N, K = votes.n_tokens, len(votes.types)
    if K == 0:  # no types: no LF tagged anything (every span is checked against the types)
        return []
    counts = np.zeros((N, K))
    link = np.zeros(N, bool)  # link[g]: one LF span covers tokens g-1 and g
    index = {t: k for k, t in enumerate(votes.types)}
    for d, per_lf in enumerate(votes.spans):
        off = int(votes.doc_offsets[d])
        for spans in per_lf:
            for s, e, t in spans:
                counts[off + s : off + e, index[t]] += 1
                link[off + s + 1 : off + e] = True
    tagged = counts.sum(1) > 0
    label = counts.argmax(1)  # ties: the first type
    first = np.zeros(N, bool)
    first[votes.doc_offsets[:-1][votes.lengths > 0]] = True
    cont = np.zeros(N, bool)
    cont[1:] = tagged[1:] & tagged[:-1] & link[1:]
    cont &= ~first
    same = np.zeros(N, bool)
    same[1:] = cont[1:] & (label[1:] == label[:-1])
    starts = np.flatnonzero(tagged & ~cont)
    cid = np.cumsum(tagged & ~cont) - 1
    ends = np.flatnonzero(tagged & ~np.r_[cont[1:], False]) + 1
    run_starts = np.flatnonzero(tagged & ~same)
    run_ends = np.flatnonzero(tagged & ~np.r_[same[1:], False]) + 1
    doc_of = np.repeat(np.arange(votes.n_docs), votes.lengths)
    offsets = votes.doc_offsets
    runs: list[list[Span]] = [[] for _ in starts]
    for rs, re_ in zip(run_starts.tolist(), run_ends.tolist(), strict=True):
        off = int(offsets[doc_of[rs]])
        runs[cid[rs]].append((rs - off, re_ - off, votes.types[label[rs]]))
    m = votes.n_lfs
    parts: list[list[list[Span]]] = [[[] for _ in range(m)] for _ in starts]
    for d, per_lf in enumerate(votes.spans):
        off = int(offsets[d])
        for j, spans in enumerate(per_lf):
            for sp in spans:  # an LF span is linked inside, so it lies in the cluster of its first token
                parts[cid[off + sp[0]]][j].append(sp)
    out = []
    for c, (s0, e0) in enumerate(zip(starts.tolist(), ends.tolist(), strict=True)):
        d = int(doc_of[s0])
        off = int(offsets[d])
        out.append((d, s0 - off, e0 - off, tuple(runs[c]), [tuple(p) for p in parts[c]]))
    return out


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic GC while building many small tuples (it rescans the caller's objects: half the time)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


class _Clusters:
    """Every cluster's options, with the agreement and overlap counts the fit needs, as padded arrays."""

    def __init__(self, votes: SpanLabelMatrix) -> None:
        m = votes.n_lfs
        self.items = []  # (doc, start, end, options)
        self.fixed_hit, self.total = np.zeros(m), np.zeros(m)
        multi = []
        for d, s, e, mv, parts in _corpus_clusters(votes):
            options = [mv]
            for part in parts:
                if part and part not in options:
                    options.append(part)
            sizes = np.array([len(p) for p in parts], dtype=float)
            self.total += sizes
            if len(options) == 1:
                self.fixed_hit += [len(set(mv).intersection(p)) for p in parts]
            else:
                multi.append((len(self.items), options, parts))
            self.items.append((d, s, e, options))
        C, n_opt = len(multi), max((len(o) for _, o, _ in multi), default=1)
        self.multi = np.array([c for c, _, _ in multi], dtype=np.int64)
        self.agree = np.zeros((C, n_opt, m))
        self.hits = np.zeros((C, n_opt, m))
        self.base = np.zeros((C, n_opt))
        self.valid = np.zeros((C, n_opt), bool)
        self.active = np.zeros((C, m), bool)
        for c, (_, options, parts) in enumerate(multi):
            self.valid[c, : len(options)] = True
            self.active[c] = [bool(p) for p in parts]
            for o, opt in enumerate(options):
                self.base[c, o] = _agree(options[0], opt)
                for j, part in enumerate(parts):
                    if part:
                        self.agree[c, o, j] = _agree(part, opt)
                        self.hits[c, o, j] = len(set(opt).intersection(part))

    def scores(self, w: np.ndarray) -> np.ndarray:
        """(multi-option clusters, options) scores; padding is -inf."""
        n_active = np.maximum(self.active.sum(1), 1)
        mean_w = (self.active @ w) / n_active
        sc = self.agree @ w + mean_w[:, None] * self.base
        return np.where(self.valid, sc, -np.inf)

    def choices(self, w: np.ndarray) -> np.ndarray:
        """Chosen option per cluster (0, the majority vote, where it is the only one or on ties)."""
        chosen = np.zeros(len(self.items), dtype=np.int64)
        if len(self.multi):
            chosen[self.multi] = self.scores(w).argmax(1)  # argmax ties: the first, the majority vote
        return chosen


class SequenceLabelModel(BaseSequenceModel):
    """The default sequence label model: choose, per cluster of overlapping LF spans, the segmentation the
    LFs agree on most, weighting each LF by its learned span precision (see the module notes).

    Parameters
    ----------
    prior : (float, float)
        Beta pseudo-counts (right, wrong) added to every LF's span precision.
    max_iter : int
        Alternations of choice and weights (it usually stops after 3-6).

    Attributes
    ----------
    lf_precision_ : ndarray
        Estimated share of each LF's spans that are entities with those exact bounds and type.
    weights_ : ndarray
        ``log(p / (1 - p))`` per LF.

    Examples
    --------
    >>> V = SpanLabelMatrix(
    ...     [[[(0, 1, "A")], [(0, 2, "A")], [(0, 2, "A")]], [[(1, 2, "A")], [], [(0, 3, "A")]]],
    ...     [3, 3], ["dict", "phrase", "phrase2"], ["A"])
    >>> model = SequenceLabelModel().fit(V)
    >>> model.predict_spans(V)
    [[(0, 2, 'A')], [(0, 3, 'A')]]
    >>> model.predict_proba(V)[0].shape  # tokens x BIO tags (O, B-A, I-A)
    (3, 3)
    """

    def __init__(self, prior: tuple[float, float] = (2.0, 1.0), max_iter: int = 20) -> None:
        self.prior, self.max_iter = prior, max_iter

    def fit(self, votes: SpanLabelMatrix) -> SequenceLabelModel:
        """Learn LF weights by alternating cluster choices and span precisions."""
        votes = self._check(votes, fitting=True)
        self._remember(votes)
        try:
            a, b = (float(x) for x in self.prior)
        except (TypeError, ValueError):
            a = b = -1.0
        if not (a > 0 and b > 0 and np.isfinite(a + b)):
            raise ModelInputError(f"prior must be two positive pseudo-counts (right, wrong), got {self.prior!r}")
        _check_number("max_iter", self.max_iter, integer=True, low=1)
        m = votes.n_lfs
        with _gc_paused():
            clusters = _Clusters(votes)
        w = np.ones(m)
        previous = None
        self.n_iter_ = 0
        for _ in range(self.max_iter):
            chosen = clusters.choices(w)
            hit = a + clusters.fixed_hit
            if len(clusters.multi):
                hit = hit + clusters.hits[np.arange(len(clusters.multi)), chosen[clusters.multi]].sum(0)
            p = hit / (a + b + clusters.total)
            w = np.log(p / (1 - p))
            self.n_iter_ += 1
            if previous is not None and np.array_equal(chosen, previous):
                break
            previous = chosen
        self.lf_precision_, self.weights_ = p, w
        return self

    def predict_spans(self, votes: SpanLabelMatrix) -> list[list[Span]]:
        """Best spans per document (one option per cluster)."""
        votes = self._check(votes)
        with _gc_paused():
            clusters = _Clusters(votes)
        out: list[list[Span]] = [[] for _ in range(votes.n_docs)]
        for (d, _, _, opts), k in zip(clusters.items, clusters.choices(self.weights_), strict=True):
            out[d].extend(opts[k])
        return [sorted(x) for x in out]

    def predict_proba(self, votes: SpanLabelMatrix) -> list[np.ndarray]:
        """Token marginals over :attr:`tag_names_` (BIO): a softmax over each cluster's option scores."""
        votes = self._check(votes)
        index = {t: k for k, t in enumerate(self.types_)}
        with _gc_paused():
            clusters = _Clusters(votes)
        post = np.zeros((len(clusters.items), clusters.valid.shape[1] if len(clusters.multi) else 1))
        post[:, 0] = 1.0
        if len(clusters.multi):
            sc = clusters.scores(self.weights_)
            q = np.exp(sc - sc.max(1, keepdims=True))
            post[clusters.multi] = q / q.sum(1, keepdims=True)
        out = [np.zeros((int(n), 2 * len(self.types_) + 1)) for n in votes.lengths]
        for P in out:
            P[:, 0] = 1.0
        for (d, s, e, opts), qs in zip(clusters.items, post, strict=True):
            P = out[d]
            P[s:e] = 0.0
            for o, q in zip(opts, qs, strict=False):
                tags = np.zeros(e - s, dtype=np.int64)
                for a, b, t in o:
                    tags[a - s] = 2 * index[t] + 1
                    tags[a - s + 1 : b - s] = 2 * index[t] + 2
                P[np.arange(s, e), tags] += q
        return out


__all__ = ["SequenceLabelModel"]
