"""Active learning: which rows to hand-label next (to grow the dev set, or to write the next LF)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import scipy.sparse as sp

from weaksup._validation import in_row_order
from weaksup.errors import ModelInputError
from weaksup.matrix import as_label_matrix
from weaksup.quality._checks import as_rng, class_ordered
from weaksup.quality.sampling import _check_n
from weaksup.utils import check_probs, vote_counts

STRATEGIES = ("entropy", "margin", "lf_disagreement", "committee", "random")
BATCHES = ("top", "diverse", "stochastic")
# scores closer than this are a tie (float noise of equal probability rows)
_TIE = 1e-9


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

    reasons : list of str
        Why each row was picked, in words (the score, whether the LFs are silent, how a tie
        with equally scored rows was broken).

    Examples
    --------
    >>> import numpy as np
    >>> s = suggest_labels(np.array([[0, 1], [0, 0]]), np.array([[0.5, 0.5], [0.9, 0.1]]), 1)
    >>> s.to_frame().columns.tolist()
    ['id', 'position', 'score', 'reason']
    """

    ids: pd.Index
    positions: np.ndarray
    scores: np.ndarray
    reasons: list[str] = []

    def to_frame(self) -> pd.DataFrame:
        """One row per suggestion, best first: ``id``, ``position``, ``score``, ``reason``."""
        reasons = list(self.reasons) if len(self.reasons) == len(self.ids) else [""] * len(self.ids)
        return pd.DataFrame({"id": list(self.ids), "position": self.positions, "score": self.scores,
                             "reason": reasons})


def _entropy(P: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return -np.where(P > 0, P * np.log(P), 0.0).sum(axis=1)


def _exclusion_mask(exclude: Any, index: pd.Index) -> np.ndarray:
    n = len(index)
    if exclude is None:
        return np.zeros(n, dtype=bool)
    if isinstance(exclude, (set, frozenset)):  # ids already labeled, as a set: order does not matter
        exclude = list(exclude)
    if isinstance(exclude, pd.Series) and exclude.dtype == bool:
        exclude = in_row_order(exclude, index, strict=False)  # a mask indexed by the row ids, in another order
    if isinstance(index, pd.MultiIndex) and isinstance(exclude, (list, tuple)) and exclude \
            and all(isinstance(v, tuple) for v in exclude):
        exclude = pd.MultiIndex.from_tuples(exclude)  # np.asarray would make the tuple ids a 2-D array of text
    arr = exclude if isinstance(exclude, pd.MultiIndex) else np.asarray(exclude)
    if arr.dtype == bool:
        if arr.shape != (n,):
            raise ModelInputError(f"exclude mask has shape {arr.shape}, expected ({n},)")
        return arr.copy()
    ids = arr if isinstance(arr, pd.MultiIndex) else pd.Index(np.atleast_1d(arr))
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
    seed: int | None = 0,
    committee_probs: Sequence[Any] | None = None,
    batch: str = "top",
    power: float = 4.0,
    *,
    X: Any = None,
    texts: Sequence[Any] | None = None,
    tiebreak_probs: Any = None,
    similarity: float = 0.9,
) -> LabelSuggestions:
    """Pick ``n`` rows to hand-label next.

    Rows with equal scores are common: every row no LF votes on gets the label model's class
    prior, so under ``entropy`` they all tie. Ties are broken informatively, never by position:
    first by the uncertainty (entropy) of ``tiebreak_probs`` (e.g. an end model's
    probabilities, which do differ on rows the LFs miss), then, when features are known
    (``X``, or ``texts``), by distance to the rows already labeled (``exclude``) and already
    picked (farthest first, so a tied batch spreads over the feature space), then at random.

    Parameters
    ----------
    L : LabelMatrix, dense array or sparse matrix (n_rows x m), or None
        The LF votes; gives the row ids (``L.index``). ``None`` is allowed for the
        probability-only strategies (ids are then a ``probs`` DataFrame's index, else positions).
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
        Breaks the last ties (and draws for ``random``, ``stochastic``) with a private generator. Default 0:
        the same call suggests the same rows (as ``weaksup suggest``); ``None`` draws fresh entropy.
    committee_probs : sequence of (n_rows, k) arrays, optional
        Other label models' probabilities for ``committee`` (a single array is one member).
    batch : {"top", "diverse", "stochastic"}
        ``top``: the ``n`` best-scoring rows. ``diverse``: best first too, but a row is skipped
        while its normalized text (case, spacing and punctuation ignored) equals that of a row
        already labeled or picked, or its cosine similarity (on ``X``) to one reaches
        ``similarity``; skipped rows only fill the batch when nothing else is left.
        ``stochastic``: draw ``n`` rows without replacement with probability proportional to
        ``score ** power`` (power acquisition, Kirsch et al., TMLR 2023); results come in draw order.
    power : float
        Exponent for ``batch="stochastic"``; larger is closer to ``top``.
    X : array or sparse matrix (n_rows x d), optional
        Row features for tie-breaking by distance and for ``diverse`` (cosine similarity).
    texts : sequence of str (n_rows), optional
        Row texts: exact duplicates after normalization are skipped by ``diverse``, and
        without ``X`` a TF-IDF of the texts serves as ``X``.
    tiebreak_probs : array (n_rows, k'), optional
        A second model's probabilities (e.g. the end model's) whose entropy breaks ties.
    similarity : float in (0, 1]
        Cosine similarity at which ``diverse`` treats two rows as near-duplicates.

    Returns
    -------
    LabelSuggestions
        ``ids`` (row ids), ``positions`` (row numbers), ``scores`` and ``reasons``, best first.

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
    >>> texts = ["buy now", "nice song", "Nice  song!", "check my channel"]
    >>> flat = np.full((4, 2), 0.5)
    >>> suggest_labels(None, flat, 2, batch="diverse", texts=texts, exclude=[1], seed=0).positions.tolist()
    [3, 0]
    """
    if strategy not in STRATEGIES:
        raise ModelInputError(f"strategy must be one of {STRATEGIES}, got {strategy!r}")
    if batch not in BATCHES:
        raise ModelInputError(f"batch must be one of {BATCHES}, got {batch!r}")
    if not power > 0:
        raise ModelInputError(f"power must be > 0, got {power}")
    if not 0 < similarity <= 1:
        raise ModelInputError(f"similarity must be in (0, 1], got {similarity}")
    n = _check_n(n)  # nan and inf too: int(nan) is a bare ValueError, int(inf) an OverflowError
    if isinstance(committee_probs, (np.ndarray, pd.DataFrame)) and np.ndim(committee_probs) == 2:
        committee_probs = [committee_probs]  # one other model's probabilities, not a list of them
    probs = class_ordered(probs, "probs")  # a frame's columns named by class id, in another order
    committee_probs = [class_ordered(cp, f"committee_probs[{j}]") for j, cp in enumerate(committee_probs or [])]
    if L is None:
        if strategy in ("lf_disagreement", "committee"):
            raise ModelInputError(f"strategy {strategy!r} needs the label matrix L")
        # without L the rows' ids are a probs frame's (so ids, and exclude by id, work as with L)
        index = probs.index if isinstance(probs, pd.DataFrame) else None
        P = check_probs(probs, name="probs")
        index, Lm = pd.RangeIndex(len(P)) if index is None else index, None
    else:
        Lm = as_label_matrix(L)
        index = Lm.index
        # frames indexed by L's row ids in another order line up by id (tiebreak_probs, X and texts below too)
        probs, tiebreak_probs, X, texts = (in_row_order(v, index, strict=False) for v in (probs, tiebreak_probs, X, texts))
        committee_probs = [in_row_order(v, index, strict=False) for v in committee_probs or []]
        P = check_probs(probs, name="probs")
        if Lm.n_rows != len(P):
            raise ModelInputError(f"probs has {len(P)} rows but L has {Lm.n_rows}")
    rng = as_rng(seed)
    k = P.shape[1]
    second = None
    if tiebreak_probs is not None:
        T = check_probs(tiebreak_probs, name="tiebreak_probs")
        if len(T) != len(P):
            raise ModelInputError(f"tiebreak_probs has {len(T)} rows, expected {len(P)}")
        second = _entropy(T) / np.log(max(T.shape[1], 2))
    norm_texts = _normalized_texts(texts, len(P))
    feats = _unit_rows(X, len(P)) if X is not None else (_tfidf(texts) if texts is not None else None)

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
        consensus = _entropy(np.mean(members, axis=0)) / np.log(max(k, 2))  # one class: log(1) = 0
        score = _entropy(vote_share) + 1e-3 * consensus
    else:
        score = rng.random(len(P))

    taken = _exclusion_mask(exclude, index)
    cand = np.flatnonzero(~taken)
    tiebreak = rng.random(len(cand))
    if batch == "stochastic" and strategy != "random":
        # Efraimidis-Spirakis keys: the n smallest E_i / w_i are a weighted draw without replacement
        weight = np.maximum(score[cand], 0.0) ** power + 1e-12
        order = np.argsort(rng.exponential(size=len(cand)) / weight, kind="stable")[: int(n)]
        pos, notes = cand[order], [""] * len(order)
    else:
        key1 = -np.round(score[cand] / _TIE) * _TIE
        key2 = np.zeros(len(cand)) if second is None else -np.round(second[cand] / _TIE) * _TIE
        order = cand[np.lexsort((tiebreak, key2, key1))]
        pos, notes = _greedy(order, score, second, feats, norm_texts, taken, int(n),
                             diverse=batch == "diverse" and strategy != "random", similarity=similarity)
    covered = None if Lm is None else np.diff(Lm.csr.indptr) > 0
    reasons = [_reason(strategy, score[p], k, None if covered is None else bool(covered[p])) + note
               for p, note in zip(pos, notes, strict=True)]
    return LabelSuggestions(index[pos], pos, score[pos], reasons)


def _normalized_texts(texts: Sequence[Any] | None, n: int) -> list[str] | None:
    if texts is None:
        return None
    texts = list(texts)
    if len(texts) != n:
        raise ModelInputError(f"texts has {len(texts)} entries, expected {n} (one per row of probs)")
    return [re.sub(r"[\W_]+", " ", "" if t is None or t != t else str(t).casefold()).strip() for t in texts]


def _unit_rows(X: Any, n: int) -> Any:
    """Rows scaled to unit length, so a product of rows is their cosine similarity."""
    M = sp.csr_matrix(X, dtype=np.float64) if sp.issparse(X) else np.asarray(X, dtype=np.float64)
    if M.ndim != 2 or M.shape[0] != n:
        raise ModelInputError(f"X has shape {M.shape}, expected ({n}, d): one row per row of probs")
    sq = np.asarray(M.multiply(M).sum(axis=1)).ravel() if sp.issparse(M) else (M * M).sum(axis=1)
    scale = np.divide(1.0, np.sqrt(sq), out=np.zeros_like(sq), where=sq > 0)
    return sp.diags(scale) @ M if sp.issparse(M) else M * scale[:, None]


def _tfidf(texts: Sequence[Any]) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer

    docs = ["" if t is None or t != t else str(t) for t in texts]
    try:
        return TfidfVectorizer(sublinear_tf=True).fit_transform(docs)  # rows already unit length
    except ValueError:  # no word in any text
        return None


def _greedy(order: np.ndarray, score: np.ndarray, second: np.ndarray | None, feats: Any,
            norm_texts: list[str] | None, taken: np.ndarray, n: int, diverse: bool,
            similarity: float) -> tuple[np.ndarray, list[str]]:
    """Walk the ranking; inside a run of tied rows pick the farthest from labeled/picked rows first.

    With ``diverse``, near-duplicates of labeled/picked rows are set aside and only fill the batch at the end.
    """
    m = len(order)
    if n == 0 or m == 0:
        return order[:0], []
    if feats is None and not diverse:  # nothing beyond the ranking: the lexsort already broke the ties
        ties = _tie_sizes(order, score, None)
        return order[:n], [_tie_note(ties[i], second, None) for i in range(min(n, m))]
    F = feats[order] if feats is not None else None  # rows in ranking order, indexed once
    maxsim = np.full(m, -np.inf)
    labeled = np.flatnonzero(taken)
    if F is not None and len(labeled):
        for chunk in np.array_split(labeled, max(1, len(labeled) // 256)):
            sim = F @ feats[chunk].T
            sim = sim.toarray() if sp.issparse(sim) else np.asarray(sim)
            maxsim = np.maximum(maxsim, sim.max(axis=1))
    # text duplicates as integer codes: code -1 (empty text) never counts as a duplicate
    codes, seen = np.full(m, -1), np.zeros(0, dtype=bool)
    if norm_texts is not None:
        all_codes, uniques = pd.factorize(pd.Series(norm_texts).replace("", None), use_na_sentinel=True)
        codes, seen = all_codes[order], np.zeros(len(uniques) + 1, dtype=bool)
        seen[all_codes[labeled][all_codes[labeled] >= 0]] = True
    key = np.c_[np.round(score[order] / _TIE), np.zeros(m) if second is None else np.round(second[order] / _TIE)]
    group_end = np.r_[np.flatnonzero((np.diff(key, axis=0) != 0).any(axis=1)) + 1, m]
    sizes, ties = _tie_sizes(order, score, second), _tie_sizes(order, score, None)
    free = np.ones(m, dtype=bool)
    picked: list[int] = []
    notes: list[str] = []
    start = 0
    for end in group_end:
        while len(picked) < n:
            idx = np.arange(start, end)[free[start:end]]
            if diverse:
                dup = (maxsim[idx] >= similarity - 1e-12)
                if norm_texts is not None:
                    dup |= (codes[idx] >= 0) & seen[codes[idx]]
                idx = idx[~dup]
            if len(idx) == 0:
                break
            # farthest from labeled/picked rows first; argmin takes the first, so the random order breaks the rest
            i = int(idx[np.argmin(maxsim[idx])]) if F is not None else int(idx[0])
            free[i] = False
            picked.append(i)
            notes.append(_tie_note(ties[i], second, None if F is None or sizes[i] == 1 else maxsim[i]))
            if codes[i] >= 0:
                seen[codes[i]] = True
            if F is not None:
                sim = F @ F[i].T
                maxsim = np.maximum(maxsim, np.asarray(sim.todense() if sp.issparse(sim) else sim).ravel())
        if len(picked) >= n:
            break
        start = end
    if len(picked) < n:  # only near-duplicates are left: they fill the batch, said so
        rest = np.flatnonzero(free)[: n - len(picked)]
        picked += rest.tolist()
        notes += ["; a near-duplicate of a labeled or picked row (nothing else left)"] * len(rest)
    return order[np.asarray(picked, dtype=np.int64)], notes


def _tie_sizes(order: np.ndarray, score: np.ndarray, second: np.ndarray | None) -> np.ndarray:
    """For each ranked row, how many candidates share its (score, tiebreak) key."""
    if len(order) == 0:
        return np.zeros(0, dtype=np.int64)
    key = np.c_[np.round(score[order] / _TIE), np.zeros(len(order)) if second is None else np.round(second[order] / _TIE)]
    _, inverse, counts = np.unique(key, axis=0, return_inverse=True, return_counts=True)
    return counts[inverse.ravel()]


def _tie_note(size: int, second: np.ndarray | None, maxsim: float | None) -> str:
    if size <= 1:
        return ""
    how = []
    if second is not None:
        how.append("tiebreak_probs' uncertainty")
    if maxsim is not None:
        how.append("distance to labeled/picked rows" + (f" (max cosine {maxsim:.2f})" if np.isfinite(maxsim) else ""))
    return f"; tied with {size - 1} other rows, broken by " + (" then ".join(how) if how else "chance")


def _reason(strategy: str, s: float, k: int, covered: bool | None) -> str:
    silent = "" if covered is None or covered else ", no LF votes"
    if strategy == "entropy":
        return f"uncertain label (entropy {s:.2f} of max {np.log(k):.2f}){silent}"
    if strategy == "margin":
        return f"close call (top-two margin {1 - s:.2f}){silent}"
    if strategy == "lf_disagreement":
        return "no LF votes" if not covered else f"LFs disagree (vote entropy {s:.2f})"
    if strategy == "committee":
        return f"committee disagrees (vote entropy {s:.2f}){silent}"
    return "random draw (baseline)"


def _majority_probs(L: Any, k: int) -> np.ndarray:
    """Majority-vote probabilities (ties and silent rows split evenly) without fitting a model."""
    counts = vote_counts(L, max(k, L.infer_cardinality()))[:, :k]
    top = counts.max(axis=1, keepdims=True)
    win = np.isclose(counts, top)
    return win / win.sum(axis=1, keepdims=True)
