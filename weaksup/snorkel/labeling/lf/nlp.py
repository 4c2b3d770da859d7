"""Snorkel's spaCy LFs (``snorkel.labeling.lf.nlp``): ``NLPLabelingFunction`` and ``@nlp_labeling_function()``.

Every ``NLPLabelingFunction`` shares one :class:`~weaksup.snorkel.preprocess.nlp.SpacyPreprocessor`
per spaCy configuration (and its cache), so a text is parsed once for all of them (Snorkel
allows a single configuration and raises ``ValueError`` on a second). The native
:func:`weaksup.labeling.nlp.nlp_labeling_function` does the same for native LFs.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any, NamedTuple

from weaksup.snorkel.labeling.lf.core import LabelingFunction, labeling_function
from weaksup.snorkel.map.core import BaseMapper
from weaksup.snorkel.preprocess.nlp import EN_CORE_WEB_SM, SpacyPreprocessor


class SpacyPreprocessorParameters(NamedTuple):
    """The settings of the shared spaCy preprocessor."""

    text_field: str
    doc_field: str
    language: str
    disable: Sequence[str] | None
    pre: Sequence[BaseMapper]
    memoize: bool
    memoize_key: Callable[[Any], Hashable] | None
    gpu: bool


class SpacyPreprocessorConfig(NamedTuple):
    """The shared spaCy preprocessor and the settings it was made with."""

    nlp: SpacyPreprocessor
    parameters: SpacyPreprocessorParameters


class BaseNLPLabelingFunction(LabelingFunction):
    """An LF whose single preprocessor is a class-wide shared spaCy preprocessor."""

    _nlp_config: SpacyPreprocessorConfig
    _nlp_configs: dict[tuple[Any, ...], SpacyPreprocessorConfig]

    @classmethod
    def _create_preprocessor(cls, parameters: SpacyPreprocessorParameters) -> SpacyPreprocessor:
        return SpacyPreprocessor(**parameters._asdict())

    @classmethod
    def _create_or_check_preprocessor(cls, parameters: SpacyPreprocessorParameters) -> SpacyPreprocessor:
        # Snorkel allows one configuration per class and raises on a second; one shared preprocessor per
        # configuration keeps every LF Snorkel accepts working, and lets notebooks mix settings
        configs = cls.__dict__.get("_nlp_configs")
        if configs is None:
            configs = {}
            cls._nlp_configs = configs
        key = tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in parameters._asdict().items())
        if key not in configs:
            configs[key] = SpacyPreprocessorConfig(cls._create_preprocessor(parameters), parameters)
        cls._nlp_config = configs[key]
        return configs[key].nlp

    def __init__(self, name: str, f: Callable[..., int], resources: Mapping[str, Any] | None = None,
                 pre: Sequence[BaseMapper] | None = None, text_field: str = "text", doc_field: str = "doc",
                 language: str = EN_CORE_WEB_SM, disable: Sequence[str] | None = None, memoize: bool = True,
                 memoize_key: Callable[[Any], Hashable] | None = None, gpu: bool = False) -> None:
        params = SpacyPreprocessorParameters(text_field, doc_field, language, disable, list(pre or []), memoize,
                                             memoize_key, gpu)
        spacy_pre = self._create_or_check_preprocessor(params)
        super().__init__(name, f, resources=dict(resources or {}), pre=[spacy_pre])


class NLPLabelingFunction(BaseNLPLabelingFunction):
    """Snorkel's ``NLPLabelingFunction``: ``f`` reads the spaCy ``Doc`` of ``x.<text_field>`` in ``x.doc``.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> lf = NLPLabelingFunction("long", lambda x: 1 if len(x.doc) > 3 else -1, language="en")
    >>> lf(SimpleNamespace(text="check out my channel"))
    1
    """


class base_nlp_labeling_function(labeling_function):  # noqa: N801 -- Snorkel's name
    """Decorator making a ``BaseNLPLabelingFunction`` subclass (``_lf_cls``) from a function."""

    _lf_cls: type[BaseNLPLabelingFunction] | None = None

    def __init__(self, name: str | None = None, resources: Mapping[str, Any] | None = None,
                 pre: Sequence[BaseMapper] | None = None, text_field: str = "text", doc_field: str = "doc",
                 language: str = EN_CORE_WEB_SM, disable: Sequence[str] | None = None, memoize: bool = True,
                 memoize_key: Callable[[Any], Hashable] | None = None, gpu: bool = False) -> None:
        super().__init__(name, dict(resources or {}), pre)
        self.text_field, self.doc_field, self.language, self.disable = text_field, doc_field, language, disable
        self.memoize, self.memoize_key, self.gpu = memoize, memoize_key, gpu

    def __call__(self, f: Callable[..., int]) -> BaseNLPLabelingFunction:  # type: ignore[override]
        if self._lf_cls is None:
            raise NotImplementedError("_lf_cls must be defined")
        return self._lf_cls(self.name or f.__name__, f, resources=self.resources, pre=self.pre,
                            text_field=self.text_field, doc_field=self.doc_field, language=self.language,
                            disable=self.disable, memoize=self.memoize, memoize_key=self.memoize_key, gpu=self.gpu)


class nlp_labeling_function(base_nlp_labeling_function):  # noqa: N801 -- Snorkel's name
    """Snorkel's ``@nlp_labeling_function()``: an :class:`NLPLabelingFunction` from a function.

    Examples
    --------
    >>> @nlp_labeling_function(language="en")
    ... def has_many_tokens(x):
    ...     return 1 if len(x.doc) > 5 else -1
    >>> has_many_tokens.name
    'has_many_tokens'
    """

    _lf_cls = NLPLabelingFunction
