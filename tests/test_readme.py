"""The README's Python blocks run, in order, as one session (what a reader copies is what works)."""

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


def test_readme_python_blocks_run(tmp_path, monkeypatch, capsys):
    blocks = python_blocks()
    assert len(blocks) >= 3
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    for i, block in enumerate(blocks):
        exec(compile(block, f"README.md python block {i + 1}", "exec"), namespace)
    out = capsys.readouterr().out
    assert "end model test accuracy" in out
    for name in ("labels.parquet", "train_labels.csv"):
        assert (tmp_path / name).stat().st_size > 0
    assert len(namespace["issues"]) > 0 and set(namespace["issues"].index) <= set(namespace["L_train"].index)
    assert len(namespace["next_rows"].ids) == 20
    assert set(namespace["next_rows"].ids) <= set(namespace["L_train"].index)
