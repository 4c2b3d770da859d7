"""Snorkel's ``snorkel.labeling.lf``: labeling functions (``.nlp``: spaCy LFs)."""

from weaksup.snorkel.labeling.lf.core import LabelingFunction, labeling_function

__all__ = ["LabelingFunction", "labeling_function"]
