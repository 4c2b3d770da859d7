"""Out-of-core path: LFs over CSV / Parquet / JSON-lines files in chunks, fits from chunk statistics."""

import numpy as np
import pandas as pd
import pytest

from weaksup import (
    ABSTAIN,
    DawidSkene,
    GenerativeModel,
    LabelingFunctionError,
    LFApplier,
    MajorityVoter,
    ModelInputError,
    PatternCounts,
    keyword_lf,
    labeling_function,
    length_lf,
    load_labels,
    regex_lf,
)
from weaksup.apply.chunked import ChunkedApplier, apply_file
from weaksup.io import read_chunks
from weaksup.pipeline import export_chunked, fit_chunked, fit_file, label_file


def comments(n=230, seed=0):
    rng = np.random.default_rng(seed)
    words = np.array(["my", "song", "check", "it", "out", "http", "love", "channel", "plz", "nice"])
    texts = [" ".join(rng.choice(words, size=rng.integers(1, 8))) for _ in range(n)]
    ids = [f"c{i:04d}" for i in rng.permutation(n)]  # unsorted string ids
    return pd.DataFrame({"id": ids, "text": texts, "n": rng.integers(0, 100, n)})


def lfs(seen=None):
    @labeling_function()
    def song(x):
        return 0 if "song" in x.text else ABSTAIN

    @labeling_function(vectorized=True)
    def big_n(df):
        if seen is not None:
            seen.append(len(df))
        return np.where(df.n > 70, 1, ABSTAIN)

    return [song, big_n, keyword_lf(["my", "plz"], 1), regex_lf("check.*out", 1), length_lf("text", "<", 3, 0)]


def write(df, path):
    if path.suffix == ".csv":
        df.to_csv(path, index=False)
    elif path.suffix == ".parquet":
        df.to_parquet(path, index=False)
    else:
        df.to_json(path, orient="records", lines=True)
    return path


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".jsonl"])
def test_apply_file_equals_in_memory_apply_and_keeps_ids(tmp_path, suffix):
    df = comments()
    path = write(df, tmp_path / f"data{suffix}")
    seen = []
    L = apply_file(lfs(seen), path, chunk_size=64, cardinality=2, id_column="id", progress=False)
    expected = LFApplier(lfs(), cardinality=2).apply(df.set_index("id"), progress=False)
    assert L == expected
    assert L.index.tolist() == df["id"].tolist()
    assert max(seen) <= 64 and sum(seen) == len(df)  # only one chunk of rows at a time
    # the one reading rule: without id_column, the file's "id" column names the rows; without one, positions
    assert apply_file(lfs(), path, chunk_size=100, cardinality=2, progress=False) == L
    no_ids = write(df.drop(columns="id"), tmp_path / f"no_ids{suffix}")
    by_position = apply_file(lfs(), no_ids, chunk_size=100, cardinality=2, progress=False)
    assert by_position.index.tolist() == list(range(len(df)))
    assert (by_position.csr != expected.csr).nnz == 0


def test_parquet_folder_of_parts_reads_in_file_order(tmp_path):
    df = comments(150, seed=1)
    folder = tmp_path / "parts"
    folder.mkdir()
    for i, start in enumerate(range(0, 150, 40)):
        df.iloc[start:start + 40].to_parquet(folder / f"part-{i:03d}.parquet", index=False)
    chunks = list(read_chunks(folder, chunk_size=25, id_column="id"))
    assert pd.concat(chunks).index.tolist() == df["id"].tolist()
    assert max(len(c) for c in chunks) <= 25
    L = ChunkedApplier(lfs(), cardinality=2, chunk_size=25, id_column="id").apply(folder, progress=False)
    assert L == LFApplier(lfs(), cardinality=2).apply(df.set_index("id"), progress=False)


def test_fit_from_chunk_statistics_equals_fit_on_full_matrix(tmp_path):
    df = comments(400, seed=2)
    path = write(df, tmp_path / "data.parquet")
    L = LFApplier(lfs(), cardinality=2).apply(df, progress=False)
    ca = ChunkedApplier(lfs(), cardinality=2, chunk_size=37)
    assert ca.pattern_counts(path, progress=False) == PatternCounts.from_label_matrix(L)
    for model_cls in (DawidSkene, GenerativeModel):
        chunked = fit_chunked(model_cls(), ca, path, progress=False)
        full = model_cls(cardinality=2).fit(L)
        np.testing.assert_allclose(chunked.predict_proba(L), full.predict_proba(L), atol=1e-10)
    mv = fit_file(MajorityVoter(cardinality=2), lfs(), path, chunk_size=50, progress=False)
    np.testing.assert_allclose(mv.predict_proba(L), MajorityVoter(cardinality=2).predict_proba(L))


@pytest.mark.parametrize("out_suffix", [".parquet", ".csv", ".jsonl"])
def test_label_file_exports_probabilities_with_ids_chunk_by_chunk(tmp_path, out_suffix):
    df = comments(180, seed=3)
    path = write(df, tmp_path / "data.csv")
    model = DawidSkene()
    out = label_file(model, lfs(), path, tmp_path / f"y{out_suffix}", chunk_size=40, cardinality=2,
                     id_column="id", class_names=["ham", "spam"], include_votes=True, progress=False)
    labels = load_labels(out)
    L = LFApplier(lfs(), cardinality=2).apply(df.set_index("id"), progress=False)
    assert labels.index.tolist() == df["id"].tolist()
    np.testing.assert_allclose(labels[["prob_ham", "prob_spam"]].to_numpy(), model.predict_proba(L), atol=1e-12)
    assert labels["label"].tolist() == model.predict(L, tie_break="abstain").tolist()
    assert labels["lf.song"].tolist() == L.to_dense()[:, 0].tolist()
    # streaming variant: nothing kept between passes, same file content
    again = label_file(DawidSkene(), lfs(), path, tmp_path / f"z{out_suffix}", keep_votes=False, chunk_size=40,
                       cardinality=2, id_column="id", class_names=["ham", "spam"], include_votes=True, progress=False)
    pd.testing.assert_frame_equal(load_labels(again), labels)


def test_lf_error_names_row_id_from_file_and_fault_tolerant_counts_over_chunks(tmp_path):
    df = comments(90, seed=4)
    df.loc[[10, 55, 80], "text"] = "boom"  # failing rows in three different chunks of 20
    path = write(df, tmp_path / "data.csv")
    failing = df["id"].iloc[[10, 55, 80]].tolist()

    @labeling_function()
    def fragile(x):
        if x.text == "boom":
            raise ValueError("boom")
        return ABSTAIN

    with pytest.raises(LabelingFunctionError) as info:
        apply_file([fragile], path, chunk_size=20, id_column="id", progress=False)
    assert info.value.lf_name == "fragile" and info.value.row_id == failing[0]
    ca = ChunkedApplier([fragile, keyword_lf("my", 1)], chunk_size=20, id_column="id")
    L = ca.apply(path, progress=False, fault_tolerant=True)
    assert L.n_rows == 90 and L.to_dense()[[10, 55, 80], 0].tolist() == [ABSTAIN] * 3
    assert ca.errors_["fragile"].count == 3 and ca.errors_["fragile"].first_row == failing[0]


def test_bad_inputs_raise_clear_errors(tmp_path):
    with pytest.raises(FileNotFoundError):
        next(read_chunks(tmp_path / "nope.csv"))
    (tmp_path / "x.txt").write_text("a")
    with pytest.raises(ValueError, match="cannot read"):
        next(read_chunks(tmp_path / "x.txt"))
    path = write(comments(5), tmp_path / "d.csv")
    with pytest.raises(KeyError, match="no_such"):
        next(read_chunks(path, id_column="no_such"))
    with pytest.raises(ValueError, match="cannot write"):
        export_chunked(MajorityVoter(cardinality=2), ChunkedApplier(lfs()), path, tmp_path / "y.xlsx", progress=False)
    with pytest.raises(ModelInputError, match="fit_from_stats takes PatternCounts"):
        MajorityVoter().fit_from_stats([[0, 1]])


def test_reader_options_reach_every_chunk_of_a_file(tmp_path):
    from weaksup import apply_file, fit_file, keyword_lf, label_file, load_labels

    path = tmp_path / "excel.csv"
    path.write_bytes("id;text\n1;café my\n2;song\n3;my song\n4;my\n".encode("cp1252"))
    lfs = [keyword_lf("my", 1), keyword_lf("song", 0), keyword_lf("café", 1)]
    opts = {"encoding": "cp1252"}
    L = apply_file(lfs, path, chunk_size=2, progress=False, read_kwargs=opts)
    assert L.index.tolist() == ["1", "2", "3", "4"] and L.to_dense()[0].tolist() == [1, -1, 1]
    from weaksup import MajorityVoter
    from weaksup.errors import DataFileError

    model = fit_file(MajorityVoter(cardinality=2), lfs, path, chunk_size=3, progress=False, read_kwargs=opts)
    out = label_file(model, lfs, path, tmp_path / "y.csv", fit=False, chunk_size=3, progress=False, read_kwargs=opts)
    assert load_labels(out).index.tolist() == ["1", "2", "3", "4"]
    with pytest.raises(DataFileError):  # without the encoding the file cannot be read
        apply_file(lfs, path, progress=False)
