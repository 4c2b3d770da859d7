"""Multi-label label models: per-LF per-label accuracies with label correlations, and the baselines."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator

from weaksup._files import user_path
from weaksup._persist import load_checked_npz, save_json_and_npz, to_json
from weaksup.errors import ModelInputError, NotFittedError
from weaksup.matrix import LabelMatrix
from weaksup.models.base import label_model_classes
from weaksup.multilabel.matrix import MultiLabelMatrix, as_multilabel_matrix, check_threshold
from weaksup.patterns import PatternCounts

_EPS = 1e-6
_CELLS = 4_000_000  # rows x label sets per block of the exact posterior


def _all_states(K: int) -> np.ndarray:
    """Every label set as a ``(2^K, K)`` 0/1 float matrix."""
    return ((np.arange(2**K)[:, None] >> np.arange(K)[None, :]) & 1).astype(np.float64)


def _state_mass(q: np.ndarray, S: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """State masses of rows whose labels are independent with marginals ``q`` (the starting point)."""
    lq, l1q = np.log(np.clip(q, _EPS, 1)), np.log(np.clip(1 - q, _EPS, 1))
    mass = np.zeros(len(S))
    chunk = max(1, _CELLS // len(S))
    for start in range(0, len(q), chunk):
        mass += weight[start:start + chunk] @ np.exp(lq[start:start + chunk] @ S.T + l1q[start:start + chunk] @ (1 - S).T)
    return mass


class _MultiLabelBase(BaseEstimator):
    """Shared input checks, ``predict``, ``predict_proba_frame`` of multi-label label models."""

    def _votes(self, M: Any) -> MultiLabelMatrix:
        """``M`` as a matrix; an unnamed ``n x m x K`` array of a fitted model's shape takes its LF and label names
        (its columns are in the fitted order, as a dense label matrix's are for the single-label models)."""
        if isinstance(M, MultiLabelMatrix) or not hasattr(self, "label_names_"):
            return as_multilabel_matrix(M)
        arr = np.asarray(M)
        shape = (len(self.lf_names_), len(self.label_names_))
        if arr.ndim == 3 and arr.shape[1:] != shape:
            raise ModelInputError(f"votes of shape {arr.shape} have {arr.shape[1]} LFs x {arr.shape[2]} labels; the "
                                  f"model was fitted on {shape[0]} LFs x {shape[1]} labels")
        return MultiLabelMatrix.from_dense(arr, self.lf_names_, self.label_names_)

    def _check(self, M: Any, fitting: bool) -> MultiLabelMatrix:
        M = self._votes(M) if not fitting else as_multilabel_matrix(M)
        if fitting:
            if M.n_rows == 0:
                raise ModelInputError("cannot fit a multi-label model on an empty matrix")
            if not M.label_names:
                raise ModelInputError("cannot fit a multi-label model on a matrix with no labels")
            return M
        if not hasattr(self, "label_names_"):
            raise NotFittedError(f"{type(self).__name__} is not fitted yet; call fit(M) first")
        if M.lf_names != self.lf_names_ or M.label_names != self.label_names_:
            if sorted(M.lf_names) != sorted(self.lf_names_) or sorted(M.label_names) != sorted(self.label_names_):
                missing = [x for x in self.lf_names_ + self.label_names_ if x not in M.lf_names + M.label_names]
                extra = [x for x in M.lf_names + M.label_names if x not in self.lf_names_ + self.label_names_]
                raise ModelInputError(f"the matrix's LFs and labels differ from those the model was fitted on: "
                                      f"missing {missing[:5]}, not fitted on {extra[:5]} (fitted on LFs "
                                      f"{self.lf_names_[:5]}{'...' if len(self.lf_names_) > 5 else ''} and labels "
                                      f"{self.label_names_[:5]}{'...' if len(self.label_names_) > 5 else ''})")
            M = _reordered(M, self.lf_names_, self.label_names_)  # the same names in another order, as LabelModel
        return M

    def predict(self, M: Any, threshold: float = 0.5) -> np.ndarray:
        """``n x K`` 0/1 array: label present where its probability exceeds ``threshold``."""
        check_threshold(threshold)
        return (self.predict_proba(M) > threshold).astype(np.int64)

    def predict_proba_frame(self, M: Any) -> pd.DataFrame:
        """``predict_proba`` as a DataFrame indexed by the row ids, one ``prob_<label>`` column per fitted label."""
        M = self._votes(M)
        return pd.DataFrame(self.predict_proba(M), index=M.index, columns=[f"prob_{c}" for c in self.label_names_])


class MultiLabelModel(_MultiLabelBase):
    """Multi-label label model: per-LF per-label accuracies and label correlations, fitted by EM.

    Each label ``c`` of a row is a hidden 0/1 variable. Given it, each LF's response on that label
    (present / absent / abstain) follows the LF's own table for ``c`` (Dawid-Skene, one table per
    LF and label). An LF that only ever says "present" on a label (a keyword) carries evidence
    through how often it fires, so its abstains are modelled; one that says both (a classifier, an
    annotator) votes whatever the label, so its abstains carry no evidence (one firing rate). The labels are coupled by a prior
    ``logit P(y_c = 1 | y_others) = b_c + sum_d W_cd y_d`` (an Ising model, ``W`` symmetric); the
    posterior is exact (it enumerates the ``2^K`` label sets, so ``K <= max_labels``). EM alternates
    the posterior and the M-step: the tables from expected counts (add-``smoothing`` counts, and
    never against their own vote: a "present" that would count as evidence of absence is pooled to
    no evidence), and ``b`` and ``W`` by maximum likelihood of the expected label sets, L2-penalised
    (``coupling_penalty``). It starts from the per-label majority vote.

    Parameters
    ----------
    correlations : bool
        Learn the coupling ``W`` (False: independent labels, only ``b``).
    coupling_penalty : float
        L2 penalty on ``W`` per row (larger: weaker learned correlations).
    smoothing : float
        Pseudo-counts added to every cell of every table.
    max_iter : int
    tol : float
        Stop when no posterior moves by more than this (mean absolute change).
    max_labels : int
        Most labels accepted (the posterior enumerates all ``2^K`` label sets exactly).

    Attributes
    ----------
    log_table_ : ndarray (m, K, 2, 3)
        ``log P(response | y_c)``, responses abstain / absent / present.
    bias_ : ndarray (K,)
    coupling_ : ndarray (K, K)
        Learned label correlations (positive: the labels go together).
    lf_names_, label_names_ : list of str
    n_iter_ : int

    Examples
    --------
    >>> from weaksup.multilabel.simulate import simulate_multilabel
    >>> M, Y = simulate_multilabel(3000, seed=0)
    >>> model = MultiLabelModel().fit(M)
    >>> model.predict_proba(M).shape
    (3000, 6)
    >>> bool((model.predict(M) == Y).mean() > 0.85)
    True
    """

    def __init__(self, correlations: bool = True, coupling_penalty: float = 1e-3, smoothing: float = 1.0,
                 max_iter: int = 100, tol: float = 1e-4, max_labels: int = 14) -> None:
        self.correlations = correlations
        self.coupling_penalty = coupling_penalty
        self.smoothing = smoothing
        self.max_iter = max_iter
        self.tol = tol
        self.max_labels = max_labels

    # fitting ------------------------------------------------------------------------------------
    def fit(self, M: Any, progress: bool = False) -> MultiLabelModel:
        """Learn the tables and the label correlations from the votes alone."""
        for name in ("coupling_penalty", "smoothing", "tol"):
            v = getattr(self, name)
            if not isinstance(v, (int, float)) or isinstance(v, bool) or not v >= 0:
                raise ModelInputError(f"MultiLabelModel parameter {name} must be a number >= 0; got {v!r}")
        for name in ("max_iter", "max_labels"):
            v = getattr(self, name)
            if not isinstance(v, (int, np.integer)) or isinstance(v, bool) or v < 1:
                raise ModelInputError(f"MultiLabelModel parameter {name} must be an integer >= 1; got {v!r}")
        M = self._check(M, fitting=True)
        n, m, K = M.shape
        if K > self.max_labels:
            raise ModelInputError(f"MultiLabelModel enumerates the 2^K label sets and takes at most max_labels="
                                  f"{self.max_labels} labels; got {K}. Fit groups of related labels apart, or "
                                  "use OneVsRestLabelModel")
        self.lf_names_, self.label_names_ = list(M.lf_names), list(M.label_names)
        # fit on the distinct vote patterns, each weighted by how many rows have it
        stats = PatternCounts.from_label_matrix(LabelMatrix(M.csr, cardinality=2))
        U = MultiLabelMatrix(stats.patterns, M.lf_names, M.label_names)
        weight = np.asarray(stats.counts, dtype=np.float64)
        self._weight = weight
        n = U.n_rows
        entries = _entries(U)
        said = np.zeros((m, K, 2), dtype=bool)
        said[entries[1], entries[2], entries[3]] = True
        self._two_sided = said.all(axis=-1)
        q = _majority(U, entries)
        self.bias_ = _logit(np.clip(weight @ q / weight.sum(), 0.01, 0.99))
        self.coupling_ = np.zeros((K, K))
        steps = range(1, self.max_iter + 1)
        if progress:
            from tqdm.auto import tqdm

            steps = tqdm(steps, desc="MultiLabelModel", leave=False)
        self.n_iter_ = 0
        self._states = _all_states(K)
        mass = _state_mass(q, self._states, weight)
        for step in steps:
            self.n_iter_ = step
            self.log_table_ = self._m_step_tables(entries, q, n, m, K)
            self._m_step_prior(mass)
            new, mass = self._posterior(entries, n, K, weight)
            delta = float(weight @ np.abs(new - q).mean(axis=1) / weight.sum())
            q = new
            if delta < self.tol:
                break
        return self

    def _m_step_tables(self, entries: tuple[np.ndarray, ...], q: np.ndarray, n: int, m: int, K: int) -> np.ndarray:
        rows, lf, lab, vote = entries
        w1 = q[rows, lab] * self._weight[rows]
        wq = self._weight[:, None] * q
        counts = np.zeros((m, K, 2, 3))
        for y, w in ((1, w1), (0, self._weight[rows] - w1)):
            for v in (0, 1):  # absent, present -> responses 1, 2
                sel = vote == v
                np.add.at(counts[:, :, y, v + 1], (lf[sel], lab[sel]), w[sel])
        total = np.stack([self._weight.sum() - wq.sum(axis=0), wq.sum(axis=0)], axis=-1)  # (K, 2)
        counts[:, :, :, 0] = np.clip(total[None, :, :] - counts[:, :, :, 1] - counts[:, :, :, 2], 0.0, None)
        counts += self.smoothing
        table = counts / counts.sum(axis=-1, keepdims=True)
        # an LF that says both "present" and "absent" on a label votes there whatever the label (a classifier,
        # an annotator): when it abstains says nothing, so its firing rate is shared by y = 0 and y = 1
        two = self._two_sided
        if two.any():
            voted = counts[:, :, :, 1:].sum(axis=-1, keepdims=True)
            fire = voted.sum(axis=2, keepdims=True) / counts.sum(axis=(2, 3), keepdims=True)
            shared = np.concatenate([np.broadcast_to(1 - fire, voted.shape), fire * counts[:, :, :, 1:] / voted], -1)
            table = np.where(two[:, :, None, None], shared, table)
        # never against its own vote: "present" must favour y = 1 and "absent" y = 0, else no evidence
        for v, sign in ((2, 1.0), (1, -1.0)):
            bad = sign * (np.log(table[:, :, 1, v]) - np.log(table[:, :, 0, v])) < 0
            if bad.any():
                pooled = counts[:, :, :, v].sum(axis=-1) / counts.sum(axis=(-1, -2))
                for y in (0, 1):
                    table[:, :, y, v] = np.where(bad, pooled, table[:, :, y, v])
                # renormalise through the abstain cell so each row still sums to 1
                table[:, :, :, 0] = np.clip(1.0 - table[:, :, :, 1] - table[:, :, :, 2], _EPS, None)
                table /= table.sum(axis=-1, keepdims=True)
        return np.log(table)

    def _m_step_prior(self, mass: np.ndarray) -> None:
        """Fit ``b`` and ``W`` to the expected label sets (``mass[s]``: posterior mass of set ``s``), by Newton."""
        S = self._states
        K = S.shape[1]
        iu = np.triu_indices(K, 1)
        learn_w = self.correlations and K > 1
        F = np.hstack([S, S[:, iu[0]] * S[:, iu[1]]]) if learn_w else S  # sufficient statistics of each set
        pen = np.r_[np.zeros(K), np.full(F.shape[1] - K, 2.0 * float(self.coupling_penalty))]
        target = mass @ F / mass.sum()
        theta = np.r_[self.bias_, self.coupling_[iu]] if learn_w else self.bias_.copy()
        for _ in range(50):
            lp = F @ theta
            p = np.exp(lp - lp.max())
            p /= p.sum()
            mean = p @ F
            grad = mean - target + pen * theta
            H = F.T @ (p[:, None] * F) - np.outer(mean, mean) + np.diag(pen + 1e-9)
            step = np.linalg.solve(H, grad)
            theta = theta - np.clip(step, -2.0, 2.0)  # damped: the likelihood is flat in rare label sets
            if np.abs(step).max() < 1e-8:
                break
        self.bias_ = theta[:K]
        W = np.zeros((K, K))
        if learn_w:
            W[iu] = theta[K:]
        self.coupling_ = W + W.T

    def _evidence(self, entries: tuple[np.ndarray, ...], n: int, K: int) -> np.ndarray:
        rows, lf, lab, vote = entries
        ratio = self.log_table_[:, :, 1, :] - self.log_table_[:, :, 0, :]  # (m, K, 3)
        base = ratio[:, :, 0].sum(axis=0)  # every LF abstains
        delta = ratio[lf, lab, vote + 1] - ratio[lf, lab, 0]
        E = sp.csr_matrix((delta, (rows, lab)), shape=(n, K)).toarray()  # duplicates are summed
        return E + base[None, :]

    def _posterior(self, entries: tuple[np.ndarray, ...], n: int, K: int,
                   weight: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Exact posterior over the ``2^K`` label sets: per-label marginals ``(n, K)`` and state masses ``(2^K,)``."""
        S = self._states
        E = self._evidence(entries, n, K)
        lp = S @ self.bias_ + 0.5 * np.einsum("sc,cd,sd->s", S, self.coupling_, S)
        q = np.empty((n, K))
        mass = np.zeros(len(S))
        chunk = max(1, _CELLS // len(S))
        for start in range(0, n, chunk):
            Z = E[start:start + chunk] @ S.T + lp[None, :]
            Z -= Z.max(axis=1, keepdims=True)
            np.exp(Z, out=Z)
            Z /= Z.sum(axis=1, keepdims=True)
            q[start:start + chunk] = Z @ S
            mass += Z.sum(axis=0) if weight is None else weight[start:start + chunk] @ Z
        return q, mass

    def predict_proba(self, M: Any) -> np.ndarray:
        """``n x K`` probability that each label is present (rows in the order of ``M``, ids in ``M.index``)."""
        M = self._check(M, fitting=False)
        n, _, K = M.shape
        self._states = _all_states(K)
        return self._posterior(_entries(M), n, K)[0]

    @property
    def accuracies_(self) -> pd.DataFrame:
        """Per LF and label: ``P(present | y=1)`` (sensitivity) and ``P(absent | y=0)`` among votes, coverage."""
        self._check_fitted()
        T = np.exp(self.log_table_)
        rows = []
        for j, lf in enumerate(self.lf_names_):
            for c, lab in enumerate(self.label_names_):
                t1, t0 = T[j, c, 1], T[j, c, 0]
                rows.append({"lf": lf, "label": lab,
                             "precision_present": t1[2] / max(t1[2] + t0[2], _EPS),
                             "sensitivity": t1[2] / max(t1[1] + t1[2], _EPS),
                             "specificity": t0[1] / max(t0[1] + t0[2], _EPS),
                             "fires_if_present": 1 - t1[0], "fires_if_absent": 1 - t0[0]})
        return pd.DataFrame(rows)

    def _check_fitted(self) -> None:
        if not hasattr(self, "log_table_"):
            raise NotFittedError("MultiLabelModel is not fitted yet; call fit(M) first")

    # persistence --------------------------------------------------------------------------------
    def save(self, directory: str | Path) -> Path:
        """Write ``model.json`` (parameters, names) and ``arrays.npz`` (tables, bias, coupling); no pickle."""
        self._check_fitted()
        directory = user_path(directory)
        meta = {"format": "weaksup.MultiLabelModel", "version": 1, "params": {k: to_json(v) for k, v in self.get_params().items()},
                "lf_names": self.lf_names_, "label_names": self.label_names_, "n_iter": int(self.n_iter_)}
        save_json_and_npz(directory, meta, "arrays.npz",
                          {"log_table_": self.log_table_, "bias_": self.bias_, "coupling_": self.coupling_})
        return directory

    @classmethod
    def load(cls, directory: str | Path) -> MultiLabelModel:
        """Read a model written by :meth:`save` (its arrays checked against the recorded checksum and shapes)."""
        directory = user_path(directory)
        try:
            meta = json.loads((directory / "model.json").read_text())
        except (OSError, json.JSONDecodeError) as exc:
            raise ModelInputError(f"cannot read a multi-label model from {directory}: {exc}") from exc
        if not isinstance(meta, dict) or meta.get("format") != "weaksup.MultiLabelModel":
            raise ModelInputError(f"{directory} does not hold a weaksup MultiLabelModel")
        try:
            model = cls(**meta["params"])
        except TypeError as exc:  # parameters this version does not take (or a hand-edited file)
            raise ModelInputError(f"model in {directory}: its parameters {meta.get('params')!r} do not fit "
                                  f"MultiLabelModel: {exc}") from exc
        arrays = load_checked_npz(directory, meta, "arrays.npz")
        m, K = len(meta["lf_names"]), len(meta["label_names"])
        shapes = {"log_table_": (m, K, 2, 3), "bias_": (K,), "coupling_": (K, K)}
        for key, shape in shapes.items():
            value = arrays.get(key)
            if value is None or value.shape != shape or not np.isfinite(value).all():
                raise ModelInputError(f"model in {directory}: {key} must be a finite array of shape {shape}")
        model.log_table_, model.bias_, model.coupling_ = arrays["log_table_"], arrays["bias_"], arrays["coupling_"]
        model.lf_names_, model.label_names_, model.n_iter_ = meta["lf_names"], meta["label_names"], meta["n_iter"]
        return model


class MultiLabelMajorityVoter(_MultiLabelBase):
    """Per-label majority vote: share of "present" among the LFs that voted on the label (0 where none did).

    Examples
    --------
    >>> M = MultiLabelMatrix.from_dense(np.array([[[1, 0]], [[-1, 1]]]))
    >>> MultiLabelMajorityVoter().fit(M).predict_proba(M).tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """

    def fit(self, M: Any) -> MultiLabelMajorityVoter:
        """Record the LF and label names (nothing is learned)."""
        M = self._check(M, fitting=True)
        self.lf_names_, self.label_names_ = list(M.lf_names), list(M.label_names)
        return self

    def predict_proba(self, M: Any) -> np.ndarray:
        """Share of present votes per label; ties give 0.5 (not above the 0.5 threshold)."""
        M = self._check(M, fitting=False)
        n, _, K = M.shape
        rows, _, lab, vote = _entries(M)
        present = sp.csr_matrix((vote.astype(float), (rows, lab)), shape=(n, K)).toarray()
        voted = sp.csr_matrix((np.ones(len(vote)), (rows, lab)), shape=(n, K)).toarray()
        return np.divide(present, voted, out=np.zeros((n, K)), where=voted > 0)


class OneVsRestLabelModel(_MultiLabelBase):
    """One binary label model per label (present = class 1), fitted on that label's votes alone.

    Parameters
    ----------
    base : str
        Name of a weaksup label model (``"AgreementModel"``, ``"DawidSkene"``, ...).
    base_params : dict, optional

    Examples
    --------
    >>> from weaksup.multilabel.simulate import simulate_multilabel
    >>> M, Y = simulate_multilabel(2000, seed=0)
    >>> OneVsRestLabelModel("DawidSkene").fit(M).predict(M).shape
    (2000, 6)
    """

    def __init__(self, base: str = "AgreementModel", base_params: dict[str, Any] | None = None) -> None:
        self.base = base
        self.base_params = base_params

    def fit(self, M: Any) -> OneVsRestLabelModel:
        """Fit one binary model per label."""
        import warnings

        M = self._check(M, fitting=True)
        klass = label_model_classes().get(self.base)
        if klass is None:
            raise ModelInputError(f"base must name a weaksup label model, one of {sorted(label_model_classes())}; "
                                  f"got {self.base!r}")
        self.lf_names_, self.label_names_ = list(M.lf_names), list(M.label_names)
        self.models_ = []
        for c in range(len(M.label_names)):
            try:
                model = klass(cardinality=2, **(self.base_params or {}))
            except TypeError as exc:  # a parameter the base model does not take
                raise ModelInputError(f"base_params {self.base_params!r} do not fit {self.base}: {exc}") from exc
            with warnings.catch_warnings():  # one-class LFs on a label make every binary model warn
                warnings.simplefilter("ignore")
                self.models_.append(model.fit(M.binary(c)))
        return self

    def predict_proba(self, M: Any) -> np.ndarray:
        """Each label's binary model's probability of class 1."""
        M = self._check(M, fitting=False)
        return np.column_stack([model.predict_proba(M.binary(c))[:, 1] for c, model in enumerate(self.models_)])


# ------------------------------------------------------------------------------------------------
def _entries(M: MultiLabelMatrix) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Stored votes as (row, LF, label, vote 0/1) arrays."""
    csr = M.csr
    K = len(M.label_names)
    rows = np.repeat(np.arange(csr.shape[0]), np.diff(csr.indptr))
    col = csr.indices.astype(np.int64)
    return rows, col // K, col % K, csr.data.astype(np.int64) - 1


def _majority(M: MultiLabelMatrix, entries: tuple[np.ndarray, ...]) -> np.ndarray:
    n, _, K = M.shape
    rows, _, lab, vote = entries
    score = sp.csr_matrix((2.0 * vote - 1.0, (rows, lab)), shape=(n, K)).toarray()
    voted = sp.csr_matrix((np.ones(len(vote)), (rows, lab)), shape=(n, K)).toarray() > 0
    q = np.where(score > 0, 0.9, np.where(score < 0, 0.1, 0.5))
    # rows no LF voted on: the share of voted rows whose majority says present, halved (labels are rarer unvoted)
    share = np.array([(q[voted[:, c], c] > 0.5).mean() if voted[:, c].any() else 0.5 for c in range(K)])
    return np.where(voted, q, np.clip(share / 2, 0.01, 0.5)[None, :])


def _reordered(M: MultiLabelMatrix, lf_names: list[str], label_names: list[str]) -> MultiLabelMatrix:
    """``M`` with its LF and label columns put in the given orders (the same names)."""
    K = len(M.label_names)
    lfs = [M.lf_names.index(x) for x in lf_names]
    labels = [M.label_names.index(x) for x in label_names]
    cols = [j * K + c for j in lfs for c in labels]
    return MultiLabelMatrix(M.csr[:, cols], lf_names, label_names, M.index)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _logit(p: np.ndarray) -> np.ndarray:
    return np.log(p) - np.log1p(-p)
