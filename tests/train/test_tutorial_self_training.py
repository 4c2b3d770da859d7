"""Tutorial 6 (self-training on WRENCH sms) runs end to end and self-training beats the plain end model."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytest.importorskip("torch")


@pytest.mark.skipif(not (ROOT / "benchmarks" / "data" / "wrench" / "sms").is_dir(), reason="WRENCH data not bundled")
def test_self_training_tutorial(run_tutorial):  # fixture from tests/conftest.py
    stdout = run_tutorial("06_self_training.py")
    found = {name: float(re.search(rf"^{name} F1: ([\d.]+)$", stdout, re.M).group(1))
             for name in ("label model", "end model", "self-trained")}
    # measured: label model 0.071, end model 0.752, self-trained 0.908
    assert found["self-trained"] >= found["end model"] + 0.05, stdout
    assert found["end model"] > found["label model"], stdout
    assert "kept round" in stdout
