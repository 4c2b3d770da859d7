"""End models on pandas inputs as users hold them: defects a probe found."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV

from weaksup.errors import ModelInputError
from weaksup.train import SelfTrainingClassifier, SoftLabelClassifier, fit_soft, make_soft_scorer


@pytest.fixture()
def frames():
    rng = np.random.default_rng(0)
    n = 60
    X = rng.normal(size=(n, 3))
    y = (X[:, 0] > 0).astype(int)
    P = np.c_[1 - (0.2 + 0.6 * y), 0.2 + 0.6 * y]
    ids = rng.permutation(1000)[:n]
    weights = pd.Series(np.arange(n) + 1.0, index=ids)
    return pd.DataFrame(X, index=ids), pd.DataFrame(P, index=ids), pd.Series(y, index=ids), weights


_REORDERED = r"X and sample_weight hold the same row ids in a different order"


def test_fit_soft_refuses_sample_weight_in_another_row_order(frames):
    """SoftLabelClassifier.fit refused a weight Series holding X's ids in another order, but fit_soft (and
    expand_soft_labels) took it by position: each row silently got another row's weight."""
    X, P, _, w = frames
    with pytest.raises(ModelInputError, match=_REORDERED):
        fit_soft(LogisticRegression(), X, P, sample_weight=w.iloc[::-1])
    aligned = fit_soft(LogisticRegression(), X, P, sample_weight=w).coef_
    np.testing.assert_allclose(fit_soft(LogisticRegression(), X, P, sample_weight=w.to_numpy()).coef_, aligned)


def test_self_training_refuses_sample_weight_in_another_row_order(frames):
    X, P, y, w = frames
    with pytest.raises(ModelInputError, match=_REORDERED):
        SelfTrainingClassifier(LogisticRegression()).fit(X, P, sample_weight=w.iloc[::-1])
    model = SelfTrainingClassifier(LogisticRegression()).fit(X, P, sample_weight=w)
    with pytest.raises(ModelInputError, match=_REORDERED):
        model.score(X, y, sample_weight=w.iloc[::-1])
    assert model.score(X, y, sample_weight=w) == model.score(X, y, sample_weight=w.to_numpy())


def test_classifier_score_refuses_sample_weight_in_another_row_order(frames):
    X, P, y, w = frames
    model = SoftLabelClassifier(max_epochs=10, random_state=0).fit(X, P)
    with pytest.raises(ModelInputError, match=_REORDERED):
        model.score(X, y, sample_weight=w.iloc[::-1])
    assert model.score(X, y, sample_weight=w) == model.score(X, y, sample_weight=w.to_numpy())


@pytest.mark.parametrize("name", ["accuracy", "neg_log_loss"])
def test_soft_scorer_refuses_targets_in_another_row_order(frames, name):
    """``model.score(X, y_shuffled)`` refused, but the soft scorer read the targets by position and scored
    each row against another row's label; a search's folds (sliced alike) still score as before."""
    X, P, y, _ = frames
    model = SoftLabelClassifier(max_epochs=10, random_state=0).fit(X, P)
    scorer = make_soft_scorer(name)
    for target in (P, y):
        with pytest.raises(ModelInputError, match=r"X and y_true hold the same row ids in a different order"):
            scorer(model, X, target.iloc[::-1])
        assert scorer(model, X, target) == scorer(model, X.to_numpy(), target.to_numpy())
    search = GridSearchCV(SoftLabelClassifier(max_epochs=5, random_state=0), {"C": [0.5, 1.0]}, scoring=scorer, cv=3)
    assert np.isfinite(search.fit(X, P).best_score_)
