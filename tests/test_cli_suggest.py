"""`weaksup suggest`: rows to hand-label next, with the reason, as CSV / JSON lines (issue 18)."""

import json

import numpy as np
import pandas as pd
import pytest

from weaksup import LabelMatrix
from weaksup.cli import main
from weaksup.models import MajorityVoter
from weaksup.quality import suggest_labels


@pytest.fixture()
def pool(tmp_path):
    """30 rows: 10 uncovered (5 of them one repeated comment), 10 contested, 10 agreed."""
    ids = pd.Index([f"c{i:02d}" for i in range(30)], name="id")
    dense = np.array([[-1, -1]] * 10 + [[0, 1]] * 10 + [[1, 1]] * 10)
    L = LabelMatrix.from_dense(dense, index=ids, lf_names=["links", "caps"])
    L.save(tmp_path / "L.npz")
    words = ["apple", "banana", "cherry", "damson", "elder", "fig", "grape", "hazel", "iris", "juniper"]
    texts = ["Subscribe to my channel!"] * 5 + [f"uncovered {w}" for w in words[:5]]
    texts += [f"contested {w}" for w in words] + [f"agreed spam {w}" for w in words]
    pd.DataFrame({"id": ids, "text": texts}).to_csv(tmp_path / "data.csv", index=False)
    MajorityVoter(cardinality=2).fit(L).save(tmp_path / "model")
    return tmp_path, L, texts


def test_suggest_writes_ids_reasons_and_text(pool, capsys):
    d, L, texts = pool
    assert main(["suggest", str(d / "L.npz"), "-n", "6", "--data", str(d / "data.csv"),
                 "--model", str(d / "model"), "-o", str(d / "next.csv")]) == 0
    out = pd.read_csv(d / "next.csv", dtype={"id": str})
    assert out.columns.tolist() == ["id", "rank", "score", "reason", "text"]
    assert out["rank"].tolist() == list(range(1, 7)) and out.reason.str.len().min() > 10
    assert out.text.tolist() == [texts[int(i[1:])] for i in out.id]
    # all 20 uncovered/contested rows tie; the repeated comment appears at most once in the batch
    assert (out.text == "Subscribe to my channel!").sum() <= 1
    assert set(out.id) <= {f"c{i:02d}" for i in range(20)}
    # the library call with the same inputs gives the same rows
    lib = suggest_labels(L, MajorityVoter(cardinality=2).fit(L).predict_proba(L), 6, batch="diverse",
                         texts=texts, seed=0)
    assert out.id.tolist() == lib.ids.tolist()
    assert "Wrote 6 rows" in capsys.readouterr().out


def test_suggest_excludes_labeled_ids_and_prints_without_output(pool, capsys):
    d, L, _ = pool
    labeled = [f"c{i:02d}" for i in range(18)]
    (d / "done.txt").write_text("\n".join(labeled) + "\n")
    assert main(["suggest", str(d / "L.npz"), "-n", "4", "--exclude", str(d / "done.txt"), "--batch", "top",
                 "-o", str(d / "next.jsonl")]) == 0
    rows = [json.loads(line) for line in (d / "next.jsonl").read_text().splitlines()]
    assert sorted(r["id"] for r in rows[:2]) == ["c18", "c19"] and not set(labeled) & {r["id"] for r in rows}
    assert "text" not in rows[0] and "entropy" in rows[0]["reason"]
    # a labeled data file (ids in its id column) works as --exclude too
    pd.DataFrame({"id": labeled, "label": 0}).to_csv(d / "gold.csv", index=False)
    capsys.readouterr()
    assert main(["suggest", str(d / "L.npz"), "-n", "2", "--exclude", str(d / "gold.csv"), "--batch", "top"]) == 0
    printed = capsys.readouterr().out
    assert "c18" in printed and "c19" in printed and "2 of 30 rows suggested" in printed


def test_suggest_checks_outputs_and_inputs_before_work(pool, capsys):
    d, _, _ = pool
    assert main(["suggest", str(d / "L.npz"), "-o", str(d / "next.parquet")]) == 1
    assert "use one of .csv, .jsonl" in capsys.readouterr().err
    assert main(["suggest", str(d / "L.npz"), "--data", str(d / "data.csv"), "-o", str(d / "data.csv")]) == 1
    assert "data.csv" in capsys.readouterr().err
    assert pd.read_csv(d / "data.csv").shape == (30, 2)  # untouched
    (d / "bad.txt").write_text("c01\nnope\n")
    assert main(["suggest", str(d / "L.npz"), "--exclude", str(d / "bad.txt")]) == 1
    assert "'nope'" in capsys.readouterr().err
    assert main(["suggest", str(d / "L.npz"), "--data", str(d / "data.csv"), "--text-column", "body"]) == 1
    assert "--text-column" in capsys.readouterr().err


def test_exclude_ids_from_a_notepad_file_with_a_byte_order_mark(pool, capsys):
    d, _, _ = pool
    (d / "done.txt").write_bytes("c00\r\nc01\r\n".encode("utf-8-sig"))  # Windows Notepad's "UTF-8 with BOM"
    assert main(["suggest", str(d / "L.npz"), "-n", "30", "--exclude", str(d / "done.txt"), "--batch", "top",
                 "-o", str(d / "next.csv")]) == 0, capsys.readouterr().err
    assert {"c00", "c01"}.isdisjoint(pd.read_csv(d / "next.csv", dtype={"id": str})["id"])


def test_exclude_txt_ids_of_a_matrix_without_an_id_column(tmp_path, capsys):
    """Rows identified by position (0..n-1): a .txt of positions excludes them (pandas 3 reads text as str)."""
    L = LabelMatrix.from_dense(np.array([[-1, -1]] * 6 + [[0, 1]] * 4), lf_names=["a", "b"])
    L.save(tmp_path / "L.npz")
    (tmp_path / "done.txt").write_text("0\n1\n2\n")
    assert main(["suggest", str(tmp_path / "L.npz"), "-n", "10", "--exclude", str(tmp_path / "done.txt"),
                 "--batch", "top", "-o", str(tmp_path / "next.csv")]) == 0, capsys.readouterr().err
    assert sorted(pd.read_csv(tmp_path / "next.csv")["id"]) == list(range(3, 10))
    (tmp_path / "bad.txt").write_text("3\n007\n")  # "007" is not the row 7: named, and only it
    assert main(["suggest", str(tmp_path / "L.npz"), "--exclude", str(tmp_path / "bad.txt")]) == 1
    assert "holds 1 ids that are not rows" in capsys.readouterr().err
