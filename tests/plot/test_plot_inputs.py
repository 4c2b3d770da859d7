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
