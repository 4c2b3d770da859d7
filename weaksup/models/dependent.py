"""A label model that uses the learned LF dependency structure (groups of dependent LFs)."""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from weaksup.errors import ModelInputError
from weaksup.matrix import LabelMatrix
from weaksup.models._params import LOG_TABLE, NONE, Interval
from weaksup.models._table import LogTableModel, softmax, vote_weights
from weaksup.models.base import BaseLabelModel, label_model_classes
from weaksup.models.structure import StructureLearner, _agreement, _components


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
    3. when predicting, a group whose ``c`` members vote on a row counts each of their votes with weight
       ``1 / (1 + s (c - 1))``, where ``s`` is the group's copy rate: the share of its members' co-votes
       that agree beyond what their learned accuracies explain (``s = 1``: copies, one vote's worth;
       ``s = 0``: independent, full weight).

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

    _parameter_rules = {"cardinality": (NONE, Interval(int, 2))}
    _state_rules = {"log_table_": LOG_TABLE, "lf_group_": (("m",), -1, None), "lf_copy_rate_": (("m",), 0, 1),
                    "lf_accuracy_": (("m",), 0, 1)}

    def __init__(self, cardinality: int | None = None, base: str = "AgreementModel",
                 base_params: dict[str, Any] | None = None, dependencies: Any = "learn",
                 structure_params: dict[str, Any] | None = None, random_state: int | None = None) -> None:
        super().__init__(cardinality=cardinality)
        self.random_state = random_state
        self.base = base
        self.base_params = base_params
        self.dependencies = dependencies
        self.structure_params = structure_params

    def _make_base(self) -> LogTableModel:
        klass = label_model_classes().get(self.base) if isinstance(self.base, str) else None
        if klass is None or not issubclass(klass, LogTableModel):
            tables = sorted(n for n, c in label_model_classes().items() if issubclass(c, LogTableModel))
            raise ModelInputError(f"base must name a label model with a per-LF table, one of {tables}; "
                                  f"got {self.base!r}")
        params = dict(self.base_params or {})
        if "random_state" in klass().get_params() and "random_state" not in params:
            params["random_state"] = self.random_state
        return klass(cardinality=self.cardinality_, **params)

    def _groups(self, L: LabelMatrix) -> list[list[int]]:
        self.structure_ = None
        if isinstance(self.dependencies, str) and self.dependencies == "learn":
            self.structure_ = StructureLearner(cardinality=self.cardinality_, **(self.structure_params or {})).fit(L)
            return self.structure_.groups_
        try:
            pairs = [tuple(p) for p in self.dependencies]
        except TypeError as exc:
            raise ModelInputError(f"dependencies must be 'learn' or a list of LF pairs; got {self.dependencies!r}") from exc
        edges = []
        for pair in pairs:
            if len(pair) != 2:
                raise ModelInputError(f"dependencies: {pair!r} is not a pair of LFs")
            ends = []
            for lf in pair:
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
        base = self._make_base().fit(L.select_lfs(core), class_balance=class_balance, progress=progress)
        table[core] = base.log_table_
        accuracy = np.zeros(m)
        accuracy[core] = base.accuracies_
        self.class_balance_ = np.asarray(base.class_balance_, dtype=np.float64)
        for g, members in enumerate(groups):
            for j in members:
                if j == reps[g]:
                    continue
                cols = sorted([c for c in core if c != reps[g]] + [j])
                fitted = self._make_base().fit(L.select_lfs(cols), class_balance=self.class_balance_)
                table[j] = fitted.log_table_[cols.index(j)]
                accuracy[j] = fitted.accuracies_[cols.index(j)]
        copy_rate = np.zeros(m)
        if groups:
            agree = _agreement(L.csr.tocsc())
            acc = accuracy
            for members in groups:
                rates = []
                for a in members:
                    for b in members:
                        if a < b:
                            # agreement of independent voters with these accuracies (wrong votes spread evenly)
                            indep = acc[a] * acc[b] + (1 - acc[a]) * (1 - acc[b]) / (k - 1)
                            rates.append((agree[a, b] - indep) / max(1 - indep, 1e-9))
                copy_rate[members] = float(np.clip(np.mean(rates), 0.0, 1.0))
        self.log_table_ = table
        self.lf_group_ = group_of.astype(np.int64)
        self.lf_copy_rate_ = copy_rate
        self.lf_accuracy_ = accuracy
        self.dependency_groups_ = [[L.lf_names[j] for j in members] for members in groups]

    def _predict_proba(self, L: LabelMatrix) -> np.ndarray:
        k = self.cardinality_
        table = np.asarray(self.log_table_, dtype=np.float64)
        group = np.asarray(self.lf_group_, dtype=np.int64)
        rate = np.asarray(self.lf_copy_rate_, dtype=np.float64)
        csr = L.csr
        rows = np.repeat(np.arange(csr.shape[0]), np.diff(csr.indptr))
        lf = csr.indices.astype(np.int64)
        weight = np.ones(len(lf))
        grouped = group[lf] >= 0
        if grouped.any():
            key = rows[grouped] * (int(group.max()) + 1) + group[lf[grouped]]
            _, inv, cnt = np.unique(key, return_inverse=True, return_counts=True)
            weight[grouped] = 1.0 / (1.0 + rate[lf[grouped]] * (cnt[inv] - 1))
        D, baseline = vote_weights(table)
        X = sp.csr_matrix((weight, lf * k + csr.data.astype(np.int64) - 1, csr.indptr), shape=(csr.shape[0], D.shape[0]))
        log_prior = np.log(np.clip(np.asarray(self.class_balance_, dtype=np.float64), 1e-300, None))
        return softmax(np.asarray(X @ D) + (baseline + log_prior)[None, :])

    @property
    def accuracies_(self) -> np.ndarray:
        """Per-LF accuracy as the base model reports it, each from the fit against LFs it does not depend on."""
        return np.asarray(self.lf_accuracy_)
