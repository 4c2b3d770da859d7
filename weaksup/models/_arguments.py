"""Arguments of Snorkel's LabelModel methods that native label models do not take, and what to pass instead."""

from __future__ import annotations

from typing import Any

from weaksup.errors import ParameterTypeError

#: Snorkel 0.10 arguments of LabelModel.fit / predict / score, and what a native model takes instead
_SNORKEL_ARGUMENTS = {
    "L_train": "pass the votes as the first argument: fit(L)",
    "progress_bar": "use progress=",
    "tie_break_policy": "use tie_break= ('abstain', 'random', 'prior', 'index')",
    "return_probs": "use predict_proba(L) for the probabilities",
}
_SNORKEL_TRAIN_CONFIG = ("n_epochs", "lr", "l2", "optimizer", "optimizer_config", "lr_scheduler",
                         "lr_scheduler_config", "prec_init", "log_freq", "mu_eps")


def reject_snorkel_arguments(model: Any, method: str, kwargs: dict[str, Any], votes_given: bool = True) -> None:
    """Raise :class:`~weaksup.errors.ParameterTypeError` for arguments a native method does not take.

    Users coming from Snorkel pass its keywords (``fit(L_train=..., n_epochs=...)``,
    ``predict(L, tie_break_policy=...)``); the error says what the native API takes instead.

    Examples
    --------
    >>> from weaksup.models import MatrixCompletion
    >>> try:
    ...     MatrixCompletion().fit([[0, 1, 1]], n_epochs=500)
    ... except TypeError as exc:
    ...     print(str(exc).split(": ", 1)[1].split(";")[0])
    n_epochs=: Snorkel's training option, a constructor parameter here: MatrixCompletion(n_epochs=...)
    """
    name = type(model).__name__
    if not votes_given and not kwargs:
        raise ParameterTypeError(f"{name}.{method}() needs the votes: {method}(L), L a LabelMatrix or an n x m array")
    params = sorted(model.get_params())
    hints, foreign = [], []
    for key in kwargs:
        if key in _SNORKEL_ARGUMENTS:
            hints.append(f"{key}=: {_SNORKEL_ARGUMENTS[key]}")
        elif key in _SNORKEL_TRAIN_CONFIG and method == "fit":
            if key in params:
                hints.append(f"{key}=: Snorkel's training option, a constructor parameter here: {name}({key}=...)")
            else:
                foreign.append(key)
        else:
            hints.append(f"{key}=: not an argument of {name}.{method}")
    if foreign:
        hints.append(f"{', '.join(k + '=' for k in foreign)}: Snorkel's training option(s), which {name} does not "
                     f"have (its parameters, set in the constructor: {params})")
    port = ("; weaksup.snorkel.labeling.model.LabelModel keeps Snorkel's signatures"
            if any(k in _SNORKEL_ARGUMENTS or k in _SNORKEL_TRAIN_CONFIG for k in kwargs) else "")
    raise ParameterTypeError(f"{name}.{method}() got unexpected keyword argument(s) {sorted(kwargs)}: "
                             f"{'; '.join(hints)}{port}")
