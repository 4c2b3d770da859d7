"""A label model that uses the learned LF dependency structure (groups of dependent LFs)."""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from weaksup.errors import ModelInputError
from weaksup.matrix import LabelMatrix
from weaksup.models._params import LOG_TABLE, NONE, Interval, Mapping, whole_numbers
from weaksup.models._table import LogTableModel, softmax, vote_weights
from weaksup.models.base import BaseLabelModel, label_model_classes
from weaksup.models.structure import StructureLearner, _components, _pair_counts
from weaksup.models.weighted_majority import _by_lf_name


class DependencyAwareModel(BaseLabelModel):
    """Label model that learns the LFs' dependencies, then fits and combines each group of dependent LFs apart.

    A model that assumes independent LFs believes an LF that copies another: the two agree by
    construction, so both look more accurate than they are and their shared vote counts twice.
    This model

    1. learns the dependent pairs from the votes (:class:`~weaksup.models.structure.StructureLearner`,
       or takes them from ``dependencies``) and groups them (connected components);
    2. fits the ``base`` label model on the independent LFs plus one representative per group (its LF
       with the most votes), then each other group member on the same LFs with its own group's
       representative swapped out for it, so every accuracy is learned against LFs it does not depend on;
    3. a group whose ``c`` members vote on a row counts each of their votes with weight
       ``1 / (1 + s (c - 1))``, where ``s`` is the group's copy rate: the share of its members' co-votes
       that agree beyond what their learned accuracies explain (``s = 1``: copies, one vote's worth;
       ``s = 0``: independent, full weight);
    4. refines every LF's table by EM over all the LFs with those weights (``max_iter`` rounds; 0 keeps
       step 2's fits), each group member judged by a posterior without the other members of its group.
       Step 2 leaves the non-representatives out of every other LF's fit, which throws information away
       and gives any dependency the learner missed more sway; here every LF keeps its vote, shrunk only by
       its group's copy rate, so a weak edge changes little. LFs that vote one class keep one accuracy
       (under the base's Beta prior when it has one, as ``AgreementModel``; else ``prior_votes`` pseudo-votes
       at its step-2 value), the others a confusion matrix with ``prior_votes`` pseudo-votes per class at its
       step-2 value.

    With no dependency found it is exactly the ``base`` model.

    Parameters
    ----------
    cardinality : int, optional
        Number of classes.
    base : str
        Name of the label model fitted underneath (a model with a per-LF table: ``"AgreementModel"``,
        ``"DawidSkene"``, ``"GenerativeModel"``, ``"Triplet"`` ...).
    base_params : dict, optional
        Hyper-parameters of the base model.
    dependencies : "learn" or list of (LF, LF)
        Dependent pairs, by LF name or column position; ``"learn"`` finds them from the votes.
    structure_params : dict, optional
        Parameters of the :class:`~weaksup.models.structure.StructureLearner` (``z``, ``min_strength``, ...).
    max_iter : int
        Rounds of the EM refinement over all LFs (step 4); 0 skips it.
    prior_votes : float
        Pseudo-votes per class that hold each LF's refined table at its step-2 fit.
    random_state : int, optional
        Passed to the base model when it takes one.

    Attributes
    ----------
    log_table_ : ndarray (m, k+1, k)
        Per-LF log-probability table (each fitted against LFs it does not depend on).
    lf_group_ : ndarray (m,)
        Group of each LF (-1: independent).
    lf_copy_rate_ : ndarray (m,)
        Copy rate ``s`` of the LF's group (0 for independent LFs).
    lf_accuracy_ : ndarray (m,)
        Each LF's accuracy from its base fit (``accuracies_``).
    dependency_groups_ : list of list of str
        The groups, by LF name.
    structure_ : StructureLearner or None
        The fitted structure learner (None when ``dependencies`` was given); not saved.

    Examples
    --------
    >>> from weaksup.models._simulate import simulate_dependent_lfs
    >>> L, y = simulate_dependent_lfs(20000, 8, edges=[(0, 1), (2, 3)], strength=0.9, seed=0)
    >>> model = DependencyAwareModel().fit(L)
    >>> model.dependency_groups_
    [['lf_0', 'lf_1'], ['lf_2', 'lf_3']]
    >>> bool((model.predict(L) == y).mean() > 0.85)
    True
    """

    _parameter_rules = {"cardinality": (NONE, Interval(int, 2)), "max_iter": Interval(int, 0),
                        "prior_votes": Interval(float, 0), "base_params": (NONE, Mapping()),
                        "structure_params": (NONE, Mapping()), "random_state": (NONE, Interval(int, 0))}
    _state_rules = {"log_table_": LOG_TABLE, "lf_group_": (("m",), -1, None, whole_numbers), "lf_copy_rate_": (("m",), 0, 1),
                    "lf_accuracy_": (("m",), 0, 1)}

    def __init__(self, cardinality: int | None = None, base: str = "AgreementModel",
                 base_params: dict[str, Any] | None = None, dependencies: Any = "learn",
                 structure_params: dict[str, Any] | None = None, max_iter: int = 50, prior_votes: float = 10.0,
                 random_state: int | None = None) -> None:
        super().__init__(cardinality=cardinality)
        self.max_iter = max_iter
        self.prior_votes = prior_votes
        self.random_state = random_state
        self.base = base
        self.base_params = base_params
        self.dependencies = dependencies
        self.structure_params = structure_params

    def _make_base(self, L: LabelMatrix | None = None, cols: list[int] | None = None) -> LogTableModel:
        """The base model; fitted on the LFs ``cols`` of ``L``, a per-LF ``weights`` parameter is cut to them."""
        klass = label_model_classes().get(self.base) if isinstance(self.base, str) else None
        if klass is None or not issubclass(klass, LogTableModel):
            tables = sorted(n for n, c in label_model_classes().items() if issubclass(c, LogTableModel))
            raise ModelInputError(f"base must name a label model with a per-LF table, one of {tables}; "
                                  f"got {self.base!r}")
        params = dict(self.base_params or {})
        _check_keywords("base_params", params, klass)
        if "random_state" in klass().get_params() and "random_state" not in params:
            params["random_state"] = self.random_state
        if L is not None and cols is not None and params.get("weights") is not None:
            # one weight per LF of L (in column order or keyed by name): each base fit sees only some of the LFs
            try:
                full = np.asarray(_by_lf_name(params["weights"], L.lf_names), dtype=np.float64)
            except (TypeError, ValueError):
                full = None
            if full is None or full.shape != (L.n_lfs,) or not np.isfinite(full).all():
                # checked against all the LFs: a list that happens to fit one base fit's subset is still wrong
                raise ModelInputError(f"DependencyAwareModel parameter base_params['weights'] must be {L.n_lfs} "
                                      f"finite numbers (one per LF, or keyed by the LF names {L.lf_names[:8]}); got "
                                      f"{str(params['weights'])[:200]}")
            params["weights"] = {L.lf_names[j]: float(full[j]) for j in cols}
        return klass(cardinality=self.cardinality_, **params)

    def _groups(self, L: LabelMatrix) -> list[list[int]]:
        # private, so save() (JSON + npz of the attributes ending in "_") skips it; structure_ reads it
        self._structure = None
        if isinstance(self.dependencies, str) and self.dependencies == "learn":
            _check_keywords("structure_params", self.structure_params or {}, StructureLearner)
            self._structure = StructureLearner(cardinality=self.cardinality_, **(self.structure_params or {})).fit(L)
            # two LFs that each vote one class, different classes, conflict but cannot copy each other: the
            # table reports them, the groups (whose co-votes are shrunk as copies) leave them out
            ps = _PairStats(L, np.full(self.cardinality_, 1.0 / self.cardinality_))
            only = ps.only
            edges = [(a, b) for a, b in self._structure.edges_ if not (only[a] >= 0 and only[b] >= 0 and only[a] != only[b])]
            return _components(L.n_lfs, edges)
        if isinstance(self.dependencies, str):  # a typo ("learned") would otherwise be read as pairs of letters
            raise ModelInputError(f"dependencies must be 'learn' or a list of LF pairs; got {self.dependencies!r}")
        try:
            pairs = [p if isinstance(p, str) else tuple(p) for p in self.dependencies]
        except TypeError as exc:
            raise ModelInputError(f"dependencies must be 'learn' or a list of LF pairs; got {self.dependencies!r}") from exc
        edges = []
        for pair in pairs:
            if isinstance(pair, str) or len(pair) != 2:  # "ab" is one LF's name, not the pair ("a", "b")
                raise ModelInputError(f"dependencies: {pair!r} is not a pair of LFs")
            ends = []
            for lf in pair:
                if isinstance(lf, (bool, np.bool_)):
                    raise ModelInputError(f"dependencies: {lf!r} is neither an LF name nor a column in 0..{L.n_lfs - 1}")
                if isinstance(lf, str):
                    if lf not in L.lf_names:
                        raise ModelInputError(f"dependencies: no LF named {lf!r} in the label matrix")
                    ends.append(L.lf_names.index(lf))
                elif isinstance(lf, (int, np.integer)) and 0 <= lf < L.n_lfs:
                    ends.append(int(lf))
                else:
                    raise ModelInputError(f"dependencies: {lf!r} is neither an LF name nor a column in 0..{L.n_lfs - 1}")
            edges.append((ends[0], ends[1]))
        return _components(L.n_lfs, [e for e in edges if e[0] != e[1]])

    def _fit(self, L: LabelMatrix, class_balance: np.ndarray | None, seed: int | None, progress: bool) -> None:
        m, k = L.n_lfs, self.cardinality_
        groups = self._groups(L)
        votes = np.diff(L.csr.tocsc().indptr)
        group_of = np.full(m, -1)
        for g, members in enumerate(groups):
            group_of[members] = g
        reps = [max(members, key=lambda j: (votes[j], -j)) for members in groups]
        core = [j for j in range(m) if group_of[j] < 0] + reps
        core.sort()
        table = np.zeros((m, k + 1, k))
        base = self._make_base(L, core)
        if groups and len(core) < base.min_lfs:
            # the base sees the independent LFs plus one per group, not all the LFs the user passed
            raise ModelInputError(
                f"DependencyAwareModel: with the dependent LFs {self._named(L, groups)} each fitted against the "
                f"others, its base {type(base).__name__} sees {len(core)} of the {m} LFs (the independent ones plus "
                f"one per group) and needs at least {base.min_lfs}; use base='AgreementModel', add LFs, or pass "
                "dependencies=[] to fit all LFs as independent")
        base = base.fit(L.select_lfs(core), class_balance=class_balance, progress=progress)
        table[core] = base.log_table_
        accuracy = np.zeros(m)
        accuracy[core] = base.accuracies_
        self.class_balance_ = np.asarray(base.class_balance_, dtype=np.float64)
        for g, members in enumerate(groups):
            for j in members:
                if j == reps[g]:
                    continue
                cols = sorted([c for c in core if c != reps[g]] + [j])
                fitted = self._make_base(L, cols).fit(L.select_lfs(cols), class_balance=self.class_balance_)
                table[j] = fitted.log_table_[cols.index(j)]
                accuracy[j] = fitted.accuracies_[cols.index(j)]
        copy_rate = np.zeros(m)
        if groups:
            copy_rate = _copy_rates(groups, accuracy, _PairStats(L, self.class_balance_), k)
            if self.max_iter > 0:
                # one-accuracy LFs are held by the base's own Beta prior where it has one (AgreementModel's
                # acc_prior / prior_strength), so the refinement is the base's M-step with weights, not a looser EM
                bp = self._make_base().get_params()
                beta = ((bp["acc_prior"] * bp["prior_strength"], (1 - bp["acc_prior"]) * bp["prior_strength"])
                        if "acc_prior" in bp and "prior_strength" in bp else None)
                table, accuracy, copy_rate = _refine(L, groups, table, accuracy, copy_rate, self.class_balance_,
                                                     int(self.max_iter), float(self.prior_votes), beta)
        self.log_table_ = table
        self.lf_group_ = group_of.astype(np.int64)
        self.lf_copy_rate_ = copy_rate
        self.lf_accuracy_ = accuracy
        self.dependency_groups_ = self._named(L, groups)

    @staticmethod
    def _named(L: LabelMatrix, groups: list[list[int]]) -> list[list[str]]:
        return [[L.lf_names[j] for j in members] for members in groups]

    def _predict_proba(self, L: LabelMatrix) -> np.ndarray:
        k = self.cardinality_
        table = np.asarray(self.log_table_, dtype=np.float64)
        group = np.asarray(self.lf_group_, dtype=np.int64)
        rate = np.asarray(self.lf_copy_rate_, dtype=np.float64)
        csr = L.csr
        lf = csr.indices.astype(np.int64)
        weight = _group_weights(csr, group, rate)
        D, baseline = vote_weights(table)
        X = sp.csr_matrix((weight, lf * k + csr.data.astype(np.int64) - 1, csr.indptr), shape=(csr.shape[0], D.shape[0]))
        log_prior = np.log(np.clip(np.asarray(self.class_balance_, dtype=np.float64), 1e-300, None))
        return softmax(np.asarray(X @ D) + (baseline + log_prior)[None, :])

    def _check_learned_state(self, source: Any = None) -> None:
        """The base checks, and that ``dependency_groups_`` names the groups ``lf_group_`` holds (a saved model's
        two records of the groups must agree: one is what predicts, the other what the user reads)."""
        super()._check_learned_state(source)
        groups = getattr(self, "dependency_groups_", None)
        group = np.asarray(self.lf_group_).astype(np.int64)
        names = self.lf_names_
        expected = [[names[j] for j in np.flatnonzero(group == g)] for g in np.unique(group[group >= 0])]
        if groups != expected:
            where = type(self).__name__ if source is None else f"model in {source}"
            raise ModelInputError(f"{where}: learned dependency_groups_ must be the LF groups of lf_group_, "
                                  f"{expected}; got {groups!r}"[:400] + " (modified or corrupted after fitting, or a "
                                  "failed fit; fit it again)")

    @property
    def structure_(self) -> StructureLearner | None:
        """The fitted structure learner (None when ``dependencies`` was given, or after ``load``)."""
        return getattr(self, "_structure", None)

    @property
    def accuracies_(self) -> np.ndarray:
        """Per-LF accuracy when it votes (the base model's, refined by the weighted EM when groups were found)."""
        return np.asarray(self.lf_accuracy_)


def _check_keywords(name: str, params: dict[str, Any], klass: type) -> None:
    """Raise ``ModelInputError`` for keywords ``klass`` does not take (``cardinality`` is set here)."""
    allowed = set(klass._get_param_names()) - {"cardinality"}
    unknown = sorted(set(params) - allowed)
    if unknown:
        raise ModelInputError(f"DependencyAwareModel parameter {name} has keywords {unknown} that {klass.__name__} "
                              f"does not take; its parameters are {sorted(allowed)}")


class _PairStats:
    """What the copy rates are computed from: votes, co-votes and agreement of every LF pair, and the class
    each one-class LF votes (-1 for LFs voting several)."""

    def __init__(self, L: LabelMatrix, balance: np.ndarray) -> None:
        k = len(balance)
        self.n = L.n_rows
        _, self.co, self.agree = _pair_counts(L.csr, k)  # one product of the votes, not k + 1
        self.votes = np.bincount(L.csr.indices, minlength=L.n_lfs).astype(np.float64)
        seen = np.zeros((L.n_lfs, k), dtype=bool)
        seen[L.csr.indices, L.csr.data.astype(np.int64) - 1] = True
        self.only = np.where(seen.sum(axis=1) == 1, seen.argmax(axis=1), -1)
        self.balance = np.asarray(balance, dtype=np.float64)


def _copy_rates(groups: list[list[int]], acc: np.ndarray, ps: _PairStats, k: int) -> np.ndarray:
    """Per LF, its group's mean copy rate: the share of the pair's co-votes beyond what independent voters
    with these accuracies would give (0 if independent, 1 for copies).

    LFs voting several classes are judged by agreement: excess agreement over ``acc_a acc_b`` plus matching
    wrong votes. Two LFs that each vote one class agree whenever both vote, so agreement says nothing; they
    are judged by co-firing instead: co-votes beyond ``n sum_y P(y) P(a fires | y) P(b fires | y)``, out of
    the most there could be (``min(votes)``). One-class LFs voting different classes are not copies.
    """
    out = np.zeros(len(acc))
    for members in groups:
        rates = []
        for a in members:
            for b in members:
                if a >= b:
                    continue
                ca, cb = ps.only[a], ps.only[b]
                if ca < 0 or cb < 0:
                    # agreement of independent voters with these accuracies (wrong votes spread evenly)
                    indep = acc[a] * acc[b] + (1 - acc[a]) * (1 - acc[b]) / (k - 1)
                    rates.append((ps.agree[a, b] - indep) / max(1 - indep, 1e-9))
                elif ca != cb:
                    rates.append(0.0)
                else:
                    pc = float(np.clip(ps.balance[ca], 1e-9, 1 - 1e-9))
                    fa, fb = ps.votes[a] / ps.n, ps.votes[b] / ps.n
                    # P(fires | y = c) and P(fires | y != c) from coverage, accuracy and the class balance
                    ra, rb = min(fa * acc[a] / pc, 1.0), min(fb * acc[b] / pc, 1.0)
                    wa, wb = min(fa * (1 - acc[a]) / (1 - pc), 1.0), min(fb * (1 - acc[b]) / (1 - pc), 1.0)
                    expected = ps.n * (pc * ra * rb + (1 - pc) * wa * wb)
                    most = min(ps.votes[a], ps.votes[b])
                    rates.append((ps.co[a, b] - expected) / max(most - expected, 1e-9))
        out[members] = float(np.clip(np.mean(rates), 0.0, 1.0))
    return out


def _group_weights(csr: sp.csr_matrix, group: np.ndarray, rate: np.ndarray) -> np.ndarray:
    """Weight of every stored vote: ``1 / (1 + s (c - 1))`` for the ``c`` co-voting members of a group."""
    rows = np.repeat(np.arange(csr.shape[0]), np.diff(csr.indptr))
    lf = csr.indices.astype(np.int64)
    weight = np.ones(len(lf))
    grouped = group[lf] >= 0
    if grouped.any():
        key = rows[grouped] * (int(group.max()) + 1) + group[lf[grouped]]
        _, inv, cnt = np.unique(key, return_inverse=True, return_counts=True)
        weight[grouped] = 1.0 / (1.0 + rate[lf[grouped]] * (cnt[inv] - 1))
    return weight


def _refine(L: LabelMatrix, groups: list[list[int]], table: np.ndarray, accuracy: np.ndarray, rate: np.ndarray,
            balance: np.ndarray, max_iter: int, prior_votes: float, beta: tuple[float, float] | None,
            tol: float = 1e-5):
    """EM over all LFs with group co-votes down-weighted; each member's posterior leaves its group-mates out.

    Only the vote rows of the tables move (by the change of ``log P(vote | y, LF votes)``), so the base
    model's handling of abstains is kept. Returns the tables, accuracies and copy rates.
    """
    csr = L.csr
    n, m = csr.shape
    k = table.shape[2]
    lf = csr.indices.astype(np.int64)
    lab = csr.data.astype(np.int64) - 1
    group = np.full(m, -1)
    for g, members in enumerate(groups):
        group[members] = g
    pair_stats = _PairStats(L, balance)
    n_votes = np.diff(csr.indptr)
    csc = csr.tocsc()
    rows_of = [csc.indices[csc.indptr[j] : csc.indptr[j + 1]] for j in range(m)]
    vote_of = [csc.data[csc.indptr[j] : csc.indptr[j + 1]].astype(np.int64) - 1 for j in range(m)]
    # per group, how many of its members vote on each row: a member's vote can only be checked where an LF
    # outside its group votes too
    in_group = [np.bincount(np.concatenate([rows_of[j] for j in members]), minlength=n) for members in groups]
    several = np.zeros((m, k), dtype=bool)
    several[lf, lab] = True
    confusion = several.sum(axis=1) >= 2  # LFs voting one class keep one accuracy (no confusion to learn)
    if confusion.sum() < 3:  # as in AgreementModel: confusion matrices need three LFs that vote several classes
        confusion[:] = False
    log_prior = np.log(np.clip(balance, 1e-300, None))
    cols_of = [np.concatenate([np.arange(j * k, j * k + k) for j in members]) for members in groups]
    conf_cols = np.concatenate([np.arange(j * k, j * k + k) for j in np.flatnonzero(confusion)] + [np.zeros(0, int)])
    conf_cols_of = [np.concatenate([np.arange(j * k, j * k + k) for j in members if confusion[j]] + [np.zeros(0, int)])
                    for members in groups]

    def conditional(t: np.ndarray) -> np.ndarray:  # P(vote v | y, the LF votes): (m, k, k) [j, v, y]
        votes = t[:, 1:, :] - t[:, 1:, :].max(axis=1, keepdims=True)
        e = np.exp(votes)
        return e / e.sum(axis=1, keepdims=True)

    start = conditional(table)
    start_acc = accuracy.copy()
    cond, acc = start.copy(), accuracy.copy()
    diag = np.arange(k)
    cb = np.asarray(balance, dtype=np.float64)
    for _ in range(max_iter):
        weight = _group_weights(csr, group, rate)
        W = sp.csr_matrix((weight, lf * k + lab, csr.indptr), shape=(n, m * k))
        T = np.where(confusion[:, None, None], np.log(np.clip(cond, 1e-300, None)), np.log(_one_coin(acc, k)))
        flat = T.reshape(m * k, k)
        # as in AgreementModel: one-accuracy LFs are judged by all LFs under a uniform prior (a learned prior fed
        # back into them drifts every one-class LF towards the majority class); confusion matrices by the LFs
        # with confusion matrices and the class balance (a one-class LF there is a constant pull the prior amplifies)
        LL = {False: np.asarray(W @ flat), True: np.asarray(W[:, conf_cols] @ flat[conf_cols]) + log_prior}
        own = {c: [np.asarray(W[:, idx] @ flat[idx]) for idx in (cols_of if not c else conf_cols_of)] for c in (False, True)}
        post_all = {c: _softmax(LL[c].copy()) for c in (False, True)}
        new_cond, new_acc = cond.copy(), acc.copy()
        for j in range(m):
            rows, votes = rows_of[j], vote_of[j]
            if group[j] >= 0:
                g = group[j]
                c = bool(confusion[j])
                post = _softmax(LL[c][rows] - own[c][g][rows] + T[j, votes, :])
                keep = n_votes[rows] > in_group[g][rows]
            else:
                post = post_all[bool(confusion[j])][rows]
                keep = n_votes[rows] >= 2
            v, q = votes[keep], post[keep]
            counts = np.stack([np.bincount(v, weights=q[:, y], minlength=k) for y in range(k)], axis=1)  # [v, y]
            if confusion[j]:
                c = counts + prior_votes * start[j]
                new_cond[j] = c / np.clip(c.sum(axis=0, keepdims=True), 1e-300, None)
            else:
                a0, b0 = beta if beta is not None else (prior_votes * start_acc[j], prior_votes * (1 - start_acc[j]))
                new_acc[j] = (counts[diag, diag].sum() + a0) / (counts.sum() + a0 + b0)
        new_acc = np.clip(new_acc, 1.0 / k + 1e-4, 1 - 1e-4)
        new_acc = np.where(confusion, (new_cond[:, diag, diag] * cb).sum(axis=1), new_acc)
        delta = max(float(np.abs(new_cond - cond).max()), float(np.abs(new_acc - acc).max()))
        cond, acc = new_cond, new_acc
        rate = _copy_rates(groups, acc, pair_stats, k)
        if delta < tol:
            break
    out = table.copy()
    final = np.where(confusion[:, None, None], cond, _one_coin(acc, k))
    out[:, 1:, :] = table[:, 1:, :] + np.log(np.clip(final, 1e-300, None)) - np.log(np.clip(start, 1e-300, None))
    return out, acc, rate


def _one_coin(acc: np.ndarray, k: int) -> np.ndarray:
    """``(m, k, k)`` P(vote v | y): ``acc`` on the diagonal, the rest spread evenly."""
    eye = np.eye(k)[None, :, :]
    a = acc[:, None, None]
    return a * eye + (1 - a) / max(k - 1, 1) * (1 - eye)


def _softmax(Z: np.ndarray) -> np.ndarray:
    Z = Z - Z.max(axis=1, keepdims=True)
    np.exp(Z, out=Z)
    Z /= Z.sum(axis=1, keepdims=True)
    return Z
