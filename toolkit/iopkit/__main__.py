"""``python -m iopkit``: the same as the ``iopkit`` command."""
import sys

from iopkit.app.cli import main

sys.exit(main())
