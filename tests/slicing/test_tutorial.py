"""Tutorial 5 (spam slicing) runs end to end, its slice scores equal Snorkel's, and it reports its numbers."""

import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_slicing_tutorial(run_tutorial):
    stdout = run_tutorial("05_spam_slicing.py")
    if importlib.util.find_spec("snorkel") is not None:
        assert "slice scores equal Snorkel's: True" in stdout
    base, chosen = map(float, re.search(r"^overall test accuracy: ([\d.]+) -> ([\d.]+)$", stdout, re.M).groups())
    assert base > 0.9 and chosen > 0.9, stdout
    valid_base, valid_slice = map(float, re.search(r"^valid accuracy: base ([\d.]+), with slice features ([\d.]+)$",
                                                   stdout, re.M).groups())
    if valid_slice <= valid_base:  # the slice-feature model is kept only when the valid split prefers it
        assert chosen == base, stdout
    assert re.search(r"^SliceMatrix\(250 rows x 6 slices: has_link=\d+", stdout, re.M)
