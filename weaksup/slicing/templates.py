"""Slicing-function templates: vectorized SFs for common slices (keywords, patterns, lengths, thresholds).

Each is the LF template of the same name voting 1 on the slice, so they share its vectorized
matching and its per-batch text preprocessing with the LFs on the same field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from weaksup.labeling import templates as _t
from weaksup.labeling.lf import LabelingFunction
from weaksup.slicing.sf import IN_SLICE, SlicingFunction


def keyword_sf(keywords: str | Iterable[str], field: str = "text", case_sensitive: bool = False,
               whole_word: bool = False, name: str | None = None) -> SlicingFunction:
    """Rows whose ``field`` contains any of ``keywords`` (literal strings).

    Examples
    --------
    >>> import pandas as pd
    >>> from weaksup.slicing import SFApplier
    >>> sf = keyword_sf(["song", "music"], name="about_music")
    >>> SFApplier([sf]).apply(pd.DataFrame({"text": ["Nice SONG", "subscribe"]}), progress=False)["about_music"].tolist()
    [True, False]
    """
    lf = _t.keyword_lf(keywords, IN_SLICE, field=field, case_sensitive=case_sensitive, whole_word=whole_word,
                       name=name)
    return SlicingFunction.from_lf(lf, name=name or lf.name.replace("keyword_", "has_", 1))


def regex_sf(pattern: str | re.Pattern[str], field: str = "text", case_sensitive: bool = True, flags: int = 0,
             name: str | None = None) -> SlicingFunction:
    """Rows where ``pattern`` matches anywhere in ``field`` (``re.search`` semantics).

    Examples
    --------
    >>> import pandas as pd
    >>> sf = regex_sf(r"https?://", name="has_link")
    >>> sf(pd.DataFrame({"text": ["see http://x", "none"]})).tolist()
    [True, False]
    """
    lf = _t.regex_lf(pattern, IN_SLICE, field=field, case_sensitive=case_sensitive, flags=flags, name=name)
    return SlicingFunction.from_lf(lf, name=name or lf.name)


def length_sf(field: str, op: str, value: float, unit: str = "words", name: str | None = None) -> SlicingFunction:
    """Rows whose ``field`` has ``op value`` words (or characters, ``unit="chars"``).

    Examples
    --------
    >>> import pandas as pd
    >>> sf = length_sf("text", "<", 5, name="short")
    >>> sf(pd.DataFrame({"text": ["so cute", "one two three four five"]})).tolist()
    [True, False]
    """
    return SlicingFunction.from_lf(_t.length_lf(field, op, value, IN_SLICE, unit=unit, name=name), name=name)


def threshold_sf(field: str, op: str, value: Any, name: str | None = None) -> SlicingFunction:
    """Rows where ``field op value`` holds (``<, <=, >, >=, ==, !=``); missing values are outside.

    Examples
    --------
    >>> import pandas as pd
    >>> sf = threshold_sf("n_links", ">=", 2)
    >>> sf.name, sf(pd.DataFrame({"n_links": [0, 3, None]})).tolist()
    ('n_links_ge_2', [False, True, False])
    """
    return SlicingFunction.from_lf(_t.threshold_lf(field, op, value, IN_SLICE, name=name), name=name)


def lf_sf(lf: LabelingFunction, label: int | None = None, name: str | None = None) -> SlicingFunction:
    """Rows on which an LF votes ``label`` (any label when ``None``): slices of where an LF fires.

    Examples
    --------
    >>> import pandas as pd
    >>> from weaksup.labeling.templates import keyword_lf
    >>> sf = lf_sf(keyword_lf("check out", label=1), name="check_out_fires")
    >>> sf(pd.DataFrame({"text": ["Check out my channel", "lovely"]})).tolist()
    [True, False]
    """
    want = label
    f = _vectorized_fires if lf.vectorized else _row_fires
    inner = LabelingFunction(name or f"{lf.name}_fires", f,
                             resources={"lf_f": lf.f, "lf_resources": lf.resources, "label": want},
                             pre=lf.pre, vectorized=lf.vectorized)
    return SlicingFunction.from_lf(inner)


def _row_fires(x: Any, lf_f: Any, lf_resources: dict[str, Any], label: int | None) -> int:
    vote = lf_f(x, **lf_resources)
    hit = vote != -1 if label is None else vote == label
    return IN_SLICE if hit else -1


def _vectorized_fires(batch: Any, lf_f: Any, lf_resources: dict[str, Any], label: int | None) -> Any:
    import numpy as np

    votes = np.asarray(lf_f(batch, **lf_resources))
    hit = votes != -1 if label is None else votes == label
    return np.where(hit, IN_SLICE, -1)


__all__ = ["keyword_sf", "length_sf", "lf_sf", "regex_sf", "threshold_sf"]
