"""Checks of label models' hyper-parameters (at ``fit``) and learned state (on ``load`` and before predicting).

Each model declares ``_parameter_rules`` (parameter name -> allowed values) and
``_state_rules`` (learned attribute -> shape and range); both are merged along the class
hierarchy, so a subclass only adds its own. A bad value raises
:class:`~weaksup.errors.ModelInputError` naming the model, the parameter or attribute, and the value.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from weaksup.errors import ModelInputError


class Interval:
    """Integers (``kind=int``) or real numbers (``kind=float``, finite) between ``low`` and ``high``.

    Parameters
    ----------
    kind : {int, float}
    low, high : number, optional
        Bounds; ``None`` leaves that side open-ended.
    closed : {"both", "left", "right", "neither"}
        Which bounds are allowed values.

    Examples
    --------
    >>> rule = Interval(int, 1)
    >>> rule.accepts(5), rule.accepts(0), rule.accepts(2.0), rule.accepts(True), rule.describe()
    (True, False, False, False, 'an integer >= 1')
    >>> Interval(float, 0, 1, closed="neither").describe()
    'a number in (0, 1)'
    """

    def __init__(self, kind: type, low: float | None = None, high: float | None = None, closed: str = "both") -> None:
        self.kind, self.low, self.high, self.closed = kind, low, high, closed

    def accepts(self, value: Any) -> bool:
        if isinstance(value, (bool, np.bool_)):
            return False  # True is an int to Python, never a count or a rate here
        if self.kind is int:
            if not isinstance(value, numbers.Integral):
                return False
        elif not isinstance(value, numbers.Real) or not np.isfinite(float(value)):
            return False
        low_ok = self.low is None or (value >= self.low if self.closed in ("both", "left") else value > self.low)
        high_ok = self.high is None or (value <= self.high if self.closed in ("both", "right") else value < self.high)
        return bool(low_ok and high_ok)

    def describe(self) -> str:
        what = "an integer" if self.kind is int else "a number"
        if self.low is not None and self.high is not None:
            left = "[" if self.closed in ("both", "left") else "("
            right = "]" if self.closed in ("both", "right") else ")"
            return f"{what} in {left}{self.low}, {self.high}{right}"
        if self.low is not None:
            return f"{what} {'>=' if self.closed in ('both', 'left') else '>'} {self.low}"
        if self.high is not None:
            return f"{what} {'<=' if self.closed in ('both', 'right') else '<'} {self.high}"
        return what


class Options:
    """One of a fixed set of values (strings, ``None``, booleans).

    Examples
    --------
    >>> Options("sgd", "adam").accepts("adam"), Options("sgd", "adam").describe()
    (True, "one of 'sgd', 'adam'")
    """

    def __init__(self, *values: Any) -> None:
        self.values = values

    def accepts(self, value: Any) -> bool:
        # identity for None/True/False, so 1 is not accepted as True nor 0 as False
        return any(value is v or (isinstance(v, str) and isinstance(value, str) and value == v) for v in self.values)

    def describe(self) -> str:
        if len(self.values) == 1:
            return repr(self.values[0])
        return "one of " + ", ".join(repr(v) for v in self.values)


class Mapping:
    """A dict of keyword arguments (string keys), e.g. the parameters of an inner model.

    Examples
    --------
    >>> Mapping().accepts({"max_iter": 5}), Mapping().accepts([("max_iter", 5)]), Mapping().describe()
    (True, False, 'a dict of keyword arguments')
    """

    def accepts(self, value: Any) -> bool:
        return isinstance(value, dict) and all(isinstance(key, str) for key in value)

    def describe(self) -> str:
        return "a dict of keyword arguments"


BOOL = Options(True, False)
NONE = Options(None)
PROBABILITY = Interval(float, 0, 1, closed="neither")

#: how far a sum of probabilities may be from 1 (what class_balance_ is allowed too)
SUM_TOLERANCE = 1e-6


def rows_sum_to_one(value: np.ndarray) -> str | None:
    """A state check: every row (last axis) of a probability array sums to 1 (posteriors, ``fit_proba_``)."""
    total = value.sum(axis=-1)
    gap = np.abs(total - 1.0)
    if (gap > SUM_TOLERANCE).any():
        row = int(np.argmax(gap))
        return f" row {row} sums to {total[row]!r}, not 1: its entries are probabilities"
    return None


def rows_sum_in_unit_interval(value: np.ndarray) -> str | None:
    """A state check: every row (last axis) sums to more than 0 and at most 1 (MACE's spam / competence pair)."""
    total = value.sum(axis=-1)
    bad = (total <= 0) | (total > 1 + SUM_TOLERANCE)
    if bad.any():
        row = int(np.argmax(bad))
        return f" row {row} sums to {total[row]!r}; a row of probabilities sums to more than 0 and at most 1"
    return None


def responses_sum_to_one(table: np.ndarray) -> str | None:
    """A state check of a log response table ``(m, k + 1, k)``: each LF's table is one of the two forms models write.

    A log-odds table (AgreementModel, Triplet, WeightedMajorityVoter, DependencyAwareModel, and MatrixCompletion,
    which leaves abstains unmodelled as Snorkel does) has an abstain row ``[j, 0, :]`` of 0 and vote rows that are
    weights, with no fixed sum. Any other table holds ``log P(LF j responds v | y = c)`` (DawidSkene,
    GenerativeModel), so ``exp(table[j, :, c])`` sums to 1 over the responses, abstain included.
    """
    total = np.exp(table).sum(axis=1)  # (m, k); -inf entries are responses never seen (probability 0)
    probabilities = (table[:, 0, :] != 0).any(axis=1)  # per LF: not the zero abstain row of a log-odds table
    bad = probabilities[:, None] & ~(np.abs(total - 1.0) <= SUM_TOLERANCE)
    if bad.any():
        j, c = (int(i) for i in np.argwhere(bad)[0])
        return (f"[{j}, :, {c}] holds probabilities P(abstain or each vote | class {c}) summing to {total[j, c]!r}, "
                "not 1 (only a log-odds table, whose abstain row is 0, has no fixed sum)")
    return None


def whole_numbers(value: np.ndarray) -> str | None:
    """A state check: every entry is a whole number (ids, counts), not a fraction that would be truncated."""
    frac = value != np.round(value)
    if frac.any():
        pos = tuple(int(i) for i in np.argwhere(frac)[0])
        return f"{list(pos)} is {value[pos]!r}; every entry must be a whole number"
    return None


#: a log response table (m, k + 1, k): log-odds weights, so any number; -inf is a response never seen
LOG_TABLE = (("m", "k+1", "k"), -np.inf, None, responses_sum_to_one)
#: a table of log-probabilities: at most log 1 = 0 (a little slack for rounding), each column summing to 1
LOG_PROBABILITY_TABLE = (("m", "k+1", "k"), -np.inf, 1e-9, responses_sum_to_one)


def _merged(cls: type, attr: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for klass in reversed(cls.__mro__):
        out.update(vars(klass).get(attr, {}))
    return out


def validate_params(model: Any) -> None:
    """Raise ``ModelInputError`` for the first hyper-parameter of ``model`` outside its declared rules.

    The error's ``parameter`` attribute holds the parameter's name.

    Examples
    --------
    >>> from weaksup.models import DawidSkene
    >>> validate_params(DawidSkene(max_iter=-5))
    Traceback (most recent call last):
    ...
    weaksup.errors.ModelInputError: DawidSkene parameter max_iter must be an integer >= 1; got -5 (int)
    """
    rules = _merged(type(model), "_parameter_rules")
    for name, value in model.get_params(deep=False).items():
        allowed = rules.get(name)
        if allowed is None:
            continue
        allowed = allowed if isinstance(allowed, tuple) else (allowed,)
        if not any(rule.accepts(value) for rule in allowed):
            err = ModelInputError(
                f"{type(model).__name__} parameter {name} must be {' or '.join(r.describe() for r in allowed)}; "
                f"got {value!r} ({type(value).__name__})"
            )
            err.parameter = name  # type: ignore[attr-defined]  # lets the CLI point at the --param given
            raise err


def _sizes(spec: Sequence[str | int], m: int, k: int) -> list[int | None]:
    """Each shape entry as a size (None for ``"*"``, any size)."""
    named = {"m": m, "k": k, "k+1": k + 1, "mk": m * k}
    return [None if s == "*" else s if isinstance(s, int) else named[s] for s in spec]


def _shape_matches(shape: tuple[int, ...], spec: Sequence[str | int], m: int, k: int) -> bool:
    sizes = _sizes(spec, m, k)
    return len(shape) == len(sizes) and all(s is None or n == s for n, s in zip(shape, sizes, strict=True))


def _describe_shape(spec: Sequence[str | int], m: int, k: int) -> str:
    shown = ["any" if s is None else str(s) for s in _sizes(spec, m, k)]
    return "(" + ", ".join(shown) + ("," if len(shown) == 1 else "") + ")"


def check_learned_state(model: Any, where: str) -> None:
    """Raise ``ModelInputError`` if the learned attributes of ``model`` are inconsistent or out of range.

    ``where`` names the model in messages (its folder when loading). Checks the attributes every
    model has (``cardinality_``, ``n_lfs_``, ``lf_names_``, ``class_balance_``) and each of the
    model's ``_state_rules``: ``name -> (shape, low, high)``, where ``shape`` uses ``"m"`` (LFs),
    ``"k"`` (classes), ``"k+1"`` and ``"mk"``, and ``low``/``high`` bound every entry (``None``:
    unbounded but finite; ``-inf`` allows ``-inf`` entries, as in log tables). Further items are
    ``"optional"``, which lets the attribute be absent (one that older saved models lack), and checks
    of the whole array (``array -> message or None``, e.g. :func:`rows_sum_to_one`), run once the
    entries pass. A shape entry may also be a fixed size (an int) or ``"*"`` (any size: fitted rows).

    Examples
    --------
    >>> import numpy as np
    >>> from weaksup.models import MajorityVoter
    >>> mv = MajorityVoter().fit([[0, 1], [1, 1]])
    >>> mv.class_balance_ = np.array([0.9, 0.3])
    >>> check_learned_state(mv, "MajorityVoter")
    Traceback (most recent call last):
    ...
    weaksup.errors.ModelInputError: MajorityVoter: learned class_balance_ must be 2 non-negative numbers summing to 1; got [0.9, 0.3] ...
    """

    def fail(message: str) -> None:
        raise ModelInputError(f"{where}: {message} (modified or corrupted after fitting, or a failed fit; fit it again)")

    k, m, names = (getattr(model, a, None) for a in ("cardinality_", "n_lfs_", "lf_names_"))
    if not Interval(int, 2).accepts(k):
        fail(f"learned cardinality_ must be an integer >= 2; got {k!r}")
    if not Interval(int, 0).accepts(m):
        fail(f"learned n_lfs_ must be an integer >= 0; got {m!r}")
    if not isinstance(names, list) or len(names) != m or not all(isinstance(s, str) for s in names):
        fail(f"learned lf_names_ must be {m} strings; got {names!r}"[:300])
    if len(set(names)) != len(names):
        fail(f"learned lf_names_ repeat a name: {sorted({s for s in names if names.count(s) > 1})[:6]}")
    cb = _as_float_array(getattr(model, "class_balance_", None))
    if cb is None or cb.shape != (k,) or not np.isfinite(cb).all() or (cb < 0).any() or abs(cb.sum() - 1) > SUM_TOLERANCE:
        shown = cb.tolist() if cb is not None and cb.size <= 20 else getattr(cb, "shape", cb)
        fail(f"learned class_balance_ must be {k} non-negative numbers summing to 1; got {shown}")
    for name, (spec, low, high, *extras) in _merged(type(model), "_state_rules").items():
        raw = getattr(model, name, None)
        if raw is None and "optional" in extras:
            continue  # added in a later version: models saved before it lack it
        value = _as_float_array(raw)
        if value is None or not _shape_matches(value.shape, spec, m, k):
            got = "nothing" if raw is None else "no numeric array" if value is None else f"shape {value.shape}"
            fail(f"learned {name} must be a numeric array of shape {_describe_shape(spec, m, k)}; got {got}")
        bad = np.isnan(value) | (value == np.inf)
        if low is None or low > -np.inf:
            bad |= value == -np.inf
        if low is not None and low > -np.inf:
            bad |= value < low
        if high is not None:
            bad |= value > high
        if bad.any():
            pos = tuple(int(i) for i in np.argwhere(bad)[0])
            first = spec[0] if spec else None
            j = pos[0] if first == "m" else pos[0] // k if first == "mk" else None
            lf = f" (LF {names[j]!r})" if j is not None else ""
            span = ("finite" if low is None and high is None else
                    f"in [{low}, {high}]" if low is not None and high is not None and low > -np.inf else
                    f"<= {high} (or -inf)" if high is not None else
                    f">= {low} (not NaN or +inf)" if low is not None and low > -np.inf else
                    "a number or -inf (not NaN or +inf)")
            fail(f"learned {name}{list(pos)}{lf} is {value[pos]!r}; every entry must be {span}")
        for check in extras:
            problem = None if isinstance(check, str) else check(value)
            if problem:
                fail(f"learned {name}{problem}")


def _as_float_array(value: Any) -> np.ndarray | None:
    if value is None:
        return None
    try:
        raw = np.asarray(value)
        # complex (the imaginary part would be dropped with a mere warning), datetime, structured: no real numbers
        if raw.dtype.kind not in "biufO":
            return None
        return raw.astype(np.float64)
    except (TypeError, ValueError):  # ragged lists, strings: not a numeric array
        return None
