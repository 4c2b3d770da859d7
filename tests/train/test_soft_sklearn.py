import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from weaksup.errors import ModelInputError
from weaksup.train import expand_soft_labels, fit_soft


def test_expansion_weights_and_zero_rows():
    X = np.array([[1.0], [2.0], [3.0]])
    P = np.array([[0.25, 0.75], [1.0, 0.0], [0.5, 0.5]])
    Xe, ye, we, src = expand_soft_labels(X, P, sample_weight=[1.0, 2.0, 0.0])
    assert src.tolist() == [0, 0, 1]  # row 2 has weight 0, row 1 has no class-1 mass
    assert ye.tolist() == [0, 1, 0]
    assert we.tolist() == [0.25, 0.75, 2.0]
    assert Xe[:, 0].tolist() == [1.0, 1.0, 2.0]


def test_sparse_stays_sparse():
    X = sp.random(30, 50, density=0.1, format="csr", random_state=0)
    P = np.full((30, 3), 1 / 3)
    Xe, ye, we, _ = expand_soft_labels(X, P)
    assert sp.issparse(Xe) and Xe.shape == (90, 50)
    assert (Xe[1] != X[0]).nnz == 0 and (Xe[3] != X[1]).nnz == 0


def test_fit_soft_equals_soft_cross_entropy_optimum(separable):
    X, y, probs = separable
    model = fit_soft(LogisticRegression(C=1e6, max_iter=1000), X, probs, class_weight=None)
    # at the optimum of the soft cross entropy the gradient sum_i (q_i - p_i) x_i vanishes
    p = model.predict_proba(X)[:, 1]
    grad = ((probs[:, 1] - p)[:, None] * np.column_stack([X, np.ones(len(X))])).mean(axis=0)
    assert np.abs(grad).max() < 1e-4
    assert model.score(X, y) > 0.95


def test_confident_rows_matter_more(separable):
    X, y, _ = separable
    # the same argmax labels, but rows that are wrong get little confidence
    wrong = np.random.default_rng(0).random(len(y)) < 0.3
    hard = np.where(wrong, 1 - y, y)
    conf = np.where(wrong, 0.55, 0.95)
    probs = np.column_stack([np.where(hard == 0, conf, 1 - conf), np.where(hard == 1, conf, 1 - conf)])
    soft = fit_soft(LogisticRegression(), X, probs)
    assert soft.score(X, y) >= LogisticRegression().fit(X, hard).score(X, y)


def test_pipeline_via_weight_param(separable):
    X, y, probs = separable
    pipe = make_pipeline(StandardScaler(), LogisticRegression())
    fit_soft(pipe, X, probs, weight_param="logisticregression__sample_weight")
    assert pipe.score(X, y) > 0.95


def _imbalanced_soft_labels():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 2))
    p1 = 1 / (1 + np.exp(-(3 * X[:, 0] - 3)))  # about 1 row in 6 leans to class 1
    return X, np.column_stack([1 - p1, p1])


@pytest.mark.parametrize("pipeline", [False, True])
def test_balanced_class_weight_uses_soft_label_mass(pipeline):
    X, probs = _imbalanced_soft_labels()
    mass = probs.sum(axis=0)
    by_mass = {c: len(X) / (2 * mass[c]) for c in (0, 1)}

    def model(class_weight):
        lr = LogisticRegression(class_weight=class_weight)
        return make_pipeline(StandardScaler(), lr) if pipeline else lr

    kw = {"weight_param": "logisticregression__sample_weight"} if pipeline else {}
    balanced = model("balanced")
    fit_soft(balanced, X, probs, **kw)
    expected = fit_soft(model(by_mass), X, probs, **kw)
    unweighted = fit_soft(model(None), X, probs, class_weight=None, **kw)
    assert np.allclose(balanced.predict_proba(X), expected.predict_proba(X))
    # balancing by mass moves predictions toward the rare class
    assert balanced.predict(X).mean() > unweighted.predict(X).mean()
    params = balanced.get_params()
    assert params["logisticregression__class_weight" if pipeline else "class_weight"] == "balanced"


def test_errors():
    X = np.zeros((3, 1))
    with pytest.raises(ModelInputError, match="X has 3 rows but probs has 2"):
        fit_soft(LogisticRegression(), X, [[1, 0], [0, 1]])
    with pytest.raises(ModelInputError, match="row 1 sums to"):
        fit_soft(LogisticRegression(), X, [[1, 0], [0.2, 0.2], [0, 1]])
    with pytest.raises(ModelInputError, match="takes no sample_weight"):
        fit_soft(KNeighborsClassifier(), X, [[1, 0], [0, 1], [0, 1]])


def test_expand_checks_min_weight_and_row_ids():
    # was: min_weight=NaN dropped every copy ("every row has zero weight"); frames with the same ids in another
    # order were expanded row by row against each other's labels
    pd = pytest.importorskip("pandas")
    X = np.array([[1.0], [2.0], [3.0]])
    P = np.array([[0.25, 0.75], [1.0, 0.0], [0.5, 0.5]])
    with pytest.raises(ModelInputError, match="min_weight must be a finite number"):
        expand_soft_labels(X, P, min_weight=float("nan"))
    ids = ["a", "b", "c"]
    with pytest.raises(ModelInputError, match="in a different order"):
        fit_soft(LogisticRegression(), pd.DataFrame(X, index=ids), pd.DataFrame(P, index=ids[::-1]))
