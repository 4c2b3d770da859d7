"""Figures of labeling functions and label models, each returned as a :class:`matplotlib.figure.Figure`.

matplotlib (the ``plot`` extra) is imported only when a figure is drawn. Figures are
built with ``matplotlib.figure.Figure`` directly, rendered by the Agg backend, so
drawing never changes pyplot's global state or the backend a notebook chose.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from weaksup._deps import require
from weaksup.analysis import LFAnalysis
from weaksup.errors import ParameterError
from weaksup.matrix import as_label_matrix
from weaksup.plot.stats import (
    _predictions,
    agreement_matrix,
    calibration_curve,
    empirical_accuracies,
    learned_accuracies,
)
from weaksup.utils import align_labels


def _new_figure(width: float, height: float) -> Any:
    # the install line that works from a clone ('weaksup[plot]' would look for weaksup on PyPI)
    Figure = require("matplotlib.figure", "weaksup.plot").Figure
    return Figure(figsize=(width, height), layout="constrained")


def _plain(names: Sequence[Any]) -> list[str]:
    """Names as tick labels shown as written: matplotlib reads text between two ``$`` as math
    (an LF named ``price_$5_$10`` would be drawn as a formula, one named ``$$`` fails to draw)."""
    return [str(n).replace("$", r"\$") for n in names]


def _lf_height(m: int) -> float:
    return min(max(2.5, 0.32 * m + 1.2), 30.0)


def coverage(L: Any) -> Any:
    """Coverage, overlap and conflict of each LF as horizontal bars.

    Examples
    --------
    >>> fig = coverage(np.array([[0, 0], [1, -1], [-1, 1]]))
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ['lf_0', 'lf_1']
    """
    L = as_label_matrix(L)
    a = LFAnalysis(L)
    stats = {"coverage": a.lf_coverages(), "overlap": a.lf_overlaps(), "conflict": a.lf_conflicts()}
    fig = _new_figure(7.5, _lf_height(L.n_lfs))
    ax = fig.add_subplot()
    y = np.arange(L.n_lfs)
    height = 0.27
    for i, (name, values) in enumerate(stats.items()):
        ax.barh(y + (i - 1) * height, values, height=height, label=name, color=f"C{i}")
    ax.set_yticks(y, _plain(L.lf_names))
    ax.invert_yaxis()
    ax.set_xlim(0, max(1e-9, max(float(v.max()) if len(v) else 0.0 for v in stats.values())) * 1.1)
    ax.set_xlabel("share of rows")
    ax.set_title(f"LF coverage, overlap and conflict (label coverage {a.label_coverage():.1%} of {L.n_rows} rows)")
    fig.legend(loc="outside lower center", ncols=3, fontsize=8)
    ax.grid(axis="x", alpha=0.3)
    return fig


def agreement_heatmap(L: Any, annotate: bool | None = None) -> Any:
    """Heat map of pairwise LF agreement: share of co-labeled rows on which two LFs vote alike.

    Grey cells are pairs that never label the same row. Cells are annotated with the
    value when there are at most 20 LFs (or when ``annotate`` says so).

    Examples
    --------
    >>> fig = agreement_heatmap(np.array([[0, 0], [1, 0], [-1, 1]]))
    >>> fig.axes[0].get_title()
    'Pairwise LF agreement (where both vote)'
    """
    L = as_label_matrix(L)
    agree, overlap = agreement_matrix(L)
    m = L.n_lfs
    side = min(max(4.0, 0.45 * m + 2.5), 30.0)
    fig = _new_figure(side + 1.2, side)
    ax = fig.add_subplot()
    masked = np.ma.masked_invalid(agree)
    try:
        from matplotlib import colormaps

        cmap = colormaps["RdYlGn"].with_extremes(bad="#dddddd")
    except ImportError:  # pragma: no cover - matplotlib < 3.5
        cmap = "RdYlGn"
    image = ax.imshow(masked, vmin=0.0, vmax=1.0, cmap=cmap)
    ax.set_xticks(np.arange(m), _plain(L.lf_names), rotation=60, ha="right")
    ax.set_yticks(np.arange(m), _plain(L.lf_names))
    if annotate if annotate is not None else m <= 20:
        for i in range(m):
            for j in range(m):
                if overlap[i, j] > 0:
                    ax.text(j, i, f"{agree[i, j]:.2f}", ha="center", va="center", fontsize=7)
    fig.colorbar(image, ax=ax, label="agreement")
    ax.set_title("Pairwise LF agreement (where both vote)")
    return fig


def accuracies(
    L: Any,
    Y: Any = None,
    model: Any = None,
    learned: Sequence[float] | None = None,
) -> Any:
    """Each LF's accuracy as the label model learned it, next to its empirical accuracy on gold ``Y``.

    Pass ``model`` (a fitted label model; see :func:`weaksup.plot.stats.learned_accuracies`)
    or ``learned`` directly, and/or gold ``Y`` (``-1`` = unknown). At least one is needed.

    Examples
    --------
    >>> from weaksup.models import MajorityVoter
    >>> L = np.array([[0, 0, 1], [1, 1, 1], [0, 0, -1]])
    >>> fig = accuracies(L, Y=[0, 1, 0], model=MajorityVoter().fit(L))
    >>> [t.get_text() for t in fig.legends[0].get_texts()]
    ['chance', 'learned (agreement with predictions)', 'empirical (gold)']
    """
    L = as_label_matrix(L)
    series: dict[str, np.ndarray] = {}
    if learned is not None:
        try:
            series["learned"] = np.asarray(learned, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise ParameterError(f"learned must hold one accuracy (a number) per LF: {exc}") from None
        if series["learned"].shape != (L.n_lfs,):  # else one value would be broadcast to every LF's bar
            raise ParameterError(f"learned must hold one accuracy per LF ({L.n_lfs}); got shape "
                                 f"{series['learned'].shape}")
    elif model is not None:
        values, source = learned_accuracies(model, L)
        series["learned" if source == "model" else f"learned ({source})"] = values
    if Y is not None:
        series["empirical (gold)"] = empirical_accuracies(L, Y)
    if not series:
        raise ParameterError("accuracies() needs a fitted model, learned accuracies or gold labels Y")
    fig = _new_figure(7.5, _lf_height(L.n_lfs))
    ax = fig.add_subplot()
    y = np.arange(L.n_lfs)
    height = 0.8 / len(series)
    for i, (name, values) in enumerate(series.items()):
        offset = (i - (len(series) - 1) / 2) * height
        ax.barh(y + offset, np.nan_to_num(values, nan=0.0), height=height, label=name, color=f"C{i + 3}")
    ax.set_yticks(y, _plain(L.lf_names))
    ax.invert_yaxis()
    ax.set_xlim(0, 1.05)
    ax.axvline(1.0 / L.infer_cardinality(), color="grey", linestyle=":", label="chance")
    ax.set_xlabel("accuracy")
    ax.set_title("LF accuracies: learned vs empirical" if len(series) > 1 else "LF accuracies")
    fig.legend(loc="outside lower center", ncols=3, fontsize=8)
    ax.grid(axis="x", alpha=0.3)
    return fig


def class_balance(
    model: Any = None,
    L: Any = None,
    Y: Any = None,
    class_names: Sequence[str] | None = None,
) -> Any:
    """Class balance: the model's learned prior, the share of rows it predicts per class, and gold.

    Each part is drawn when its input is given: ``model`` (``class_balance_``), ``model``
    and ``L`` (predicted labels), ``Y`` (gold, ``-1`` = unknown).

    Examples
    --------
    >>> fig = class_balance(Y=[0, 1, 1, -1], class_names=["HAM", "SPAM"])
    >>> [t.get_text() for t in fig.axes[0].get_xticklabels()]
    ['HAM', 'SPAM']
    """
    series: dict[str, np.ndarray] = {}
    k = None
    if model is not None:
        if callable(getattr(model, "_check_fitted", None)):
            model._check_fitted()  # a NotFittedError, not an AttributeError on class_balance_
        series["model prior (class_balance_)"] = np.asarray(model.class_balance_, dtype=np.float64)
        k = len(series["model prior (class_balance_)"])
        if L is not None:
            pred = _predictions(model, as_label_matrix(L), tie_break="prior")
            series["model predictions"] = np.bincount(pred[pred >= 0], minlength=k) / max(int((pred >= 0).sum()), 1)
    if Y is not None:
        k = k or (len(class_names) if class_names is not None else None)  # a class gold never holds is still one
        y = align_labels(Y, cardinality=k, name="Y", allow_abstain=True, class_names=class_names)
        y = y[y >= 0]
        k = k or (int(y.max()) + 1 if len(y) else 2)
        series["gold"] = np.bincount(y, minlength=k) / max(len(y), 1)
    if not series:
        raise ParameterError("class_balance() needs a fitted model or gold labels Y")
    k = len(next(iter(series.values())))
    names = list(class_names) if class_names is not None else [str(c) for c in range(k)]
    if len(names) != k:
        raise ParameterError(f"class_names has {len(names)} names for {k} classes: {names}")
    fig = _new_figure(max(5.0, 1.2 * k + 3), 3.8)
    ax = fig.add_subplot()
    x = np.arange(k)
    width = 0.8 / len(series)
    for i, (name, values) in enumerate(series.items()):
        bars = ax.bar(x + (i - (len(series) - 1) / 2) * width, values, width=width, label=name, color=f"C{i}")
        ax.bar_label(bars, fmt="%.2f", fontsize=7)
    ax.set_xticks(x, _plain(names))
    ax.set_ylim(0, 1.1)
    ax.set_ylabel("share of rows")
    ax.set_title("Class balance")
    fig.legend(loc="outside lower center", ncols=3, fontsize=8)
    return fig


def calibration(probs: Any, Y: Any, n_bins: int = 10, title: str | None = None) -> Any:
    """Reliability diagram of probabilistic labels on rows with gold ``Y`` (``-1`` = unknown, skipped).

    Binary labels plot P(class 1) against the observed share of class 1; multiclass
    labels plot the top probability against the top class's accuracy. The lower panel
    counts rows per bin.

    Examples
    --------
    >>> fig = calibration([[0.9, 0.1], [0.2, 0.8], [0.4, 0.6]], [0, 1, 0], n_bins=5)
    >>> fig.axes[0].get_title()
    'Calibration on 3 gold rows (ECE 0.300)'
    """
    curve = calibration_curve(probs, Y, n_bins=n_bins)
    binary = np.asarray(probs).shape[1] == 2
    fig = _new_figure(5.5, 5.5)
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=[3, 1])
    top.plot([0, 1], [0, 1], color="grey", linestyle=":", label="perfectly calibrated")
    top.plot(curve["mean_predicted"], curve["observed"], marker="o", color="C0", label="label model")
    top.set_xlim(0, 1)
    top.set_ylim(0, 1)
    top.set_ylabel("observed share of class 1" if binary else "accuracy of the top class")
    n = int(curve["count"].sum())
    top.set_title(title or f"Calibration on {n} gold rows (ECE {float(curve['ece']):.3f})")
    top.legend(loc="upper left", fontsize=8)
    edges = curve["edges"]
    bottom.hist(
        curve["mean_predicted"], bins=edges, weights=curve["count"], color="C0", alpha=0.7
    )
    bottom.set_xlabel("predicted probability of class 1" if binary else "confidence (top probability)")
    bottom.set_ylabel("rows")
    return fig
