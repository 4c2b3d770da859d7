"""Snorkel's ``merge_config`` (``snorkel.utils.config_utils``): update a (nested) named-tuple config from a dict."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def merge_config(config: Any, config_updates: Mapping[str, Any]) -> Any:
    """A copy of the named tuple ``config`` with ``config_updates`` applied; a dict value updates a nested config.

    Examples
    --------
    >>> from typing import NamedTuple
    >>> class Opt(NamedTuple):
    ...     lr: float = 0.1
    >>> class Train(NamedTuple):
    ...     n_epochs: int = 10
    ...     opt: Opt = Opt()
    >>> merge_config(Train(), {"n_epochs": 5, "opt": {"lr": 0.01}})
    Train(n_epochs=5, opt=Opt(lr=0.01))
    """
    unknown = sorted(set(config_updates) - set(config._fields))
    if unknown:
        raise ValueError(f"{type(config).__name__} has no settings {unknown}; it has {list(config._fields)}")
    updates = {key: merge_config(getattr(config, key), value) if isinstance(value, Mapping) else value
               for key, value in config_updates.items()}
    return config._replace(**updates)
