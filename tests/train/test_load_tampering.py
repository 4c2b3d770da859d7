"""A damaged or hand-edited SoftLabelClassifier save is refused by load (ModelInputError naming the file)."""

import json

import numpy as np
import pytest

from weaksup import ModelInputError

torch = pytest.importorskip("torch")
from weaksup.train import SoftLabelClassifier  # noqa: E402


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    X = np.random.default_rng(0).normal(size=(60, 3))
    y = (X[:, 0] > 0).astype(int)
    d = SoftLabelClassifier(max_epochs=3, random_state=0).fit(X, y).save(tmp_path_factory.mktemp("c") / "m")
    with np.load(d / "weights.npz") as z:
        arrays = {key: z[key] for key in z.files}
    return json.loads((d / "model.json").read_text()), arrays, X


def _write(tmp_path, meta, arrays):
    d = tmp_path / "edited"
    d.mkdir()
    np.savez(d / "weights.npz", **arrays)
    meta = dict(meta)
    meta.pop("weights.npz_sha256", None)  # an edit made with the checksum removed (or a pre-checksum save)
    (d / "model.json").write_text(json.dumps(meta))
    return d


def _weight(arrays):
    return next(k for k in arrays if k.startswith("weight."))


def _edit_json(where, key, value):
    def edit(meta, arrays):
        meta = json.loads(json.dumps(meta))
        if where is None:
            meta[key] = value
        else:
            meta[where][key] = value
        return meta, arrays
    return edit


def _edit_weight(value):
    def edit(meta, arrays):
        arrays = dict(arrays)
        w = _weight(arrays)
        arrays[w] = value(arrays[w])
        return meta, arrays
    return edit


EDITS = {
    "params not an object": (_edit_json(None, "params", [1, 2]), "'params' and 'attributes' must be objects"),
    "unknown parameter": (_edit_json("params", "n_layers", 3), r"unknown parameters \['n_layers'\]"),
    "model='rnn'": (_edit_json("params", "model", "rnn"), "model must be one of"),
    "C is text": (_edit_json("params", "C", "x"), "C must be a finite number"),
    "lr is null": (_edit_json("params", "lr", None), "lr must be a finite number"),
    "attribute shadows a method": (_edit_json("attributes", "predict_proba", 1), "'predict_proba', which is not"),
    "private attribute": (_edit_json("attributes", "_check_X", 1), "'_check_X', which is not"),
    "n_features_in_ is text": (_edit_json("attributes", "n_features_in_", "3"), "n_features_in_ must be an integer"),
    "history_ not a list": (_edit_json("attributes", "history_", 5), "history_ must be a list"),
    "weights as strings": (_edit_weight(lambda w: np.full(w.shape, "x")), "must hold finite numbers; got dtype"),
    "NaN weights": (_edit_weight(lambda w: np.full_like(w, np.nan)), "must hold finite numbers; got NaN"),
    "weights of another shape": (_edit_weight(lambda w: np.zeros((7, 7), np.float32)), "do not fit the weights"),
    "repeated classes": (lambda meta, arrays: (meta, {**arrays, "classes_": np.array([0, 0])}),
                         "classes_ must be 2 or more distinct labels"),
}


@pytest.mark.parametrize("edit, message", EDITS.values(), ids=EDITS.keys())
def test_damaged_save_is_a_model_input_error(tmp_path, saved, edit, message):
    meta, arrays, X = saved
    d = _write(tmp_path, *edit(meta, arrays))
    with pytest.raises(ModelInputError, match=message) as info:
        SoftLabelClassifier.load(d).predict_proba(X)
    assert str(d) in str(info.value)


@pytest.mark.parametrize("text", ["[1, 2]", "null", '"weaksup.SoftLabelClassifier"'])
def test_model_json_that_is_not_an_object_is_refused(tmp_path, saved, text):
    _, arrays, _ = saved
    d = _write(tmp_path, {}, arrays)
    (d / "model.json").write_text(text)
    with pytest.raises(ModelInputError, match="does not hold a weaksup.SoftLabelClassifier"):
        SoftLabelClassifier.load(d)


def test_unchecked_but_intact_save_still_loads(tmp_path, saved):
    meta, arrays, X = saved
    d = _write(tmp_path, meta, arrays)
    assert np.isfinite(SoftLabelClassifier.load(d).predict_proba(X)).all()


def test_non_numeric_parameters_are_typed_errors_at_fit():
    X, y = np.eye(2), [0, 1]
    for bad in ({"C": "x"}, {"max_epochs": None}, {"lr": float("nan")}):
        with pytest.raises(ModelInputError, match=f"{next(iter(bad))} must be a finite number"):
            SoftLabelClassifier(**bad).fit(X, y)
