"""The package's shape: data flows one way through the stages, and every label model follows one protocol."""

from __future__ import annotations

import ast
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from sklearn.base import clone

import weaksup as ws
from weaksup.models.base import label_model_classes
from weaksup.patterns import PatternCounts

PACKAGE = Path(ws.__file__).resolve().parent


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports() -> dict[str, set[str]]:
    """weaksup module -> the weaksup modules it imports anywhere (module level or inside functions)."""
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        name = _module_name(path)
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                if node.module.startswith("weaksup"):
                    if node.module != "weaksup":  # "from weaksup import x": the submodule x (below)
                        found.add(node.module)
                    found.update(f"{node.module}.{a.name}" for a in node.names)
            elif isinstance(node, ast.Import):
                found.update(a.name for a in node.names if a.name.startswith("weaksup"))
        known = {m for m in found if (PACKAGE.parent / (m.replace(".", "/") + ".py")).exists()
                 or (PACKAGE.parent / m.replace(".", "/") / "__init__.py").exists()}
        graph[name] = known - {name}
    return graph


GRAPH = _imports()


def _stage(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


@pytest.mark.parametrize("lower", ["labeling", "apply"])
def test_labeling_and_apply_import_no_later_stage(lower):
    later = {"models", "train", "quality", "plot", "cli", "pipeline", "snorkel"}
    bad = {(m, dep) for m, deps in GRAPH.items() if _stage(m) == lower for dep in deps if _stage(dep) in later}
    assert not bad, sorted(bad)


@pytest.mark.parametrize("base", ["weaksup.matrix", "weaksup.errors", "weaksup.patterns", "weaksup.io"])
def test_base_modules_import_nothing_above_them(base):
    allowed = {"errors", "_files", "_ids", "_matrix_checks", "_matrix_file", "_matrix_inputs", "_matrix_interop", "_names",
               "_deps", "_validation", "_votes", "matrix", "io", "annotations", "utils", "_dense_cache",
               "_dense_convert"}
    deps = {d for m, ds in GRAPH.items() if m == base or m.startswith(base + ".") for d in ds}
    above = {d for d in deps if _stage(d) not in allowed}
    assert not above, sorted(above)


def test_no_two_modules_import_each_other():
    pairs = {tuple(sorted((a, b))) for a, deps in GRAPH.items() for b in deps
             if a in GRAPH.get(b, set()) and not (b.startswith(a + ".") or a.startswith(b + "."))}
    assert not pairs, sorted(pairs)


def test_applying_lfs_imports_neither_scikit_learn_nor_torch_nor_the_models():
    code = ("import sys, weaksup as ws; ws.LFApplier; ws.keyword_lf; ws.LabelMatrix; ws.apply_file; "
            "print(sorted(m for m in ('sklearn', 'torch', 'weaksup.models', 'scipy.optimize') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout


# one fit protocol --------------------------------------------------------------------------------------
def _models() -> list[type]:
    import weaksup.models  # noqa: F401  (registers the classes)

    return [cls for name, cls in sorted(label_model_classes().items())
            if cls.__module__.startswith("weaksup.models") and not cls.__module__.split(".")[-1].startswith("_")
            and not name.startswith("_") and name not in {"LogTableModel"}]


L_SMALL = np.array([[0, 0, 1, -1], [1, 1, 1, 0], [0, -1, 0, 0], [1, 1, -1, 1], [0, 0, 0, -1]] * 30)


@pytest.mark.parametrize("cls", _models(), ids=lambda c: c.__name__)
def test_every_model_fits_from_statistics_as_from_rows(cls):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rows = cls(cardinality=2).fit(L_SMALL)
        stats = cls(cardinality=2).fit_from_stats(PatternCounts.from_label_matrix(L_SMALL))
    # the same rows in pattern order: models that fit item by item (GLAD) may differ by optimiser round-off
    np.testing.assert_allclose(stats.predict_proba(L_SMALL), rows.predict_proba(L_SMALL), atol=5e-3)


@pytest.mark.parametrize("cls", _models(), ids=lambda c: c.__name__)
def test_predict_proba_never_changes_a_model(cls):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = cls(cardinality=2).fit(L_SMALL)
        before = {k: np.copy(v) if isinstance(v, np.ndarray) else v for k, v in vars(model).items()}
        model.predict_proba(L_SMALL[:7])
        model.score(L_SMALL[:7], np.zeros(7, dtype=int))
    after = vars(model)
    assert set(after) == set(before)
    for key, value in before.items():
        if isinstance(value, np.ndarray):
            np.testing.assert_array_equal(after[key], value, err_msg=key)
        else:
            assert after[key] == value, key


def test_stateless_model_predicts_unfitted_without_becoming_fitted():
    model = ws.MajorityVoter(cardinality=2)
    P = model.predict_proba(L_SMALL)
    assert P.shape == (len(L_SMALL), 2) and not hasattr(model, "cardinality_")


def test_not_fitted_error_is_scikit_learns():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        ws.LabelModel().predict_proba(L_SMALL)
    with pytest.raises(ws.WeaksupError):
        ws.DawidSkene().predict(L_SMALL)
    from sklearn.utils.validation import check_is_fitted

    with pytest.raises(NotFittedError):
        check_is_fitted(ws.LabelModel())
    check_is_fitted(ws.LabelModel().fit(L_SMALL))  # scikit-learn sees a fitted model


def test_randomness_is_random_state_and_fit_seed_is_deprecated():
    model = ws.MatrixCompletion(cardinality=2, random_state=3)
    assert clone(model).get_params()["random_state"] == 3
    with pytest.warns(DeprecationWarning, match="random_state"):
        ws.MatrixCompletion(cardinality=2).fit(L_SMALL, seed=1)
    with pytest.warns(DeprecationWarning, match="uses no randomness"):
        ws.MajorityVoter().fit(L_SMALL, seed=1)
    a = ws.MatrixCompletion(cardinality=2, random_state=1).fit(L_SMALL).predict_proba(L_SMALL)
    b = ws.MatrixCompletion(cardinality=2, random_state=1).fit(L_SMALL).predict_proba(L_SMALL)
    np.testing.assert_array_equal(a, b)


def test_score_is_scikit_learns_float_and_evaluate_the_dict():
    model = ws.MajorityVoter().fit(L_SMALL)
    y = np.array([0, 1, 0, 1, 0] * 30)
    acc = model.score(L_SMALL, y)
    assert isinstance(acc, float)
    assert model.evaluate(L_SMALL, y, metrics=["accuracy", "coverage"]) == {"accuracy": acc, "coverage": 1.0}
    # partial gold: -1 rows are left out
    partial = y.copy()
    partial[::2] = -1
    expected = float(np.mean(model.predict(L_SMALL, tie_break="random", seed=0)[1::2] == y[1::2]))
    assert model.score(L_SMALL, partial) == pytest.approx(expected, abs=0.05)


@pytest.mark.parametrize("cls", _models(), ids=lambda c: c.__name__)
def test_learned_accuracies_have_one_name_and_shape(cls):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = cls(cardinality=2).fit(L_SMALL)
    for name in ("lf_accuracy_", "accuracy_"):
        assert not hasattr(model, name) or np.ndim(getattr(model, name)) == 1, name
    if hasattr(model, "class_accuracy_"):
        assert np.shape(model.class_accuracy_) == (4, 2)
    if hasattr(model, "accuracies_"):
        assert np.shape(model.accuracies_) == (4,)
