"""One self-contained HTML report of labeling functions and a label model (figures inlined as PNG)."""

from __future__ import annotations

import base64
import html
import io
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from weaksup._files import atomic_path, user_path
from weaksup._validation import names_list
from weaksup.analysis import LFAnalysis
from weaksup.errors import ParameterError
from weaksup.matrix import LabelMatrix, as_label_matrix
from weaksup.plot import figures
from weaksup.plot.stats import (
    calibration_curve,
    disagreement_ranking,
    empirical_accuracies,
    learned_accuracies,
)
from weaksup.utils import align_labels, probs_to_preds

# Marks every <img> that decoded (naturalWidth > 0) so a headless browser's DOM dump shows the figures rendered.
_IMAGE_CHECK = """<script>
window.addEventListener("load", function () {
  var imgs = document.images, ok = 0;
  for (var i = 0; i < imgs.length; i++) {
    var good = imgs[i].complete && imgs[i].naturalWidth > 0;
    imgs[i].setAttribute("data-rendered", good ? "yes" : "no");
    if (good) { ok++; }
  }
  var s = document.getElementById("image-status");
  s.setAttribute("data-rendered", String(ok));
  s.setAttribute("data-total", String(imgs.length));
  s.textContent = ok + " of " + imgs.length + " figures rendered";
});
</script>"""

_STYLE = """<style>
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em auto; max-width: 1100px; color: #222; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; font-size: 0.85em; } th, td { border: 1px solid #ddd; padding: 3px 7px; }
th { background: #f4f4f4; } td.text { max-width: 480px; } img { max-width: 100%; }
.note { color: #666; font-size: 0.9em; } #image-status { color: #888; font-size: 0.8em; }
</style>"""


def _png(fig: Any) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _img(fig: Any, alt: str) -> str:
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{_png(fig)}">'


def _text_column(data: pd.DataFrame, text_column: Any) -> Any:
    if text_column is not None:
        if text_column not in data.columns:
            raise ParameterError(f"data has no column {text_column!r}; its columns are {list(data.columns)}")
        return text_column
    if "text" in data.columns:
        return "text"
    for col in data.columns:
        if col != "id" and (data[col].dtype == object or pd.api.types.is_string_dtype(data[col])):
            return col  # as named: str(0) is no column of a frame whose columns are 0, 1 ...
    return None


def build_report(
    L: Any,
    model: Any = None,
    Y: Any = None,
    data: pd.DataFrame | None = None,
    class_names: Sequence[str] | None = None,
    title: str = "weaksup report",
    text_column: str | None = None,
    top: int = 20,
    notes: Sequence[str] = (),
    L_dev: Any = None,
    Y_dev: Any = None,
) -> str:
    """The HTML of :func:`report` as a string.

    Examples
    --------
    >>> page = build_report(np.array([[0, 1], [1, 1], [-1, 0]]), Y=[0, 1, 0])
    >>> page.count("<img"), "LF summary" in page
    (4, True)
    """
    L = as_label_matrix(L)
    title = "weaksup report" if title is None else str(title)
    if model is not None and callable(getattr(model, "_check_fitted", None)):
        model._check_fitted()  # a NotFittedError, not an AttributeError from a figure half way through
    if model is not None and getattr(model, "cardinality_", None) is not None and L.cardinality is None:
        L = L.with_cardinality(int(model.cardinality_))
    if isinstance(top, bool) or not isinstance(top, (int, np.integer)) or top < 0:  # top=-1 would drop a row
        raise ParameterError(f"top must be a whole number of rows, 0 or more; got {top!r}")
    class_names = names_list(class_names, ParameterError)  # "HS" would be the classes "H" and "S"
    if class_names is not None and len(class_names) < L.infer_cardinality():  # else some votes shown as numbers
        raise ParameterError(f"class_names has {len(class_names)} names for {L.infer_cardinality()} classes: "
                             f"{list(class_names)}")
    # gold may be written as class names (as everywhere else) when class_names says which id each is
    y = None if Y is None else align_labels(Y, L.index, name="Y", allow_abstain=True, class_names=class_names)
    L_dev, y_dev = _dev_split(L, L_dev, Y_dev, class_names)
    analysis = LFAnalysis(L)
    parts = [f"<h1>{html.escape(title)}</h1>"]
    facts = [
        f"{L.n_rows} rows, {L.n_lfs} labeling functions, {L.infer_cardinality()} classes",
        f"label coverage {analysis.label_coverage():.1%}, overlap {analysis.label_overlap():.1%}, "
        f"conflict {analysis.label_conflict():.1%}",
    ]
    if model is not None:
        facts.append(f"label model: {type(model).__name__}")
    if y is not None:
        facts.append(f"gold labels for {int((y >= 0).sum())} rows")
    if y_dev is not None:
        facts.append(f"dev split: {L_dev.n_rows} rows, gold labels for {int((y_dev >= 0).sum())}")
    notes = [notes] if isinstance(notes, str) else list(notes)  # one string is one note, not one per character
    parts.append("<ul>" + "".join(f"<li>{html.escape(str(f))}</li>" for f in [*facts, *notes]) + "</ul>")

    summary = analysis.summary(Y=y)
    learned = None
    if model is not None:
        learned, source = learned_accuracies(model, L)
        summary["Learned Acc."] = learned
    if y_dev is not None:
        summary["Emp. Acc. (dev)"] = empirical_accuracies(L_dev, y_dev)
    parts.append("<h2>LF summary</h2>")
    parts.append(summary.to_html(float_format=lambda v: f"{v:.3f}", na_rep="-"))
    if learned is not None and source != "model":
        parts.append(f'<p class="note">{type(model).__name__} does not report LF accuracies; "Learned Acc." is '
                     "the share of each LF's votes that agree with the model's predicted label.</p>")

    parts.append("<h2>Coverage, overlap and conflict per LF</h2>")
    parts.append(_img(figures.coverage(L), "coverage, overlap and conflict per LF"))
    parts.append("<h2>Pairwise LF agreement</h2>")
    parts.append(_img(figures.agreement_heatmap(L), "pairwise LF agreement heat map"))
    if model is not None or y is not None or y_dev is not None:
        parts.append("<h2>LF accuracies</h2>")
        if y is None and y_dev is not None:  # empirical accuracies from the dev split's gold labels
            fig = figures.accuracies(L_dev, Y=y_dev, model=model)
        else:
            fig = figures.accuracies(L, Y=y, model=model)
        parts.append(_img(fig, "learned and empirical LF accuracies"))
        parts.append("<h2>Class balance</h2>")
        gold = y if y is not None else y_dev
        parts.append(_img(figures.class_balance(model=model, L=L if model is not None else None, Y=gold,
                                                class_names=class_names), "class balance"))
    probs = model.predict_proba(L) if model is not None else None
    # calibration on the dev split when given, else on the rows of L that have gold labels
    cal_L, cal_y, where = (L_dev, y_dev, "dev split") if y_dev is not None else (L, y, "label matrix")
    if model is not None and cal_y is not None and (cal_y >= 0).any():
        cal_probs = probs if cal_L is L else model.predict_proba(cal_L)
        ece = float(calibration_curve(cal_probs, cal_y)["ece"])
        parts.append("<h2>Label model calibration</h2>")
        parts.append(f'<p class="note">Reliability diagram on the {int((cal_y >= 0).sum())} rows of the {where} '
                     f"with gold labels (expected calibration error {ece:.3f}).</p>")
        parts.append(_img(figures.calibration(cal_probs, cal_y), "calibration reliability diagram"))
    parts.append("<h2>Examples the LFs disagree on most</h2>")
    parts.append(_disagreements_html(L, probs, y, data, class_names, text_column, top))
    parts.append('<p id="image-status">figures not checked</p>')
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(title)}</title>{_STYLE}</head>\n<body>\n" + "\n".join(parts)
        + f"\n{_IMAGE_CHECK}\n</body></html>\n"
    )


def _dev_split(L: LabelMatrix, L_dev: Any, Y_dev: Any,
               class_names: Sequence[str] | None = None) -> tuple[LabelMatrix | None, np.ndarray | None]:
    """Check a dev split (its own label matrix with the same LFs, and gold labels aligned to it)."""
    if L_dev is None and Y_dev is None:
        return None, None
    if L_dev is None or Y_dev is None:
        raise ParameterError("L_dev and Y_dev go together")
    L_dev = as_label_matrix(L_dev)
    if L_dev.lf_names != L.lf_names:
        raise ParameterError(f"the dev label matrix has LFs {L_dev.lf_names}, but L has {L.lf_names}")
    if L.cardinality is not None and L_dev.cardinality is None:
        L_dev = L_dev.with_cardinality(L.cardinality)
    return L_dev, align_labels(Y_dev, L_dev.index, name="Y_dev", allow_abstain=True, class_names=class_names)


def _normalized(text: Any) -> str:
    """Text as a duplicate key: case, spacing and punctuation ignored (a missing cell is '')."""
    return "" if text is None or text != text else re.sub(r"[\W_]+", " ", str(text).casefold()).strip()


def _disagreements_html(
    L: LabelMatrix,
    probs: np.ndarray | None,
    y: np.ndarray | None,
    data: pd.DataFrame | None,
    class_names: Sequence[str] | None,
    text_column: str | None,
    top: int,
) -> str:
    text_col = None
    if data is not None:
        if not L.index.isin(data.index).all():
            missing = L.index[~L.index.isin(data.index)][:3].tolist()
            raise ParameterError(f"data lacks rows of the label matrix, e.g. ids {missing}")
        twice = data.index[data.index.duplicated() & data.index.isin(L.index)]
        if len(twice):  # which of its rows is the text of that id? (the texts would no longer line up)
            raise ParameterError(f"data has several rows with the id {twice[0]!r}; give one row per id")
        text_col = _text_column(data, text_column)
    copies = None
    if text_col is None:
        order = disagreement_ranking(L, top=top)
    else:
        # one line per distinct text (spam comments repeat verbatim): rank every row, keep each text's best
        keys = data.loc[L.index, text_col].map(_normalized).to_numpy()
        ranked = disagreement_ranking(L, top=L.n_rows)
        order = ranked[~pd.Series(keys[ranked]).duplicated().to_numpy()][:top]
        counts = pd.Series(keys).value_counts()
        copies = counts.reindex(keys[order]).to_numpy()
    if len(order) == 0:
        return '<p class="note">No row has conflicting votes.</p>'

    def name(c: int) -> str:
        return str(class_names[c]) if class_names is not None and 0 <= c < len(class_names) else str(c)

    sub = L[order]
    dense = sub.to_dense()
    shown = text_col is not None  # a column named 0 is a text column too
    header = ["id"] + ([str(text_col), "rows with this text"] if shown else []) + ["votes"]
    header += (["model label", "confidence"] if probs is not None else []) + (["gold"] if y is not None else [])
    rows = []
    for r, pos in enumerate(order):
        row_id = L.index[pos]
        votes = ", ".join(f"{L.lf_names[j]}={name(int(v))}" for j, v in enumerate(dense[r]) if v >= 0)
        cells = [html.escape(str(row_id))]
        if shown:
            text = str(data.loc[row_id, text_col])
            cells.append(f'<span title="{html.escape(text)}">{html.escape(text[:300])}</span>')
            cells.append(str(int(copies[r])))
        cells.append(html.escape(votes))
        if probs is not None:
            label = int(probs_to_preds(probs[pos: pos + 1], tie_break="abstain")[0])
            cells += ["tie" if label < 0 else html.escape(name(label)), f"{float(np.max(probs[pos])):.2f}"]
        if y is not None:
            cells.append("-" if y[pos] < 0 else html.escape(name(int(y[pos]))))
        rows.append("<tr>" + "".join(
            f'<td class="text">{c}</td>' if shown and i == 1 else f"<td>{c}</td>" for i, c in enumerate(cells)
        ) + "</tr>")
    note = "" if data is not None else '<p class="note">Pass the data (--data) to see each row\'s text.</p>'
    head = "<tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in header) + "</tr>"
    return f"{note}<table>{head}{''.join(rows)}</table>"


def report(
    path: str | Path,
    L: Any,
    model: Any = None,
    Y: Any = None,
    data: pd.DataFrame | None = None,
    class_names: Sequence[str] | None = None,
    title: str = "weaksup report",
    text_column: str | None = None,
    top: int = 20,
    L_dev: Any = None,
    Y_dev: Any = None,
    notes: Sequence[str] = (),
) -> Path:
    """Write a self-contained HTML report of the LFs in ``L`` (and a fitted label ``model``) to ``path``.

    The page holds the LF summary table; coverage, overlap and conflict per LF; a heat
    map of pairwise LF agreement; learned vs empirical LF accuracies and the class
    balance (with a model or gold labels); the model's calibration (reliability diagram)
    on the dev split ``L_dev``/``Y_dev`` when given, else on the gold rows of ``L``; and the rows the LFs disagree on most, with their text when ``data``
    (a DataFrame indexed by the same row ids as ``L``) is given. Figures are PNGs
    inlined as base64, so the file can be mailed or archived on its own.

    Parameters
    ----------
    path : str or Path
        Output ``.html`` file.
    L : LabelMatrix, dense int array or scipy sparse
    model : fitted label model, optional
    Y : array-like or pandas.Series, optional
        Gold labels aligned to ``L`` (``-1`` = unknown).
    data : pandas.DataFrame, optional
        The labeled rows, for the disagreement examples' text.
    class_names : sequence of str, optional
    title : str
    text_column : str, optional
        Column of ``data`` to show; default ``text`` or the first string column.
    top : int
        How many contested rows to list.
    L_dev, Y_dev : label matrix and gold labels of a dev split, optional
        Same LFs as ``L``; used for the calibration diagram and empirical accuracies.
    notes : sequence of str
        Lines shown at the top of the page (e.g. how the model was obtained).

    Examples
    --------
    >>> import tempfile, os
    >>> from weaksup.models import MajorityVoter
    >>> L = np.array([[0, 1], [1, 1], [-1, 0]])
    >>> p = report(os.path.join(tempfile.mkdtemp(), "r.html"), L, model=MajorityVoter().fit(L), Y=[0, 1, 0])
    >>> p.read_text().count("data:image/png;base64,")
    5
    """
    path = user_path(path)  # ~ is the home folder, as where the page is written, so the path returned is real
    if path.is_dir():  # else a raw IsADirectoryError after the whole page was built
        raise ParameterError(f"report path {str(path)!r} is a folder; name the .html file to write, e.g. "
                             f"{str(path / 'report.html')!r}")
    page = build_report(L, model=model, Y=Y, data=data, class_names=class_names, title=title,
                        text_column=text_column, top=top, notes=notes, L_dev=L_dev, Y_dev=Y_dev)
    with atomic_path(path) as tmp:  # renamed into place when complete: never a half-written page
        tmp.write_text(page, encoding="utf-8")
    return path
