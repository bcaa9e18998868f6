"""One build at a time in a build folder.

Two builds writing one folder would interleave their files (a binder from one, a session from
the other). ``build_lock`` holds a ``filelock`` lock on ``<build folder>/.iopkit-build.lock``
while a build runs, and writes who holds it to ``.iopkit-build.json`` beside it. A second
build says which build it waits for, waits a bounded time (``IOPKIT_BUILD_WAIT`` seconds,
5 minutes unless set) and then stops with a ``BuildBusyError`` that names the folder and
what to do. The operating system lets go of the lock when a build process ends, however it
ends, so a crashed build never blocks the next one.

Both files are the build's own bookkeeping, like the manifests: no document lists them, the
binder and workbook never include them, and ``iopkit.interrupts.clean_leftovers`` leaves them.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import socket
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from iopkit.errors import BuildBusyError, OptionError, display_path
from iopkit.io import write_atomic

LOCK_NAME = ".iopkit-build.lock"
HOLDER_NAME = ".iopkit-build.json"
#: How long a build waits for another one writing the same folder, in seconds.
DEFAULT_WAIT = 300.0
WAIT_VARIABLE = "IOPKIT_BUILD_WAIT"


def wait_seconds() -> float:
    """``IOPKIT_BUILD_WAIT`` when set (seconds, 0 for not at all), else 5 minutes."""
    raw = os.environ.get(WAIT_VARIABLE, "").strip()
    if not raw:
        return DEFAULT_WAIT
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 24 * 3600:
        raise OptionError(f"{WAIT_VARIABLE}: got {raw!r}, expected the seconds to wait for another build "
                          "writing the same folder (a number from 0 to 86400), or leave it unset for 5 minutes")
    return value


def _describe_wait(seconds: float) -> str:
    if seconds >= 120:
        return f"{seconds / 60:g} minutes"
    return f"{seconds:g} second{'s' if seconds != 1 else ''}"


def running_command() -> str:
    """What this process is, as a counselor would recognise it."""
    program = Path(sys.argv[0]) if sys.argv and sys.argv[0] else Path()
    if "ipykernel" in program.name or "voila" in program.name:
        return "the Workbench"
    if program.name in ("iopkit", "iopkit.exe") or (program.name, program.parent.name) in (("cli.py", "app"),
                                                                                           ("__main__.py", "iopkit")):
        return " ".join(["iopkit", *sys.argv[1:]])
    return "another iopkit program"


def holder(folder: Path) -> str:
    """Who is writing ``folder`` now, in words: what was started, when, and where it runs."""
    try:
        info = json.loads((folder / HOLDER_NAME).read_text(encoding="utf-8"))
        started = dt.datetime.fromisoformat(info["started"])
        when = started.strftime("%I:%M %p").lstrip("0")
        if started.date() != dt.date.today():
            when += f" on {started:%b} {started.day}"
        where = (f"process {info['pid']}" if info.get("host") == socket.gethostname()
                 else f"on the computer {info.get('host') or 'unknown'}")
        return f"started by {info['command']} at {when}, {where}"
    except (OSError, ValueError, KeyError, TypeError):
        return "started by another iopkit program"


@contextmanager
def build_lock(folder: Path, wait: float | None = None, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the build folder's lock for the ``with`` block; see the module docstring."""
    from filelock import FileLock, Timeout

    from iopkit.fsguard import explain

    folder = Path(folder)
    wait = wait_seconds() if wait is None else wait
    shown = f"{display_path(folder).rstrip(os.sep)}{os.sep}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(folder / LOCK_NAME))
        try:
            lock.acquire(timeout=0)
        except Timeout:
            who = holder(folder)
            (on_wait or _tell)(f"Another build is writing {shown} ({who}); waiting up to {_describe_wait(wait)} "
                               "for it to finish...")
            try:
                lock.acquire(timeout=wait)
            except Timeout:
                raise BuildBusyError(
                    f"{shown}: another build is still writing this folder after {_describe_wait(wait)} "
                    f"({holder(folder)}). Let it finish, or stop it (Ctrl+C in its window), then run this "
                    "command again; or build into another folder with --out.") from None
    except OSError as exc:
        raise explain(exc, folder / LOCK_NAME) from None
    try:
        try:
            write_atomic(folder / HOLDER_NAME, json.dumps({
                "pid": os.getpid(), "host": socket.gethostname(), "command": running_command(),
                "started": dt.datetime.now().isoformat(timespec="seconds")}))
        except OSError:
            pass  # only the waiting build's message needs it
        yield
    finally:
        (folder / HOLDER_NAME).unlink(missing_ok=True)
        lock.release()


def _tell(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
