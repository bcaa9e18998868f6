"""``iopkit.workbench`` is now ``iopkit.app.workbench``; this name stays for notebooks that import the old one."""
import sys

import iopkit.app.workbench as _module

sys.modules[__name__] = _module
