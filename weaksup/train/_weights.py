"""Class weights for soft-label training: ``"auto"`` (the default) and ``"balanced"``, both from soft-label mass.

Why ``"auto"``: a label model is often under-confident for one class (its LFs look weak, so its rows get
probabilities near 0.5) while confident for the other. The soft labels' mean then sits far on one side
of their argmax balance (youtube spam: mean P(spam) 0.82 on the covered rows, argmax balance 0.71), and
any regularised or not fully converged end model shrinks its predictions towards that mean, so unseen
rows drift to the confident class. Weighting each class by ``mass ** -1/2`` moves the shrinkage point
half way (in log odds) towards uniform. Full balancing (``mass ** -1``) goes all the way and hurts where
a class holds little but diffuse mass (trec's rare class gets 5x its weight and is predicted everywhere).
"""

from __future__ import annotations

import numpy as np

from weaksup.errors import ModelInputError

MODES = ("auto", "balanced")


def soft_class_weight(mode: str, probs: np.ndarray, sample_weight: np.ndarray | None = None) -> np.ndarray:
    """Per-class weights from the soft-label mass ``m_c = sum_i w_i q_ic``.

    ``balanced``: ``w_c = M / (k m_c)`` (scikit-learn's rule, counted in soft mass).
    ``auto``: ``w_c ∝ m_c ** -0.5``, scaled so the weighted mass keeps its total.
    Classes without mass (below ``1e-12`` of the total) get weight 0.

    Examples
    --------
    >>> import numpy as np
    >>> soft_class_weight("balanced", np.array([[0.8, 0.2], [0.8, 0.2]])).round(3).tolist()
    [0.625, 2.5]
    >>> soft_class_weight("auto", np.array([[0.8, 0.2], [0.8, 0.2]])).round(3).tolist()
    [0.833, 1.667]
    """
    Q = np.asarray(probs, dtype=np.float64)
    w = np.ones(len(Q)) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    mass = (Q * w[:, None]).sum(axis=0)
    total = mass.sum()
    present = mass > total * 1e-12  # a class of ~1e-300 mass would get a weight that overflows the fit
    out = np.zeros(Q.shape[1])
    if mode == "balanced":
        out[present] = total / (Q.shape[1] * mass[present])
        return out
    if mode == "auto":
        out[present] = mass[present] ** -0.5
        return out * total / max(float((out * mass).sum()), 1e-300)
    raise ModelInputError(f"class_weight mode must be one of {MODES}, got {mode!r}")
