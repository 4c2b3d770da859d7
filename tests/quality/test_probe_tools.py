"""The labeling tools on inputs as users hold them: Label Studio round trips, active learning, health, plots,
the file pipeline and the label matrix.

Each test here failed (a bare NumPy / Python error, or a silently wrong result) before the fix it guards.
"""

from __future__ import annotations

import csv
import json
import warnings

import numpy as np
import pandas as pd
import pytest

from weaksup import LabelMatrix, keyword_lf, load_labels
from weaksup.annotate import export_label_studio, read_label_studio
from weaksup.errors import ModelInputError, ParameterError, WeaksupError
from weaksup.models import MajorityVoter
from weaksup.quality import health_summary, suggest_labels

CLASSES = ["HAM", "SPAM"]


def _prediction(task):
    return task["predictions"][0]["result"][0]["value"]["choices"][0], task["predictions"][0]["score"]


# Label Studio ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("columns", [[1, 0], ["SPAM", "HAM"]], ids=["class-ids", "class-names"])
def test_label_studio_probs_frame_with_class_columns_in_another_order(tmp_path, columns):
    """A probs frame whose columns name the classes (ids 1, 0 or the names) in another order was read by
    position: every task got the other class as its pre-selected prediction."""
    data = pd.DataFrame({"text": ["win cash", "see you at 5"]}, index=pd.Index(["007", "8"]))
    P = pd.DataFrame([[0.9, 0.1], [0.2, 0.8]], index=data.index, columns=columns)  # column order: SPAM, HAM
    tasks = export_label_studio(tmp_path / "t.json", data, P, class_names=CLASSES)
    assert [_prediction(t) for t in tasks] == [("SPAM", 0.9), ("HAM", 0.8)]


def test_label_studio_priority_of_one_string_id_is_that_row(tmp_path):
    """``priority="ab"`` (one row id) was split into the ids "a" and "b": other rows were exported."""
    data = pd.DataFrame({"text": ["x", "y", "z"]}, index=pd.Index(["a", "b", "ab"]))
    tasks = export_label_studio(tmp_path / "t.json", data, priority="ab", class_names=CLASSES)
    assert [t["data"]["weaksup_id"] for t in tasks] == ["ab"]
    assert tasks[0]["data"]["weaksup_priority"] == 1


@pytest.mark.parametrize("name", ["e.json", "e.csv"])
def test_label_studio_flat_export_keeps_a_persons_newest_annotation(tmp_path, name):
    """JSON-MIN and CSV list a task's annotations newest first (the real server's fixtures do); the file's last
    record was taken as the person's latest, so a re-annotation was replaced by the annotation it corrected."""
    base = {"text": "win cash", "weaksup_id": "007", "weaksup_id_type": "str", "id": 1, "annotator": 1}
    records = [{**base, "annotation_id": 20, "label": "SPAM"},  # the correction, written first
               {**base, "annotation_id": 7, "label": "HAM"}]
    path = tmp_path / name
    if name.endswith(".csv"):
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, sorted(records[0]))
            writer.writeheader()
            writer.writerows(records)
    else:
        path.write_text(json.dumps(records), encoding="utf-8")
    assert read_label_studio(path, CLASSES).to_dict() == {"007": 1}
    assert read_label_studio(path, CLASSES, kind="annotations").values.tolist() == [["007", "1", 1]]


def test_label_studio_gold_keeps_ids_that_are_equal_dict_keys_apart(tmp_path):
    """Row ids 1 and True (a data field without weaksup's type) are two tasks, but the gold labels were
    collected in a dict keyed by the id, where 1 == True: both tasks pooled their annotations into a tie."""
    def task(number, row_id, label):
        result = [{"from_name": "label", "to_name": "text", "type": "choices", "value": {"choices": [label]}}]
        return {"id": number, "data": {"rid": row_id}, "annotations": [{"completed_by": 1, "result": result}]}

    path = tmp_path / "e.json"
    path.write_text(json.dumps([task(1, 1, "HAM"), task(2, True, "SPAM")]), encoding="utf-8")
    gold = read_label_studio(path, CLASSES, id_field="rid")
    assert [(type(i), i, g) for i, g in gold.items()] == [(int, 1, 0), (bool, True, 1)]


# active learning --------------------------------------------------------------------------------------
L4 = np.array([[0, 0], [0, 1], [-1, -1], [1, 1]])
P4 = np.array([[0.9, 0.1], [0.55, 0.45], [0.5, 0.5], [0.2, 0.8]])


@pytest.mark.parametrize("n", [float("nan"), float("inf")])
def test_suggest_labels_n_nan_or_inf_is_a_typed_error(n):
    """``n=nan`` raised a bare ValueError and ``n=inf`` an OverflowError (from ``int(n)``), naming nothing."""
    with pytest.raises(ModelInputError, match="n must be a non-negative integer"):
        suggest_labels(L4, P4, n)


def test_suggest_labels_committee_with_one_class_scores_are_numbers():
    """With one class the committee's consensus was divided by log(1) = 0: NaN scores and a RuntimeWarning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        s = suggest_labels(np.zeros((3, 1), dtype=int), np.ones((3, 1)), 2, strategy="committee")
    assert np.isfinite(s.scores).all() and len(s.positions) == 2


def test_suggest_labels_exclude_tuple_ids_of_a_multiindex():
    """``exclude=[("a", 1)]`` on a MultiIndex label matrix became a 2-D array of text, so an id it holds was
    refused as 'not in L.index'."""
    idx = pd.MultiIndex.from_tuples([("a", 1), ("a", 2), ("b", 1)], names=["group", "n"])
    L = LabelMatrix.from_dense(pd.DataFrame([[0, 1], [1, -1], [-1, -1]], index=idx, columns=["x", "y"]))
    P = np.array([[0.5, 0.5], [0.6, 0.4], [0.9, 0.1]])
    for exclude in ([("a", 1)], {("a", 1)}):
        assert suggest_labels(L, P, 2, exclude=exclude).ids.tolist() == [("a", 2), ("b", 1)]


# health --------------------------------------------------------------------------------------------
def test_health_summary_reads_class_name_columns_by_name():
    """A pred_probs frame with columns "spam", "ham" (class_names ["ham", "spam"]) was read by position: every
    row's probabilities were the other class's, and the report flagged the wrong rows and pairs."""
    labels = [0, 0, 0, 1, 1, 1]
    P = np.array([[.9, .1], [.8, .2], [.1, .9], [.2, .8], [.3, .7], [.1, .9]])
    expected = health_summary(labels, P, class_names=["ham", "spam"])
    swapped = pd.DataFrame(P[:, ::-1], columns=["spam", "ham"])
    got = health_summary(labels, swapped, class_names=["ham", "spam"])
    assert got.n_issues == expected.n_issues == 1
    assert got.overall_health == pytest.approx(expected.overall_health)
    assert got.confused_pairs[["given", "true"]].values.tolist() == [["ham", "spam"]]


def test_class_names_given_as_one_string_are_refused(tmp_path):
    """``class_names="hs"`` was read as the classes "h" and "s" (label file columns prob_h, prob_s; health and
    report tables named by letters), silently; Label Studio's export already refused it."""
    P = np.array([[.9, .1], [.8, .2], [.1, .9], [.2, .8]])
    with pytest.raises(ModelInputError, match="string"):
        health_summary([0, 0, 1, 1], P, class_names="hs")
    from weaksup.pipeline import label_file
    from weaksup.plot import build_report

    data = tmp_path / "d.csv"
    pd.DataFrame({"text": ["my song", "my channel", "song", "my"]}).to_csv(data, index=False)
    with pytest.raises(ParameterError, match="string"):
        label_file(MajorityVoter(), [keyword_lf("my", 1), keyword_lf("song", 0)], data, tmp_path / "o.csv",
                   cardinality=2, class_names="hs", progress=False)
    assert not (tmp_path / "o.csv").exists()
    with pytest.raises(ParameterError, match="string"):
        build_report(np.array([[0, 1], [1, 1], [-1, 0]]), class_names="HS")


# plots -----------------------------------------------------------------------------------------------
def test_calibration_curve_reads_class_id_columns_in_class_order():
    """A probs frame with columns 1, 0 was read by position, so the curve of class 1 was class 0's."""
    from weaksup.plot import calibration_curve

    P = np.array([[.9, .1], [.2, .8], [.3, .7], [.6, .4]])
    Y = [0, 1, 0, 0]
    expected = calibration_curve(P, Y, n_bins=2)
    got = calibration_curve(pd.DataFrame(P[:, ::-1], columns=[1, 0]), Y, n_bins=2)
    assert float(got["ece"]) == pytest.approx(float(expected["ece"]))
    assert got["observed"].tolist() == expected["observed"].tolist()


@pytest.mark.parametrize("kwargs", [{"n_bins": "a"}, {"n_bins": 2.5}, {"probs": [["a", "b"]], "Y": [0]},
                                    {"Y": 0}], ids=["bins-text", "bins-fraction", "probs-text", "Y-scalar"])
def test_calibration_curve_bad_input_is_a_typed_error(kwargs):
    """``n_bins="a"`` and text probabilities raised bare ValueErrors, a scalar ``Y`` a TypeError from
    ``len``, and ``n_bins=2.5`` was silently 2 bins."""
    from weaksup.plot import calibration_curve

    args = {"probs": [[.9, .1], [.2, .8]], "Y": [0, 1], **kwargs}
    with pytest.raises(ParameterError):
        calibration_curve(args.pop("probs"), args.pop("Y"), **args)


def test_disagreement_ranking_top_must_be_a_whole_number():
    """``top=-1`` sliced ``[:-1]`` and silently dropped the last contested row; ``top=1.5`` raised a bare
    TypeError from the slice."""
    from weaksup.plot import disagreement_ranking

    L = np.array([[0, 1, -1], [1, 1, 0], [-1, 0, 0], [0, 0, 1]])
    assert disagreement_ranking(L, top=100).tolist() == [0, 1, 3]
    for top in (-1, 1.5, True):
        with pytest.raises(ParameterError, match="top"):
            disagreement_ranking(L, top=top)


# pipeline and label matrix ---------------------------------------------------------------------------
def test_export_chunked_takes_a_dense_label_matrix(tmp_path):
    """``L`` as a dense NumPy array (Snorkel's L) was iterated row by row (``list(L)``) and raised an
    AttributeError (``'numpy.ndarray' object has no attribute 'n_rows'``)."""
    from weaksup.apply.chunked import ChunkedApplier
    from weaksup.pipeline import export_chunked

    applier = ChunkedApplier([keyword_lf("my", 1), keyword_lf("song", 0)], cardinality=2)
    L = np.array([[1, -1], [-1, 0], [1, 0]])
    out = export_chunked(MajorityVoter(cardinality=2), applier, None, tmp_path / "o.csv", L=L, progress=False)
    table = load_labels(out)
    assert table["label"].tolist() == [1, 0, -1] and len(table) == 3


def test_label_matrix_save_to_a_folder_is_a_typed_error_and_writes_nothing(tmp_path):
    """Saving to an existing folder raised a raw IsADirectoryError after writing the file; a folder named
    without a suffix wrote "<folder>.npz" beside it, a file the user never named."""
    L = LabelMatrix.from_dense([[0, -1], [1, 1]], lf_names=["a", "b"], index=["007", "7"])
    (tmp_path / "dir.npz").mkdir()
    target = tmp_path / "plain"
    target.mkdir()
    for path in (tmp_path / "dir.npz", target, tmp_path / "dir"):
        with pytest.raises(ParameterError, match="folder"):
            L.save(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dir.npz", "plain"]
    assert not (tmp_path / "plain.npz").exists()
    assert issubclass(ParameterError, WeaksupError)


def test_report_shows_the_text_of_a_column_named_by_a_number():
    """A data frame whose text column is named 0 (``pd.DataFrame(list_of_texts)``) raised a bare KeyError '0'
    (the column was looked up as ``str(0)``); named explicitly (``text_column=0``) its texts were left out."""
    from weaksup.plot import build_report

    L = LabelMatrix.from_dense(np.array([[0, 1], [1, 1], [1, 0]]), index=["a", "b", "c"])
    data = pd.DataFrame({0: ["win a prize", "nice song", "check my channel"]}, index=["a", "b", "c"])
    for text_column in (None, 0):
        page = build_report(L, data=data, text_column=text_column)
        assert "win a prize" in page and "check my channel" in page


def test_importance_sample_lines_up_a_target_series_by_row_id():
    """A ``target`` Series indexed by the proposal's row ids in another order was read by position: each
    draw was weighted by another row's target, so the estimate was biased."""
    from weaksup.quality import importance_sample

    proposal = pd.Series([1.0, 2.0, 3.0], index=["a", "b", "c"])
    same = importance_sample(proposal, 50, target=proposal.copy(), seed=0)
    shuffled = importance_sample(proposal, 50, target=proposal.iloc[[2, 0, 1]], seed=0)
    assert np.allclose(same[1], 1.0)  # the target is the proposal: every weight is 1
    assert shuffled[0].tolist() == same[0].tolist() and np.allclose(shuffled[1], same[1])


def test_label_studio_refuses_a_data_column_named_like_the_choices_tag(tmp_path):
    """``columns=["label"]`` (an old label column) was exported into the task data; JSON-MIN and CSV put data
    fields and the choice (tag ``label``) in one record, so a task nobody labeled read back with the old
    column's value as its gold label."""
    data = pd.DataFrame({"text": ["win cash", "hi"], "label": ["SPAM", "HAM"]}, index=pd.Index(["r1", "r2"]))
    with pytest.raises(ParameterError, match="clash"):
        export_label_studio(tmp_path / "t.json", data, columns=["label"], class_names=CLASSES)
    assert not (tmp_path / "t.json").exists()
    tasks = export_label_studio(tmp_path / "t.json", data, columns=["label"], class_names=CLASSES,
                                from_name="choice")  # another tag name: no clash
    assert tasks[0]["data"]["label"] == "SPAM"


@pytest.mark.parametrize("max_lfs", [-1, 1.5, 0])
def test_dependency_heatmap_max_lfs_must_be_a_whole_number(max_lfs):
    """``max_lfs=-1`` sliced ``[:-1]`` and silently left an LF of a dependent pair out of the figure;
    ``max_lfs=1.5`` raised a bare TypeError from the slice; 0 drew an empty figure."""
    from weaksup.plot import dependency_heatmap

    L = np.array([[0, 1, -1], [1, 1, 0], [-1, 0, 0], [0, 0, 1]] * 5)
    with pytest.raises(ParameterError, match="max_lfs"):
        dependency_heatmap(L, max_lfs=max_lfs)


@pytest.mark.parametrize("seed", ["a", 1.5, -1])
def test_a_seed_numpy_cannot_take_is_a_typed_error(seed):
    """``suggest_labels(..., seed="a")`` (or 1.5, -1) raised NumPy's bare TypeError / ValueError."""
    from weaksup.errors import ParameterTypeError

    probs = np.array([[0.6, 0.4], [0.5, 0.5], [0.9, 0.1]])
    with pytest.raises(ParameterTypeError, match="seed"):
        suggest_labels(np.array([[0], [1], [-1]]), probs, n=1, strategy="random", seed=seed)
