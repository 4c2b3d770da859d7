"""What every applier shares: its LFs (checked once), the cardinality, LF names and the error records."""

from __future__ import annotations

from collections.abc import Sequence

from weaksup.apply.core import LFErrorRecord, check_lfs
from weaksup.labeling.lf import LabelingFunction


class BaseApplier:
    """Base of :class:`~weaksup.apply.LFApplier`, ``IncrementalApplier``, ``ChunkedApplier`` and ``DaskLFApplier``.

    Parameters
    ----------
    lfs : sequence of LabelingFunction
        LFs with unique names; the label matrix columns follow this order.
    cardinality : int, optional
        Number of classes; when given, votes outside ``0..cardinality-1`` are errors.

    Attributes
    ----------
    errors_ : dict
        After a ``fault_tolerant=True`` pass: LF name -> :class:`~weaksup.apply.LFErrorRecord`.

    Examples
    --------
    >>> from weaksup import keyword_lf
    >>> BaseApplier([keyword_lf("my", 1), keyword_lf("song", 0)]).lf_names
    ['keyword_my', 'keyword_song']
    """

    def __init__(self, lfs: Sequence[LabelingFunction], cardinality: int | None = None) -> None:
        self.lfs = check_lfs(lfs)
        self.cardinality = cardinality
        self.errors_: dict[str, LFErrorRecord] = {}

    @property
    def lf_names(self) -> list[str]:
        """The LFs' names, in column order."""
        return [lf.name for lf in self.lfs]
