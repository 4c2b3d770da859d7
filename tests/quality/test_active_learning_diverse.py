"""Issue 18: suggest_labels breaks ties informatively, skips near-duplicates and says why it picked each row."""

import numpy as np
import pandas as pd
import pytest

import weaksup as ws
from weaksup import LabelMatrix
from weaksup.errors import ModelInputError
from weaksup.quality import suggest_labels

# rows 0-5: no LF votes (the label model gives them the prior: a 6-way tie); rows 6-7 covered and confident
DENSE = np.array([[-1, -1]] * 6 + [[0, 0], [1, 1]])
PRIOR = np.array([[0.5, 0.5]] * 6 + [[0.95, 0.05], [0.05, 0.95]])


def L():
    return LabelMatrix.from_dense(DENSE, index=pd.Index([f"r{i}" for i in range(8)], name="id"))


def test_ties_are_broken_by_the_second_models_uncertainty_not_by_chance():
    end = np.array([[0.9, 0.1], [0.55, 0.45], [0.99, 0.01], [0.5, 0.5], [0.7, 0.3], [0.8, 0.2],
                    [0.9, 0.1], [0.1, 0.9]])
    for seed in range(5):  # the seed only decides what is still tied
        s = suggest_labels(L(), PRIOR, 3, tiebreak_probs=end, seed=seed)
        assert s.positions.tolist() == [3, 1, 4]
    assert "tiebreak_probs" in s.reasons[0] and "no LF votes" in s.reasons[0]


def test_tied_rows_spread_over_the_feature_space():
    # six tied rows in two tight clusters; the first pick is at random, the second must come from the other cluster
    X = np.array([[1, 0.0], [1, 0.01], [1, 0.02], [0, 1.0], [0.01, 1], [0.02, 1], [1, 1], [1, 1]])
    for seed in range(6):
        pos = suggest_labels(L(), PRIOR, 2, X=X, seed=seed).positions
        assert {int(p) // 3 for p in pos} == {0, 1}
    # rows already labeled count as covered ground: with cluster 0 labeled, cluster 1 comes first
    pos = suggest_labels(L(), PRIOR, 1, X=X, exclude=["r0"], seed=0).positions
    assert pos[0] in (3, 4, 5)


def test_diverse_batch_skips_exact_and_near_duplicate_texts():
    texts = ["Check out my channel!", "check out my CHANNEL", "nice song", "Nice  song.", "love it",
             "subscribe pls", "ok", "great"]
    s = suggest_labels(L(), PRIOR, 4, batch="diverse", texts=texts, seed=0)
    keys = [" ".join(texts[p].lower().replace("!", "").replace(".", "").split()) for p in s.positions]
    assert len(set(keys)) == 4 and set(s.positions.tolist()) <= set(range(6))
    # a text already labeled is not suggested again
    s = suggest_labels(L(), PRIOR, 4, batch="diverse", texts=texts, exclude=["r2"], seed=0)
    assert 3 not in s.positions.tolist() and len(s.positions) == 4
    # without the texts the tie is broken by chance, and some seeds pick a duplicate pair
    dup = [set(suggest_labels(L(), PRIOR, 4, seed=k).positions.tolist()) for k in range(10)]
    assert any({0, 1} <= d or {2, 3} <= d for d in dup)
    # with them, even "top" spreads a tie (farthest first on their TF-IDF)
    for k in range(10):
        d = set(suggest_labels(L(), PRIOR, 4, texts=texts, seed=k).positions.tolist())
        assert not ({0, 1} <= d or {2, 3} <= d)


def test_diverse_uses_cosine_similarity_on_X_and_fills_with_duplicates_last():
    rng = np.random.default_rng(0)
    base = rng.normal(size=(2, 5))
    X = np.r_[base[[0, 0, 0, 1, 1, 1]] + rng.normal(0, 1e-3, (6, 5)), rng.normal(size=(2, 5))]
    s = suggest_labels(L(), PRIOR, 2, batch="diverse", X=X, seed=0)
    assert {int(p) // 3 for p in s.positions} == {0, 1}
    # the confident rows 6-7 rank below the tied ones, but above their near-duplicates, which only fill up
    s = suggest_labels(L(), PRIOR, 6, batch="diverse", X=X, seed=0)
    assert {int(p) // 3 for p in s.positions[:2]} == {0, 1} and set(s.positions[2:4].tolist()) == {6, 7}
    assert all("near-duplicate" in r for r in s.reasons[4:]) and "near-duplicate" not in s.reasons[0]
    assert suggest_labels(L(), PRIOR, 6, X=X, seed=0).positions[:6].tolist() != s.positions.tolist()  # top differs


def test_reasons_and_frame_for_every_strategy():
    for strategy in ("entropy", "margin", "lf_disagreement", "committee", "random"):
        s = suggest_labels(L(), PRIOR, 3, strategy=strategy, seed=0)
        assert len(s.reasons) == 3 and all(isinstance(r, str) and r for r in s.reasons)
        frame = s.to_frame()
        assert frame.columns.tolist() == ["id", "position", "score", "reason"]
        assert frame.id.tolist() == s.ids.tolist()
    assert suggest_labels(L(), PRIOR, 1, strategy="lf_disagreement").reasons[0].startswith("no LF votes")
    assert suggest_labels(L(), PRIOR, 1, strategy="random", seed=0).reasons[0].startswith("random")


def test_diverse_batch_errors_name_the_input():
    with pytest.raises(ModelInputError, match="texts has 3 entries"):
        suggest_labels(L(), PRIOR, 1, texts=["a", "b", "c"])
    with pytest.raises(ModelInputError, match="X has shape"):
        suggest_labels(L(), PRIOR, 1, X=np.ones((3, 2)))
    with pytest.raises(ModelInputError, match="tiebreak_probs has 2 rows"):
        suggest_labels(L(), PRIOR, 1, tiebreak_probs=np.full((2, 2), 0.5))
    with pytest.raises(ModelInputError, match="similarity"):
        suggest_labels(L(), PRIOR, 1, similarity=0)
    with pytest.raises(ModelInputError, match="batch"):
        suggest_labels(L(), PRIOR, 1, batch="spread")


def test_report_lists_each_contested_text_once_with_its_count(tmp_path):
    pytest.importorskip("matplotlib")
    from weaksup.plot import report

    n = 40
    dense = np.array([[0, 1]] * n + [[0, 0]] * 10)
    texts = ["Check my channel!!"] * 20 + ["check my  CHANNEL"] * 5 + [f"song {i}" for i in range(15)] + ["ok"] * 10
    ids = pd.Index([f"c{i:02d}" for i in range(len(dense))], name="id")
    Lr = LabelMatrix.from_dense(dense, index=ids, lf_names=["a", "b"])
    data = pd.DataFrame({"text": texts}, index=ids)
    page = report(tmp_path / "r.html", Lr, data=data, top=10).read_text()
    section = page[page.index("disagree on most"):]
    assert section.count("Check my channel!!") == 2  # the cell and its title attribute, once
    assert "check my  CHANNEL" not in section
    assert "<td>25</td>" in section  # 25 rows carry that text (normalized)
    assert sum(section.count(f">song {i}<") for i in range(15)) == 9  # the other 9 slots go to distinct texts


def test_the_same_call_suggests_the_same_rows_by_default():
    rng = np.random.default_rng(0)
    n = 400
    y = rng.integers(0, 2, n)
    L = np.stack([np.where(rng.random(n) < c, np.where(rng.random(n) < a, y, 1 - y), -1)
                  for a, c in [(.8, .6), (.7, .5), (.9, .3), (.6, .7)]], 1)
    probs = ws.MajorityVoter(cardinality=2).predict_proba(L)  # few vote patterns: many ties
    first = ws.suggest_labels(L, probs, n=5).positions.tolist()
    assert ws.suggest_labels(L, probs, n=5).positions.tolist() == first
    assert ws.suggest_labels(L, probs, n=10).positions.tolist()[:5] == first
    ided = ws.LabelMatrix.from_dense(L, index=[f"r{i}" for i in range(n)])
    assert ws.suggest_labels(ided, probs, n=5).positions.tolist() == first
