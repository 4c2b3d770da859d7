"""The slice applier: run slicing functions over data into a :class:`SliceMatrix`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from weaksup.apply.applier import LFApplier
from weaksup.errors import LabelingFunctionError, ParameterTypeError
from weaksup.labeling.lf import LabelingFunction
from weaksup.slicing.matrix import SliceMatrix
from weaksup.slicing.sf import IN_SLICE, SliceError, SlicingFunction

_LF_WORDS = "labeling function "


class SFApplier:
    """Apply slicing functions to a DataFrame, a list of dicts or an array.

    Runs on the LF applier's machinery: row-wise SFs over light row objects, vectorized ones once
    per batch, preprocessors shared, ``n_jobs`` worker processes, errors that name the SF and the
    row. Rows come back in input order with the input's index.

    Parameters
    ----------
    sfs : sequence of SlicingFunction
        SFs with unique names; the slice matrix columns follow this order.
    chunk_size : int
        Most rows per batch.
    n_jobs : int
        Worker processes (``-1``: all cores), as for :class:`weaksup.LFApplier`.

    Examples
    --------
    >>> import pandas as pd
    >>> from weaksup.slicing import slicing_function
    >>> @slicing_function()
    ... def short(x):
    ...     return len(x.text.split()) < 3
    >>> df = pd.DataFrame({"text": ["great song", "check out my channel"]}, index=["a", "b"])
    >>> S = SFApplier([short]).apply(df, progress=False)
    >>> S.ids("short").tolist()
    ['a']
    """

    def __init__(self, sfs: Sequence[SlicingFunction], chunk_size: int = 20_000, n_jobs: int = 1) -> None:
        sfs = list(sfs)
        for sf in sfs:
            if not isinstance(sf, SlicingFunction):
                hint = "; make a slice of where an LF votes with weaksup.slicing.lf_sf(lf)" \
                    if isinstance(sf, LabelingFunction) else ""
                if type(sf).__module__.split(".")[0] == "snorkel":
                    hint = ("; it is a Snorkel slicing function: decorate the function with weaksup.slicing."
                            "slicing_function, or use weaksup.snorkel.slicing's applier")
                raise ParameterTypeError(f"SFApplier takes SlicingFunction objects, got {sf!r}{hint}")
        names = [sf.name for sf in sfs]
        if len(set(names)) != len(names):
            raise SliceError(f"slicing function names must be unique: {names}")
        self.sfs = sfs
        self.chunk_size = chunk_size
        self.n_jobs = n_jobs

    @property
    def sf_names(self) -> list[str]:
        return [sf.name for sf in self.sfs]

    def apply(self, data: Any, progress: bool = True, fault_tolerant: bool = False) -> SliceMatrix:
        """Slice membership of every row, as a :class:`SliceMatrix`.

        With ``fault_tolerant`` an SF that raises counts the row as outside the slice and is
        recorded in ``errors_``; otherwise a :class:`~weaksup.errors.LabelingFunctionError`
        ("slicing function 'name' failed on row ...") naming the SF and the row id is raised.
        """
        applier = LFApplier([sf.as_lf() for sf in self.sfs], chunk_size=self.chunk_size, n_jobs=self.n_jobs)
        try:
            L = applier.apply(data, progress=progress, fault_tolerant=fault_tolerant)
        except LabelingFunctionError as exc:  # the LF applier's words: it is the user's slicing function that failed
            if exc.args and isinstance(exc.args[0], str) and exc.args[0].startswith(_LF_WORDS):
                exc.args = ("slicing function " + exc.args[0][len(_LF_WORDS):], *exc.args[1:])
            raise
        self.errors_ = applier.errors_
        # L stores label + 1 and nothing for abstains: members are the stored 2s (an SF made from an LF
        # with SlicingFunction.from_lf may vote other labels, which are not members)
        csr = L.csr
        members = (csr == IN_SLICE + 1) if (csr.data != IN_SLICE + 1).any() else csr
        return SliceMatrix(members, self.sf_names, L.index)

    def __repr__(self) -> str:
        return f"SFApplier(sfs={self.sf_names})"


__all__ = ["SFApplier"]
