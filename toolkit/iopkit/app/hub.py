"""iopkit on JupyterHub: each counselor's own server, made ready before it starts.

JupyterHub starts one Jupyter server per counselor. The hub configurations in
``deploy/jupyterhub/`` start it through this module::

    python -m iopkit.app.hub singleuser [the arguments JupyterHub passes]

which, as the counselor (never as root), before handing over to ``jupyterhub-singleuser``:

- closes the counselor's home to everyone else (mode 0700): their cohorts, builds,
  exercise answers and records are theirs alone;
- makes the records folder (``$IOPKIT_RECORDS``, by default ``~/iopkit-records``) with
  mode 0700, for the encrypted records store;
- copies the home notebook (the Workbench) into the home when it is not there yet;
- writes the Voilà settings the Workbench needs: the ``iopkit`` template and Voilà's own
  MathJax (nothing fetched from the internet), and no file served through ``voila/files/``
  (Voilà serves those to anyone who asks, signed in or not; the Workbench links to the
  Jupyter server's ``files/`` instead, which only the signed-in owner may open).

The program folder (the clinic's curriculum) is named by ``$IOPKIT_PROGRAM``, which the
hub's configuration sets; it is shared, readable by counselors and writable by the
clinical director's group.
"""
from __future__ import annotations

import json
import os
import stat
import sys
from collections.abc import Mapping
from pathlib import Path

from iopkit.app.workbench import HOME_NOTEBOOK

#: Where a counselor lands: the Workbench, as an app (Voilà renders the home notebook).
WORKBENCH_URL = f"/voila/render/{HOME_NOTEBOOK}"
#: JupyterLab on the same notebook (the Workbench links to it).
LAB_URL = f"/lab/tree/{HOME_NOTEBOOK}"
RECORDS_VARIABLE = "IOPKIT_RECORDS"
RECORDS_FOLDER = "iopkit-records"
PRIVATE = 0o700
#: Where this module keeps the Voilà settings it writes, under the counselor's Jupyter data folder.
SETTINGS_FOLDER = "iopkit-hub"


def records_dir(home: Path, environ: Mapping[str, str] | None = None) -> Path:
    env: Mapping[str, str] = os.environ if environ is None else environ
    named = env.get(RECORDS_VARIABLE)
    return Path(named).expanduser() if named else Path(home) / RECORDS_FOLDER


def make_private(folder: Path) -> None:
    """``folder`` (the counselor's own) readable, writable and searchable by them alone."""
    folder.mkdir(mode=PRIVATE, parents=True, exist_ok=True)
    if stat.S_IMODE(folder.stat().st_mode) != PRIVATE:
        os.chmod(folder, PRIVATE)


def voila_settings(config_dir: Path, data_dir: Path) -> None:
    """The ``iopkit`` Voilà template (in ``data_dir``), ``voila.json`` and the server's settings (in ``config_dir``).

    Voilà, running inside the Jupyter server, reads ``voila.json`` from every folder on the
    Jupyter config path and finds templates on the Jupyter data path. Both are written at
    every start, so a new iopkit brings its own.
    """
    from iopkit.app.launch import APP_TEMPLATE, APP_TEMPLATE_CONF, APP_TEMPLATE_INDEX

    template = data_dir / "voila" / "templates" / APP_TEMPLATE
    template.mkdir(parents=True, exist_ok=True)
    (template / "conf.json").write_text(json.dumps(APP_TEMPLATE_CONF))
    (template / "index.html.j2").write_text(APP_TEMPLATE_INDEX)
    config_dir.mkdir(parents=True, exist_ok=True)
    # Voilà's voila/files/ serves files without asking who is there: on a hub, nothing goes through
    # it (the Workbench links to the server's own files/, which only the signed-in owner may open).
    (config_dir / "voila.json").write_text(json.dumps({"VoilaConfiguration": {
        "template": APP_TEMPLATE, "theme": "light", "strip_sources": True, "show_tracebacks": False,
        "file_allowlist": [],
    }}, indent=1))
    # Inside a Jupyter server, Voilà points its pages at MathJax on a CDN unless the server's
    # settings name none; named as none, the page uses the MathJax it bundles (as `iopkit app` does).
    (config_dir / "jupyter_server_config.json").write_text(json.dumps({"ServerApp": {
        "tornado_settings": {"mathjax_url": None, "mathjax_config": None},
    }}, indent=1))


def prepare(home: Path | None = None, environ: Mapping[str, str] | None = None) -> dict:
    """Make the counselor's home ready (see the module docstring); return the variables to add."""
    from iopkit.app.launch import ensure_home

    env: Mapping[str, str] = os.environ if environ is None else environ
    home = Path(home or env.get("HOME") or Path.home())
    make_private(home)
    make_private(records_dir(home, env))
    ensure_home(home)
    base = home / ".local" / "share" / "jupyter" / SETTINGS_FOLDER
    voila_settings(base / "config", base / "data")
    add = {}
    for variable, folder in (("JUPYTER_CONFIG_PATH", base / "config"), ("JUPYTER_PATH", base / "data")):
        rest = [p for p in env.get(variable, "").split(os.pathsep) if p and p != str(folder)]
        add[variable] = os.pathsep.join([str(folder), *rest])
    add.setdefault(RECORDS_VARIABLE, str(records_dir(home, env)))
    return add


def singleuser(argv: list[str]) -> None:
    """Prepare the home, then become ``jupyterhub-singleuser`` with the hub's arguments."""
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        sys.exit("iopkit.app.hub singleuser runs as the counselor, never as root (JupyterHub's spawner sets the user).")
    os.environ.update(prepare())
    os.execv(sys.executable, [sys.executable, "-m", "jupyterhub.singleuser", *argv])


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] != "singleuser":
        sys.exit("usage: python -m iopkit.app.hub singleuser [jupyterhub-singleuser arguments]")
    singleuser(argv[1:])


if __name__ == "__main__":  # pragma: no cover
    main()
