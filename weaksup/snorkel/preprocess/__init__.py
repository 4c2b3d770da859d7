"""Snorkel's ``snorkel.preprocess``: preprocessors for LFs, TFs and SFs (``.nlp``: spaCy)."""

from weaksup.snorkel.preprocess.core import BasePreprocessor, LambdaPreprocessor, Preprocessor, preprocessor

__all__ = ["BasePreprocessor", "LambdaPreprocessor", "Preprocessor", "preprocessor"]
