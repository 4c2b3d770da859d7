"""Span LF analysis: coverage, overlaps, conflicts, and empirical precision/recall against gold spans."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from weaksup.sequence.matrix import SpanLabelMatrix
from weaksup.sequence.metrics import entity_scores, in_doc_order
from weaksup.sequence.spans import Span, SpanError


class SpanLFAnalysis:
    """Summary statistics of span LFs over a :class:`SpanLabelMatrix`.

    Token-level columns count tokens: ``coverage`` (share of tokens the LF tags), ``overlaps``
    (tags a token another LF tags too), ``conflicts`` (tags a token another LF tags with a different
    type). With gold spans: ``token_precision`` / ``token_recall`` (typed tokens) and
    ``entity_precision`` / ``entity_recall`` / ``entity_f1`` (exact span and type).

    Examples
    --------
    >>> V = SpanLabelMatrix([[[(0, 2, "A")], [(1, 2, "B")]]], [3], ["x", "y"], ["A", "B"])
    >>> SpanLFAnalysis(V).summary(gold=[[(0, 2, "A")]])[["coverage", "conflicts", "entity_f1"]]
       coverage  conflicts  entity_f1
    x  0.666667   0.333333        1.0
    y  0.333333   0.333333        0.0
    """

    def __init__(self, votes: SpanLabelMatrix) -> None:
        if not isinstance(votes, SpanLabelMatrix):
            raise SpanError(f"SpanLFAnalysis needs a SpanLabelMatrix, got {type(votes).__name__}")
        self.votes = votes

    def _typed(self) -> np.ndarray:
        """Dense tokens x LFs entity-type index + 1 (0 = untagged)."""
        io = self.votes.with_scheme("IO") if self.votes.scheme != "IO" else self.votes
        return io.to_dense().astype(np.int64)

    def summary(self, gold: Sequence[Sequence[Span]] | None = None) -> pd.DataFrame:
        """One row per LF."""
        T = self._typed()
        n = max(T.shape[0], 1)
        tagged = T > 0
        n_tag = tagged.sum(1)
        # a conflict: another LF tags the token with another type
        types_per_token = np.zeros((T.shape[0], len(self.votes.types) + 1), dtype=np.int64)
        np.add.at(types_per_token, (np.repeat(np.arange(T.shape[0]), T.shape[1]), T.ravel()), 1)
        types_per_token[:, 0] = 0
        out = {
            "n_spans": [sum(len(s) for s in self.votes.lf_spans(j)) for j in range(self.votes.n_lfs)],
            "types": [sorted({t for d in self.votes.lf_spans(j) for _, _, t in d}) for j in range(self.votes.n_lfs)],
            "coverage": tagged.sum(0) / n,
            "overlaps": (tagged & (n_tag[:, None] > 1)).sum(0) / n,
            "conflicts": np.array([
                (tagged[:, j] & ((types_per_token > 0).sum(1) - (types_per_token[np.arange(len(T)), T[:, j]] > 0) > 0)).sum()
                for j in range(T.shape[1])
            ]) / n,
        }
        df = pd.DataFrame(out, index=self.votes.lf_names)
        if gold is not None:
            gold = in_doc_order(gold, self.votes.doc_ids)  # a Series by document id, in any order
            if len(gold) != self.votes.n_docs:
                raise SpanError(f"{len(gold)} gold documents for {self.votes.n_docs} documents")
            # gold may hold types no LF tagged (SpanApplier's default types are the ones the LFs produced);
            # appended after the LFs' types, so a shared type keeps its index
            extra = sorted({str(x[2]) for g in gold for x in g} - set(self.votes.types))
            G = SpanLabelMatrix([[g] for g in gold], self.votes.lengths, ["gold"], self.votes.types + extra,
                                doc_ids=self.votes.doc_ids, scheme="IO")
            g = G.to_dense()[:, 0].astype(np.int64)
            df["token_precision"] = [((T[:, j] == g) & tagged[:, j]).sum() / max(tagged[:, j].sum(), 1)
                                     for j in range(T.shape[1])]
            df["token_recall"] = [((T[:, j] == g) & (g > 0)).sum() / max((g > 0).sum(), 1) for j in range(T.shape[1])]
            for j, name in enumerate(self.votes.lf_names):
                s = entity_scores(self.votes.lf_spans(j), gold)
                df.loc[name, "entity_precision"] = s["precision"]
                df.loc[name, "entity_recall"] = s["recall"]
                df.loc[name, "entity_f1"] = s["f1"]
        return df
