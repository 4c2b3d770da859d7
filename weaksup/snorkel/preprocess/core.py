"""Snorkel's preprocessors (``snorkel.preprocess``): mappers run before an LF, TF or SF."""

from __future__ import annotations

from weaksup.snorkel.map.core import BaseMapper, LambdaMapper, Mapper, lambda_mapper

#: every preprocessor is a mapper (and a native :class:`weaksup.labeling.Preprocessor`)
BasePreprocessor = BaseMapper


class Preprocessor(Mapper):
    """A :class:`~weaksup.snorkel.map.Mapper` used as a preprocessor (Snorkel's ``Preprocessor``).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> class Words(Preprocessor):
    ...     def run(self, text):
    ...         return dict(words=text.split())
    >>> Words("words")(SimpleNamespace(text="a b")).words
    ['a', 'b']
    """


class LambdaPreprocessor(LambdaMapper):
    """A preprocessor from a function ``f(x) -> x`` (Snorkel's ``LambdaPreprocessor``).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> LambdaPreprocessor("n", lambda x: x)(SimpleNamespace(a=1)).a
    1
    """


class preprocessor(lambda_mapper):  # noqa: N801 -- Snorkel's name
    """Decorator turning ``f(x) -> x`` into a :class:`LambdaPreprocessor` (Snorkel's ``@preprocessor()``).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> @preprocessor(memoize=True)
    ... def add_n(x):
    ...     x.n = len(x.text)
    ...     return x
    >>> add_n(SimpleNamespace(text="abc")).n
    3
    """

    _kind = LambdaPreprocessor
