"""What every Workbench screen shares: its markup (templates in ``handouts/templates/iopkit/workbench/``,
``render``), a plain message line (never a traceback), links to built files, and, for the screens that
open the encrypted store, an unlock that never keeps the passphrase and a lock after a while with no clicks."""
from __future__ import annotations

import os
import posixpath
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from iopkit import markup
from iopkit.errors import IopkitError
from iopkit.markup import esc

if TYPE_CHECKING:
    import ipywidgets

#: Seconds without a click before a screen that shows records locks itself (and forgets the key).
IDLE_SECONDS = 300
#: Where the screens' templates are, under handouts/templates/ (iopkit.markup's loader).
TEMPLATES = "iopkit/workbench/"


def render(template: str, **context) -> str:
    """A piece of a Workbench screen: ``template`` in iopkit/workbench/, rendered by iopkit.markup."""
    return markup.render(TEMPLATES + template, **context).rstrip("\n")


def plain_error(exc: BaseException) -> str:
    """What a counselor reads: an iopkit error's own message, or one plain line, never a traceback."""
    if isinstance(exc, IopkitError):
        return str(exc)
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else 'no details'}"


class MessageLine:
    """A screen with a ``message`` HTML widget and buttons whose errors are said there in plain words."""

    message: ipywidgets.HTML

    def _say(self, text: str, kind: str = "note") -> None:
        self.message.value = f'<div class="wb-{kind}">{esc(text)}</div>' if text else ""

    def touch(self) -> None:
        """A click: the idle clock starts again (screens without one ignore it)."""

    def _guard(self, action: Callable[[], object]) -> None:
        self.touch()
        try:
            action()
        except Exception as exc:  # noqa: BLE001 - a plain message, never a traceback (and never a name)
            self._say(plain_error(exc), "message")


def store_fields(default: str = ""):
    """The two boxes every records screen asks with: the store's file and its passphrase."""
    import ipywidgets as w

    store_path = w.Text(value=default, description="Store", placeholder="the records store file",
                        layout=w.Layout(width="min(100%, 40em)"), style={"description_width": "7em"})
    password = w.Password(description="Passphrase", layout=w.Layout(width="min(100%, 30em)"),
                          style={"description_width": "7em"})
    return store_path, password


class LockingScreen(MessageLine):
    """A screen that opens the encrypted store: ``vault``, ``password``, ``store_path``, ``clock``,
    ``idle_seconds``; it locks itself after ``idle_seconds`` with no clicks.

    A subclass says what "open" means (``is_open``), what to do on lock (``lock``), and may hold the
    lock back while something waits for staff (``idle_waiting``)."""

    idle_seconds: float
    clock: Callable[[], float]
    password: ipywidgets.Password
    store_path: ipywidgets.Text
    #: Said when the screen locks itself.
    idle_message = "Locked after a while with no clicks."

    def _start_idle_clock(self) -> None:
        self._last_touch = self.clock()
        self._timer: threading.Timer | None = None

    def touch(self) -> None:
        self._last_touch = self.clock()

    @property
    def is_open(self) -> bool:
        vault = getattr(self, "vault", None)
        return vault is not None and not vault.locked

    @property
    def unlocked(self) -> bool:
        """The store is open on this screen (the same as ``is_open`` for the records screens)."""
        return self.is_open

    def idle_waiting(self) -> bool:
        """True while something must stay on screen for staff (a safety banner)."""
        return False

    def open_vault(self, button: str = "Unlock"):
        """Unlock the store named in the screen (or found as usual) with the passphrase typed; the
        passphrase box is emptied first and the secret dropped. None (and a message) when none was typed."""
        from iopkit.records.store import Vault, find_store

        secret, self.password.value = self.password.value, ""  # the box never keeps it
        try:
            path = find_store(self.store_path.value.strip() or None)
            if not secret:
                self._say(f"Type the store's passphrase, then press {button}.", "message")
                return None
            return Vault.unlock(path, secret)
        finally:
            del secret

    def _arm_idle(self) -> None:
        self._stop_idle()
        self._timer = threading.Timer(min(self.idle_seconds, 30), self.check_idle)
        self._timer.daemon = True
        self._timer.start()

    def _stop_idle(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def check_idle(self) -> None:
        """Lock after ``idle_seconds`` without a click; otherwise look again a little later."""
        if not self.is_open:
            return
        if not self.idle_waiting() and self.clock() - self._last_touch >= self.idle_seconds:
            self.lock(self.idle_message)
        else:
            self._arm_idle()

    def lock(self, message: str = "") -> None:
        raise NotImplementedError


# ---------------------------------------------------------------- links to built files


def file_href(path: Path, cwd: Path | None = None, environ: Mapping[str, str] | None = None) -> str | None:
    """A link to a file in the notebook's folder, as the page showing the notebook can open it.

    JupyterLab resolves a relative link against the notebook (and opens the file in a tab);
    Voilà serves files under ``voila/files/`` (only the kinds ``iopkit app`` allows). On
    JupyterHub, where Voilà runs inside the counselor's Jupyter server, the link goes to the
    server's own ``files/``, which only the signed-in owner may open (Voilà's ``voila/files/``
    asks nobody, so iopkit.app.hub allows nothing through it). ``None`` when the file is outside
    the notebook's folder, where no page can reach it.
    """
    environ = os.environ if environ is None else environ
    cwd = (Path(cwd) if cwd else Path.cwd()).resolve()
    try:
        rel = Path(path).resolve().relative_to(cwd).as_posix()
    except ValueError:
        return None
    if not environ.get("SERVER_SOFTWARE", "").startswith("voila"):
        return quote(rel)
    # Voilà gives the kernel the page's path: "/" for one notebook, ".../voila/render/<path>" for a folder.
    script = environ.get("SCRIPT_NAME", "")
    folder = posixpath.dirname(script.split("/voila/render/", 1)[1]) if "/voila/render/" in script else ""
    base = environ.get("VOILA_SERVER_URL") or environ.get("VOILA_BASE_URL") or "/"
    hub = environ.get("JUPYTERHUB_SERVICE_PREFIX", "")
    if hub and "/voila/render/" in script:
        return quote("/" + hub.strip("/") + "/files/" + (folder + "/" if folder else "") + rel)
    base = "/" + base.strip("/") + "/" if base.strip("/") else "/"
    return quote(base + "voila/files/" + (folder + "/" if folder else "") + rel)
