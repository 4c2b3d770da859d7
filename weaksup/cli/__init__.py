"""The ``weaksup`` command line: apply, analyze, fit, predict, run, report, suggest, datasets and quickstart.

Exit codes: 0 on success, 2 on bad usage, 1 on a failure, reported as one line on
stderr (``--debug`` shows the traceback); 141 (128 + SIGPIPE, what a shell reports for a Unix tool stopped
the same way) with nothing printed when the reader of its output has gone (``weaksup suggest L.npz | head``). Row ids follow :mod:`weaksup.io.tables`: a data
file's ``id`` column when it has one (or the column ``--id-column NAME`` names), read as
text exactly as written, else the row's position in the file.

The package: :mod:`~weaksup.cli.parser` (arguments), :mod:`~weaksup.cli.commands` (one function per
command), :mod:`~weaksup.cli.files` (LF files, data files, gold columns, label matrices).
"""

from __future__ import annotations

import os
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
        if sys.stdout is not None:  # a closed pipe fails here, not in Python's exit ("Exception ignored", code 120)
            sys.stdout.flush()
        return 0
    except UsageError as exc:
        print(f"usage: weaksup {args.command} ... (see weaksup {args.command} --help)", file=sys.stderr)
        print(f"weaksup {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"weaksup {args.command}: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # one-line cause unless --debug
        if isinstance(exc, BrokenPipeError) and _stdout_closed():
            _discard_stdout()
            return 141
        if debug:
            raise
        message = " ".join(str(exc).split()) or "(no message)"
        kind = "" if isinstance(exc, WeaksupError) else f"{type(exc).__name__}: "
        print(f"weaksup {args.command}: error: {kind}{message}", file=sys.stderr)
        return 1


def _stdout_closed() -> bool:
    """True when nothing reads stdout any more (``| head`` has exited), so a broken pipe was ours, not an
    input's or a worker connection's."""
    try:
        import select

        poller = select.poll()
        poller.register(sys.stdout.fileno(), select.POLLOUT)
        return any(events & select.POLLERR for _, events in poller.poll(0))
    except (AttributeError, OSError, ValueError):  # no poll (Windows), no real stdout: the usual case
        return True


def _discard_stdout() -> None:
    """Point stdout at the null device: Python's own flush at exit would fail on the closed pipe again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (AttributeError, OSError, ValueError):  # stdout is not a file (captured): nothing to flush at exit
        pass


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
