"""Checks of a fitted label model that a user should hear about: dead LFs, unreachable classes, no convergence.

A label model can fit "successfully" and still be useless for some rows: an LF whose
learned accuracy sits at chance contributes nothing (its rows fall back to the prior), an
LF at accuracy 1 overrides every other vote, a class no LF can raise is never predicted,
and an optimiser that ran out of iterations returns whatever it had. ``diagnose`` returns
these checks as a table; ``warn_if_degenerate`` turns the failing ones into one
:class:`~weaksup.errors.WeaksupWarning` at the end of ``fit``.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from weaksup._votes import classes_cast, classes_favoured
from weaksup.errors import WeaksupWarning

#: an accuracy this close to chance (1/k) or to 1 is "at a bound"
BOUND_TOL = 1e-3
CHECKS = ("lf never votes", "lf at chance", "lf at accuracy 1", "class never favoured", "one class's LFs at chance", "converged")
_FAILED_AS = {"converged": "not converged"}


def _lf_names(model: Any, m: int) -> list[str]:
    names = getattr(model, "lf_names_", None)
    return list(names) if names is not None and len(names) == m else [f"lf_{j}" for j in range(m)]


def _favoured_classes(model: Any, cast_votes: Any) -> np.ndarray | None:
    """Boolean per class: some LF casts votes for it that raise it above the others (from ``log_table_``)."""
    table = getattr(model, "log_table_", None)
    if table is None or cast_votes is None:
        return None
    table = np.asarray(table, dtype=np.float64)
    k = table.shape[2]
    votes = table[:, 1:, :] - table[:, :1, :]  # [j, v, y]: what a vote v adds to class y
    own = votes[:, np.arange(k), np.arange(k)]  # (m, k): a vote for c, added to c
    # a class given prior 0 (class_balance=[0, ...]) is never predicted by the user's choice: it is neither
    # reported nor a rival (its table column holds no data)
    balance = getattr(model, "class_balance_", None)
    ruled_out = np.zeros(k, bool) if balance is None or np.shape(balance) != (k,) else np.asarray(balance) <= 0
    rivals = np.eye(k, dtype=bool)[None] | ruled_out[None, None, :]
    others = np.where(rivals, -np.inf, votes).max(axis=2)  # best other class
    # only whether each class is raised by some LF that votes it: the scan stops once every class is settled
    favoured = classes_favoured(cast_votes, k, own > others + 1e-9) | ruled_out
    if not favoured.all():
        # a class no LF votes is never favoured (reported), but it is no rival either: its table column holds no
        # votes' evidence (DawidSkene's is its smoothing, under which a vote moves that class least), so against
        # it every voted class would be reported too. One full pass over the votes, only when a class failed.
        unvoted = ~classes_cast(cast_votes, k).any(axis=0)
        if unvoted.any():
            others = np.where(rivals | unvoted[None, None, :], -np.inf, votes).max(axis=2)
            favoured = classes_favoured(cast_votes, k, own > others + 1e-9) | ruled_out
    return favoured


def diagnose(model: Any, L: Any = None) -> pd.DataFrame:
    """The fitted model's health checks, one row per check: ``check``, ``ok`` and ``detail``.

    Checks: LFs that cast no vote in ``L`` (needs the votes), LFs whose accuracy is at chance (weight zero: their votes are ignored), LFs at
    accuracy 1 (they override every other vote), classes that no LF's vote favours (never
    predicted from votes; needs the votes ``L``), for :class:`AgreementModel` whether every LF
    of one class came out at chance (it then falls back to majority vote) and which groups of
    near-copy LFs it fitted as one (information, never a failure), and whether the fit
    converged within ``max_iter`` (``n_iter`` for the crowd aggregators that stop at a tolerance
    ``tol``).

    Examples
    --------
    >>> import numpy as np
    >>> from weaksup.models import AgreementModel
    >>> L = np.array([[0, 0, 1], [1, 1, 0], [0, -1, 1], [1, 1, 0], [-1, 0, 1], [1, -1, 0]] * 40)  # lf 2 disagrees
    >>> import warnings
    >>> with warnings.catch_warnings(record=True):  # fit warns about lf_2 too
    ...     table = diagnose(AgreementModel(class_conditional="never").fit(L), L)
    >>> row = table.set_index("check").loc["lf at chance"]
    >>> bool(row.ok), row.detail
    (False, 'lf_2 (accuracy 0.500)')
    """
    rows = []
    acc = getattr(model, "accuracies_", None)
    k = int(getattr(model, "cardinality_", 2))
    votes = None
    if L is not None:
        import scipy.sparse as sp

        from weaksup.matrix import as_label_matrix

        if sp.issparse(L):  # label + 1 (what fit passes); csr_array and coo too
            votes = sp.csr_matrix(L)
        elif hasattr(model, "cardinality_") and hasattr(model, "_check_L"):
            # a fitted model's LFs matched by name, as predict_proba does: a frame in another column order
            # must not report one LF's silence under another's name
            votes = model._check_L(L, fitting=False).csr
        else:
            votes = as_label_matrix(L).csr
    # an LF that casts no vote in L (a typo in a keyword, a column that is empty here) was not fitted at all;
    # said as such, not as an LF "at chance"
    silent = np.zeros(0, bool)
    if votes is not None and not getattr(model, "stateless", False):  # votes-only models learn nothing per LF
        # stored zeros are abstains, not votes
        silent = np.bincount(votes.indices[votes.data != 0], minlength=votes.shape[1]) == 0
        names = _lf_names(model, len(silent))
        rows.append(("lf never votes", not silent.any(), ", ".join(names[j] for j in np.flatnonzero(silent))))
    if acc is not None:
        acc = np.asarray(acc, dtype=np.float64)
        names = _lf_names(model, len(acc))
        voting = ~silent if silent.shape == acc.shape else np.ones(len(acc), bool)
        low = np.flatnonzero((acc <= 1.0 / k + BOUND_TOL) & voting)
        high = np.flatnonzero(acc >= 1.0 - BOUND_TOL)
        rows.append(("lf at chance", not len(low), ", ".join(f"{names[j]} (accuracy {acc[j]:.3f})" for j in low)))
        rows.append(("lf at accuracy 1", not len(high), ", ".join(names[j] for j in high)))
    favoured = _favoured_classes(model, votes)
    if favoured is not None:
        missing = np.flatnonzero(~favoured)
        rows.append(("class never favoured", not len(missing), ", ".join(f"class {c}" for c in missing)))
    if hasattr(model, "chance_classes_") and acc is not None:  # AgreementModel's fallback to majority vote
        classes = np.flatnonzero(np.asarray(model.chance_classes_, dtype=bool))
        lfs = np.flatnonzero(np.asarray(getattr(model, "chance_lfs_", np.zeros(len(acc))), dtype=bool))
        names = _lf_names(model, len(acc))
        which = ", ".join(f"class {c}" for c in classes)
        rows.append(("one class's LFs at chance", not len(classes), "" if not len(classes) else (
            f"every LF voting only {which} ({', '.join(names[j] for j in lfs)}) was fitted at chance and another "
            "class's were not; agreements between LFs that each vote one class cannot tell which class's LFs are "
            "right, so equal weights (majority vote) are used")))
    copy_of = getattr(model, "lf_copy_of_", None)
    if copy_of is not None and acc is not None and np.shape(copy_of) == (len(acc),):
        # not a failure: near-copies confirm each other by construction, so AgreementModel fits each group as one
        names = _lf_names(model, len(acc))
        copy_of = np.asarray(copy_of, dtype=np.int64)
        groups = [", ".join(names[j] for j in np.flatnonzero(copy_of == r)) for r in np.unique(copy_of)
                  if (copy_of == r).sum() > 1]
        rows.append(("near-copy LFs fitted as one", True, "; ".join(groups)))
    n_iter, max_iter, cap = getattr(model, "n_iter_", None), getattr(model, "max_iter", None), "max_iter"
    if max_iter is None and getattr(model, "tol", None) is not None:
        # crowd-kit's names: n_iter caps the iterations of a fit that stops once it improves by less than tol
        max_iter, cap = getattr(model, "n_iter", None), "n_iter"
    if n_iter is not None and max_iter is not None:
        done = int(n_iter) < int(max_iter)
        rows.append(("converged", done, "" if done else f"stopped at {cap}={max_iter}"))
    return pd.DataFrame(rows, columns=["check", "ok", "detail"])


def warn_if_degenerate(model: Any, L: Any = None) -> None:
    """Emit one :class:`~weaksup.errors.WeaksupWarning` listing every failed check of :func:`diagnose`.

    Examples
    --------
    >>> import numpy as np, warnings
    >>> from weaksup.models import MajorityVoter
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("error")
    ...     warn_if_degenerate(MajorityVoter(cardinality=2).fit(np.array([[0, 1]])))  # nothing to say
    """
    table = diagnose(model, L)
    failed = table[~table["ok"].astype(bool)]
    if len(failed):
        # a failed check is named by what went wrong ("converged" failing reads "not converged")
        what = "; ".join(f"{_FAILED_AS.get(r.check, r.check)}: {r.detail}" for r in failed.itertuples())
        warnings.warn(f"{type(model).__name__} fit: {what} (see model.diagnose())", WeaksupWarning, stacklevel=3)
