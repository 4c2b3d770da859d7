import numpy as np
import pandas as pd
import pytest

pytest.importorskip("matplotlib")

import weaksup.plot as wplot  # noqa: E402
from weaksup import LabelMatrix, LFAnalysis  # noqa: E402
from weaksup.models import MajorityVoter  # noqa: E402


def problem(n=200, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)

    def lf(acc, cov):
        v = np.where(rng.random(n) < acc, y, 1 - y)
        return np.where(rng.random(n) < cov, v, -1)

    dense = np.c_[lf(0.95, 0.6), lf(0.8, 0.5), lf(0.6, 0.7)]
    L = LabelMatrix.from_dense(dense, lf_names=["good", "ok", "noisy"],
                               index=pd.Index([f"r{i}" for i in range(n)], name="id"), cardinality=2)
    return L, y


def bar_widths(ax, label):
    for container in ax.containers:
        if container.get_label() == label:
            return [patch.get_width() for patch in container]
    raise AssertionError(f"no bars labelled {label!r}")


def test_coverage_figure_draws_the_analysis_numbers():
    L, _ = problem()
    ax = wplot.coverage(L).axes[0]
    a = LFAnalysis(L)
    np.testing.assert_allclose(bar_widths(ax, "coverage"), a.lf_coverages())
    np.testing.assert_allclose(bar_widths(ax, "conflict"), a.lf_conflicts())
    assert [t.get_text() for t in ax.get_yticklabels()] == L.lf_names


def test_agreement_heatmap_matches_agreement_matrix():
    L, _ = problem()
    fig = wplot.agreement_heatmap(L)
    agree, both = wplot.agreement_matrix(L)
    dense = L.to_dense()
    m = (dense[:, 0] >= 0) & (dense[:, 2] >= 0)
    assert agree[0, 2] == pytest.approx((dense[m, 0] == dense[m, 2]).mean())
    assert both[0, 2] == m.sum()
    np.testing.assert_allclose(np.asarray(fig.axes[0].images[0].get_array()), agree)


def test_accuracies_class_balance_and_calibration_figures():
    L, y = problem()
    model = MajorityVoter(cardinality=2).fit(L)
    ax = wplot.accuracies(L, Y=y, model=model).axes[0]
    emp = wplot.empirical_accuracies(L, y)
    np.testing.assert_allclose(bar_widths(ax, "empirical (gold)"), emp)
    assert emp[0] > emp[2]  # the good LF is more accurate than the noisy one
    bal = wplot.class_balance(model=model, L=L, Y=y, class_names=["HAM", "SPAM"]).axes[0]
    assert [t.get_text() for t in bal.get_xticklabels()] == ["HAM", "SPAM"]
    probs = model.predict_proba(L)
    curve = wplot.calibration_curve(probs, y)
    cal = wplot.calibration(probs, y).axes[0]
    assert f"ECE {float(curve['ece']):.3f}" in cal.get_title()
    with pytest.raises(ValueError, match="needs"):
        wplot.accuracies(L)


def test_report_has_every_part(tmp_path):
    L, y = problem()
    model = MajorityVoter(cardinality=2).fit(L)
    L_dev, y_dev = problem(80, seed=1)
    data = pd.DataFrame({"text": [f"comment number {i}" for i in range(200)]}, index=L.index)
    path = wplot.report(tmp_path / "r.html", L, model=model, Y=y, data=data, class_names=["HAM", "SPAM"],
                        L_dev=L_dev, Y_dev=y_dev)
    page = path.read_text()
    for heading in ("LF summary", "Coverage, overlap and conflict per LF", "Pairwise LF agreement", "LF accuracies",
                    "Class balance", "Label model calibration", "Examples the LFs disagree on most"):
        assert f"<h2>{heading}</h2>" in page
    assert page.count('src="data:image/png;base64,') == 5  # all figures inlined: the file stands alone
    assert "Emp. Acc. (dev)" in page and "80 rows of the dev split" in page
    contested = wplot.disagreement_ranking(L, top=20)
    assert f"comment number {int(contested[0])}" in page or data["text"].iloc[contested[0]] in page
    with pytest.raises(ValueError, match="go together"):
        wplot.build_report(L, Y_dev=y_dev)
