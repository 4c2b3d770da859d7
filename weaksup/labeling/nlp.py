"""spaCy preprocessing for labeling functions: parse each text once, share the parse between LFs.

spaCy is imported only when a text is first parsed. A pipeline is loaded once per process and
language (worker processes of ``LFApplier(n_jobs=...)`` each load their own; the pipeline is never
pickled). A model package that is not installed is never downloaded: the preprocessor falls back
to ``spacy.blank(lang)`` (a tokenizer, without tags, parses or entities) and says so in a
:class:`~weaksup.errors.WeaksupWarning`.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import pandas as pd

from weaksup._validation import is_whole_number
from weaksup.errors import ParameterError, ParameterTypeError, WeaksupError, WeaksupWarning
from weaksup.labeling.lf import LabelingFunction
from weaksup.labeling.preprocessor import Preprocessor, default_name
from weaksup.labeling.row import Row

_PIPELINES: dict[tuple[str, tuple[str, ...], bool], Any] = {}  # one pipeline per process and configuration
_LANG_CODE = re.compile(r"^[a-z]{2,3}$")


def load_spacy(language: str = "en_core_web_sm", disable: Sequence[str] | None = None, gpu: bool = False) -> Any:
    """The spaCy pipeline ``language`` (a model package or a language code), loaded once per process.

    A model package that is not installed gives ``spacy.blank(lang)`` (``lang``: the name's
    prefix, ``"en"`` for ``"en_core_web_sm"``) and a :class:`~weaksup.errors.WeaksupWarning`
    naming the package to install; nothing is downloaded. A bare language code (``"en"``) is
    ``spacy.blank`` without a warning.

    Examples
    --------
    >>> nlp = load_spacy("en")
    >>> [t.text for t in nlp("Check it out!")]
    ['Check', 'it', 'out', '!']
    """
    key = (language, tuple(disable or ()), bool(gpu))
    nlp = _PIPELINES.get(key)
    if nlp is not None:
        return nlp
    try:
        import spacy
    except ImportError as exc:
        raise ImportError("spaCy preprocessing needs spaCy: pip install spacy") from exc
    if gpu:
        spacy.prefer_gpu()
    if _LANG_CODE.match(language):
        nlp = _blank(spacy, language, language)
    else:
        try:
            nlp = spacy.load(language, exclude=list(disable or ()))
        except OSError:  # E050: neither an installed package nor a model folder
            lang = language.split("_", 1)[0]
            nlp = _blank(spacy, lang, language)
            warnings.warn(
                f"spaCy model {language!r} is not installed, so spacy.blank({lang!r}) is used: it tokenizes but "
                f"gives no part-of-speech tags, parses or entities. Install the model package (pip install "
                f"{language}, or python -m spacy download {language}) for those; weaksup never downloads models.",
                WeaksupWarning, stacklevel=3,
            )
    _PIPELINES[key] = nlp
    return nlp


def _blank(spacy: Any, lang: str, requested: str) -> Any:
    try:
        return spacy.blank(lang)
    except (ImportError, KeyError, ValueError) as exc:  # spaCy: E002 unknown language
        raise WeaksupError(f"spaCy has neither a model package nor a language named {requested!r}: {exc}") from exc


class SpacyPreprocessor(Preprocessor):
    """Parse a text field with spaCy and store the ``Doc`` in another field of the row.

    Row-wise (the default), the row's ``text_field`` is parsed and set as ``doc_field``;
    with ``vectorized=True`` the batch DataFrame gets a ``doc_field`` column parsed with
    ``nlp.pipe`` (for vectorized LFs). With ``memoize=True`` (the default) each distinct text
    is parsed once: parses are kept (up to ``cache_size`` texts, oldest dropped first) across
    LFs, batches and ``apply`` calls, and the applier shares them between every LF that lists
    this preprocessor. The pipeline is loaded on first use (see :func:`load_spacy`) and left
    out when the preprocessor is sent to worker processes, which load their own.

    Parameters
    ----------
    text_field, doc_field : str
        Field read and field written.
    language : str
        A spaCy model package (``"en_core_web_sm"``) or a language code (``"en"``).
    disable : sequence of str, optional
        Pipeline components not to load (faster parses).
    memoize : bool
        Parse each distinct text once.
    cache_size : int
        Most parses kept when memoizing.
    vectorized : bool
        Run on the batch DataFrame instead of row by row.
    gpu : bool
        Ask spaCy to use a GPU (``spacy.prefer_gpu()``).
    name : str, optional
        Defaults to ``spacy_<language>_<text_field>``.

    Examples
    --------
    >>> import pandas as pd
    >>> from weaksup import LFApplier, labeling_function
    >>> spacy_pre = SpacyPreprocessor(language="en")
    >>> @labeling_function(pre=[spacy_pre])
    ... def long_comment(x):
    ...     return 0 if len(x.doc) > 3 else -1
    >>> df = pd.DataFrame({"text": ["So cute", "This is a song I love"]})
    >>> LFApplier([long_comment]).apply(df, progress=False).to_dense().ravel().tolist()
    [-1, 0]
    """

    def __init__(self, text_field: str = "text", doc_field: str = "doc", language: str = "en_core_web_sm",
                 disable: Sequence[str] | None = None, memoize: bool = True, cache_size: int = 100_000,
                 vectorized: bool = False, gpu: bool = False, name: str | None = None) -> None:
        super().__init__(name or f"spacy_{language}_{text_field}", self._run, memoize=memoize, vectorized=vectorized)
        self.text_field = text_field
        self.doc_field = doc_field
        self.language = language
        self.disable = list(disable or ())
        if not is_whole_number(cache_size, 0):
            raise ParameterError(f"SpacyPreprocessor: cache_size must be a whole number of parses >= 0, got {cache_size!r}")
        self.cache_size = int(cache_size)
        self.gpu = gpu
        self._nlp: Any = None
        self._docs: dict[str, Any] = {}

    @property
    def nlp(self) -> Any:
        """The spaCy pipeline (loaded on first use)."""
        if self._nlp is None:
            self._nlp = load_spacy(self.language, self.disable, self.gpu)
        return self._nlp

    def parse(self, text: str) -> Any:
        """The ``Doc`` of one text (from the cache when memoizing)."""
        if not isinstance(text, str):
            raise ParameterTypeError(f"preprocessor {self.name!r}: field {self.text_field!r} must be a str, got "
                                     f"{text!r}; fill missing texts first (e.g. df[{self.text_field!r}].fillna(''))")
        if not self.memoize:
            return self.nlp(text)
        doc = self._docs.get(text)
        if doc is None:
            doc = self.nlp(text)
            self._remember(text, doc)
        return doc

    def pipe(self, texts: Iterable[str]) -> list[Any]:
        """``Doc`` objects of many texts, the uncached ones parsed in one ``nlp.pipe`` stream."""
        texts = list(texts)
        for t in texts:
            if not isinstance(t, str):
                raise ParameterTypeError(f"preprocessor {self.name!r}: field {self.text_field!r} must be a str, got {t!r}")
        if not self.memoize:
            return list(self.nlp.pipe(texts))
        todo = list(dict.fromkeys(t for t in texts if t not in self._docs))
        parsed = dict(zip(todo, self.nlp.pipe(todo), strict=True))
        docs = [parsed[t] if t in parsed else self._docs[t] for t in texts]
        for t, doc in parsed.items():
            self._remember(t, doc)
        return docs

    def _remember(self, text: str, doc: Any) -> None:
        if self.cache_size == 0:  # nothing kept (popping the oldest of no parses raised StopIteration)
            return
        if len(self._docs) >= self.cache_size:  # dicts keep insertion order: drop the oldest parse
            self._docs.pop(next(iter(self._docs)))
        self._docs[text] = doc

    def clear_cache(self) -> None:
        """Forget every memoized parse."""
        self._docs = {}

    def _run(self, x: Any) -> Any:
        if isinstance(x, pd.DataFrame):
            texts = x[self.text_field].tolist()
            bad = next((i for i, t in enumerate(texts) if not isinstance(t, str)), None)
            if bad is not None:  # name the row: the applier's message names only the batch's first one
                raise ParameterTypeError(f"preprocessor {self.name!r}: field {self.text_field!r} must be a str, got "
                                         f"{texts[bad]!r} at row {x.index[bad]!r}; fill missing texts first "
                                         f"(e.g. df[{self.text_field!r}].fillna(''))")
            x[self.doc_field] = self.pipe(texts)
            return x
        if isinstance(x, (Row, dict, pd.Series)):
            x[self.doc_field] = self.parse(x[self.text_field])
        else:  # SimpleNamespace and other objects with attributes
            setattr(x, self.doc_field, self.parse(getattr(x, self.text_field)))
        return x

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state.update(f=None, _nlp=None, _docs={})  # workers load their own pipeline; parses stay here
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.f = self._run

    def __repr__(self) -> str:
        return f"SpacyPreprocessor({self.text_field!r} -> {self.doc_field!r}, language={self.language!r})"


_SHARED: dict[tuple[Any, ...], SpacyPreprocessor] = {}


def shared_spacy_preprocessor(text_field: str = "text", doc_field: str = "doc", language: str = "en_core_web_sm",
                              disable: Sequence[str] | None = None, memoize: bool = True,
                              vectorized: bool = False) -> SpacyPreprocessor:
    """One :class:`SpacyPreprocessor` per configuration, shared by every spaCy LF that uses it.

    Examples
    --------
    >>> shared_spacy_preprocessor(language="en") is shared_spacy_preprocessor(language="en")
    True
    """
    key = (text_field, doc_field, language, tuple(disable or ()), bool(memoize), bool(vectorized))
    if key not in _SHARED:
        _SHARED[key] = SpacyPreprocessor(text_field, doc_field, language, disable, memoize=memoize,
                                         vectorized=vectorized)
    return _SHARED[key]


def nlp_labeling_function(
    name: str | None = None,
    resources: dict[str, Any] | None = None,
    pre: Sequence[Preprocessor] | None = None,
    text_field: str = "text",
    doc_field: str = "doc",
    language: str = "en_core_web_sm",
    disable: Sequence[str] | None = None,
    memoize: bool = True,
    vectorized: bool = False,
) -> Callable[[Callable[..., Any]], LabelingFunction]:
    """Decorator for an LF that reads a spaCy ``Doc`` in ``x.<doc_field>`` (``x.doc``).

    LFs with the same spaCy settings share one :func:`shared_spacy_preprocessor`, so each text
    is parsed once for all of them. ``pre`` preprocessors run before the parse.

    Examples
    --------
    >>> import pandas as pd
    >>> from weaksup import LFApplier
    >>> @nlp_labeling_function(language="en")
    ... def many_tokens(x):
    ...     return 1 if len(x.doc) > 4 else -1
    >>> LFApplier([many_tokens]).apply(pd.DataFrame({"text": ["hi", "check out my new channel"]}),
    ...                               progress=False).to_dense().ravel().tolist()
    [-1, 1]
    """
    if callable(name):
        raise ParameterTypeError("use @nlp_labeling_function() with parentheses")

    def wrap(f: Callable[..., Any]) -> LabelingFunction:
        spacy_pre = shared_spacy_preprocessor(text_field, doc_field, language, disable, memoize, vectorized)
        return LabelingFunction(default_name(f, name, "nlp_labeling_function"), f, resources=resources,
                                pre=[*(pre or []), spacy_pre], vectorized=vectorized)

    return wrap
