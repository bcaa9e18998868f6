"""A non-editable install into a fresh virtual environment builds a packet on its own.

The curriculum, the notebook template and the print templates must ship inside the
wheel. The fresh environment borrows the test environment's third-party packages (so
the test does not download them again) but not its editable iopkit.
"""
from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
import sysconfig
import venv

import pytest

from conftest import ROOT

pytestmark = pytest.mark.slow


def test_pip_install_dot_builds_a_session_outside_the_checkout(tmp_path):
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    purelib = subprocess.check_output([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                      text=True).strip()
    # A plain path line, not a site dir: the outer environment's .pth files (our editable install) are not run.
    outer = sysconfig.get_paths()["purelib"]
    with open(os.path.join(purelib, "outer-packages.pth"), "w") as handle:
        handle.write(outer + "\n")
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", str(ROOT)],
                   check=True, cwd=tmp_path)
    where = subprocess.check_output([str(python), "-c", "import iopkit, sys; print(iopkit.__file__)"], text=True,
                                    cwd=tmp_path).strip()
    assert where.startswith(str(env_dir)), where
    shipped = subprocess.check_output(
        [str(python), "-c", "from iopkit import paths; print(paths.data_root())"], text=True, cwd=tmp_path).strip()
    assert shipped.startswith(str(env_dir)) and shipped.endswith("_data")

    work = tmp_path / "clinic"
    work.mkdir()
    for name in ("example.toml", "riverbend-logo.png"):
        shutil.copy(ROOT / "cohorts" / name, work / name)
    env = {k: v for k, v in os.environ.items() if k != "IOPKIT_CURRICULUM"}
    env["PATH"] = f"{env_dir / 'bin'}{os.pathsep}{env['PATH']}"
    # nbconvert's own templates sit in the borrowed environment's share/jupyter.
    env["JUPYTER_PATH"] = os.path.join(sys.prefix, "share", "jupyter")
    result = subprocess.run([str(env_dir / "bin" / "iopkit"), "build", "example.toml", "--sessions", "1"], cwd=work,
                            capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    folder = work / "build" / "example" / "session-01"
    assert (folder / "facilitator-guide.pdf").stat().st_size > 10_000
    assert (folder / "handout.pdf").stat().st_size > 5_000
    # The room view's template, stylesheet and vendored reveal.js ship in the wheel, inlined in room.html.
    room = (folder / "room.html").read_text(encoding="utf-8")
    assert "Reveal.initialize" in room and "If you need help now" in room
    # ... and its exporter is registered, so JupyterLab's export menu lists it (as Room_html).
    registered = subprocess.check_output(
        [str(python), "-c", "from nbconvert.exporters import get_exporter; print(get_exporter('room_html').__name__)"],
        text=True, cwd=tmp_path, env=env).strip()
    assert registered == "RoomHTMLExporter"
    # The after-group kit's templates, print CSS and reminder texts ship in the wheel too.
    result = subprocess.run([str(env_dir / "bin" / "iopkit"), "notes", "example.toml", "--session", "1"], cwd=work,
                            capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (work / "build" / "example" / "notes" / "2027-01-04" / "sign-in-slips.pdf").stat().st_size > 5_000
    result = subprocess.run([str(env_dir / "bin" / "iopkit"), "reminders", "example.toml", "--date", "2027-01-04"],
                            cwd=work, capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0 and "Hi, this is Riverbend." in result.stdout, result.stderr
