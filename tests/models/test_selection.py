import numpy as np
import pytest

from weaksup import ModelInputError
from weaksup.models import AgreementModel, DawidSkene, MajorityVoter, select_label_model

from .conftest import make_votes


def test_returns_best_fitted_model_and_sorted_score_table():
    L, y = make_votes(3000, [0.95, 0.6, 0.6, 0.6, 0.6], k=2, cov=0.9, seed=0)
    best, table = select_label_model(L[:2500], L[2500:], y[2500:],
                                     candidates=[MajorityVoter(), AgreementModel(), DawidSkene()])
    assert list(table.columns) == ["model", "params", "class_balance", "accuracy"]
    assert len(table) == 6  # 3 candidates x (learned, dev) class balance
    assert table["accuracy"].is_monotonic_decreasing
    assert type(best).__name__ == table.loc[0, "model"] and type(best).__name__ != "MajorityVoter"
    assert best.score(L[2500:], y[2500:]) == pytest.approx(table.loc[0, "accuracy"], abs=0.02)


def test_candidates_needing_more_lfs_are_skipped_with_reason():
    L = np.array([[0, 0], [1, 1], [0, -1], [1, 0]] * 5)
    y = np.array([0, 1, 0, 1] * 5)
    best, table = select_label_model(L, L, y, candidates=[DawidSkene(), MajorityVoter()], dev_class_balance=False)
    assert type(best).__name__ == "MajorityVoter"
    skipped = table[table["model"] == "DawidSkene"].iloc[0]
    assert np.isnan(skipped["accuracy"]) and "at least 3" in skipped["params"]


def test_default_candidates_and_loss_metric_error():
    L, y = make_votes(600, [0.9, 0.8, 0.7], k=2, cov=0.9, seed=1)
    best, table = select_label_model(L, L[:200], y[:200], metric="f1")
    assert "AgreementModel" in set(table["model"]) and table["f1"].notna().all()
    with pytest.raises(ModelInputError, match="loss"):
        select_label_model(L, L, y, metric="log_loss")


def test_mistaken_selection_arguments_are_named_not_reported_as_every_candidate_failing():
    L, y = make_votes(300, [0.85, 0.8, 0.75, 0.7], cov=0.6, seed=3)
    cands = [MajorityVoter(), DawidSkene()]
    with pytest.raises(ModelInputError, match="pos_label must be a class id 0..1, got 5"):
        select_label_model(L[:200], L[200:], y[200:], candidates=cands, metric="f1", pos_label=5)
    with pytest.raises(ModelInputError, match="tie_break must be one of"):
        select_label_model(L[:200], L[200:], y[200:], candidates=cands, tie_break="coin")
    with pytest.raises(ModelInputError, match="no candidate label model could be fitted .*needs at least 3"):
        select_label_model(L[:200, :2], L[200:, :2], y[200:], candidates=[DawidSkene()])
