"""Guard rails: a fit that silently ignores an LF, never predicts a class or stops early warns and says so."""

import warnings

import numpy as np
import pytest
from sklearn.base import clone

from weaksup.errors import WeaksupWarning
from weaksup.models import AgreementModel, DawidSkene

from .conftest import make_votes


def test_healthy_fit_is_silent_and_every_check_passes():
    L, _ = make_votes(3000, [0.9, 0.8, 0.75, 0.7], k=2, cov=0.6, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", WeaksupWarning)
        model = AgreementModel().fit(L)
    table = model.diagnose(L)
    assert set(table.check) == {"lf never votes", "lf at chance", "lf at accuracy 1", "class never favoured", "one class's LFs at chance",
                                "near-copy LFs fitted as one", "converged"}
    assert table.ok.all()


def test_an_lf_that_never_votes_is_named_as_such_and_changes_no_fit():
    L, y = make_votes(400, [0.8, 0.7, 0.9, 0.6], k=2, cov=0.6, seed=1)
    silent = L.copy()
    silent[:, 2] = -1
    without = np.delete(L, 2, axis=1)
    for model in (AgreementModel(), DawidSkene(cardinality=2)):
        with pytest.warns(WeaksupWarning, match="lf never votes: lf_2") as record:
            P = clone(model).fit(silent).predict_proba(silent)
        assert not any("lf_2 (accuracy" in str(w.message) for w in record)  # not also "at chance"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", WeaksupWarning)
            np.testing.assert_allclose(P, clone(model).fit(without).predict_proba(without), atol=1e-5)
    table = AgreementModel().fit(silent).diagnose(silent).set_index("check")
    assert not table.loc["lf never votes", "ok"] and table.loc["lf never votes", "detail"] == "lf_2"


def test_lf_at_chance_is_named_in_the_warning_and_the_table():
    # the third LF always disagrees; the first two are not copies (each also votes where the other abstains)
    L = np.array([[0, 0, 1], [1, 1, 0], [0, -1, 1], [1, 1, 0], [-1, 0, 1], [1, -1, 0]] * 40)
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
    with pytest.warns(WeaksupWarning, match="not converged: stopped at max_iter=1"):
        model = DawidSkene(max_iter=1).fit(L)
    assert not model.diagnose().set_index("check").loc["converged"].ok


@pytest.mark.parametrize("seed", range(6))
def test_classes_favoured_reads_blocks_and_matches_the_full_count(seed):
    # the early-stopping scan must give what counting every vote gives, wherever the deciding vote sits
    import scipy.sparse as sp

    from weaksup._votes import classes_cast, classes_favoured

    rng = np.random.default_rng(seed)
    n, m, k = 3000, 7, 4
    L = np.where(rng.random((n, m)) < 0.3, rng.integers(0, k - 1, (n, m)), -1)  # class k - 1 never voted ...
    L[-1, seed % m] = k - 1  # ... except once, in the very last row
    csr = sp.csr_matrix(L + 1)
    if seed % 2:
        csr.data[rng.integers(0, csr.nnz)] = k + 3  # an out-of-range vote casts no class
    wanted = rng.random((m, k)) < 0.4
    wanted[seed % m, k - 1] = seed < 3  # the last row decides class k - 1, or nobody wants it
    full = (wanted & classes_cast(csr, k)).any(axis=0)
    for block in (1, 5, 64, 1 << 16):
        np.testing.assert_array_equal(classes_favoured(csr, k, wanted, block=block), full)
    assert full[k - 1] == (seed < 3)


def test_class_check_of_a_large_fit_still_finds_a_class_voted_only_at_the_end():
    # the fit's health check stops reading early; a class whose only votes come last must still count
    rng = np.random.default_rng(3)
    n = 200_000
    y = rng.choice([0, 2], n)
    L = np.where(rng.random((n, 3)) < 0.8, y[:, None], 2 - y[:, None])
    L[-50:] = 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", WeaksupWarning)
        model = AgreementModel(cardinality=3, class_conditional="never").fit(L)
    assert model.diagnose(L).set_index("check").loc["class never favoured"].ok
    assert not model.diagnose(L[:-50]).set_index("check").loc["class never favoured"].ok


def test_a_class_given_prior_zero_is_not_reported_as_never_favoured():
    import warnings

    from weaksup import DawidSkene

    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 300)
    L = np.where(rng.random((300, 4)) < 0.6, np.where(rng.random((300, 4)) < 0.8, y[:, None], 1 - y[:, None]), -1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = DawidSkene(cardinality=2).fit(L, class_balance=[0.0, 1.0])
    row = model.diagnose(L).set_index("check").loc["class never favoured"]
    assert bool(row.ok), row.detail


@pytest.mark.parametrize("name", ["CrowdDawidSkene", "OneCoinDawidSkene", "GLAD", "MMSR"])
def test_crowd_aggregators_that_stop_at_n_iter_warn(name):
    import weaksup.models as models

    L, _ = make_votes(300, [0.9, 0.8, 0.7, 0.6], k=2, cov=0.7, seed=0)
    model_class = getattr(models, name)
    with warnings.catch_warnings():
        warnings.simplefilter("error", WeaksupWarning)
        healthy = model_class().fit(L)  # crowd-kit's defaults converge here: silent
    assert healthy.diagnose(L).set_index("check").loc["converged"].ok
    with pytest.warns(WeaksupWarning, match=f"{name} fit: not converged: stopped at n_iter=1"):
        model = model_class(n_iter=1).fit(L)
    assert not model.diagnose().set_index("check").loc["converged"].ok
