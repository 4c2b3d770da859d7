"""``python -m weaksup``: the ``weaksup`` command (as ``python -m weaksup.cli``)."""

import sys

from weaksup.cli import main

if __name__ == "__main__":
    sys.exit(main())
