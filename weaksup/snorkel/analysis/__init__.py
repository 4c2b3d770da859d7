"""Snorkel's ``snorkel.analysis``: metrics, a scorer (overall and per slice) and error buckets."""

from weaksup.snorkel.analysis.error_analysis import get_label_buckets, get_label_instances
from weaksup.snorkel.analysis.metrics import metric_score
from weaksup.snorkel.analysis.scorer import Scorer

__all__ = ["Scorer", "get_label_buckets", "get_label_instances", "metric_score"]
