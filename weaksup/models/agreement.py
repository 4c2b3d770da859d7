"""Agreement model: LF accuracies learned from where LFs overlap, combined by a weighted vote.

This is the default label model. It is the one-coin model of crowdsourcing and data
programming (every LF has one accuracy; its wrong votes spread evenly over the other
classes) fitted by EM, i.e. iterative weighted majority voting (Li & Yu 2014), with the
changes that keep it from collapsing on real weak supervision:

- an LF's accuracy is estimated only on rows where some other LF also voted, so an LF
  cannot vouch for itself on the rows where it votes alone, and near-copies of an LF (same
  rows, same votes) are fitted as one LF, so they cannot vouch for each other;
- every accuracy has a Beta prior better than chance and is kept above chance, so a
  weight never turns against its vote (no label flips for LFs that vote one class only);
- abstains carry no evidence, and the class prior is kept out of the fit (uniform), the
  two routes by which likelihood-based models (Dawid-Skene, the generative model) drift to
  the majority class when LFs are correlated or fire for one class only; the prior (given,
  from dev labels, or estimated after the fit) is applied when predicting.
See benchmarks/RESULTS.md for the comparison.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from itertools import pairwise

import numpy as np
import scipy.sparse as sp

from weaksup.errors import ModelInputError
from weaksup.matrix import LabelMatrix
from weaksup.models._confusion import beta_prior, shrunk_confusion
from weaksup.models._copies import group_copies
from weaksup.models._one_class import TwoClassJudge, classes_at_chance, one_sided_accuracy
from weaksup.models._params import BOOL, PROBABILITY, Interval, Options
from weaksup.models._table import LogTableModel, log_posterior, softmax
from weaksup.models.diagnostics import BOUND_TOL
from weaksup.models.stats import PatternCounts, one_hot
from weaksup.patterns import iter_one_hot_blocks, n_distinct_rows, one_hot_blocks

_PREDICT_CHUNK = 1_000_000
_WARM_TOL = 1e-3  # weight change at which a warm-start one-coin fit stops
_WARM_ROWS = 100_000  # rows of the warm-start one-coin fit on large matrices
_PROBE = 100_000  # rows probed to decide whether counting distinct patterns pays off
_COPY_SHARE = 0.1  # rows are dropped by copying only when they hold more than this share of the votes
_BLOCK_ROWS = 1 << 19  # at most this many rows per block of the binary confusion EM and its prediction
# and at most about this many votes: the blocks' shared buffer of ones (8 bytes a vote) and per-row
# arrays stay a few MB, so the first call touches little fresh memory (page faults cost ~1 GB/s)
_BLOCK_VOTES = 1 << 20
_VOTES_PER_THREAD = 1 << 22  # votes: below this a thread of the binary EM costs more than it saves
# confusion matrices when LFs voting several classes cast at least this share of the overlapping votes
# (crowd sets: 0.98-1.00; keyword LFs plus a few classifier LFs: 0.2-0.6; any value in 0.7-0.9 gives the
# same results on every matrix of label_suite and lf_subsets)
_CROWD_SHARE = 0.8


class AgreementModel(LogTableModel):
    """Weighted vote whose LF weights are fitted by EM on the rows where LFs overlap.

    Each iteration computes the posterior of every row under the current weights (uniform
    prior); ``acc_j`` is the Beta-smoothed mean posterior probability that LF ``j``'s vote
    is right, over the rows where some other LF voted too, kept above chance; the weight is
    the naive-Bayes log-odds ``w_j = log((k - 1) acc_j / (1 - acc_j))``. It starts from plain
    majority vote and stops when no weight moves by more than ``tol``. ``predict_proba`` is
    ``softmax(log prior + sum of the weights of the LFs voting each class)``.

    It runs on :class:`PatternCounts` (so ``partial_fit`` and ``fit_from_stats`` work) and
    each iteration costs a few passes over the distinct patterns' votes. It needs no
    minimum number of LFs: with fewer than two overlapping LFs it reduces to majority vote.

    Parameters
    ----------
    cardinality : int, optional
        Number of classes (inferred from the votes if omitted).
    acc_prior : float
        Prior mean of every LF accuracy (weak supervision assumes better than chance).
    prior_strength : float
        Pseudo-rows behind the prior: LFs that overlap others on far more rows than this
        get their own accuracy, rarely overlapping ones stay near ``acc_prior``.
    learn_class_balance : bool
        If True (and no class balance or dev labels are given), estimate the class balance
        by maximum likelihood over the rows with votes after the accuracies are fitted (it is
        not fed back into them). Default False: a uniform prior, as in Snorkel, which scored
        better on WRENCH, where LFs firing for one class make the learned balance unreliable.
    max_iter : int
        Maximum iterations.
    tol : float
        Stop when no LF weight changes by more than this.
    class_conditional : {"auto", "never"}
        ``"auto"``: an LF that votes two or more classes (an annotator, a classifier used as an
        LF) gets a class-conditional confusion matrix, Dawid-Skene style, shrunk towards its
        one-coin accuracy with a prior strength learned from the votes (empirical Bayes, shared
        by all such LFs; see ``confusion_strength_``); that one-coin accuracy is itself smoothed
        by a Beta prior learned from those LFs (not ``acc_prior``: annotators on a 5-class task
        can be right 36% of the time). LFs that vote one class keep one accuracy. This needs
        three or more such LFs casting at least 80% of the votes on rows where LFs overlap (crowd
        data); next to LFs voting one class (keyword LFs plus a few classifiers) every LF keeps
        one accuracy. ``"never"``: one accuracy for every LF.

    Attributes
    ----------
    weights_ : ndarray (m,)
        Log-odds weight of each LF's vote.
    lf_accuracy_ : ndarray (m,)
        Estimated accuracy of each LF (when it votes).
    lf_overlap_ : ndarray (m,)
        Number of rows on which each LF voted together with another LF.
    class_conditional_lfs_ : ndarray of bool (m,)
        LFs fitted with a confusion matrix (their ``weights_`` summarise its mean diagonal).
    confusion_strength_ : float or None
        Learned prior strength of those confusion matrices (pseudo-votes per class; large means
        the LFs behave one-coin), None when no LF has one.
    chance_classes_ : ndarray of bool (k,)
        The classes whose one-class LFs (those voting only that class, where they overlap others) all
        came out at chance while another class's did not. LFs that each vote one
        class always agree with their own side and disagree with the others, so agreements cannot say
        which side is right, and EM hands the weight to the side whose LFs overlap more; this fixed
        point is not evidence, and the fit then falls back to equal weights (majority vote, at
        ``acc_prior``) and says so (``diagnose``, a warning). All False otherwise.
    chance_lfs_ : ndarray of bool (m,)
        The LFs of those classes.
    lf_copy_of_ : ndarray of int (m,)
        For each LF, the LF whose near-copy it is (its own index if none). Near-copies vote on nearly
        the same rows (the rows both vote on are >= 80% of the rows either votes on) and cast the same
        vote on >= 95% of them: they confirm each other by construction, so each group is fitted as one
        LF (voting its members' most common vote on each row, none on an exact tie; the member with the
        most votes names the group) and every member gets the group's accuracy; each still casts its own
        vote when predicting. ``diagnose()`` lists the groups.
    class_balance_ : ndarray (k,)
    n_iter_ : int

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> y = rng.integers(0, 2, 3000)
    >>> L = np.stack([np.where(rng.random(3000) < a, y, 1 - y) for a in (0.95, 0.8, 0.7, 0.6)], axis=1)
    >>> model = AgreementModel().fit(L)
    >>> np.round(model.accuracies_, 1).tolist()
    [0.9, 0.8, 0.7, 0.6]
    >>> model.predict(np.array([[1, 0, -1, -1], [-1, 0, 1, 1]])).tolist()
    [1, 0]
    """

    min_lfs = 1
    _parameter_rules = {"acc_prior": PROBABILITY, "prior_strength": Interval(float, 0), "learn_class_balance": BOOL,
                        "max_iter": Interval(int, 1), "tol": Interval(float, 0),
                        "class_conditional": Options("auto", "never")}
    _state_rules = {"weights_": (("m",), None, None), "lf_accuracy_": (("m",), 0, 1),
                    "lf_overlap_": (("m",), 0, None), "class_conditional_lfs_": (("m",), 0, 1, "optional"),
                    "chance_classes_": (("k",), 0, 1, "optional"), "chance_lfs_": (("m",), 0, 1, "optional"),
                    "lf_copy_of_": (("m",), 0, None, "optional")}

    def __init__(self, cardinality: int | None = None, acc_prior: float = 0.7, prior_strength: float = 100.0,
                 learn_class_balance: bool = False, max_iter: int = 100, tol: float = 1e-5,
                 class_conditional: str = "auto") -> None:
        super().__init__(cardinality=cardinality)
        self.class_conditional = class_conditional
        self.acc_prior = acc_prior
        self.prior_strength = prior_strength
        self.learn_class_balance = learn_class_balance
        self.max_iter = max_iter
        self.tol = tol

    def _fit(self, L: LabelMatrix, class_balance: np.ndarray | None, seed: int | None, progress: bool) -> None:
        # Only rows where two or more LFs vote inform the fit. Counting their distinct patterns
        # pays off when patterns repeat (real LFs); on near-unique rows it is skipped.
        self._stats_acc, self._stats_dirty = None, False  # a full fit discards partial_fit chunks
        # each group of near-copies is fitted as one LF
        csr, rep, column = group_copies(L.csr, np.ones(L.n_rows), self.cardinality_)
        votes = np.diff(csr.indptr)
        if votes[votes < 2].sum() > _COPY_SHARE * csr.nnz:
            csr_fit = csr[votes >= 2]  # many single-vote rows: drop them before counting
        else:
            csr_fit = csr  # few: _fit_patterns gives them weight 0 (copying the matrix costs more)
        # the probe counts distinct rows by their hashes only (building its patterns cost 4x more)
        if n_distinct_rows(csr_fit, _PROBE) < 0.5 * min(csr_fit.shape[0], _PROBE):
            stats = PatternCounts.from_label_matrix(csr_fit, cardinality=self.cardinality_)
            pats, count = stats.patterns, stats.counts.astype(np.float64)
        else:
            pats, count = csr_fit, np.ones(csr_fit.shape[0])
        one_sided = self._fit_patterns(pats, count, csr.shape[1], class_balance, progress)
        if class_balance is None and self.learn_class_balance:
            self.class_balance_ = _posterior_balance(csr, np.ones(csr.shape[0]), self.log_table_)
        one_sided = self._spread_over_copies(one_sided, rep, column, L.n_lfs)
        self._balance_out_of_one_class_votes(one_sided)

    def _fit_stats(self, stats: PatternCounts, class_balance: np.ndarray | None, seed: int | None,
                   progress: bool) -> None:
        count = stats.counts.astype(np.float64)
        pats, rep, column = group_copies(stats.patterns, count, self.cardinality_)
        one_sided = self._fit_patterns(pats, count, pats.shape[1], class_balance, progress)
        if class_balance is None and self.learn_class_balance:
            self.class_balance_ = _posterior_balance(pats, count, self.log_table_)
        one_sided = self._spread_over_copies(one_sided, rep, column, stats.n_lfs)
        self._balance_out_of_one_class_votes(one_sided)

    def _spread_over_copies(self, one_sided: np.ndarray, rep: np.ndarray | None, column: np.ndarray | None,
                            m: int) -> np.ndarray:
        """After a fit on merged near-copies: every LF gets its group's fitted state (so each still casts its
        own vote when predicting); ``lf_copy_of_`` records the groups."""
        if rep is None:
            self.lf_copy_of_ = np.arange(m)
            return one_sided
        self.lf_copy_of_ = rep
        for name in ("weights_", "lf_accuracy_", "lf_overlap_", "class_conditional_lfs_", "chance_lfs_",
                     "log_table_"):
            value = getattr(self, name, None)
            if value is not None:
                setattr(self, name, np.asarray(value)[column])
        return one_sided[column]

    def _balance_out_of_one_class_votes(self, one_sided: np.ndarray) -> None:
        """Next to class-conditional LFs, a one-class LF's vote is its accuracy's log-odds *given* the class
        balance: its accuracy is the share of its votes that are right, a probability that already holds
        the balance, so the prior (applied once per row) is taken out of each of its votes. Without this a
        learned balance counted again on every such vote (youtube's LFs plus three simulated classifiers,
        balance 0.6 SPAM: every row with only HAM keyword votes went SPAM)."""
        if not one_sided.any() or not np.any(self.class_conditional_lfs_):
            return
        log_prior = np.log(np.clip(np.asarray(self.class_balance_, dtype=np.float64), 1e-300, None))
        self.log_table_[one_sided, 1:, :] -= log_prior[None, None, :]

    def _fit_patterns(self, pats: sp.csr_matrix, count: np.ndarray, m: int, class_balance: np.ndarray | None,
                      progress: bool) -> np.ndarray:
        """Fit the table on the counted patterns; returns which LFs were fitted as one-class LFs of a
        two-class fit that has LFs voting both classes (judged by those)."""
        k = self.cardinality_
        if not 1.0 / k < self.acc_prior < 1.0 or self.prior_strength < 0:
            raise ModelInputError(
                f"acc_prior must lie in (1/k, 1) = ({1 / k:.3f}, 1) and prior_strength be >= 0; got "
                f"acc_prior={self.acc_prior}, prior_strength={self.prior_strength}"
            )
        self._em_passes = None  # counted by the binary confusion EM only
        n_votes = np.diff(pats.indptr)
        shared = n_votes >= 2  # rows where an LF's vote can be checked against another's
        if shared.all():
            P, c = pats, count
        elif n_votes[~shared].sum() > _COPY_SHARE * pats.nnz:
            P, c = pats[shared], count[shared]
        else:  # the other rows hold few votes: weight 0 instead of a copy of the matrix
            P, c = pats, np.where(shared, count, 0.0)
        eye = np.eye(k)
        several = (_votes_several_classes(P, c > 0, k) if self.class_conditional == "auto" or k == 2
                   else np.zeros(m, bool))
        multi_class = several if self.class_conditional == "auto" else np.zeros(m, bool)
        votes = None
        if multi_class.sum() < 3:  # confusion matrices need three LFs that vote several classes
            multi_class = np.zeros(m, bool)
        elif not multi_class.all():
            # Confusion matrices and a jointly learned class balance model annotators; where LFs voting
            # one class (keyword LFs) cast a real share of the votes, the few LFs voting several classes
            # would set the balance and the one-class LFs' weights bend to it (youtube's or sms's LFs
            # plus three simulated classifiers: 8-15 points below majority vote; one-coin: above it)
            votes = _votes_per_lf(P, c, m)
            if votes[multi_class].sum() < _CROWD_SHARE * votes.sum():
                multi_class = np.zeros(m, bool)
        # the one-coin fit runs on a subset of the rows when it only warm-starts the confusion matrices
        subset = multi_class.all() and P.shape[0] > 2 * _WARM_ROWS
        # rows on which each LF voted together with another LF; with a subset the confusion EM's first
        # pass gives them (one pass over the votes fewer)
        overlap = None if subset else (votes if votes is not None else _votes_per_lf(P, c, m))
        # Two classes, some LFs voting both (a classifier used as an LF) and some one class only (keyword
        # LFs): a one-class LF always agrees with the others of its class and always disagrees with those
        # of the other class, so judged by them EM gives the side that overlaps more, not the more
        # accurate one, the high weights (youtube's LFs plus three simulated classifiers: HAM's LFs driven
        # to chance, 13 points below majority vote). Where an LF voting both classes also voted, those LFs'
        # posterior judges it instead; elsewhere (no such rows) nothing changes.
        one_sided = ~several if k == 2 and several.any() else np.zeros(m, bool)
        if one_sided.any():
            checked = c * (np.diff(P[:, several].indptr) > 0)  # rows where a two-class LF voted
            judge = TwoClassJudge(P, checked)
        # when every LF gets a confusion matrix the one-coin fit is only their EM's starting point,
        # which need not be converged tightly
        tol = max(self.tol, _WARM_TOL) if multi_class.all() else self.tol
        a0 = self.acc_prior * self.prior_strength
        b0 = (1.0 - self.acc_prior) * self.prior_strength
        lo, hi = 1.0 / k + 1e-4, 1.0 - 1e-4  # above chance: a weight never turns against its vote

        def to_weights(acc: np.ndarray) -> np.ndarray:
            acc = np.clip(acc, lo, hi)
            return np.log((k - 1) * acc / (1 - acc))

        acc = np.full(m, self.acc_prior)
        weights = to_weights(acc)  # equal weights: majority vote
        steps = range(1, self.max_iter + 1)
        if progress:
            from tqdm.auto import tqdm

            steps = tqdm(steps, desc="AgreementModel", leave=False)
        strength = None
        Pw, cw, overlap_w = P, c, overlap
        if subset:
            # the warm start for the confusion matrices: an evenly spaced subset of the rows suffices
            # (counts scaled up so the prior keeps its weight against the data)
            stride = P.shape[0] // _WARM_ROWS
            Pw, cw = P[::stride], c[::stride] * stride
            overlap_w = _votes_per_lf(Pw, cw, m)
        expected_right = _right_votes_binary(Pw, cw, overlap_w) if k == 2 else _right_votes(Pw, cw, m, k)
        n_iter = 0
        for step in steps:
            n_iter = step
            right = expected_right(weights)
            acc = (right + a0) / (overlap_w + a0 + b0)
            if one_sided.any():  # judged by the two-class LFs' posterior alone (the others' weights set to 0)
                p1 = 0.5 * (1.0 + np.tanh(0.5 * (judge.signed @ (weights * several))))
                acc[one_sided] = one_sided_accuracy(acc, judge.accuracy(p1), one_sided, a0 + b0)
            new = to_weights(acc)
            delta = float(np.abs(new - weights).max()) if m else 0.0
            weights = new
            if delta < tol:
                break
        self.chance_classes_, self.chance_lfs_ = np.zeros(k, bool), np.zeros(m, bool)
        if not multi_class.any():
            classes, lfs = classes_at_chance(P, acc, overlap_w, k, lo + BOUND_TOL)
            if classes.any():
                # The fit put every LF voting class c only at chance, and not another class's: a degenerate
                # fixed point, not evidence (LFs voting both classes, where there are any, did not prevent it:
                # a classifier LF at chance judges nothing). One-class LFs always agree with their own side
                # and disagree with the other, so agreements cannot say which side is right; EM gives the
                # weight to the side whose LFs overlap more (random subsets of youtube's LFs: the accurate
                # SPAM LFs at chance, 9.7 below majority vote; two copies of a HAM LF: 14.2 below). Equal
                # weights (majority vote) are the fit then.
                self.chance_classes_, self.chance_lfs_ = classes, lfs
                acc = np.full(m, self.acc_prior)
                weights = to_weights(acc)
        table = weights[:, None, None] * eye[None, :, :]
        if multi_class.any():
            # warm start from the one-coin fit (its table, accuracies and mean posterior): EM over a
            # jointly learned prior is slow from a uniform start (hundreds of iterations at 1:20)
            # threads for the binary EM's row blocks (scipy's products release the GIL); none for small fits
            threads = min(_threads(), max(1, P.nnz // _VOTES_PER_THREAD)) if k == 2 else 1
            with ThreadPoolExecutor(threads) if threads > 1 else nullcontext() as pool:
                table, acc, strength, learned_balance, more, overlap = self._em_with_confusion(
                    P, c, m, k, overlap, multi_class, a0, b0, to_weights, range(1, self.max_iter + 1),
                    class_balance, table, acc, pool,
                    (one_sided, judge) if one_sided.any() else None,
                )
            n_iter += more
            mean_diag = np.exp(table[:, np.arange(k), np.arange(k)]).mean(axis=1)
            acc = np.where(multi_class, mean_diag, acc)
            weights = to_weights(acc)
        self.n_iter_ = n_iter
        self.weights_ = weights
        self.lf_accuracy_ = np.clip(acc, lo, hi)
        self.lf_overlap_ = overlap
        self.class_conditional_lfs_ = multi_class
        self.confusion_strength_ = strength
        log_table = np.zeros((m, k + 1, k))
        log_table[:, 1:, :] = table
        self.log_table_ = log_table
        if class_balance is not None:
            self.class_balance_ = np.asarray(class_balance, dtype=np.float64)
        elif strength is not None:  # fitted jointly with the confusion matrices, so predictions use it
            self.class_balance_ = learned_balance / learned_balance.sum()
        else:
            self.class_balance_ = np.full(k, 1.0 / k)
        return one_sided

    def _em_with_confusion(self, P: sp.csr_matrix, c: np.ndarray, m: int, k: int, overlap: np.ndarray | None,
                           multi_class: np.ndarray, a0: float, b0: float, to_weights, steps,
                           class_balance: np.ndarray | None, table: np.ndarray, acc: np.ndarray, pool=None,
                           checked_rows: tuple | None = None):
        """EM where LFs voting several classes have shrunk confusion matrices, the others one accuracy.

        Returns the vote table ``[j, v, y]`` (log-likelihood of vote ``v`` given class ``y``, up
        to a constant per LF), the one-coin accuracies, the learned prior strength, the class
        balance learned with them, the number of iterations and the overlap of every LF (computed
        here from the weighted votes per value when ``overlap`` is None: every LF voting several classes).
        """
        all_multi = bool(multi_class.all())  # then the one-coin pass has nothing to fit (the common crowd case)
        each = map if pool is None else pool.map
        if k == 2 and all_multi:  # binary, every LF: row blocks of the one-hot votes (a block of memory each)
            blocks = [(a, b, Xb, Xb.T) for a, b, Xb in one_hot_blocks(P, 2, _block_rows(P), each)]
            some = np.diff(P.indptr) > 0  # rows with a vote (the one-hot rows are P's)
        else:
            X = one_hot(P, k)
            XT = X.T
            Xm = X if all_multi else X[:, np.repeat(multi_class, k)]
            XmT = Xm.T
            blocks = [(0, P.shape[0], Xm, XmT)]
            some = np.diff(Xm.indptr) > 0  # rows where an LF voting several classes voted
        cm = c if some.all() else np.where(some, c, 0.0)  # the others hold no such vote: weight 0, no copy
        # [j, v]: weighted votes of each value
        # blocks run by the pool's threads (if any) but their results are summed in block order, so a
        # threaded fit is the sequential one to the last bit
        votes_per_value = sum(each(lambda blk: np.asarray(blk[3] @ cm[blk[0] : blk[1]]), blocks)).reshape(-1, k)
        self._em_passes = 1  # passes over every vote (read by benchmarks/label_models.py to state the floor)

        def binary_pass(d: np.ndarray, shift: float, m_step: bool = True) -> tuple[float, np.ndarray]:
            # E-step and M-step statistics of two classes, block by block: sum of cm P(y = 1 | row) and the
            # cm P(y = 1)-weighted votes of each (LF, value); P(y = 1) = sigmoid(one-hot row . d + shift)
            self._em_passes += 2 if m_step else 1

            def block(blk: tuple) -> tuple[float, np.ndarray | None]:
                a, b, Xb, XbT = blk
                p1 = Xb @ d
                p1 += shift
                _sigmoid_inplace(p1)  # in place: no temporaries the size of the rows
                p1 *= cm[a:b]
                # a numpy sum, not a BLAS dot: a threaded OpenBLAS took 100x longer on a busy machine
                return float(p1.sum()), (XbT @ p1 if m_step else None)

            total, ones = 0.0, np.zeros(len(d))
            for part, part_ones in each(block, blocks):
                total += part
                if m_step:
                    ones += part_ones
            return total, ones

        if overlap is None:  # all LFs here (Xm is X): the same integer sums as _votes_per_lf, exactly
            overlap = votes_per_value.sum(axis=1)
        eye = np.eye(k)
        diag = np.arange(k)
        fixed_prior = class_balance is not None
        cm_sum = cm.sum()
        if fixed_prior:
            log_prior = np.log(np.clip(class_balance, 1e-300, None))
        elif k == 2:  # the same start from one mat-vec: the posterior of class 1 is a sigmoid of the log-odds
            T = table[multi_class]
            share = binary_pass((T[:, :, 1] - T[:, :, 0]).ravel(), 0.0, m_step=False)[0]
            log_prior = np.log((np.array([cm_sum - share, share]) + 1.0) / (cm_sum + k))
        else:  # start from the mean posterior of the one-coin fit (a uniform start converges slowly at 1:20)
            start = softmax(np.asarray(Xm @ table[multi_class].reshape(-1, k)))
            log_prior = np.log((cm @ start + 1.0) / (cm_sum + k))
        strength, n_iter, beta = None, 0, None
        for step in steps:
            n_iter = step
            if not all_multi:
                # LFs voting one class keep the one-coin fit: accuracies from the posterior of all LFs
                # under a uniform prior, so a learned prior never feeds back into them.
                post = softmax(np.asarray(X @ table.reshape(m * k, k)))
                post *= c[:, None]
                acc = (np.asarray(XT @ post).reshape(m, k, k)[:, diag, diag].sum(axis=1) + a0) / (overlap + a0 + b0)
                if checked_rows is not None:  # two classes: judged by the class-conditional LFs' posterior
                    one_sided, judge = checked_rows
                    post = softmax(np.asarray(X @ (table * multi_class[:, None, None]).reshape(m * k, k)))
                    acc[one_sided] = one_sided_accuracy(acc, judge.accuracy(post[:, 1]), one_sided, a0 + b0)
            # Confusion matrices and class balance are learned together from the LFs that vote several
            # classes, as in Dawid-Skene: with a uniform prior a class imbalance would be absorbed into
            # every confusion matrix, and a one-class LF in the posterior would act as a constant pull
            # that the learned prior amplifies (an always-0 LF would drive everything to class 0).
            if k == 2:  # one mat-vec each way: the posterior of class 1 is a sigmoid of summed log-odds
                T = table[multi_class]
                share, ones = binary_pass((T[:, :, 1] - T[:, :, 0]).ravel(), log_prior[1] - log_prior[0])
                ones = ones.reshape(-1, 2)
                if not fixed_prior:
                    share = (share + 1.0) / (cm_sum + 2)
                    log_prior = np.log(np.array([1.0 - share, share]))
                counts = np.stack([votes_per_value - ones, ones], axis=2)  # [j, v, y] expected votes
            else:
                post = softmax(np.asarray(Xm @ table[multi_class].reshape(-1, k)) + log_prior)
                if not fixed_prior:
                    log_prior = np.log((cm @ post + 1.0) / (cm_sum + k))
                post *= cm[:, None]
                counts = np.asarray(XmT @ post).reshape(-1, k, k)  # [j, v, y] expected votes of those LFs
            new = to_weights(acc)[:, None, None] * eye[None, :, :]
            n_votes = counts.sum(axis=(1, 2))
            right_votes = counts[:, diag, diag].sum(axis=1)
            # centres of the confusion priors: each LF's one-coin accuracy under a Beta prior learned from
            # these LFs (annotators can sit far from acc_prior: median 0.36 on a 5-class crowd set)
            beta = beta_prior(right_votes, n_votes, k, near=beta)
            ca, cb = beta
            one_coin = (right_votes + ca) / (n_votes + ca + cb)
            confusion, strength = shrunk_confusion(np.transpose(counts, (0, 2, 1)),
                                                   np.clip(one_coin, 1.0 / k + 1e-4, 1 - 1e-4), near=strength)
            new[multi_class] = np.log(np.transpose(confusion, (0, 2, 1)))
            delta = float(np.abs(new - table).max())
            table = new
            if delta < self.tol:
                break
        return table, acc, strength, np.exp(log_prior), n_iter, overlap

    def _predict_proba(self, L: LabelMatrix) -> np.ndarray:
        k = self.cardinality_
        log_prior = np.log(np.clip(np.asarray(self.class_balance_, dtype=np.float64), 1e-300, None))
        if np.any(getattr(self, "class_conditional_lfs_", False)):
            if k != 2:
                return super()._predict_proba(L)
            # two classes: each stored vote adds one log-odds value, read from the table by (LF, vote)
            table = np.asarray(self.log_table_, dtype=np.float64)
            d = (table[:, 1:, 1] - table[:, 1:, 0]).ravel()  # [j * 2 + label]
            shift = log_prior[1] - log_prior[0]
            out = np.empty((L.n_rows, 2))  # written block by block: no n-long temporaries
            csr, rows = L.csr, _block_rows(L.csr)

            def share(bounds: tuple[int, int]) -> None:
                # blocks made one at a time in reused buffers: no one-hot copy, no fresh memory per block
                for a, b, X in iter_one_hot_blocks(csr, 2, rows, *bounds):
                    p1 = X @ d
                    p1 += shift
                    _sigmoid_inplace(p1)
                    out[a:b, 1] = p1
                    np.subtract(1.0, p1, out=out[a:b, 0])

            # rows are independent: threads (scipy's products release the GIL) each fill their own rows
            threads = min(_threads(), max(1, csr.nnz // _VOTES_PER_THREAD))
            cuts = np.linspace(0, L.n_rows, threads + 1).astype(np.int64)
            shares = [(int(a), int(b)) for a, b in pairwise(cuts)]
            if threads == 1:
                share(shares[0])
            else:
                with ThreadPoolExecutor(threads) as pool:
                    list(pool.map(share, shares))
            return out
        weights = np.asarray(self.weights_, dtype=np.float64)
        if k == 2:  # posterior of class 1 = sigmoid(signed vote sum + prior log-odds)
            csr = L.csr
            X = sp.csr_matrix((np.where(csr.data == 2, 1.0, -1.0), csr.indices, csr.indptr), shape=csr.shape)
            p1 = 0.5 * (1.0 + np.tanh(0.5 * (X @ weights + log_prior[1] - log_prior[0])))
            return np.column_stack([1.0 - p1, p1])
        W = np.kron(np.asarray(self.weights_, dtype=np.float64)[:, None], np.eye(k))
        out = np.empty((L.n_rows, k))
        for start in range(0, L.n_rows, _PREDICT_CHUNK):  # bounds the one-hot copy's memory
            part = L.csr[start : start + _PREDICT_CHUNK]
            Z = np.asarray(one_hot(part, k) @ W)
            Z += log_prior
            out[start : start + part.shape[0]] = softmax(Z)
        return out

    @property
    def accuracies_(self) -> np.ndarray:  # type: ignore[override]
        """Estimated accuracy of each LF when it votes."""
        return np.asarray(self.lf_accuracy_)


def _threads() -> int:
    return min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def _block_rows(P: sp.csr_matrix) -> int:
    """Rows per block of the binary one-hot passes: about ``_BLOCK_VOTES`` votes, at most ``_BLOCK_ROWS`` rows."""
    per_row = P.nnz / max(P.shape[0], 1)
    return max(1, min(_BLOCK_ROWS, int(_BLOCK_VOTES / max(per_row, 1.0))))


def _sigmoid_inplace(z: np.ndarray) -> np.ndarray:
    """``0.5 (1 + tanh(z / 2))`` (the logistic function, stable for any ``z``), overwriting ``z``."""
    z *= 0.5
    np.tanh(z, out=z)
    z += 1.0
    z *= 0.5
    return z


def _votes_per_lf(P: sp.csr_matrix, c: np.ndarray, m: int) -> np.ndarray:
    """Weighted number of votes of each LF (row weights ``c``), without a per-vote weight array
    when the weights are 0 or 1 (rows of a label matrix rather than counted patterns)."""
    if P.nnz > _PROBE and np.all((c == 0) | (c == 1)):
        out = np.bincount(P.indices, minlength=m).astype(np.float64)
        per_row = np.diff(P.indptr)
        zero = np.flatnonzero((c == 0) & (per_row > 0))  # rows given weight 0: subtract their votes
        if len(zero) and (per_row[zero] == 1).all():  # the usual case: single-vote rows, one index each
            out -= np.bincount(P.indices[P.indptr[zero]], minlength=m)
        elif len(zero):
            starts, ends = P.indptr[zero], P.indptr[zero + 1]
            idx = np.repeat(ends - np.cumsum(ends - starts), ends - starts) + np.arange(int((ends - starts).sum()))
            out -= np.bincount(P.indices[idx], minlength=m)
        return out
    return np.bincount(P.indices, weights=np.repeat(c, np.diff(P.indptr)), minlength=m)


def _votes_several_classes(P: sp.csr_matrix, rows: np.ndarray, k: int, block: int = 1 << 14) -> np.ndarray:
    """``(m,)`` booleans: LF ``j`` voted two or more classes on the selected rows (no copy of ``P``).

    Rows are read in blocks that double in size (up to 1M rows) and the scan stops as soon as every LF is
    known to vote several classes (it cannot change after that): LFs that vote both classes of a binary
    task show it in the first block, so a 10M-row matrix is not read to the end for an answer its first
    thousands of rows give.
    """
    m, n = P.shape[1], P.shape[0]
    seen = np.zeros((m, k), dtype=bool)
    kind = np.int32 if m * k < 2**31 else np.int64
    lo = 0
    while lo < n:
        hi = min(n, lo + block)
        a, b = int(P.indptr[lo]), int(P.indptr[hi])
        data = P.data[a:b]
        key = P.indices[a:b].astype(kind)
        key *= kind(k)
        key += data
        key -= 1
        keep = (data >= 1) & (data <= k)
        selected = rows[lo:hi]
        if not selected.all():
            keep &= np.repeat(selected, np.diff(P.indptr[lo : hi + 1]))
        seen |= (np.bincount(key[keep], minlength=m * k)[: m * k] > 0).reshape(m, k)
        if (seen.sum(axis=1) >= 2).all():
            break
        lo, block = hi, min(2 * block, 1 << 20)
    return seen.sum(axis=1) >= 2


def _right_votes(P: sp.csr_matrix, c: np.ndarray, m: int, k: int):
    """E-step + M-step sufficient statistic: weights -> expected number of right votes per LF.

    The posterior of every row uses a uniform prior on purpose: a prior fed back into the
    fit pulls every row, and then every LF's accuracy, towards the majority class.
    """
    X = one_hot(P, k)
    XT = X.T  # CSC view, no copy
    eye = np.eye(k)
    diag = np.arange(k)

    def right(weights: np.ndarray) -> np.ndarray:
        post = softmax(np.asarray(X @ np.kron(weights[:, None], eye)))
        post *= c[:, None]
        # expected right votes of LF j = sum over its votes v of P(y = v)
        return np.asarray(XT @ post).reshape(m, k, k)[:, diag, diag].sum(axis=1)

    return right


def _right_votes_binary(P: sp.csr_matrix, c: np.ndarray, overlap: np.ndarray):
    """Two classes: the same statistic from one signed matrix (+1 votes class 1, -1 class 0).

    The posterior margin is ``s = X w``, and a vote ``x`` is right with probability
    ``(1 + x tanh(s / 2)) / 2``, so one mat-vec each way replaces the one-hot products.
    """
    X = sp.csr_matrix((np.where(P.data == 2, 1.0, -1.0), P.indices, P.indptr), shape=P.shape)
    XT = X.T

    def right(weights: np.ndarray) -> np.ndarray:
        q = np.tanh(0.5 * (X @ weights))
        q *= c
        return 0.5 * (overlap + XT @ q)

    return right


def _posterior_balance(pats: sp.csr_matrix, count: np.ndarray, table: np.ndarray, max_iter: int = 500,
                       tol: float = 1e-10) -> np.ndarray:
    """Maximum-likelihood class balance of the rows with votes, the LF weights held fixed.

    EM over mixture weights only (a concave problem): the prior is re-estimated as the mean
    posterior until it stops moving. The weights are not refitted, so this cannot feed back
    into the accuracies.
    """
    k = table.shape[2]
    voted = np.diff(pats.indptr) > 0
    if not voted.any():
        return np.full(k, 1.0 / k)
    Z = log_posterior(pats[voted], table, np.zeros(k))
    Z -= Z.max(axis=1, keepdims=True)
    like = np.exp(Z)
    c = count[voted]
    prior = np.full(k, 1.0 / k)
    for _ in range(max_iter):
        post = like * prior
        post /= post.sum(axis=1, keepdims=True)
        new = (c @ post + 1.0) / (c.sum() + k)  # add-one: no class gets prior 0
        done = float(np.abs(new - prior).max()) < tol
        prior = new
        if done:
            break
    return prior
