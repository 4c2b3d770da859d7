"""tutorials/09_active_learning.py runs on the bundled data; its loop beats random suggestions round after round."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_active_learning_tutorial_loop_beats_random_rows():
    out = subprocess.run([sys.executable, str(ROOT / "tutorials" / "09_active_learning.py")], cwd=ROOT,
                         capture_output=True, text=True, timeout=300, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    assert out.returncode == 0, out.stderr[-3000:]
    text = out.stdout
    # the first suggestions come with their reasons (a tie among uncovered rows, broken by the end model)
    reasons = re.findall(r"^\S+: (uncertain label .*)$", text, re.M)
    assert len(reasons) == 5 and all("tied with" in r for r in reasons), text
    rows = re.findall(r"^(\d+) +([\d.]+) +([\d.]+)$", text, re.M)
    assert [int(n) for n, _, _ in rows] == [0, 20, 40, 60, 80, 100], text
    ours = [float(a) for _, a, _ in rows]
    rand = [float(b) for _, _, b in rows]
    assert ours[0] == rand[0]  # same start: the weak labels alone
    # measured: 0.932 -> 0.944 with suggestions; random rows 0.920-0.928. Slack: one test row (0.004).
    assert ours[-1] >= ours[0] + 0.008 - 1e-9, text
    assert sum(ours[1:]) / 5 >= sum(rand[1:]) / 5 + 0.008, text
    assert all(a >= b - 0.004 for a, b in zip(ours[1:], rand[1:], strict=True)), text
    assert re.search(r"^suggest_labels \(diverse\): 100 hand labels", text, re.M), text
