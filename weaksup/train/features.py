"""Pre-computed features from pretrained models: sentence embeddings from a local sentence-transformers model.

Any dense array, scipy sparse matrix or torch tensor is already a feature matrix for the end models; this
module only adds the path from texts to embeddings. ``sentence-transformers`` is imported lazily and a model
is only ever loaded from disk (or passed in): nothing is downloaded at run time.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from weaksup.errors import ModelInputError


def sentence_embeddings(
    texts: Iterable[str],
    model: Any,
    batch_size: int = 64,
    normalize: bool = True,
    device: str | None = None,
    progress: bool = False,
) -> np.ndarray:
    """Embed ``texts`` with a sentence-transformers model; returns a float32 array ``n x d``.

    Parameters
    ----------
    texts : iterable of str (a list, a pandas Series)
    model : path of a saved model folder, or an object with ``encode(list_of_str, ...)``
        (a loaded ``SentenceTransformer``). A path must exist locally: hub names are refused,
        so a run never reaches the network.
    batch_size : int
    normalize : bool
        L2-normalise each embedding (cosine geometry, what a linear end model wants).
    device : str, optional
        Device for a model loaded from a path.
    progress : bool
        Show the encoder's progress bar.

    Examples
    --------
    >>> import numpy as np
    >>> class Bag:  # anything with encode() works, e.g. a SentenceTransformer loaded from disk
    ...     def encode(self, texts, **kw):
    ...         return np.array([[len(t), t.count("!")] for t in texts], dtype=float)
    >>> sentence_embeddings(["hi!", "hello"], Bag()).astype(float).round(3).tolist()
    [[0.949, 0.316], [1.0, 0.0]]
    """
    texts = _check_texts(texts)
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise ModelInputError(f"batch_size must be an integer >= 1, got {batch_size!r}")
    if isinstance(model, (str, os.PathLike)):
        path = Path(model).expanduser()
        if not path.is_dir():
            raise ModelInputError(
                f"sentence-transformers model {str(model)!r} is not a local folder; weaksup never downloads "
                "models at run time: save one with SentenceTransformer(...).save(folder) and pass the folder")
        if not any((path / name).is_file() for name in ("modules.json", "config.json")):
            raise ModelInputError(
                f"folder {str(path)!r} holds no sentence-transformers model (no modules.json or config.json); "
                "pass the folder SentenceTransformer(...).save(folder) wrote")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise ModelInputError(
                "sentence_embeddings needs the optional package sentence-transformers "
                "(pip install sentence-transformers)") from exc
        try:
            model = SentenceTransformer(str(path), device=device, local_files_only=True)
        except (OSError, ValueError, KeyError, TypeError) as exc:  # a damaged or partial model folder
            raise ModelInputError(f"cannot load a sentence-transformers model from {str(path)!r}: "
                                  f"{type(exc).__name__}: {str(exc)[:300]}") from exc
    if not hasattr(model, "encode"):
        raise ModelInputError(f"model must be a folder or have an encode() method, got {type(model).__name__}")
    out = model.encode(texts, batch_size=int(batch_size), show_progress_bar=bool(progress),
                       convert_to_numpy=True)
    emb = np.asarray(out.detach().cpu() if hasattr(out, "detach") else out, dtype=np.float32)
    if emb.ndim != 2 or emb.shape[0] != len(texts):  # one row per text, or the rows would be misaligned
        raise ModelInputError(f"the encoder returned an array of shape {emb.shape} for {len(texts)} texts; "
                              "expected one embedding row per text")
    if not np.isfinite(emb).all():
        row = int(np.argmax(~np.isfinite(emb).all(axis=1)))
        raise ModelInputError(f"the encoder returned NaN or inf for text row {row}: {texts[row][:60]!r}")
    if normalize:
        norms = np.linalg.norm(emb, axis=1, keepdims=True)
        emb = emb / np.where(norms > 0, norms, 1.0)
    return emb


def _check_texts(texts: Iterable[str]) -> list[str]:
    """Texts as a list of str; a missing text (None, NaN, pd.NA) is an error naming its row, not the word "nan"."""
    if isinstance(texts, (str, bytes)):
        raise ModelInputError("texts must be a list or Series of texts, got one string (it would be embedded "
                              "character by character); wrap it in a list")
    if getattr(texts, "ndim", 1) != 1:  # iterating a DataFrame gives its column names, a 2-D array its rows
        raise ModelInputError(f"texts must be 1-D (a list or Series of texts), got {type(texts).__name__} of "
                              f"shape {getattr(texts, 'shape', '?')}; pass one column, e.g. df['text']")
    index = getattr(texts, "index", None) if hasattr(texts, "iloc") else None
    values = list(texts)
    if not values:
        raise ModelInputError("texts is empty: nothing to embed")
    out = []
    for i, t in enumerate(values):
        if t is None or (not isinstance(t, str) and _is_missing(t)):
            row = index[i] if index is not None else i
            row = row.item() if isinstance(row, np.generic) else row
            raise ModelInputError(f"text row {row!r} is missing ({t!r}); fill or drop missing texts before embedding")
        out.append(t if isinstance(t, str) else str(t))
    return out


def _is_missing(value: Any) -> bool:
    try:
        import pandas as pd

        return bool(pd.isna(value))
    except (TypeError, ValueError):  # array-likes: not a missing scalar
        return False
