"""Guard rails: a fit that silently ignores an LF, never predicts a class or stops early warns and says so."""

import warnings

import numpy as np
import pytest

from weaksup.errors import WeaksupWarning
from weaksup.models import AgreementModel, DawidSkene

from .conftest import make_votes


def test_healthy_fit_is_silent_and_every_check_passes():
    L, _ = make_votes(3000, [0.9, 0.8, 0.75, 0.7], k=2, cov=0.6, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", WeaksupWarning)
        model = AgreementModel().fit(L)
    table = model.diagnose(L)
    assert set(table.check) == {"lf at chance", "lf at accuracy 1", "class never favoured", "converged"}
    assert table.ok.all()


def test_lf_at_chance_is_named_in_the_warning_and_the_table():
    L = np.array([[0, 0, 1], [1, 1, 0], [0, 0, 1], [1, 1, 0]] * 50)  # the third LF always disagrees
    with pytest.warns(WeaksupWarning, match=r"lf at chance: contrarian \(accuracy 0\.50"):
        model = AgreementModel(class_conditional="never").fit(
            __import__("weaksup").LabelMatrix.from_dense(L, lf_names=["a", "b", "contrarian"]))
    row = model.diagnose().set_index("check").loc["lf at chance"]
    assert not row.ok and "contrarian" in row.detail and "a " not in row.detail


def test_class_no_lf_votes_for_is_reported():
    L, _ = make_votes(2000, [0.9, 0.8, 0.7], k=2, cov=0.6, seed=1)  # votes 0/1 only, but three classes
    with pytest.warns(WeaksupWarning, match="class never favoured: class 2"):
        model = AgreementModel(cardinality=3, class_conditional="never").fit(L)
    assert "class 2" in model.diagnose(L).set_index("check").loc["class never favoured"].detail
    assert "class never favoured" not in set(model.diagnose().check)  # without the votes it cannot tell


def test_fit_that_hits_max_iter_warns():
    L, _ = make_votes(2000, [0.9, 0.8, 0.7, 0.6], k=3, cov=0.5, seed=2)
    with pytest.warns(WeaksupWarning, match="converged: stopped at max_iter=1"):
        model = DawidSkene(max_iter=1).fit(L)
    assert not model.diagnose().set_index("check").loc["converged"].ok
