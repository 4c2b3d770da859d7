"""Multi-label labeling functions (a row in, a set of labels / per-label votes / None out) and their applier."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd
import scipy.sparse as sp

from weaksup._validation import check_function_list
from weaksup.errors import ApplyInputError, LabelingFunctionError, ParameterError
from weaksup.multilabel.matrix import MultiLabelMatrix, _parse_vote


class MultiLabelLF:
    """A labeling function that votes several labels at once.

    ``func(row)`` returns a set (or list) of label names (present; the others abstained, or absent
    with ``others="absent"``), a ``{label: 1 or 0}`` dict (present / absent per label, others
    abstained), or None (abstain on every label). ``row`` is a pandas row: fields as attributes.

    Examples
    --------
    >>> lf = MultiLabelLF("sports_words", lambda x: {"sports"} if "goal" in x.text else None)
    >>> lf.name
    'sports_words'
    """

    def __init__(self, name: str, func: Callable[[Any], Any], others: str = "abstain") -> None:
        if others not in ("abstain", "absent"):
            raise ParameterError(f"{name!r}: others must be 'abstain' or 'absent', got {others!r}")
        self.name = str(name)
        self.func = func
        self.others = others

    def __call__(self, row: Any) -> Any:
        return self.func(row)

    def __repr__(self) -> str:
        return f"MultiLabelLF({self.name!r}, others={self.others!r})"


def multilabel_lf(name: str | None = None, others: str = "abstain") -> Callable[[Callable[[Any], Any]], MultiLabelLF]:
    """Decorator making a :class:`MultiLabelLF` (named after the function unless ``name`` is given).

    Examples
    --------
    >>> @multilabel_lf()
    ... def topics(x):
    ...     return {"sports"} if "goal" in x.text else None
    >>> topics
    MultiLabelLF('topics', others='abstain')
    """

    def wrap(func: Callable[[Any], Any]) -> MultiLabelLF:
        return MultiLabelLF(name or func.__name__, func, others=others)

    return wrap


class MultiLabelApplier:
    """Apply multi-label LFs to a DataFrame, giving a :class:`MultiLabelMatrix` with the frame's index as ids.

    Parameters
    ----------
    lfs : sequence of MultiLabelLF
    label_names : sequence of str
        Every label an LF may vote.

    Examples
    --------
    >>> df = pd.DataFrame({"text": ["a goal and a vote", "an election", "rain"]}, index=["r1", "r2", "r3"])
    >>> lfs = [MultiLabelLF("sport", lambda x: {"sports"} if "goal" in x.text else None),
    ...        MultiLabelLF("politics", lambda x: {"politics": int("vote" in x.text or "election" in x.text)})]
    >>> M = MultiLabelApplier(lfs, ["sports", "politics"]).apply(df)
    >>> M.to_dense()[0].tolist(), list(M.index)
    ([[1, -1], [-1, 1]], ['r1', 'r2', 'r3'])
    """

    def __init__(self, lfs: Sequence[MultiLabelLF], label_names: Sequence[str]) -> None:
        lfs = check_function_list(lfs, MultiLabelLF, "MultiLabelApplier",
                                  "wrap a function as MultiLabelLF(name, f) or with @multilabel_lf()", ApplyInputError)
        if isinstance(label_names, str):  # else each character would be a label
            raise ParameterError(f"label_names must be a list of labels, got the string {label_names!r}")
        if isinstance(label_names, (set, frozenset)):  # its order (the columns) would change with the hash seed
            raise ParameterError(f"label_names must be ordered (a list: its order fixes the columns), not a set; "
                                 f"pass e.g. {sorted(map(str, label_names))!r:.100}")
        self.lfs = list(lfs)
        self.label_names = [str(s) for s in label_names]
        if not self.label_names:
            raise ParameterError("label_names is empty: name every label an LF may vote")
        dupes = sorted({s for s in self.label_names if self.label_names.count(s) > 1})
        if dupes:
            raise ParameterError(f"label names must be distinct; repeated: {dupes}")

    def apply(self, df: pd.DataFrame) -> MultiLabelMatrix:
        """Votes of every LF on every row of ``df``.

        Each LF sees the rows the single-label appliers give: fields as attributes and keys (``x.text``,
        ``x["my text"]``), the row id as ``x.name``, and a missing text cell as None.
        """
        from weaksup.apply.core import Batch, _empty_fields_hint

        if not isinstance(df, pd.DataFrame):
            raise ApplyInputError(f"MultiLabelApplier.apply takes a pandas DataFrame, got {type(df).__name__}; "
                                  "build one first, e.g. pd.DataFrame(records)")
        col = {name: c for c, name in enumerate(self.label_names)}
        K = len(self.label_names)
        r_idx, c_idx, vals = [], [], []
        for r, (row_id, row) in enumerate(zip(df.index, Batch(df, df.index).rows, strict=True)):
            for j, lf in enumerate(self.lfs):
                try:
                    out = lf(row)
                except Exception as exc:  # named, with the row, as the single-label applier does
                    raise LabelingFunctionError(lf.name, row_id, f"{type(exc).__name__}: {exc}"
                                                f"{_empty_fields_hint(row, exc)}", exc) from exc
                for c, vote in _parse_vote(out, col, lf.name, row_id, lf.others).items():
                    r_idx.append(r)
                    c_idx.append(j * K + c)
                    vals.append(vote + 1)
        csr = sp.csr_matrix((vals, (r_idx, c_idx)), shape=(len(df), len(self.lfs) * K))
        return MultiLabelMatrix(csr, [lf.name for lf in self.lfs], self.label_names, df.index)
