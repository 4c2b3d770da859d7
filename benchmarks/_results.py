"""Writing one benchmark's section of ``benchmarks/RESULTS.md`` between its markers, leaving the others alone."""

from __future__ import annotations

from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def write_section(section: str, text: str, path: Path = RESULTS) -> None:
    """Replace ``<!-- BEGIN section -->...<!-- END section -->`` with ``text``, or append it if absent."""
    begin, end = f"<!-- BEGIN {section} -->", f"<!-- END {section} -->"
    block = f"{begin}\n{text.rstrip()}\n{end}"
    old = path.read_text() if path.exists() else "# Benchmark results\n"
    if begin in old and end in old:
        new = old[: old.index(begin)] + block + old[old.index(end) + len(end):]
    else:
        new = old.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(new)


def run_and_write(section: str, title: str, doc: str, run, render) -> None:
    """A benchmark script's ``main``: ``--no-write`` prints only; otherwise the section is written too.
    ``run()`` returns the rows, ``render(rows, seconds)`` the section's text under ``title``."""
    import argparse
    import time

    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    t0 = time.perf_counter()
    rows = run()
    text = f"{title}\n\n" + render(rows, time.perf_counter() - t0)
    print(text)
    if not args.no_write:
        write_section(section, text)
