"""The TF applier: augment a DataFrame with a policy, keeping row ids and where every row came from."""

from __future__ import annotations

import copy
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from weaksup.augment.policy import Policy
from weaksup.augment.tf import AugmentationError, TransformationFunctionError, check_tfs
from weaksup.errors import ParameterTypeError
from weaksup.labeling.preprocessor import isolated_frame
from weaksup.labeling.row import Row, make_row_type

_IMMUTABLE = (str, bytes, int, float, complex, bool, type(None), np.generic, pd.Timestamp, pd.Timedelta)
_TF_FAILURES = (Exception, SystemExit)
_ROW_TYPES = (Row, dict, pd.Series)  # what a row-wise TF may return (besides None)


class TFApplier:
    """Augment a DataFrame (or a list of dicts) with transformation functions and a policy.

    For every input row the policy draws ``n_per_original`` sequences of TFs; each sequence makes
    one transformed copy, kept when at least one of its TFs applied (returned a row). With
    ``keep_original`` the untransformed row comes first. Rows come back grouped by the row they
    came from, in input order. Row-wise TFs get light row objects (no pandas Series per row;
    ``x.name`` is the row's id); vectorized TFs run once per step on all the rows the policy gave
    them, as a DataFrame indexed by their ids (by position when the input's ids repeat).

    Parameters
    ----------
    tfs : sequence of TransformationFunction
        TFs with unique names; the policy's indices refer to this order.
    policy : Policy
        Which TFs run on each copy (:mod:`weaksup.augment.policy`).
    index : {"source", "unique"}
        ``"source"``: each row keeps the id of the row it came from, so ids repeat (Snorkel's
        behaviour). ``"unique"``: a ``(id, copy)`` MultiIndex, copy 0 being the original.

    Attributes
    ----------
    provenance_ : pandas.DataFrame
        After :meth:`apply`: one row per output row (same index): ``source`` (the id of the row
        it came from), ``copy`` (0 = the original, 1.. = transformed copies) and ``transforms``
        (names of the TFs that changed it, in order).

    Examples
    --------
    >>> from weaksup.augment import ApplyOnePolicy, transformation_function
    >>> @transformation_function()
    ... def add_bang(x):
    ...     if x.text.endswith("!"):
    ...         return None           # nothing to do: no copy
    ...     x.text = x.text + "!"
    ...     return x
    >>> df = pd.DataFrame({"text": ["hi", "yo!"], "label": [1, 0]}, index=["a", "b"])
    >>> applier = TFApplier([add_bang], ApplyOnePolicy())
    >>> applier.apply(df, progress=False)
      text  label
    a   hi      1
    a  hi!      1
    b  yo!      0
    >>> applier.provenance_.to_dict("list")
    {'source': ['a', 'a', 'b'], 'copy': [0, 1, 0], 'transforms': [(), ('add_bang',), ()]}
    """

    def __init__(self, tfs: Sequence[Any], policy: Policy, index: str = "source") -> None:
        self.tfs = check_tfs(tfs)
        if not isinstance(policy, Policy):
            hint = (" (a Snorkel policy: use weaksup.augment's policy of the same name, or "
                    "weaksup.snorkel.augmentation.PandasTFApplier)") if _from_snorkel(policy) else ""
            raise ParameterTypeError(f"policy must be a weaksup.augment Policy, got {policy!r}{hint}")
        if index not in ("source", "unique"):
            raise AugmentationError(f"index must be 'source' or 'unique', got {index!r}")
        self.policy = policy
        self.index = index

    @property
    def tf_names(self) -> list[str]:
        return [tf.name for tf in self.tfs]

    def apply(self, data: Any, progress: bool = True) -> pd.DataFrame:
        """The augmented rows (see the class docstring); also sets ``provenance_``.

        Raises
        ------
        TransformationFunctionError
            A TF raised (names the TF and the row id).
        AugmentationError
            A vectorized TF returned rows that are not in its batch, the policy names a TF
            the applier does not hold, or ``index="unique"`` is asked of rows whose ids repeat.
        """
        frame = self._frame(data)
        seqs = self._sequences(len(frame))
        with tqdm(total=len(frame) * max(self.policy.n_per_original, 1), disable=not progress,
                  desc="Applying TFs", unit="rows") as bar:
            out, self.provenance_ = self._augment(frame, seqs, bar)
        return out

    def apply_generator(self, data: Any, batch_size: int) -> Iterator[pd.DataFrame]:
        """Augment ``batch_size`` input rows at a time (for data whose augmentation would not fit).

        The policy draws for all rows up front, so the batches together equal :meth:`apply`.
        ``provenance_`` holds the last batch's provenance.

        Examples
        --------
        >>> from weaksup.augment import ApplyAllPolicy, transformation_function
        >>> @transformation_function()
        ... def double(x):
        ...     x.n = 2 * x.n
        ...     return x
        >>> batches = TFApplier([double], ApplyAllPolicy(1)).apply_generator(pd.DataFrame({"n": [1, 2, 3]}), 2)
        >>> [b.n.tolist() for b in batches]
        [[1, 2, 2, 4], [3, 6]]
        """
        if not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
            raise AugmentationError(f"batch_size must be a positive int, got {batch_size!r}")
        frame = self._frame(data)
        seqs = self._sequences(len(frame))
        for start in range(0, len(frame), int(batch_size)):
            out, self.provenance_ = self._augment(frame.iloc[start:start + batch_size],
                                                  seqs[start:start + batch_size], None)
            yield out

    def __repr__(self) -> str:
        return f"TFApplier(tfs={self.tf_names}, policy={self.policy!r})"

    # internals ----------------------------------------------------------------------------------
    def _frame(self, data: Any) -> pd.DataFrame:
        frame = _as_frame(data)
        if self.index == "unique" and frame.index.has_duplicates:  # (id, copy) would repeat too
            dup = frame.index[frame.index.duplicated()][0]
            dup = dup.item() if isinstance(dup, np.generic) else dup
            raise AugmentationError(f"index='unique' needs unique row ids, but id {_short(dup)} repeats; give the rows "
                                    "unique ids (e.g. reset_index()) or use index='source'")
        return frame

    def _sequences(self, n_rows: int) -> np.ndarray:
        seqs = np.asarray(self.policy.sequences(n_rows))
        if seqs.size and (seqs.min() < 0 or seqs.max() >= len(self.tfs)):
            raise AugmentationError(f"the policy names TF index {int(seqs.max())} but the applier holds "
                                    f"{len(self.tfs)} TF(s) ({self.tf_names}); give the policy n_tfs={len(self.tfs)}")
        return seqs

    def _augment(self, frame: pd.DataFrame, seqs: np.ndarray, bar: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
        n = len(frame)
        n_copies, n_steps = seqs.shape[1], seqs.shape[2]
        keep = self.policy.keep_original
        vectorized = any(getattr(tf, "vectorized", False) for tf in self.tfs)
        mutable = _mutable_columns(frame)
        pieces: list[pd.DataFrame] = [frame.reset_index(drop=True)] if keep else []
        sources: list[np.ndarray] = [np.arange(n)] if keep else []
        copies: list[np.ndarray] = [np.zeros(n, dtype=np.int64)] if keep else []
        steps_done: list[np.ndarray] = [np.zeros((n, n_steps), dtype=bool)] if keep else []
        step_tfs: list[np.ndarray] = [np.zeros((n, n_steps), dtype=np.int64)] if keep else []
        for c in range(n_copies):
            if vectorized:
                work, done = self._run_frame(frame, seqs[:, c], mutable)
            else:
                work, done = self._run_rows(frame, seqs[:, c], mutable)
            kept = np.flatnonzero(done.any(axis=1)) if n_steps else np.arange(n)  # an empty sequence keeps the row
            pieces.append(work.iloc[kept].reset_index(drop=True) if len(kept) < n else work.reset_index(drop=True))
            sources.append(kept)
            copies.append(np.full(len(kept), c + 1, dtype=np.int64))
            steps_done.append(done[kept])
            step_tfs.append(seqs[kept, c])
            if bar is not None:
                bar.update(n)
        return self._assemble(frame, pieces, sources, copies, steps_done, step_tfs)

    def _run_rows(self, frame: pd.DataFrame, seqs: np.ndarray, mutable: list[int]) -> tuple[pd.DataFrame, np.ndarray]:
        """One transformed copy of every row, all TFs row-wise: rows live as Row objects throughout."""
        n, n_steps = seqs.shape
        rows = _rows_of(frame, mutable, frame.index)
        done = np.zeros((n, n_steps), dtype=bool)
        for s in range(n_steps):
            for t, positions in _groups(seqs[:, s]):
                self._transform_rows(self.tfs[t], rows, positions, done[:, s], frame.index)
        return _frame_of(rows, frame), done

    def _run_frame(self, frame: pd.DataFrame, seqs: np.ndarray, mutable: list[int]) -> tuple[pd.DataFrame, np.ndarray]:
        """One transformed copy of every row when some TF is vectorized: the rows live in a DataFrame."""
        n, n_steps = seqs.shape
        work = isolated_frame(frame).reset_index(drop=True)
        # a vectorized TF sees the rows' own ids (as a vectorized LF does); repeated ids could not be mapped
        # back to rows, so then it sees row positions
        by_id = frame.index.is_unique
        for j in mutable:  # nested dicts and lists must not be shared with the input
            work.isetitem(j, pd.Series([copy.deepcopy(v) for v in work.iloc[:, j]], dtype=object))
        done = np.zeros((n, n_steps), dtype=bool)
        for s in range(n_steps):
            for t, positions in _groups(seqs[:, s]):
                tf = self.tfs[t]
                batch = work.iloc[positions] if len(positions) < n else work
                if getattr(tf, "vectorized", False):
                    if by_id:
                        batch = batch.set_axis(frame.index[positions])
                    try:
                        out = tf.transform(batch)
                    except _TF_FAILURES as exc:
                        raise TransformationFunctionError(tf.name, frame.index[positions[0]],
                                                          f"raised {type(exc).__name__} on the batch starting at "
                                                          f"this row: {exc}", exc) from exc
                    if out is None or len(out) == 0:
                        continue
                    if not isinstance(out, pd.DataFrame):
                        raise AugmentationError(f"vectorized transformation function {tf.name!r} must return a "
                                                f"DataFrame (or None), got {type(out).__name__}")
                    if not out.index.isin(batch.index).all() or out.index.has_duplicates:
                        raise AugmentationError(f"vectorized transformation function {tf.name!r} returned rows "
                                                f"that are not in its batch (or twice); keep the batch's index")
                    if by_id:  # back to the working frame's row positions
                        out = out.set_axis(frame.index.get_indexer(out.index))
                else:
                    rows = _rows_of(batch, [], frame.index[positions])
                    sub_done = np.zeros(len(rows), dtype=bool)
                    self._transform_rows(tf, rows, np.arange(len(rows)), sub_done,
                                         frame.index[positions])
                    if not sub_done.any():
                        continue
                    out = _frame_of([rows[i] for i in np.flatnonzero(sub_done)], batch)
                    out.index = batch.index[sub_done]
                _write_back(work, out)
                done[out.index.to_numpy(dtype=np.int64), s] = True
        return work, done

    @staticmethod
    def _transform_rows(tf: Any, rows: list[Any], positions: np.ndarray, done: np.ndarray, ids: pd.Index) -> None:
        transform = tf.transform
        for i in positions.tolist():
            try:
                out = transform(rows[i])
            except _TF_FAILURES as exc:
                raise TransformationFunctionError(tf.name, ids[i], f"{type(exc).__name__}: {exc}", exc) from exc
            if out is not None:
                if not isinstance(out, _ROW_TYPES):
                    raise TransformationFunctionError(
                        tf.name, ids[i], f"returned {type(out).__name__} {_short(out)}; a transformation function "
                        "returns the (changed) row, a dict of its fields, or None when it does not apply")
                if isinstance(out, (dict, pd.Series)):  # the fields it returns; the others keep their values
                    out = {**Row.to_dict(rows[i]), **dict(out.items())}
                rows[i] = out
                done[i] = True

    def _assemble(self, frame: pd.DataFrame, pieces: list[pd.DataFrame], sources: list[np.ndarray],
                  copies: list[np.ndarray], steps_done: list[np.ndarray],
                  step_tfs: list[np.ndarray]) -> tuple[pd.DataFrame, pd.DataFrame]:
        if not pieces:
            out = frame.iloc[:0].copy()
            src = cop = np.zeros(0, dtype=np.int64)
            done = np.zeros((0, 0), dtype=bool)
            tfs = done.astype(np.int64)
        else:
            src, cop = np.concatenate(sources), np.concatenate(copies)
            order = np.lexsort((cop, src))  # grouped by source row, the original first
            out = pieces[0] if len(pieces) == 1 else _concat(pieces, frame)
            out = out.take(order)
            src, cop = src[order], cop[order]
            done, tfs = np.concatenate(steps_done)[order], np.concatenate(step_tfs)[order]
        ids = frame.index.take(src)
        if self.index == "unique":  # the id's levels, then the copy (a MultiIndex id is not nested as tuples)
            levels = [ids.get_level_values(i) for i in range(ids.nlevels)] if isinstance(ids, pd.MultiIndex) else [ids]
            index: pd.Index = pd.MultiIndex.from_arrays([*levels, cop], names=[*frame.index.names, "copy"])
        else:
            index = ids
        out.index = index
        names = np.array(self.tf_names + [""], dtype=object)
        transforms = [tuple(names[t[d]]) for t, d in zip(tfs, done, strict=True)] if done.size else [()] * len(src)
        provenance = pd.DataFrame({"source": ids, "copy": cop, "transforms": transforms}, index=index)
        return out, provenance


def _as_frame(data: Any) -> pd.DataFrame:
    if isinstance(data, pd.DataFrame):
        if data.columns.has_duplicates:
            raise AugmentationError(f"the DataFrame has duplicate column names: {list(data.columns[data.columns.duplicated()])}")
        return data
    if isinstance(data, (list, tuple)) and all(isinstance(r, dict) for r in data):
        return pd.DataFrame(list(data))
    raise ParameterTypeError(f"TFApplier augments a pandas DataFrame or a list of dicts, got {type(data).__name__}")


def _from_snorkel(obj: Any) -> bool:
    return type(obj).__module__.split(".")[0] == "snorkel"


def _groups(col: np.ndarray) -> list[tuple[int, np.ndarray]]:
    """(TF index, row positions) for every TF used at this step."""
    first = int(col[0]) if len(col) else 0
    if len(col) and (col == first).all():
        return [(first, np.arange(len(col)))]
    return [(int(t), np.flatnonzero(col == t)) for t in np.unique(col)]


def _mutable_columns(frame: pd.DataFrame) -> list[int]:
    """Positions of object columns holding mutable values (dicts, lists ...), deep-copied per copy."""
    out = []
    for j in range(frame.shape[1]):
        col = frame.iloc[:, j]
        if col.dtype == object and not all(isinstance(v, _IMMUTABLE) for v in col.tolist()):
            out.append(j)
    return out


def _rows_of(frame: pd.DataFrame, mutable: list[int], ids: pd.Index) -> list[Any]:
    """One Row per row of ``frame``, carrying its id (``x.name``, as on the Series a Snorkel TF gets)."""
    row_type = make_row_type(tuple(str(c) for c in frame.columns))
    columns = [frame.iloc[:, j].tolist() for j in range(frame.shape[1])]
    for j in mutable:
        columns[j] = [copy.deepcopy(v) for v in columns[j]]
    # the id rides after the fields' values (Row reads it as x.name; _frame_of drops it)
    return [row_type(v) for v in zip(*columns, ids.tolist(), strict=True)]


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _frame_of(rows: list[Any], like: pd.DataFrame) -> pd.DataFrame:
    """A DataFrame of rows (Row objects, or the dicts / Series a TF returned), in ``like``'s columns and dtypes."""
    fields = [str(c) for c in like.columns]
    values: list[Sequence[Any]] = []
    extras: dict[str, dict[int, Any]] = {}
    for i, r in enumerate(rows):
        if isinstance(r, Row) and len(type(r)._Row__fields) == len(fields) and list(type(r)._Row__fields) == fields:
            # the fields' values, then maybe the row id (Row.name), which is not a column: the zip below
            # stops at the shortest row, and the id's column (if any) is never read
            values.append(r._Row__values)
            extra = r._Row__extra
        else:
            d = Row.to_dict(r) if isinstance(r, Row) else dict(r)
            values.append([d.pop(f, None) for f in fields])
            extra = d
        if extra:
            for k, v in extra.items():
                extras.setdefault(k, {})[i] = v
    cols = list(zip(*values, strict=False)) if values and fields else [() for _ in fields]
    data = {}
    for j, name in enumerate(like.columns):
        data[name] = _restore_dtype(pd.Series(list(cols[j]) if cols else [], dtype=None), like.iloc[:, j].dtype)
    out = pd.DataFrame(data, index=pd.RangeIndex(len(rows)), columns=like.columns) if fields else \
        pd.DataFrame(index=pd.RangeIndex(len(rows)))
    for k, col in extras.items():
        out[k] = pd.Series(col, dtype=None).reindex(range(len(rows)))
    return out


def _restore_dtype(s: pd.Series, dtype: Any) -> pd.Series:
    """Give a rebuilt column its input dtype back when the values still fit it (int32, category ...)."""
    if s.dtype == dtype or len(s) == 0:
        return s.astype(dtype) if len(s) == 0 else s
    try:
        if isinstance(dtype, np.dtype) and dtype.kind in "iufbM" and s.dtype.kind == dtype.kind:
            return s.astype(dtype)
        if isinstance(dtype, pd.CategoricalDtype) and not s.dropna().isin(dtype.categories).all():
            return s  # a value outside the categories: pandas would turn it into NaN (with a deprecation warning)
        if not isinstance(dtype, np.dtype):  # category, string, nullable ints: keep when lossless
            cast = s.astype(dtype)
            if (cast.isna() == s.isna()).all():
                return cast
    except (TypeError, ValueError):
        pass
    return s


def _write_back(work: pd.DataFrame, out: pd.DataFrame) -> None:
    """Put a TF's transformed rows (indexed by position) into the working frame, widening dtypes as needed."""
    pos = out.index.to_numpy(dtype=np.int64)
    for name in out.columns:
        new = out[name]
        if name not in work.columns:
            work[name] = pd.Series([None] * len(work), dtype=object) if new.dtype == object else \
                pd.Series(np.nan, index=work.index)
        col = work[name]
        common = pd.concat([col.iloc[:0], new.iloc[:0]]).dtype
        if common != col.dtype:
            col = col.astype(common)
        col = col.copy()
        col.iloc[pos] = new.to_numpy()
        work[name] = col


def _concat(pieces: list[pd.DataFrame], frame: pd.DataFrame) -> pd.DataFrame:
    out = pd.concat(pieces, ignore_index=True, sort=False)
    for j, name in enumerate(frame.columns):  # concat widens category & co. when pieces differ
        if name in out.columns and out[name].dtype != frame.dtypes.iloc[j]:
            out[name] = _restore_dtype(out[name], frame.dtypes.iloc[j])
    return out


__all__ = ["TFApplier"]
