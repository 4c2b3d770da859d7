"""Label models on inputs as users hold them, and mistakes users make: typed errors, never a raw traceback."""

import json
import shutil

import numpy as np
import pandas as pd
import pytest

import weaksup as ws
from weaksup.errors import ModelInputError, UnsafeOutputError, WeaksupWarning
from weaksup.models import (
    GLAD,
    KOS,
    MACE,
    MMSR,
    BaseLabelModel,
    CrowdDawidSkene,
    MajorityVoter,
    OneCoinDawidSkene,
    select_label_model,
)
from weaksup.snorkel.labeling.model import LabelModel as SnorkelPortLabelModel

from .conftest import make_votes


@pytest.fixture(scope="module")
def votes():
    return make_votes(300, [0.85, 0.8, 0.75, 0.7], cov=0.6, seed=3)


@pytest.mark.parametrize("model", [CrowdDawidSkene, OneCoinDawidSkene, GLAD, MACE, MMSR, KOS])
def test_crowd_models_on_a_matrix_without_votes_raise_a_typed_error(model):
    L = ws.LabelMatrix.from_dense(np.full((10, 3), -1), lf_names=["ann", "bob", "cy"])
    with pytest.raises(ModelInputError, match=f"{model.__name__} cannot be fitted.*ann"):
        model().fit(L)


def test_fit_y_dev_treats_minus_one_and_missing_as_unknown(votes):
    L, y = votes
    full = MajorityVoter().fit(L, Y_dev=y[:40]).class_balance_
    partial = np.r_[y[:40], -np.ones(10, int)]
    np.testing.assert_allclose(MajorityVoter().fit(L, Y_dev=partial).class_balance_, full)
    with_nan = np.r_[y[:40].astype(float), np.full(10, np.nan)]
    np.testing.assert_allclose(MajorityVoter().fit(L, Y_dev=with_nan).class_balance_, full)
    with pytest.raises(ModelInputError, match="no known labels"):
        MajorityVoter().fit(L, Y_dev=-np.ones(5, int))


def test_evaluate_with_no_known_gold_warns_and_gives_nan(votes):
    L, _ = votes
    model = ws.LabelModel().fit(L)
    with pytest.warns(WeaksupWarning, match="no row of Y has a known gold label"):
        out = model.evaluate(L, -np.ones(len(L), int), metrics=["accuracy", "f1", "log_loss", "roc_auc"])
    assert set(out) == {"accuracy", "f1", "log_loss", "roc_auc"} and all(np.isnan(v) for v in out.values())
    with pytest.raises(ModelInputError, match="unknown metric 'auc'"):
        model.evaluate(L, np.zeros(len(L), int), metrics=["auc"])


def test_select_label_model_takes_gold_labels_as_users_hold_them(votes):
    L, y = votes
    Lt, Ld, yd = L[:200], L[200:], y[200:]
    cands = [MajorityVoter(), ws.LabelModel()]
    _, base = select_label_model(Lt, Ld, yd, candidates=cands)
    _, as_text = select_label_model(Lt, Ld, yd.astype(str), candidates=cands)
    pd.testing.assert_frame_equal(base, as_text)
    partial = np.r_[yd[:-10].astype(float), np.full(10, np.nan)]
    _, table = select_label_model(Lt, Ld, partial, candidates=cands)
    assert table["accuracy"].notna().all()  # the "dev" balance rows are not skipped for unknown labels
    _, table = select_label_model(Lt, Ld, np.r_[yd[:-10], -np.ones(10, int)], candidates=cands)
    assert table["accuracy"].notna().all()
    with pytest.raises(ModelInputError, match="Y_dev has 50 labels for 100 rows"):
        select_label_model(Lt, Ld, yd[:50], candidates=cands)
    with pytest.raises(ModelInputError, match="unknown metric 'auc'"):
        select_label_model(Lt, Ld, yd, candidates=cands, metric="auc")


def test_gold_series_of_a_shuffled_frame_is_read_in_order_when_the_votes_have_no_ids(votes):
    L, y = votes
    dense = np.asarray(L)  # a plain array: its rows have no ids
    frame = pd.DataFrame({"label": y}, index=np.random.default_rng(0).permutation(len(y)))  # shuffled, no reset
    model = MajorityVoter().fit(dense)
    as_array = model.score(dense, y)
    assert model.score(dense, frame["label"]) == as_array
    assert MajorityVoter().fit(dense[:50]).score(dense[:50], frame["label"].iloc[:50]) == model.score(
        dense[:50], y[:50])
    _, table = select_label_model(dense[:200], dense[200:], frame["label"].iloc[200:], candidates=[MajorityVoter()])
    _, expected = select_label_model(dense[:200], dense[200:], y[200:], candidates=[MajorityVoter()])
    pd.testing.assert_frame_equal(table, expected)
    # rows with ids are still matched by id, in any order
    ided = ws.LabelMatrix.from_dense(dense, index=[f"r{i}" for i in range(len(y))])
    shuffled = pd.Series(y, index=ided.index)[::-1]
    assert model.score(ided, shuffled) == as_array


@pytest.fixture
def saved(votes, tmp_path):
    L, _ = votes
    path = ws.LabelModel().fit(L).save(tmp_path / "model")
    return path, json.loads((path / "model.json").read_text())


@pytest.mark.parametrize("edit", [
    lambda meta: {k: v for k, v in meta.items() if k != "class"},
    lambda meta: {**meta, "params": [1]},
    lambda meta: {**meta, "attributes": None},
    lambda meta: {**meta, "params": {**meta["params"], "evil": 1}},
    lambda meta: {**meta, "params": {**meta["params"], "cardinality": "x"}},
    lambda meta: {**meta, "attributes": {**meta["attributes"], "__class__": "x"}},
    lambda meta: {**meta, "attributes": {**meta["attributes"], "predict_proba": 1}},
], ids=["no-class", "params-list", "attributes-null", "unknown-param", "bad-param", "dunder-attr", "method-attr"])
def test_load_refuses_an_edited_model_json_with_a_typed_error(saved, edit):
    path, meta = saved
    (path / "model.json").write_text(json.dumps(edit(meta)))
    with pytest.raises(ModelInputError):
        BaseLabelModel.load(path)


def test_save_refuses_a_file_and_a_foreign_model_json(votes, tmp_path):
    L, _ = votes
    model = MajorityVoter().fit(L)
    data = tmp_path / "votes.csv"
    data.write_text("a,b\n1,0\n")
    with pytest.raises(UnsafeOutputError, match="it is a file"):
        model.save(data)
    assert data.read_text() == "a,b\n1,0\n"
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "model.json").write_text('{"layers": 3}')
    with pytest.raises(UnsafeOutputError, match="not a saved weaksup model"):
        model.save(folder)
    assert (folder / "model.json").read_text() == '{"layers": 3}'
    theirs = tmp_path / "arrays"
    theirs.mkdir()
    np.savez(theirs / "arrays.npz", L=np.zeros(3))
    with pytest.raises(UnsafeOutputError, match="no model.json beside it"):
        model.save(theirs)
    np.testing.assert_array_equal(np.load(theirs / "arrays.npz")["L"], np.zeros(3))
    again = tmp_path / "again"
    model.save(again)
    model.save(again)  # overwriting an earlier weaksup save is fine
    shutil.rmtree(again)


def test_snorkel_port_fit_with_zero_epochs_keeps_the_start_as_snorkel(votes):
    snorkel = pytest.importorskip("snorkel.labeling.model")
    L, _ = votes
    ours = SnorkelPortLabelModel(verbose=False).fit(L, n_epochs=0, seed=3, progress_bar=False)
    theirs = snorkel.LabelModel(verbose=False)
    theirs.fit(L, n_epochs=0, seed=3, progress_bar=False)
    np.testing.assert_allclose(ours.predict_proba(L), theirs.predict_proba(L), atol=1e-4)
    assert np.isfinite(ours.loss_)


def test_predict_proba_frame_class_names_of_the_wrong_length(votes):
    L, _ = votes
    model = MajorityVoter().fit(L)
    with pytest.raises(ModelInputError, match="class_names has 1 names"):
        model.predict_proba_frame(L, class_names=["HAM"])
    assert list(model.predict_proba_frame(L, class_names=["HAM", "SPAM"]).columns) == ["HAM", "SPAM"]


def test_votes_only_models_answer_a_matrix_with_no_rows():
    from weaksup.snorkel.labeling.model import MajorityLabelVoter

    empty = np.zeros((0, 3), dtype=int)
    assert MajorityVoter().predict_proba(empty).shape == (0, 2)
    assert MajorityVoter(cardinality=4).predict(empty).shape == (0,)
    assert MajorityLabelVoter().predict(empty).shape == (0,)  # as Snorkel 0.10's


def test_snorkel_port_score_with_gold_of_the_wrong_length_is_a_typed_error(votes):
    from weaksup.snorkel.labeling.model import MajorityLabelVoter

    L, y = votes
    with pytest.raises(ModelInputError, match="label matrix has 300 rows"):
        MajorityLabelVoter().score(L, y[:10])


def test_snorkel_port_class_balance_not_summing_to_one_warns(votes):
    L, _ = votes
    with pytest.warns(WeaksupWarning, match="does not sum to 1"):
        model = SnorkelPortLabelModel(verbose=False).fit(L, class_balance=[1, 3], progress_bar=False)
    np.testing.assert_allclose(model.class_balance_, [0.25, 0.75])


def test_save_does_not_overwrite_another_kind_of_model_in_the_same_folder(votes, tmp_path):
    pytest.importorskip("torch")
    L, y = votes
    ws.LabelModel().fit(L).save(tmp_path)
    before = (tmp_path / "model.json").read_text()
    clf = ws.SoftLabelClassifier(max_epochs=2).fit(np.eye(4)[np.arange(len(y)) % 4], y)
    with pytest.raises(UnsafeOutputError, match="holds a weaksup.LabelModel"):
        clf.save(tmp_path)
    assert (tmp_path / "model.json").read_text() == before
    BaseLabelModel.load(tmp_path)


def test_snorkel_majority_voter_keeps_its_fitted_class_balance_through_save_and_load(tmp_path):
    from weaksup.snorkel.labeling.model import MajorityLabelVoter

    L = np.array([[0, 1, -1], [-1, -1, -1], [1, 1, 0]] * 5)
    model = MajorityLabelVoter()
    model.fit(L, class_balance=[0.2, 0.8])
    model.save(tmp_path / "mv")
    np.testing.assert_allclose(MajorityLabelVoter.load(tmp_path / "mv").predict_proba(L[:2]), [[0.5, 0.5], [0.2, 0.8]])
    into = MajorityLabelVoter()
    into.load(tmp_path / "mv")
    np.testing.assert_allclose(into.predict_proba(L[:2]), [[0.5, 0.5], [0.2, 0.8]])


def test_loading_a_pickle_file_says_weaksup_never_loads_pickles(tmp_path):
    pickled = tmp_path / "label_model.pkl"
    pickled.write_bytes(b"\x80\x04K\x01.")  # what Snorkel's LabelModel.save writes: a pickle file
    with pytest.raises(ModelInputError, match="never loads pickles"):
        BaseLabelModel.load(pickled)
    with pytest.raises(ModelInputError, match="never loads pickles"):
        SnorkelPortLabelModel(verbose=False).load(pickled)


def test_roc_auc_scores_pos_label_against_the_rest(votes):
    from sklearn.metrics import roc_auc_score

    L, y = votes
    model = ws.LabelModel().fit(L)
    P = model.predict_proba(L)
    assert model.evaluate(L, y, metrics=["roc_auc"])["roc_auc"] == pytest.approx(roc_auc_score(y, P[:, 1]))
    # pos_label=0: how well P[:, 0] ranks class 0 first (it used to be scored against class 1)
    assert model.evaluate(L, y, metrics=["roc_auc"], pos_label=0)["roc_auc"] == pytest.approx(
        roc_auc_score(y == 0, P[:, 0]))
    L3, y3 = make_votes(300, [0.8, 0.7, 0.7], k=3, seed=5)
    m3 = ws.LabelModel().fit(L3)
    assert m3.evaluate(L3, y3, metrics=["roc_auc"], pos_label=2)["roc_auc"] == pytest.approx(
        roc_auc_score(y3 == 2, m3.predict_proba(L3)[:, 2]))
    with pytest.raises(ModelInputError, match="pos_label must be a class id 0..2"):
        m3.evaluate(L3, y3, metrics=["roc_auc"], pos_label=7)


@pytest.mark.parametrize("model", [ws.MatrixCompletion, MACE, MMSR, KOS, ws.DependencyAwareModel])
def test_a_bad_random_state_is_a_typed_error_naming_it(model, votes):
    L, _ = votes
    with pytest.raises(ModelInputError, match="parameter random_state must be"):
        model(random_state="abc").fit(L)


@pytest.mark.parametrize("params", [dict(base_params=[1, 2]), dict(structure_params="abc"),
                                    dict(base_params={"foo": 1}), dict(structure_params={"foo": 1})])
def test_dependency_aware_model_inner_parameters_are_checked(params, votes):
    L, _ = votes
    with pytest.raises(ModelInputError, match="_params"):
        ws.DependencyAwareModel(**params).fit(L)


def test_a_snorkel_port_model_loads_in_a_fresh_process_without_importing_the_port(tmp_path):
    import subprocess
    import sys

    L = np.array([[0, 1, -1], [1, 1, 0], [0, 0, -1], [1, -1, 1]] * 5)
    SnorkelPortLabelModel(verbose=False).fit(L, progress_bar=False).save(tmp_path / "lm")
    code = ("import sys; from weaksup.models import BaseLabelModel; "
            "print(type(BaseLabelModel.load(sys.argv[1])).__name__)")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "lm")], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "LabelModel"


def test_snorkel_majority_class_voter_saves_and_loads(tmp_path):
    from weaksup.snorkel.labeling.model import MajorityClassVoter

    model = MajorityClassVoter()
    model.fit(balance=np.array([3, 7]))  # counts, as Snorkel takes them (only the largest matters)
    model.save(tmp_path / "mcv")
    loaded = MajorityClassVoter.load(tmp_path / "mcv")
    np.testing.assert_array_equal(loaded.predict(np.array([[0, 0], [1, -1]])), [1, 1])
    np.testing.assert_allclose(loaded.class_balance_, [0.3, 0.7])


def test_class_balance_longer_than_the_inferred_k_says_to_pass_cardinality():
    with pytest.raises(ModelInputError, match="pass cardinality=3"):
        ws.LabelModel().fit(np.array([[0, 1], [1, 1]]), class_balance=[0.2, 0.3, 0.5])
    model = ws.LabelModel(cardinality=3).fit(np.array([[0, 1], [1, 1]] * 5), class_balance=[0.2, 0.3, 0.5])
    np.testing.assert_allclose(model.predict_proba(np.array([[-1, -1]])), [[0.2, 0.3, 0.5]])


def test_diagnose_checks_the_votes_against_the_fitted_lfs(votes):
    L, _ = votes
    df = pd.DataFrame(L, columns=["a", "b", "c", "d"])
    model = ws.LabelModel().fit(df)
    with pytest.raises(ModelInputError, match="label matrix has 3 LFs"):
        model.diagnose(L[:, :3])
    with pytest.raises(ModelInputError, match="missing LFs"):
        model.diagnose(df.rename(columns={"a": "z"}))
    pd.testing.assert_frame_equal(model.diagnose(df[["d", "c", "b", "a"]]), model.diagnose(df))


def test_dev_or_test_votes_of_a_class_the_fit_never_saw_say_to_pass_cardinality(votes):
    L, y = votes  # binary votes: k = 2 is inferred
    with pytest.raises(ModelInputError, match=r"Y_dev label 2 at row 5 is out of range \(0..1\).*pass cardinality=3"):
        ws.LabelModel().fit(L, Y_dev=np.r_[y[:5], 2])
    model = ws.LabelModel().fit(L)
    test = L.copy()
    test[0, 0] = 2
    with pytest.raises(ws.LabelMatrixError, match="LF .lf_0. votes label 2 at row 0, out of range.*inferred cardinality 2.*cardinality=3"):
        model.predict_proba(test)
    # a cardinality the user chose is not second-guessed
    with pytest.raises(ws.LabelMatrixError) as err:
        ws.LabelModel(cardinality=2).fit(L).predict_proba(test)
    assert "inferred" not in str(err.value)
    with pytest.warns(WeaksupWarning, match="class never favoured: class 2"):  # no LF votes it: said, not hidden
        model = ws.LabelModel(cardinality=3).fit(L, Y_dev=np.r_[y[:5], 2])
    assert model.predict_proba(test).shape == (len(L), 3)


@pytest.mark.parametrize(("method", "kwargs", "says"), [
    ("fit", {"n_epochs": 500, "log_freq": 100}, r"n_epochs=, log_freq=: Snorkel's training option\(s\)"),
    ("fit", {"progress_bar": False}, "use progress="),
    ("predict", {"tie_break_policy": "random"}, "use tie_break="),
    ("predict", {"return_probs": True}, r"use predict_proba\(L\)"),
    ("score", {"tie_break_policy": "abstain"}, "use tie_break="),
])
def test_snorkel_keywords_on_native_models_say_what_to_pass_instead(votes, method, kwargs, says):
    L, y = votes
    model = ws.LabelModel().fit(L)
    args = (L, y) if method == "score" else (L,)
    with pytest.raises(ws.ParameterTypeError, match=says) as err:  # a TypeError, as Python's own
        getattr(model, method)(*args, **kwargs)
    assert isinstance(err.value, TypeError) and "weaksup.snorkel.labeling.model.LabelModel" in str(err.value)


def test_snorkel_fit_call_on_native_models_names_the_constructor_parameter(votes):
    L, _ = votes
    with pytest.raises(ws.ParameterTypeError, match=r"constructor parameter here: MatrixCompletion\(n_epochs=...\)"):
        ws.MatrixCompletion().fit(L, n_epochs=500)
    with pytest.raises(ws.ParameterTypeError, match=r"L_train=: pass the votes as the first argument"):
        ws.LabelModel().fit(L_train=L)
    with pytest.raises(ws.ParameterTypeError, match=r"needs the votes: fit\(L\)"):
        ws.LabelModel().fit()
    with pytest.raises(ws.ParameterTypeError, match="bogus=: not an argument of MajorityVoter.fit"):
        ws.MajorityVoter().fit(L, bogus=1)
    # what the native API takes still works
    assert ws.MatrixCompletion(n_epochs=20).fit(L, progress=False).predict(L, tie_break="random").shape == (len(L),)


def test_evaluate_takes_one_metric_name_and_refuses_a_pos_label_that_is_not_a_class_id(votes):
    L, y = votes
    model = ws.LabelModel().fit(L)
    assert model.evaluate(L, y, metrics="f1") == model.evaluate(L, y, metrics=["f1"])  # not 'f', '1'
    for bad in ("1", 1.5, None, True):
        with pytest.raises(ModelInputError, match="pos_label must be a class id 0..1"):
            model.evaluate(L, y, metrics=["f1"], pos_label=bad)


@pytest.mark.parametrize("model", [ws.LabelModel, MajorityVoter, ws.MatrixCompletion, CrowdDawidSkene, GLAD, MACE,
                                   ws.Wawa, ws.ZeroBasedSkill, MMSR], ids=lambda m: m.__name__)
def test_a_refit_forgets_what_an_earlier_fit_learned(model):
    import warnings

    L2, _ = make_votes(200, [0.85, 0.8, 0.75], seed=5)
    L3, _ = make_votes(200, [0.85, 0.8, 0.75], k=3, seed=6)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", WeaksupWarning)
        fresh = model().fit(L2)
        refit = model().fit(L2, class_balance=[0.1, 0.9]).fit(L2)  # the given prior belongs to the first fit
        np.testing.assert_allclose(refit.class_balance_, fresh.class_balance_)
        np.testing.assert_allclose(refit.predict_proba(L2), fresh.predict_proba(L2))
        other_k = model().fit(L3).fit(L2)  # three classes, then two
    assert other_k.predict_proba(L2).shape == (len(L2), 2)
    np.testing.assert_allclose(other_k.predict_proba(L2), fresh.predict_proba(L2))


def test_loading_another_kind_of_model_through_label_model_says_how_to_load_it(tmp_path):
    folder = MajorityVoter().fit(np.array([[0, 1], [1, 1]])).save(tmp_path / "mv")
    with pytest.raises(ModelInputError, match=r"holds a 'MajorityVoter', which is not a AgreementModel; "
                                              r"load it with MajorityVoter.load\(path\)"):
        ws.LabelModel.load(folder)
    assert isinstance(BaseLabelModel.load(folder), MajorityVoter)


def test_missing_lfs_at_predict_time_say_how_to_add_them_as_abstaining():
    # a crowd user predicting new items where one annotator labelled none of them
    ann = pd.DataFrame({"item": ["a", "a", "b", "b", "c"], "worker": ["u", "v", "u", "v", "u"], "label": [0, 1, 0, 0, 1]})
    L = ws.LabelMatrix.from_annotations(ann, item="item", annotator="worker", label="label", cardinality=2)
    model = ws.LabelModel(cardinality=2).fit(L)
    new = ws.LabelMatrix.from_annotations(ann[ann.worker == "u"], item="item", annotator="worker", label="label",
                                          cardinality=2)
    with pytest.raises(ModelInputError, match=r"missing LFs \['v'\]; .*L\.add_lfs\(np\.full\(\(L\.n_rows, 1\), -1\)"):
        model.predict_proba(new)
    fixed = new.add_lfs(np.full((new.n_rows, 1), -1), lf_names=["v"])  # what the message says to do
    only_u = np.full((L.n_rows, 1), -1)  # v abstains everywhere
    expected = model.predict_proba(np.hstack([L.to_dense()[:, [0]], only_u]))
    np.testing.assert_allclose(model.predict_proba(fixed), expected)


def test_too_few_lfs_says_what_each_model_needs():
    # MajorityVoter was told to "use MajorityVoter for fewer LFs", with "1 labeling functions"
    with pytest.raises(ws.errors.ModelInputError, match="at least one labeling function") as info:
        ws.MajorityVoter(cardinality=2).fit(np.zeros((3, 0), int))
    assert "MajorityVoter needs only" not in str(info.value)
    with pytest.raises(ws.errors.ModelInputError, match="at least 3 labeling functions.*MajorityVoter needs only one"):
        ws.Triplet(cardinality=2).fit(np.zeros((3, 2), int))
