"""Label Studio round trip: tasks out (import format), exports back in (JSON, JSON-MIN, CSV)."""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from weaksup import LabelMatrix
from weaksup.annotate import LabelStudioFileError, export_label_studio, label_config, read_label_studio
from weaksup.errors import ModelInputError, UnsafeOutputError, WeaksupError
from weaksup.quality import suggest_labels

CLASSES = ["HAM", "SPAM"]


# what a Label Studio server does with the tasks, written from its documented export formats --------
def _choice(label):
    return [{"from_name": "label", "to_name": "text", "type": "choices", "value": {"choices": [label]}}]


def _full_export(tasks, annotations):
    """JSON export: ``annotations`` maps a task's position to [(annotator, label or None, cancelled)]."""
    out = []
    for t, task in enumerate(tasks):
        anns = [{"id": 100 * t + a, "completed_by": who, "was_cancelled": cancelled,
                 "result": [] if cancelled or label is None else _choice(label)}
                for a, (who, label, cancelled) in enumerate(annotations.get(t, []))]
        out.append({"id": t + 1, "annotations": anns, "data": dict(task["data"]), "predictions": [t + 1], "meta": {}})
    return out


def _flat_export(tasks, annotations):
    """JSON-MIN / CSV records: one per annotation, data fields at the top, the choice under the tag's name."""
    out = []
    for t, task in enumerate(tasks):
        for a, (who, label, cancelled) in enumerate(annotations.get(t, [])):
            record = {**task["data"], "id": t + 1, "annotator": who, "annotation_id": 100 * t + a}
            if label is not None and not cancelled:
                record["label"] = label
            out.append(record)
    return out


def _write(tmp_path, name, records):
    p = tmp_path / name
    if name.endswith(".csv"):
        keys = sorted({k for r in records for k in r})
        with p.open("w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, keys)
            w.writeheader()
            w.writerows(records)
    else:
        p.write_text(json.dumps(records), encoding="utf-8")
    return p


def _frame(ids):
    return pd.DataFrame({"text": [f"message {i}" for i in range(len(ids))]}, index=pd.Index(ids, dtype=object))


@pytest.mark.parametrize("ids", [["007", "7", "1e3", "NA", " x"], [7, 8, -3, 2**62], ["007", 7, 7.5, True, "7"]],
                         ids=["strings", "ints", "mixed"])
@pytest.mark.parametrize("fmt", ["json", "json-min", "csv"])
def test_row_ids_round_trip_exactly(tmp_path, ids, fmt):
    data = _frame(ids)
    tasks = export_label_studio(tmp_path / "tasks.json", data, class_names=CLASSES)
    assert json.loads((tmp_path / "tasks.json").read_text()) == tasks
    labels = {t: [("1", CLASSES[t % 2], False)] for t in range(len(ids))}
    records = _full_export(tasks, labels) if fmt == "json" else _flat_export(tasks, labels)
    p = _write(tmp_path, "export.csv" if fmt == "csv" else "export.json", records)
    gold = read_label_studio(p, CLASSES)
    back = gold.index.tolist()
    assert [(type(v), v) for v in back] == [(type(v), v) for v in ids]
    assert gold.tolist() == [t % 2 for t in range(len(ids))]


def test_predictions_scores_and_priority_from_suggest_labels(tmp_path):
    data = _frame(["a", "b", "c", "d"])
    probs = np.array([[0.9, 0.1], [0.55, 0.45], [0.5, 0.5], [0.2, 0.8]])
    L = LabelMatrix.from_dense(np.array([[0, 0], [0, 1], [-1, -1], [1, -1]]), lf_names=["kw", "re"],
                               index=data.index)
    picks = suggest_labels(L, probs, 3, strategy="entropy")
    tasks = export_label_studio(tmp_path / "t.json", data, probs, L, class_names=CLASSES, priority=picks,
                                model_version="lm-1")
    assert [t["data"]["weaksup_id"] for t in tasks] == ["c", "b", "d"]  # best first, only the suggested rows
    assert [t["data"]["weaksup_priority"] for t in tasks] == [1, 2, 3]
    assert [t["data"]["weaksup_suggestion_score"] for t in tasks] == pytest.approx(picks.scores.tolist())
    assert [t["data"]["weaksup_lf_votes"] for t in tasks] == ["", "kw: HAM, re: SPAM", "kw: SPAM"]
    pred = tasks[1]["predictions"][0]
    assert pred["model_version"] == "lm-1" and pred["score"] == pytest.approx(0.55)
    assert pred["result"] == _choice("HAM")
    # a plain list of ids is a priority too; an id of another type is not found
    assert [t["data"]["weaksup_id"] for t in export_label_studio(tmp_path / "u.json", data, class_names=CLASSES,
                                                                  priority=["d", "a"])] == ["d", "a"]
    with pytest.raises(ModelInputError, match="'zz'"):
        export_label_studio(tmp_path / "u.json", data, class_names=CLASSES, priority=["zz"])
    with pytest.raises(ModelInputError, match="7"):
        export_label_studio(tmp_path / "u.json", _frame(["7"]), class_names=CLASSES, priority=[7])


def test_label_config_matches_the_exported_predictions():
    xml = label_config(['a "quoted" & <odd>', "SPAM"], text_column="body")
    root = ET.fromstring(xml)
    assert root.find("Text").attrib == {"name": "text", "value": "$body"}
    choices = root.find("Choices")
    assert choices.attrib["name"] == "label" and choices.attrib["toName"] == "text"
    assert [c.attrib["value"] for c in choices] == ['a "quoted" & <odd>', "SPAM"]
    with pytest.raises(WeaksupError, match="text_column"):
        label_config(CLASSES, text_column="my text")
    with pytest.raises(WeaksupError, match="class_names"):
        label_config(["A", "A"])


def test_partial_and_skipped_and_empty_annotations(tmp_path):
    tasks = export_label_studio(tmp_path / "t.json", _frame(["r0", "r1", "r2", "r3"]), class_names=CLASSES)
    ann = {0: [("1", "SPAM", False)], 1: [("1", None, True)], 2: [("1", None, False)]}  # 3: nobody
    p = _write(tmp_path, "e.json", _full_export(tasks, ann))
    assert read_label_studio(p, CLASSES).to_dict() == {"r0": 1, "r1": -1, "r2": -1, "r3": -1}
    table = read_label_studio(p, CLASSES, kind="annotations")
    assert table.to_dict("records") == [{"item": "r0", "annotator": "1", "label": 1}]
    # the flat exports have one record per annotation: a task nobody annotated is absent
    flat = _write(tmp_path, "e.csv", _flat_export(tasks, ann))
    assert read_label_studio(flat, CLASSES).to_dict() == {"r0": 1, "r1": -1, "r2": -1}


def test_several_annotators_policies_and_annotations_as_lfs(tmp_path):
    tasks = export_label_studio(tmp_path / "t.json", _frame(["a", "b", "c", "d"]), class_names=CLASSES)
    ann = {0: [("1", "SPAM", False), ("2", "SPAM", False), ("3", "HAM", False)],
           1: [("1", "SPAM", False), ("2", "HAM", False)],  # a tie
           2: [("1", "HAM", False), ("2", None, True)],  # one labeled, one skipped
           3: [("1", "HAM", False), ("1", "SPAM", False)]}  # the same person again: the later one counts
    p = _write(tmp_path, "e.json", _full_export(tasks, ann))
    assert read_label_studio(p, CLASSES).to_dict() == {"a": 1, "b": -1, "c": 0, "d": 1}
    assert read_label_studio(p, CLASSES, multiple="unanimous").to_dict() == {"a": -1, "b": -1, "c": 0, "d": 1}
    with pytest.raises(LabelStudioFileError, match="row id 'a'"):
        read_label_studio(p, CLASSES, multiple="error")
    table = read_label_studio(p, CLASSES, kind="annotations")
    L = LabelMatrix.from_annotations(table, cardinality=2, duplicates="error")  # one label per person and task
    assert L.lf_names == ["1", "2", "3"] and L.index.tolist() == ["a", "b", "c", "d"]
    assert L.to_dense().tolist() == [[1, 1, 0], [1, 0, -1], [0, -1, -1], [1, -1, -1]]


def test_majority_agrees_with_crowd_kit(tmp_path):
    crowdkit = pytest.importorskip("crowdkit.aggregation")
    rng = np.random.default_rng(0)
    ids = [f"{i:03d}" for i in range(40)]
    tasks = export_label_studio(tmp_path / "t.json", _frame(ids), class_names=CLASSES)
    ann = {t: [(str(w), CLASSES[int(rng.random() < 0.3 + 0.4 * (t % 2))], False) for w in range(3)]
           for t in range(40)}  # three annotators: never a tie
    table = read_label_studio(_write(tmp_path, "e.json", _full_export(tasks, ann)), CLASSES, kind="annotations")
    ours = read_label_studio(tmp_path / "e.json", CLASSES)
    peer = crowdkit.MajorityVote().fit_predict(table.rename(columns={"item": "task", "annotator": "worker"}))
    assert ours.to_dict() == peer.to_dict()


def test_bad_files_name_the_task_and_value(tmp_path):
    tasks = export_label_studio(tmp_path / "t.json", _frame(["a", "b"]), class_names=CLASSES)
    p = _write(tmp_path, "e.json", _full_export(tasks, {1: [("1", "EGGS", False)]}))
    with pytest.raises(LabelStudioFileError, match=r"task 2.*'EGGS'"):
        read_label_studio(p, CLASSES)
    p = _write(tmp_path, "e.csv", _flat_export(tasks, {1: [("1", "EGGS", False)]}))
    with pytest.raises(LabelStudioFileError, match=r"row 1 \(task 2\).*'EGGS'"):
        read_label_studio(p, CLASSES)
    export = _full_export(tasks, {0: [("1", "HAM", False)]})
    del export[0]["data"]["weaksup_id"]
    with pytest.raises(LabelStudioFileError, match="task 1 has no row id in data field 'weaksup_id'"):
        read_label_studio(_write(tmp_path, "f.json", export), CLASSES)
    export = _full_export(tasks, {})
    export[1]["data"].update(weaksup_id="x7", weaksup_id_type="int")
    with pytest.raises(LabelStudioFileError, match="task 2.*'x7'.*'int'"):
        read_label_studio(_write(tmp_path, "g.json", export), CLASSES)
    export = _full_export(tasks, {0: [("1", "HAM", False)]})
    export[0]["annotations"][0]["result"][0]["value"]["choices"] = ["HAM", "SPAM"]
    with pytest.raises(LabelStudioFileError, match="2 choices"):
        read_label_studio(_write(tmp_path, "h.json", export), CLASSES)
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(LabelStudioFileError, match="not valid JSON"):
        read_label_studio(tmp_path / "bad.json", CLASSES)


def test_export_refuses_bad_input_and_never_overwrites_an_input(tmp_path):
    data = _frame(["a", "b"])
    src = tmp_path / "data.csv"
    data.to_csv(src)
    with pytest.raises(UnsafeOutputError):
        export_label_studio(src, data, class_names=CLASSES, inputs=[src])
    with pytest.raises(ModelInputError, match="repeats"):
        export_label_studio(tmp_path / "t.json", _frame(["a", "a"]), class_names=CLASSES)
    with pytest.raises(ModelInputError, match="3 classes"):
        export_label_studio(tmp_path / "t.json", data, np.full((2, 3), 1 / 3), class_names=CLASSES)
    with pytest.raises(ModelInputError, match="row 1"):
        export_label_studio(tmp_path / "t.json", _frame(["a", None]), class_names=CLASSES)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.csv"]  # nothing half-written left behind
    tasks = export_label_studio(tmp_path / "t.json", data.assign(n=[np.inf, np.nan], d=[1, 2]), class_names=CLASSES,
                                columns=["n", "d"])
    assert [(t["data"]["n"], t["data"]["d"]) for t in tasks] == [(None, 1), (None, 2)]
    json.loads((tmp_path / "t.json").read_text(), parse_constant=lambda c: pytest.fail(f"{c} in the file"))


# files made with a real Label Studio 1.23.2 server (tests/annotate/data/README.md) ------------------
DATA = Path(__file__).parent / "data"
SERVER_GOLD = {True: -1, "r6": -1, 2.5: 1, "α 1": -1, "007": 1, "r7": -1, 7: -1, "7": -1}
SERVER_ANNOTATIONS = {(2.5, "1", 1), (2.5, "2", 1), ("007", "1", 1), ("7", "1", 0), ("7", "2", 1)}


@pytest.mark.parametrize("name", ["ls_export.json", "ls_export_min.json", "ls_export.csv"])
def test_real_server_exports(name):
    gold = read_label_studio(DATA / name, CLASSES)
    # the flat exports drop a task whose only annotation was skipped ('α 1'); the JSON export keeps it
    expected = {k: v for k, v in SERVER_GOLD.items() if name == "ls_export.json" or k != "α 1"}
    assert gold.to_dict() == expected
    assert {(type(k), k) for k in gold.index} == {(type(k), k) for k in expected}  # "7" and 7 stay two rows
    table = read_label_studio(DATA / name, CLASSES, kind="annotations")
    assert set(map(tuple, table.itertuples(index=False))) == SERVER_ANNOTATIONS
    L = LabelMatrix.from_annotations(table, cardinality=2)
    assert sorted(L.lf_names) == ["1", "2"] and L.n_rows == 3


def test_real_server_kept_the_exported_tasks():
    sent = json.loads((DATA / "tasks.json").read_text(encoding="utf-8"))
    stored = json.loads((DATA / "ls_export.json").read_text(encoding="utf-8"))
    assert [t["data"] for t in stored] == [t["data"] for t in sent]  # same data, same (priority) order
    root = ET.fromstring((DATA / "label_config.xml").read_text())
    assert [c.attrib["value"] for c in root.iter("Choice")] == CLASSES
    # the prediction each annotation was shown is ours
    shown = {a["prediction"]["score"] for t in stored for a in t["annotations"] if a.get("prediction")}
    assert shown <= {t["predictions"][0]["score"] for t in sent}


def test_a_choices_tag_of_another_name_is_an_error_not_silence(tmp_path):
    tasks = export_label_studio(tmp_path / "t.json", _frame(["a"]), class_names=CLASSES)
    export = _full_export(tasks, {0: [("1", "SPAM", False)]})
    export[0]["annotations"][0]["result"][0]["from_name"] = "sentiment"
    p = _write(tmp_path, "e.json", export)
    with pytest.raises(LabelStudioFileError, match="'sentiment'.*from_name"):
        read_label_studio(p, CLASSES)
    assert read_label_studio(p, CLASSES, from_name="sentiment").to_dict() == {"a": 1}
    flat = [{k.replace("label", "sentiment"): v for k, v in r.items()}
            for r in _flat_export(tasks, {0: [("1", "SPAM", False)]})]
    p = _write(tmp_path, "e.csv", flat)
    with pytest.raises(LabelStudioFileError, match="no field 'label'"):
        read_label_studio(p, CLASSES)
    assert read_label_studio(p, CLASSES, from_name="sentiment").to_dict() == {"a": 1}


def _span(from_name="label", label="SPAM"):
    return {"from_name": from_name, "to_name": "text", "type": "labels",
            "value": {"start": 0, "end": 4, "text": "mess", "labels": [label]}}


@pytest.mark.parametrize("from_name", ["label", "ner"])
def test_span_labels_instead_of_choices_are_an_error_not_unlabeled(tmp_path, from_name):
    """A project labeled with a Labels (span) tag, not Choices: every task would silently read as -1."""
    tasks = export_label_studio(tmp_path / "t.json", _frame(["a", "b"]), class_names=CLASSES)
    export = _full_export(tasks, {0: [("1", "SPAM", False)], 1: [("1", "HAM", False)]})
    for task in export:
        task["annotations"][0]["result"] = [_span(from_name)]
    p = _write(tmp_path, "e.json", export)
    with pytest.raises(LabelStudioFileError, match="'labels' result, not choices" if from_name == "label"
                       else "tag\\(s\\) \\['ner'\\].*from_name="):
        read_label_studio(p, CLASSES)
    flat = [{**r, "label": [_span()["value"]]} for r in _flat_export(tasks, {0: [("1", "SPAM", False)]})]
    with pytest.raises(LabelStudioFileError, match="record 1 .*'labels' result"):
        read_label_studio(_write(tmp_path, "m.json", flat), CLASSES)
    # a comment box beside the Choices tag is no reason to refuse: other results are fine when choices exist
    export = _full_export(tasks, {0: [("1", "SPAM", False)], 1: [("1", None, False)]})
    export[1]["annotations"][0]["result"] = [{"from_name": "note", "to_name": "text", "type": "textarea",
                                              "value": {"text": ["unsure"]}}]
    assert read_label_studio(_write(tmp_path, "n.json", export), CLASSES).to_dict() == {"a": 1, "b": -1}


def test_an_export_saved_with_a_byte_order_mark_reads(tmp_path):
    tasks = export_label_studio(tmp_path / "t.json", _frame(["007"]), class_names=CLASSES)
    p = tmp_path / "e.json"
    p.write_text(json.dumps(_full_export(tasks, {0: [("1", "SPAM", False)]})), encoding="utf-8-sig")  # Notepad
    assert read_label_studio(p, CLASSES).to_dict() == {"007": 1}


def test_probs_frame_in_another_row_order_is_lined_up_by_id_never_misaligned(tmp_path):
    data = _frame(["a", "b", "c"])
    probs = pd.DataFrame([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]], index=["c", "a", "b"])  # e.g. sorted by score
    tasks = export_label_studio(tmp_path / "t.json", data, probs, class_names=CLASSES)
    guess = {t["data"]["weaksup_id"]: t["predictions"][0]["result"][0]["value"]["choices"][0] for t in tasks}
    assert guess == {"a": "SPAM", "b": "HAM", "c": "HAM"}
    with pytest.raises(ModelInputError, match="not data's row ids"):
        export_label_studio(tmp_path / "t.json", data, probs.set_axis(["a", "b", "x"]), class_names=CLASSES)


def test_votes_as_a_numpy_array_follow_data_rows(tmp_path):
    data = _frame(["007", "x"])
    tasks = export_label_studio(tmp_path / "t.json", data, L=np.array([[1, -1], [-1, 0]]), class_names=CLASSES)
    assert [t["data"]["weaksup_lf_votes"] for t in tasks] == ["lf_0: SPAM", "lf_1: HAM"]
    with pytest.raises(ModelInputError, match="L's row ids must equal data.index"):
        export_label_studio(tmp_path / "t.json", data, L=LabelMatrix.from_dense([[1, -1], [-1, 0]]),
                            class_names=CLASSES)


@pytest.mark.parametrize("mangle, match", [
    (lambda t: t.update(annotations={"a": 1}), "'annotations' must be a list of objects"),
    (lambda t: t.update(annotations=["SPAM"]), "'annotations' must be a list of objects"),
    (lambda t: t["annotations"][0].update(result="SPAM"), "'result' must be a list of objects"),
    (lambda t: t["annotations"][0].update(result=["SPAM"]), "'result' must be a list of objects"),
    (lambda t: t["data"].update(weaksup_id={"a": 1}), "holds {'a': 1}, not a row id"),
    (lambda t: t["data"].update(weaksup_id=7.5, weaksup_id_type="int"), "7.5 as type 'int'"),
])
def test_a_malformed_export_is_a_typed_error_naming_the_task(tmp_path, mangle, match):
    tasks = export_label_studio(tmp_path / "t.json", _frame([1, 2]), class_names=CLASSES)
    export = _full_export(tasks, {0: [("1", "HAM", False)], 1: [("1", "SPAM", False)]})
    mangle(export[1])
    with pytest.raises(LabelStudioFileError, match=f"task 2.*{match}"):
        read_label_studio(_write(tmp_path, "e.json", export), CLASSES)


def test_class_names_as_one_string_and_folders_and_empty_files_are_refused(tmp_path):
    tasks = export_label_studio(tmp_path / "t.json", _frame(["a"]), class_names=CLASSES)
    p = _write(tmp_path, "e.json", _full_export(tasks, {0: [("1", "HAM", False)]}))
    with pytest.raises(WeaksupError, match="the string 'HAM'"):  # not the classes H, A, M
        read_label_studio(p, "HAM")
    with pytest.raises(WeaksupError, match="the string 'SPAM'"):
        label_config("SPAM")
    with pytest.raises(WeaksupError, match="folder"):
        read_label_studio(tmp_path, CLASSES)
    with pytest.raises(WeaksupError, match="folder"):
        export_label_studio(tmp_path, _frame(["a"]), class_names=CLASSES)
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(LabelStudioFileError, match="empty"):
        read_label_studio(tmp_path / "empty.csv", CLASSES)


def test_votes_with_the_same_ids_in_another_order_are_lined_up_by_id(tmp_path):
    data = _frame(["x", "y", "z"])
    L = LabelMatrix.from_dense(np.array([[0, 1], [1, -1], [-1, -1]]), lf_names=["p", "q"], index=["z", "y", "x"])
    tasks = export_label_studio(tmp_path / "t.json", data, L=L, class_names=CLASSES, columns="text")
    assert {t["data"]["weaksup_id"]: t["data"]["weaksup_lf_votes"] for t in tasks} == {
        "x": "", "y": "p: SPAM", "z": "p: HAM, q: SPAM"}
    tasks = export_label_studio(tmp_path / "t.json", data.assign(n=[1, 2, 3]), class_names=CLASSES, columns="n")
    assert [t["data"]["n"] for t in tasks] == [1, 2, 3]  # one column named by a string, not its letters


def test_a_disagreement_error_shows_plain_counts(tmp_path):
    tasks = export_label_studio(tmp_path / "t.json", _frame(["a"]), class_names=CLASSES)
    p = _write(tmp_path, "e.json", _full_export(tasks, {0: [("1", "HAM", False), ("2", "SPAM", False)]}))
    with pytest.raises(LabelStudioFileError, match=r"\{'HAM': 1, 'SPAM': 1\}"):
        read_label_studio(p, CLASSES, multiple="error")
