"""Dataset loaders: the bundled YouTube spam data and WRENCH-format folders."""

from weaksup.datasets.spam_lfs import spam_lfs
from weaksup.datasets.wrench import WrenchDataset, WrenchSplit, load_wrench
from weaksup.datasets.wrench_sequence import load_wrench_sequence
from weaksup.datasets.youtube import load_youtube_spam

__all__ = ["WrenchDataset", "WrenchSplit", "load_wrench", "load_wrench_sequence", "load_youtube_spam", "spam_lfs"]
