import numpy as np
import pytest

from weaksup import ModelInputError
from weaksup.models import AgreementModel, MajorityVoter, PatternCounts

from .conftest import make_votes

ACCS = [0.92, 0.85, 0.75, 0.65, 0.8]


def test_recovers_known_accuracies_within_002():
    L, y = make_votes(20_000, ACCS, k=2, cov=[0.7, 0.5, 0.6, 0.8, 0.4], seed=0)
    model = AgreementModel().fit(L)
    emp = [(L[L[:, j] >= 0, j] == y[L[:, j] >= 0]).mean() for j in range(len(ACCS))]
    assert np.abs(model.accuracies_ - emp).max() < 0.02
    assert np.all(np.diff(model.weights_[np.argsort(ACCS)]) > 0)  # more accurate LFs weigh more


def test_recovers_multiclass_accuracies():
    L, y = make_votes(20_000, ACCS, k=4, cov=0.7, seed=1)
    model = AgreementModel().fit(L)
    emp = [(L[L[:, j] >= 0, j] == y[L[:, j] >= 0]).mean() for j in range(len(ACCS))]
    assert np.abs(model.accuracies_ - emp).max() < 0.02


@pytest.mark.parametrize("balance", [[0.5, 0.5], [5 / 6, 1 / 6], [20 / 21, 1 / 21]])
def test_learned_class_balance_within_001(balance):
    L, y = make_votes(20_000, ACCS, k=2, balance=balance, cov=0.7, seed=2)
    model = AgreementModel(learn_class_balance=True).fit(L)
    np.testing.assert_allclose(model.class_balance_, np.bincount(y) / len(y), atol=0.01)


def test_one_coin_prior_is_uniform_and_kept_out_of_the_fit():
    L, _ = make_votes(3000, ACCS, k=3, cov=0.6, seed=3)
    plain = AgreementModel(class_conditional="never").fit(L)
    np.testing.assert_allclose(plain.class_balance_, [1 / 3] * 3)
    given = AgreementModel(class_conditional="never").fit(L, class_balance=[0.6, 0.3, 0.1])
    np.testing.assert_array_equal(plain.weights_, given.weights_)  # the prior only enters at prediction
    assert not np.allclose(plain.predict_proba(L), given.predict_proba(L))


def test_one_class_lfs_do_not_collapse():
    """LFs that each vote one class (the common case in practice) must not drive it to one class."""
    L, y = make_votes(6000, [0.9, 0.8, 0.85, 0.7, 0.95, 0.75], k=2, balance=[0.7, 0.3], cov=0.3, seed=4,
                      one_class=True)
    model = AgreementModel().fit(L)
    voted = (L >= 0).any(axis=1)
    pred = model.predict(L, tie_break="index")
    mv = MajorityVoter(cardinality=2).predict(L, tie_break="index")
    assert (pred[voted] == y[voted]).mean() >= (mv[voted] == y[voted]).mean() - 0.01
    assert len(set(pred[voted].tolist())) == 2
    assert (model.weights_ > 0).all()


def test_weights_stay_above_chance_for_bad_lfs():
    L, y = make_votes(5000, [0.9, 0.85, 0.8, 0.2], k=2, cov=0.8, seed=5)
    model = AgreementModel().fit(L)
    assert model.weights_[3] >= 0 and model.weights_[3] < 0.01  # worse than chance: ignored, never flipped
    assert (model.predict(L, tie_break="index") == y).mean() > 0.9


def test_one_or_two_lfs_reduce_to_majority_vote():
    L = np.array([[0], [1], [1], [-1]])
    model = AgreementModel(cardinality=2).fit(L)
    np.testing.assert_allclose(model.predict_proba(L).argmax(axis=1)[:3], [0, 1, 1])
    np.testing.assert_allclose(model.accuracies_, [0.7])  # no overlaps: the prior
    assert model.lf_overlap_.tolist() == [0.0]


def test_invalid_prior_is_a_typed_error():
    with pytest.raises(ModelInputError, match="acc_prior"):
        AgreementModel(acc_prior=0.3).fit(np.array([[0, 1, 2]]))  # below chance for k = 3
    with pytest.raises(ModelInputError, match="prior_strength"):
        AgreementModel(prior_strength=-1).fit(np.array([[0, 1]]))


def test_fit_from_rows_matches_fit_from_stats_and_progress_bar():
    L, _ = make_votes(2000, ACCS, k=3, cov=0.5, seed=6)
    a = AgreementModel().fit(L, progress=True)
    b = AgreementModel().fit_from_stats(PatternCounts.from_label_matrix(L))
    np.testing.assert_allclose(a.weights_, b.weights_, atol=1e-9)
    assert 1 <= a.n_iter_ <= a.max_iter


def test_unique_rows_path_matches_pattern_path():
    # near-unique rows skip pattern counting; the result must be the same fit
    L, _ = make_votes(3000, [0.8] * 40, k=2, cov=0.5, seed=7)
    a = AgreementModel().fit(L)
    b = AgreementModel().fit_from_stats(PatternCounts.from_label_matrix(L))
    np.testing.assert_allclose(a.predict_proba(L), b.predict_proba(L), atol=1e-9)


def _biased_annotators(n, k, seed, balance=None, spread=0.15):
    """Annotators that vote every class, each with its own per-class accuracy (Dawid-Skene's world)."""
    rng = np.random.default_rng(seed)
    y = rng.choice(k, n, p=balance)
    L = -np.ones((n, 8), dtype=int)
    for j in range(8):
        acc = np.clip(rng.uniform(0.55, 0.85) + rng.normal(0, spread, k), 0.3, 0.98)
        fire = rng.random(n) < 0.4
        right = rng.random(n) < acc[y]
        L[fire, j] = np.where(right, y, (y + rng.integers(1, k, n)) % k)[fire]
    return L, y


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_class_conditional_learns_biased_annotators_and_their_class_balance(seed):
    L, y = _biased_annotators(4000, 3, seed, balance=[0.6, 0.3, 0.1])
    auto = AgreementModel().fit(L)
    one_coin = AgreementModel(class_conditional="never").fit(L)
    mv = MajorityVoter(cardinality=3).predict(L, tie_break="index")
    assert auto.class_conditional_lfs_.all() and auto.confusion_strength_ < 1000
    acc = (auto.predict(L, tie_break="index") == y).mean()
    assert acc > (one_coin.predict(L, tie_break="index") == y).mean() and acc > (mv == y).mean() + 0.02
    np.testing.assert_allclose(auto.class_balance_, np.bincount(y) / len(y), atol=0.05)


def test_class_conditional_stays_one_coin_on_one_coin_votes():
    """Symmetric LFs: the learned prior strength is large, so nothing is lost against the one-coin fit."""
    L, y = make_votes(20_000, ACCS, k=2, cov=0.7, seed=5)
    auto, one_coin = AgreementModel().fit(L), AgreementModel(class_conditional="never").fit(L)
    assert auto.confusion_strength_ >= 1000
    np.testing.assert_allclose(auto.accuracies_, one_coin.accuracies_, atol=0.01)
    assert (auto.predict(L) == one_coin.predict(L)).mean() > 0.99


def test_class_conditional_leaves_one_class_lfs_exactly_as_before():
    L, _ = make_votes(6000, [0.9, 0.8, 0.85, 0.7, 0.95, 0.75], k=2, balance=[0.7, 0.3], cov=0.3, seed=4,
                      one_class=True)
    auto, one_coin = AgreementModel().fit(L), AgreementModel(class_conditional="never").fit(L)
    assert not auto.class_conditional_lfs_.any() and auto.confusion_strength_ is None
    np.testing.assert_array_equal(auto.predict_proba(L), one_coin.predict_proba(L))


def test_class_conditional_model_saves_and_loads(tmp_path):
    L, _ = _biased_annotators(1000, 3, 0)
    model = AgreementModel().fit(L)
    again = AgreementModel.load(model.save(tmp_path / "m"))
    np.testing.assert_array_equal(again.predict_proba(L), model.predict_proba(L))
    assert again.confusion_strength_ == model.confusion_strength_


def test_binary_class_conditional_prediction_equals_the_generic_table_path():
    from weaksup.models._table import LogTableModel

    L, _ = _biased_annotators(3000, 2, 4, balance=[0.8, 0.2])
    model = AgreementModel().fit(L)
    assert model.class_conditional_lfs_.all()
    np.testing.assert_allclose(model.predict_proba(L), LogTableModel._predict_proba(model, model._check_L(L, False)),
                               atol=1e-12)


def test_low_accuracy_annotators_are_not_pulled_to_the_fixed_prior():
    # 5 classes, 60 annotators right 30-55% of the time (chance 20%), ~180 votes each: the centre of
    # their confusion priors is learned from the annotators (a shared Beta prior), not acc_prior = 0.7
    import warnings

    import pandas as pd
    from crowdkit.aggregation import DawidSkene

    rng = np.random.default_rng(0)
    n, m, k = 1500, 60, 5
    L, y = make_votes(n, rng.uniform(0.3, 0.55, m), k=k, cov=0.12, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = AgreementModel(cardinality=k).fit(L)
    emp = np.array([(L[L[:, j] >= 0, j] == y[L[:, j] >= 0]).mean() for j in range(m)])
    assert np.abs(model.accuracies_ - emp).mean() < 0.05  # 0.11 with the fixed prior as centre
    assert abs(model.accuracies_.mean() - emp.mean()) < 0.02
    r, c = np.nonzero(L >= 0)
    ds = DawidSkene(n_iter=100).fit_predict(pd.DataFrame({"task": r, "worker": c, "label": L[r, c]}))
    covered = np.unique(r)
    ours = (model.predict(L[covered], tie_break="index") == y[covered]).mean()
    assert ours >= (ds.sort_index().to_numpy() == y[covered]).mean()  # crowd-kit, side by side


def test_shared_beta_prior_recovers_the_population_and_stays_above_chance():
    from weaksup.models._confusion import beta_prior

    rng = np.random.default_rng(1)
    n = rng.integers(10, 60, 400).astype(float)
    right = rng.binomial(n.astype(int), rng.beta(8, 12, 400)).astype(float)  # mean accuracy 0.4
    a, b = beta_prior(right, n, 5)
    assert abs(a / (a + b) - 0.4) < 0.03 and 5 < a + b < 60
    assert beta_prior(right, n, 5, near=(a, b)) == pytest.approx((a, b), rel=0.05)  # the local search stays put
    a2, b2 = beta_prior(np.full(50, 10.0), np.full(50, 100.0), 5)  # right 10% of the time, chance is 20%
    assert a2 / (a2 + b2) >= 0.2


def test_large_matrix_shortcuts_give_the_same_fit(monkeypatch):
    import weaksup.models.agreement as agreement

    L, _ = make_votes(40_000, [0.9, 0.8, 0.75, 0.7, 0.65, 0.6], k=2, cov=0.5, seed=4)
    fast = AgreementModel().fit(L)
    monkeypatch.setattr(agreement, "_COPY_SHARE", -1.0)  # always copy out the rows with < 2 votes
    copied = AgreementModel().fit(L)
    np.testing.assert_allclose(fast.log_table_, copied.log_table_, atol=1e-9)
    monkeypatch.setattr(agreement, "_WARM_ROWS", 2_000)  # warm start on an evenly spaced 1 / 10 of the rows
    warm = AgreementModel().fit(L)
    np.testing.assert_allclose(warm.log_table_, fast.log_table_, atol=2e-3)
    np.testing.assert_allclose(warm.class_balance_, fast.class_balance_, atol=1e-3)


@pytest.mark.parametrize("late", [True, False])
def test_scan_for_lfs_voting_several_classes_reads_to_the_end_when_it_must(late):
    # blocks grow and the scan stops once every LF is known to vote two classes; an LF whose second
    # class appears only in the last row must still be found (and one that never votes it must not)
    import scipy.sparse as sp

    from weaksup.models.agreement import _votes_several_classes

    L, _ = make_votes(50_000, [0.8, 0.7, 0.9], k=2, cov=0.6, seed=9)
    L[:, 2] = np.where(L[:, 2] >= 0, 0, -1)
    L[-1, 2] = 1 if late else -1
    csr = sp.csr_matrix(L + 1)
    rows = np.ones(len(L), dtype=bool)
    for block in (1, 100, 1 << 14):
        np.testing.assert_array_equal(_votes_several_classes(csr, rows, 2, block=block), [True, True, late])
    rows[-1] = False  # rows left out of the fit do not count
    np.testing.assert_array_equal(_votes_several_classes(csr, rows, 2, block=7), [True, True, False])


def test_overlap_from_the_confusion_pass_is_the_exact_count(monkeypatch):
    # with a warm-start subset the overlaps come from the confusion EM's first pass: the same integers
    import weaksup.models.agreement as agreement

    L, _ = make_votes(30_000, [0.9, 0.8, 0.75, 0.7, 0.65], k=2, cov=0.4, seed=5)
    monkeypatch.setattr(agreement, "_WARM_ROWS", 2_000)
    model = AgreementModel().fit(L)
    assert model.class_conditional_lfs_.all()
    voted = L >= 0
    shared = voted.sum(axis=1) >= 2
    np.testing.assert_array_equal(model.lf_overlap_, voted[shared].sum(axis=0))
    assert model.lf_overlap_.dtype == np.float64


def test_binary_confusion_em_in_row_blocks_gives_the_single_block_fit(monkeypatch):
    # the block size only changes the order of floating-point sums, never the fit
    import weaksup.models.agreement as agreement

    L, _ = make_votes(6_000, [0.9, 0.8, 0.75, 0.7, 0.65], k=2, cov=0.5, seed=12)
    L[:50] = -1  # rows without votes, inside the first block
    monkeypatch.setattr(agreement, "_BLOCK_ROWS", 10**9)
    whole = AgreementModel().fit(L)
    for rows in (1, 333, 2048):
        monkeypatch.setattr(agreement, "_BLOCK_ROWS", rows)
        blocked = AgreementModel().fit(L)
        assert blocked.n_iter_ == whole.n_iter_
        np.testing.assert_allclose(blocked.log_table_, whole.log_table_, rtol=0, atol=1e-12)
        np.testing.assert_allclose(blocked.class_balance_, whole.class_balance_, rtol=0, atol=1e-12)
        np.testing.assert_array_equal(blocked.lf_overlap_, whole.lf_overlap_)


def test_binary_confusion_em_in_threads_is_the_sequential_fit_to_the_last_bit(monkeypatch):
    # blocks run by threads, their sums taken in block order: nothing may depend on the scheduling
    import weaksup.models.agreement as agreement

    L, _ = make_votes(6_000, [0.9, 0.8, 0.75, 0.7, 0.65], k=2, cov=0.5, seed=13)
    monkeypatch.setattr(agreement, "_BLOCK_ROWS", 97)
    monkeypatch.setattr(agreement, "_threads", lambda: 1)
    alone = AgreementModel().fit(L)
    monkeypatch.setattr(agreement, "_threads", lambda: 3)
    monkeypatch.setattr(agreement, "_VOTES_PER_THREAD", 10)
    for _ in range(3):
        threaded = AgreementModel().fit(L)
        assert threaded.n_iter_ == alone.n_iter_
        np.testing.assert_array_equal(threaded.log_table_, alone.log_table_)
        np.testing.assert_array_equal(threaded.class_balance_, alone.class_balance_)
        np.testing.assert_array_equal(threaded.predict_proba(L), alone.predict_proba(L))


def test_blocked_prediction_equals_the_one_block_prediction(monkeypatch):
    import weaksup.models.agreement as agreement

    L, _ = make_votes(3_000, [0.9, 0.8, 0.75, 0.7], k=2, cov=0.5, seed=14)
    L[100:130] = -1
    model = AgreementModel().fit(L)
    whole = model.predict_proba(L)
    monkeypatch.setattr(agreement, "_BLOCK_VOTES", 50)  # blocks of ~25 rows
    blocked = model.predict_proba(L)
    np.testing.assert_array_equal(blocked, whole)
    assert np.allclose(blocked.sum(axis=1), 1.0)
