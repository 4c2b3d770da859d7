"""The ``weaksup`` command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="weaksup", description="Programmatic weak supervision from the shell.")
    parser.add_argument("--debug", action="store_true", help="show full tracebacks on failure")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    quick = sub.add_parser("quickstart", help="run the bundled YouTube spam demo end to end")
    quick.add_argument("--out", default="weaksup_out", help="directory for the exported labels (default: weaksup_out)")
    quick.add_argument("--no-progress", action="store_true", help="hide progress bars")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``weaksup`` console script; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "quickstart":
            from weaksup.quickstart import run_quickstart

            run_quickstart(args.out, progress=not args.no_progress)
        return 0
    except Exception as exc:  # one-line cause unless --debug
        if args.debug:
            raise
        print(f"weaksup {args.command}: error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
