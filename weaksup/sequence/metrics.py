"""Entity-level scores: exact span and type, micro-averaged over documents (as seqeval and WRENCH report)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from weaksup._validation import in_row_order
from weaksup.sequence.spans import Span, SpanError, _is_int


def _prf(correct: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = correct / n_pred if n_pred else 0.0
    r = correct / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def in_doc_order(gold: Any, doc_ids: Sequence[Any] | pd.Index, owner: str = "votes") -> Any:
    """``gold`` (one span list per document) in the order of ``doc_ids``: a pandas Series indexed by the document
    ids in another order is matched by id, as gold labels are (by position it would score each document against
    another's gold); anything else is taken in order.

    Examples
    --------
    >>> in_doc_order(pd.Series([[], [(0, 1, "A")]], index=["b", "a"]), ["a", "b"]).tolist()
    [[(0, 1, 'A')], []]
    """
    if isinstance(gold, pd.Series):
        return in_row_order(gold, pd.Index(list(doc_ids), tupleize_cols=False), name="gold", error=SpanError,
                            owner=owner)
    return gold


def _span_set(spans: Sequence[Span], side: str, d: int) -> set[Span]:
    """One document's spans as a set of ``(start, end, type)`` tuples; a malformed one is an error, never a miss."""
    if isinstance(spans, (str, bytes)) or not isinstance(spans, Iterable):
        raise SpanError(f"{side} document {d}: expected a list of (start, end, type) spans, got {spans!r:.60}")
    out = set()
    for x in spans:
        if isinstance(x, (str, bytes)) or not isinstance(x, Sequence) or len(x) != 3:
            raise SpanError(f"{side} document {d}: {x!r:.60} is not a (start, end, type) span (give every document "
                            "a list of spans, [[(0, 2, 'PER')], []])")
        if not (_is_int(x[0]) and _is_int(x[1])):  # ('0', '1', 'A') from a CSV would never match
            raise SpanError(f"{side} document {d}: span {tuple(x)!r} needs integer token bounds")
        if not isinstance(x[2], str) or not x[2]:  # a NaN type (a CSV gap) was a silent miss, None a bare TypeError
            raise SpanError(f"{side} document {d}: span {tuple(x)!r} needs an entity type name (a non-empty string)")
        out.add((int(x[0]), int(x[1]), str(x[2])))
    return out


def entity_scores(pred: Sequence[Sequence[Span]], gold: Sequence[Sequence[Span]]) -> dict[str, float]:
    """Micro entity precision, recall and F1: a predicted span counts only with the exact bounds and type.

    Examples
    --------
    >>> s = entity_scores([[(0, 2, "PER"), (3, 4, "LOC")]], [[(0, 2, "PER"), (3, 5, "LOC")]])
    >>> s["precision"], s["recall"], s["f1"]
    (0.5, 0.5, 0.5)
    """
    if len(pred) != len(gold):
        raise SpanError(f"{len(pred)} predicted documents but {len(gold)} gold documents")
    if isinstance(pred, pd.Series):  # two Series: matched by document id
        gold = in_doc_order(gold, pred.index, owner="pred")
    correct = n_pred = n_gold = 0
    for d, (p, g) in enumerate(zip(pred, gold, strict=False)):
        ps, gs = _span_set(p, "predicted", d), _span_set(g, "gold", d)
        correct += len(ps & gs)
        n_pred += len(ps)
        n_gold += len(gs)
    prec, rec, f1 = _prf(correct, n_pred, n_gold)
    return {"precision": prec, "recall": rec, "f1": f1, "correct": correct, "n_pred": n_pred, "n_gold": n_gold}


def entity_report(pred: Sequence[Sequence[Span]], gold: Sequence[Sequence[Span]]) -> pd.DataFrame:
    """Per-type and micro-averaged precision / recall / F1 / support.

    Examples
    --------
    >>> entity_report([[(0, 1, "A"), (2, 3, "B")]], [[(0, 1, "A")]])["f1"].round(2).tolist()
    [1.0, 0.0, 0.67]
    """
    total = entity_scores(pred, gold)  # checks every document's spans first
    if isinstance(pred, pd.Series):  # as entity_scores: the per-type rows too pair documents by id
        gold = in_doc_order(gold, pred.index, owner="pred")
    types = sorted({x[2] for doc in list(pred) + list(gold) for x in doc})
    rows = {}
    for t in types:
        s = entity_scores([[x for x in d if x[2] == t] for d in pred], [[x for x in d if x[2] == t] for d in gold])
        rows[t] = [s["precision"], s["recall"], s["f1"], s["n_gold"]]
    rows["micro"] = [total["precision"], total["recall"], total["f1"], total["n_gold"]]
    return pd.DataFrame.from_dict(rows, orient="index", columns=["precision", "recall", "f1", "support"])
