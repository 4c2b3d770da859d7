"""Slicing: native slice matrix, scores and report; the Snorkel-compatible names, side by side with Snorkel 0.10."""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

import weaksup.slicing as wsl
import weaksup.snorkel.slicing as wss
from weaksup.errors import LabelingFunctionError

snorkel_slicing = pytest.importorskip("snorkel.slicing")
from snorkel.analysis import Scorer  # noqa: E402


def _frame(n=200):
    rng = np.random.RandomState(0)
    words = np.array(["check", "out", "my", "channel", "nice", "song", "http://x.co", "love"])
    texts = [" ".join(rng.choice(words, size=rng.randint(1, 8))) for _ in range(n)]
    return pd.DataFrame({"text": texts, "n": rng.randint(0, 50, n)}, index=[f"c{i}" for i in range(n)])


# SF bodies shared by Snorkel's decorator and ours; they return what Snorkel users return
def _short(x):
    return len(x.text.split()) < 3


def _has_link(x):
    return "http" in x.text


def _big_n(x):
    return int(x.n > 40)  # 1/0 ints


def _np_bool(x):
    return np.bool_(x.text.startswith("check"))


BODIES = [_short, _has_link, _big_n, _np_bool]


def _sfs(decorate):
    return [decorate(name=b.__name__.strip("_"))(b) for b in BODIES]


def test_pandas_sf_applier_equals_snorkel():
    df = _frame()
    expected = snorkel_slicing.PandasSFApplier(_sfs(snorkel_slicing.slicing_function)).apply(df, progress_bar=False)
    got = wss.PandasSFApplier(_sfs(wss.slicing_function)).apply(df, progress_bar=False)
    assert got.dtype == expected.dtype
    for name in expected.dtype.names:
        assert got[name].tolist() == expected[name].tolist()
    # the native applier gives the same membership, sparse, with the frame's ids
    S = wsl.SFApplier(_sfs(wsl.slicing_function)).apply(df, progress=False)
    assert S.names == list(expected.dtype.names) and S.index.equals(df.index)
    for name in S.names:
        assert (S[name] == (expected[name] == 1)).all()
    assert S.csr.nnz == sum(int((expected[n] == 1).sum()) for n in S.names)  # only members stored
    assert (S.to_recarray() == expected).all()


def test_sf_applier_on_objects_equals_snorkel():
    points = [SimpleNamespace(text=t, n=n) for t, n in zip(_frame(50).text, _frame(50).n, strict=True)]
    expected = snorkel_slicing.SFApplier(_sfs(snorkel_slicing.slicing_function)).apply(points, progress_bar=False)
    got = wss.SFApplier(_sfs(wss.slicing_function)).apply(points, progress_bar=False)
    assert (got == expected).all() and got.dtype == expected.dtype


def test_slice_dataframe_equals_snorkel():
    df = _frame()
    for body in BODIES:
        expected = snorkel_slicing.slice_dataframe(df, snorkel_slicing.slicing_function()(body))
        pd.testing.assert_frame_equal(wss.slice_dataframe(df, wss.slicing_function()(body)), expected)
        pd.testing.assert_frame_equal(wsl.slice_dataframe(df, wsl.slicing_function()(body)), expected)


def test_score_slices_equals_snorkel_scorer():
    df = _frame()
    rng = np.random.RandomState(1)
    golds = rng.randint(0, 2, len(df))
    probs = rng.dirichlet([1, 1], len(df))
    preds = probs.argmax(1)
    S_rec = snorkel_slicing.PandasSFApplier(_sfs(snorkel_slicing.slicing_function)).apply(df, progress_bar=False)
    expected = Scorer(metrics=["accuracy", "f1", "roc_auc"]).score_slices(S_rec, golds, preds, probs,
                                                                          as_dataframe=True)
    S = wsl.SFApplier(_sfs(wsl.slicing_function)).apply(df, progress=False)
    got = wsl.score_slices(S, golds, preds, probs, metrics=("accuracy", "f1", "roc_auc"))
    assert got.index.tolist() == expected.index.tolist()
    np.testing.assert_allclose(got[expected.columns].to_numpy(), expected.to_numpy(), atol=1e-12)
    assert got["n"].tolist() == [len(df)] + [int(S[n].sum()) for n in S.names]
    # the record array Snorkel users hold is accepted as it is, and so is the dict form
    as_dict = wsl.score_slices(S_rec, golds, preds, probs, metrics=("accuracy",), as_dataframe=False)
    assert as_dict["short"]["accuracy"] == pytest.approx(expected.loc["short", "accuracy"])


def test_score_slices_unknown_golds_and_abstains():
    S = wsl.SliceMatrix.from_dense([[1], [1], [1], [0]], names=["s"])
    out = wsl.score_slices(S, golds=[1, -1, 0, 1], preds=[1, 0, -1, 1], metrics=("accuracy", "coverage"))
    # the row with gold -1 is out of every score; an abstained prediction is wrong
    assert out.loc["overall"].tolist() == [3, 2 / 3, 2 / 3]
    assert out.loc["s"].tolist() == [2, 0.5, 0.5]


def test_slice_report_by_hand():
    S = wsl.SliceMatrix.from_dense([[1, 0], [1, 1], [1, 0], [0, 1], [0, 0]], names=["a", "b"])
    golds, preds = np.array([1, 0, 1, 1, 0]), np.array([1, 1, 0, 1, 0])
    report = wsl.slice_report(S, golds, preds)
    assert report.index.tolist() == ["a", "b"]  # worst first
    a, b = report.loc["a"], report.loc["b"]
    assert a["n"] == 3 and a["accuracy"] == pytest.approx(1 / 3) and a["rest"] == 1.0
    assert a["gap"] == pytest.approx(1 / 3 - 3 / 5) and a["overlap"] == pytest.approx(1 / 3)
    assert b["accuracy"] == 0.5 and b["rest"] == pytest.approx(2 / 3) and b["share"] == 0.4


def test_vectorized_and_template_sfs_equal_row_wise():
    df = _frame()

    @wsl.slicing_function(vectorized=True)
    def short(batch):
        return batch.text.str.split().str.len() < 3

    sfs = [
        short,
        wsl.keyword_sf("http", name="has_link"),
        wsl.threshold_sf("n", ">", 40, name="big_n"),
        wsl.regex_sf(r"^check", name="np_bool"),
    ]
    S_vec = wsl.SFApplier(sfs).apply(df, progress=False)
    S_row = wsl.SFApplier(_sfs(wsl.slicing_function)).apply(df, progress=False)
    assert S_vec == S_row
    assert (wsl.SFApplier([wsl.length_sf("text", "<", 3, name="short")]).apply(df, progress=False)["short"]
            == S_row["short"]).all()
    from weaksup.labeling.templates import keyword_lf

    fires = wsl.lf_sf(keyword_lf("http", label=1), name="fires")
    assert (wsl.SFApplier([fires]).apply(df, progress=False)["fires"] == S_row["has_link"]).all()


def test_bad_sf_output_and_errors_name_the_sf_and_row():
    df = pd.DataFrame({"text": ["a", "b c"], "n": [1, 2]}, index=["r1", "r2"])
    bad = wsl.slicing_function(name="bad")(lambda x: 2 if x.n == 2 else False)
    with pytest.raises(LabelingFunctionError, match=r"'bad' failed on row 'r2'.*True or False.*got 2"):
        wsl.SFApplier([bad]).apply(df, progress=False)
    boom = wsl.slicing_function(name="boom")(lambda x: x.missing)
    with pytest.raises(LabelingFunctionError, match=r"'boom' failed on row 'r1'"):
        wsl.SFApplier([boom]).apply(df, progress=False)
    applier = wsl.SFApplier([boom])
    S = applier.apply(df, progress=False, fault_tolerant=True)
    assert S.sizes().tolist() == [0] and applier.errors_["boom"].count == 2
    with pytest.raises(wsl.SliceError, match="unique"):
        wsl.SFApplier([bad, bad])
    with pytest.raises(ValueError, match="missing parentheses"):
        wss.slicing_function(_short)
    with pytest.raises(wsl.SliceError, match="rows but the labels have"):
        wsl.score_slices(wsl.SliceMatrix.from_dense([[1]], names=["s"]), golds=[1, 0], preds=[1, 0])


def test_slice_matrix_round_trips_and_lookups():
    rec = np.rec.fromarrays([[1, 0, 1], [0, 0, 1]], names="a,b")
    S = wsl.as_slice_matrix(rec)
    assert S.names == ["a", "b"] and (S.to_recarray() == rec).all()
    frame = S.to_frame()
    assert wsl.SliceMatrix.from_dense(frame) == S
    assert S.ids("b").tolist() == [2] and S.sizes().to_dict() == {"a": 2, "b": 1}
    with pytest.raises(KeyError, match="no slice named 'c'"):
        S["c"]


def test_add_slice_labels_and_slice_tasks_match_snorkel():
    import torch
    from snorkel.classification import DictDataLoader, DictDataset, Operation, Task
    from snorkel.slicing import add_slice_labels, convert_to_slice_tasks

    df = pd.DataFrame({"val": [0.1, 0.2, 0.3, 0.4, 0.5]})
    y = torch.tensor([0, 1, 1, 0, 1])

    def loader():
        return DictDataLoader(DictDataset("d", "train", X_dict={"data": torch.tensor(df.val.to_numpy())},
                                          Y_dict={"task": y.clone()}))

    def task():
        pool = torch.nn.ModuleDict({"body": torch.nn.Linear(2, 10), "head": torch.nn.Linear(10, 2)})
        ops = [Operation(name="enc", module_name="body", inputs=["_input_"]),
               Operation(name="pred", module_name="head", inputs=["enc"])]
        return Task(name="task", module_pool=pool, op_sequence=ops)

    S_rec = snorkel_slicing.PandasSFApplier([snorkel_slicing.slicing_function(name="low")(lambda x: x.val < 0.25)]
                                            ).apply(df, progress_bar=False)
    expected, got = loader(), loader()
    add_slice_labels(expected, task(), S_rec)
    S = wsl.SFApplier([wsl.slicing_function(name="low")(lambda x: x.val < 0.25)]).apply(df, progress=False)
    wss.add_slice_labels(got, task(), S)
    assert sorted(got.dataset.Y_dict) == sorted(expected.dataset.Y_dict)
    for key, value in expected.dataset.Y_dict.items():
        assert got.dataset.Y_dict[key].tolist() == value.tolist(), key
    names_expected = [t.name for t in convert_to_slice_tasks(task(), ["a", "b"])]
    tasks = wss.convert_to_slice_tasks(task(), ["a", "b"])
    assert [t.name for t in tasks] == names_expected
    preds = [t for t in tasks if t.name.endswith("_pred")]
    head = preds[0].op_sequence[-1].module_name
    assert all(t.module_pool[head] is preds[0].module_pool[head] for t in preds)  # one shared predictor head


def test_slice_combiner_equals_snorkel():
    import torch
    from snorkel.slicing import SliceCombinerModule

    torch.manual_seed(0)
    outputs = {}
    for s in ("a", "b", "base"):
        outputs[f"t_slice:{s}_ind_head"] = torch.randn(8, 2)
        outputs[f"t_slice:{s}_pred_head"] = torch.randn(8, 2)
        outputs[f"t_slice:{s}_pred_transform"] = torch.randn(8, 5)
    for temperature in (1.0, 0.3):
        expected = SliceCombinerModule(temperature=temperature)(outputs)
        got = wss.SliceCombinerModule(temperature=temperature)(outputs)
        torch.testing.assert_close(got, expected)


def test_own_task_objects_work_like_snorkels():
    import torch
    from snorkel.classification import Operation as SOperation
    from snorkel.classification import Task as STask
    from snorkel.slicing import convert_to_slice_tasks

    from weaksup.snorkel.slicing.tasks import DictDataLoader, DictDataset, Operation, Task

    def pool():
        return torch.nn.ModuleDict({"body": torch.nn.Linear(2, 4), "head": torch.nn.Linear(4, 2)})

    ours = Task("t", pool(), [Operation(name="enc", module_name="body", inputs=["_input_"]),
                              Operation(name="pred", module_name="head", inputs=["enc"])])
    theirs = STask("t", pool(), [SOperation(name="enc", module_name="body", inputs=["_input_"]),
                                 SOperation(name="pred", module_name="head", inputs=["enc"])])
    got = wss.convert_to_slice_tasks(ours, ["s"])
    expected = convert_to_slice_tasks(theirs, ["s"])
    assert [t.name for t in got] == [t.name for t in expected]
    assert [[(o.name, o.module_name, list(o.inputs)) for o in t.op_sequence] for t in got] == \
        [[(o.name, o.module_name, list(o.inputs)) for o in t.op_sequence] for t in expected]
    loader = DictDataLoader(DictDataset("d", "train", {"x": torch.zeros(3, 2)}, {"t": torch.tensor([1, 0, 1])}),
                            batch_size=2)
    wss.add_slice_labels(loader, ours, wsl.SliceMatrix.from_dense([[1], [0], [1]], names=["s"]))
    x, y = next(iter(loader))
    assert y["t_slice:s_pred"].tolist() == [1, -1] and x["x"].shape == (2, 2)


def test_dask_sf_applier_equals_pandas():
    dd = pytest.importorskip("dask.dataframe")
    from weaksup.snorkel.slicing.apply.dask import DaskSFApplier

    df = _frame(60)
    expected = wss.PandasSFApplier(_sfs(wss.slicing_function)).apply(df, progress_bar=False)
    got = DaskSFApplier(_sfs(wss.slicing_function)).apply(dd.from_pandas(df, npartitions=3, sort=False),
                                                                scheduler="synchronous")
    assert (got == expected).all()


def test_from_lf_members_are_the_rows_voting_one():
    from weaksup.labeling import labeling_function

    @labeling_function()
    def three_way(x):
        return {0: 0, 1: 1}.get(x.n % 3, -1)

    df = pd.DataFrame({"n": range(9)})
    S = wsl.SFApplier([wsl.SlicingFunction.from_lf(three_way)]).apply(df, progress=False)
    assert S["three_way"].tolist() == [n % 3 == 1 for n in range(9)]
    assert wsl.SlicingFunction.from_lf(three_way)({"n": 4}) and not wsl.SlicingFunction.from_lf(three_way)({"n": 3})
