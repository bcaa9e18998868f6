"""``iopkit.dashboard_screen`` is now ``iopkit.app.dashboard_screen``; this name stays for notebooks that import the old one."""
import sys

import iopkit.app.dashboard_screen as _module

sys.modules[__name__] = _module
