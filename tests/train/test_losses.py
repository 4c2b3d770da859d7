import numpy as np
import pytest

torch = pytest.importorskip("torch")

from weaksup.train.losses import soft_cross_entropy  # noqa: E402


def test_soft_equals_hard_cross_entropy_on_one_hot():
    g = torch.Generator().manual_seed(0)
    logits = torch.randn(20, 4, generator=g)
    y = torch.randint(0, 4, (20,), generator=g)
    onehot = torch.nn.functional.one_hot(y, 4).float()
    assert torch.allclose(soft_cross_entropy(logits, onehot), torch.nn.functional.cross_entropy(logits, y))
    per_row = soft_cross_entropy(logits, onehot, reduction="none")
    assert torch.allclose(per_row, torch.nn.functional.cross_entropy(logits, y, reduction="none"))


def test_class_weights_match_torch_weighted_sum():
    g = torch.Generator().manual_seed(1)
    logits = torch.randn(10, 3, generator=g)
    y = torch.randint(0, 3, (10,), generator=g)
    w = torch.tensor([1.0, 2.0, 0.5])
    ours = soft_cross_entropy(logits, torch.nn.functional.one_hot(y, 3).float(), class_weight=w, reduction="sum")
    ref = torch.nn.functional.cross_entropy(logits, y, weight=w, reduction="sum")
    assert torch.allclose(ours, ref)


def test_soft_targets_give_expected_value():
    logits = torch.tensor([[0.0, 0.0]])
    loss = soft_cross_entropy(logits, torch.tensor([[0.3, 0.7]]))
    assert float(loss) == pytest.approx(np.log(2), rel=1e-6)


def test_focal_loss_downweights_confident_rows():
    logits = torch.tensor([[4.0, 0.0], [0.2, 0.0]])
    target = torch.tensor([[1.0, 0.0], [1.0, 0.0]])
    plain = soft_cross_entropy(logits, target, reduction="none")
    focal = soft_cross_entropy(logits, target, gamma=2.0, reduction="none")
    assert (focal < plain).all()
    # the confident row loses far more of its loss than the uncertain one
    assert focal[0] / plain[0] < focal[1] / plain[1]


def test_sample_weight_acts_like_duplication():
    logits = torch.tensor([[1.0, 0.0], [0.0, 2.0]])
    target = torch.tensor([[1.0, 0.0], [0.2, 0.8]])
    weighted = soft_cross_entropy(logits, target, sample_weight=torch.tensor([2.0, 1.0]))
    duplicated = soft_cross_entropy(logits[[0, 0, 1]], target[[0, 0, 1]])
    assert torch.allclose(weighted, duplicated)


def test_equals_snorkel_cross_entropy_with_probs():
    snorkel_classification = pytest.importorskip("snorkel.classification")
    g = torch.Generator().manual_seed(3)
    logits = torch.randn(30, 3, generator=g)
    target = torch.softmax(torch.randn(30, 3, generator=g), dim=1)
    weight = torch.tensor([1.0, 2.0, 0.5])
    for reduction in ("mean", "sum", "none"):
        theirs = snorkel_classification.cross_entropy_with_probs(logits, target, weight=weight, reduction=reduction)
        ours = soft_cross_entropy(logits, target, class_weight=weight, reduction=reduction)
        assert torch.allclose(ours, theirs, atol=1e-6), reduction
