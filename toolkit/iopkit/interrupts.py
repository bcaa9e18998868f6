"""What happens when a build is stopped: Ctrl+C, a closed terminal, a killed worker.

Each interruption gives one plain line and leaves nothing half-made for good: a worker
that is told to stop removes its staging folder and its kernel before it ends; the next
build removes what a killed process could not (``clean_leftovers``); a notebook kept in
``failed/`` goes once its session builds. iopkit.pipeline.build uses these; nothing else does.
"""
from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

#: Each session is made in a hidden folder ``.staging-NN-<process id>-<random>`` beside the
#: session folders, then moved into place; what an interrupted build leaves is removed by the next.
STAGING_PREFIX = ".staging-"
#: The staging folder this process is filling now (set by iopkit.pipeline.build.build_session).
CURRENT_STAGING: Path | None = None
#: What a session reports when the process building it was killed; the summary says it once.
WORKER_STOPPED = ("a build process stopped before it finished (it was ended from outside, or the computer ran "
                  "short of memory)")


def clean_leftovers(out_dir: Path) -> list[Path]:
    """Remove staging folders and half-written temporary files that a stopped build left.

    A staging folder is left alone while the process that made it still runs (two builds
    into one folder at once); one from a process that is gone, or in the older name
    without a process id, is removed. Returns what was removed.
    """
    removed: list[Path] = []
    if not out_dir.is_dir():
        return removed
    for path in out_dir.glob(f"{STAGING_PREFIX}*"):
        parts = path.name[len(STAGING_PREFIX):].split("-")
        pid = int(parts[1]) if len(parts) >= 3 and parts[1].isdigit() else None
        if pid is not None and pid != os.getpid() and _alive(pid):
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    for path in [*out_dir.glob(".*.tmp"), *out_dir.glob("*/.*.tmp")]:  # write_atomic's, from a killed writer
        if time.time() - path.stat().st_mtime > 60:  # a running writer renames its file within seconds
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: treat as running
        return True
    return True


def forget_failed_notebook(out_dir: Path, position: int) -> None:
    """The session built: the failed notebook kept from an earlier try is out of date."""
    failed = out_dir / "failed"
    (failed / f"session-{position:02d}.ipynb").unlink(missing_ok=True)
    try:
        failed.rmdir()  # only when empty
    except OSError:
        pass


def worker_stopped(signum, frame) -> None:
    """A worker's SIGTERM/SIGHUP handler: leave nothing behind, quietly, and end at once."""
    if CURRENT_STAGING is not None:
        shutil.rmtree(CURRENT_STAGING, ignore_errors=True)
    try:
        warm = sys.modules.get("iopkit.notebook.kernel")  # not loaded: this process started no kernel
        kernel = warm.current() if warm is not None else None
        process = getattr(getattr(kernel.km, "provisioner", None), "process", None) if kernel else None
        if process is not None:
            process.kill()
        if kernel is not None:
            shutil.rmtree(kernel.sockets, ignore_errors=True)
    except Exception:
        pass
    os._exit(128 + signum)


class stop_signals_interrupt:
    """While building, a closed terminal (SIGHUP) or a stop request (SIGTERM) is handled like
    Ctrl+C: workers are stopped, staging folders removed, one plain line printed.
    Only in the main thread (the workbench builds in a thread and keeps its own handlers)."""

    def __enter__(self):
        import signal
        import threading

        self.previous = {}
        if threading.current_thread() is threading.main_thread():
            for name in ("SIGTERM", "SIGHUP"):
                sig = getattr(signal, name, None)
                if sig is not None:
                    self.previous[sig] = signal.signal(sig, _raise_interrupt)
        return self

    def __exit__(self, *exc_info):
        import signal

        for sig, handler in self.previous.items():
            signal.signal(sig, handler)


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt
