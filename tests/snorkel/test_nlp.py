"""spaCy preprocessing: native (weaksup.labeling.nlp) and Snorkel's names (weaksup.snorkel ... nlp)."""

from __future__ import annotations

import pickle
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

import weaksup as ws
from weaksup.labeling import nlp

spacy = pytest.importorskip("spacy")

TEXTS = ["Jane Doe.", "Jane plays soccer.", "Jane plays soccer.", "check out my channel http://x.co", "so cute"]


def _model_installed() -> bool:
    import importlib.util

    return importlib.util.find_spec("en_core_web_sm") is not None


def test_missing_model_falls_back_to_blank_and_says_so(monkeypatch):
    if _model_installed():
        pytest.skip("en_core_web_sm is installed here")
    monkeypatch.setattr(nlp, "_PIPELINES", {})
    with pytest.warns(ws.WeaksupWarning, match=r"spacy\.blank\('en'\).*never downloads"):
        pipeline = nlp.load_spacy("en_core_web_sm")
    assert [t.text for t in pipeline("Jane plays soccer.")] == ["Jane", "plays", "soccer", "."]
    assert nlp.load_spacy("en_core_web_sm") is pipeline  # loaded once per process
    with pytest.raises(ws.WeaksupError, match="qq_not_a_model"):
        nlp.load_spacy("qq_not_a_model")


class CountingPipeline:
    """Wraps a blank pipeline and counts the texts it parses."""

    def __init__(self):
        self.nlp = spacy.blank("en")
        self.calls = 0

    def __call__(self, text):
        self.calls += 1
        return self.nlp(text)

    def pipe(self, texts):
        texts = list(texts)
        self.calls += len(texts)
        return self.nlp.pipe(texts)


def test_each_distinct_text_is_parsed_once_for_all_lfs():
    pre = nlp.SpacyPreprocessor(language="en")
    counter = CountingPipeline()
    pre._nlp = counter

    @ws.labeling_function(pre=[pre])
    def n_tokens_big(x):
        return 1 if len(x.doc) > 3 else -1

    @ws.labeling_function(pre=[pre])
    def has_url_like(x):
        return 1 if any(t.like_url for t in x.doc) else -1

    df = pd.DataFrame({"text": TEXTS})
    L = ws.LFApplier([n_tokens_big, has_url_like]).apply(df, progress=False)
    assert L.to_dense().tolist() == [[-1, -1], [1, -1], [1, -1], [1, 1], [-1, -1]]
    assert counter.calls == len(set(TEXTS))  # 4 distinct texts, 2 LFs: 4 parses
    ws.LFApplier([n_tokens_big]).apply(df, progress=False)
    assert counter.calls == len(set(TEXTS))  # a second apply reuses the parses


def test_vectorized_preprocessor_uses_pipe():
    pre = nlp.SpacyPreprocessor(language="en", vectorized=True)

    @ws.labeling_function(pre=[pre], vectorized=True)
    def long_doc(df):
        return np.where(df["doc"].map(len) > 3, 1, -1)

    L = ws.LFApplier([long_doc]).apply(pd.DataFrame({"text": TEXTS}), progress=False)
    assert L.to_dense().ravel().tolist() == [-1, 1, 1, 1, -1]


def test_parallel_applier_gives_the_same_votes_and_never_pickles_the_pipeline():
    @nlp.nlp_labeling_function(language="en")
    def many_tokens(x):
        return 1 if len(x.doc) > 3 else 0

    @nlp.nlp_labeling_function(language="en")
    def first_is_jane(x):
        return 1 if x.doc[0].text == "Jane" else -1

    assert many_tokens.pre[-1] is first_is_jane.pre[-1]  # one shared preprocessor, one cache
    pre = many_tokens.pre[-1]
    pre.parse("warm the cache")
    state = pickle.loads(pickle.dumps(pre))
    assert state._nlp is None and state._docs == {}
    df = pd.DataFrame({"text": TEXTS * 8})
    one = ws.LFApplier([many_tokens, first_is_jane]).apply(df, progress=False)
    two = ws.LFApplier([many_tokens, first_is_jane], n_jobs=2, chunk_size=10).apply(df, progress=False)
    assert one == two


def test_snorkel_names_for_spacy(recwarn):
    from weaksup.snorkel.labeling import PandasLFApplier
    from weaksup.snorkel.labeling.lf.nlp import NLPLabelingFunction, nlp_labeling_function
    from weaksup.snorkel.preprocess.nlp import SpacyPreprocessor

    sp_pre = SpacyPreprocessor(text_field="text", doc_field="doc", language="en", memoize=True)
    x = sp_pre(SimpleNamespace(text="Jane plays soccer."))
    assert [t.text for t in x.doc] == ["Jane", "plays", "soccer", "."]

    @nlp_labeling_function(language="en")
    def short(x):
        return 0 if len(x.doc) < 4 else -1

    lf = NLPLabelingFunction("long", lambda x: 1 if len(x.doc) > 4 else -1, language="en")
    assert short.pre[0] is lf.pre[0]  # shared, as in Snorkel
    L = PandasLFApplier([short, lf]).apply(pd.DataFrame({"text": TEXTS}), progress_bar=False)
    assert L.tolist() == [[0, -1], [-1, -1], [-1, -1], [-1, 1], [0, -1]]
    assert len(short.pre[0]._cache) == 4  # memoized by content: the repeated row is parsed once
