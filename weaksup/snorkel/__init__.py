"""Snorkel 0.10's module paths and names, on weaksup: port by changing ``from snorkel`` to ``from weaksup.snorkel``.

Each name here keeps Snorkel's signature and defaults and delegates to the native module that does
the work (``weaksup.labeling``, ``weaksup.apply``, ``weaksup.analysis``, ``weaksup.models``,
``weaksup.utils``); ``docs/snorkel_migration.md`` maps every name to its native counterpart.
Appliers return plain NumPy label matrices, as Snorkel's do; the native appliers return a
:class:`weaksup.LabelMatrix` that keeps row ids and LF names.

Where Snorkel would pickle (``LabelModel.save``), a JSON + npz folder is written instead.

Examples
--------
>>> import pandas as pd
>>> from weaksup.snorkel.labeling import PandasLFApplier, labeling_function
>>> @labeling_function()
... def has_http(x):
...     return 1 if "http" in x.text else -1
>>> PandasLFApplier([has_http]).apply(pd.DataFrame({"text": ["http://a", "hi"]}), progress_bar=False).tolist()
[[1], [-1]]
"""

#: the Snorkel release whose API this namespace mirrors
SNORKEL_VERSION = "0.10.0"
