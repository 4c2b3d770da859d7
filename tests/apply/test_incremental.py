import numpy as np
import pandas as pd
import pytest

from weaksup import ABSTAIN, LabelingFunction, LFApplier, labeling_function
from weaksup.apply.cache import IncrementalApplier, data_key
from weaksup.errors import WeaksupWarning
from weaksup.labeling.templates import keyword_lf


def frame(n=40, offset=0):
    words = ["my", "song", "http", "love", "plz", "channel"]
    return pd.DataFrame({"text": [f"{words[i % 6]} {words[(i * 7) % 6]} {i}" for i in range(offset, offset + n)],
                         "n": np.arange(offset, offset + n)}, index=[f"r{i}" for i in range(offset, offset + n)])


def make_lf(i, threshold=None):
    t = i if threshold is None else threshold

    def f(x):
        return 1 if x.n % 50 > t else ABSTAIN

    return LabelingFunction(f"lf{i}", f)


def fifty():
    return [make_lf(i) for i in range(50)]


def test_editing_one_lf_among_fifty_reruns_only_it():
    df = frame()
    inc = IncrementalApplier(fifty())
    L1 = inc.apply(df, progress=False)
    assert len(inc.last_run_stats_["ran"]) == 50
    assert L1 == LFApplier(fifty()).apply(df, progress=False)
    lfs = fifty()
    lfs[17] = make_lf(17, threshold=-1)  # same code, a closure value no other LF has
    inc.lfs = lfs
    L2 = inc.apply(df, progress=False)
    assert inc.last_run_stats_["ran"] == ["lf17"] and len(inc.last_run_stats_["reused"]) == 49
    assert L2 == LFApplier(lfs).apply(df, progress=False)


def test_code_resource_helper_and_name_changes():
    df = frame()

    def helper(x):
        return "my" in x.text

    @labeling_function()
    def uses_helper(x):
        return 1 if helper(x) else ABSTAIN

    inc = IncrementalApplier([uses_helper, keyword_lf("song", 0)])
    inc.apply(df, progress=False)

    def helper(x):  # noqa: F811 -- an edited helper must invalidate the LF that calls it
        return "love" in x.text

    @labeling_function()
    def uses_helper(x):  # noqa: F811
        return 1 if helper(x) else ABSTAIN

    inc.lfs = [uses_helper, keyword_lf("song", 0, name="renamed")]
    L = inc.apply(df, progress=False)
    assert inc.last_run_stats_ == {**inc.last_run_stats_, "ran": ["uses_helper"], "reused": ["renamed"]}
    assert L.lf_names == ["uses_helper", "renamed"]
    assert L.to_dense()[:, 0].tolist() == [1 if "love" in t else -1 for t in df.text]
    inc.lfs = [uses_helper, keyword_lf("song", 1, name="renamed")]  # a changed resource (the label)
    inc.apply(df, progress=False)
    assert inc.last_run_stats_["ran"] == ["renamed"]


def test_changed_data_reruns_and_new_rows_append():
    inc = IncrementalApplier([keyword_lf("my", 1), keyword_lf("song", 0)])
    L = inc.apply(frame(), progress=False)
    L_all = inc.append(L, frame(10, offset=40), progress=False)
    assert inc.last_run_stats_["ran"] == ["keyword_my", "keyword_song"]  # new rows: new data key
    assert L_all == LFApplier(inc.lfs).apply(frame(50), progress=False)
    inc.apply(frame(), progress=False)
    assert inc.last_run_stats_["ran"] == []
    changed = frame()
    changed.loc["r3", "text"] = "my my"
    inc.apply(changed, progress=False)
    assert len(inc.last_run_stats_["ran"]) == 2
    assert data_key(frame()) != data_key(frame().set_axis([f"s{i}" for i in range(40)]))


def test_disk_cache_survives_instances(tmp_path):
    lfs = fifty()[:5]
    L1 = IncrementalApplier(lfs, cache_dir=tmp_path).apply(frame(), progress=False)
    again = IncrementalApplier(fifty()[:5], cache_dir=tmp_path)
    L2 = again.apply(frame(), progress=False)
    assert again.last_run_stats_["ran"] == [] and L2 == L1
    keyed = IncrementalApplier(lfs, cache_dir=tmp_path)
    keyed.apply(frame(), progress=False, dataset_key="train-v1")
    keyed.apply(frame(), progress=False, dataset_key="train-v1")
    assert keyed.last_run_stats_["ran"] == [] and keyed.last_run_stats_["data_key"] == "train-v1"
    keyed.clear_cache()
    keyed.apply(frame(), progress=False, dataset_key="train-v1")
    assert len(keyed.last_run_stats_["ran"]) == 5


def test_failing_lf_is_not_cached():
    @labeling_function()
    def fragile(x):
        return 1 // (x.n % 7)

    inc = IncrementalApplier([fragile, keyword_lf("my", 1)])
    inc.apply(frame(), progress=False, fault_tolerant=True)
    assert inc.errors_["fragile"].count == 6
    inc.apply(frame(), progress=False, fault_tolerant=True)
    assert inc.last_run_stats_["ran"] == ["fragile"]


@pytest.mark.parametrize("n_jobs", [2])
def test_incremental_with_workers(n_jobs):
    inc = IncrementalApplier(fifty()[:4], chunk_size=10, n_jobs=n_jobs)
    assert inc.apply(frame(), progress=False) == LFApplier(fifty()[:4]).apply(frame(), progress=False)


def test_votes_beyond_int16_are_cached_without_wrapping(tmp_path):
    big = LabelingFunction("big", lambda x: 40_000 + int(x.n))  # the votes were kept as int16 and wrapped
    df = frame(5)
    expected = LFApplier([big]).apply(df, progress=False)
    assert IncrementalApplier([big]).apply(df, progress=False) == expected
    IncrementalApplier([big], cache_dir=tmp_path).apply(df, progress=False)
    reread = IncrementalApplier([big], cache_dir=tmp_path)
    assert reread.apply(df, progress=False) == expected and reread.last_run_stats_["ran"] == []


def test_clear_cache_deletes_only_what_it_wrote(tmp_path):
    (tmp_path / "mine").mkdir()
    np.savez(tmp_path / "mine" / "features.npz", x=np.arange(3))  # the old clear_cache deleted */*.npz
    np.savez(tmp_path / "top.npz", x=np.arange(3))
    inc = IncrementalApplier([keyword_lf("my", 1)], cache_dir=tmp_path)
    inc.apply(frame(), progress=False, dataset_key="train-v1")
    inc.clear_cache()
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == [
        "mine", "mine/features.npz", "top.npz"]
    inc.apply(frame(), progress=False, dataset_key="train-v1")
    assert inc.last_run_stats_["ran"] == ["keyword_my"]


@pytest.mark.parametrize("key", ["../k", "../../k", "a/b", "..", "a\x00b", "", "/abs"])
def test_dataset_key_cannot_escape_cache_dir(tmp_path, key):
    cache = tmp_path / "a" / "cache"
    key = str(tmp_path / "abs") if key == "/abs" else key
    inc = IncrementalApplier([keyword_lf("my", 1)], cache_dir=cache)
    inc.apply(frame(), progress=False, dataset_key=key)
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert written and all(cache in p.parents for p in written)
    again = IncrementalApplier([keyword_lf("my", 1)], cache_dir=cache)
    expected = LFApplier([keyword_lf("my", 1)]).apply(frame(), progress=False)
    assert again.apply(frame(), progress=False, dataset_key=key) == expected
    assert again.last_run_stats_["ran"] == []


def test_unwritable_cache_dir_warns_and_still_labels(tmp_path):
    (tmp_path / "a_file").write_text("not a folder")
    inc = IncrementalApplier([keyword_lf("my", 1)], cache_dir=tmp_path / "a_file")
    with pytest.warns(WeaksupWarning, match="votes are kept in memory only"):
        L = inc.apply(frame(), progress=False)
    assert L == LFApplier([keyword_lf("my", 1)]).apply(frame(), progress=False)
    assert (tmp_path / "a_file").read_text() == "not a folder"
    inc.clear_cache()
