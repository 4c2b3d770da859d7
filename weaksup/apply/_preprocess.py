"""Running an LF's preprocessors over one batch: memoized per batch, failures named, rows kept in place."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from weaksup.errors import LabelingFunctionError, _shown
from weaksup.labeling.preprocessor import Preprocessor, fresh_copy, overrides_call

# An LF calling sys.exit() would end the interpreter (or kill a worker) with no word of which LF
# did it; it is reported like any other LF failure. KeyboardInterrupt still stops the run.
LF_FAILURES = (Exception, SystemExit)


class PreprocessorFailure(Exception):  # noqa: N818 -- internal: a failed row's place-holder, not raised to users
    """A preprocessor failed on a row (or a whole batch); its message names the preprocessor.

    Under ``fault_tolerant=True`` a failed row holds one of these in place of the row, so each LF
    that needs the row abstains there and records the failure; it is never passed to an LF.
    """

    def __init__(self, message: str, original: BaseException | None) -> None:
        super().__init__(message)
        self.original = original


def returned_none(p: Preprocessor) -> ValueError:
    """The error Snorkel raises for a preprocessor that returns None (``weaksup.snorkel`` re-raises it)."""
    return ValueError(f"Preprocessor should not return None (preprocessor {p.name!r})")


def run_preprocessors(
    pre: Sequence[Preprocessor], batch: Any, cache: dict[tuple[int, ...], Any], lf_name: str,
    fault_tolerant: bool = False,
) -> Any:
    """Apply ``pre`` in order to a :class:`~weaksup.apply.core.Batch`, sharing memoized results between its LFs.

    Row-wise: a row a preprocessor fails on raises :class:`~weaksup.errors.LabelingFunctionError`
    naming the LF, the preprocessor and the row, or (``fault_tolerant``) becomes a
    :class:`PreprocessorFailure` the later preprocessors skip. Vectorized: a failure raises
    :class:`PreprocessorFailure` for the caller to report for the whole batch.
    """
    x: Any = batch.data if pre and pre[0].vectorized else batch.rows
    chain: tuple[int, ...] = ()
    for p in pre:
        chain = (*chain, id(p))
        if p.memoize and chain in cache:
            x = cache[chain]
            continue
        custom = overrides_call(p)  # a subclass's own __call__ runs as written
        out = _vectorized(p, x, len(batch), custom) if p.vectorized else \
            _row_wise(p, x, batch, lf_name, custom, fault_tolerant)
        if p.memoize:
            cache[chain] = out
        x = out
    return x


def skipping_failed_rows(f: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``f``, raising a row's :class:`PreprocessorFailure` instead of labelling it (the caller records it)."""

    def g(row: Any) -> Any:
        if type(row) is PreprocessorFailure:
            raise row
        return f(row)

    return g


def _row_wise(p: Preprocessor, rows: list[Any], batch: Any, lf_name: str, custom: bool,
              fault_tolerant: bool) -> list[Any]:
    out: list[Any] = []
    f = p.f
    for i, row in enumerate(rows):
        if type(row) is PreprocessorFailure:  # an earlier preprocessor failed on this row
            out.append(row)
            continue
        try:
            y = p(fresh_copy(row)) if custom else f(fresh_copy(row), **p.resources)
        except LF_FAILURES as exc:
            message, original = f"preprocessor {p.name!r} raised {type(exc).__name__}: {exc}", exc
        else:
            if y is not None:
                out.append(y)
                continue
            message, original = f"preprocessor {p.name!r} returned None", returned_none(p)
        if not fault_tolerant:
            raise LabelingFunctionError(lf_name, batch.index[i], message, original) from original
        out.append(PreprocessorFailure(message, original))
    return out


def _vectorized(p: Preprocessor, x: Any, n: int, custom: bool) -> Any:
    try:
        out = p(fresh_copy(x)) if custom else p.f(fresh_copy(x), **p.resources)
    except LF_FAILURES as exc:
        raise PreprocessorFailure(
            f"preprocessor {p.name!r} raised {type(exc).__name__} on the batch starting at this row: {exc}", exc
        ) from exc
    if out is None:
        raise PreprocessorFailure(f"preprocessor {p.name!r} returned None", returned_none(p))
    problem = _rows_changed(x, out, n)
    if problem:
        raise PreprocessorFailure(
            f"preprocessor {p.name!r} {problem}; a vectorized preprocessor must return every row of its batch, in "
            "order (add columns, change values), or the LF's votes would land on the wrong rows", None
        )
    return out


def _rows_changed(before: Any, out: Any, n: int) -> str | None:
    """What a vectorized preprocessor did to the batch's rows that would misalign votes, or None.

    Only outputs whose rows can be told apart are checked: pandas objects (by length, and by index
    when it holds the batch's own row ids in another order) and arrays (by length). A new index (a
    ``merge`` or ``reset_index``) is allowed: the rows cannot be matched, and order is the caller's word.
    """
    if isinstance(out, (pd.DataFrame, pd.Series)) or (isinstance(out, np.ndarray) and out.ndim >= 1):
        if len(out) != n:
            return f"returned {len(out)} rows for a batch of {n}"
    if isinstance(out, (pd.DataFrame, pd.Series)) and isinstance(before, (pd.DataFrame, pd.Series)):
        got, index = out.index, before.index
        if not got.equals(index) and got.isin(index).all() and index.isin(got).all():
            pos = next((i for i, (a, b) in enumerate(zip(got, index, strict=True)) if not same_id(a, b)), 0)
            return (f"reordered the rows (at position {pos} row {_shown(got[pos])!r} where the batch has "
                    f"{_shown(index[pos])!r})")
    return None


def same_id(a: Any, b: Any) -> bool:
    """Whether two row ids are the same; NaN ids equal themselves, as in ``Index.equals``."""
    try:
        return bool(a == b) or (a != a and b != b)
    except Exception:
        return False
