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
4. test each LF pair: its residual entries (one per pair of one-hot votes) against their own
   sampling covariance, a chi-square test (one-hot votes are far from Gaussian: sparse columns are
   noisier than ``1 / sqrt(n)``, so the covariance comes from the delta method, i.e. the fourth
   moments of the regression residuals), and keep the pairs above the Bonferroni bound for the number
   of pairs tested (``alpha`` is the chance of one false pair or more when the LFs are independent
   given the label) whose largest residual also exceeds ``min_strength``.

The pairs found, their strength and the groups they form (connected components) are in a
table (:func:`lf_dependencies`); :class:`~weaksup.models.dependent.DependencyAwareModel` uses them.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator

from weaksup.errors import ModelInputError, NotFittedError, WeaksupWarning
from weaksup.matrix import as_label_matrix
from weaksup.patterns import one_hot

_RIDGE = 1e-6
_U_RIDGE = 1e-3
_MOMENT_ROWS = 50_000


_MAX_BACKWARD = 32  # flagged pairs the backward pass re-tests one refit each (more: forward pass only)
_MAX_BACKWARD_LFS = 40  # ... on at most this many LFs

class StructureLearner(BaseEstimator):
    """Find dependent LF pairs from the votes alone: sparse + low-rank split of the inverse covariance.

    Parameters
    ----------
    cardinality : int, optional
        Number of classes (inferred from the votes if omitted).
    alpha : float
        Family-wise false-positive rate of the test: with LFs independent given the label, the
        chance that one pair or more is reported. Each pair's residual entries are tested together
        (chi-square against their delta-method covariance), its score is the normal quantile of that
        test, and the bar is the Bonferroni bound ``Phi^-1(1 - alpha / (2 T))`` for the ``T`` pairs
        tested, so it rises with the number of LFs and falls with nothing else.
    min_strength : float
        Smallest residual partial correlation reported as a dependency, whatever ``n``.
    min_co_votes : int
        Pairs of LFs, and pairs of their one-hot votes, that occur together on fewer rows are not
        tested (the normal approximation of their noise fails).
    max_iter : int
        Rounds of the low-rank fit / residual removal.

    Attributes
    ----------
    strength_ : ndarray (m, m)
        Residual partial correlation of every LF pair (1 for exact duplicates; 0 on the diagonal).
    score_ : ndarray (m, m)
        Test score of the pair: the normal quantile of its chi-square test (inf for exact duplicates,
        0 where untested).
    edges_ : list of (int, int)
        Dependent pairs ``i < j``.
    groups_ : list of list of int
        Connected components of ``edges_`` with two or more LFs.
    duplicates_ : list of list of int
        Groups of LFs with identical votes.
    lf_names_ : list of str
    threshold_ : float
        The score a pair had to exceed (the Bonferroni bound); its strength had to exceed ``min_strength``.
    n_tests_ : int
        Number of LF pairs tested.

    Examples
    --------
    >>> from weaksup.models._simulate import simulate_dependent_lfs
    >>> L, _ = simulate_dependent_lfs(20000, 8, edges=[(0, 1), (4, 5)], strength=0.7, seed=1)
    >>> StructureLearner().fit(L).edges_
    [(0, 1), (4, 5)]
    """

    def __init__(self, cardinality: int | None = None, alpha: float = 0.001, min_strength: float = 0.03,
                 min_co_votes: int = 20, max_iter: int = 30) -> None:
        self.cardinality = cardinality
        self.alpha = alpha
        self.min_strength = min_strength
        self.min_co_votes = min_co_votes
        self.max_iter = max_iter

    def fit(self, L: Any, y: Any = None) -> StructureLearner:
        """Learn the dependency structure of the LFs in ``L`` (a LabelMatrix, dense array or sparse).

        ``y`` is ignored (scikit-learn's ``fit(X, y)``, as in a ``Pipeline``): the structure comes from the votes.
        """
        for name in ("alpha", "min_strength", "max_iter", "min_co_votes"):
            value = getattr(self, name)
            if (isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating))
                    or not np.isfinite(value) or value < 0):
                raise ModelInputError(f"{name} must be a finite number >= 0, got {value!r}")
        for name in ("max_iter", "min_co_votes"):  # counts: 0.5 rounds would silently run one
            if getattr(self, name) != int(getattr(self, name)):
                raise ModelInputError(f"{name} must be a whole number, got {getattr(self, name)!r}")
        if not 0 < self.alpha < 1:
            raise ModelInputError(f"alpha must lie in (0, 1), got {self.alpha!r}")
        L = as_label_matrix(L, cardinality=self.cardinality)
        if L.n_rows < 2:
            raise ModelInputError(f"structure learning needs at least 2 rows; got {L.n_rows}")
        k = L.infer_cardinality()
        m = L.n_lfs
        csc = L.csr.tocsc()
        dup_of = _duplicate_columns(csc)
        same = dup_of[:, None] == dup_of[None, :]  # members of one duplicate group: strength 1 to each other
        strength = same.astype(np.float64)
        score = np.where(same, np.inf, 0.0)
        keep = np.flatnonzero(dup_of == np.arange(m))
        votes_kept = np.diff(csc.indptr)[keep]
        n = L.n_rows
        threshold, n_tests = np.inf, 0
        always = [L.lf_names[j] for j in keep[votes_kept == n]] if len(keep) >= 3 else []
        if always:
            # their one-hot votes sum to 1 on every row (no abstain): a singular covariance whose partial
            # correlations are noise, so their dependencies go unseen (exact duplicates are still found)
            warnings.warn(f"StructureLearner: {len(always)} LF(s) vote on every row ({', '.join(always[:6])}"
                          f"{', ...' if len(always) > 6 else ''}); dependencies of LFs that never abstain cannot be "
                          "tested from the votes, so none is reported for them", WeaksupWarning, stacklevel=2)
        # one product of the one-hot votes gives the co-votes, the agreements and the covariance of the test
        # (they were k + 4 products of the whole matrix: most of the time at a million rows)
        gram, co_all, agree = _pair_counts(L.csr, k)
        if len(keep) >= 3:
            X = one_hot(L.csr[:, keep], k)
            co = co_all[np.ix_(keep, keep)]
            idx = (keep[:, None] * k + np.arange(k)[None, :]).ravel()
            from threadpoolctl import threadpool_limits

            # small dense problems (p x p, p = LFs x classes): BLAS threads only add synchronisation, which costs
            # 10x on a busy machine
            with threadpool_limits(1, user_api="blas"):
                resid, z, threshold, n_tests = _residual_strength(X, gram[idx][:, idx], len(keep), k, float(self.alpha),
                                                                  float(self.min_strength), int(self.min_co_votes),
                                                                  int(self.max_iter))
            z[co < self.min_co_votes] = 0.0
            strength[np.ix_(keep, keep)] = np.maximum(strength[np.ix_(keep, keep)], resid)
            score[np.ix_(keep, keep)] = np.maximum(score[np.ix_(keep, keep)], z)
        # a duplicate shares its representative's dependencies on other LFs
        for j, rep in enumerate(dup_of):
            if rep != j:
                others = np.flatnonzero(dup_of != rep)
                strength[j, others] = strength[rep, others]
                strength[others, j] = strength[others, rep]
                score[j, others] = score[rep, others]
                score[others, j] = score[others, rep]
        np.fill_diagonal(strength, 0.0)
        np.fill_diagonal(score, 0.0)
        self.cardinality_ = k
        self.lf_names_ = list(L.lf_names)
        self.n_rows_ = n
        self.threshold_ = float(threshold)
        self.n_tests_ = int(n_tests)
        self.strength_ = strength
        self.score_ = score
        # exact duplicates are dependent whatever was tested (with fewer than 3 distinct LFs nothing is: bar inf)
        iu = np.argwhere(np.triu(((score > threshold) & (strength > self.min_strength)) | same, 1))
        self.edges_ = [(int(a), int(b)) for a, b in iu]
        self.groups_ = _components(m, self.edges_)
        self.duplicates_ = _components(m, [(j, int(r)) for j, r in enumerate(dup_of) if r != j])
        votes = np.diff(csc.indptr)
        self._co_votes = co_all
        self._agreement = agree
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
            edges = set(self.edges_)
            inside = [sub[a, b] for a, b in zip(*np.triu_indices(len(members), 1), strict=True)
                      if (members[a], members[b]) in edges]
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
    >>> L = np.where(rng.random(L.shape) < 0.7, L, -1)  # each LF abstains on 30% of rows
    >>> L = np.column_stack([L, L[:, 1]])            # lf_4 duplicates lf_1
    >>> lf_dependencies(L)[["lf_a", "lf_b", "kind"]].values.tolist()
    [['lf_1', 'lf_4', 'duplicate']]
    """
    unknown = sorted(set(params) - set(StructureLearner._get_param_names()))
    if unknown:
        raise ModelInputError(f"lf_dependencies got unknown parameters {unknown}; StructureLearner takes "
                              f"{sorted(set(StructureLearner._get_param_names()) - {'cardinality'})}")
    return StructureLearner(cardinality=cardinality, **params).fit(L).table()


# ------------------------------------------------------------------------------------------------
def _residual_strength(X: sp.csr_matrix, gram: sp.csr_matrix, m: int, k: int, alpha: float, min_strength: float,
                       min_co: int, max_iter: int) -> tuple[np.ndarray, np.ndarray, float, int]:
    """Per LF pair: the largest |residual partial correlation| after removing the rank ``k - 1`` part,
    the pair's test score (normal quantile of its chi-square test), the Bonferroni bound and the pairs tested."""
    from scipy.stats import norm

    n = X.shape[0]
    cnt = gram.diagonal().astype(np.float64)  # indicators: X^T X holds their counts on the diagonal
    cols = np.flatnonzero((cnt > 0) & (cnt < n))  # constant indicators carry nothing
    lf_of = cols // k
    Xc = X[:, cols].tocsr()
    mu = cnt[cols] / n
    co = gram[cols][:, cols].toarray().astype(np.float64)
    S = co / n - np.outer(mu, mu)
    sd = np.sqrt(np.clip(np.diag(S), 1e-300, None))
    C = S / np.outer(sd, sd)
    p = len(cols)
    K = np.linalg.inv(C + _RIDGE * np.eye(p))
    d = np.sqrt(np.clip(np.diag(K), 1e-300, None))
    P = -K / np.outer(d, d)  # partial correlations (off-diagonal)
    block = lf_of[:, None] == lf_of[None, :]
    tested = ~block & (co >= min_co)  # rare co-occurrences: the normal approximation fails
    tests = _PairTests(Xc, mu, sd, K, d, -P, lf_of, tested, m)
    z_bound = float(norm.isf(alpha / (2 * max(tests.n_pairs, 1))))
    # marginalising y out adds rank (classes voted - 1): a class no LF votes adds none (a spare rank would absorb
    # real dependencies), and the rank cannot exceed the indicators left (a handful of rows)
    voted_classes = int((cnt.reshape(m, k).sum(axis=0) > 0).sum())
    rank = max(1, min(voted_classes - 1, p))
    flagged = np.zeros((m, m), dtype=bool)
    U = None
    rows, cols_ = np.meshgrid(lf_of, lf_of, indexing="ij")
    for _ in range(max(1, max_iter)):
        # low-rank fit of the entries not (yet) explained by a dependency, then the residual of every pair
        clean = ~block & ~flagged[rows, cols_]
        U = _low_rank_fit(P, clean, rank, U)
        # the fitted part is a correlation too: clipped, so a poorly pinned row cannot make a residual above 2
        R = np.where(block, 0.0, P - np.clip(U @ U.T, -1.0, 1.0))
        pair = np.zeros((m, m))
        np.maximum.at(pair, (rows, cols_), np.abs(R))
        score = tests.scores(R)
        # greedy: explain the most significant residuals first, the weaker ones are re-judged after
        open_ = np.where(flagged | (pair <= min_strength), 0.0, score)
        top = float(open_.max()) if open_.size else 0.0
        if top <= z_bound:
            break
        flagged |= open_ >= max(z_bound, 0.5 * top)
    if m <= _MAX_BACKWARD_LFS and 0 < np.triu(flagged, 1).sum() <= _MAX_BACKWARD:
        # backward: a round's fit is pulled by the residuals not yet flagged, so it can flag pairs that are only
        # its own error (a strong copy skews every entry of a rank k - 1 fit); each flagged pair, weakest first,
        # is put back into the fit and kept flagged only if it still stands out with the others flagged (one refit
        # per pair, each costlier with more LFs: 3.5 s a refit with 177 annotators, so large sets keep the forward pass)
        iu, ju = np.nonzero(np.triu(flagged, 1))
        for a in np.argsort(score[iu, ju], kind="stable"):
            i, j = int(iu[a]), int(ju[a])
            flagged[i, j] = flagged[j, i] = False
            U_try = _low_rank_fit(P, ~block & ~flagged[rows, cols_], rank, U)
            R_try = np.where(block, 0.0, P - np.clip(U_try @ U_try.T, -1.0, 1.0))
            inside = (rows == i) & (cols_ == j)
            if tests.score_of(R_try, i, j) > z_bound and float(np.abs(R_try[inside]).max()) > min_strength:
                flagged[i, j] = flagged[j, i] = True
            else:
                U = U_try
        U = _low_rank_fit(P, ~block & ~flagged[rows, cols_], rank, U)
        R = np.where(block, 0.0, P - np.clip(U @ U.T, -1.0, 1.0))
        pair = np.zeros((m, m))
        np.maximum.at(pair, (rows, cols_), np.abs(R))
        score = tests.scores(R)
    return pair, score, z_bound, tests.n_pairs


class _PairTests:
    """Chi-square test of each LF pair's residual partial correlations (all its one-hot entries at once).

    A sample partial correlation is the correlation of two regression residuals ``e_a = (x_std K)_a / K_aa``;
    its influence function is ``e_a e_b - r (e_a^2 + e_b^2) / 2``, so the covariance of a pair's entries is
    the covariance of those products over the rows (one-hot votes are far from Gaussian: sparse columns
    are noisier than ``1 / sqrt(n)``). Testing the entries of a pair together, rather than their maximum,
    is what finds weak dependencies spread over several classes.
    """

    def __init__(self, Xc: sp.csr_matrix, mu: np.ndarray, sd: np.ndarray, K: np.ndarray, d: np.ndarray,
                 r: np.ndarray, lf_of: np.ndarray, tested: np.ndarray, m: int) -> None:
        n = Xc.shape[0]
        step = max(1, n // _MOMENT_ROWS)  # the moments need a few % accuracy: an evenly spaced subsample
        sub = Xc[::step]
        E = np.asarray(sub @ (K / (sd[:, None] * d[None, :]))) - (mu / sd) @ K / d
        E /= np.clip(E.std(axis=0), 1e-12, None)
        E = np.asfortranarray(E)  # columns are gathered per pair: keep each one contiguous
        E2 = E * E
        members = [np.flatnonzero(lf_of == j) for j in range(m)]
        self.m, self.n = m, n
        self.pairs: list[tuple[int, int, np.ndarray, np.ndarray, np.ndarray]] = []
        for i in range(m):
            for j in range(i + 1, m):
                A, B = (g.ravel() for g in np.meshgrid(members[i], members[j], indexing="ij"))
                ok = tested[A, B]
                if not ok.any():
                    continue
                A, B = A[ok], B[ok]
                psi = E[:, A] * E[:, B]
                psi -= (r[A, B] / 2) * (E2[:, A] + E2[:, B])
                psi -= psi.mean(axis=0)
                cov = psi.T @ psi / len(psi)
                spread = float(np.trace(cov))
                if not np.isfinite(spread) or spread <= 1e-12:
                    # no row-to-row variation (a handful of rows, min_co_votes lowered): the pair cannot be tested
                    continue
                cov += 1e-9 * spread / len(A) * np.eye(len(A))  # nearly collinear entries of one pair
                try:
                    inv = np.linalg.inv(cov)
                except np.linalg.LinAlgError:
                    inv = np.linalg.pinv(cov)
                self.pairs.append((i, j, A, B, inv))
        self.n_pairs = len(self.pairs)

    def scores(self, R: np.ndarray) -> np.ndarray:
        """``(m, m)`` normal-quantile score of each pair's chi-square statistic (0 where untested)."""
        out = np.zeros((self.m, self.m))
        if not self.pairs:
            return out
        i, j = (np.array([p[t] for p in self.pairs], dtype=np.int64) for t in (0, 1))
        q = np.array([self.n * float(R[A, B] @ inv @ R[A, B]) for _, _, A, B, inv in self.pairs])
        # one vectorised tail call for all pairs (per pair, scipy's overhead dominated at 50 LFs)
        out[i, j] = out[j, i] = _z_of_chi2(q, np.array([len(p[2]) for p in self.pairs]))
        return out

    def score_of(self, R: np.ndarray, i: int, j: int) -> float:
        """The score of pair ``i < j`` alone (0 if untested)."""
        for a, b, A, B, inv in self.pairs:
            if (a, b) == (i, j):
                return float(_z_of_chi2(np.array([self.n * float(R[A, B] @ inv @ R[A, B])]), np.array([len(A)]))[0])
        return 0.0


def _z_of_chi2(q: np.ndarray, df: np.ndarray) -> np.ndarray:
    """Normal quantile of the chi-square tail ``P(chi2_df > q) / 2`` (``sqrt(q)`` past float range)."""
    from scipy.special import ndtri_exp
    from scipy.stats import chi2

    with np.errstate(divide="ignore"):
        z = -ndtri_exp(chi2.logsf(q, df) - np.log(2.0))
    return np.where(np.isfinite(z), z, np.sqrt(q))


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
        # a small ridge: an indicator left with one known entry could otherwise grow without bound
        return float((E * E).sum() + _U_RIDGE * (u * u).sum()), (4.0 * E @ U).ravel() + 2 * _U_RIDGE * u

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


def _pair_counts(csr: sp.csr_matrix, k: int) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray]:
    """Gram of the one-hot votes (sparse, ``m k x m k``), co-votes and agreement share of every LF pair (``m x m``)."""
    m = csr.shape[1]
    clean = sp.csr_matrix(csr)
    if clean.nnz and not clean.data.all():  # a stored 0 is an abstain
        clean = clean.copy()
        clean.eliminate_zeros()
    X = one_hot(clean, k)
    gram = (X.T @ X).tocsr()
    coo = gram.tocoo()
    a, b = coo.row // k, coo.col // k
    co = np.bincount(a * m + b, weights=coo.data, minlength=m * m).reshape(m, m)
    same_class = coo.row % k == coo.col % k
    same = np.bincount(a[same_class] * m + b[same_class], weights=coo.data[same_class], minlength=m * m).reshape(m, m)
    co, same = co.astype(np.float64), same.astype(np.float64)  # no votes at all: bincount gives integers
    return gram, co, np.divide(same, co, out=np.zeros_like(same), where=co > 0)


def _agreement(csc: sp.spmatrix) -> np.ndarray:
    """Share of the co-votes of every LF pair on which the two agree."""
    csr = sp.csr_matrix(csc)
    return _pair_counts(csr, int(csr.data.max()) if csr.nnz else 1)[2]


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

