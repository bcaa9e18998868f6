"""``iopkit.views`` is now ``iopkit.render.views``; this name stays for notebooks that import the old one."""
import sys

import iopkit.render.views as _module

sys.modules[__name__] = _module
