"""Damaged or hand-edited label-model saves are refused on load (ModelInputError), never a crash or NaN.

The saves here have no ``arrays.npz_sha256`` (as saved before checksums), so only the validation of the
learned state stands between the damaged arrays and ``predict_proba``.
"""

import json
import warnings

import numpy as np
import pytest

import weaksup as ws
import weaksup.snorkel.labeling.model  # noqa: F401  (its label models register: the set below is the same in any run)
from weaksup import ModelInputError
from weaksup.errors import LabelMatrixError
from weaksup.models import BaseLabelModel
from weaksup.models.base import label_model_classes


def _votes(n=200, m=5, k=2, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, k, n)
    L = np.where(rng.random((n, m)) < 0.8, y[:, None], rng.integers(0, k, (n, m)))
    L[rng.random((n, m)) < 0.3] = -1
    return L


L2 = _votes()


def _damaged(tmp_path, model, key, value):
    """Save ``model``, replace (``value``) or drop (``None``) one learned array, remove the checksum."""
    d = model.save(tmp_path / "m")
    with np.load(d / "arrays.npz") as z:
        arrays = {name: z[name] for name in z.files}
    if value is None:
        del arrays[key]
    else:
        arrays[key] = value
    np.savez(d / "arrays.npz", **arrays)
    meta = json.loads((d / "model.json").read_text())
    del meta["arrays.npz_sha256"]
    (d / "model.json").write_text(json.dumps(meta))
    return d


CASES = [
    ("MACE", "spamming_", np.zeros(5), "spamming_ must be a numeric array of shape"),
    ("MACE", "spamming_", None, "spamming_ must be a numeric array"),
    ("MACE", "spamming_", np.full((5, 2), "x"), "spamming_ must be a numeric array"),
    ("MACE", "spamming_", np.full((5, 2), np.nan), r"spamming_\[0, 0\]"),
    ("MACE", "spamming_", np.zeros((5, 2)), "spamming_ row 0 sums to"),
    ("MACE", "thetas_", np.zeros((5, 2)), "thetas_ row 0 sums to"),
    ("GLAD", "fit_proba_", np.full((200, 2), np.nan), r"fit_proba_\[0, 0\]"),
    ("GLAD", "fit_proba_", np.full((200, 2), "x"), "fit_proba_ must be a numeric array"),
    ("GLAD", "fit_proba_", np.full((200, 2), 0.2), "fit_proba_ row 0 sums to"),
    ("GLAD", "n_votes_", None, "n_votes_ must be a numeric array"),
    ("KOS", "fit_proba_", np.full((200, 2), np.nan), r"fit_proba_\[0, 0\]"),
    ("AgreementModel", "log_table_", np.log(np.full((5, 3, 2), 0.01)), r"log_table_\[0, :, 0\] holds probabilities"),
    ("DawidSkene", "log_table_", np.log(np.full((5, 3, 2), 0.01)), r"log_table_\[0, :, 0\] holds probabilities"),
    ("GenerativeModel", "log_table_", np.log(np.full((5, 3, 2), 0.5)), r"log_table_\[0, :, 0\] holds probabilities"),
]


@pytest.mark.parametrize("name, key, value, message", CASES, ids=[f"{c[0]}-{c[1]}-{i}" for i, c in enumerate(CASES)])
def test_damaged_learned_array_is_refused_on_load(tmp_path, name, key, value, message):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = label_model_classes()[name]().fit(L2)
    d = _damaged(tmp_path, model, key, value)
    with pytest.raises(ModelInputError, match=message) as info:
        BaseLabelModel.load(d).predict_proba(L2)
    assert str(d) in str(info.value)


def test_kos_positive_class_must_be_a_class(tmp_path):
    d = ws.KOS().fit(L2).save(tmp_path / "m")
    meta = json.loads((d / "model.json").read_text())
    meta["attributes"]["positive_class_"] = "x"
    (d / "model.json").write_text(json.dumps(meta))
    with pytest.raises(ModelInputError, match="positive_class_"):
        BaseLabelModel.load(d)


@pytest.mark.parametrize("name", sorted(n for n, c in label_model_classes().items()
                                        if not n.startswith("_") and n not in ("LogTableModel", "MajorityClassVoter")))
@pytest.mark.parametrize("k", [2, 3])
def test_every_fitted_label_model_still_loads(tmp_path, name, k):
    """The new state checks refuse no model a fit produces (binary and multi-class, EM and VB MACE)."""
    cls = label_model_classes()[name]
    L = _votes(m=6, k=k, seed=k)
    # Snorkel's RandomVoter draws fresh probabilities each call unless seeded
    variants = [cls(random_state=0) if name == "RandomVoter" else cls()] + ([cls(method="em")] if name == "MACE" else [])
    for i, model in enumerate(variants):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                model.fit(L)
            except (ModelInputError, LabelMatrixError):  # binary-only models (KOS, the port's default k=2) on 3 classes
                assert k == 3
                continue
        d = model.save(tmp_path / f"m{i}")
        np.testing.assert_array_equal(BaseLabelModel.load(d).predict_proba(L), model.predict_proba(L))


def test_mmsr_divergence_is_a_typed_error_without_numpy_warnings():
    # lf_1 agrees with the others exactly at chance: its M-MSR skill is 0, and the next round divides by it
    L = np.array([[0, 1, -1], [1, 1, 1], [0, 0, -1], [-1, -1, -1], [1, 0, 1], [0, -1, 0]] * 5)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(ModelInputError, match=r"MMSR diverged.*\['lf_0', 'lf_2'\].*\['lf_1'\] reached 0"):
            ws.MMSR().fit(L)
