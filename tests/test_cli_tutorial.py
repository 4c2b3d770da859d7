"""Run tutorials/03_cli.md: every ```bash block in order, in a fresh directory, checking the ```text excerpts.

Each line of a ```text block that follows a bash block must appear in that block's output (stdout + stderr,
whitespace-normalised; a line ending in ``...`` is a cut-short excerpt: its start must appear), so the page's
commands and excerpts can't silently go stale.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

TUTORIAL = Path(__file__).resolve().parents[1] / "tutorials" / "03_cli.md"
BLOCK = re.compile(r"```(bash|text)\n(.*?)```", re.S)


def blocks():
    """``[(bash_script, expected_lines or None), ...]`` in page order."""
    found = BLOCK.findall(TUTORIAL.read_text())
    out = []
    for kind, body in found:
        if kind == "bash":
            out.append([body, None])
        elif out and out[-1][1] is None:
            out[-1][1] = [ln for ln in body.splitlines() if ln.strip()]
    return out


def normalise(text):
    return " ".join(text.split())


def test_tutorial_has_every_command():
    commands = " ".join(script for script, _ in blocks())
    for command in ("datasets", "apply", "analyze", "fit", "predict", "run", "report"):
        assert f"weaksup {command}" in commands


@pytest.mark.skipif(sys.platform == "win32", reason="bash tutorial")
def test_tutorial_runs_and_matches_its_excerpts(tmp_path):
    pytest.importorskip("matplotlib")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
           "PYTHONWARNINGS": "ignore", "COLUMNS": "200"}
    for script, expected in blocks():
        proc = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", script], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, f"{script}\n--- stderr ---\n{proc.stderr}"
        output = normalise(proc.stdout + "\n" + proc.stderr)
        for line in expected or []:
            line = line.removesuffix("...")
            assert normalise(line) in output, f"{script}\nexpected line: {line}\n--- got ---\n{proc.stdout}{proc.stderr}"
    assert (tmp_path / "report.html").stat().st_size > 10_000
