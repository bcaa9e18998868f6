"""One warm Python kernel per process, reset between notebooks (papermill's ``iopkit_warm`` engine,
``iopkit.notebook.engine``, runs each notebook in it).

Starting a kernel and importing iopkit's libraries costs most of a session's build time (about
0.6 s and 0.5 s a notebook). ``warm()`` starts this process's kernel once, and before each
notebook after the first clears everything the last one left: the user namespace (``%reset -f``),
the working folder and the environment variables the notebook may have set. Modules stay
imported, which is the point; iopkit's own caches are keyed on file contents.

This module needs jupyter_client alone, not papermill: ``iopkit build`` starts the kernel here
while it imports papermill and the rest.
"""
from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tempfile
import threading
from typing import Any

from jupyter_client.manager import KernelManager

from iopkit.paths import BUILD_VARIABLE

#: Run in the kernel before each notebook. It must leave nothing of the previous notebook behind.
RESET_CODE = """\
import os as _iopkit_os
_iopkit_os.chdir(%(cwd)r)
_iopkit_os.environ.clear()
_iopkit_os.environ.update(%(env)r)
get_ipython().reset(new_session=False)
import gc as _iopkit_gc
_iopkit_gc.freeze()
del _iopkit_gc
"""
# InteractiveShell.reset is what %%reset -f calls: it clears the user namespace, the
# output history and the display hook's cache, and ends with a full garbage collection.
# What survives that is module state (imports, iopkit's caches keyed on file contents),
# so it is frozen: the next notebook's collections do not scan it again.

#: Run by the kernel itself as it starts (IPython's exec_lines), while the build goes on: iopkit's views
#: imported once, so every notebook starts warm, then the namespace cleared and what is loaded frozen.
STARTUP_CODE = ("import iopkit.render.views; get_ipython().reset(new_session=False); "
                "import gc as _iopkit_gc; _iopkit_gc.freeze(); del _iopkit_gc")


class _WarmKernel:
    """One kernel of this process and one client for it, with what it needs to be reset.

    Made in two steps: the kernel's process is launched when this is made (quick, and no thread
    is started: the build may still fork), and ``ready`` connects to it, waits for it and warms it up.
    """

    def __init__(self, kernel_name: str, cwd: str):
        self.kernel_name = kernel_name
        self.cwd = cwd
        self.kc: Any = None
        self.prepared = False
        self.fresh = False
        # IPC sockets in a private folder: nothing listens on the network, not even loopback.
        self.sockets = tempfile.mkdtemp(prefix="iopkit-kernel-")
        self.km = KernelManager(kernel_name=kernel_name, transport="ipc", ip=os.path.join(self.sockets, "k"))
        # The kernel's own log lines (not the notebook's output) would only alarm a counselor.
        # No input history: the kernel would write every cell to an SQLite file in the home folder.
        # Notebooks run here are builds: the interactive cell shows how to open its exercise
        # instead of making widgets nobody can use in a saved file (iopkit.render.views.interactive).
        self.km.start_kernel(cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             env=dict(os.environ, **{BUILD_VARIABLE: "1"}),
                             extra_arguments=["--HistoryManager.enabled=False",
                                              f"--IPKernelApp.exec_lines={STARTUP_CODE}"])

    def ready(self, startup_timeout: float) -> None:
        """Connect, wait for the kernel to answer, and warm it up (once)."""
        if self.prepared:
            return
        self.kc = self.km.client()
        self.kc.start_channels()  # the heartbeat channel is a thread
        self.kc.wait_for_ready(timeout=startup_timeout)  # STARTUP_CODE has run by then
        # What ``reset`` puts back before each later notebook.
        self.env = self._run("import os as _o, json as _j; print(_j.dumps(dict(_o.environ))); del _o, _j",
                             capture=True)
        self.fresh = True  # nothing has run in it yet: the first notebook needs no reset
        self.prepared = True

    def _run(self, code: str, capture: bool = False, timeout: float = 60):
        chunks: list[str] = []

        def keep(msg):
            if msg["msg_type"] == "stream":
                chunks.append(msg["content"]["text"])

        reply = self.kc.execute_interactive(code, store_history=False, timeout=timeout, output_hook=keep)
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"the kernel could not be reset: {reply['content'].get('evalue')}")
        if capture:
            import json

            return json.loads("".join(chunks))
        return None

    def reset(self) -> None:
        self._run(RESET_CODE % {"cwd": self.cwd, "env": self.env})

    def alive(self) -> bool:
        return self.km.is_alive()

    def shutdown(self) -> None:
        try:
            if self.kc is not None:
                self.kc.stop_channels()
            self.km.shutdown_kernel(now=True)
        except Exception:  # already gone
            pass
        shutil.rmtree(self.sockets, ignore_errors=True)


_lock = threading.Lock()
_kernel: _WarmKernel | None = None


def launch(kernel_name: str) -> _WarmKernel:
    """Launch this process's kernel now without waiting for it (``start`` waits), unless one runs."""
    global _kernel
    with _lock:
        k = _kernel
        if k is None or not k.alive() or k.kernel_name != kernel_name:
            if k is not None:
                k.shutdown()
            k = _kernel = _WarmKernel(kernel_name, os.getcwd())
            atexit.register(shutdown)
        return k


def start(kernel_name: str, startup_timeout: float = 60) -> _WarmKernel:
    """This process's kernel, ready: launched now, or the one launched before (it is not reset here)."""
    k = launch(kernel_name)
    with _lock:
        try:
            k.ready(startup_timeout)
        except BaseException:
            _forget(k)
            raise
        return k


def _forget(k: _WarmKernel) -> None:
    global _kernel
    k.shutdown()
    if _kernel is k:
        _kernel = None


def warm(kernel_name: str, startup_timeout: float = 60) -> _WarmKernel:
    """This process's kernel for the next notebook: started now, or the one already running, reset
    (unless no notebook has run in it since it started)."""
    k = start(kernel_name, startup_timeout)
    with _lock:
        if k.fresh:
            k.fresh = False
        else:
            k.reset()
        return k


def current() -> _WarmKernel | None:
    """This process's kernel, if it started one."""
    return _kernel


def shutdown() -> None:
    """Stop this process's kernel, if it has one."""
    global _kernel
    with _lock:
        if _kernel is not None:
            _kernel.shutdown()
            _kernel = None
