"""Snorkel's training ``Logger`` (``snorkel.labeling.model.logger``): prints metrics every ``log_freq`` steps."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

logger = logging.getLogger(__name__)


class Logger:
    """Log ``"split/metric"`` or ``"task/split/metric"`` values every ``log_freq`` calls to :meth:`check`.

    Examples
    --------
    >>> Logger(log_freq=1).log({"train/loss": 0.01})
    """

    def __init__(self, log_freq: int) -> None:
        self.log_freq = log_freq
        self.unit_count = -1

    def check(self) -> bool:
        """Count one step; True every ``log_freq`` steps."""
        self.unit_count += 1
        return self.unit_count % self.log_freq == 0

    def log(self, metrics_dict: Mapping[str, Any]) -> None:
        """Log the metrics; a name that is not ``split/metric`` or ``task/split/metric`` is a ValueError."""
        parts = []
        for name, value in metrics_dict.items():
            if not 2 <= len(name.split("/")) <= 3:
                raise ValueError(f"metric name {name!r} must be 'split/metric' or 'task/split/metric'")
            parts.append(f"{name}={value:0.3f}" if isinstance(value, float) else f"{name}={value}")
        logger.info("[%d epochs]: %s", max(self.unit_count, 0), ", ".join(parts))
