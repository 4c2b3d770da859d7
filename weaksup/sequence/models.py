"""Sequence label models: token majority vote and an HMM with per-LF emissions.

All take a :class:`~weaksup.sequence.matrix.SpanLabelMatrix`; ``predict_proba`` gives per document a
``(n_tokens, n_tags)`` array of token marginals over :attr:`tag_names_` (BIO), ``predict_spans`` the
best spans per document. Votes to predict on are matched to the fitted ones by name: the same LFs in
any order, and the fitted types or some of them (``SpanApplier``'s default types are the ones the LFs
produced, so a test split often lacks one); a type the model was not fitted on is an error. The
default, :class:`~weaksup.sequence.span_model.SequenceLabelModel`, lives in
:mod:`weaksup.sequence.span_model`.
"""

from __future__ import annotations

import time
import warnings
from abc import ABC, abstractmethod
from collections.abc import Sequence

import numpy as np
from sklearn.base import BaseEstimator

from weaksup.errors import ModelInputError, NotFittedError, WeaksupWarning
from weaksup.sequence._hmm import batches, bio_allowed, forward_backward, viterbi
from weaksup.sequence.matrix import SpanLabelMatrix
from weaksup.sequence.metrics import entity_scores, in_doc_order
from weaksup.sequence.spans import Span, tag_names, tags_to_spans


class BaseSequenceModel(BaseEstimator, ABC):
    """Validation, the fitted-state check and ``score`` shared by the sequence label models."""

    def _check(self, votes: SpanLabelMatrix, fitting: bool = False) -> SpanLabelMatrix:
        if not isinstance(votes, SpanLabelMatrix):
            raise ModelInputError(
                f"{type(self).__name__} needs a SpanLabelMatrix (from SpanApplier or load_wrench_sequence), "
                f"got {type(votes).__name__}"
            )
        if votes.n_lfs == 0:
            raise ModelInputError("the span label matrix has no LFs")
        if not fitting:
            if not hasattr(self, "types_"):
                raise NotFittedError(f"this {type(self).__name__} is not fitted yet; call fit(votes) first")
            if votes.lf_names != self.lf_names_:
                if sorted(votes.lf_names) != sorted(self.lf_names_):
                    raise ModelInputError(
                        f"votes have LFs {votes.lf_names}; the model was fitted on LFs {self.lf_names_}"
                    )
                votes = votes.select_lfs(self.lf_names_)  # the same LFs in another order
            if votes.types != self.types_:
                unseen = [t for t in votes.types if t not in self.types_]
                if unseen:
                    raise ModelInputError(
                        f"votes have entity types {unseen} the model was not fitted on (it knows {self.types_}); "
                        f"fit on votes with every type, e.g. SpanApplier(lfs, types={self.types_ + unseen})"
                    )
                # a split where a type never fires (SpanApplier's default types are the ones seen): same vocabulary
                votes = votes._with_types(self.types_)
        return votes

    def _remember(self, votes: SpanLabelMatrix) -> None:
        self.types_, self.lf_names_ = list(votes.types), list(votes.lf_names)
        self.tag_names_ = tag_names(self.types_, "BIO")

    @abstractmethod
    def predict_spans(self, votes: SpanLabelMatrix) -> list[list[Span]]:
        """Per sentence, the predicted ``(start, end, type)`` spans (end exclusive)."""

    def score(self, votes: SpanLabelMatrix, gold: Sequence[Sequence[Span]]) -> dict[str, float]:
        """Entity precision / recall / F1 of :meth:`predict_spans` against ``gold`` (exact span and type); a Series
        of gold spans indexed by document id is matched to ``votes.doc_ids``."""
        return entity_scores(self.predict_spans(votes), in_doc_order(gold, votes.doc_ids))


def _check_number(name: str, value: object, integer: bool = False, low: float = 0) -> None:
    """A model parameter that must be a (whole) number ``>= low``."""
    kinds = (int, np.integer) if integer else (int, float, np.integer, np.floating)
    if isinstance(value, bool) or not isinstance(value, kinds) or not value >= low:
        raise ModelInputError(f"{name} must be {'an integer' if integer else 'a number'} >= {low}, got {value!r}")


def _bio_votes(votes: SpanLabelMatrix) -> np.ndarray:
    """Dense tokens x LFs BIO tag indices."""
    return (votes if votes.scheme == "BIO" else votes.with_scheme("BIO")).to_dense().astype(np.int64)


def _io_counts(votes: SpanLabelMatrix) -> np.ndarray:
    """tokens x (1 + K): per type the LFs tagging the token with it (column 0 unused)."""
    io = (votes if votes.scheme == "IO" else votes.with_scheme("IO")).to_dense().astype(np.int64)
    K = len(votes.types)
    counts = np.zeros((io.shape[0], K + 1))
    for j in range(io.shape[1]):
        counts[np.arange(io.shape[0]), io[:, j]] += 1
    counts[:, 0] = 0
    return counts


def _split(x: np.ndarray, votes: SpanLabelMatrix) -> list[np.ndarray]:
    return [x[votes.doc_offsets[d] : votes.doc_offsets[d + 1]] for d in range(votes.n_docs)]


def _io_to_bio_proba(p_io: np.ndarray, K: int) -> np.ndarray:
    """Spread IO marginals onto BIO: a typed token is B- when the previous token is not the same type."""
    n = len(p_io)
    out = np.zeros((n, 2 * K + 1))
    out[:, 0] = p_io[:, 0]
    prev = np.vstack([np.zeros((1, K + 1)), p_io[:-1]]) if n else p_io
    for k in range(K):
        same = prev[:, k + 1]
        out[:, 2 * k + 1] = p_io[:, k + 1] * (1 - same)
        out[:, 2 * k + 2] = p_io[:, k + 1] * same
    return out


class SequenceMajorityVoter(BaseSequenceModel):
    """Token-level majority vote with WRENCH's rule: where any LF tags a token, the LFs' O votes do not count.

    The type with the most votes wins at each token (ties to the first type in ``types``); maximal runs of
    one type become spans (IO decoding, which scores higher than voting BIO tags on the WRENCH sets).

    Examples
    --------
    >>> V = SpanLabelMatrix([[[(0, 2, "A")], [(1, 2, "A")], [(1, 3, "B")]]], [3], ["x", "y", "z"], ["A", "B"])
    >>> SequenceMajorityVoter().fit(V).predict_spans(V)
    [[(0, 2, 'A'), (2, 3, 'B')]]
    """

    def fit(self, votes: SpanLabelMatrix) -> SequenceMajorityVoter:
        """Record types and LF names (majority vote learns nothing)."""
        votes = self._check(votes, fitting=True)
        self._remember(votes)
        return self

    def _io_proba(self, votes: SpanLabelMatrix) -> np.ndarray:
        counts = _io_counts(votes)
        total = counts.sum(1, keepdims=True)
        p = np.where(total > 0, counts / np.maximum(total, 1), 0.0)
        p[:, 0] = (total[:, 0] == 0).astype(float)
        return p

    def predict_proba(self, votes: SpanLabelMatrix) -> list[np.ndarray]:
        """Vote shares as token marginals over :attr:`tag_names_`."""
        votes = self._check(votes)
        return [_io_to_bio_proba(p, len(self.types_)) for p in _split(self._io_proba(votes), votes)]

    def predict_spans(self, votes: SpanLabelMatrix) -> list[list[Span]]:
        votes = self._check(votes)
        tags = self._io_proba(votes).argmax(1)  # argmax ties go to the lowest index: first type
        return [tags_to_spans(t, self.types_, "IO") for t in _split(tags, votes)]


class SequenceHMM(BaseSequenceModel):
    """A hidden Markov model over BIO tags in which each LF emits its own BIO tag (skweak's model).

    Fitted by EM with scaled forward-backward vectorized over documents (numpy; no hmmlearn),
    initialized from the majority vote, with Dirichlet priors that each LF tends to emit the true tag
    (``prior_strength`` pseudo-counts per row) and BIO transitions enforced.

    Parameters
    ----------
    n_iter : int
    tol : float
        Stop when the mean log-likelihood per token improves by less.
    prior_strength : float
        Pseudo-counts on each LF emitting the true tag (a weak pull towards accurate LFs).
    decode : {"viterbi", "posterior"}
        Spans from the best path, or from per-token posterior argmax (strict IOB2).
    verbose : bool

    Examples
    --------
    >>> V = SpanLabelMatrix([[[(0, 2, "A")], [(0, 2, "A")]], [[(1, 2, "A")], []]], [3, 2], ["x", "y"], ["A"])
    >>> SequenceHMM().fit(V).predict_spans(V)
    [[(0, 2, 'A')], [(1, 2, 'A')]]
    """

    def __init__(
        self, n_iter: int = 30, tol: float = 1e-4, prior_strength: float = 5.0, decode: str = "viterbi",
        verbose: bool = False,
    ) -> None:
        self.n_iter, self.tol, self.prior_strength, self.decode, self.verbose = n_iter, tol, prior_strength, decode, verbose

    def _emissions(self, obs: np.ndarray) -> np.ndarray:
        logE = np.zeros((obs.shape[0], self.start_.shape[0]))
        for j in range(obs.shape[1]):
            logE += np.log(self.emission_[j][:, obs[:, j]]).T
        return np.exp(logE - logE.max(1, keepdims=True))

    def fit(self, votes: SpanLabelMatrix) -> SequenceHMM:
        """EM from the majority vote's posteriors."""
        if self.decode not in ("viterbi", "posterior"):
            raise ModelInputError(f"decode must be 'viterbi' or 'posterior', got {self.decode!r}")
        _check_number("n_iter", self.n_iter, integer=True, low=1)
        _check_number("tol", self.tol, low=0)
        _check_number("prior_strength", self.prior_strength, low=0)  # negative pseudo-counts: NaN emissions
        votes = self._check(votes, fitting=True)
        self._remember(votes)
        K, m = len(self.types_), votes.n_lfs
        S = 2 * K + 1
        obs = _bio_votes(votes)
        offsets, groups = votes.doc_offsets, batches(votes.lengths)
        start_ok, trans_ok = bio_allowed(K)
        mv = SequenceMajorityVoter().fit(votes).predict_proba(votes)
        gamma = np.vstack(mv) if mv else np.zeros((0, S))
        xi = self._transition_counts(gamma, votes)
        starts = gamma[offsets[:-1][votes.lengths > 0]].sum(0)
        prior = np.full((m, S, S), 0.1)
        prior[:, np.arange(S), np.arange(S)] += self.prior_strength
        self.history_, prev = [], -np.inf
        t0 = time.perf_counter()
        for it in range(self.n_iter):
            # M-step
            em = prior.copy()
            for j in range(m):
                for o in range(S):
                    sel = obs[:, j] == o
                    if sel.any():
                        em[j, :, o] += gamma[sel].sum(0)
            self.emission_ = em / em.sum(2, keepdims=True)
            st = (starts + 1.0) * start_ok
            self.start_ = st / st.sum()
            tr = (xi + 1.0) * trans_ok
            self.transition_ = tr / tr.sum(1, keepdims=True)
            # E-step
            E = self._emissions(obs)
            gamma = np.zeros((len(obs), S))
            xi = np.zeros((S, S))
            ll = 0.0
            for docs in groups:
                docs = docs[votes.lengths[docs] > 0]
                if not len(docs):
                    continue
                g, x, lli = forward_backward(E, offsets, docs, self.start_, self.transition_)
                rows = np.concatenate([np.arange(offsets[d], offsets[d + 1]) for d in docs])
                gamma[rows] = g
                xi += x
                ll += lli
            starts = gamma[offsets[:-1][votes.lengths > 0]].sum(0)
            ll /= max(len(obs), 1)
            self.history_.append(ll)
            if self.verbose:
                print(f"iter {it}: log-lik/token {ll:.5f} ({time.perf_counter() - t0:.1f}s)")
            if abs(ll - prev) < self.tol:
                break
            prev = ll
        else:
            if self.n_iter > 1:
                warnings.warn(f"SequenceHMM stopped at n_iter={self.n_iter} before converging", WeaksupWarning,
                              stacklevel=2)
        self.n_iter_ = len(self.history_)
        return self

    @staticmethod
    def _transition_counts(gamma: np.ndarray, votes: SpanLabelMatrix) -> np.ndarray:
        same_doc = np.ones(len(gamma), bool)
        same_doc[votes.doc_offsets[:-1][votes.lengths > 0]] = False  # an empty document starts no token
        idx = np.nonzero(same_doc)[0]
        return gamma[idx - 1].T @ gamma[idx]

    def predict_proba(self, votes: SpanLabelMatrix) -> list[np.ndarray]:
        """Posterior token marginals over :attr:`tag_names_`."""
        votes = self._check(votes)
        obs = _bio_votes(votes)
        E = self._emissions(obs)
        gamma = np.zeros_like(E)
        for docs in batches(votes.lengths):
            docs = docs[votes.lengths[docs] > 0]
            if len(docs):
                g, _, _ = forward_backward(E, votes.doc_offsets, docs, self.start_, self.transition_, want_xi=False)
                gamma[np.concatenate([np.arange(votes.doc_offsets[d], votes.doc_offsets[d + 1]) for d in docs])] = g
        return _split(gamma, votes)

    def predict_spans(self, votes: SpanLabelMatrix) -> list[list[Span]]:
        votes = self._check(votes)
        if self.decode == "posterior":
            return [tags_to_spans(p.argmax(1), self.types_, "BIO") for p in self.predict_proba(votes)]
        obs = _bio_votes(votes)
        logE = np.log(self._emissions(obs))
        with np.errstate(divide="ignore"):
            ls, lt = np.log(self.start_), np.log(self.transition_)
        out = []
        for d in range(votes.n_docs):
            a, b = votes.doc_offsets[d], votes.doc_offsets[d + 1]
            out.append(tags_to_spans(viterbi(logE[a:b], ls, lt), self.types_, "BIO") if b > a else [])
        return out
