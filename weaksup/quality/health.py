"""A dataset-level label health report built on the confident-learning noise estimate."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from weaksup._validation import align_labels, columns_in_class_order, names_list
from weaksup.errors import ModelInputError
from weaksup.quality._checks import check_labels_probs
from weaksup.quality.confident_learning import estimate_noise_matrix, find_label_issues


@dataclass
class HealthSummary:
    """Label health of a dataset. Print it for a report; use the DataFrames for analysis.

    Attributes
    ----------
    overall_health : float
        ``1 -`` the estimated fraction of examples whose given label is wrong
        (the off-diagonal mass of the estimated joint).
    n_examples : int
    n_issues : int
        Examples flagged by :func:`find_label_issues` (``prune_by_noise_rate``).
    classes : pandas.DataFrame
        One row per class: ``n_given``, ``n_issues`` (estimated given-as-this-but-truly-other),
        ``n_inverse_issues`` (truly this but given another), ``label_noise`` =
        ``P(true != c | given = c)``, ``inverse_label_noise`` = ``P(given != c | true = c)``,
        ``label_quality`` = ``1 - label_noise``; sorted worst first.
    confused_pairs : pandas.DataFrame
        Directed (given, likely true) pairs with their estimated ``n_examples`` and joint
        probability, most frequent first (off-diagonal, non-zero only).
    noise : NoiseEstimate
        The underlying estimate.
    """

    overall_health: float
    n_examples: int
    n_issues: int
    classes: pd.DataFrame
    confused_pairs: pd.DataFrame
    noise: Any

    def to_frame(self) -> pd.DataFrame:
        """The per-class table (same as ``.classes``)."""
        return self.classes.copy()

    def __str__(self) -> str:
        lines = [
            "Label health summary",
            "====================",
            f"examples: {self.n_examples}   flagged label issues: {self.n_issues}   "
            f"overall label health: {self.overall_health:.3f}",
            "",
            "Per class (worst first):",
            self.classes.to_string(float_format=lambda v: f"{v:.3f}"),
            "",
        ]
        if len(self.confused_pairs):
            lines += ["Most confused (given -> likely true):",
                      self.confused_pairs.head(10).to_string(index=False, float_format=lambda v: f"{v:.4f}")]
        else:
            lines.append("No confused class pairs found.")
        return "\n".join(lines)


def health_summary(labels: Any, pred_probs: Any, class_names: list[str] | None = None) -> HealthSummary:
    """Overall label health, per-class noise and the most confused class pairs.

    Parameters
    ----------
    labels : array-like (n,)
    pred_probs : array-like (n, k)
        Out-of-sample predicted probabilities.
    class_names : list of str, optional
        Names for classes ``0..k-1`` in the tables; ``labels`` may then hold these names instead of ids.

    Examples
    --------
    >>> import numpy as np
    >>> labels = [0, 0, 0, 1, 1, 1]
    >>> P = np.array([[.9, .1], [.8, .2], [.1, .9], [.2, .8], [.3, .7], [.1, .9]])
    >>> s = health_summary(labels, P, class_names=["ham", "spam"])
    >>> round(s.overall_health, 3), s.n_issues
    (0.833, 1)
    >>> s.confused_pairs[["given", "true", "n_examples"]].values.tolist()
    [['ham', 'spam', 1]]
    >>> "overall label health: 0.833" in str(s)
    True
    >>> health_summary(["ham", "ham", "ham", "spam", "spam", "spam"], P, class_names=["ham", "spam"]).n_issues
    1
    """
    class_names = names_list(class_names, ModelInputError)  # "hs" would be the classes "h" and "s"
    if class_names is not None:
        k = np.shape(pred_probs)[1] if np.ndim(pred_probs) == 2 else None
        if k is not None and len(class_names) != k:
            raise ModelInputError(f"class_names has {len(class_names)} names for k = {k} classes")
        # columns named by class ("spam", "ham"), in another order: column j is not class j; taken by name
        pred_probs = columns_in_class_order(pred_probs, class_names)
        # labels may be the class names themselves (a "spam" / "ham" column); map them to ids by those names
        index = pred_probs.index if isinstance(pred_probs, pd.DataFrame) else None
        labels = align_labels(labels, index=index, cardinality=k, name="labels", class_names=class_names)
    y, P = check_labels_probs(labels, pred_probs)
    k = P.shape[1]
    names = list(class_names) if class_names is not None else [str(c) for c in range(k)]
    if len(names) != k:
        raise ModelInputError(f"class_names has {len(names)} names for k = {k} classes")
    est = estimate_noise_matrix(y, P)
    n = len(y)
    counts = est.joint * n
    off = counts.copy()
    np.fill_diagonal(off, 0.0)
    n_given = np.bincount(y, minlength=k)
    diag_inv = np.diag(est.inverse_noise_matrix)  # P(true = c | given = c)
    diag_noise = np.diag(est.noise_matrix)  # P(given = c | true = c)
    classes = pd.DataFrame(
        {
            "class": names,
            "n_given": n_given,
            "n_issues": np.round(off.sum(axis=1)).astype(np.int64),
            "n_inverse_issues": np.round(off.sum(axis=0)).astype(np.int64),
            "label_noise": 1.0 - diag_inv,
            "inverse_label_noise": 1.0 - diag_noise,
            "label_quality": diag_inv,
        }
    ).sort_values(["label_quality", "class"], ascending=[True, True], kind="stable").reset_index(drop=True)
    gi, ti = np.nonzero(off > 0)
    pairs = pd.DataFrame(
        {
            "given": [names[i] for i in gi],
            "true": [names[j] for j in ti],
            "n_examples": np.round(counts[gi, ti]).astype(np.int64),
            "joint_probability": est.joint[gi, ti],
        }
    ).sort_values("joint_probability", ascending=False, kind="stable").reset_index(drop=True)
    issues = find_label_issues(y, P)
    return HealthSummary(
        overall_health=float(1.0 - off.sum() / n),
        n_examples=n,
        n_issues=int(issues.sum()),
        classes=classes,
        confused_pairs=pairs,
        noise=est,
    )
