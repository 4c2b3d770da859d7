"""Figures and the HTML report (needs matplotlib, the ``plot`` extra, imported only when a figure is drawn).

Examples
--------
>>> import numpy as np
>>> import weaksup.plot
>>> weaksup.plot.coverage(np.array([[0, 1], [1, -1]])).axes[0].get_xlabel()
'share of rows'
"""

from weaksup.plot.dependencies import dependencies as dependency_heatmap
from weaksup.plot.figures import accuracies, agreement_heatmap, calibration, class_balance, coverage
from weaksup.plot.report import build_report, report
from weaksup.plot.stats import (
    agreement_matrix,
    calibration_curve,
    disagreement_ranking,
    empirical_accuracies,
    learned_accuracies,
)

__all__ = [
    "accuracies",
    "agreement_heatmap",
    "agreement_matrix",
    "build_report",
    "calibration",
    "calibration_curve",
    "class_balance",
    "dependency_heatmap",
    "coverage",
    "disagreement_ranking",
    "empirical_accuracies",
    "learned_accuracies",
    "report",
]
