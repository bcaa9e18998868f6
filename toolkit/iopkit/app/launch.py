"""Start the counselor's workbench: ``iopkit lab`` (JupyterLab) and ``iopkit app`` (Voilà).

Both serve a folder on this computer only (127.0.0.1), open the home notebook
(``iopkit-home.ipynb``, copied into the folder from the one iopkit ships when it is not
there yet), print the address, and run until Ctrl+C. The ``*_command`` functions build
the command lines, so a test can check them without starting a server.
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from iopkit import paths
from iopkit.app.workbench import HOME_NOTEBOOK
from iopkit.errors import IopkitError
from iopkit.limits import MAX_APP_KERNELS

#: The program dashboard's notebook in a counselor's folder (from notebooks/dashboard.ipynb).
DASHBOARD_NOTEBOOK = "iopkit-dashboard.ipynb"

HOST = "127.0.0.1"
#: The ports Jupyter and Voilà use by default; another free port is taken if they are busy.
LAB_PORT = 8888
APP_PORT = 8866
#: JupyterLab settings: no pop-up asking about news, no update check (nothing is fetched).
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
    # Widget values are never written into a saved notebook (the attendance screen shows names).
    "@jupyter-widgets/jupyterlab-manager:plugin": {"saveState": False},
}
#: The files Voilà may serve beside the notebook: images, the PDFs the workbench links to, and the room view.
APP_FILES = r".*\.(png|jpg|jpeg|gif|svg|pdf)|.*/room\.html"
#: Voilà's own "lab" template, less the two stylesheets it fetches from a CDN (Font Awesome:
#: Voilà's bundled styles already carry the icon font). Nothing of the page leaves the computer.
APP_TEMPLATE = "iopkit"
APP_TEMPLATE_CONF = {"base_template": "lab"}
APP_TEMPLATE_INDEX = """\
{%- extends 'voila/templates/lab/index.html.j2' -%}
{#- The lab template's notebook_css block, without its two <link>s to a CDN. -#}
{%- block notebook_css -%}
  {% if frontend == "voila" %}
    {{ resources.include_js("static/voila-style.js") }}
  {% endif %}
  {{ spinner.css() }}
  <style>
    .jp-mod-noOutputs.jp-mod-noInput { display: none; }
  </style>
{% if resources.show_margins %}
  <style>
    body { background: var(--jp-layout-color1); }
    #rendered_cells {
      padding-left: calc(calc(100% - 1200px) * 0.5);
      padding-right: calc( calc( 100% - 1200px - 20px ) * 0.5 );
    }
    #rendered_cells > div {
      background: var(--jp-layout-color0);
      padding: 6ex 12ex 8ex 12ex;
      border-radius: var(--jp-border-radius);
      box-shadow: var(--jp-elevation-z4);
    }
  </style>
{% endif %}
  {{ super.super() }}
{%- endblock notebook_css -%}
"""
STARTUP_SECONDS = 90


class LaunchError(IopkitError):
    """The server could not start (a busy port, a folder that is not there)."""


@dataclass
class Server:
    """What to run, and where a person opens it."""

    command: list[str]
    url: str  # what to print and open
    ready_url: str  # answers once the server is up
    cwd: Path
    env: dict = field(default_factory=dict)  # added to this process's environment


def running_as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def free_port(preferred: int | None = None) -> int:
    """``preferred`` if nothing listens there, else any free port."""
    if preferred:
        with socket.socket() as s:
            try:
                s.bind((HOST, preferred))
                return preferred
            except OSError:
                pass
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def ensure_home(folder: Path) -> Path:
    """The home notebook in ``folder``: copied from iopkit's own when it is not there (never overwritten)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise LaunchError(f"The folder {folder} does not exist. Make it, or choose another folder.")
    home = folder / HOME_NOTEBOOK
    if not home.exists():
        shutil.copyfile(paths.notebooks_dir() / "home.ipynb", home)
    dashboard = folder / DASHBOARD_NOTEBOOK  # the program dashboard the Workbench's Supervision tab links to
    if not dashboard.exists() and (paths.notebooks_dir() / "dashboard.ipynb").is_file():
        shutil.copyfile(paths.notebooks_dir() / "dashboard.ipynb", dashboard)
    return home


def lab_settings_dir(parent: Path) -> Path:
    """A Jupyter config folder holding JupyterLab's default setting overrides (``LAB_SETTINGS``).

    JupyterLab reads ``labconfig/default_setting_overrides.json`` from every folder on
    ``JUPYTER_CONFIG_PATH``, below the person's own settings, so nothing of theirs is changed.
    """
    config = Path(parent) / "jupyter-config"
    (config / "labconfig").mkdir(parents=True, exist_ok=True)
    (config / "labconfig" / "default_setting_overrides.json").write_text(json.dumps(LAB_SETTINGS, indent=1))
    return config


def app_template_dir(parent: Path) -> Path:
    """A Jupyter data folder holding the ``iopkit`` Voilà template (``APP_TEMPLATE_INDEX``).

    Voilà finds templates in every folder on ``JUPYTER_PATH``; this one goes first.
    """
    data = Path(parent) / "jupyter-data"
    folder = data / "voila" / "templates" / APP_TEMPLATE
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "conf.json").write_text(json.dumps(APP_TEMPLATE_CONF))
    (folder / "index.html.j2").write_text(APP_TEMPLATE_INDEX)
    return data


def _prepend(variable: str, folder: Path) -> str:
    return os.pathsep.join([str(folder)] + [p for p in os.environ.get(variable, "").split(os.pathsep) if p])


def lab_command(folder: Path, port: int, token: str, open_browser: bool = True, root: bool | None = None) -> list[str]:
    folder = Path(folder).resolve()
    cmd = [sys.executable, "-m", "jupyter", "lab", str(folder / HOME_NOTEBOOK),
           f"--ServerApp.root_dir={folder}", f"--ServerApp.ip={HOST}", f"--ServerApp.port={port}",
           "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
           f"--ServerApp.open_browser={open_browser}", "--ServerApp.log_level=WARN"]
    if running_as_root() if root is None else root:
        cmd.append("--allow-root")
    return cmd


def app_command(folder: Path, port: int, open_browser: bool = False, template: str | None = APP_TEMPLATE,
                token: str = "", max_kernels: int = MAX_APP_KERNELS, notebook: str = HOME_NOTEBOOK) -> list[str]:
    """Voilà on one notebook: code hidden, tracebacks kept in the terminal, only local files served.

    Only the person who started it can use it: a token (as ``iopkit lab`` has), the Host header
    checked (127.0.0.1 and localhost only, against DNS rebinding) and kernels capped
    (iopkit.app.appserver). Voilà has no ``--allow-root`` (it does not refuse root), so none is
    passed. The ``iopkit`` template needs ``app_template_dir`` on ``JUPYTER_PATH`` (``app_server``
    sees to it).
    """
    folder = Path(folder).resolve()
    return [sys.executable, "-m", "voila", str(folder / notebook), f"--Voila.root_dir={folder}",
            f"--Voila.ip={HOST}", f"--port={port}", f"--Voila.open_browser={open_browser}",
            "--strip_sources=True", "--show_tracebacks=False", "--theme=light",
            *([f"--template={template}"] if template else []),
            f"--VoilaConfiguration.file_allowlist={APP_FILES}", "--Voila.log_level=WARN",
            *([f"--Voila.token={token}"] if token else ["--Voila.auto_token=True"]),
            '--Voila.tornado_settings={"allow_remote_access": False, "local_hostnames": ["localhost"]}',
            "--VoilaConfiguration.multi_kernel_manager_class=iopkit.app.appserver.CappedKernelManager",
            f"--CappedKernelManager.max_kernels={max_kernels}"]


def lab_server(folder: Path, port: int | None = None, open_browser: bool = True, token: str | None = None,
               settings_parent: Path | None = None) -> Server:
    folder = Path(folder).resolve()
    port = port or free_port(LAB_PORT)
    token = token or secrets.token_hex(16)
    # jupyter_server warns about its own deprecated token setting even when it is not used.
    env = {} if "PYTHONWARNINGS" in os.environ else {"PYTHONWARNINGS": "ignore::DeprecationWarning"}
    if settings_parent is not None:
        env["JUPYTER_CONFIG_PATH"] = _prepend("JUPYTER_CONFIG_PATH", lab_settings_dir(settings_parent))
    base = f"http://{HOST}:{port}"
    return Server(lab_command(folder, port, token, open_browser), f"{base}/lab/tree/{HOME_NOTEBOOK}?token={token}",
                  f"{base}/api/status?token={token}", folder, env)


def app_server(folder: Path, port: int | None = None, open_browser: bool = False,
               settings_parent: Path | None = None, token: str | None = None,
               max_kernels: int = MAX_APP_KERNELS, notebook: str = HOME_NOTEBOOK) -> Server:
    """Voilà on the home notebook; with ``settings_parent``, on the ``iopkit`` template written there."""
    folder = Path(folder).resolve()
    port = port or free_port(APP_PORT)
    token = token or secrets.token_hex(16)
    base = f"http://{HOST}:{port}"
    env = {}
    if settings_parent is not None:
        env["JUPYTER_PATH"] = _prepend("JUPYTER_PATH", app_template_dir(settings_parent))
    template = APP_TEMPLATE if settings_parent is not None else None
    # A static path: asking for "/" would start a kernel and run the notebook.
    ready = f"{base}/voila/labextensions/@voila-dashboards/widgets-manager8/package.json"
    return Server(app_command(folder, port, open_browser, template, token, max_kernels, notebook),
                  f"{base}/?token={token}", ready, folder, env)


def lab(folder: Path | str = ".", port: int | None = None, open_browser: bool = True) -> int:
    """JupyterLab on the home notebook in ``folder``, until Ctrl+C."""
    ensure_home(Path(folder))
    with tempfile.TemporaryDirectory(prefix="iopkit-lab-") as settings:
        server = lab_server(Path(folder), port, open_browser, settings_parent=Path(settings))
        return serve(server, "JupyterLab")


def app(folder: Path | str = ".", port: int | None = None, open_browser: bool = True) -> int:
    """The home notebook as an app (Voilà: no code shown) in ``folder``, until Ctrl+C."""
    ensure_home(Path(folder))
    with tempfile.TemporaryDirectory(prefix="iopkit-app-") as settings:
        server = app_server(Path(folder), port, settings_parent=Path(settings))  # we open the browser once it answers
        return serve(server, "The iopkit workbench", open_browser=open_browser)


def dashboard_app(folder: Path | str = ".", port: int | None = None, open_browser: bool = True) -> int:
    """The program dashboard (``iopkit-dashboard.ipynb``) as an app with Voilà, until Ctrl+C."""
    ensure_home(Path(folder))
    with tempfile.TemporaryDirectory(prefix="iopkit-app-") as settings:
        server = app_server(Path(folder), port, settings_parent=Path(settings), notebook=DASHBOARD_NOTEBOOK)
        return serve(server, "The program dashboard", open_browser=open_browser)


def start(server: Server, log=None) -> subprocess.Popen:
    """Start the server in its own process group (Ctrl+C reaches only us; we stop it cleanly).

    Its output goes to the terminal, or to ``log`` (an open file, or ``subprocess.DEVNULL``).
    """
    return subprocess.Popen(server.command, cwd=server.cwd, env={**os.environ, **server.env},
                            stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True)


def wait_until_ready(server: Server, process: subprocess.Popen, timeout: float = STARTUP_SECONDS) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise LaunchError(f"The server stopped while starting (exit code {process.returncode}). The lines "
                              "above say why; a busy port is the usual reason: try --port with another number.")
        try:
            with urllib.request.urlopen(server.ready_url, timeout=2):
                return
        except urllib.error.HTTPError:  # it answered: it is up
            return
        except OSError:
            if time.monotonic() > deadline:
                raise LaunchError(f"The server did not answer at {server.url} within {timeout:.0f} seconds.") from None
            time.sleep(0.25)


def stop(process: subprocess.Popen, grace: float = 15) -> None:
    """Ask the server to stop (it shuts its kernels down), then make sure it has."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def _stop_on_signal(signum, frame):
    raise KeyboardInterrupt


def serve(server: Server, name: str, open_browser: bool = False) -> int:
    """Run the server until Ctrl+C (or the terminal closes), then stop it and its kernels."""
    previous = {}
    for name_ in ("SIGTERM", "SIGHUP"):  # the server is in its own process group: pass these on as a stop
        sig = getattr(signal, name_, None)
        if sig is not None:
            previous[sig] = signal.signal(sig, _stop_on_signal)
    process = start(server)
    try:
        wait_until_ready(server, process)
        print(f"\n{name} is open at:\n\n    {server.url}\n\n"
              "Only this computer can reach it, and only with this address: it holds a private key (the token), "
              "so do not share it. Keep this window open while you work; press Ctrl+C to stop.\n",
              flush=True)
        if open_browser:
            import webbrowser

            webbrowser.open(server.url)
        return process.wait()
    except KeyboardInterrupt:
        print("Stopping...", flush=True)
        return 0
    finally:
        stop(process)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
