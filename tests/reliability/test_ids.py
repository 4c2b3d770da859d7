"""Issue #12, items 4 and 12: row ids are kept exactly as written, on the way in and through labels files.

Item 4 (reading): every reader (the CLI's ``read_data``, ``read_chunks`` behind
``apply_file`` / ``label_file``) reads a CSV / JSON-lines id column as text exactly as
written, parquet ids with their stored type; empty and duplicate ids are errors naming the
row (the line); ``--id-column NAME`` picks the column on the command line.

Item 12 (exported labels): ``export_labels`` -> ``load_labels`` gives back every id with
its type (int, uint64 >= 2**63, str, float, bool, datetime) in all four formats, or raises
``ModelInputError`` before anything is written.
"""

import csv
import json
import string
import textwrap

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import weaksup as ws
from weaksup import (
    ChunkedApplier,
    LabelMatrix,
    MajorityVoter,
    export_labels,
    keyword_lf,
    label_file,
    load_labels,
)
from weaksup.apply import apply_file, read_chunks
from weaksup.cli import main
from weaksup.cli.files import read_data, read_gold
from weaksup.errors import DataFileError, ModelInputError
from weaksup.pipeline import export_chunked

FORMATS = (".parquet", ".csv", ".jsonl", ".npz")
# ids that a type-guessing reader changes: 007 -> 7, 1e3 -> 1000.0, 23 digits -> 1.23e+22, NA -> NaN, ...
TRICKY = ["007", "1e3", "12345678901234567890123", "-0", "+1", " 7 ", "é", "NA", "null", "nan", "True", "1", "01"]
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
# text as a CSV or JSON file can hold it: no lone surrogates (not UTF-8) and no NUL
TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1, max_size=10)


def write_csv(path, ids, column="id"):
    """A CSV written by the csv module with every field quoted: the ids are exactly these strings."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, quoting=csv.QUOTE_ALL)
        writer.writerow([column, "text"])
        writer.writerows([i, "my song" if n % 2 else "hello"] for n, i in enumerate(ids))
    return path


def write_jsonl(path, raw_ids, column="id"):
    """JSON lines whose id fields are the given JSON texts (strings must come quoted, numbers bare)."""
    path.write_text("".join(f'{{"{column}": {raw}, "text": "my"}}\n' for raw in raw_ids), encoding="utf-8")
    return path


def same_ids(got, expected):
    got, expected = list(got), list(expected)
    return got == expected and [type(v) for v in got] == [type(v) for v in expected]


# item 4: reading ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("reader", ["read_data", "read_chunks", "apply_file", "label_file"])
def test_csv_ids_come_in_exactly_as_written_through_every_reader(tmp_path, reader):
    path = write_csv(tmp_path / "d.csv", TRICKY)
    if reader == "read_data":
        got = read_data(path).index
    elif reader == "read_chunks":
        got = pd.Index([i for chunk in read_chunks(path, chunk_size=4, id_column="id") for i in chunk.index])
    elif reader == "apply_file":
        got = apply_file([keyword_lf("my", 1)], path, chunk_size=5, id_column="id", progress=False).index
    else:
        out = label_file(MajorityVoter(cardinality=2), [keyword_lf("my", 1)], path, tmp_path / "y.csv",
                         cardinality=2, chunk_size=5, id_column="id", progress=False)
        got = load_labels(out).index
    assert same_ids(got, TRICKY)


def test_jsonl_ids_as_written_numbers_keep_their_digits(tmp_path):
    raw = ['"007"', "7", "1e3", "-0", "12345678901234567890123", "1.50", "true", '"x"']
    path = write_jsonl(tmp_path / "d.jsonl", raw)
    expected = ["007", "7", "1e3", "-0", "12345678901234567890123", "1.50", "true", "x"]
    assert same_ids(read_data(path).index, expected)
    assert read_data(path)["id"].tolist() == expected  # the column the LFs see holds the same ids
    chunks = list(read_chunks(path, chunk_size=3, id_column="id"))
    assert same_ids([i for c in chunks for i in c.index], expected)
    assert {str(c.index.dtype) for c in chunks} == {str(pd.Index(["a"], dtype=str).dtype)}


def test_zero_padded_ids_then_text_give_one_string_index_across_chunks(tmp_path):
    ids = [f"{i:04d}" for i in range(200)] + ["x200"]
    path = write_csv(tmp_path / "d.csv", ids)
    chunks = list(read_chunks(path, chunk_size=50, id_column="id"))
    assert len({c.index.dtype for c in chunks}) == 1 and all(isinstance(i, str) for c in chunks for i in c.index)
    # the parquet writer used to fail halfway (int64 schema, then a string id)
    out = label_file(MajorityVoter(cardinality=2), [keyword_lf("my", 1)], path, tmp_path / "y.parquet",
                     cardinality=2, chunk_size=50, id_column="id", progress=False)
    assert same_ids(load_labels(out).index, ids)


@given(ids=st.lists(TEXT, min_size=1, max_size=12, unique=True), chunk_size=st.integers(1, 5))
@SETTINGS
def test_property_any_text_id_survives_csv_and_jsonl_readers(tmp_path_factory, ids, chunk_size):
    d = tmp_path_factory.mktemp("ids")
    for path in (write_csv(d / "d.csv", ids), write_jsonl(d / "d.jsonl", [json.dumps(i) for i in ids])):
        assert same_ids(read_data(path).index, ids)
        assert same_ids([i for c in read_chunks(path, chunk_size=chunk_size, id_column="id") for i in c.index], ids)


JSON_NUMBER = st.from_regex(r"-?(0|[1-9][0-9]{0,24})(\.[0-9]{1,4})?([eE][+-]?[0-9]{1,2})?", fullmatch=True)


@given(numbers=st.lists(JSON_NUMBER, min_size=1, max_size=8, unique=True))
@SETTINGS
def test_property_json_number_ids_keep_their_text(tmp_path_factory, numbers):
    path = write_jsonl(tmp_path_factory.mktemp("num") / "d.jsonl", numbers)
    assert same_ids(read_data(path).index, numbers)
    assert same_ids([i for c in read_chunks(path, chunk_size=3, id_column="id") for i in c.index], numbers)


def test_parquet_ids_keep_their_stored_type(tmp_path):
    ids = np.array([2**63 + 5, 3, 2**64 - 1], dtype=np.uint64)
    path = tmp_path / "d.parquet"
    pd.DataFrame({"id": ids, "text": ["my", "x", "my"]}).to_parquet(path)
    for got in (read_data(path).index, next(read_chunks(path, id_column="id")).index):
        assert got.dtype == np.uint64 and got.tolist() == ids.tolist()


@pytest.mark.parametrize("reader", ["read_data", "read_chunks"])
def test_empty_and_duplicate_ids_are_errors_naming_the_row_or_line(tmp_path, reader):
    def read(path):
        if reader == "read_data":
            return read_data(path)
        return list(read_chunks(path, chunk_size=2, id_column="id"))

    write_csv(tmp_path / "empty.csv", ["a", "b", "", "c"])
    with pytest.raises(DataFileError, match=r"row 3: the id column 'id' is empty"):
        read(tmp_path / "empty.csv")
    # a duplicate three rows later: another chunk for read_chunks
    write_csv(tmp_path / "dup.csv", ["a", "1", "b", "c", "01", "1"])
    with pytest.raises(DataFileError, match=r"row 6: duplicate row id '1' in column 'id' \(first at row 2\)"):
        read(tmp_path / "dup.csv")
    # JSON lines: named by line (the blank line counts), null and a missing key are empty ids
    (tmp_path / "d.jsonl").write_text('{"id": "a"}\n\n{"id": null}\n')
    with pytest.raises(DataFileError, match=r"line 3: the id column 'id' is empty"):
        read(tmp_path / "d.jsonl")
    (tmp_path / "d.jsonl").write_text('{"id": "a"}\n{"id": "b"}\n{"text": "x"}\n')
    with pytest.raises(DataFileError, match=r"line 3: the id column 'id' is empty"):
        read(tmp_path / "d.jsonl")
    # a JSON number and a string of the same text are one id
    (tmp_path / "d.jsonl").write_text('{"id": 7}\n{"id": "7"}\n')
    with pytest.raises(DataFileError, match=r"line 2: duplicate row id '7'"):
        read(tmp_path / "d.jsonl")


def test_label_file_refuses_duplicate_ids_across_chunks_before_writing(tmp_path):
    path = write_csv(tmp_path / "d.csv", ["a", "b", "c", "d", "e", "a"])
    (tmp_path / "y.csv").write_text("previous labels\n")
    with pytest.raises(DataFileError, match=r"row 6: duplicate row id 'a' in column 'id' \(first at row 1\)"):
        label_file(MajorityVoter(cardinality=2), [keyword_lf("my", 1)], path, tmp_path / "y.csv",
                   cardinality=2, chunk_size=2, id_column="id", progress=False)
    assert (tmp_path / "y.csv").read_text() == "previous labels\n"


def test_unknown_id_column_is_a_typed_key_error(tmp_path):
    path = write_csv(tmp_path / "d.csv", ["a"])
    for suffix in (".csv", ".jsonl", ".parquet"):
        p = path if suffix == ".csv" else tmp_path / f"d{suffix}"
        if suffix == ".jsonl":
            write_jsonl(p, ['"a"'])
        elif suffix == ".parquet":
            pd.DataFrame({"id": ["a"], "text": ["x"]}).to_parquet(p)
        with pytest.raises(KeyError, match="no id column 'comment_id'") as info:
            next(read_chunks(p, id_column="comment_id"))
        assert isinstance(info.value, DataFileError)


def test_gold_matches_integer_matrix_ids_only_when_written_as_integers(tmp_path):
    L = LabelMatrix.from_dense([[1], [0]], index=[7, 12])  # a matrix saved with integer ids
    (tmp_path / "g.csv").write_text("id,y\n12,0\n7,1\n")
    assert read_gold(f"{tmp_path / 'g.csv'}:y", L.index).tolist() == [1, 0]
    (tmp_path / "g.csv").write_text("id,y\n12,0\n007,1\n")  # 007 is not the id 7: the ids stay text
    with pytest.raises(ws.WeaksupError, match="none of .* row ids are row ids of the label matrix"):
        read_gold(f"{tmp_path / 'g.csv'}:y", L.index)


LF_FILE = textwrap.dedent('''
    from weaksup import labeling_function

    @labeling_function()
    def padded_id(x):
        return 1 if x.comment_id.startswith("00") else 0

    @labeling_function()
    def says_my(x):
        return 1 if "my" in x.text else -1
''')


def test_cli_id_column_names_the_rows_and_keeps_the_column(tmp_path, capsys):
    (tmp_path / "lfs.py").write_text(LF_FILE)
    ids = ["0042", "42", "1e3", "007"]
    with open(tmp_path / "d.csv", "w", newline="") as fh:
        fh.write("comment_id,text,label\n" + "".join(f"{i},my song {n},{n % 2}\n" for n, i in enumerate(ids)))
    args = [str(tmp_path / "lfs.py"), str(tmp_path / "d.csv"), "--id-column", "comment_id"]
    assert main(["run", *args, "-o", str(tmp_path / "y.csv"), "--model", "MajorityVoter",
                 "--save-matrix", str(tmp_path / "L.npz")]) == 0, capsys.readouterr().err
    labels = load_labels(tmp_path / "y.csv")
    assert same_ids(labels.index, ids)  # the user's ids, not 0..n-1, and not 42.0 / 1000.0 / 7
    assert labels["lf.padded_id"].tolist() == [1, 0, 0, 1]  # the LFs still saw the column
    assert same_ids(LabelMatrix.load(tmp_path / "L.npz").index, ids)
    gold = f"{tmp_path / 'd.csv'}:label"
    assert main(["analyze", str(tmp_path / "L.npz"), "--gold", gold, "--id-column", "comment_id"]) == 0
    assert "gold labels for 4 rows" in capsys.readouterr().out
    assert main(["apply", *args[:2], "--id-column", "no_such", "-o", str(tmp_path / "L2.npz")]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "no id column 'no_such' (--id-column)" in err
    assert not (tmp_path / "L2.npz").exists()


# item 12: exported labels ---------------------------------------------------------------------------------
def export_or_refuse(path, index):
    """Export; on a refusal check it came before anything was written (an earlier file is untouched)."""
    path.write_bytes(b"earlier file")
    P = np.full((len(index), 2), 0.5)
    try:
        export_labels(path, P, index=index)
    except ModelInputError:
        assert path.read_bytes() == b"earlier file"
        return None
    return load_labels(path).index


INT64 = st.lists(st.integers(-(2**63), 2**63 - 1), min_size=1, max_size=8).map(
    lambda v: pd.Index(np.array(v, dtype=np.int64)))
UINT64 = st.lists(st.integers(2**63, 2**64 - 1), min_size=1, max_size=8).map(
    lambda v: pd.Index(np.array(v, dtype=np.uint64)))
STRINGS = st.lists(TEXT | st.integers().map(str) | st.sampled_from(TRICKY), min_size=1, max_size=8).map(pd.Index)
INT_LIKE_STRINGS = st.lists(st.integers(-(10**30), 10**30).map(str), min_size=1, max_size=8).map(pd.Index)
FLOATS = st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=1, max_size=8).map(
    lambda v: pd.Index(np.array(v, dtype=np.float64)))
BOOLS = st.lists(st.booleans(), min_size=1, max_size=8).map(lambda v: pd.Index(np.array(v, dtype=bool)))
DATETIMES = st.lists(st.datetimes(min_value=pd.Timestamp("1900-01-01").to_pydatetime(),
                                  max_value=pd.Timestamp("2200-01-01").to_pydatetime()),
                     min_size=1, max_size=8).map(pd.DatetimeIndex)
MIXED = st.lists(st.integers(-5, 5) | st.integers(-5, 5).map(str), min_size=2, max_size=8).filter(
    lambda v: len({type(x) for x in v}) == 2).map(lambda v: pd.Index(v, dtype=object))


@pytest.mark.parametrize("suffix", FORMATS)
@given(index=st.one_of(INT64, UINT64, STRINGS, INT_LIKE_STRINGS, FLOATS, BOOLS, DATETIMES, MIXED))
@SETTINGS
def test_property_ids_round_trip_with_their_type_or_are_refused_before_writing(tmp_path_factory, suffix, index):
    back = export_or_refuse(tmp_path_factory.mktemp("y") / f"y{suffix}", index)
    mixed = index.dtype == object and len({type(v) for v in index}) > 1
    text_with_cr = pd.api.types.is_string_dtype(index) and any("\r" in v for v in index)
    if mixed or (suffix == ".csv" and text_with_cr):
        assert back is None  # refused: 1 and "1" would be one id; a lone \r is a new CSV row
        return
    assert back is not None, f"{list(index)!r} was refused"
    assert same_ids(back, index)
    if index.dtype.kind in "iub":
        assert back.dtype == index.dtype  # uint64 >= 2**63 stays uint64, bools stay bool


@pytest.mark.parametrize("suffix", FORMATS)
def test_string_ids_that_look_like_integers_stay_strings(tmp_path, suffix):
    for ids in (["1", "2", "30"], ["007"], ["-0", "+1"], ["12345678901234567890123"]):
        assert same_ids(export_or_refuse(tmp_path / f"y{suffix}", pd.Index(ids)), ids)
    assert same_ids(export_or_refuse(tmp_path / f"y{suffix}", pd.Index([1, 2, 30])), [1, 2, 30])


def test_csv_headers_record_the_id_type_and_old_files_read_as_before(tmp_path):
    P = [[0.5, 0.5]] * 2
    assert (export_labels(tmp_path / "a.csv", P, index=["1", "2"])).read_text().startswith("id:str,")
    assert (export_labels(tmp_path / "b.csv", P, index=["a", "2"])).read_text().startswith("id,")
    assert (export_labels(tmp_path / "c.csv", P, index=[1, 2])).read_text().startswith("id,")
    # a file written before id types were recorded: integers when every id is written as one
    (tmp_path / "old.csv").write_text("id,prob_0,prob_1,label\n3,0.5,0.5,-1\n10,0.5,0.5,-1\n")
    assert same_ids(load_labels(tmp_path / "old.csv").index, [3, 10])


@pytest.mark.parametrize("suffix", FORMATS)
def test_unstorable_ids_are_refused_before_anything_is_written(tmp_path, suffix):
    refused = [
        pd.MultiIndex.from_tuples([(1, "a"), (2, "b")]),
        pd.Index([1, "1"], dtype=object),
        pd.Index(["a", None], dtype=object),
        pd.Index([1, 2**70], dtype=object),
        pd.Index([1.5, float("inf")]),
    ]
    for index in refused:
        assert export_or_refuse(tmp_path / f"y{suffix}", index) is None, index
    aware = pd.DatetimeIndex(["2024-01-31 01:30", "2024-07-27 02:30"]).tz_localize("Europe/Paris")
    back = export_or_refuse(tmp_path / f"z{suffix}", aware)
    if suffix == ".parquet":  # the only format that stores the time zone
        assert back.tolist() == aware.tolist() and str(back.tz) == "Europe/Paris"
    else:
        assert back is None


def test_chunked_export_keeps_parquet_typed_ids_in_every_format(tmp_path):
    ids = np.array([2**63 + 1, 2**63 + 2, 7, 8, 9], dtype=np.uint64)
    data = tmp_path / "d.parquet"
    pd.DataFrame({"id": ids, "text": ["my", "x", "my", "x", "my"]}).to_parquet(data)
    ca = ChunkedApplier([keyword_lf("my", 1, name="my"), keyword_lf("posted_at", 0, name="posted_at")], cardinality=2,
                        chunk_size=2, id_column="id")
    for suffix in (".parquet", ".csv", ".jsonl"):
        out = export_chunked(MajorityVoter(cardinality=2), ca, data, tmp_path / f"y{suffix}", include_votes=True,
                               progress=False)
        back = load_labels(out)
        assert back.index.dtype == np.uint64 and back.index.tolist() == ids.tolist()
        # a vote column whose name looks like a date (lf.posted_at) stays integer votes
        assert back["lf.posted_at"].tolist() == [-1] * 5 and back["lf.my"].tolist() == [1, -1, 1, -1, 1]


def test_bool_and_datetime_ids_keep_their_type(tmp_path):
    when = pd.DatetimeIndex(["2020-01-01", "2021-06-30 12:00:00.000000001"])
    for suffix in FORMATS:
        assert same_ids(export_or_refuse(tmp_path / f"t{suffix}", when), when)
        assert same_ids(export_or_refuse(tmp_path / f"b{suffix}", pd.Index([True, False])), [True, False])


def test_string_alphabet_in_ids_round_trips(tmp_path):
    ids = ["", " lead", "trail ", "comma,here", 'quote"d', "new\nline", "tab\t", "é∂ß", "#hash", string.punctuation]
    for suffix in FORMATS:
        assert same_ids(export_or_refuse(tmp_path / f"y{suffix}", pd.Index(ids)), ids)
