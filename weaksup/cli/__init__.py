"""The ``weaksup`` command line: apply, analyze, fit, predict, run, report, suggest, datasets and quickstart.

Exit codes: 0 on success, 2 on bad usage, 1 on a failure, reported as one line on
stderr (``--debug`` shows the traceback). Row ids follow :mod:`weaksup.io.tables`: a data
file's ``id`` column when it has one (or the column ``--id-column NAME`` names), read as
text exactly as written, else the row's position in the file.

The package: :mod:`~weaksup.cli.parser` (arguments), :mod:`~weaksup.cli.commands` (one function per
command), :mod:`~weaksup.cli.files` (LF files, data files, gold columns, label matrices).
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from weaksup.cli._errors import CLIError, UsageError
from weaksup.errors import WeaksupError, WeaksupWarning

__all__ = ["CLIError", "UsageError", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``weaksup`` console script; returns the exit code.

    Examples
    --------
    >>> import contextlib, io
    >>> out = io.StringIO()
    >>> with contextlib.redirect_stdout(out):
    ...     code = main(["fit", "--list-models"])
    >>> code, "MajorityVoter" in out.getvalue()
    (0, True)
    """
    from weaksup.cli.parser import build_parser

    parser = build_parser()
    args = parser.parse_args(argv)
    debug = bool(getattr(args, "debug", False))
    try:
        if args.command == "quickstart":
            from weaksup.quickstart import run_quickstart

            run_quickstart(args.out, progress=not args.no_progress)
        else:
            from weaksup.cli.commands import COMMANDS

            with _warnings_as_lines(args.command, debug):
                COMMANDS[args.command](args)
        return 0
    except UsageError as exc:
        print(f"usage: weaksup {args.command} ... (see weaksup {args.command} --help)", file=sys.stderr)
        print(f"weaksup {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"weaksup {args.command}: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # one-line cause unless --debug
        if debug:
            raise
        message = " ".join(str(exc).split()) or "(no message)"
        kind = "" if isinstance(exc, WeaksupError) else f"{type(exc).__name__}: "
        print(f"weaksup {args.command}: error: {kind}{message}", file=sys.stderr)
        return 1


@contextmanager
def _warnings_as_lines(command: str, debug: bool) -> Iterator[None]:
    """Print a :class:`~weaksup.errors.WeaksupWarning` (a label model fitted at chance, a guard rail) as one
    ``weaksup COMMAND: warning: ...`` line on stderr rather than Python's file-and-line format; other warnings,
    and every warning under ``--debug``, keep Python's format."""
    original = warnings.showwarning

    def show(message, category, filename, lineno, file=None, line=None):  # noqa: ANN001, ANN202
        if debug or not issubclass(category, WeaksupWarning):
            return original(message, category, filename, lineno, file, line)
        print(f"weaksup {command}: warning: {' '.join(str(message).split())}", file=sys.stderr)

    warnings.showwarning = show
    try:
        yield
    finally:
        warnings.showwarning = original
