"""A non-editable install into a fresh virtual environment builds a packet on its own,
following the README's first command: install, ``iopkit init clinic``, build inside it.

The curriculum, the notebook template and the print templates must ship inside the
wheel. The fresh environment borrows the test environment's third-party packages (so
the test does not download them again) but not its editable iopkit.
"""
from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv

import pytest
from conftest import ROOT, pdf_text

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

    # The README's first command: install, make the program folder, build inside it.
    env = {k: v for k, v in os.environ.items() if k not in ("IOPKIT_CURRICULUM", "IOPKIT_PROGRAM")}
    env["PATH"] = f"{env_dir / 'bin'}{os.pathsep}{env['PATH']}"
    # nbconvert's own templates sit in the borrowed environment's share/jupyter.
    env["JUPYTER_PATH"] = os.path.join(sys.prefix, "share", "jupyter")
    iopkit = str(env_dir / "bin" / "iopkit")
    made = subprocess.run([iopkit, "init", "clinic"], cwd=tmp_path, capture_output=True, text=True, env=env,
                          timeout=120)
    assert made.returncode == 0, made.stdout + made.stderr
    work = tmp_path / "clinic"
    # The issue this answers: the counselor's edit must show, not the copy inside the environment.
    session = work / "curriculum" / "sessions" / "01-orientation.yaml"
    session.write_text(session.read_text().replace("title: Welcome, and Staying Safe",
                                                   "title: Welcome, and Keeping Each Other Safe", 1))
    result = subprocess.run([iopkit, "build", "cohorts/example.toml", "--sessions", "1"], cwd=work,
                            capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Using the curriculum in {(work / 'curriculum').resolve()} (program folder)." in result.stderr
    folder = work / "build" / "example" / "session-01"
    assert (folder / "facilitator-guide.pdf").stat().st_size > 10_000
    assert (folder / "handout.pdf").stat().st_size > 5_000
    assert "Keeping Each Other Safe" in " ".join(pdf_text(folder / "handout.pdf").split())
    # The room view's template, stylesheet and vendored reveal.js ship in the wheel, inlined in room.html.
    room = (folder / "room.html").read_text(encoding="utf-8")
    assert "Reveal.initialize" in room and "If you need help now" in room
    # ... and its exporter is registered, so JupyterLab's export menu lists it (as Room_html).
    registered = subprocess.check_output(
        [str(python), "-c", "from nbconvert.exporters import get_exporter; print(get_exporter('room_html').__name__)"],
        text=True, cwd=tmp_path, env=env).strip()
    assert registered == "RoomHTMLExporter"
    # The after-group kit's templates, print CSS and reminder texts ship in the wheel too.
    result = subprocess.run([str(env_dir / "bin" / "iopkit"), "notes", "cohorts/example.toml", "--session", "1"], cwd=work,
                            capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (work / "build" / "example" / "notes" / "2027-01-04" / "sign-in-slips.pdf").stat().st_size > 5_000
    result = subprocess.run([str(env_dir / "bin" / "iopkit"), "reminders", "cohorts/example.toml", "--date", "2027-01-04"],
                            cwd=work, capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0 and "Hi, this is Riverbend." in result.stdout, result.stderr
