"""Learning which LFs depend on each other from the votes alone (no gold labels).

If LFs were independent given the true label ``y``, the inverse covariance of their vote
indicators would be block-diagonal (one block per LF) minus a term of rank ``k - 1`` that
comes from marginalising ``y`` out (Varma et al. 2019, "Learning dependency structures for
weak supervision models"; the block form for one-hot indicators follows Loh & Wainwright 2013).
A dependency between two LFs adds an off-block entry. So we

1. group exact duplicates (identical vote columns; their covariance is singular),
2. standardise the inverse covariance of the one-hot votes of the rest into partial correlations,
3. split it into a rank ``k - 1`` part and a sparse residual, by alternating a low-rank fit on the
   off-block entries with removing the LF pairs whose residual stands out (hard impute),
4. keep the pairs whose largest residual partial correlation exceeds ``z / sqrt(n)`` (its
   sampling noise when there is no dependency) and ``min_strength``.

The pairs found, their strength and the groups they form (connected components) are in a
table (:func:`lf_dependencies`); :class:`~weaksup.models.dependent.DependencyAwareModel` uses them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator

from weaksup.errors import ModelInputError, NotFittedError
from weaksup.matrix import as_label_matrix
from weaksup.patterns import one_hot

_RIDGE = 1e-6


class StructureLearner(BaseEstimator):
    """Find dependent LF pairs from the votes alone: sparse + low-rank split of the inverse covariance.

    Parameters
    ----------
    cardinality : int, optional
        Number of classes (inferred from the votes if omitted).
    z : float
        A pair is kept when its residual partial correlation exceeds ``z / sqrt(n)`` (``n``:
        rows): with no dependency the residual is sampling noise of about ``1 / sqrt(n)``.
    min_strength : float
        Smallest residual partial correlation reported as a dependency, whatever ``n``.
    min_co_votes : int
        Pairs that vote together on fewer rows are not tested (their correlation is noise).
    max_iter : int
        Rounds of the low-rank fit / residual removal.

    Attributes
    ----------
    strength_ : ndarray (m, m)
        Residual partial correlation of every LF pair (1 for exact duplicates; 0 on the diagonal).
    edges_ : list of (int, int)
        Dependent pairs ``i < j``.
    groups_ : list of list of int
        Connected components of ``edges_`` with two or more LFs.
    duplicates_ : list of list of int
        Groups of LFs with identical votes.
    lf_names_ : list of str
    threshold_ : float
        The strength a pair had to exceed.

    Examples
    --------
    >>> from weaksup.models._simulate import simulate_dependent_lfs
    >>> L, _ = simulate_dependent_lfs(20000, 8, edges=[(0, 1), (4, 5)], strength=0.7, seed=1)
    >>> StructureLearner().fit(L).edges_
    [(0, 1), (4, 5)]
    """

    def __init__(self, cardinality: int | None = None, z: float = 5.0, min_strength: float = 0.03,
                 min_co_votes: int = 20, max_iter: int = 30) -> None:
        self.cardinality = cardinality
        self.z = z
        self.min_strength = min_strength
        self.min_co_votes = min_co_votes
        self.max_iter = max_iter

    def fit(self, L: Any) -> StructureLearner:
        """Learn the dependency structure of the LFs in ``L`` (a LabelMatrix, dense array or sparse)."""
        for name in ("z", "min_strength", "max_iter", "min_co_votes"):
            value = getattr(self, name)
            if not isinstance(value, (int, float, np.integer, np.floating)) or value < 0:
                raise ModelInputError(f"{name} must be a number >= 0, got {value!r}")
        L = as_label_matrix(L, cardinality=self.cardinality)
        if L.n_rows < 2:
            raise ModelInputError(f"structure learning needs at least 2 rows; got {L.n_rows}")
        k = L.infer_cardinality()
        m = L.n_lfs
        csc = L.csr.tocsc()
        dup_of = _duplicate_columns(csc)
        strength = np.zeros((m, m))
        for j, rep in enumerate(dup_of):
            if rep != j:
                strength[j, rep] = strength[rep, j] = 1.0
        for a in range(m):  # members of one duplicate group are all strength 1 to each other
            for b in range(a + 1, m):
                if dup_of[a] == dup_of[b]:
                    strength[a, b] = strength[b, a] = 1.0
        keep = np.flatnonzero(dup_of == np.arange(m))
        n = L.n_rows
        threshold = max(float(self.min_strength), float(self.z) / np.sqrt(n))
        if len(keep) >= 3:
            X = one_hot(L.csr[:, keep], k)
            voted = (csc[:, keep] != 0).astype(np.float64)
            co = (voted.T @ voted).toarray()
            resid = _residual_strength(X, len(keep), k, n, threshold, int(self.max_iter))
            resid[co < self.min_co_votes] = 0.0
            strength[np.ix_(keep, keep)] = np.maximum(strength[np.ix_(keep, keep)], resid)
        # a duplicate shares its representative's dependencies on other LFs
        for j, rep in enumerate(dup_of):
            if rep != j:
                others = np.flatnonzero(dup_of != rep)
                strength[j, others] = strength[rep, others]
                strength[others, j] = strength[others, rep]
        np.fill_diagonal(strength, 0.0)
        self.cardinality_ = k
        self.lf_names_ = list(L.lf_names)
        self.n_rows_ = n
        self.threshold_ = threshold
        self.strength_ = strength
        iu = np.argwhere(np.triu(strength > threshold, 1))
        self.edges_ = [(int(a), int(b)) for a, b in iu]
        self.groups_ = _components(m, self.edges_)
        self.duplicates_ = _components(m, [(j, int(r)) for j, r in enumerate(dup_of) if r != j])
        votes = np.diff(csc.indptr)
        self._co_votes = _co_votes(csc)
        self._agreement = _agreement(csc)
        self._votes = votes
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "strength_"):
            raise NotFittedError("StructureLearner is not fitted yet; call fit(L) first")

    def table(self) -> pd.DataFrame:
        """One row per dependent pair: the LFs, strength, kind, group, co-votes and agreement.

        ``kind`` is ``"duplicate"`` (identical votes) or ``"dependent"``; ``group`` numbers the
        connected component; ``agreement`` is the share of co-votes on which the two agree.
        Sorted by strength, strongest first.
        """
        self._check_fitted()
        group_of = {j: g for g, members in enumerate(self.groups_) for j in members}
        dup = {frozenset((a, b)) for grp in self.duplicates_ for a in grp for b in grp if a != b}
        rows = []
        for a, b in self.edges_:
            rows.append({
                "lf_a": self.lf_names_[a], "lf_b": self.lf_names_[b], "j_a": a, "j_b": b,
                "strength": float(self.strength_[a, b]),
                "kind": "duplicate" if frozenset((a, b)) in dup else "dependent",
                "group": group_of[a], "co_votes": int(self._co_votes[a, b]),
                "agreement": float(self._agreement[a, b]),
            })
        cols = ["lf_a", "lf_b", "j_a", "j_b", "strength", "kind", "group", "co_votes", "agreement"]
        out = pd.DataFrame(rows, columns=cols)
        return out.sort_values(["strength", "j_a", "j_b"], ascending=[False, True, True], ignore_index=True)

    def group_table(self) -> pd.DataFrame:
        """One row per group of dependent LFs: its LF names, size and the strength of its weakest edge."""
        self._check_fitted()
        rows = []
        for g, members in enumerate(self.groups_):
            sub = self.strength_[np.ix_(members, members)]
            inside = [sub[a, b] for a, b in zip(*np.triu_indices(len(members), 1), strict=True) if sub[a, b] > self.threshold_]
            rows.append({"group": g, "lfs": [self.lf_names_[j] for j in members], "size": len(members),
                         "min_strength": float(min(inside)), "max_strength": float(max(inside))})
        return pd.DataFrame(rows, columns=["group", "lfs", "size", "min_strength", "max_strength"])


def lf_dependencies(L: Any, cardinality: int | None = None, **params: Any) -> pd.DataFrame:
    """Table of the dependent LF pairs found from the votes alone (see :class:`StructureLearner`).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> y = rng.integers(0, 2, 5000)
    >>> L = np.stack([np.where(rng.random(5000) < a, y, 1 - y) for a in (0.9, 0.8, 0.7, 0.75)], axis=1)
    >>> L = np.column_stack([L, L[:, 1]])            # lf_4 duplicates lf_1
    >>> lf_dependencies(L)[["lf_a", "lf_b", "kind"]].values.tolist()
    [['lf_1', 'lf_4', 'duplicate']]
    """
    return StructureLearner(cardinality=cardinality, **params).fit(L).table()


# ------------------------------------------------------------------------------------------------
def _residual_strength(X: sp.csr_matrix, m: int, k: int, n: int, threshold: float, max_iter: int) -> np.ndarray:
    """Per LF pair, the largest |residual partial correlation| after removing the rank ``k - 1`` part."""
    cnt = np.asarray(X.sum(axis=0)).ravel()
    cols = np.flatnonzero((cnt > 0) & (cnt < n))  # constant indicators carry nothing
    lf_of = cols // k
    Xc = X[:, cols]
    mu = cnt[cols] / n
    S = (Xc.T @ Xc).toarray() / n - np.outer(mu, mu)
    sd = np.sqrt(np.clip(np.diag(S), 1e-300, None))
    C = S / np.outer(sd, sd)
    p = len(cols)
    K = np.linalg.inv(C + _RIDGE * np.eye(p))
    d = np.sqrt(np.clip(np.diag(K), 1e-300, None))
    P = -K / np.outer(d, d)  # partial correlations (off-diagonal)
    block = lf_of[:, None] == lf_of[None, :]
    rank = max(1, k - 1)
    flagged = np.zeros((m, m), dtype=bool)
    U = None
    pair = np.zeros((m, m))
    rows, cols_ = np.meshgrid(lf_of, lf_of, indexing="ij")
    for _ in range(max(1, max_iter)):
        # low-rank fit of the entries not (yet) explained by a dependency, then the residual of every pair
        clean = ~block & ~flagged[rows, cols_]
        U = _low_rank_fit(P, clean, rank, U)
        low = U @ U.T
        R = np.where(block, 0.0, np.abs(P - low))
        pair = np.zeros((m, m))
        np.maximum.at(pair, (rows, cols_), R)
        # greedy: explain the strongest remaining residuals first, the weaker ones are re-judged after
        open_ = np.where(flagged, 0.0, pair)
        top = float(open_.max()) if open_.size else 0.0
        if top <= threshold:
            break
        flagged |= open_ >= max(threshold, 0.5 * top)
    return pair


def _low_rank_fit(P: np.ndarray, known: np.ndarray, rank: int, start: np.ndarray | None) -> np.ndarray:
    """``U`` (p x rank) whose ``U U^T`` matches ``P`` on the ``known`` entries in least squares (L-BFGS).

    Started from the leading eigenvectors of ``P`` with the unknown entries zeroed, and also from
    ``start`` when given (the previous round's fit); the better fit is kept, since a symmetric
    factorisation with missing entries has poor local minima a warm start can fall into.
    """
    from scipy.optimize import minimize

    W = known.astype(np.float64)
    p = len(P)
    w, V = np.linalg.eigh(np.where(known, P, 0.0))
    top = np.argsort(w)[::-1][:rank]
    starts = [V[:, top] * np.sqrt(np.clip(w[top], 1e-6, None))] + ([] if start is None else [start])

    def loss(u: np.ndarray) -> tuple[float, np.ndarray]:
        U = u.reshape(p, rank)
        E = W * (U @ U.T - P)
        return float((E * E).sum()), (4.0 * E @ U).ravel()

    fits = [minimize(loss, s0.ravel(), jac=True, method="L-BFGS-B", options={"maxiter": 5000, "gtol": 1e-10})
            for s0 in starts]
    best = min(fits, key=lambda r: r.fun)
    return best.x.reshape(p, rank)


def _duplicate_columns(csc: sp.csc_matrix) -> np.ndarray:
    """For every column, the first column with exactly the same votes (itself if none)."""
    m = csc.shape[1]
    seen: dict[tuple[bytes, bytes], int] = {}
    out = np.arange(m)
    for j in range(m):
        s, e = csc.indptr[j], csc.indptr[j + 1]
        if e == s:
            continue  # an LF that never votes duplicates nothing useful
        key = (csc.indices[s:e].tobytes(), csc.data[s:e].astype(np.int64).tobytes())
        out[j] = seen.setdefault(key, j)
    return out


def _co_votes(csc: sp.csc_matrix) -> np.ndarray:
    voted = (csc != 0).astype(np.float64)
    return (voted.T @ voted).toarray()


def _agreement(csc: sp.csc_matrix) -> np.ndarray:
    m = csc.shape[1]
    k = int(csc.data.max()) if csc.nnz else 1
    same = np.zeros((m, m))
    for c in range(1, k + 1):
        v = (csc == c).astype(np.float64)
        same += (v.T @ v).toarray()
    co = _co_votes(csc)
    return np.divide(same, co, out=np.zeros_like(same), where=co > 0)


def _components(m: int, edges: list[tuple[int, int]]) -> list[list[int]]:
    parent = list(range(m))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, list[int]] = {}
    for j in range(m):
        groups.setdefault(find(j), []).append(j)
    return sorted([g for g in groups.values() if len(g) > 1])

