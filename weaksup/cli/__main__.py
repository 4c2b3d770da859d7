"""``python -m weaksup.cli``: the ``weaksup`` command."""

import sys

from weaksup.cli import main

sys.exit(main())
