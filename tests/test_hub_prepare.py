"""What ``python -m iopkit.app.hub singleuser`` does to a counselor's home before their server starts.

The real hub (tests/browser/test_hub.py) shows it working end to end; these check each
promise on a folder of our own, in a fraction of a second.
"""
from __future__ import annotations

import json
import os
import stat
import subprocess
import sys

from conftest import ROOT


def test_prepare_closes_the_home_makes_the_records_folder_and_the_workbench(tmp_path):
    from iopkit.app import hub
    from iopkit.app.workbench import HOME_NOTEBOOK

    home = tmp_path / "sam"
    home.mkdir(mode=0o755)
    os.chmod(home, 0o755)  # as useradd makes it on Debian: others can read it
    added = hub.prepare(home, environ={"JUPYTER_PATH": "/opt/share/jupyter"})

    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    records = home / "iopkit-records"
    assert records.is_dir() and stat.S_IMODE(records.stat().st_mode) == 0o700
    assert added["IOPKIT_RECORDS"] == str(records)
    assert (home / HOME_NOTEBOOK).is_file()

    config, data = added["JUPYTER_CONFIG_PATH"].split(os.pathsep)[0], added["JUPYTER_PATH"].split(os.pathsep)
    assert data[1:] == ["/opt/share/jupyter"]  # what the hub's environment named stays, after ours
    voila = json.loads((tmp_path / "sam" / config.split("sam/", 1)[1] / "voila.json").read_text())
    assert voila["VoilaConfiguration"]["template"] == "iopkit"
    # Voila's voila/files/ asks nobody who they are: nothing may go through it on a hub.
    assert voila["VoilaConfiguration"]["file_allowlist"] == []
    server = json.loads((home / config.split("sam/", 1)[1] / "jupyter_server_config.json").read_text())
    assert server["ServerApp"]["tornado_settings"] == {"mathjax_url": None, "mathjax_config": None}
    assert (home / data[0].split("sam/", 1)[1] / "voila" / "templates" / "iopkit" / "index.html.j2").is_file()


def test_a_records_folder_named_by_the_hub_is_made_private_too(tmp_path):
    from iopkit.app import hub

    home = tmp_path / "lee"
    named = tmp_path / "store" / "lee"
    added = hub.prepare(home, environ={"IOPKIT_RECORDS": str(named)})
    assert stat.S_IMODE(named.stat().st_mode) == 0o700 and added["IOPKIT_RECORDS"] == str(named)


def test_the_server_never_starts_as_root():
    if os.geteuid() != 0:
        return  # the refusal is for root only; nothing to check as another user
    result = subprocess.run([sys.executable, "-m", "iopkit.app.hub", "singleuser"], capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT / "toolkit")}, timeout=60)
    assert result.returncode != 0 and "never as root" in result.stderr


def test_the_shipped_hub_configurations_send_counselors_to_the_workbench(monkeypatch):
    """The three configurations agree with iopkit.app.hub on the command and the landing page."""
    for name in ("IOPKIT_PROGRAM", "IOPKIT_USER_PYTHON", "IOPKIT_HUB_URL", "IOPKIT_HUB_STATE", "IOPKIT_IDLE_MINUTES"):
        monkeypatch.delenv(name, raising=False)
    import yaml
    from traitlets.config.loader import PyFileConfigLoader

    from iopkit.app.hub import WORKBENCH_URL

    for name in ("jupyterhub_config.py", "tljh/iopkit.py"):
        path = ROOT / "deploy" / "jupyterhub" / name
        config = PyFileConfigLoader(path.name, path=str(path.parent)).load_config()  # as JupyterHub loads it
        assert config.Spawner.default_url == WORKBENCH_URL, name
        assert config.Spawner.cmd[1:] == ["-m", "iopkit.app.hub", "singleuser"], name
        assert config.Spawner.environment["IOPKIT_PROGRAM"] == "/srv/iopkit/program", name
        code = [line for line in path.read_text().splitlines() if not line.lstrip().startswith("#")]
        assert not [line for line in code if "password" in line.lower()], f"{name} sets a password"
    plain = PyFileConfigLoader("jupyterhub_config.py", path=str(ROOT / "deploy" / "jupyterhub")).load_config()
    assert plain.JupyterHub.bind_url.startswith("http://127.0.0.1:")  # HTTPS goes in front of it
    assert plain.JupyterHub.services[0]["command"][1:3] == ["-m", "jupyterhub_idle_culler"]
    assert plain.Authenticator.admin_users == set()
    values = yaml.safe_load((ROOT / "deploy" / "jupyterhub" / "k8s" / "values.yaml").read_text())
    assert values["singleuser"]["defaultUrl"] == WORKBENCH_URL
    assert values["singleuser"]["cmd"] == ["python", "-m", "iopkit.app.hub", "singleuser"]
    assert values["cull"]["enabled"] is True
    assert "client_secret" not in json.dumps(values)
    dockerfile = (ROOT / "deploy" / "jupyterhub" / "k8s" / "Dockerfile").read_text()
    assert 'CMD ["python", "-m", "iopkit.app.hub", "singleuser"]' in dockerfile
