"""Active learning: which rows to hand-label next (to grow the dev set, or to write the next LF)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from weaksup.errors import ModelInputError
from weaksup.matrix import as_label_matrix
from weaksup.quality._checks import as_rng
from weaksup.utils import check_probs, vote_counts

STRATEGIES = ("entropy", "margin", "lf_disagreement", "committee", "random")


class LabelSuggestions(NamedTuple):
    """Rows to hand-label next, best first.

    Attributes
    ----------
    ids : pandas.Index
        Row ids (values of ``L.index``).
    positions : ndarray of int
        Row numbers (positions in ``L`` / ``probs``).
    scores : ndarray of float
        The strategy's informativeness score of each suggested row (higher = more useful;
        random draws for ``random``).
    """

    ids: pd.Index
    positions: np.ndarray
    scores: np.ndarray


def _entropy(P: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return -np.where(P > 0, P * np.log(P), 0.0).sum(axis=1)


def _exclusion_mask(exclude: Any, index: pd.Index) -> np.ndarray:
    n = len(index)
    if exclude is None:
        return np.zeros(n, dtype=bool)
    arr = np.asarray(exclude)
    if arr.dtype == bool:
        if arr.shape != (n,):
            raise ModelInputError(f"exclude mask has shape {arr.shape}, expected ({n},)")
        return arr.copy()
    ids = pd.Index(np.atleast_1d(arr))
    if not index.is_unique:
        raise ModelInputError("exclude by row id needs unique row ids in L.index")
    pos = index.get_indexer(ids)
    if (pos < 0).any():
        raise ModelInputError(f"exclude holds row ids not in L.index: {ids[pos < 0][:5].tolist()}")
    mask = np.zeros(n, dtype=bool)
    mask[pos] = True
    return mask


def suggest_labels(
    L: Any,
    probs: Any,
    n: int,
    strategy: str = "entropy",
    exclude: Any = None,
    seed: int | None = None,
    committee_probs: Sequence[Any] | None = None,
    batch: str = "top",
    power: float = 4.0,
) -> LabelSuggestions:
    """Pick ``n`` rows to hand-label next.

    Parameters
    ----------
    L : LabelMatrix, dense array or sparse matrix (n_rows x m), or None
        The LF votes; gives the row ids (``L.index``). ``None`` is allowed for the
        probability-only strategies (ids are then positions).
    probs : array (n_rows, k)
        The label model's (or end model's) probabilities.
    n : int
        How many rows to suggest (fewer if fewer are left after ``exclude``).
    strategy : {"entropy", "margin", "lf_disagreement", "committee", "random"}
        ``entropy``: highest entropy of ``probs``. ``margin``: smallest gap between the two most
        likely classes. ``lf_disagreement``: rows where the LFs are silent (no vote) or disagree
        (vote entropy among the votes); the places to write the next LF. ``committee``: vote
        entropy of a committee's argmax votes — ``probs``, majority vote of ``L`` and each
        matrix in ``committee_probs`` — ties broken by the committee's mean-probability
        entropy. ``random``: uniform draw (the baseline).
    exclude : row ids (values of ``L.index``) or boolean mask, optional
        Rows never suggested (e.g. already labeled).
    seed : int or None
        Breaks ties (and draws for ``random``) with a private generator.
    committee_probs : sequence of (n_rows, k) arrays, optional
        Other label models' probabilities for ``committee``.
    batch : {"top", "stochastic"}
        ``top``: the ``n`` best-scoring rows. ``stochastic``: draw ``n`` rows without
        replacement with probability proportional to ``score ** power`` (power acquisition,
        Kirsch et al., TMLR 2023): a batch of near-duplicates all at the top of the ranking
        teaches the model little, and sampling spreads the batch while still favouring
        informative rows. Matters when ``n`` is more than a few rows; results come in draw order.
    power : float
        Exponent for ``batch="stochastic"``; larger is closer to ``top``.

    Returns
    -------
    LabelSuggestions
        ``ids`` (row ids), ``positions`` (row numbers) and ``scores``, best first.

    Examples
    --------
    >>> import numpy as np
    >>> L = np.array([[0, 0], [0, 1], [-1, -1], [1, 1]])
    >>> probs = np.array([[0.9, 0.1], [0.55, 0.45], [0.5, 0.5], [0.2, 0.8]])
    >>> suggest_labels(L, probs, 2, strategy="entropy").positions.tolist()
    [2, 1]
    >>> suggest_labels(L, probs, 1, strategy="entropy", exclude=[2]).ids.tolist()
    [1]
    >>> len(suggest_labels(L, probs, 2, batch="stochastic", seed=0).positions)
    2
    """
    if strategy not in STRATEGIES:
        raise ModelInputError(f"strategy must be one of {STRATEGIES}, got {strategy!r}")
    if batch not in ("top", "stochastic"):
        raise ModelInputError(f"batch must be 'top' or 'stochastic', got {batch!r}")
    if not power > 0:
        raise ModelInputError(f"power must be > 0, got {power}")
    if int(n) != n or n < 0:
        raise ModelInputError(f"n must be a non-negative integer, got {n!r}")
    P = check_probs(probs, name="probs")
    if L is None:
        if strategy in ("lf_disagreement", "committee"):
            raise ModelInputError(f"strategy {strategy!r} needs the label matrix L")
        index, Lm = pd.RangeIndex(len(P)), None
    else:
        Lm = as_label_matrix(L)
        if Lm.n_rows != len(P):
            raise ModelInputError(f"probs has {len(P)} rows but L has {Lm.n_rows}")
        index = Lm.index
    rng = as_rng(seed)
    k = P.shape[1]

    if strategy == "entropy":
        score = _entropy(P)
    elif strategy == "margin":
        top2 = np.sort(P, axis=1)[:, -2:]
        score = 1.0 - (top2[:, 1] - top2[:, 0])
    elif strategy == "lf_disagreement":
        counts = vote_counts(Lm, max(k, Lm.infer_cardinality()))
        total = counts.sum(axis=1, keepdims=True)
        share = np.divide(counts, total, out=np.zeros_like(counts), where=total > 0)
        # silent rows are as uninformative to the LFs as a perfect split: both score the maximum
        score = np.where(total[:, 0] > 0, _entropy(share), np.log(counts.shape[1]))
    elif strategy == "committee":
        members = [P, _majority_probs(Lm, k)]
        for j, cp in enumerate(committee_probs or []):
            Q = check_probs(cp, k, name=f"committee_probs[{j}]")
            if len(Q) != len(P):
                raise ModelInputError(f"committee_probs[{j}] has {len(Q)} rows, expected {len(P)}")
            members.append(Q)
        votes = np.stack([M.argmax(axis=1) for M in members], axis=1)
        vote_share = np.stack([(votes == c).mean(axis=1) for c in range(k)], axis=1)
        consensus = _entropy(np.mean(members, axis=0)) / np.log(k)
        score = _entropy(vote_share) + 1e-3 * consensus
    else:
        score = rng.random(len(P))

    available = ~_exclusion_mask(exclude, index)
    cand = np.flatnonzero(available)
    tiebreak = rng.random(len(cand))
    if batch == "stochastic" and strategy != "random":
        # Efraimidis-Spirakis keys: the n smallest E_i / w_i are a weighted draw without replacement
        weight = np.maximum(score[cand], 0.0) ** power + 1e-12
        order = np.argsort(rng.exponential(size=len(cand)) / weight, kind="stable")[: int(n)]
    else:
        order = np.lexsort((tiebreak, -score[cand]))[: int(n)]
    pos = cand[order]
    return LabelSuggestions(index[pos], pos, score[pos])


def _majority_probs(L: Any, k: int) -> np.ndarray:
    """Majority-vote probabilities (ties and silent rows split evenly) without fitting a model."""
    counts = vote_counts(L, max(k, L.infer_cardinality()))[:, :k]
    top = counts.max(axis=1, keepdims=True)
    win = np.isclose(counts, top)
    return win / win.sum(axis=1, keepdims=True)
