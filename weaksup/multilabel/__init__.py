"""Multi-label weak supervision: LFs that vote sets of labels, a multi-label matrix, label models, export, end model.

Examples
--------
>>> from weaksup.multilabel import MultiLabelModel, simulate_multilabel
>>> M, Y = simulate_multilabel(1000, seed=0)
>>> MultiLabelModel().fit(M).predict(M).shape
(1000, 6)
"""

from weaksup.multilabel.classifier import MultiLabelSoftClassifier
from weaksup.multilabel.export import export_multilabel, load_multilabel
from weaksup.multilabel.lf import MultiLabelApplier, MultiLabelLF, multilabel_lf
from weaksup.multilabel.matrix import MultiLabelMatrix, as_multilabel_matrix
from weaksup.multilabel.model import MultiLabelMajorityVoter, MultiLabelModel, OneVsRestLabelModel
from weaksup.multilabel.simulate import simulate_multilabel

__all__ = [
    "MultiLabelApplier",
    "MultiLabelLF",
    "MultiLabelMajorityVoter",
    "MultiLabelMatrix",
    "MultiLabelModel",
    "MultiLabelSoftClassifier",
    "OneVsRestLabelModel",
    "as_multilabel_matrix",
    "export_multilabel",
    "load_multilabel",
    "multilabel_lf",
    "simulate_multilabel",
]
