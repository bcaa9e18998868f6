"""``python -m iopkit.hub`` is now ``python -m iopkit.app.hub``; this name stays so that a JupyterHub
configured before the move (``c.Spawner.cmd = [..., "-m", "iopkit.hub", "singleuser"]``) still starts
each counselor's server."""
import sys

import iopkit.app.hub as _module

if __name__ == "__main__":  # pragma: no cover - the hub runs it as a program
    _module.main()
else:
    sys.modules[__name__] = _module
