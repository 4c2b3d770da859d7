"""Crowd aggregators of crowd-kit's classification family, as weaksup label models on a LabelMatrix.

Each class runs the algorithm of the crowd-kit aggregator it is named after (same updates,
start, stopping and tie rules, so the same probabilities on the same annotations; see
``tests/models/test_crowd.py`` and ``benchmarks/crowd_aggregators.py``) with numpy over the
sparse votes, mostly over distinct vote patterns, instead of pandas frames. Rows of the matrix
are items, columns annotators; :meth:`weaksup.LabelMatrix.from_annotations` builds one from a
long table and :func:`annotation_table` turns one back into crowd-kit's table.

======================  ==============================  =========================================
class                   crowd-kit                       learned state
======================  ==============================  =========================================
CrowdDawidSkene         ``DawidSkene``                  ``errors_`` (m, k, k), ``class_balance_``
OneCoinDawidSkene       ``OneCoinDawidSkene``           ``skills_``, ``errors_``
GLAD                    ``GLAD``                        ``alphas_``, ``betas_`` (transductive)
MACE                    ``MACE``                        ``spamming_``, ``thetas_``
Wawa                    ``Wawa``                        ``skills_``
ZeroBasedSkill          ``ZeroBasedSkill``              ``skills_``
MMSR                    ``MMSR``                        ``skills_`` (log-odds weights)
KOS                     ``KOS`` (binary)                ``reliabilities_`` (transductive)
======================  ==============================  =========================================

Examples
--------
>>> import pandas as pd
>>> from weaksup import LabelMatrix
>>> ann = pd.DataFrame({"item": ["a", "a", "a", "b", "b", "b", "c", "c", "d", "d", "d"],
...                     "worker": ["u", "v", "w", "u", "v", "w", "u", "w", "u", "v", "w"],
...                     "label": [1, 1, 0, 0, 0, 0, 1, 1, 0, 1, 0]})
>>> L = LabelMatrix.from_annotations(ann, item="item", annotator="worker", label="label")
>>> CrowdDawidSkene().fit(L).predict(L).tolist()
[1, 0, 1, 0]
>>> annotation_table(L).head(3).values.tolist()
[['a', 'u', 1], ['a', 'v', 1], ['a', 'w', 0]]
"""

from weaksup.models.crowd._common import annotation_table
from weaksup.models.crowd.dawid_skene import CrowdDawidSkene, OneCoinDawidSkene
from weaksup.models.crowd.glad import GLAD
from weaksup.models.crowd.kos import KOS
from weaksup.models.crowd.mace import MACE
from weaksup.models.crowd.mmsr import MMSR
from weaksup.models.crowd.wawa import Wawa, ZeroBasedSkill

__all__ = [
    "GLAD",
    "KOS",
    "MACE",
    "MMSR",
    "CrowdDawidSkene",
    "OneCoinDawidSkene",
    "Wawa",
    "ZeroBasedSkill",
    "annotation_table",
]
