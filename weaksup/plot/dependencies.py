"""Figure of the LF dependencies learned from the votes (see :mod:`weaksup.models.structure`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from weaksup._validation import is_whole_number
from weaksup.errors import ParameterError
from weaksup.plot.figures import _new_figure, _plain

if TYPE_CHECKING:
    from weaksup.models.structure import StructureLearner


def dependencies(L: Any = None, structure: StructureLearner | None = None, max_lfs: int = 60, **params: Any) -> Any:
    """Heatmap of the residual partial correlation of every LF pair, dependent pairs outlined.

    Pass the votes ``L`` (a :class:`StructureLearner` is fitted with ``params``) or a fitted
    ``structure``. With more than ``max_lfs`` LFs only the LFs in some dependency are drawn.
    Returns a :class:`matplotlib.figure.Figure`.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> y = rng.integers(0, 2, 3000)
    >>> L = np.stack([np.where(rng.random(3000) < a, y, 1 - y) for a in (0.9, 0.8, 0.7)], axis=1)
    >>> fig = dependencies(np.column_stack([L, L[:, 0]]))
    >>> fig.axes[0].get_title()
    'LF dependencies learned from the votes: 1 pair(s) in 1 group(s)'
    """
    if not is_whole_number(max_lfs, 1):
        raise ParameterError(f"max_lfs must be a whole number of LFs, at least 1; got {max_lfs!r}")  # [:-1] drops one
    if structure is None:
        if L is None:
            raise ParameterError("give the votes L or a fitted StructureLearner")
        from weaksup.models.structure import StructureLearner  # scikit-learn: imported when used

        structure = StructureLearner(**params).fit(L)
    structure._check_fitted()
    S = np.asarray(structure.strength_)
    names = list(structure.lf_names_)
    shown = np.arange(len(names))
    if len(names) > max_lfs:
        shown = np.array(sorted({j for e in structure.edges_ for j in e})[:max_lfs], dtype=int)
    sub = S[np.ix_(shown, shown)]
    size = min(max(4.0, 0.25 * len(shown) + 2.5), 24.0)
    fig = _new_figure(size + 1.0, size)
    ax = fig.add_subplot()
    im = ax.imshow(np.clip(sub, 0, 1), cmap="Reds", vmin=0, vmax=max(float(sub.max()) if sub.size else 0, 1e-3))
    pos = {j: i for i, j in enumerate(shown)}
    for a, b in structure.edges_:
        if a in pos and b in pos:
            for r, c in ((pos[a], pos[b]), (pos[b], pos[a])):
                ax.add_patch(_rectangle(c - 0.5, r - 0.5))
    ax.set_xticks(np.arange(len(shown)), _plain([names[j] for j in shown]), rotation=90, fontsize=7)
    ax.set_yticks(np.arange(len(shown)), _plain([names[j] for j in shown]), fontsize=7)
    ax.set_title(f"LF dependencies learned from the votes: {len(structure.edges_)} pair(s) in "
                 f"{len(structure.groups_)} group(s)")
    fig.colorbar(im, ax=ax, label="dependency strength (residual partial correlation; 1 = identical votes)")
    return fig


def _rectangle(x: float, y: float) -> Any:
    from matplotlib.patches import Rectangle

    return Rectangle((x, y), 1, 1, fill=False, edgecolor="black", linewidth=1.2)
