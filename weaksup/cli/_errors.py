"""What the command line needs before any data is read: its errors and ``DATA:COLUMN`` specs.

Kept apart from :mod:`weaksup.cli.files` (pandas, the readers) so that ``weaksup --help`` and ``weaksup --version``
import neither.
"""

from __future__ import annotations

from weaksup.errors import ParameterError, WeaksupError


class CLIError(WeaksupError):
    """A failure the ``weaksup`` command reports as one line (exit code 1)."""


class UsageError(WeaksupError):
    """Bad command-line usage found after parsing (exit code 2, like argparse's own)."""


def parse_column_spec(spec: str) -> tuple[str, str]:
    """Split ``DATA:COLUMN`` at its last colon.

    Examples
    --------
    >>> parse_column_spec("data/dev.csv:label")
    ('data/dev.csv', 'label')
    """
    path, sep, column = spec.rpartition(":")
    if not sep or not path or not column:
        raise ParameterError(f"expected DATA:COLUMN (a data file and a column name), got {spec!r}")
    return path, column
