"""Transformation functions: a small change to one row (or a batch of rows) that keeps its label."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

from weaksup.errors import WeaksupError
from weaksup.labeling.function import UserFunction, decorator
from weaksup.labeling.preprocessor import Preprocessor, fresh_copy, isolated_frame
from weaksup.labeling.row import _NO_ID, make_row_type


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
        super().__init__(f"transformation function {tf_name!r} failed on row {row_id!r}: {message}")


class TransformationFunction(UserFunction):
    """A label-preserving change to a data point, used to augment a training set.

    Parameters
    ----------
    name : str
        Unique name (it appears in the applier's provenance table).
    f : callable
        Row-wise: ``f(x, **resources)`` gets a copy of one row (fields as attributes and keys)
        that it may change, and returns the transformed row, or ``None`` when it does not apply
        to this row. Vectorized: ``f(batch, **resources)`` gets a copy of a DataFrame of rows
        and returns a DataFrame holding the transformed rows, indexed by the batch's index;
        rows it leaves out (or ``None`` for all) were not transformed.
    resources : dict, optional
        Passed to ``f`` as keyword arguments (synonym tables, models ...).
    pre : sequence of Preprocessor, optional
        Run in order on the row (or batch) before ``f``.
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
        for p in self.pre:
            x = p(x)
        return self.bound(x)

    def __call__(self, x: Any) -> Any:
        """Transform one row given as a dict, Series or row (or a batch, when vectorized)."""
        if not self.vectorized and isinstance(x, (dict, pd.Series)):
            row_id = x.name if isinstance(x, pd.Series) else _NO_ID  # a Series row keeps its id as x.name
            x = make_row_type(tuple(str(k) for k in x.keys()))(tuple(x.values() if isinstance(x, dict) else x.tolist()),
                                                               None, row_id)
        return self.transform(x)


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
            raise TypeError(f"expected TransformationFunction objects, got {tf!r}")
        if tf.name in seen:
            raise AugmentationError(f"transformation function names must be unique; {tf.name!r} appears twice")
        seen.add(tf.name)
    return tfs


__all__ = ["AugmentationError", "TransformationFunction", "TransformationFunctionError",
           "transformation_function"]
