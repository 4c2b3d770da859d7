"""AgreementModel fits each group of near-copy LFs (same rows, same votes) as one LF."""

import warnings

import numpy as np
import pytest

from weaksup import LabelMatrix
from weaksup.models import AgreementModel, PatternCounts

from .conftest import make_votes


def _with_copies(L: np.ndarray, j: int, n_copies: int, keep: float, seed: int = 0) -> np.ndarray:
    """``L`` plus ``n_copies`` columns that each repeat LF ``j``'s votes on a random share ``keep`` of its rows."""
    rng = np.random.default_rng(seed)
    copies = [np.where(rng.random(len(L)) < keep, L[:, j], -1) for _ in range(n_copies)]
    return np.column_stack([L, *copies])


def _fit(L, **params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return AgreementModel(class_conditional="never", **params).fit(L)


def test_copies_of_a_weak_lf_get_its_accuracy_not_one():
    L, _ = make_votes(20_000, [0.9, 0.85, 0.8, 0.6], cov=0.7, seed=3)
    alone = _fit(L)
    copied = _fit(_with_copies(L, 3, 2, keep=0.9))
    assert copied.lf_copy_of_.tolist() == [0, 1, 2, 3, 3, 3]
    # without the grouping the three would confirm each other (accuracy near 1)
    assert copied.lf_accuracy_[3:] == pytest.approx([alone.lf_accuracy_[3]] * 3, abs=0.02)
    assert copied.lf_accuracy_[:3] == pytest.approx(alone.lf_accuracy_[:3], abs=0.02)
    assert np.array_equal(copied.weights_[3:], np.full(3, copied.weights_[3]))


def test_exact_copy_gives_the_fit_without_it_and_still_votes():
    L, _ = make_votes(5000, [0.9, 0.8, 0.7], cov=0.6, seed=1)
    alone = _fit(L)
    copied = _fit(np.column_stack([L, L[:, 2]]))
    assert copied.lf_copy_of_.tolist() == [0, 1, 2, 2]
    assert np.allclose(copied.lf_accuracy_[:3], alone.lf_accuracy_)
    # the copy casts its own vote when predicting: a row where only it votes is not a coin flip
    assert copied.predict(np.array([[-1, -1, -1, 1]])).tolist() == [1]


def test_lfs_that_are_not_copies_are_left_alone():
    L, _ = make_votes(5000, [0.9, 0.8, 0.7, 0.6], cov=0.6, seed=2)
    # same rows but 20% different votes: not a copy; a subset of another LF's rows: not a copy either
    rng = np.random.default_rng(0)
    differs = np.where((L[:, 0] >= 0) & (rng.random(len(L)) < 0.2), 1 - L[:, 0], L[:, 0])
    subset = np.where(rng.random(len(L)) < 0.5, L[:, 1], -1)
    model = _fit(np.column_stack([L, differs, subset]))
    assert model.lf_copy_of_.tolist() == list(range(6))


def test_copy_groups_are_the_same_from_rows_stats_and_after_saving(tmp_path):
    L, _ = make_votes(8000, [0.9, 0.8, 0.7, 0.65], cov=0.5, seed=4)
    L = _with_copies(L, 1, 3, keep=0.9, seed=5)
    rows = _fit(L)
    stats = AgreementModel(class_conditional="never")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        stats.fit_from_stats(PatternCounts.from_label_matrix(L))
    assert rows.lf_copy_of_.tolist() == stats.lf_copy_of_.tolist() == [0, 1, 2, 3, 1, 1, 1]
    assert np.allclose(rows.lf_accuracy_, stats.lf_accuracy_)
    loaded = AgreementModel.load(rows.save(tmp_path / "model"))
    assert loaded.lf_copy_of_.tolist() == rows.lf_copy_of_.tolist()
    assert np.array_equal(loaded.predict_proba(L), rows.predict_proba(L))


def test_copies_named_lfs_keep_their_names():
    L, _ = make_votes(3000, [0.9, 0.8, 0.7], cov=0.6, seed=6)
    M = LabelMatrix.from_dense(np.column_stack([L, L[:, 0]]), lf_names=["kw", "regex", "model", "kw_again"])
    model = _fit(M)
    assert model.lf_names_ == ["kw", "regex", "model", "kw_again"]
    assert model.lf_copy_of_.tolist() == [0, 1, 2, 0]


def test_diagnose_names_the_groups_and_fit_does_not_warn_about_them():
    L, _ = make_votes(3000, [0.9, 0.8, 0.7], cov=0.6, seed=7)
    M = LabelMatrix.from_dense(np.column_stack([L, L[:, 1]]), lf_names=["a", "b", "c", "b_again"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a group of copies is information, not a warning
        model = AgreementModel(class_conditional="never").fit(M)
    row = model.diagnose().set_index("check").loc["near-copy LFs fitted as one"]
    assert bool(row.ok) and row.detail == "b, b_again"
    plain = AgreementModel(class_conditional="never").fit(L)
    assert plain.diagnose().set_index("check").loc["near-copy LFs fitted as one"].detail == ""


def test_large_matrices_are_screened_on_a_row_sample_with_the_same_groups(monkeypatch):
    import weaksup.models._copies as copies

    L, _ = make_votes(6000, [0.9, 0.8, 0.7, 0.65], cov=0.5, seed=8)
    L = _with_copies(L, 2, 2, keep=0.9, seed=9)
    full = _fit(L)
    monkeypatch.setattr(copies, "_SAMPLE_ROWS", 1000)  # screen every 6th row only
    sampled = _fit(L)
    assert full.lf_copy_of_.tolist() == sampled.lf_copy_of_.tolist() == [0, 1, 2, 3, 2, 2]
    assert np.array_equal(full.predict_proba(L), sampled.predict_proba(L))


def test_merged_fit_takes_the_groups_most_common_vote_and_none_on_a_tie():
    # the copy skips a few of the original's rows and disagrees once: the merged column is the original's vote
    # where they agree or only one votes, and no vote on the row where the two disagree (a tie)
    L, _ = make_votes(4000, [0.9, 0.8, 0.7], cov=0.6, seed=10)
    copy = L[:, 0].copy()
    shared = np.flatnonzero(L[:, 0] >= 0)
    copy[shared[:5]] = -1
    copy[shared[5]] = 1 - L[shared[5], 0]
    model = _fit(np.column_stack([L, copy]))
    assert model.lf_copy_of_.tolist() == [0, 1, 2, 0]
    merged = L.copy()
    merged[shared[5], 0] = -1
    assert np.allclose(model.lf_accuracy_[:3], _fit(merged).lf_accuracy_)


def test_groups_fit_the_same_whatever_the_order_of_the_lfs():
    L, _ = make_votes(3000, [0.9, 0.8, 0.7, 0.6], cov=0.7, seed=11)
    L = _with_copies(L, 1, 2, keep=1.0, seed=12)  # three members voting on the same rows: ties in vote counts
    rng = np.random.default_rng(1)
    L[rng.random(len(L)) < 0.02, 4] = 0  # one copy sometimes says 0: the group's plurality decides
    perm = [5, 3, 4, 0, 2, 1]
    a = _fit(LabelMatrix.from_dense(L, lf_names=list("abcdef")))
    b = _fit(LabelMatrix.from_dense(L[:, perm], lf_names=[list("abcdef")[j] for j in perm]))
    np.testing.assert_allclose(b.lf_accuracy_, a.lf_accuracy_[perm], rtol=0, atol=1e-9)
