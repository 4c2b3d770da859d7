"""Sequence labeling (named entities as spans): span LFs, the span label matrix, sequence label models,
entity metrics and export. A span is ``(start, end, type)`` over token indices, end exclusive."""

from weaksup.sequence.analysis import SpanLFAnalysis
from weaksup.sequence.export import read_conll, to_conll, to_docbin, to_jsonl
from weaksup.sequence.lfs import (
    DocumentContextLF,
    GazetteerSpanLF,
    ModelSpanLF,
    RegexSpanLF,
    SpanLabelingFunction,
    TokenPatternLF,
    span_labeling_function,
)
from weaksup.sequence.matrix import SpanApplier, SpanLabelMatrix
from weaksup.sequence.metrics import entity_report, entity_scores
from weaksup.sequence.models import BaseSequenceModel, SequenceHMM, SequenceMajorityVoter
from weaksup.sequence.span_model import SequenceLabelModel
from weaksup.sequence.spans import Document, SpanError, spans_to_tags, tag_names, tags_to_spans, tokenize

__all__ = [
    "BaseSequenceModel", "Document", "DocumentContextLF", "GazetteerSpanLF", "ModelSpanLF", "RegexSpanLF",
    "SequenceHMM", "SequenceLabelModel", "SequenceMajorityVoter", "SpanApplier", "SpanError", "SpanLFAnalysis",
    "SpanLabelMatrix", "SpanLabelingFunction", "TokenPatternLF", "entity_report", "entity_scores", "read_conll",
    "span_labeling_function", "spans_to_tags", "tag_names", "tags_to_spans", "to_conll", "to_docbin", "to_jsonl",
    "tokenize",
]
