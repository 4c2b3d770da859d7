"""Pre-computed features (issue 15): dense, sparse and sentence embeddings from a local model only."""

import numpy as np
import pytest
import scipy.sparse as sp

pytest.importorskip("torch")

from weaksup.errors import ModelInputError  # noqa: E402
from weaksup.train import SoftLabelClassifier, sentence_embeddings  # noqa: E402


class CharEncoder:
    """Stands in for a SentenceTransformer: anything with encode(texts, ...) is accepted."""

    def __init__(self):
        self.calls = []

    def encode(self, texts, batch_size=32, show_progress_bar=False, convert_to_numpy=True):
        self.calls.append(batch_size)
        return np.array([[t.count("!"), t.count("http"), len(t) / 10.0] for t in texts])


def test_embeddings_train_an_end_model():
    texts = ["buy now!!! http://x", "nice song", "free money!! http://y", "love it"] * 10
    y = np.array([1, 0, 1, 0] * 10)
    enc = CharEncoder()
    emb = sentence_embeddings(texts, enc, batch_size=8)
    assert emb.dtype == np.float32 and emb.shape == (40, 3) and enc.calls == [8]
    assert np.allclose(np.linalg.norm(emb, axis=1), 1.0)
    probs = np.column_stack([1 - y, y]) * 0.8 + 0.1
    dense = SoftLabelClassifier(C=100.0).fit(emb, probs)
    assert dense.score(emb, y) == 1.0
    sparse = SoftLabelClassifier(C=100.0).fit(sp.csr_matrix(emb), probs)
    assert np.allclose(sparse.predict_proba(emb), dense.predict_proba(emb), atol=1e-4)


def test_never_downloads(tmp_path):
    with pytest.raises(ModelInputError, match="not a local folder"):
        sentence_embeddings(["a"], "sentence-transformers/all-MiniLM-L6-v2")
    with pytest.raises(ModelInputError, match="encode"):
        sentence_embeddings(["a"], 42)


def test_encoder_nan_names_the_row():
    class Broken:
        def encode(self, texts, **kw):
            out = np.ones((len(texts), 2))
            out[1, 0] = np.nan
            return out

    with pytest.raises(ModelInputError, match="text row 1"):
        sentence_embeddings(["a", "b", "c"], Broken())


def test_tiny_local_sentence_transformer(tmp_path):
    """A real SentenceTransformer built in the test (no download): skipped where the package is absent."""
    st = pytest.importorskip("sentence_transformers")
    try:  # sentence-transformers >= 6 moved the modules; older releases have them here only
        from sentence_transformers.sentence_transformer import modules as models
    except ImportError:
        from sentence_transformers import models

    words = ["spam", "ham", "free", "song", "money", "love"]
    emb_layer = models.WordEmbeddings(
        tokenizer=models.tokenizer.WhitespaceTokenizer(vocab=words, do_lower_case=True),
        embedding_weights=np.random.default_rng(0).normal(size=(len(words), 8)).astype(np.float32),
    )
    model = st.SentenceTransformer(modules=[emb_layer, models.Pooling(8)])
    model.save(str(tmp_path / "tiny"))
    out = sentence_embeddings(["free money", "love song"], tmp_path / "tiny")
    assert out.shape == (2, 8) and np.isfinite(out).all()


def test_dataframe_texts_are_refused():
    # was: a one-column DataFrame embedded its column name, one row for the whole frame
    pd = pytest.importorskip("pandas")
    with pytest.raises(ModelInputError, match="texts must be 1-D.*df\\['text'\\]"):
        sentence_embeddings(pd.DataFrame({"text": ["a", "b"]}), CharEncoder())
    with pytest.raises(ModelInputError, match="batch_size"):
        sentence_embeddings(["a"], CharEncoder(), batch_size=0)


def test_folder_without_a_model_is_a_clear_error(tmp_path):
    # was: transformers' bare ValueError ("Unrecognized model ... model_type")
    with pytest.raises(ModelInputError, match="holds no sentence-transformers model"):
        sentence_embeddings(["a"], tmp_path)
    pytest.importorskip("sentence_transformers")
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(ModelInputError, match="cannot load a sentence-transformers model"):
        sentence_embeddings(["a"], tmp_path)


def test_missing_package_is_named(tmp_path, monkeypatch):
    import sys

    (tmp_path / "modules.json").write_text("[]")
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)  # import raises ImportError
    with pytest.raises(ModelInputError, match="pip install sentence-transformers"):
        sentence_embeddings(["a"], tmp_path)
