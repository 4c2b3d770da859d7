"""Snorkel's ``PandasTFApplier`` (``snorkel.augmentation.apply.pandas``), on the native applier.

Snorkel builds one pandas Series per row and pickles it for every TF call; this runs the same TFs
on light row objects and builds the output column by column (see ``benchmarks/augment_slice.py``).
As in Snorkel, the output has the input's columns only: a field a TF or its ``pre`` mappers add
(``x.doc`` from a ``SpacyPreprocessor``, ``x.words = ...``) is an attribute of the row's Series
there, not a column. (Snorkel does keep a field added by item, ``x["new"] = ...``; here it is
dropped too.) The native :class:`weaksup.augment.TFApplier` keeps fields the TF itself sets as columns
(fields its ``pre`` preprocessors add are dropped there too). A TF
that raises raises its own exception, as in Snorkel, with a note naming the TF and the row.
The native applier draws every row's TF sequences first and then runs TF by TF. That gives Snorkel's
output for a given ``np.random.seed`` only if the TFs do not draw from NumPy's global generator
themselves; when they do
(``np.random.choice(...)`` inside the TF, as in Snorkel's augmentation tutorial), the applier sees it
(the generator's state after the call is not the policy's draws alone), rewinds the generator and
augments again row by row, drawing as Snorkel does, so the output is Snorkel's there too (at about
Snorkel's speed). The output's index keeps the input index's name (Snorkel's loses it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from weaksup.augment.apply import TFApplier as _NativeTFApplier
from weaksup.augment.policy import is_custom
from weaksup.augment.tf import AugmentationError, TransformationFunctionError
from weaksup.snorkel.augmentation.apply.core import BaseTFApplier


class PandasTFApplier(BaseTFApplier):
    """Augment a DataFrame: output rows keep the index of the row they came from (so it repeats).

    Examples
    --------
    >>> from weaksup.snorkel.augmentation import ApplyOnePolicy, transformation_function
    >>> @transformation_function()
    ... def square(x):
    ...     x.num = x.num ** 2
    ...     return x
    >>> PandasTFApplier([square], ApplyOnePolicy()).apply(pd.DataFrame({"num": [2, 3]}), progress_bar=False)
       num
    0    2
    0    4
    1    3
    1    9
    """

    def _native(self) -> _NativeTFApplier:
        return _NativeTFApplier(self._tfs, self._policy, index="source")

    @staticmethod
    def _snorkel_frame(out: pd.DataFrame, df: pd.DataFrame) -> pd.DataFrame:
        """The input's columns only (fields TFs add are not columns in Snorkel's output), objects inferred."""
        added = [c for c in out.columns if c not in df.columns]
        return (out.drop(columns=added) if added else out).infer_objects()

    @staticmethod
    def _run(step: Callable[[], Any]) -> Any:
        """One native step; a TF's own exception comes through, as in Snorkel, with a note naming the TF and row."""
        try:
            return step()
        except TransformationFunctionError as exc:
            original = exc.original
            if not isinstance(original, Exception):
                raise
            if hasattr(original, "add_note"):  # Python >= 3.11
                original.add_note(str(exc))
            raise original.with_traceback(original.__traceback__) from None

    @staticmethod
    def _check(df: Any) -> None:
        if not isinstance(df, pd.DataFrame):
            raise TypeError(f"PandasTFApplier takes a pandas DataFrame, not {type(df).__name__}; for a list of data "
                            "points use TFApplier")

    def _augment(self, df: pd.DataFrame, progress: bool) -> pd.DataFrame:
        """Snorkel's augmentation of ``df``: the native applier, or Snorkel's row-by-row draws when TFs use np.random."""
        if is_custom(self._policy):  # a user's Policy subclass: asked row by row, as Snorkel asks it
            return self._row_by_row(df, progress)
        # replaying the policy's draws (below) must not advance a generator the user gave it
        replayable = not isinstance(getattr(self._policy, "random_state", None), np.random.RandomState)
        start = np.random.get_state() if replayable else None
        out = self._run(lambda: self._native().apply(df, progress=progress))
        if start is None or len(df) == 0:
            return self._snorkel_frame(out, df)
        after = np.random.get_state()
        np.random.set_state(start)
        self._policy.sequences(len(df))  # what the policy alone draws (the native applier draws once, up front)
        if _same_state(np.random.get_state(), after):
            np.random.set_state(after)
            return self._snorkel_frame(out, df)
        # the TFs drew from the global generator too: rewind and interleave the draws as Snorkel does
        np.random.set_state(start)
        return self._row_by_row(df, progress)

    def _row_by_row(self, df: pd.DataFrame, progress: bool) -> pd.DataFrame:
        """Snorkel's own loop: one Series per row, the policy's draws between the TF calls."""
        rows = [x for _, x in df.iterrows()]  # Snorkel's data points: one Series per row
        labels, records = [], []
        outs = tqdm(self._augment_points(rows), total=len(df), disable=not progress)
        for label, out_x in zip(df.index, outs, strict=True):
            for point in out_x:  # a Series, or the Row a TF's preprocessor made of it
                labels.append(label)
                records.append({c: point[c] for c in df.columns})
        index = pd.Index(labels, dtype=df.index.dtype, name=df.index.name)
        frame = pd.DataFrame.from_records(records, columns=df.columns, index=index) if records else df.iloc[:0]
        return self._snorkel_frame(frame.astype(object), df)

    def apply_generator(self, df: pd.DataFrame, batch_size: int) -> Iterator[pd.DataFrame]:
        """Yield the augmented rows of ``batch_size`` input rows at a time."""
        self._check(df)
        if not isinstance(batch_size, (int, np.integer)) or isinstance(batch_size, bool) or batch_size < 1:
            raise AugmentationError(f"batch_size must be a positive int, got {batch_size!r}")
        for start in range(0, len(df), int(batch_size)):
            yield self._augment(df.iloc[start:start + int(batch_size)], progress=False)

    def apply(self, df: pd.DataFrame, progress_bar: bool = True) -> pd.DataFrame:
        """The augmented DataFrame, in ``df``'s columns."""
        self._check(df)
        return self._augment(df, progress_bar)


def _same_state(a: tuple, b: tuple) -> bool:
    """Whether two ``np.random.get_state()`` tuples are the same state."""
    return a[0] == b[0] and np.array_equal(a[1], b[1]) and tuple(a[2:]) == tuple(b[2:])


__all__ = ["PandasTFApplier"]
