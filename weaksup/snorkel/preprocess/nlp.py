"""Snorkel's ``SpacyPreprocessor`` (``snorkel.preprocess.nlp``), loading spaCy through :func:`weaksup.labeling.nlp.load_spacy`.

As in Snorkel, the parse goes to ``doc_field`` and memoization is by the data point's content.
Unlike Snorkel, a model package that is not installed gives ``spacy.blank`` and a warning (it is
never downloaded), and the pipeline is loaded on first use and left out of pickles, so the
preprocessor works with weaksup's process-parallel appliers.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any

from weaksup.labeling.nlp import load_spacy
from weaksup.snorkel.map.core import BaseMapper
from weaksup.snorkel.preprocess.core import Preprocessor

EN_CORE_WEB_SM = "en_core_web_sm"


class SpacyPreprocessor(Preprocessor):
    """Parse ``text_field`` with spaCy into ``doc_field`` (Snorkel's signature and defaults).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> spacy_pre = SpacyPreprocessor("text", "doc", language="en")
    >>> [t.text for t in spacy_pre(SimpleNamespace(text="Jane plays soccer.")).doc]
    ['Jane', 'plays', 'soccer', '.']
    """

    def __init__(self, text_field: str, doc_field: str, language: str = EN_CORE_WEB_SM,
                 disable: Sequence[str] | None = None, pre: Sequence[BaseMapper] | None = None,
                 memoize: bool = False, memoize_key: Callable[[Any], Hashable] | None = None,
                 gpu: bool = False) -> None:
        super().__init__(type(self).__name__, field_names=dict(text=text_field),
                         mapped_field_names=dict(doc=doc_field), pre=pre, memoize=memoize, memoize_key=memoize_key)
        self.language = language
        self.disable = list(disable or ())
        self.gpu = gpu
        self._nlp: Any = None

    @property
    def nlp(self) -> Any:
        """The spaCy pipeline, loaded on first use."""
        if self._nlp is None:
            self._nlp = load_spacy(self.language, self.disable, self.gpu)
        return self._nlp

    def run(self, text: str) -> dict[str, Any]:  # type: ignore[override]
        """``{"doc": nlp(text)}``."""
        return dict(doc=self.nlp(text))

    def __getstate__(self) -> dict[str, Any]:
        state = super().__getstate__()
        state["_nlp"] = None  # workers load their own pipeline
        return state
