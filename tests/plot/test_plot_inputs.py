"""The plots on the inputs users hold: partial or named gold labels, wrong lengths, odd probabilities, no matplotlib."""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from weaksup.errors import ModelInputError, ParameterError
from weaksup.plot.stats import calibration_curve

P = np.array([[0.9, 0.1], [0.2, 0.8], [0.4, 0.6], [0.5, 0.5]])


@pytest.mark.parametrize("unknown", [np.nan, -1, None])
def test_calibration_curve_skips_unknown_gold_like_minus_one(unknown):
    Y = pd.Series([0, unknown, 0, 1], dtype="Int64" if unknown is None else None)
    with np.errstate(all="raise"):  # no "invalid value encountered in cast" from NaN -> int
        got = calibration_curve(P, Y, n_bins=2)
    want = calibration_curve(P[[0, 2, 3]], [0, 0, 1], n_bins=2)
    assert got["count"].tolist() == want["count"].tolist() == [1.0, 2.0]
    assert got["observed"].tolist() == want["observed"].tolist()


def test_calibration_curve_refuses_out_of_range_and_named_gold():
    with pytest.raises(ModelInputError, match="label 2 at row 1"):  # was silently counted as "not class 1"
        calibration_curve(P, [0, 2, 0, 1])
    with pytest.raises(ModelInputError, match="HAM"):  # was a raw int() ValueError
        calibration_curve(P, ["HAM", "SPAM", "HAM", "SPAM"])


def test_calibration_curve_refuses_nan_probs_and_no_bins():
    bad = P.copy()
    bad[2] = np.nan
    with pytest.raises(ParameterError, match="row 2"):
        calibration_curve(bad, [0, 1, 0, 1])
    with pytest.raises(ParameterError, match="n_bins"):
        calibration_curve(P, [0, 1, 0, 1], n_bins=0)


def test_figures_check_lengths_and_map_class_names():
    pytest.importorskip("matplotlib")
    import weaksup.plot as wplot

    L = np.array([[0, 1, -1], [1, 1, 0], [0, -1, 0]])
    with pytest.raises(ParameterError, match="one accuracy per LF"):  # one value was drawn for every LF
        wplot.accuracies(L, learned=[0.5])
    with pytest.raises(ModelInputError, match="label 2 at row 2"):  # was a raw matplotlib ValueError
        wplot.class_balance(Y=[0, 1, 2], class_names=["a", "b"])
    model = type("Fitted", (), {"class_balance_": np.array([0.5, 0.5])})()
    with pytest.raises(ParameterError, match="3 names for 2 classes"):
        wplot.class_balance(model=model, class_names=["a", "b", "c"])
    fig = wplot.class_balance(Y=[0, 1, 1], class_names=["a", "b", "c"])  # gold without class "c": 3 bars
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["a", "b", "c"]
    fig = wplot.class_balance(Y=pd.Series(["HAM", "SPAM", "SPAM", None]), class_names=["HAM", "SPAM"])
    gold = [c for c in fig.axes[0].containers if c.get_label() == "gold"][0]
    assert np.allclose(gold.datavalues, [1 / 3, 2 / 3])
    with pytest.raises(ParameterError):
        wplot.dependency_heatmap()


def test_missing_matplotlib_names_the_install_line_that_works(tmp_path):
    code = ("import sys; sys.modules['matplotlib'] = None\n"
            "import weaksup.plot\n"
            "try:\n    weaksup.plot.coverage([[0, 1], [1, -1]])\n"
            "except ImportError as e:\n    print(e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert 'pip install -e ".[plot]"' in out.stdout and "pip install matplotlib" in out.stdout
    assert "'weaksup[plot]'" not in out.stdout  # PyPI has no weaksup


def test_report_takes_gold_as_class_names_and_refuses_a_folder(tmp_path):
    pytest.importorskip("matplotlib")
    import weaksup.plot as wplot
    from weaksup import LabelMatrix
    from weaksup.models import MajorityVoter

    L = LabelMatrix.from_dense(np.array([[0, 1], [1, 1], [-1, 0], [0, 0]]), index=pd.Index(list("abcd"), name="id"))
    model = MajorityVoter(cardinality=2).fit(L)
    ids = pd.Series([0, 1, -1, 0], index=list("abcd"))
    named = pd.Series(["HAM", "SPAM", None, "HAM"], index=list("abcd")).sample(frac=1, random_state=0)
    by_id = wplot.build_report(L, model=model, Y=ids, class_names=["HAM", "SPAM"])
    by_name = wplot.build_report(L, model=model, Y=named, class_names=["HAM", "SPAM"])
    assert by_name == by_id  # same page: the names map to the same ids, aligned by row id
    dev = wplot.build_report(L, model=model, L_dev=L, Y_dev=named, class_names=["HAM", "SPAM"])
    assert "Label model calibration" in dev
    with pytest.raises(ParameterError, match="is a folder"):
        wplot.report(tmp_path, L, model=model)
    assert list(tmp_path.parent.glob(f".{tmp_path.name}*")) == []  # no temporary file left beside it


def test_plots_take_the_snorkel_ports_label_model():
    pytest.importorskip("matplotlib")
    import warnings

    import weaksup.plot as wplot
    from weaksup.snorkel.labeling.model import LabelModel

    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, 400)
    L = np.stack([np.where(rng.random(400) < 0.7, np.where(rng.random(400) < 0.8, y, (y + 1) % 3), -1)
                  for _ in range(5)], axis=1)
    model = LabelModel(cardinality=3, verbose=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(L, seed=0, progress_bar=False)
    fig = wplot.class_balance(model=model, L=L)  # was a TypeError: predict() takes tie_break_policy=
    bars = [c for c in fig.axes[0].containers if c.get_label() == "model predictions"][0]
    pred = model.predict(L)
    assert np.allclose(bars.datavalues, np.bincount(pred[pred >= 0], minlength=3) / (pred >= 0).sum())
    assert "Class balance" in wplot.build_report(L, model=model, Y=y)


def test_dollar_signs_in_lf_and_class_names_are_drawn_as_written():
    pytest.importorskip("matplotlib")
    import io

    import weaksup.plot as wplot
    from weaksup import LabelMatrix

    L = LabelMatrix.from_dense(np.array([[0, 1], [1, 1], [0, -1]]), lf_names=["price_$5_$10", "$$"])
    for fig in (wplot.coverage(L), wplot.agreement_heatmap(L), wplot.accuracies(L, Y=[0, 1, 0])):
        fig.savefig(io.BytesIO(), format="png")  # "$$" was a mathtext ParseException; "$5_$" drawn as math
        shown = [t._preprocess_math(t.get_text()) for t in fig.axes[0].get_yticklabels()]
        assert shown == [("price_$5_$10", False), ("$$", False)]
    wplot.class_balance(Y=[0, 1], class_names=["$", "$$"]).savefig(io.BytesIO(), format="png")


def _report_inputs():
    from weaksup import LabelMatrix
    from weaksup.models import MajorityVoter

    L = LabelMatrix.from_dense(np.array([[0, 1], [1, 1], [-1, 0], [0, 1], [1, 0]]),
                               index=pd.Index(["1", "2", "3", "4", "5"], name="id"))
    return L, MajorityVoter(cardinality=2).fit(L)


def test_report_refuses_data_with_an_id_twice_rather_than_dropping_rows():
    pytest.importorskip("matplotlib")
    import weaksup.plot as wplot

    L, model = _report_inputs()
    data = pd.DataFrame({"text": ["one", "one again", "two", "three", "four", "five"]},
                        index=["1", "1", "2", "3", "4", "5"])
    with pytest.raises(ParameterError, match="several rows with the id '1'"):  # row "1" was left out of the table
        wplot.build_report(L, model=model, data=data)
    page = wplot.build_report(L, model=model, data=data.iloc[1:])
    assert page.split("disagree on most")[1].count("<tr><td>") == 3  # rows 1, 4 and 5 conflict


def test_report_checks_top_and_class_names_and_returns_the_path_it_wrote(tmp_path, monkeypatch):
    pytest.importorskip("matplotlib")
    import weaksup.plot as wplot

    L, model = _report_inputs()
    with pytest.raises(ParameterError, match="top"):  # top=-1 silently left out the last contested row
        wplot.build_report(L, model=model, top=-1)
    with pytest.raises(ParameterError, match="1 names for 2 classes"):  # was "label 1 ... out of range (0..0)"
        wplot.build_report(L, model=model, Y=[0, 1, 0, 1, 1], class_names=["HAM"])
    monkeypatch.setenv("HOME", str(tmp_path))
    out = wplot.report("~/r.html", L, model=model)
    assert out == tmp_path / "r.html" and out.is_file()  # was Path("~/r.html"), which does not exist


def test_report_escapes_names_ids_and_text_that_hold_html():
    pytest.importorskip("matplotlib")
    import re

    import weaksup.plot as wplot
    from weaksup import LabelMatrix
    from weaksup.models import MajorityVoter

    x = "<script>alert(1)</script>"
    L = LabelMatrix.from_dense(np.array([[0, 1, 0], [1, 1, 0], [-1, 0, 1], [0, 1, 1]]),
                               lf_names=[x, 'a"b&c', "<img src=x onerror=alert(2)>"],
                               index=pd.Index([x + "id", "b", "c", "<b>d</b>"], name="id"))
    data = pd.DataFrame({"<i>col</i>": [x + "text", "t", "u", "v"]}, index=L.index)
    page = wplot.build_report(L, model=MajorityVoter(cardinality=2).fit(L), Y=[0, 1, -1, 1], data=data,
                              class_names=[x, "<u>SPAM</u>"], title=x, notes=[x], text_column="<i>col</i>")
    assert len(re.findall("<script", page)) == 1  # the page's own image check
    for raw in ("<img src=x", "<b>d</b>", "<i>col</i>", "<u>SPAM</u>", 'a"b&c'):
        assert raw not in page


def test_calibration_matches_gold_to_a_probability_frame_by_row_id():
    frame = pd.DataFrame([[0.9, 0.1], [0.1, 0.9], [0.8, 0.2], [0.2, 0.8]], index=list("abcd"))
    gold = pd.Series([0, 1, 0, 1], index=list("abcd"))
    want = calibration_curve(frame.to_numpy(), gold.to_numpy(), n_bins=2)
    got = calibration_curve(frame, gold.iloc[::-1], n_bins=2)  # was paired by position: ECE 0.85, not 0.15
    assert float(got["ece"]) == pytest.approx(float(want["ece"])) == pytest.approx(0.15)
    with pytest.raises(ModelInputError, match="'w'"):  # gold for other rows was scored against these
        calibration_curve(frame, pd.Series([0, 1, 0, 1], index=list("wxyz")))


def test_report_takes_one_note_as_a_string():
    pytest.importorskip("matplotlib")
    import weaksup.plot as wplot

    L, _ = _report_inputs()
    page = wplot.build_report(L, notes="fitted on 5 rows")
    assert "<li>fitted on 5 rows</li>" in page and "<li>f</li>" not in page  # was one bullet per character


def test_report_of_an_unfitted_model_says_so():
    pytest.importorskip("matplotlib")
    import weaksup.plot as wplot
    from weaksup.errors import NotFittedError
    from weaksup.models import MajorityVoter

    L, _ = _report_inputs()
    with pytest.raises(NotFittedError):  # was AttributeError: no attribute 'class_balance_'
        wplot.build_report(L, model=MajorityVoter(cardinality=2))
    assert "<title>weaksup report</title>" in wplot.build_report(L, title=None)  # was AttributeError
    with pytest.raises(NotFittedError):
        wplot.class_balance(model=MajorityVoter(cardinality=2))


def test_calibration_refuses_rows_that_are_not_probabilities_and_accuracies_refuse_text():
    with pytest.raises(ModelInputError, match="row 0 sums to 1.1"):  # was drawn as if calibrated
        calibration_curve([[0.2, 0.9], [0.5, 0.5]], [1, 0])
    with pytest.raises(ModelInputError, match="negative"):
        calibration_curve([[-0.5, 1.5]], [1])
    pytest.importorskip("matplotlib")
    import weaksup.plot as wplot

    with pytest.raises(ParameterError, match="one accuracy"):  # was a raw ValueError from NumPy
        wplot.accuracies(np.array([[0, 1], [1, -1]]), learned=["a", "b"])
