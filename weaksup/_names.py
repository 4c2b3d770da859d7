"""Matching label-matrix columns to LFs by name, the one rule every label model and merge follows.

Columns are matched **by LF name** whenever both sides have real names: the same LFs in another
column order are put back in order, and different LF sets are an error naming the LFs missing
and extra. Default names (``lf_0, lf_1, ...``, what an unnamed dense array or sparse matrix
gets) carry no identity, so when either side has them the columns are taken by position, as
before (only their number must agree).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from weaksup.errors import ModelInputError
from weaksup.matrix import LabelMatrix

_SHOWN = 6  # LF names listed in an error before "..."


def is_default(names: Sequence[str]) -> bool:
    """Whether ``names`` are the default ``lf_0, lf_1, ...`` (no identity: match by position).

    Examples
    --------
    >>> is_default(["lf_0", "lf_1"]), is_default(["lf_1", "lf_0"]), is_default(["spam", "ham"])
    (True, False, False)
    """
    return list(names) == [f"lf_{j}" for j in range(len(names))]


def _short(names: Sequence[str]) -> str:
    shown = list(names)[:_SHOWN]
    return f"{shown}{'...' if len(names) > _SHOWN else ''}"


def column_order(expected: Sequence[str], given: Sequence[str], context: str) -> np.ndarray | None:
    """Positions in ``given`` of the LFs ``expected``, in that order; ``None`` to take columns as they are.

    ``None`` means positional: either side has default names, or the names agree already (the
    caller checks the column count in the positional case). Real names naming different LFs
    raise :class:`~weaksup.errors.ModelInputError` starting with ``context``.

    Examples
    --------
    >>> column_order(["a", "b", "c"], ["c", "a", "b"], "demo").tolist()
    [1, 2, 0]
    >>> column_order(["a", "b"], ["lf_0", "lf_1"], "demo") is None
    True
    >>> column_order(["a", "b"], ["a", "z"], "demo")
    Traceback (most recent call last):
    ...
    weaksup.errors.ModelInputError: demo: missing LFs ['b'], extra LFs ['z']
    """
    expected, given = list(expected), list(given)
    if expected == given or is_default(expected) or is_default(given):
        return None
    have, want = set(given), set(expected)
    missing = [n for n in expected if n not in have]
    extra = [n for n in given if n not in want]
    if missing or extra or len(expected) != len(given):
        parts = ([f"missing LFs {_short(missing)}"] if missing else []) + ([f"extra LFs {_short(extra)}"] if extra else [])
        # only missing (an annotator who labelled none of the new items): they can be added as all-abstain columns
        hint = (f"; if they voted on none of these rows, add them as abstaining: "
                f"L.add_lfs(np.full((L.n_rows, {len(missing)}), -1), lf_names={_short(missing)})"
                if missing and not extra else "")
        raise ModelInputError(f"{context}: {', '.join(parts) or 'repeated LF names'}{hint}")
    position = {name: i for i, name in enumerate(given)}
    return np.array([position[name] for name in expected], dtype=np.int64)


def select_columns(L: LabelMatrix, order: np.ndarray) -> LabelMatrix:
    """``L`` with its columns in ``order`` (rows, ids and cardinality unchanged).

    Examples
    --------
    >>> L = LabelMatrix.from_dense([[0, 1, -1]], lf_names=["a", "b", "c"])
    >>> M = select_columns(L, np.array([2, 0, 1]))
    >>> M.lf_names, M.to_dense().tolist()
    (['c', 'a', 'b'], [[-1, 0, 1]])
    """
    csr = L.csr[:, order]
    csr.sort_indices()  # column fancy-indexing leaves each row's indices in the new column order
    return LabelMatrix(csr, lf_names=[L.lf_names[j] for j in order], index=L.index, cardinality=L.cardinality)


def mismatch_context(what: str, given: Sequence[str], expected: Sequence[str], fitted: str) -> str:
    """The opening of a "these are not the LFs" error: ``what`` LFs [...] differ from the ``fitted`` LFs [...].

    Examples
    --------
    >>> mismatch_context("label matrix", ["a"], ["b"], "fitted")
    "label matrix LFs ['a'] differ from the fitted LFs ['b']"
    """
    return f"{what} LFs {_short(given)} differ from the {fitted} LFs {_short(expected)}"
