"""Snorkel's ``snorkel.map``: data point -> data point mappers, memoized by content."""

from weaksup.snorkel.map.core import BaseMapper, LambdaMapper, Mapper, get_hashable, lambda_mapper

__all__ = ["BaseMapper", "LambdaMapper", "Mapper", "get_hashable", "lambda_mapper"]
