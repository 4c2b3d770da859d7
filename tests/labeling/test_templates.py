import pickle
import re

import numpy as np
import pandas as pd
import pytest

from weaksup import ABSTAIN, LabelingFunctionError, LFApplier
from weaksup.labeling import Preprocessor
from weaksup.labeling.templates import (
    field_view,
    keyword_lf,
    length_lf,
    lookup_lf,
    model_lf,
    regex_lf,
    threshold_lf,
)

TEXTS = ["Check out my channel!", "nice SONG", "I love this", None, "enemy plz  ", "Ünïcode Song  http://x.com",
         "a.b c", "check it\nout"]


def frame():
    return pd.DataFrame({"text": TEXTS, "n": [1.0, 5.0, np.nan, 2.0, 7.0, 3.0, 0.0, 4.0],
                         "author": ["bot", "alice", "bob", "bot", "Alice", None, "x", "y"]},
                        index=[f"r{i}" for i in range(len(TEXTS))])


def rowwise(f, texts=TEXTS):
    return [f(t) if isinstance(t, str) else ABSTAIN for t in texts]


def apply(lfs, df=None, **kw):
    return LFApplier(lfs, chunk_size=3, **kw).apply(frame() if df is None else df, progress=False).to_dense()


@pytest.mark.parametrize("case_sensitive", [True, False])
@pytest.mark.parametrize("whole_word", [True, False])
@pytest.mark.parametrize("words", [["my"], ["song", "plz"], ["a.b"], ["check out"], ["ünïcode"]])
def test_keyword_matches_python_reference(words, case_sensitive, whole_word):
    lf = keyword_lf(words, 1, case_sensitive=case_sensitive, whole_word=whole_word, name="kw")

    def ref(t):
        t2, ws = (t, words) if case_sensitive else (t.lower(), [w.lower() for w in words])
        if whole_word:
            return 1 if any(re.search(rf"\b{re.escape(w)}\b", t2) for w in ws) else ABSTAIN
        return 1 if any(w in t2 for w in ws) else ABSTAIN

    assert apply([lf])[:, 0].tolist() == rowwise(ref)


def test_regex_lf_flags_and_python_fallback():
    lf = regex_lf(r"check.*out", 1, case_sensitive=False)
    assert apply([lf])[:, 0].tolist() == rowwise(lambda t: 1 if re.search("check.*out", t, re.I) else -1)
    dotall = regex_lf(re.compile(r"check.*out", re.S), 1, name="dotall")
    assert apply([dotall])[:, 0].tolist() == rowwise(lambda t: 1 if re.search("check.*out", t, re.S) else -1)
    # a lookbehind is not RE2: it runs through Python's re with the same result
    look = regex_lf(r"(?<=I )love", 0, name="look")
    assert apply([look])[:, 0].tolist() == rowwise(lambda t: 0 if re.search(r"(?<=I )love", t) else -1)
    with pytest.raises(ValueError, match="invalid regular expression"):
        regex_lf("(", 1)


@pytest.mark.parametrize("op", ["<", "<=", ">", ">=", "==", "!="])
@pytest.mark.parametrize("value", [0, 2, 3, 2.5])
def test_length_lf_matches_python(op, value):
    import operator

    f = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq,
         "!=": operator.ne}[op]
    words = length_lf("text", op, value, 0, name="w")
    chars = length_lf("text", op, value * 5, 1, unit="chars", name="c")
    L = apply([words, chars])
    assert L[:, 0].tolist() == rowwise(lambda t: 0 if f(len(t.split()), value) else -1)
    assert L[:, 1].tolist() == rowwise(lambda t: 1 if f(len(t), value * 5) else -1)


def test_lookup_value_token_and_case():
    by_author = lookup_lf({"bot": 1, "alice": 0}, field="author", name="authors")
    ci = lookup_lf({"bot": 1, "alice": 0}, field="author", case_sensitive=False, name="authors_ci")
    tokens = lookup_lf({"love": 0, "channel": 1, "plz": 1}, field="text", match="token", case_sensitive=False,
                       name="tok")
    L = apply([by_author, ci, tokens])
    assert L[:, 0].tolist() == [1, 0, -1, 1, -1, -1, -1, -1]
    assert L[:, 1].tolist() == [1, 0, -1, 1, 0, -1, -1, -1]
    assert L[:, 2].tolist() == [1, -1, 0, -1, 1, -1, -1, -1]
    conflict = pd.DataFrame({"text": ["love my channel", "channel"]})
    assert LFApplier([tokens]).apply(conflict, progress=False).to_dense()[:, 0].tolist() == [-1, 1]
    gaz = lookup_lf({"bot", "x"}, label=1, field="author", name="gaz")
    assert apply([gaz])[:, 0].tolist() == [1, -1, -1, 1, -1, -1, 1, -1]
    with pytest.raises(ValueError, match="needs label="):
        lookup_lf({"a"})
    with pytest.raises(ValueError, match="both 0 and 1"):
        lookup_lf({"A": 0, "a": 1}, field="x", case_sensitive=False)
    with pytest.raises(ValueError, match="single word"):
        lookup_lf({"new york"}, label=1, match="token")


def test_threshold_lf_missing_values_abstain():
    L = apply([threshold_lf("n", ">=", 4, 1), threshold_lf("n", "==", 0, 0), threshold_lf("author", "==", "bot", 1)])
    assert L[:, 0].tolist() == [-1, 1, -1, -1, 1, -1, -1, 1]
    assert L[:, 1].tolist() == [-1, -1, -1, -1, -1, -1, 0, -1]
    assert L[:, 2].tolist() == [1, -1, -1, 1, -1, -1, -1, -1]
    with pytest.raises(ValueError, match="op must be one of"):
        threshold_lf("n", "=>", 1, 1)


def test_model_lf_sklearn_and_callable():
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression().fit(np.array([[0.0], [1.0], [6.0], [7.0]]), ["ham", "ham", "spam", "spam"])
    lf = model_lf(clf, {"spam": 1}, featurizer=lambda df: df[["n"]].fillna(3.5).to_numpy(), threshold=0.8)
    expected = [1 if p >= 0.8 else -1 for p in clf.predict_proba(frame()[["n"]].fillna(3.5).to_numpy())[:, 1]]
    assert apply([lf])[:, 0].tolist() == expected

    def score(texts):
        return np.array([0.9 if isinstance(t, str) and "!" in t else 0.1 for t in texts])

    by_fn = model_lf(score, [0, 1], field="text", threshold=0.85, name="bang")
    # the row with no text (r3) abstains: the model is never asked about a missing field
    assert apply([by_fn])[:, 0].tolist() == [1, 0, 0, -1, 0, 0, 0, 0]
    bad = model_lf(lambda X: np.zeros((2, 2)), [0, 1], name="bad_shape")
    with pytest.raises(LabelingFunctionError, match="bad_shape.*shape"):
        apply([bad])


def test_missing_field_names_lf_and_field():
    with pytest.raises(LabelingFunctionError, match=r"'kw_title'.*no field 'title'"):
        apply([keyword_lf("x", 1, field="title", name="kw_title")])
    with pytest.raises(LabelingFunctionError, match=r"'thr'.*no field 'score'"):
        apply([threshold_lf("score", ">", 1, 1, name="thr")])
    with pytest.raises(ValueError, match="label must be a class id"):
        keyword_lf("x", -1)
    with pytest.raises(ValueError, match="non-empty strings"):
        keyword_lf([], 1)


def test_keyword_lfs_share_one_lowercasing_per_batch(monkeypatch):
    calls = []
    view = field_view("text", "lower")
    original = view.f
    monkeypatch.setattr(view, "f", lambda x, **kw: calls.append(1) or original(x, **kw))
    lfs = [keyword_lf(w, 1, name=f"k{i}") for i, w in enumerate(["my", "song", "love", "plz", "http"])]
    assert all(lf.pre[-1] is view for lf in lfs)
    L = LFApplier(lfs, chunk_size=3).apply(frame(), progress=False)
    assert len(calls) == 3  # one per batch, not one per LF
    assert L.shape == (8, 5)


def test_templates_pickle_to_shared_views():
    lfs = [keyword_lf("my", 1, name="a"), keyword_lf("song", 0, name="b"), regex_lf("x", 1, name="c")]
    back = pickle.loads(pickle.dumps(lfs))
    assert back[0].pre[0] is back[1].pre[0] is back[2].pre[0] is field_view("text", "raw")
    assert isinstance(back[0].pre[0], Preprocessor)
    np.testing.assert_array_equal(apply(back), apply(lfs))


def test_numpy_input_with_integer_field():
    X = np.array([["spam here", 1], ["fine", 2]], dtype=object)
    L = LFApplier([keyword_lf("spam", 1, field=0), threshold_lf(1, ">", 1, 0)]).apply(X, progress=False)
    assert L.to_dense().tolist() == [[1, -1], [-1, 0]]


def test_pure_python_fallback_matches_arrow(monkeypatch):
    from weaksup.labeling import _kernels

    lfs = [keyword_lf(["my", "ünïcode"], 1, whole_word=True, name="a"), keyword_lf("song", 0, name="b"),
           regex_lf(r"check.*out", 1, case_sensitive=False, name="c"), length_lf("text", "<", 3, 0, name="d"),
           lookup_lf({"love", "plz"}, label=0, match="token", name="e")]
    with_arrow = apply(lfs)
    monkeypatch.setattr(_kernels, "_arrow", lambda: None)
    np.testing.assert_array_equal(apply(lfs), with_arrow)


def test_model_lf_rows_with_missing_text_abstain_and_never_reach_the_model():
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    from weaksup import LFApplier
    from weaksup.labeling.templates import model_lf

    clf = make_pipeline(CountVectorizer(), LogisticRegression()).fit(["spam spam", "ham", "spam", "ham ham"], [1, 0, 1, 0])
    seen = []

    def scores(texts):
        seen.append(list(texts))
        return clf.predict_proba(texts)[:, 1]

    df = pd.DataFrame({"text": pd.array(["spam", None, "ham", np.nan], dtype="str")}, index=list("abcd"))
    L = LFApplier([model_lf(clf, {0: 0, 1: 1}, field="text"), model_lf(scores, [0, 1], field="text")]).apply(
        df, progress=False)
    assert L.to_dense().tolist() == [[1, 1], [-1, -1], [0, 0], [-1, -1]]
    assert seen == [["spam", "ham"]]
    empty = pd.DataFrame({"text": pd.array([None, None], dtype="str")})
    assert LFApplier([model_lf(scores, [0, 1], field="text")]).apply(empty, progress=False).to_dense().tolist() == [
        [-1], [-1]]
    assert len(seen) == 1  # nothing to score: the model is not called
