"""Snorkel's spaCy slicing functions (``snorkel.slicing.sf.nlp``).

An ``NLPSlicingFunction`` is an NLP labeling function of :mod:`weaksup.snorkel.labeling.lf.nlp`
whose ``f`` returns slice membership: it reads the spaCy ``Doc`` of ``x.text`` in ``x.doc``, the
parse shared (and memoized) with every other NLP SF of the same spaCy settings.
"""

from __future__ import annotations

from weaksup.snorkel.labeling.lf.nlp import BaseNLPLabelingFunction, base_nlp_labeling_function


class NLPSlicingFunction(BaseNLPLabelingFunction):
    """Snorkel's ``NLPSlicingFunction(name, f, resources=None, pre=None, text_field="text", doc_field="doc", ...)``."""

    def __repr__(self) -> str:
        return f"{type(self).__name__} {self.name}, Preprocessors: {self.pre}"


class nlp_slicing_function(base_nlp_labeling_function):  # noqa: N801 -- Snorkel's name
    """Snorkel's ``@nlp_slicing_function()``: an :class:`NLPSlicingFunction` from a function."""

    _lf_cls = NLPSlicingFunction


__all__ = ["NLPSlicingFunction", "nlp_slicing_function"]
