"""Label Studio round trip: rows to hand-label out as tasks, people's labels back in.

:func:`label_config` writes the labeling config of a text classification project,
:func:`export_label_studio` writes Label Studio's JSON *import* format (one task a row, with the
label model's guess as a prediction and the active-learning priority), and
:func:`read_label_studio` reads the project's JSON, JSON-MIN or CSV *export* back as gold labels
or as a long annotations table (:meth:`weaksup.LabelMatrix.from_annotations`, annotators as LFs;
the reading side is :mod:`weaksup.annotate.label_studio_read`).

Row ids travel as text in the task data (``weaksup_id``) with their type beside them
(``weaksup_id_type``: ``str``, ``int``, ``float`` or ``bool``), because Label Studio's CSV
export has no types and ``007`` must not come back as ``7``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

import numpy as np
import pandas as pd

from weaksup._files import atomic_path, check_not_input, user_path
from weaksup._validation import columns_in_class_order, names_list
from weaksup.errors import DataFileError, ModelInputError, ParameterError
from weaksup.matrix import LabelMatrix, as_label_matrix
from weaksup.utils import check_probs

ID_FIELD = "weaksup_id"
PRIORITY_FIELD = "weaksup_priority"
SCORE_FIELD = "weaksup_suggestion_score"
VOTES_FIELD = "weaksup_lf_votes"
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")  # what a $variable in a Label Studio config may be


class LabelStudioFileError(DataFileError):
    """A Label Studio export cannot be read as labels: an unknown class, a missing row id, a bad record."""


def _check_name(value: str, what: str) -> str:
    if not isinstance(value, str) or not _NAME.fullmatch(value):
        raise ParameterError(f"{what} must be a name of letters, digits and '_' (Label Studio reads it as "
                             f"${value}), got {value!r}")
    return value


def _check_classes(class_names: Sequence[Any]) -> list[str]:
    names = names_list(class_names, ParameterError)  # list("SPAM") would be the classes S, P, A, M
    if not names or any(not isinstance(c, str) or not c for c in names) or len(set(names)) != len(names):
        raise ParameterError(f"class_names must be distinct non-empty strings, got {names!r}")
    return names


def label_config(class_names: Sequence[str], text_column: str = "text", from_name: str = "label",
                 to_name: str = "text") -> str:
    """The labeling config (XML) of a Label Studio project: pick one class for a text field.

    Parameters
    ----------
    class_names : sequence of str
        The classes, in class-id order (class ``i`` is ``class_names[i]``).
    text_column : str
        The task data field shown to the labeler (a column of the exported data).
    from_name, to_name : str
        Names of the ``Choices`` and ``Text`` tags; :func:`export_label_studio` and
        :func:`read_label_studio` must be given the same.

    Returns
    -------
    str
        The XML to paste into (or send as ``label_config`` to) a new project.

    Examples
    --------
    >>> print(label_config(["HAM", "SPAM"]))
    <View>
      <Text name="text" value="$text"/>
      <Choices name="label" toName="text" choice="single" showInline="true" required="false">
        <Choice value="HAM"/>
        <Choice value="SPAM"/>
      </Choices>
    </View>
    """
    names = _check_classes(class_names)
    _check_name(text_column, "text_column")
    _check_name(from_name, "from_name")
    _check_name(to_name, "to_name")
    choices = "\n".join(f"    <Choice value={quoteattr(c)}/>" for c in names)
    # required="false": a labeler may submit without a choice; such a task reads back as unlabeled
    return (f'<View>\n  <Text name="{to_name}" value="${text_column}"/>\n'
            f'  <Choices name="{from_name}" toName="{to_name}" choice="single" showInline="true" required="false">\n'
            f"{choices}\n  </Choices>\n</View>")


def _encode_id(value: Any, row: int) -> tuple[str, str]:
    """A row id as (text, type) that :func:`_decode_id` turns back into the same value."""
    if isinstance(value, (bool, np.bool_)):
        return ("True" if value else "False"), "bool"
    if isinstance(value, (int, np.integer)):
        return str(int(value)), "int"
    if isinstance(value, (float, np.floating)) and math.isfinite(value):
        return repr(float(value)), "float"
    if isinstance(value, str):
        return value, "str"
    raise ModelInputError(f"row {row}: row id {value!r} ({type(value).__name__}) cannot travel through Label "
                          "Studio; use strings, integers, finite floats or booleans (e.g. index.astype(str))")


def _decode_id(text: Any, kind: Any, where: str) -> Any:
    if kind is None or kind == "":  # an id field not written by export_label_studio: as the file has it
        return text
    try:
        if kind == "str":
            return str(text)
        if kind == "int":
            # int(7.5) would be 7 and int(True) 1: another row's id; only whole numbers (or their text) read
            if isinstance(text, bool) or (isinstance(text, float) and not text.is_integer()):
                raise ValueError(text)
            return int(text)
        if kind == "float":
            return float(text)
        if kind == "bool" and str(text) in ("True", "False"):
            return str(text) == "True"
    except (TypeError, ValueError):
        pass
    raise LabelStudioFileError(f"{where}: cannot read the row id {text!r} as type {kind!r}")


def _json_value(value: Any) -> Any:
    """A data cell as JSON: NumPy scalars as Python ones, missing values as null."""
    if isinstance(value, np.generic):
        value = value.item()
    # JSON has no NaN or Infinity (Label Studio refuses the file): missing and infinite cells are null
    if value is None or (isinstance(value, float) and not math.isfinite(value)) or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (str, int, float, bool)):
        return value
    return str(value)  # timestamps and other objects: their text


def export_label_studio(
    path: str | Path,
    data: pd.DataFrame,
    probs: Any = None,
    L: Any = None,
    *,
    class_names: Sequence[str],
    text_column: str = "text",
    columns: Sequence[str] | None = None,
    priority: Any = None,
    model_version: str = "weaksup",
    from_name: str = "label",
    to_name: str = "text",
    inputs: Sequence[str | Path] = (),
) -> list[dict[str, Any]]:
    """Write rows as Label Studio tasks (its JSON import format), with the label model's predictions.

    Each task's ``data`` holds ``text_column`` (and any other ``columns``), the row id as text
    (``weaksup_id``) and its type (``weaksup_id_type``), so :func:`read_label_studio` restores
    ids exactly (``"007"`` stays a string, ``7`` an integer, a mix stays a mix). With ``probs``,
    each task gets one prediction: the most likely class, scored by its probability (Label
    Studio shows it pre-selected and can sort tasks by it). With ``priority`` (the
    :class:`~weaksup.quality.LabelSuggestions` of :func:`weaksup.suggest_labels`, or row ids
    best first), only those rows are written, best first, with ``weaksup_priority`` (1 = label
    first) and ``weaksup_suggestion_score`` in the data: sort the project's Data Manager by
    ``weaksup_priority`` to label in that order. With ``L``, ``weaksup_lf_votes`` lists each
    row's non-abstain LF votes (``lf: class``).

    Parameters
    ----------
    path : str or Path
        The ``.json`` file to write (atomically; never over one of ``inputs``).
    data : pandas.DataFrame
        The rows, indexed by their row ids (unique strings, integers, floats or booleans).
    probs : array (len(data), k), optional
        Probabilities aligned with ``data``'s rows (and with ``L``'s, when given); a DataFrame indexed
        by ``data``'s row ids is lined up by id, one indexed by other ids is refused.
    L : LabelMatrix or array, optional
        The LF votes of the same rows (a LabelMatrix's ids must equal ``data.index``; an array's rows
        are ``data``'s, in order).
    class_names : sequence of str
        Class ``i``'s name, as in :func:`label_config`.
    text_column : str
        The column shown to labelers.
    columns : sequence of str, optional
        Other columns to copy into the task data (missing cells as null).
    priority : LabelSuggestions or sequence of row ids, optional
        Which rows to export, best first.
    model_version : str
        The predictions' ``model_version`` (Label Studio groups predictions by it).
    from_name, to_name : str
        The tag names of :func:`label_config`.
    inputs : sequence of paths
        Files ``path`` must not overwrite (e.g. the data file).

    Returns
    -------
    list of dict
        The tasks written (also what Label Studio's import API takes).

    Examples
    --------
    >>> import os, tempfile, numpy as np, pandas as pd
    >>> data = pd.DataFrame({"text": ["win cash", "see you at 5"]}, index=pd.Index(["007", "8"], name="id"))
    >>> probs = np.array([[0.2, 0.8], [0.9, 0.1]])
    >>> p = os.path.join(tempfile.mkdtemp(), "tasks.json")
    >>> tasks = export_label_studio(p, data, probs, class_names=["HAM", "SPAM"])
    >>> tasks[0]["data"]
    {'text': 'win cash', 'weaksup_id': '007', 'weaksup_id_type': 'str'}
    >>> tasks[0]["predictions"][0]["result"][0]["value"], tasks[0]["predictions"][0]["score"]
    ({'choices': ['SPAM']}, 0.8)
    """
    names = _check_classes(class_names)
    for value, what in ((text_column, "text_column"), (from_name, "from_name"), (to_name, "to_name")):
        _check_name(value, what)
    check_not_input(path, *inputs, what="Label Studio tasks file")
    if user_path(path).is_dir():
        raise ParameterError(f"cannot write Label Studio tasks to {str(path)!r}: it is a folder; give a .json file path")
    if not isinstance(data, pd.DataFrame):
        raise ParameterError(f"data must be a pandas DataFrame indexed by row ids, got {type(data).__name__}")
    columns = [columns] if isinstance(columns, str) else columns  # one column name, not its letters
    keep = [text_column, *[c for c in (columns or []) if c != text_column]]
    missing = [c for c in keep if c not in data.columns]
    if missing:
        raise ParameterError(f"data has no column(s) {missing}; its columns are {list(data.columns)[:20]}")
    reserved = [c for c in keep if str(c).startswith("weaksup_")]
    if reserved:
        raise ParameterError(f"columns {reserved} would clash with the fields weaksup adds (weaksup_*)")
    # JSON-MIN and CSV exports put the data fields and the annotation's fields in one record: a data column
    # named like the Choices tag would read back as a person's label (on tasks nobody labeled, it is the label)
    clash = [c for c in keep if c in (from_name, "annotator", "annotation_id")]
    if clash:
        raise ParameterError(f"column(s) {clash} would clash with the fields of Label Studio's JSON-MIN / CSV "
                             f"export (the choice of tag {from_name!r}, 'annotator', 'annotation_id'): their "
                             "values would read back as annotations; rename them, e.g. data.rename(columns=...)")
    index = data.index
    if not index.is_unique:
        dup = index[index.duplicated()][0]
        raise ModelInputError(f"data's row ids must be unique; {dup!r} repeats")
    P = None
    if probs is not None:
        own = getattr(probs, "index", None)  # a DataFrame of probabilities carries its own row ids
        if isinstance(own, pd.Index) and not isinstance(own, pd.RangeIndex) and not own.equals(index):
            if len(own) != len(index) or not own.is_unique or not own.isin(index).all():
                raise ModelInputError("probs is a DataFrame whose index is not data's row ids: its rows would be "
                                      "exported as other rows' predictions; pass probs.loc[data.index] or an array")
            probs = probs.loc[index]  # the same ids in another order: lined up by id
        # columns named by class id (1, 0) or by class name, in another order: column j is not class j
        P = check_probs(columns_in_class_order(probs, names), name="probs")
        if len(P) != len(data):
            raise ModelInputError(f"probs has {len(P)} rows but data has {len(data)}")
        if P.shape[1] != len(names):
            raise ModelInputError(f"probs has {P.shape[1]} classes but class_names names {len(names)}")
    votes = None
    if L is not None:
        Lm = as_label_matrix(L)
        has_ids = isinstance(L, (LabelMatrix, pd.DataFrame))  # a NumPy or sparse array (Snorkel's L) has none
        dense = Lm.to_dense()
        if has_ids and Lm.n_rows == len(data) and not Lm.index.equals(index) and Lm.index.is_unique \
                and Lm.index.isin(index).all():
            dense = dense[Lm.index.get_indexer(index)]  # the same ids in another order: lined up by id
        elif Lm.n_rows != len(data) or (has_ids and not Lm.index.equals(index)):
            raise ModelInputError(f"L's row ids must equal data.index (L has {Lm.n_rows} rows, data {len(data)}; "
                                  f"e.g. L's {Lm.index[:3].tolist()} vs data's {index[:3].tolist()}): its votes "
                                  "would be exported as other rows'")
        if dense.max(initial=-1) >= len(names):
            raise ModelInputError(f"L holds class {int(dense.max())}, beyond class_names {names}")
        votes = [", ".join(f"{lf}: {names[v]}" for lf, v in zip(Lm.lf_names, row, strict=True) if v >= 0)
                 for row in dense]

    positions, scores = _priority_rows(priority, index)
    tasks = []
    cells = {c: data[c].tolist() for c in keep}  # Python values once, not a pandas lookup per cell
    for rank, pos in enumerate(positions):
        text, kind = _encode_id(index[pos], pos)
        record = {c: _json_value(cells[c][pos]) for c in keep}
        record.update({ID_FIELD: text, ID_FIELD + "_type": kind})
        if scores is not None:
            record[PRIORITY_FIELD] = rank + 1
            if not np.isnan(scores[rank]):
                record[SCORE_FIELD] = float(scores[rank])
        if votes is not None:
            record[VOTES_FIELD] = votes[pos]
        task: dict[str, Any] = {"data": record}
        if P is not None:
            c = int(P[pos].argmax())
            task["predictions"] = [{"model_version": model_version, "score": float(P[pos, c]),
                                    "result": [{"from_name": from_name, "to_name": to_name, "type": "choices",
                                                "value": {"choices": [names[c]]}}]}]
        tasks.append(task)
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(tasks, ensure_ascii=False, indent=1), encoding="utf-8")
    return tasks


def _priority_rows(priority: Any, index: pd.Index) -> tuple[list[int], np.ndarray | None]:
    """Positions of the rows to export (best first) and their suggestion scores (NaN where unknown)."""
    if priority is None:
        return list(range(len(index))), None
    if isinstance(priority, str) or not pd.api.types.is_list_like(getattr(priority, "ids", priority)):
        priority = [priority]  # one row id: list("r12") would be the ids "r", "1", "2"
    ids = list(getattr(priority, "ids", priority))
    raw = getattr(priority, "scores", None)
    scores = np.full(len(ids), np.nan) if raw is None else np.asarray(raw, dtype=float)
    if len(scores) != len(ids):
        raise ModelInputError(f"priority has {len(ids)} ids but {len(scores)} scores")
    positions = []
    for rank, row_id in enumerate(ids):
        found = int(index.get_indexer([row_id])[0])
        # "7" must not find 7, nor True find 1: an id matches only one of its own type
        if found < 0 or _encode_id(index[found], found)[1] != _encode_id(row_id, rank)[1]:
            raise ModelInputError(f"priority's row id {row_id!r} (rank {rank + 1}) is not in data.index")
        positions.append(found)
    if len(set(positions)) != len(positions):
        raise ModelInputError("priority names a row id twice")
    return positions, scores
