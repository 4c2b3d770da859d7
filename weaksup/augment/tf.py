"""Transformation functions: a small change to one row (or a batch of rows) that keeps its label."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from weaksup.errors import ParameterTypeError, WeaksupError
from weaksup.labeling.function import UserFunction, decorator
from weaksup.labeling.preprocessor import Preprocessor, fresh_copy, isolated_frame
from weaksup.labeling.row import _NO_ID, Row, make_row_type


class AugmentationError(WeaksupError, ValueError):
    """A transformation function, policy or augmentation input is invalid (names the TF, row or value)."""


class TransformationFunctionError(WeaksupError):
    """A transformation function raised while transforming a row.

    Attributes
    ----------
    tf_name : str
        Name of the transformation function.
    row_id : object
        Id (index value) of the row being transformed.
    original : BaseException or None
        The exception the TF raised.
    """

    def __init__(self, tf_name: str, row_id: Any, message: str, original: BaseException | None = None) -> None:
        self.tf_name = tf_name
        self.row_id = row_id
        self.original = original
        shown = row_id.item() if isinstance(row_id, np.generic) else row_id  # row 10, not row np.int64(10)
        super().__init__(f"transformation function {tf_name!r} failed on row {shown!r}: {message}")


class TransformationFunction(UserFunction):
    """A label-preserving change to a data point, used to augment a training set.

    Parameters
    ----------
    name : str
        Unique name (it appears in the applier's provenance table).
    f : callable
        Row-wise: ``f(x, **resources)`` gets a copy of one row (fields as attributes and keys)
        that it may change (``x.name`` is the row's id, as on the Series a Snorkel TF gets), and
        returns the transformed row (or a dict of the fields it changed: the others keep their
        values), or ``None`` when it does not apply to this row. Vectorized: ``f(batch, **resources)`` gets a copy of a DataFrame of rows,
        indexed by the rows' ids (by their positions when the input's ids repeat), and returns a
        DataFrame holding the transformed rows with the batch's index; rows it leaves out (or
        ``None`` for all) were not transformed.
    resources : dict, optional
        Passed to ``f`` as keyword arguments (synonym tables, models ...).
    pre : sequence of Preprocessor, optional
        Run in order on the row (or batch) before ``f``. The fields they add (a spaCy ``doc``)
        are for ``f`` to read; they are not part of the transformed row unless ``f`` sets them.
    vectorized : bool
        Whether ``f`` takes a whole batch.

    Examples
    --------
    >>> def shout(x):
    ...     x.text = x.text.upper()
    ...     return x
    >>> TransformationFunction("shout", shout)({"text": "hi"}).text
    'HI'
    """

    kind = "transformation function"

    def transform(self, x: Any) -> Any:
        """Transform one row (a copy: ``x`` is never changed) or, when vectorized, one batch.

        Returns ``None`` (row-wise) when the TF does not apply; a vectorized TF returns the
        transformed rows only.
        """
        if self.vectorized:
            x = isolated_frame(x) if isinstance(x, pd.DataFrame) else fresh_copy(x)
        else:
            x = fresh_copy(x)
        if not self.pre:
            return self.bound(x)
        before = set(_fields(x))
        for p in self.pre:
            x = p(x)
        if getattr(self.pre[-1], "memoize", False) and isinstance(x, (Row, dict)):
            x = fresh_copy(x)  # a memoized (Snorkel) mapper's cached output: this TF's changes must not reach it
        # fields the preprocessors add (a spaCy doc ...) are the TF's inputs, not part of the transformed row:
        # kept, they would go stale (the parse of the text before the change) and become columns of the output
        added = {k: _field(x, k) for k in _fields(x) if k not in before}
        out = self.bound(x)
        return _without(out, added) if added and out is not None else out

    def __call__(self, x: Any) -> Any:
        """Transform one row given as a dict, Series or row (or a batch, when vectorized)."""
        if not self.vectorized and isinstance(x, (dict, pd.Series)):
            row_id = x.name if isinstance(x, pd.Series) else _NO_ID  # a Series row keeps its id as x.name
            x = make_row_type(tuple(str(k) for k in x.keys()))(tuple(x.values() if isinstance(x, dict) else x.tolist()),
                                                               None, row_id)
        return self.transform(x)


def _fields(x: Any) -> list[Any]:
    if isinstance(x, Row):
        return Row.keys(x)
    if isinstance(x, (dict, pd.Series)):
        return list(x.keys())
    if isinstance(x, pd.DataFrame):
        return list(x.columns)
    return list(vars(x)) if hasattr(x, "__dict__") else []


def _field(x: Any, key: Any) -> Any:
    if isinstance(x, (Row, dict, pd.Series)):
        return x[key]
    if isinstance(x, pd.DataFrame):
        return None  # columns are dropped by name
    return getattr(x, key)


def _without(out: Any, added: dict[Any, Any]) -> Any:
    """``out`` without the fields in ``added`` that still hold what the preprocessors put there."""
    if isinstance(out, pd.DataFrame):
        gone = [k for k in added if k in out.columns]
        return out.drop(columns=gone) if gone else out
    if isinstance(out, Row):
        extra = out._Row__extra
        for k, v in added.items():
            if extra is not None and k in extra and extra[k] is v:
                del extra[k]
        return out
    if isinstance(out, (dict, pd.Series)):
        same = [k for k, v in added.items() if k in out.keys() and out[k] is v]
        if isinstance(out, pd.Series):
            return out.drop(same) if same else out
        for k in same:
            del out[k]
        return out
    for k, v in added.items():
        if getattr(out, k, None) is v:
            delattr(out, k)
    return out


def transformation_function(
    name: str | None = None,
    resources: dict[str, Any] | None = None,
    pre: Sequence[Preprocessor] | None = None,
    vectorized: bool = False,
) -> Callable[[Callable[..., Any]], TransformationFunction]:
    """Decorator that turns a function into a :class:`TransformationFunction` named after it.

    Examples
    --------
    >>> @transformation_function()
    ... def lower_text(x):
    ...     x.text = x.text.lower()
    ...     return x
    >>> lower_text({"text": "Check THIS"}).text
    'check this'
    >>> import pandas as pd
    >>> @transformation_function(vectorized=True)
    ... def drop_links(df):
    ...     hit = df.text.str.contains("http")
    ...     return df[hit].assign(text=df.text[hit].str.replace(r"http\\S+", "", regex=True))
    >>> drop_links(pd.DataFrame({"text": ["see http://x", "no"]})).text.tolist()
    ['see ']
    """
    return decorator(TransformationFunction, name, resources, pre, vectorized, "transformation_function")


def check_tfs(tfs: Sequence[Any]) -> list[Any]:
    """The TFs as a list, refusing duplicate names and things that are not TFs."""
    tfs = list(tfs)
    seen: set[str] = set()
    for tf in tfs:
        if not hasattr(tf, "transform") or not hasattr(tf, "name"):
            hint = (" (a Snorkel TF: decorate it with weaksup.augment.transformation_function, or use "
                    "weaksup.snorkel.augmentation)") if type(tf).__module__.split(".")[0] == "snorkel" else ""
            raise ParameterTypeError(f"expected TransformationFunction objects, got {tf!r}{hint}")
        if tf.name in seen:
            raise AugmentationError(f"transformation function names must be unique; {tf.name!r} appears twice")
        seen.add(tf.name)
    return tfs


__all__ = ["AugmentationError", "TransformationFunction", "TransformationFunctionError",
           "transformation_function"]
