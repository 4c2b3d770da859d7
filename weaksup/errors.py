"""Typed errors raised by weaksup. Every message names the LF, the row and the value when they apply."""

from __future__ import annotations

from typing import Any


class WeaksupError(Exception):
    """Base class of every error weaksup raises on purpose."""


class LabelMatrixError(WeaksupError, ValueError):
    """A label matrix is malformed: bad shape, non-integer or out-of-range votes, bad names or ids."""


class LabelingFunctionError(WeaksupError):
    """A labeling function raised while labeling a row.

    Attributes
    ----------
    lf_name : str
        Name of the labeling function.
    row_id : object
        Id (index value) of the row being labeled.
    original : BaseException or None
        The exception the LF raised.
    """

    def __init__(self, lf_name: str, row_id: Any, message: str, original: BaseException | None = None) -> None:
        self.lf_name = lf_name
        self.row_id = row_id
        self.original = original
        super().__init__(f"labeling function {lf_name!r} failed on row {_shown(row_id)!r}: {message}")

    def __reduce__(self):  # picklable across worker processes
        return (type(self), (self.lf_name, self.row_id, self.args[0].split(": ", 1)[-1], None))


def _shown(row_id: Any) -> Any:
    """A NumPy scalar id as the plain value it holds: row 10, not row np.int64(10)."""
    return row_id.item() if type(row_id).__module__ == "numpy" and hasattr(row_id, "item") else row_id


class InvalidLabelError(LabelingFunctionError, ValueError):
    """A labeling function returned something that is not a valid label (bool, NaN, None, float, out of range)."""

    def __init__(self, lf_name: str, row_id: Any, value: Any, reason: str) -> None:
        self.value = value
        LabelingFunctionError.__init__(self, lf_name, row_id, f"returned {value!r} ({type(value).__name__}): {reason}")

    def __reduce__(self):
        return (_rebuild_invalid_label, (self.lf_name, self.row_id, repr(self.value), self.args[0]))


def _rebuild_invalid_label(lf_name: str, row_id: Any, value_repr: str, message: str) -> InvalidLabelError:
    err = InvalidLabelError.__new__(InvalidLabelError)
    err.lf_name, err.row_id, err.value, err.original = lf_name, row_id, value_repr, None
    Exception.__init__(err, message)
    return err


class UnsafeOutputError(WeaksupError, ValueError):
    """An output path names one of the inputs (or the same file through a link); nothing was written."""


class ModelInputError(WeaksupError, ValueError):
    """Input to a model (labels, probabilities, dev labels, class balance) is invalid."""


class MissingModelError(ModelInputError, FileNotFoundError):
    """A saved model to load does not exist (a ``FileNotFoundError`` too, as Snorkel's ``load`` raises)."""


class WeaksupWarning(UserWarning):
    """Something worked but deserves the user's attention (a degenerate fit, resolved conflicts, ...)."""


class ApplyInputError(WeaksupError, ValueError):
    """Data given to an applier cannot be labeled as it is (duplicate or colliding column names, ...)."""


class LFPicklingError(WeaksupError, TypeError):
    """A labeling function cannot be sent to worker processes (``n_jobs > 1``, Dask): it does not (un)pickle.

    Attributes
    ----------
    lf_name : str
        Name of the labeling function (several, comma-separated, when a worker could not load the set).
    """

    def __init__(self, lf_name: str, message: str) -> None:
        self.lf_name = lf_name
        self.detail = message
        super().__init__(f"labeling function {lf_name!r} cannot be sent to worker processes: {message}")

    def __reduce__(self):
        return (type(self), (self.lf_name, self.detail))


class DataFileError(WeaksupError, ValueError):
    """A data file's rows cannot be read as they are: an empty or duplicate row id, an unreadable line."""


class MissingColumnError(DataFileError, KeyError):
    """A column named as the row ids (``id_column``) is not in the data file."""

    def __str__(self) -> str:  # KeyError would quote the whole message
        return str(self.args[0]) if self.args else ""


class MissingFileError(DataFileError, FileNotFoundError):
    """A data file (or a folder of parquet parts) named as an input does not exist."""


def _not_fitted_error() -> type:
    # Built on first use: it subclasses scikit-learn's NotFittedError (so code catching that, and
    # ``sklearn.utils.validation.check_is_fitted`` users, see ours), and importing scikit-learn costs
    # 1-2 s that ``import weaksup`` and applying LFs must not pay.
    from sklearn.exceptions import NotFittedError as SklearnNotFittedError

    class NotFittedError(WeaksupError, SklearnNotFittedError):
        """A model was used before ``fit`` (a scikit-learn ``NotFittedError`` too)."""

    NotFittedError.__module__ = __name__
    NotFittedError.__qualname__ = "NotFittedError"
    return NotFittedError


def __getattr__(name: str) -> Any:
    if name == "NotFittedError":
        value = globals()["NotFittedError"] = _not_fitted_error()
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class ParameterError(WeaksupError, ValueError):
    """An argument has a value that cannot be used (an unknown option, an empty name, a bad pattern ...)."""


class ParameterTypeError(WeaksupError, TypeError):
    """An argument has the wrong type (a function where an object is needed, a number where a name is ...)."""


class MissingFieldError(WeaksupError, KeyError):
    """A field a labeling function or template reads is not in the data."""

    def __str__(self) -> str:  # KeyError would quote the whole message
        return str(self.args[0]) if self.args else ""
