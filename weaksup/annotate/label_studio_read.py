"""Label Studio exports back in: JSON, JSON-MIN and CSV, as gold labels or as annotations.

What Label Studio 1.23 writes (checked against a real server; ``tests/annotate/data``): the JSON
export is a list of tasks, each with its ``data`` and ``annotations`` (``completed_by``, the
user's id; ``was_cancelled`` for a skipped task; ``result``, the choices). JSON-MIN and CSV have
one flat record per annotation: the task's data fields, ``id`` (the task), ``annotator``,
``annotation_id`` and one field per tag (``label``: the class name); a task nobody annotated is one
record without an annotator, and a task whose only annotation was skipped is left out.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from weaksup._files import user_path
from weaksup.annotate.label_studio import ID_FIELD, LabelStudioFileError, _check_classes, _decode_id
from weaksup.errors import MissingFileError, ParameterError

POLICIES = ("majority", "unanimous", "error")


# reading exports ------------------------------------------------------------------------------------
def read_label_studio(
    path: str | Path,
    class_names: Sequence[str],
    *,
    kind: str = "gold",
    from_name: str = "label",
    id_field: str = ID_FIELD,
    multiple: str = "majority",
    file_format: str | None = None,
) -> pd.Series | pd.DataFrame:
    """Read a Label Studio export (JSON, JSON-MIN or CSV) back as gold labels or annotations.

    Tasks are matched to rows by ``id_field`` in their data (written by
    :func:`export_label_studio`, which records the id's type, so ``"007"`` and ``7`` come back
    as they went out; another data field may be named, and is then read as the file holds it:
    text in CSV). A skipped (cancelled) annotation, one submitted without a choice, and a task
    nobody annotated are unlabeled.

    Parameters
    ----------
    path : str or Path
        The export: ``.csv`` is Label Studio's CSV; ``.json`` its JSON (tasks with
        ``annotations``) or JSON-MIN (one flat record per annotation), told apart by content.
    class_names : sequence of str
        Class ``i``'s name, as given to :func:`label_config`; any other choice is an error.
    kind : {"gold", "annotations"}
        ``"gold"``: a Series of class ids indexed by row id, ``-1`` where unlabeled (tasks a
        JSON-MIN or CSV export leaves out are absent). ``"annotations"``: a long table
        ``item, annotator, label`` (class ids; one row per person and task, their latest
        annotation; skipped and empty ones left out) for
        ``LabelMatrix.from_annotations(table, cardinality=len(class_names))``.
    from_name : str
        The ``Choices`` tag to read (its ``name`` in :func:`label_config`).
    id_field : str
        The task data field holding the row id.
    multiple : {"majority", "unanimous", "error"}
        Gold when several annotators labeled a task: ``"majority"`` takes the label most of
        them gave (a tie is unlabeled, ``-1``), ``"unanimous"`` only a label all gave,
        ``"error"`` raises on any disagreement. One annotator's later annotation of the same
        task replaces their earlier one.
    file_format : {"json", "json-min", "csv"}, optional
        Overrides what the suffix and content say.

    Returns
    -------
    pandas.Series or pandas.DataFrame

    Examples
    --------
    >>> import os, tempfile, json
    >>> task = {"id": 1, "data": {"text": "win cash", "weaksup_id": "007", "weaksup_id_type": "str"},
    ...         "annotations": [{"completed_by": 1, "was_cancelled": False, "result": [
    ...             {"from_name": "label", "to_name": "text", "type": "choices", "value": {"choices": ["SPAM"]}}]}]}
    >>> p = os.path.join(tempfile.mkdtemp(), "export.json")
    >>> _ = open(p, "w").write(json.dumps([task]))
    >>> read_label_studio(p, ["HAM", "SPAM"]).to_dict()
    {'007': 1}
    >>> read_label_studio(p, ["HAM", "SPAM"], kind="annotations").values.tolist()
    [['007', '1', 1]]
    """
    names = _check_classes(class_names)
    if kind not in ("gold", "annotations"):
        raise ParameterError(f"kind must be 'gold' or 'annotations', got {kind!r}")
    if multiple not in POLICIES:
        raise ParameterError(f"multiple must be one of {POLICIES}, got {multiple!r}")
    path = user_path(path)
    if not path.exists():
        raise MissingFileError(f"{path} does not exist")
    if path.is_dir():
        raise ParameterError(f"{path} is a folder; give the export file (.json or .csv) Label Studio wrote")
    fmt = file_format or ("csv" if path.suffix.lower() == ".csv" else None)
    if fmt == "csv":
        try:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)  # every cell as written: ids stay text
        except pd.errors.EmptyDataError:
            raise LabelStudioFileError(f"{path} is empty: a Label Studio CSV export has a header row") from None
        tasks, annotations = _read_flat(path, frame.to_dict("records"), names, from_name, id_field, csv=True)
    elif fmt in (None, "json", "json-min"):
        try:
            records = json.loads(path.read_text(encoding="utf-8-sig"))  # -sig: a byte-order mark is not JSON
        except ValueError as exc:
            raise LabelStudioFileError(f"{path} is not valid JSON: {exc}") from exc
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            raise LabelStudioFileError(f"{path}: a Label Studio export is a JSON list of objects")
        full = fmt == "json" or (fmt is None and bool(records) and all("data" in r for r in records))
        reader = _read_full if full else _read_flat
        tasks, annotations = reader(path, records, names, from_name, id_field)
    else:
        raise ParameterError(f"file_format must be 'json', 'json-min' or 'csv', got {file_format!r}")
    if kind == "annotations":
        latest = {(type(t).__name__, t, who): (t, who, lab) for t, who, lab in annotations}  # later replaces
        rows = [(t, who, names.index(lab)) for t, who, lab in latest.values() if lab is not None]
        return pd.DataFrame({"item": pd.Series([r[0] for r in rows], dtype=None if rows else object),
                             "annotator": pd.Series([r[1] for r in rows], dtype=str),
                             "label": pd.Series([r[2] for r in rows], dtype=np.int64)})
    return _gold(path, tasks, annotations, names, multiple)


def _gold(path: Path, tasks: list[Any], annotations: list[tuple[Any, str, str | None]], names: list[str],
          multiple: str) -> pd.Series:
    # keyed by (type, id) as the tasks are told apart: 1, 1.0 and True are equal keys of a dict, not one row
    latest: dict[Any, dict[str, str | None]] = {(type(t).__name__, t): {} for t in tasks}
    for row_id, who, label in annotations:
        latest[(type(row_id).__name__, row_id)][who] = label  # in order: a later annotation by the same person wins
    gold = []
    for row_id in tasks:
        labels = [lab for lab in latest[(type(row_id).__name__, row_id)].values() if lab is not None]
        counts = pd.Series(labels, dtype=object).value_counts()
        if counts.empty:
            gold.append(-1)
            continue
        if len(counts) > 1 and multiple == "error":
            raise LabelStudioFileError(f"{path}: row id {row_id!r}: annotators disagree ({ {k: int(v) for k, v in counts.items()} }); "
                                       "pass multiple='majority' or 'unanimous' to resolve")
        top = counts[counts == counts.iloc[0]]
        ok = len(top) == 1 and (multiple != "unanimous" or len(counts) == 1)
        gold.append(names.index(top.index[0]) if ok else -1)
    index = pd.Index(tasks) if tasks else pd.Index([], dtype=object)
    return pd.Series(np.array(gold, dtype=np.int64), index=index.rename("id"), name="gold")


def _task_id(where: str, data: dict[str, Any], id_field: str) -> Any:
    text = data.get(id_field)
    if isinstance(text, (dict, list)):  # not an id (and unhashable: it could not index the labels)
        raise LabelStudioFileError(f"{where}: data field {id_field!r} holds {text!r:.60}, not a row id")
    if text is None or text == "":
        raise LabelStudioFileError(f"{where} has no row id in data field {id_field!r} (its fields are "
                                   f"{sorted(data)[:20]}); was it exported by export_label_studio? "
                                   "else pass id_field=")
    return _decode_id(text, data.get(id_field + "_type"), where)


def _choice(where: str, value: Any, names: list[str], kind: Any = "choices") -> str | None:
    """One annotation's class name from its choices (None when it has none)."""
    if isinstance(value, dict):
        if "choices" not in value and value:  # a Labels (span), Taxonomy, Rating ... result: never read as no label
            shown = kind if kind not in (None, "choices") else next(
                (k for k in ("labels", "taxonomy", "rating", "text") if k in value), "/".join(sorted(map(str, value))))
            raise LabelStudioFileError(f"{where}: a {shown!r} result, not choices; read_label_studio reads the "
                                       "classes of a Choices tag (one per task), e.g. the config of label_config()")
        value = value.get("choices")
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, list):
        if len(value) != 1:
            raise LabelStudioFileError(f"{where}: {len(value)} choices {value!r}; one class per task is needed "
                                       '(choice="single" in the config)')
        value = value[0]
    if isinstance(value, dict):  # JSON-MIN / CSV: a Labels tag's spans, [{"start": ..., "labels": [...]}]
        return _choice(where, value, names, kind=None)
    if value not in names:
        raise LabelStudioFileError(f"{where}: the choice {value!r} is not one of class_names {names}")
    return value


def _read_full(path: Path, records: list[dict[str, Any]], names: list[str], from_name: str,
               id_field: str) -> tuple[list[Any], list[tuple[Any, str, str | None]]]:
    tasks, annotations, seen = [], [], set()
    used, tags = False, set()  # whether any annotation has a result of from_name; the tags results have
    for number, task in enumerate(records, 1):
        where = f"{path}: task {task.get('id', f'#{number}')}"
        if not isinstance(task.get("data"), dict):
            raise LabelStudioFileError(f"{where} has no 'data' object")
        row_id = _task_id(where, task["data"], id_field)
        key = (type(row_id).__name__, row_id)
        if key in seen:
            raise LabelStudioFileError(f"{where}: row id {row_id!r} appears in two tasks")
        seen.add(key)
        tasks.append(row_id)
        anns = task.get("annotations") or []
        if not isinstance(anns, list) or not all(isinstance(a, dict) for a in anns):
            raise LabelStudioFileError(f"{where}: 'annotations' must be a list of objects, got {anns!r:.80}")
        for ann in anns:
            results = ann.get("result") or []
            if not isinstance(results, list) or not all(isinstance(r, dict) for r in results):
                raise LabelStudioFileError(f"{where} (annotation {ann.get('id')}): 'result' must be a list of "
                                           f"objects, got {results!r:.80}")
            who = ann.get("completed_by")
            who = str(who.get("email", who.get("id")) if isinstance(who, dict) else who)
            if ann.get("was_cancelled"):
                annotations.append((row_id, who, None))
                continue
            picks = [r for r in results if r.get("from_name") == from_name]
            others = sorted({str(r.get("from_name")) for r in results
                             if r.get("type") == "choices"} - {from_name})
            if others and not picks:  # a project whose Choices tag has another name: never silently unlabeled
                raise LabelStudioFileError(f"{where} (annotation {ann.get('id')}): choices of tag(s) {others}, "
                                           f"none of from_name={from_name!r}; pass from_name=")
            label = _choice(f"{where} (annotation {ann.get('id')})", picks[0].get("value"), names,
                            picks[0].get("type")) if picks else None
            annotations.append((row_id, who, label))
            used = used or bool(picks)
            tags.update(str(r.get("from_name")) for r in results)
    if tags and not used:  # results in the file, none of from_name (a Labels or Taxonomy tag of another name ...)
        raise LabelStudioFileError(f"{path}: the annotations hold results of tag(s) {sorted(tags)[:10]}, none of "
                                   f"from_name={from_name!r}; pass from_name= (the Choices tag's name)")
    return tasks, annotations


def _read_flat(path: Path, records: list[dict[str, Any]], names: list[str], from_name: str,
               id_field: str, csv: bool = False) -> tuple[list[Any], list[tuple[Any, str, str | None]]]:
    """JSON-MIN and CSV: one record per annotation (data fields, Label Studio's keys, one key per tag)."""
    tasks, annotations, seen, known = [], [], {}, set()
    for number, record in enumerate(records, 1):
        where = f"{path}: {'row' if csv else 'record'} {number} (task {record.get('id', '?')})"
        row_id = _task_id(where, record, id_field)
        key = (type(row_id).__name__, row_id)
        task_key = record.get("id", key)
        if seen.setdefault(key, task_key) != task_key:
            raise LabelStudioFileError(f"{where}: row id {row_id!r} appears in two tasks")
        if key not in known:
            known.add(key)
            tasks.append(row_id)
        value = record.get(from_name)
        if csv and isinstance(value, str) and value.startswith("{"):
            try:  # several choices: the CSV cell holds their JSON
                value = json.loads(value)
            except ValueError:
                pass
        who = record.get("annotator")
        annotations.append((row_id, "" if who is None else str(who), _choice(where, value, names)))
    # Label Studio writes a task's annotations newest first here (the JSON export: oldest first); "later"
    # is the higher annotation_id, so a person's re-annotation replaces their earlier one, not the reverse
    order = [_annotation_number(r.get("annotation_id")) for r in records]
    if all(o is not None for o in order):  # ids that are not numbers: the file's order
        first = {(type(t).__name__, t): i for i, t in enumerate(tasks)}  # tasks stay in the file's order
        keys = [(first[(type(a[0]).__name__, a[0])], o) for a, o in zip(annotations, order, strict=True)]
        annotations = [a for _, a in sorted(zip(keys, annotations, strict=True), key=lambda pair: pair[0])]
    annotated = any(r.get("annotation_id") not in (None, "") for r in records)
    if annotated and not any(from_name in r for r in records):
        raise LabelStudioFileError(f"{path}: annotations but no field {from_name!r} (the Choices tag's name); its "
                                   f"fields are {sorted({k for r in records for k in r})[:30]}; pass from_name=")
    return tasks, annotations


def _annotation_number(value: Any) -> float | None:
    """An annotation_id as a number to order by (-1 where absent: a task nobody annotated; None: not a number)."""
    if value is None or value == "":
        return -1.0
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if np.isfinite(number) and not isinstance(value, bool) else None
