"""Family 6 of issue 13: no trace of the build machine in what is built.

A built notebook (session.ipynb, exercise.ipynb) leaves the counselor's computer (shared,
emailed, uploaded): it must not carry the builder's folders (the project, the virtual
environment, the home folder) in its cells or in papermill's metadata. Paths it needs are
relative to the session folder, where JupyterLab runs it.
"""
from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest
from conftest import ROOT, run_cli


@pytest.mark.slow
def test_built_notebooks_carry_no_absolute_path_of_the_builder(tmp_path):
    room = tmp_path / "counselor"
    room.mkdir()
    for name in ("example.toml", "riverbend-logo.png"):
        shutil.copy(ROOT / "cohorts" / name, room / name)
    result = run_cli("build", "example.toml", "--sessions", "1", "--out", "out", "--jobs", "1", cwd=room,
                     env={"PYTHONPATH": str(ROOT / "toolkit")})
    assert result.returncode == 0, result.stdout + result.stderr
    folder = room / "out" / "session-01"
    notebooks = sorted(folder.glob("*.ipynb"))
    assert [p.name for p in notebooks] == ["exercise.ipynb", "session.ipynb"]
    forbidden = {"the temporary folder": str(tmp_path), "the project folder": str(ROOT),
                 "the virtual environment": sys.prefix, "the home folder": os.environ["HOME"],
                 "the real home folder": str(Path("~").expanduser())}
    for notebook in notebooks:
        text = notebook.read_text()
        for what, path in forbidden.items():
            assert path not in text, f"{notebook.name} holds {what} ({path})"
    nb = json.loads((folder / "session.ipynb").read_text())
    params = nb["metadata"]["papermill"]["parameters"]
    assert params["cohort_file"] == "../../example.toml"
    assert (folder / params["cohort_file"]).resolve() == (room / "example.toml").resolve()
    assert nb["metadata"]["papermill"]["input_path"] == "session.ipynb"
    injected = next(c for c in nb["cells"] if "injected-parameters" in c["metadata"].get("tags", []))
    assert 'cohort_file = "../../example.toml"' in "".join(injected["source"])
