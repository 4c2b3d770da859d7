"""Tutorial 7 runs as a script: the port gives Snorkel's numbers, native weaksup does at least as well."""

import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_spam_port_tutorial_matches_snorkel_and_native_is_not_worse(run_tutorial):
    stdout = run_tutorial("07_spam_snorkel_port.py")
    pattern = r"^([\w. ]+): majority vote ([\d.]+), label model ([\d.]+), end model ([\d.]+)$"
    found = {m[0]: tuple(map(float, m[1:])) for m in re.findall(pattern, stdout, re.M)}
    assert {"weaksup.snorkel", "native weaksup"} <= set(found), stdout
    port, native = found["weaksup.snorkel"], found["native weaksup"]
    assert all(0.8 < v <= 1 for v in port + native), found
    if importlib.util.find_spec("snorkel") is not None:
        snorkel = found["snorkel"]
        assert port == snorkel  # same code, other imports: the same numbers
        assert native[1] >= snorkel[1] and native[2] >= snorkel[2]  # label model and end model
        assert abs(native[0] - snorkel[0]) <= 0.02  # majority vote: only tie-breaking differs
        gap = float(re.search(r"learned LF weights, snorkel vs weaksup.snorkel: ([\d.e+-]+)", stdout).group(1))
        assert gap < 1e-4
